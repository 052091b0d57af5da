//! Domain types of `marac`: the incident record that every agency's export is
//! turned into, its kinds and enumerations, the people mentioned in it, where
//! it happened, and the area and BCU it is placed in.
//!
//! Architecture invariant: this crate does no I/O and knows no file format.
//! Everything here is plain data with parsing of single values, so every other
//! crate can depend on it.
//!
//! ```
//! use marac_model::{IncidentKind, VulnerabilitySet, Vulnerability};
//! assert_eq!(IncidentKind::parse("ASB").unwrap(), IncidentKind::Asb);
//! let v = VulnerabilitySet::parse_list("autism; lives_alone").unwrap();
//! assert!(v.contains(Vulnerability::Autism));
//! assert!(v.has_disability());
//! ```

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub mod nicknames;
mod postcode;
pub use postcode::Postcode;

/// The BCU (and area) name given to incidents that fall outside every area.
pub const UNASSIGNED: &str = "unassigned";

/// The canonical field names, in the column order `marac` writes them.
pub const FIELDS: &[&str] = &[
    "incident_id",
    "source",
    "kind",
    "reported_at",
    "occurred_at",
    "borough",
    "lat",
    "lon",
    "easting",
    "northing",
    "location_text",
    "postcode",
    "victim_ref",
    "victim_first_name",
    "victim_last_name",
    "victim_dob",
    "victim_address",
    "victim_postcode",
    "victim_phone",
    "suspect_ref",
    "suspect_first_name",
    "suspect_last_name",
    "suspect_dob",
    "suspect_address",
    "suspect_postcode",
    "vulnerabilities",
    "hate_strands",
    "category",
    "harm",
    "children_present",
    "summary",
    "outcome",
];

/// Fields whose values identify or describe a person, or are free text. Their
/// values are never echoed in a diagnostic, a log line or a redacted pack.
pub const PERSONAL_FIELDS: &[&str] = &[
    "lat",
    "lon",
    "easting",
    "northing",
    "location_text",
    "postcode",
    "victim_ref",
    "victim_first_name",
    "victim_last_name",
    "victim_dob",
    "victim_address",
    "victim_postcode",
    "victim_phone",
    "suspect_ref",
    "suspect_first_name",
    "suspect_last_name",
    "suspect_dob",
    "suspect_address",
    "suspect_postcode",
    "summary",
    "outcome",
];

/// Whether a field's value may be quoted back to the user in a message.
pub fn is_personal_field(field: &str) -> bool {
    PERSONAL_FIELDS.contains(&field)
}

/// An enumerated value that was not one of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The value as written (trimmed).
    pub value: String,
    /// The accepted spellings, for the error message.
    pub accepted: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown value '{}'; accepted: {}",
            self.value,
            self.accepted.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// Normalises an enumeration token: lower case, spaces and hyphens as `_`.
fn token(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

macro_rules! enumeration {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The accepted canonical spellings.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a value case-insensitively; spaces and hyphens count as `_`.
            pub fn parse(s: &str) -> Result<Self, UnknownValue> {
                // Already a canonical token (the usual case): no allocation.
                $(
                    if s == $text $(|| s == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                let t = token(s);
                $(
                    if t == $text $(|| t == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(UnknownValue { value: s.trim().to_string(), accepted: Self::NAMES })
            }

            /// Position in [`Self::ALL`], for bit sets.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

enumeration! {
    /// What kind of record an incident is.
    IncidentKind {
        /// Anti-social behaviour report.
        Asb = "asb" | "anti_social_behaviour" | "antisocial_behaviour",
        /// Neighbour or neighbourhood dispute.
        Dispute = "dispute" | "neighbour_dispute",
        /// Adult safeguarding referral.
        Safeguarding = "safeguarding" | "safeguarding_referral",
        /// Hate incident or hate crime.
        Hate = "hate" | "hate_incident" | "hate_crime",
        /// Other police-recorded crime, used as context for hotspots only.
        Crime = "crime",
    }
}

enumeration! {
    /// A vulnerability recorded by an agency.
    Vulnerability {
        /// Physical disability.
        PhysicalDisability = "physical_disability",
        /// Learning disability.
        LearningDisability = "learning_disability",
        /// Mental health condition.
        MentalHealth = "mental_health",
        /// Sensory impairment (Deaf, blind, partially sighted …).
        SensoryImpairment = "sensory_impairment",
        /// Autism.
        Autism = "autism" | "autistic",
        /// Older person.
        OlderPerson = "older_person",
        /// Lives alone.
        LivesAlone = "lives_alone",
        /// Substance misuse.
        SubstanceMisuse = "substance_misuse",
        /// Any other recorded vulnerability.
        Other = "other",
    }
}

enumeration! {
    /// A hate strand perceived by the victim or anyone else.
    HateStrand {
        /// Disability.
        Disability = "disability",
        /// Race.
        Race = "race",
        /// Religion or belief.
        Religion = "religion" | "faith",
        /// Sexual orientation.
        SexualOrientation = "sexual_orientation",
        /// Transgender identity.
        Transgender = "transgender" | "transgender_identity",
        /// Any other perceived hostility.
        Other = "other",
    }
}

/// One person mention as linkage gives it: the person `person_id` plays
/// `role` in incident `incident_id`. The one shape every stage after linkage
/// (risk scan, register, packs) takes; `marac link` writes it as
/// `incident_id,role,person_id`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PersonMention {
    /// The incident.
    pub incident_id: String,
    /// Victim or suspect.
    pub role: Role,
    /// The linked person (this run's id).
    pub person_id: String,
}

impl PersonMention {
    /// A mention from its three parts.
    pub fn new(incident_id: impl Into<String>, role: Role, person_id: impl Into<String>) -> Self {
        PersonMention {
            incident_id: incident_id.into(),
            role,
            person_id: person_id.into(),
        }
    }
}

enumeration! {
    /// The part a person plays in an incident.
    Role {
        /// Victim, complainant or adult at risk.
        Victim = "victim",
        /// Alleged perpetrator or other party.
        Suspect = "suspect",
    }
}

/// What a person who looked at a pair of records said of it (a clerical
/// label; see `marac_link::labels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LabelKind {
    /// The same person.
    Match,
    /// Two people.
    NotMatch,
    /// Cannot tell (ignored by linkage and by the estimates).
    Unsure,
}

impl LabelKind {
    /// The word the review layout writes: `match`, `not a match`, `unsure`.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelKind::Match => "match",
            LabelKind::NotMatch => "not a match",
            LabelKind::Unsure => "unsure",
        }
    }

    /// The accepted words.
    pub const NAMES: &'static [&'static str] = &["match", "not a match", "unsure"];

    /// Parses a label word (case-insensitive; `_` and `-` count as spaces;
    /// `non match` and `no match` are `not a match` too); `None` for an
    /// empty cell.
    pub fn parse(s: &str) -> Result<Option<LabelKind>, UnknownValue> {
        let t: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '_' | '-' => ' ',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        match t.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "" => Ok(None),
            "match" => Ok(Some(LabelKind::Match)),
            "not a match" | "non match" | "no match" => Ok(Some(LabelKind::NotMatch)),
            "unsure" => Ok(Some(LabelKind::Unsure)),
            _ => Err(UnknownValue {
                value: s.trim().to_string(),
                accepted: Self::NAMES,
            }),
        }
    }
}

impl fmt::Display for LabelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! bitset {
    ($(#[$meta:meta])* $set:ident of $item:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $set(u16);

        impl $set {
            /// The empty set.
            pub const EMPTY: $set = $set(0);

            /// Adds a value.
            pub fn insert(&mut self, v: $item) {
                self.0 |= 1 << v.index();
            }

            /// Whether the set holds a value.
            pub fn contains(self, v: $item) -> bool {
                self.0 & (1 << v.index()) != 0
            }

            /// Whether the set is empty.
            pub fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The union of two sets.
            pub fn union(self, other: $set) -> $set {
                $set(self.0 | other.0)
            }

            /// The values, in canonical order.
            pub fn iter(self) -> impl Iterator<Item = $item> {
                $item::ALL.iter().copied().filter(move |v| self.contains(*v))
            }

            /// Number of values in the set.
            pub fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// Parses a `;`-separated list (commas accepted too); empty items are skipped.
            pub fn parse_list(s: &str) -> Result<$set, UnknownValue> {
                let mut set = $set::EMPTY;
                for part in s.split(|c| c == ';' || c == ',') {
                    if part.trim().is_empty() {
                        continue;
                    }
                    set.insert($item::parse(part)?);
                }
                Ok(set)
            }

            /// The canonical `;`-separated form.
            pub fn to_list(self) -> String {
                let names: Vec<&str> = self.iter().map(|v| v.as_str()).collect();
                names.join(";")
            }
        }

        impl FromIterator<$item> for $set {
            fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> Self {
                let mut set = $set::EMPTY;
                for v in iter {
                    set.insert(v);
                }
                set
            }
        }

        impl Serialize for $set {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.iter())
            }
        }

        impl<'de> Deserialize<'de> for $set {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let items = Vec::<$item>::deserialize(d)?;
                Ok(items.into_iter().collect())
            }
        }
    };
}

bitset!(
    /// A set of vulnerabilities.
    VulnerabilitySet of Vulnerability
);
bitset!(
    /// A set of hate strands.
    HateStrandSet of HateStrand
);

impl VulnerabilitySet {
    /// Whether any recorded vulnerability is a disability or a condition that
    /// disability hate targets (physical, learning, mental health, sensory, autism).
    pub fn has_disability(self) -> bool {
        [
            Vulnerability::PhysicalDisability,
            Vulnerability::LearningDisability,
            Vulnerability::MentalHealth,
            Vulnerability::SensoryImpairment,
            Vulnerability::Autism,
        ]
        .iter()
        .any(|v| self.contains(*v))
    }
}

/// How precise a recorded date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// A calendar day (possibly with a time of day).
    #[default]
    Day,
    /// Only the month is known (data.police.uk); the date is the 1st.
    Month,
}

/// A reported or occurred date: a day, an optional time, and its precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordDate {
    /// The calendar date (the 1st of the month for month precision).
    pub date: NaiveDate,
    /// The local time of day, when recorded.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time: Option<NaiveTime>,
    /// Day or month precision.
    #[serde(default)]
    pub precision: DatePrecision,
}

impl RecordDate {
    /// A day-precision date with no time.
    pub fn day(date: NaiveDate) -> Self {
        RecordDate {
            date,
            time: None,
            precision: DatePrecision::Day,
        }
    }

    /// The canonical text: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM`.
    pub fn to_canonical(&self) -> String {
        match (self.precision, self.time) {
            (DatePrecision::Month, _) => {
                format!("{:04}-{:02}", self.date.year(), self.date.month())
            }
            (DatePrecision::Day, None) => self.date.format("%Y-%m-%d").to_string(),
            (DatePrecision::Day, Some(t)) => {
                format!("{}T{}", self.date.format("%Y-%m-%d"), t.format("%H:%M:%S"))
            }
        }
    }
}

/// WGS84 latitude and longitude in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// British National Grid (EPSG:27700) coordinates in metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bng {
    /// Easting, metres.
    pub easting: f64,
    /// Northing, metres.
    pub northing: f64,
}

/// One person as an agency recorded them in one incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// The agency's own id for the person.
    pub reference: Option<String>,
    /// First name as written.
    pub first_name: Option<String>,
    /// Last name as written.
    pub last_name: Option<String>,
    /// Date of birth, when it was a real date.
    pub dob: Option<NaiveDate>,
    /// Home address as written.
    pub address: Option<String>,
    /// Home postcode.
    pub postcode: Option<Postcode>,
    /// Phone number as written.
    pub phone: Option<String>,
}

impl PersonDetails {
    /// Whether nothing at all is known about the person.
    pub fn is_empty(&self) -> bool {
        self.reference.is_none()
            && self.first_name.is_none()
            && self.last_name.is_none()
            && self.dob.is_none()
            && self.address.is_none()
            && self.postcode.is_none()
            && self.phone.is_none()
    }
}

/// Where a record came from: input name and 1-based line of its first byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    /// The input file name as given (`-` for stdin).
    pub file: Arc<str>,
    /// Line number of the record's first line (the header is line 1 in CSV).
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One report from one agency, validated and placed in an area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Unique across all inputs of one run.
    pub id: String,
    /// The recording agency's slug.
    pub source: Arc<str>,
    /// What kind of record it is.
    pub kind: IncidentKind,
    /// When it was reported.
    pub reported: RecordDate,
    /// When it happened, when known.
    pub occurred: Option<RecordDate>,
    /// The area (borough) it was placed in, if any.
    pub area: Option<Arc<str>>,
    /// The BCU (group of areas); [`UNASSIGNED`] outside every area.
    pub bcu: Arc<str>,
    /// WGS84 position, when known (given, or derived from BNG).
    pub wgs84: Option<LatLon>,
    /// BNG position, when known (given, or derived from WGS84).
    pub bng: Option<Bng>,
    /// Free-text location.
    pub location_text: Option<String>,
    /// Postcode of the location.
    pub postcode: Option<Postcode>,
    /// The victim, complainant or adult at risk.
    pub victim: Option<Box<PersonDetails>>,
    /// The alleged perpetrator or other party.
    pub suspect: Option<Box<PersonDetails>>,
    /// Vulnerabilities of the victim recorded with this incident.
    pub vulnerabilities: VulnerabilitySet,
    /// Hate strands perceived.
    pub hate_strands: HateStrandSet,
    /// Category slug, e.g. `verbal_abuse`.
    pub category: Option<String>,
    /// Harm 1 (low) to 5 (serious physical harm).
    pub harm: Option<u8>,
    /// Children or other dependants live with the victim.
    pub children_present: Option<bool>,
    /// Free text; sensitive, never logged.
    pub summary: Option<String>,
    /// Outcome free text.
    pub outcome: Option<String>,
    /// Whether the coordinates are an anonymised snap point standing for
    /// several addresses (data.police.uk; the profile's
    /// `snapped_coordinates`), never a victim's home.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub snapped: bool,
    /// Input file and line.
    pub origin: Origin,
}

impl Incident {
    /// The BCU the incident was placed in, or `None` when it lies outside
    /// every area ([`UNASSIGNED`]) or has no location.
    pub fn placed_bcu(&self) -> Option<&str> {
        let b = &*self.bcu;
        (!b.is_empty() && b != UNASSIGNED).then_some(b)
    }

    /// The incident as canonical CSV fields, in [`FIELDS`] order.
    ///
    /// Coordinates are written as given: WGS84 when known, else BNG.
    pub fn canonical_fields(&self) -> Vec<String> {
        fn opt(s: &Option<String>) -> String {
            s.clone().unwrap_or_default()
        }
        fn date(d: &Option<NaiveDate>) -> String {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        }
        fn pc(p: &Option<Postcode>) -> String {
            p.as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default()
        }
        let empty = PersonDetails::default();
        let v = self.victim.as_deref().unwrap_or(&empty);
        let s = self.suspect.as_deref().unwrap_or(&empty);
        let (lat, lon, e, n) = match (self.wgs84, self.bng) {
            (Some(ll), _) => (
                format!("{:.6}", ll.lat),
                format!("{:.6}", ll.lon),
                String::new(),
                String::new(),
            ),
            (None, Some(b)) => (
                String::new(),
                String::new(),
                format!("{:.0}", b.easting),
                format!("{:.0}", b.northing),
            ),
            (None, None) => Default::default(),
        };
        vec![
            self.id.clone(),
            self.source.to_string(),
            self.kind.as_str().to_string(),
            self.reported.to_canonical(),
            self.occurred.map(|d| d.to_canonical()).unwrap_or_default(),
            self.area.as_deref().unwrap_or_default().to_string(),
            lat,
            lon,
            e,
            n,
            opt(&self.location_text),
            pc(&self.postcode),
            opt(&v.reference),
            opt(&v.first_name),
            opt(&v.last_name),
            date(&v.dob),
            opt(&v.address),
            pc(&v.postcode),
            opt(&v.phone),
            opt(&s.reference),
            opt(&s.first_name),
            opt(&s.last_name),
            date(&s.dob),
            opt(&s.address),
            pc(&s.postcode),
            self.vulnerabilities.to_list(),
            self.hate_strands.to_list(),
            opt(&self.category),
            self.harm.map(|h| h.to_string()).unwrap_or_default(),
            match self.children_present {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            opt(&self.summary),
            opt(&self.outcome),
        ]
    }
}

/// A deterministic, portable pseudo-random generator (SplitMix64).
///
/// `marac` promises the same bytes for the same seed across releases, which a
/// library generator whose stream may change between versions cannot promise;
/// SplitMix64 is fixed by its published definition.
///
/// ```
/// let mut a = marac_model::SplitMix64::new(7);
/// let mut b = marac_model::SplitMix64::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in `[0, n)`; `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// A uniformly chosen element; `items` must not be empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A standard normal deviate (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// A stream derived from this seed and a label, independent of call order.
    pub fn fork(seed: u64, label: u64) -> Self {
        let mut g = SplitMix64::new(seed ^ label.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        g.next_u64();
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_case_insensitively_and_list_spellings() {
        assert_eq!(IncidentKind::parse(" Hate ").unwrap(), IncidentKind::Hate);
        assert_eq!(
            IncidentKind::parse("Anti-social behaviour").unwrap(),
            IncidentKind::Asb
        );
        let err = IncidentKind::parse("burglary").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown value 'burglary'; accepted: asb, dispute, safeguarding, hate, crime"
        );
    }

    #[test]
    fn sets_round_trip_through_lists() {
        let v = VulnerabilitySet::parse_list("lives_alone;Physical Disability;;").unwrap();
        assert_eq!(v.to_list(), "physical_disability;lives_alone");
        assert_eq!(v.len(), 2);
        assert!(v.has_disability());
        let h = HateStrandSet::parse_list("race,disability").unwrap();
        assert_eq!(h.to_list(), "disability;race");
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"["disability","race"]"#
        );
        let back: HateStrandSet = serde_json::from_str(r#"["disability","race"]"#).unwrap();
        assert_eq!(back, h);
        assert!(VulnerabilitySet::parse_list("lives_alone;ghosts").is_err());
    }

    #[test]
    fn record_dates_print_canonically() {
        let d = NaiveDate::from_ymd_opt(2017, 2, 1).unwrap();
        let m = RecordDate {
            date: d,
            time: None,
            precision: DatePrecision::Month,
        };
        assert_eq!(m.to_canonical(), "2017-02");
        let t = RecordDate {
            date: d,
            time: NaiveTime::from_hms_opt(9, 5, 0),
            precision: DatePrecision::Day,
        };
        assert_eq!(t.to_canonical(), "2017-02-01T09:05:00");
    }

    #[test]
    fn splitmix_matches_reference_stream() {
        // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut h = SplitMix64::new(3);
        for _ in 0..1000 {
            assert!(h.below(10) < 10);
            let f = h.next_f64();
            assert!((0.0..1.0).contains(&f));
        }
    }
}
