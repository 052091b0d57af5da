//! Profile drafts: a starting profile for an agency's export, written from
//! its header and a sample of its rows ([`read_table`](crate::read_table)).
//!
//! Columns are mapped to canonical fields by name, from a table of the
//! names agencies use ("Surname", "D.O.B.", "Post Code", "Date Received",
//! "Case Ref" …), compared in lower case without spaces or punctuation; a
//! role word ("Victim", "Client", "Tenant", "Suspect", "Perpetrator" …)
//! says whose name, date of birth or address a column holds (the victim's
//! when none does). What needs a person's judgement is left as comments to
//! fill in: every column left unread, the constants (`source`, `kind`),
//! and, for coded fields (`kind`, `category`, `vulnerabilities`,
//! `hate_strands`, `harm`, `children_present`, `borough`, `source`), the
//! distinct values seen, as commented value-map lines with their counts.
//! The draft is a valid profile as written; the date formats its text
//! dates need are found and written.
//!
//! Architecture Invariant: a draft never holds a value of a personal field
//! ([`marac_model::PERSONAL_FIELDS`]) nor of a column it does not map: only
//! column names, counts, date formats and the values of the coded fields
//! above.
//!
//! ```
//! use marac_ingest::{draft::draft, Profile, Table};
//! let table = Table {
//!     header: ["Case Ref", "Date Received", "Type", "Surname"].map(String::from).to_vec(),
//!     rows: vec![["C1", "03/11/2026", "Noise", "Okafor"].map(String::from).to_vec()],
//!     sheet: None,
//!     header_row: 1,
//! };
//! let d = draft(&table, "council", "council.csv");
//! assert!(d.toml.contains("incident_id = \"Case Ref\""));
//! assert!(d.toml.contains("formats = [\"%d/%m/%Y\"]"));
//! assert!(d.toml.contains("# \"Noise\" = \"\"  # 1 row"));
//! assert!(!d.toml.contains("Okafor"));
//! assert!(Profile::from_toml("draft", &d.toml).is_ok());
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use marac_geo::Areas;
use marac_model::{HateStrandSet, IncidentKind, VulnerabilitySet};

use crate::profile::slug;
use crate::values::{dob_date, parse_record_date, parse_yes_no};
use crate::Table;

/// Rows a draft samples (the first ones of the input).
pub const SAMPLE_ROWS: usize = 1000;

/// Distinct values listed per coded column (the most frequent first).
const VALUES_LISTED: usize = 30;

/// A drafted profile and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The profile as TOML, with what to fill in as comments.
    pub toml: String,
    /// Columns read for a canonical field.
    pub mapped: usize,
    /// Columns left unread (listed in the draft).
    pub unmapped: usize,
    /// Distinct values of coded columns that no field accepts as written:
    /// commented value-map lines to fill in.
    pub values_to_map: usize,
    /// Rows sampled.
    pub rows: usize,
}

/// Whose details a column holds, from its role words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Victim,
    Suspect,
    /// No role word: the victim's, unless the export describes a place.
    Unsaid,
}

/// Names of columns, compared as their letters and digits in lower case
/// ("Date of Birth" and "date_of_birth" are both `dateofbirth`), mapped
/// to a field as they stand.
#[rustfmt::skip]
const NAMES: &[(&str, &[&str])] = &[
    ("incident_id", &[
        "caseref", "casereference", "casereferencenumber", "caseno", "casenumber", "caseid",
        "reference", "referencenumber", "referenceno", "ref", "refno", "crimeref",
        "crimereference", "crimereferencenumber", "crimeno", "crimenumber", "crimeid",
        "incidentid", "incidentref", "incidentreference", "incidentno", "incidentnumber", "id",
        "recordid", "recordnumber", "referralid", "referralref", "referralreference",
        "referralnumber", "referralno", "urn", "uniqueid", "reportid", "reportnumber",
        "reportref", "logno", "lognumber", "cadnumber", "cadref", "occurrencenumber",
        "complaintid", "complaintref", "complaintreference", "complaintnumber", "asbref",
        "asbreference", "asbcaseref", "asbcasereference", "asbnumber",
    ]),
    ("reported_at", &[
        "datereported", "reporteddate", "datereceived", "receiveddate", "dateofreport",
        "reportdate", "datelogged", "loggeddate", "loggedon", "datecreated", "createddate",
        "createdon", "reportedon", "receivedon", "datereferred", "referraldate",
        "dateofreferral", "referralreceiveddate", "daterecorded", "recordeddate", "recordedon",
        "reported", "received", "dateopened", "opendate", "openeddate", "casedate",
        "dateofcomplaint", "complaintdate", "month", "date", "datetimereported",
        "reporteddatetime", "datetimereceived", "receiveddatetime",
    ]),
    ("occurred_at", &[
        "incidentdate", "dateofincident", "incidentdatetime", "incidentdateandtime",
        "occurreddate", "dateoccurred", "occurredon", "dateofoccurrence", "occurrencedate",
        "eventdate", "dateofevent", "offencedate", "dateofoffence", "datecommitted",
        "committeddate",
    ]),
    ("borough", &[
        "borough", "boroughname", "localauthority", "localauthorityname", "la", "council",
        "councilarea", "district", "area", "ward", "wardname",
    ]),
    ("lat", &[
        "latitude", "lat",
    ]),
    ("lon", &[
        "longitude", "long", "lon", "lng",
    ]),
    ("easting", &[
        "easting", "eastings", "xcoordinate", "xcoord", "gridx",
    ]),
    ("northing", &[
        "northing", "northings", "ycoordinate", "ycoord", "gridy",
    ]),
    ("location_text", &[
        "location", "locationofincident", "incidentlocation", "incidentaddress",
        "addressofincident", "placeofincident", "locationdescription", "locationdetails",
        "locationaddress", "incidentstreet", "streetofincident",
    ]),
    ("postcode", &[
        "incidentpostcode", "locationpostcode", "postcodeofincident",
    ]),
    ("kind", &[
        "type", "incidenttype", "casetype", "kind", "recordtype", "reporttype", "crimetype",
        "referraltype", "typeofincident", "asbtype", "incidentkind", "problemtype",
        "typeofreport", "complainttype", "typeofcomplaint",
    ]),
    ("category", &[
        "category", "subcategory", "subtype", "incidentcategory", "casecategory", "asbcategory",
        "natureofincident", "nature", "classification", "incidentsubtype",
        "categorydescription",
    ]),
    ("vulnerabilities", &[
        "vulnerability", "vulnerabilities", "vulnerabilityfactors", "vulnerabilitytype",
        "vulnerabilitytypes", "vulnerable", "vulnerabilityflags", "needs", "disability",
        "disabilities",
    ]),
    ("hate_strands", &[
        "hatecrimetype", "hatetype", "hatestrand", "hatestrands", "hatecategory",
        "hatecrimecategory", "hatemotivation", "hatecrimemotivation", "motivation",
        "perceivedmotivation", "motivatedby", "hateaggravation", "aggravatedby",
        "hateincidenttype", "protectedcharacteristic", "protectedcharacteristics",
    ]),
    ("harm", &[
        "harm", "harmlevel", "harmscore", "levelofharm", "severity", "impact",
    ]),
    ("children_present", &[
        "childrenpresent", "children", "childreninvolved", "childreninhousehold",
        "childrenathome", "anychildren", "childrenaffected", "dependants",
    ]),
    ("summary", &[
        "summary", "description", "details", "notes", "narrative", "incidentdetails",
        "incidentdescription", "incidentsummary", "comments", "freetext", "circumstances",
        "synopsis", "casenotes", "detailsofincident", "descriptionofincident", "casesummary",
    ]),
    ("outcome", &[
        "outcome", "result", "caseoutcome", "lastoutcomecategory", "actiontaken",
        "actionstaken", "disposal", "closurereason", "outcomedescription",
    ]),
    ("source", &[
        "agency", "agencyname", "source", "sourceagency", "reportedby", "organisation",
        "organization", "recordingagency", "reportingagency",
    ]),
];

/// A person's details, once the role words are taken out of the name:
/// (field suffix, names).
#[rustfmt::skip]
const PERSON_NAMES: &[(&str, &[&str])] = &[
    ("ref", &[
        "ref", "reference", "referencenumber", "refno", "id", "number", "no", "personid",
        "personref", "personnumber", "systemid", "mosaicid", "mosaicnumber", "tenancyref",
        "tenancyreference", "tenancynumber", "accountnumber", "pncid", "pncnumber",
    ]),
    ("first_name", &[
        "firstname", "firstnames", "forename", "forenames", "givenname", "givennames", "first",
        "fname", "christianname",
    ]),
    ("last_name", &[
        "surname", "surnames", "lastname", "familyname", "last", "lname",
    ]),
    ("dob", &[
        "dob", "dateofbirth", "birthdate", "birthday", "datebirth",
    ]),
    ("postcode", &[
        "postcode", "postalcode", "pc", "zip", "zipcode", "homepostcode",
    ]),
    ("phone", &[
        "phone", "phoneno", "phonenumber", "telephone", "telephoneno", "telephonenumber", "tel",
        "telno", "mobile", "mobileno", "mobilenumber", "contactnumber", "contactno", "landline",
    ]),
];

/// Parts of an address: several are joined (`[join]`).
#[rustfmt::skip]
const ADDRESS_PARTS: &[&str] = &[
    "address", "fulladdress", "homeaddress", "currentaddress", "address1", "address2",
    "address3", "address4", "address5", "addressline1", "addressline2", "addressline3",
    "addressline4", "addressline5", "houseno", "housenumber", "housename", "flat", "flatno",
    "flatnumber", "street", "streetname", "road", "town", "city", "locality",
];

/// Words that say whose details a column holds (in order: longer first).
const ROLE_WORDS: &[(&[&str], Role)] = &[
    (&["adult", "at", "risk"], Role::Victim),
    (&["service", "user"], Role::Victim),
    (&["injured", "party"], Role::Victim),
    (&["other", "party"], Role::Suspect),
    (&["alleged", "perpetrator"], Role::Suspect),
    (&["person", "alleged"], Role::Suspect),
    (&["victim"], Role::Victim),
    (&["victims"], Role::Victim),
    (&["complainant"], Role::Victim),
    (&["client"], Role::Victim),
    (&["customer"], Role::Victim),
    (&["tenant"], Role::Victim),
    (&["resident"], Role::Victim),
    (&["reporter"], Role::Victim),
    (&["adult"], Role::Victim),
    (&["patient"], Role::Victim),
    (&["suspect"], Role::Suspect),
    (&["suspects"], Role::Suspect),
    (&["perpetrator"], Role::Suspect),
    (&["perp"], Role::Suspect),
    (&["offender"], Role::Suspect),
    (&["accused"], Role::Suspect),
    (&["respondent"], Role::Suspect),
    (&["abuser"], Role::Suspect),
    (&["alleged"], Role::Suspect),
];

/// Words that say nothing about the field.
const FILLER: &[&str] = &["of", "the", "s"];

/// A column name's words: runs of letters and digits, lower case.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What a draft makes of one column.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Guess {
    /// A canonical field, by its name.
    Field(&'static str),
    /// A person's detail ("last_name", "dob" …) of a role.
    Person(Role, &'static str),
    /// A part of an address (joined when there are several).
    AddressPart(Role),
    /// A person's whole name in one column.
    FullName,
    /// Nothing known.
    Unknown,
}

fn guess(name: &str) -> Guess {
    // A canonical field's own name, as the canonical schema writes it
    // ("postcode"; but "Postcode" may be the victim's).
    if let Some(field) = marac_model::FIELDS.iter().find(|f| **f == name.trim()) {
        return Guess::Field(field);
    }
    let w = words(name);
    let key = w.concat();
    if let Some((field, _)) = NAMES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
    {
        return Guess::Field(field);
    }
    // Take the role words out.
    let mut role = Role::Unsaid;
    let mut rest: Vec<&str> = Vec::new();
    let mut i = 0;
    'words: while i < w.len() {
        for (phrase, r) in ROLE_WORDS {
            if w[i..].starts_with(&phrase.iter().map(|p| p.to_string()).collect::<Vec<_>>()) {
                role = *r;
                i += phrase.len();
                continue 'words;
            }
        }
        if !FILLER.contains(&w[i].as_str()) {
            rest.push(&w[i]);
        }
        i += 1;
    }
    let rest = rest.concat();
    if let Some((suffix, _)) = PERSON_NAMES
        .iter()
        .find(|(_, names)| names.contains(&rest.as_str()))
    {
        return Guess::Person(role, suffix);
    }
    if ADDRESS_PARTS.contains(&rest.as_str()) {
        return Guess::AddressPart(role);
    }
    if role != Role::Unsaid && matches!(rest.as_str(), "" | "name" | "fullname" | "names") {
        return Guess::FullName;
    }
    if matches!(rest.as_str(), "name" | "fullname" | "personname") {
        return Guess::FullName;
    }
    Guess::Unknown
}

/// The TOML text of a string (a basic string, escaped).
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `text` as comment lines of at most 79 characters (a longer word
/// stands on a line of its own).
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line.len() > 1 && line.len() + 1 + word.chars().count() > 79 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// Which columns the draft reads for which field.
#[derive(Default)]
struct Mapping {
    /// Field -> column index.
    columns: Vec<(&'static str, usize)>,
    /// Field -> columns joined.
    joins: Vec<(&'static str, Vec<usize>)>,
    /// Unread columns, each with a note.
    unread: Vec<(usize, String)>,
    /// Notes on mapped fields.
    notes: HashMap<&'static str, String>,
}

impl Mapping {
    fn column(&self, field: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, c)| c)
    }

    fn reads(&self, field: &str) -> bool {
        self.column(field).is_some() || self.joins.iter().any(|(f, _)| *f == field)
    }
}

/// The canonical field of a person detail.
fn person_field(role: Role, suffix: &str) -> Option<&'static str> {
    let victim = role != Role::Suspect;
    marac_model::FIELDS.iter().copied().find(|f| {
        let (prefix, rest) = f.split_once('_').unwrap_or(("", ""));
        rest == suffix && prefix == if victim { "victim" } else { "suspect" }
    })
}

fn map_columns(header: &[String]) -> Mapping {
    let guesses: Vec<Guess> = header.iter().map(|h| guess(h)).collect();
    // An address or postcode with no role word is the victim's when the
    // export names a victim and describes no place; else the place's.
    let names_victim = guesses.iter().any(|g| match g {
        Guess::Person(r, s) => *r != Role::Suspect && *s != "postcode",
        _ => false,
    });
    let describes_place = guesses.iter().any(|g| {
        matches!(
            g,
            Guess::Field("location_text" | "postcode" | "lat" | "easting")
        )
    });
    let unsaid_is_victim = names_victim && !describes_place;
    let mut m = Mapping::default();
    let mut address: [(Vec<usize>, &'static str); 2] = [
        (Vec::new(), "victim_address"),
        (Vec::new(), "suspect_address"),
    ];
    let mut location_parts: Vec<usize> = Vec::new();
    for (i, g) in guesses.iter().enumerate() {
        if header[i].trim().is_empty() {
            continue;
        }
        let field = match g {
            Guess::Field(f) => Some(*f),
            Guess::Person(Role::Unsaid, "postcode") if !unsaid_is_victim => Some("postcode"),
            Guess::Person(role, suffix) => person_field(*role, suffix),
            Guess::AddressPart(Role::Suspect) => {
                address[1].0.push(i);
                continue;
            }
            Guess::AddressPart(Role::Unsaid) if !unsaid_is_victim => {
                location_parts.push(i);
                continue;
            }
            Guess::AddressPart(_) => {
                address[0].0.push(i);
                continue;
            }
            Guess::FullName => {
                m.unread.push((
                    i,
                    "a whole name? first and last names are separate fields \
                     (victim_first_name, victim_last_name)"
                        .into(),
                ));
                continue;
            }
            Guess::Unknown => None,
        };
        match field {
            None => m.unread.push((i, String::new())),
            Some(f) => match m.column(f) {
                Some(first) => m.unread.push((
                    i,
                    format!(
                        "looks like {f} too, which is read from {}",
                        q(&header[first])
                    ),
                )),
                None => {
                    if g == &Guess::Person(Role::Unsaid, "postcode") {
                        m.notes.insert(
                            f,
                            if f == "postcode" {
                                "no role word: read as where the incident happened; if it is \
                                 the victim's, use victim_postcode"
                            } else {
                                "no role word: read as the victim's (the export names a victim \
                                 and no place); if it is where the incident happened, use postcode"
                            }
                            .into(),
                        );
                    }
                    m.columns.push((f, i))
                }
            },
        }
    }
    if !location_parts.is_empty() {
        if m.reads("location_text") {
            // The place has a column of its own: the address is the victim's.
            address[0].0.extend(location_parts);
            m.notes.insert(
                "victim_address",
                "no role word: read as the victim's, as the place has a column of its own".into(),
            );
        } else if location_parts.len() == 1 {
            m.columns.push(("location_text", location_parts[0]));
        } else {
            m.joins.push(("location_text", location_parts));
        }
    }
    for (parts, field) in address {
        match parts.len() {
            0 => {}
            1 => m.columns.push((field, parts[0])),
            _ => m.joins.push((field, parts)),
        }
    }
    // One column for both kind and category, as police-uk's "Crime type".
    match (m.column("kind"), m.column("category")) {
        (Some(k), None) => {
            m.columns.push(("category", k));
            m.notes.insert(
                "category",
                "the same column as kind: each value's own words, as a slug".into(),
            );
        }
        (None, Some(c)) => {
            m.columns.push(("kind", c));
            m.notes.insert(
                "kind",
                "the same column as category: map each value to a kind below".into(),
            );
        }
        _ => {}
    }
    m
}

/// Distinct values of one column: (shown spelling, rows), most frequent
/// first, values compared as a value map compares them (trimmed, in lower
/// case); the spelling shown is the most frequent (the first of equals).
fn distinct(rows: &[Vec<String>], col: usize) -> Vec<(String, usize)> {
    // Per value: its rows, and per spelling its rows and first row.
    type Spellings<'a> = HashMap<&'a str, (usize, usize)>;
    let mut by_key: HashMap<String, (usize, Spellings<'_>)> = HashMap::new();
    for (n, row) in rows.iter().enumerate() {
        let v = row[col].trim();
        if v.is_empty() {
            continue;
        }
        let entry = by_key.entry(v.to_lowercase()).or_default();
        entry.0 += 1;
        let spelling = entry.1.entry(v).or_insert((0, n));
        spelling.0 += 1;
    }
    let mut out: Vec<(String, usize)> = by_key
        .into_values()
        .map(|(count, spellings)| {
            let shown = spellings
                .into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            (shown, count)
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Coded fields whose values a draft lists: how a value reads without a
/// map (`None`: it needs one), and what to map values to.
const CODED: &[(&str, &str)] = &[
    ("kind", "one of asb, dispute, safeguarding, hate, crime"),
    (
        "category",
        "a category such as verbal_abuse, harassment, intimidation, criminal_damage, assault, \
         noise, nuisance, theft, financial_abuse, neglect, threats, online",
    ),
    (
        "vulnerabilities",
        "a ;-separated list of physical_disability, learning_disability, mental_health, \
         sensory_impairment, autism, older_person, lives_alone, substance_misuse, other \
         (the whole cell is mapped)",
    ),
    (
        "hate_strands",
        "a ;-separated list of disability, race, religion, sexual_orientation, transgender, \
         other (the whole cell is mapped)",
    ),
    (
        "harm",
        "a whole number from 1 (low) to 5 (serious physical harm)",
    ),
    ("children_present", "yes or no"),
    ("borough", "a London borough (or the City of London)"),
    ("source", "the recording agency's slug"),
];

fn read_as(field: &str, value: &str, areas: &Areas) -> Option<String> {
    match field {
        "kind" => IncidentKind::parse(value)
            .ok()
            .map(|k| k.as_str().to_string()),
        "category" => Some(slug(value, '_')).filter(|s| !s.is_empty()),
        "source" => Some(slug(value, '-')).filter(|s| !s.is_empty()),
        "vulnerabilities" => VulnerabilitySet::parse_list(value)
            .ok()
            .map(VulnerabilitySet::to_list),
        "hate_strands" => HateStrandSet::parse_list(value)
            .ok()
            .map(HateStrandSet::to_list),
        "harm" => match value.trim().parse::<u8>() {
            Ok(v @ 1..=5) => Some(v.to_string()),
            _ => None,
        },
        "children_present" => parse_yes_no(value).map(|b| (if b { "yes" } else { "no" }).into()),
        "borough" => areas
            .resolve_area(value)
            .map(|id| areas.area(id).name.to_string()),
        _ => None,
    }
}

/// Formats tried, in order, for report dates written as text.
const RECORD_DATE_FORMATS: &[&str] = &[
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%y",
    "%d/%m/%y %H:%M",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b %Y %H:%M",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y%m%d",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%Y-%m",
    "%m/%Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
];

/// Formats tried for dates of birth the built-in formats do not read.
const DOB_DATE_FORMATS: &[&str] = &[
    "%d %m %Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%b-%Y",
    "%Y.%m.%d",
    "%m/%d/%Y",
];

/// The formats a column's text dates need, and how many values none reads.
/// Plain numbers are left out when `serials` (a workbook's serial dates,
/// which ingest converts).
fn date_formats(
    values: impl Iterator<Item = String>,
    serials: bool,
    dob: bool,
) -> (Vec<String>, usize) {
    let mut chosen: Vec<String> = Vec::new();
    let mut unread = 0;
    let reads = |v: &str, formats: &[String]| {
        if dob {
            dob_date(v, formats).is_some()
        } else {
            parse_record_date(v, formats).is_ok()
        }
    };
    let candidates = if dob {
        DOB_DATE_FORMATS
    } else {
        RECORD_DATE_FORMATS
    };
    for v in values {
        let v = v.trim();
        if v.is_empty() || (serials && v.parse::<f64>().is_ok()) || reads(v, &chosen) {
            continue;
        }
        let found = candidates.iter().find(|f| {
            let mut with = chosen.clone();
            with.push(f.to_string());
            reads(v, &with)
        });
        match found {
            Some(f) => chosen.push(f.to_string()),
            None => unread += 1,
        }
    }
    (chosen, unread)
}

/// Writes a starting profile for an export from its header and sampled
/// rows. `name` becomes the profile's name; `input` (the file name) is
/// quoted in the opening comment.
pub fn draft(table: &Table, name: &str, input: &str) -> Draft {
    let header = &table.header;
    let m = map_columns(header);
    let areas = Areas::london();
    let col = |i: usize| q(&header[i]);
    let mut out = String::new();
    let mut values_to_map = 0;

    // Opening comment and top-level keys.
    let mut from = input.to_string();
    if let Some(s) = &table.sheet {
        let _ = write!(from, ", sheet {}", q(s));
    }
    if table.header_row > 1 {
        let _ = write!(from, ", header on row {}", table.header_row);
    }
    let _ = writeln!(
        out,
        "# Drafted by `marac profiles draft` from {from}: {} columns, {} rows read.",
        header.len(),
        table.rows.len()
    );
    out.push_str(
        "# A starting point: check each mapping against the export, do what the TODO\n\
         # comments ask (uncomment a line by removing its '#'), then try it on a week\n\
         # with `marac validate`. Reference: docs/INPUT.md, \"Profiles\".\n",
    );
    let _ = writeln!(out, "name = {}", q(name));
    if let Some(s) = &table.sheet {
        let _ = writeln!(out, "sheet = {}", q(s));
    }
    if table.header_row > 1 {
        let _ = writeln!(out, "header_row = {}", table.header_row);
    }
    if m.unread.is_empty() {
        out.push_str("ignore_unknown_columns = false\n");
    } else {
        out.push_str(
            "# The columns listed as not read below are left out without a warning.\n\
             ignore_unknown_columns = true\n",
        );
    }

    // [columns], in the canonical order.
    out.push_str("\n[columns]\n");
    for field in marac_model::FIELDS {
        let Some(i) = m.column(field) else { continue };
        if let Some(note) = m.notes.get(field) {
            comment(&mut out, &format!("{field}: {note}"));
        }
        let _ = writeln!(out, "{field} = {}", col(i));
    }
    let required = [
        ("incident_id", "each record's own reference"),
        ("reported_at", "the date the report was made or received"),
    ];
    for (field, what) in required {
        if !m.reads(field) {
            let _ = writeln!(
                out,
                "# TODO (required): no column looks like {field} ({what}); name it:\n# {field} = \"\""
            );
        }
    }
    if !m.unread.is_empty() {
        out.push_str(
            "# Not read (no canonical field found by that name; map one above if it fits):\n",
        );
        for (i, note) in &m.unread {
            let _ = write!(out, "#   {}", col(*i));
            if note.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "   # {note}");
            }
        }
    }

    if !m.joins.is_empty() {
        out.push_str("\n# Several columns joined, with single spaces, into one field.\n[join]\n");
        for (field, cols) in &m.joins {
            let list: Vec<String> = cols.iter().map(|&i| col(i)).collect();
            let _ = writeln!(out, "{field} = [{}]", list.join(", "));
        }
    }

    out.push_str("\n[constants]\n");
    let stem = slug(name, '-');
    if !m.reads("source") {
        let _ = writeln!(
            out,
            "# TODO (required): the agency that recorded these rows, as a slug such as\n\
             # council-asb, housing, adult-social-care or met-police:\n# source = {}",
            q(if stem.is_empty() { "agency" } else { &stem })
        );
    }
    if !m.reads("kind") {
        out.push_str(
            "# TODO (required): no column looks like the kind of record. If every row is\n\
             # of one kind (asb, dispute, safeguarding, hate, crime), set it here:\n\
             # kind = \"asb\"\n",
        );
    }
    if !m.reads("incident_id") {
        out.push_str(
            "# Or, with no reference column, derive stable ids from columns that together\n\
             # tell rows apart (the row's occurrence number is added to equal ones):\n\
             # [derive_id]\n# from = [\"…\", \"…\"]\n# prefix = \"x-\"\n",
        );
    }

    // Date formats the text dates need.
    let serials = table.sheet.is_some();
    let values = |i: usize| table.rows.iter().map(move |r| r[i].clone());
    let mut formats = Vec::new();
    let mut dob_formats = Vec::new();
    let mut unread_dates = Vec::new();
    for (field, dob) in [
        ("reported_at", false),
        ("occurred_at", false),
        ("victim_dob", true),
        ("suspect_dob", true),
    ] {
        let Some(i) = m.column(field) else { continue };
        let (found, unread) = date_formats(values(i), serials, dob);
        let into = if dob { &mut dob_formats } else { &mut formats };
        for f in found {
            if !into.contains(&f) {
                into.push(f);
            }
        }
        if unread > 0 {
            unread_dates.push((i, unread));
        }
    }
    if !formats.is_empty() || !dob_formats.is_empty() || !unread_dates.is_empty() {
        out.push_str("\n[dates]\n");
        let list = |fs: &[String]| fs.iter().map(|f| q(f)).collect::<Vec<_>>().join(", ");
        if !formats.is_empty() {
            let _ = writeln!(out, "formats = [{}]", list(&formats));
        }
        if !dob_formats.is_empty() {
            let _ = writeln!(out, "dob_formats = [{}]", list(&dob_formats));
        }
        for (i, n) in unread_dates {
            let _ = writeln!(
                out,
                "# TODO: {n} value{} of {} match{} no known date format: add a chrono format",
                if n == 1 { "" } else { "s" },
                col(i),
                if n == 1 { "es" } else { "" }
            );
        }
    }

    // Value maps of coded columns.
    let kind_col = m.column("kind");
    for (field, target) in CODED {
        debug_assert!(!marac_model::is_personal_field(field));
        let Some(i) = m.column(field) else { continue };
        if *field == "category" && kind_col == Some(i) {
            continue;
        }
        let seen = distinct(&table.rows, i);
        out.push('\n');
        comment(
            &mut out,
            &format!(
                "{} (read for {field}): {} distinct value{} in {} rows. Each must read as \
                 {target}. Fill in the empty ones and uncomment them; \"*\" = \"…\" maps every \
                 value not listed.",
                col(i),
                seen.len(),
                if seen.len() == 1 { "" } else { "s" },
                table.rows.len()
            ),
        );
        let _ = writeln!(out, "[values.{field}]");
        for (value, count) in seen.iter().take(VALUES_LISTED) {
            let rows = if *count == 1 { "row" } else { "rows" };
            match read_as(field, value, &areas) {
                Some(as_is) => {
                    let _ = writeln!(
                        out,
                        "# {} = {}  # {count} {rows}; read so without a map",
                        q(value),
                        q(&as_is)
                    );
                }
                None => {
                    values_to_map += 1;
                    let _ = writeln!(out, "# {} = \"\"  # {count} {rows}", q(value));
                }
            }
        }
        if seen.len() > VALUES_LISTED {
            let rest = &seen[VALUES_LISTED..];
            let _ = writeln!(
                out,
                "# … and {} rarer values ({} rows) not listed",
                rest.len(),
                rest.iter().map(|(_, n)| n).sum::<usize>()
            );
        }
    }
    if m.reads("outcome") {
        out.push_str(
            "\n# outcome is free text, kept as written: its values are not listed here.\n",
        );
    }
    let mut read: Vec<usize> = m
        .columns
        .iter()
        .map(|&(_, i)| i)
        .chain(m.joins.iter().flat_map(|(_, cols)| cols.iter().copied()))
        .collect();
    read.sort_unstable();
    read.dedup();
    Draft {
        toml: out,
        mapped: read.len(),
        unmapped: m.unread.len(),
        values_to_map,
        rows: table.rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(name: &str) -> Option<String> {
        let m = map_columns(&[name.to_string(), "Surname".to_string()]);
        m.columns
            .iter()
            .find(|(_, c)| *c == 0)
            .map(|(f, _)| f.to_string())
            .or_else(|| {
                m.joins
                    .iter()
                    .find(|(_, cs)| cs.contains(&0))
                    .map(|(f, _)| f.to_string())
            })
    }

    #[test]
    fn agency_column_names() {
        for (name, field) in [
            ("Surname", "victim_last_name"),
            ("Last Name", "victim_last_name"),
            ("Family name", "victim_last_name"),
            ("Forename", "victim_first_name"),
            ("First Name", "victim_first_name"),
            ("Given name", "victim_first_name"),
            ("Date of Birth", "victim_dob"),
            ("DOB", "victim_dob"),
            ("D.O.B.", "victim_dob"),
            ("Client D.O.B", "victim_dob"),
            ("Suspect DOB", "suspect_dob"),
            ("Perpetrator's surname", "suspect_last_name"),
            ("Alleged perpetrator first name", "suspect_first_name"),
            ("Adult at risk - Forename", "victim_first_name"),
            ("Tenant Ref", "victim_ref"),
            ("Victim Post Code", "victim_postcode"),
            ("Post Code", "victim_postcode"),
            ("Postcode", "victim_postcode"),
            ("Incident Postcode", "postcode"),
            ("Incident Date", "occurred_at"),
            ("Date of incident", "occurred_at"),
            ("Date Reported", "reported_at"),
            ("Reported date", "reported_at"),
            ("Date received", "reported_at"),
            ("Case Ref", "incident_id"),
            ("Reference", "incident_id"),
            ("Crime reference", "incident_id"),
            ("Ward", "borough"),
            ("Local authority", "borough"),
            ("Easting", "easting"),
            ("Northing", "northing"),
            ("Latitude", "lat"),
            ("Longitude", "lon"),
            ("Address", "victim_address"),
            ("Category", "category"),
            ("Type", "kind"),
            ("Vulnerability", "vulnerabilities"),
            ("Hate crime type", "hate_strands"),
            ("Motivation", "hate_strands"),
            ("Telephone No.", "victim_phone"),
            ("Children present?", "children_present"),
        ] {
            assert_eq!(field_of(name).as_deref(), Some(field), "{name}");
        }
        assert_eq!(field_of("Officer"), None);
        // Canonical names are read as themselves.
        for field in marac_model::FIELDS {
            assert_eq!(guess(field), Guess::Field(field), "{field}");
        }
        assert_eq!(guess("Victim name"), Guess::FullName);
    }

    #[test]
    fn addresses_without_a_role_belong_to_the_place_an_export_describes() {
        let h: Vec<String> = ["Ref", "Location", "Address", "Postcode", "Surname"]
            .map(String::from)
            .to_vec();
        let m = map_columns(&h);
        assert_eq!(m.column("location_text"), Some(1));
        assert_eq!(m.column("postcode"), Some(3));
        assert_eq!(m.column("victim_address"), Some(2));
        let h: Vec<String> = ["Ref", "House No", "Street", "Town", "Post Code"]
            .map(String::from)
            .to_vec();
        let m = map_columns(&h);
        assert_eq!(m.joins, [("location_text", vec![1, 2, 3])]);
        assert_eq!(m.column("postcode"), Some(4));
    }

    #[test]
    fn values_are_counted_as_value_maps_compare_them() {
        let rows: Vec<Vec<String>> = ["Noise", "noise ", "NOISE", "Hate", "", "Dispute", "Hate"]
            .iter()
            .map(|v| vec![v.to_string()])
            .collect();
        assert_eq!(
            distinct(&rows, 0),
            [
                ("Noise".to_string(), 3),
                ("Hate".to_string(), 2),
                ("Dispute".to_string(), 1)
            ]
        );
    }

    #[test]
    fn date_formats_found_from_text() {
        let v = |xs: &[&str]| {
            xs.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            date_formats(
                v(&["03/11/2026", "2026-11-04", "04/11/2026 10:15", "x"]),
                false,
                false
            ),
            (
                vec!["%d/%m/%Y".to_string(), "%d/%m/%Y %H:%M".to_string()],
                1
            )
        );
        assert_eq!(
            date_formats(v(&["03/11/26", "03/11/2026"]), false, false),
            (vec!["%d/%m/%y".to_string(), "%d/%m/%Y".to_string()], 0)
        );
        assert_eq!(
            date_formats(v(&["46343", "2026-11-04"]), true, false),
            (vec![], 0)
        );
        // Dates of birth: the built-in formats need nothing more.
        assert_eq!(
            date_formats(v(&["03/07/1958", "3 Jul 1958"]), false, true),
            (vec![], 0)
        );
        assert_eq!(
            date_formats(v(&["03 07 1958"]), false, true),
            (vec!["%d %m %Y".to_string()], 0)
        );
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(q("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
        let parsed: toml::Value = toml::from_str(&format!("k = {}", q("é\"\\\t\u{1}"))).unwrap();
        assert_eq!(parsed["k"].as_str(), Some("é\"\\\t\u{1}"));
    }
}
