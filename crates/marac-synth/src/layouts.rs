//! The synthetic week as the agencies export it, each in its own layout:
//! what a coordinator really receives, for `marac run`, its tests and its
//! benchmark.
//!
//! From the canonical records, [`agency_exports`] writes
//!
//! * `exports/police-street.csv`: the police's context crime records in the
//!   data.police.uk street-level layout (read with the built-in `police-uk`
//!   profile; month precision, no persons, as published);
//! * `exports/police-cad.csv`: the police's other records (and the victim
//!   support service's) in the canonical layout;
//! * `exports/council-asb.xlsx`: the council's ASB cases, an Excel workbook
//!   with two title rows above the header, dates as Excel serial numbers and
//!   its own column names and case types;
//! * `exports/housing.csv`: the housing provider's cases, `dd/mm/yyyy` dates
//!   and its own issue types;
//! * `exports/adult-social-care.jsonl`: safeguarding referrals as JSON Lines
//!   with their own keys;
//! * `profiles/*.toml`: the three profiles that read them, and `marac.toml`
//!   listing the five sources;
//! * `same-records-canonical.csv`: the same records exactly as the exports
//!   carry them, in the canonical layout (the police street rows as the
//!   `police-uk` profile reads them: month dates, the force's name as the
//!   source, the crime type as the category) — what the exports must give.
//!
//! Everything is deterministic: the same records give the same bytes.

use std::collections::BTreeMap;
use std::io;

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use marac_model::{Incident, FIELDS};

use crate::write_incidents_csv;

/// One written file: its path under the output folder and its bytes.
pub type File = (String, Vec<u8>);

/// A layout's column: the canonical field it carries, its own name, and how
/// its value is written.
struct Column {
    field: &'static str,
    name: &'static str,
    how: How,
}

#[derive(Clone, Copy, PartialEq)]
enum How {
    /// As the canonical value.
    Same,
    /// A date or date-time as an Excel serial number (workbook).
    Serial,
    /// A date as `dd/mm/yyyy`, a date-time as `dd/mm/yyyy HH:MM:SS`.
    DayFirst,
    /// The kind, as the agency names it.
    Kind,
}

const fn col(field: &'static str, name: &'static str, how: How) -> Column {
    Column { field, name, how }
}

const COUNCIL: &[Column] = &[
    col("incident_id", "Case Ref", How::Same),
    col("reported_at", "Date Received", How::Serial),
    col("occurred_at", "Incident Date", How::Serial),
    col("kind", "Case Type", How::Kind),
    col("category", "ASB Category", How::Same),
    col("borough", "Borough", How::Same),
    col("lat", "Latitude", How::Same),
    col("lon", "Longitude", How::Same),
    col("easting", "Easting", How::Same),
    col("northing", "Northing", How::Same),
    col("location_text", "Location", How::Same),
    col("postcode", "Location Postcode", How::Same),
    col("victim_ref", "Complainant ID", How::Same),
    col("victim_first_name", "Complainant Forename", How::Same),
    col("victim_last_name", "Complainant Surname", How::Same),
    col("victim_dob", "Complainant DOB", How::Serial),
    col("victim_address", "Complainant Address", How::Same),
    col("victim_postcode", "Complainant Postcode", How::Same),
    col("victim_phone", "Complainant Phone", How::Same),
    col("suspect_ref", "Perpetrator ID", How::Same),
    col("suspect_first_name", "Perpetrator Forename", How::Same),
    col("suspect_last_name", "Perpetrator Surname", How::Same),
    col("suspect_dob", "Perpetrator DOB", How::Serial),
    col("suspect_address", "Perpetrator Address", How::Same),
    col("suspect_postcode", "Perpetrator Postcode", How::Same),
    col("vulnerabilities", "Vulnerabilities", How::Same),
    col("hate_strands", "Hate Motivation", How::Same),
    col("harm", "Harm Level", How::Same),
    col("children_present", "Children Present", How::Same),
    col("summary", "Case Notes", How::Same),
    col("outcome", "Outcome", How::Same),
];

/// The council's case types.
const COUNCIL_KINDS: &[(&str, &str)] = &[("asb", "ASB"), ("dispute", "Neighbour Dispute")];

const HOUSING: &[Column] = &[
    col("incident_id", "Case Number", How::Same),
    col("reported_at", "Date Logged", How::DayFirst),
    col("occurred_at", "Date of Incident", How::DayFirst),
    col("kind", "Issue Type", How::Kind),
    col("category", "Sub Type", How::Same),
    col("borough", "Local Authority", How::Same),
    col("lat", "Lat", How::Same),
    col("lon", "Long", How::Same),
    col("easting", "X", How::Same),
    col("northing", "Y", How::Same),
    col("location_text", "Block", How::Same),
    col("postcode", "Block Postcode", How::Same),
    col("victim_ref", "Tenancy Ref", How::Same),
    col("victim_first_name", "Tenant First Name", How::Same),
    col("victim_last_name", "Tenant Surname", How::Same),
    col("victim_dob", "Tenant Date of Birth", How::DayFirst),
    col("victim_address", "Property Address", How::Same),
    col("victim_postcode", "Property Postcode", How::Same),
    col("victim_phone", "Tenant Phone", How::Same),
    col("suspect_ref", "Alleged Perpetrator Tenancy", How::Same),
    col(
        "suspect_first_name",
        "Alleged Perpetrator First Name",
        How::Same,
    ),
    col(
        "suspect_last_name",
        "Alleged Perpetrator Surname",
        How::Same,
    ),
    col("suspect_dob", "Alleged Perpetrator DOB", How::DayFirst),
    col("suspect_address", "Alleged Perpetrator Address", How::Same),
    col(
        "suspect_postcode",
        "Alleged Perpetrator Postcode",
        How::Same,
    ),
    col("vulnerabilities", "Tenant Vulnerabilities", How::Same),
    col("hate_strands", "Hate Element", How::Same),
    col("harm", "Harm", How::Same),
    col("children_present", "Children in Household", How::Same),
    col("summary", "Details", How::Same),
    col("outcome", "Action Taken", How::Same),
];

const HOUSING_KINDS: &[(&str, &str)] =
    &[("asb", "Nuisance / ASB"), ("dispute", "Neighbour dispute")];

const ASC: &[Column] = &[
    col("incident_id", "referral_id", How::Same),
    col("reported_at", "received", How::Same),
    col("occurred_at", "concern_date", How::Same),
    col("category", "abuse_type", How::Same),
    col("borough", "local_authority", How::Same),
    col("lat", "latitude", How::Same),
    col("lon", "longitude", How::Same),
    col("easting", "easting", How::Same),
    col("northing", "northing", How::Same),
    col("location_text", "setting", How::Same),
    col("postcode", "setting_postcode", How::Same),
    col("victim_ref", "adult_id", How::Same),
    col("victim_first_name", "adult_first_name", How::Same),
    col("victim_last_name", "adult_surname", How::Same),
    col("victim_dob", "adult_dob", How::Same),
    col("victim_address", "adult_address", How::Same),
    col("victim_postcode", "adult_postcode", How::Same),
    col("victim_phone", "adult_phone", How::Same),
    col("suspect_ref", "person_alleged_id", How::Same),
    col("suspect_first_name", "person_alleged_first_name", How::Same),
    col("suspect_last_name", "person_alleged_surname", How::Same),
    col("suspect_dob", "person_alleged_dob", How::Same),
    col("suspect_address", "person_alleged_address", How::Same),
    col("suspect_postcode", "person_alleged_postcode", How::Same),
    col("vulnerabilities", "care_needs", How::Same),
    col("hate_strands", "hate_element", How::Same),
    col("harm", "harm", How::Same),
    col("children_present", "children_present", How::Same),
    col("summary", "concern", How::Same),
    col("outcome", "outcome", How::Same),
];

/// The data.police.uk street-level header.
const STREET: &[&str] = &[
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
];

/// The force as data.police.uk names it; `police-uk` reads its slug as the source.
const FORCE: &str = "Metropolitan Police Service";

/// The sheet of the council's workbook.
pub const COUNCIL_SHEET: &str = "ASB cases";

/// The header row of the council's workbook (two title rows above it).
pub const COUNCIL_HEADER_ROW: u32 = 3;

/// A canonical record as field → value (empty values absent).
type Row = BTreeMap<&'static str, String>;

/// Every agency's export of `incidents`, with its profiles, the project
/// file and the same records in the canonical layout (see the module).
pub fn agency_exports(incidents: &[Incident]) -> io::Result<Vec<File>> {
    let rows = canonical_rows(incidents)?;
    let mut street = Vec::new();
    let mut cad = Vec::new();
    let mut council = Vec::new();
    let mut housing = Vec::new();
    let mut asc = Vec::new();
    for r in rows {
        let source = r.get("source").map(String::as_str).unwrap_or("");
        let kind = r.get("kind").map(String::as_str).unwrap_or("");
        match (source, kind) {
            ("met-police", "crime") => street.push(r),
            ("council-asb", "asb" | "dispute") => council.push(r),
            ("housing", "asb" | "dispute") => housing.push(r),
            ("adult-social-care", "safeguarding") => asc.push(r),
            _ => cad.push(r),
        }
    }
    // The street rows as police-uk reads them, for the canonical file.
    let street_canonical: Vec<Row> = street.iter().map(street_as_read).collect();
    let mut same: Vec<&Row> = street_canonical
        .iter()
        .chain(&cad)
        .chain(&council)
        .chain(&housing)
        .chain(&asc)
        .collect();
    same.sort_by(|a, b| a.get("incident_id").cmp(&b.get("incident_id")));
    let council_profile = profile(
        "council-asb",
        None,
        COUNCIL,
        COUNCIL_KINDS,
        Some((COUNCIL_SHEET, COUNCIL_HEADER_ROW)),
        &[],
    );
    let housing_profile = profile(
        "housing",
        None,
        HOUSING,
        HOUSING_KINDS,
        None,
        &["%d/%m/%Y %H:%M:%S", "%d/%m/%Y"],
    );
    let asc_profile = profile(
        "adult-social-care",
        Some("safeguarding"),
        ASC,
        &[],
        None,
        &[],
    );
    Ok(vec![
        ("exports/police-street.csv".into(), street_csv(&street)?),
        ("exports/police-cad.csv".into(), canonical_csv(cad.iter())?),
        ("exports/council-asb.xlsx".into(), council_xlsx(&council)?),
        (
            "exports/housing.csv".into(),
            layout_csv(HOUSING, HOUSING_KINDS, &housing)?,
        ),
        ("exports/adult-social-care.jsonl".into(), asc_jsonl(&asc)),
        (
            "profiles/council-asb.toml".into(),
            council_profile.into_bytes(),
        ),
        ("profiles/housing.toml".into(), housing_profile.into_bytes()),
        (
            "profiles/adult-social-care.toml".into(),
            asc_profile.into_bytes(),
        ),
        ("marac.toml".into(), PROJECT.as_bytes().to_vec()),
        (
            "same-records-canonical.csv".into(),
            canonical_csv(same.into_iter())?,
        ),
    ])
}

/// The project file of the exports.
const PROJECT: &str = r#"# The synthetic week's project file (`marac synth --layouts`).
name = "Synthetic London week"
out = "packs"
register = "marac.db"

[[sources]]
path = "exports/police-street.csv"
profile = "police-uk"

[[sources]]
path = "exports/police-cad.csv"
profile = "canonical"

[[sources]]
path = "exports/council-asb.xlsx"
profile = "profiles/council-asb.toml"

[[sources]]
path = "exports/housing.csv"
profile = "profiles/housing.toml"

[[sources]]
path = "exports/adult-social-care.jsonl"
profile = "profiles/adult-social-care.toml"
"#;

/// The records as canonical field maps, through the canonical CSV writer
/// (so values are exactly what `incidents.csv` holds).
fn canonical_rows(incidents: &[Incident]) -> io::Result<Vec<Row>> {
    let mut buf = Vec::new();
    write_incidents_csv(&mut buf, incidents)?;
    let mut rdr = csv::Reader::from_reader(buf.as_slice());
    let mut out = Vec::with_capacity(incidents.len());
    for rec in rdr.records() {
        let rec = rec.map_err(io::Error::other)?;
        let row: Row = FIELDS
            .iter()
            .zip(rec.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, v)| (*f, v.to_string()))
            .collect();
        out.push(row);
    }
    Ok(out)
}

/// Rows as CSV under a header, each row's cells from `cells`.
fn csv_doc<'a, R: 'a>(
    header: impl IntoIterator<Item = &'a str>,
    rows: impl IntoIterator<Item = R>,
    cells: impl Fn(R) -> Vec<String>,
) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(io::Error::other)?;
    for r in rows {
        w.write_record(cells(r)).map_err(io::Error::other)?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn canonical_csv<'a>(rows: impl Iterator<Item = &'a Row>) -> io::Result<Vec<u8>> {
    csv_doc(FIELDS.iter().copied(), rows, |r| {
        FIELDS
            .iter()
            .map(|f| r.get(f).cloned().unwrap_or_default())
            .collect()
    })
}

/// The data.police.uk crime type of a category.
fn crime_type(category: &str) -> &'static str {
    match category {
        "assault" | "threats" => "Violence and sexual offences",
        "theft" => "Other theft",
        "criminal_damage" => "Criminal damage and arson",
        "harassment" | "intimidation" | "verbal_abuse" => "Public order",
        _ => "Other crime",
    }
}

/// A stable fake LSOA code and name for a borough ("Camden 028B").
fn lsoa(borough: &str, id: &str) -> (String, String) {
    let h = id
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let n = h % 40 + 1;
    let l = char::from(b'A' + (h / 40 % 4) as u8);
    (
        format!("E0100{:04}", h % 10_000),
        format!("{borough} {n:03}{l}"),
    )
}

fn street_csv(rows: &[Row]) -> io::Result<Vec<u8>> {
    csv_doc(STREET.iter().copied(), rows, |r| {
        let get = |f: &str| r.get(f).cloned().unwrap_or_default();
        let (code, name) = if get("borough").is_empty() {
            (String::new(), String::new())
        } else {
            lsoa(&get("borough"), &get("incident_id"))
        };
        vec![
            get("incident_id"),
            get("reported_at").get(..7).unwrap_or("").to_string(),
            FORCE.to_string(),
            FORCE.to_string(),
            get("lon"),
            get("lat"),
            get("location_text"),
            code,
            name,
            crime_type(&get("category")).to_string(),
            get("outcome"),
            String::new(),
        ]
    })
}

/// A street row as the `police-uk` profile reads it, in canonical fields.
fn street_as_read(r: &Row) -> Row {
    let get = |f: &str| r.get(f).cloned().unwrap_or_default();
    let month = get("reported_at").get(..7).unwrap_or("").to_string();
    let category = crime_type(&get("category"))
        .to_ascii_lowercase()
        .replace(' ', "_");
    [
        ("incident_id", get("incident_id")),
        ("source", "metropolitan-police-service".to_string()),
        ("kind", "crime".to_string()),
        ("reported_at", format!("{month}-01")),
        ("borough", get("borough")),
        ("lat", get("lat")),
        ("lon", get("lon")),
        ("location_text", get("location_text")),
        ("category", category),
        ("outcome", get("outcome")),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect()
}

/// A canonical date or date-time.
enum When {
    Day(NaiveDate),
    Time(NaiveDateTime),
}

fn when(v: &str) -> Option<When> {
    if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S") {
        return Some(When::Time(t));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().map(When::Day)
}

/// A value as a layout writes it.
fn cell(c: &Column, kinds: &[(&str, &str)], v: &str) -> String {
    match c.how {
        How::Kind => kinds
            .iter()
            .find(|(k, _)| *k == v)
            .map_or(v.to_string(), |(_, label)| label.to_string()),
        How::DayFirst => match when(v) {
            Some(When::Day(d)) => d.format("%d/%m/%Y").to_string(),
            Some(When::Time(t)) => t.format("%d/%m/%Y %H:%M:%S").to_string(),
            None => v.to_string(),
        },
        How::Same | How::Serial => v.to_string(),
    }
}

fn layout_csv(cols: &[Column], kinds: &[(&str, &str)], rows: &[Row]) -> io::Result<Vec<u8>> {
    csv_doc(cols.iter().map(|c| c.name), rows, |r| {
        cols.iter()
            .map(|c| {
                r.get(c.field)
                    .map(|v| cell(c, kinds, v))
                    .unwrap_or_default()
            })
            .collect()
    })
}

fn asc_jsonl(rows: &[Row]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in rows {
        let obj: serde_json::Map<String, serde_json::Value> = ASC
            .iter()
            .filter_map(|c| {
                r.get(c.field)
                    .map(|v| (c.name.to_string(), serde_json::Value::String(v.clone())))
            })
            .collect();
        out.extend_from_slice(serde_json::Value::Object(obj).to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

/// Days since 1899-12-30 (Excel's serial dates), with the time of day as
/// the fraction.
fn serial(w: &When) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    match w {
        When::Day(d) => (*d - base).num_days() as f64,
        When::Time(t) => {
            (t.date() - base).num_days() as f64
                + f64::from(t.time().num_seconds_from_midnight()) / 86_400.0
        }
    }
}

fn council_xlsx(rows: &[Row]) -> io::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| io::Error::other(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(COUNCIL_SHEET).map_err(xl)?;
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm:ss");
    sheet
        .write_string(0, 0, "Council ASB case management: case export")
        .map_err(xl)?;
    sheet
        .write_string(1, 0, "OFFICIAL-SENSITIVE: synthetic test data")
        .map_err(xl)?;
    let head = COUNCIL_HEADER_ROW - 1;
    for (x, c) in COUNCIL.iter().enumerate() {
        sheet.write_string(head, x as u16, c.name).map_err(xl)?;
    }
    for (y, r) in rows.iter().enumerate() {
        let y = head + 1 + y as u32;
        for (x, c) in COUNCIL.iter().enumerate() {
            let Some(v) = r.get(c.field) else { continue };
            let x = x as u16;
            match (c.how, when(v)) {
                (How::Serial, Some(w)) => {
                    let f = if matches!(w, When::Day(_)) {
                        &day
                    } else {
                        &time
                    };
                    sheet
                        .write_number_with_format(y, x, serial(&w), f)
                        .map_err(xl)?;
                }
                _ => {
                    sheet
                        .write_string(y, x, cell(c, COUNCIL_KINDS, v))
                        .map_err(xl)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(xl)
}

/// A profile TOML that reads one layout.
fn profile(
    name: &str,
    kind: Option<&str>,
    cols: &[Column],
    kinds: &[(&str, &str)],
    sheet: Option<(&str, u32)>,
    formats: &[&str],
) -> String {
    let mut s = format!(
        "# The synthetic {name} export's layout (`marac synth --layouts`).\nname = \"{name}\"\n"
    );
    if let Some((sheet, row)) = sheet {
        s.push_str(&format!("sheet = \"{sheet}\"\nheader_row = {row}\n"));
    }
    s.push_str("\n[columns]\n");
    for c in cols.iter().filter(|c| c.how != How::Kind || kind.is_none()) {
        s.push_str(&format!("{} = \"{}\"\n", c.field, c.name));
    }
    s.push_str(&format!("\n[constants]\nsource = \"{name}\"\n"));
    if let Some(k) = kind {
        s.push_str(&format!("kind = \"{k}\"\n"));
    }
    if !kinds.is_empty() {
        s.push_str("\n[values.kind]\n");
        for (k, label) in kinds {
            s.push_str(&format!("\"{label}\" = \"{k}\"\n"));
        }
    }
    if !formats.is_empty() {
        let list: Vec<String> = formats.iter().map(|f| format!("\"{f}\"")).collect();
        s.push_str(&format!("\n[dates]\nformats = [{}]\n", list.join(", ")));
    }
    s
}
