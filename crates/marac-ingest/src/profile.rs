//! Profiles: how another agency's export maps onto the canonical fields.
//!
//! A profile is a small TOML file. Every table is optional:
//!
//! ```toml
//! name = "housing-export"
//! sheet = "ASB cases"              # workbooks: the sheet read (default: the first)
//! header_row = 3                   # the header's row (1-based); rows above are ignored
//! ignore_unknown_columns = false   # warn once per file about unmapped columns
//! non_uk_postcodes = false         # true: postcodes of another country, kept
//!                                  # as written without a warning per row
//!
//! [columns]            # canonical field = the export's column name
//! incident_id = "Case Ref"
//! reported_at = "Date Logged"
//! victim_last_name = "Surname"
//!
//! [constants]          # canonical field = a fixed value for every row
//! source = "housing"
//!
//! [join]               # canonical field = several columns, joined with spaces
//! victim_address = ["House No", "Street", "Town"]   # empty parts are skipped
//!
//! [values.kind]        # value maps per canonical field, matched case-insensitively;
//! "Neighbour nuisance" = "asb"        # "*" is the value for anything not listed
//! "Neighbour dispute" = "dispute"
//!
//! [transforms]         # slug | snake | lsoa_prefix | upper | lower
//! source = "slug"
//!
//! [dates]              # chrono formats tried after ISO 8601 / RFC 3339
//! formats = ["%d/%m/%Y", "%d/%m/%Y %H:%M"]   # a format without %d means month precision
//! dob_formats = ["%d/%m/%Y"]
//!
//! [derive_id]          # a stable id for rows whose incident_id is empty
//! from = ["Month", "Location"]   # source columns hashed into the id
//! prefix = "puk-"
//!
//! [truth]              # labelled data: who each record's victim really is
//! column = "rec_id"              # the column holding the true person key
//! pattern = "^rec-(\\d+)-"       # optional: the key is the first capture group
//! ```
//!
//! A field is read from one place: a column, a join or a constant.
//! Joined parts are trimmed and the empty ones skipped before the value map
//! and transform apply to the joined text; a column missing from an input is
//! left out of the join (none present: the field is missing).
//!
//! Built-in profiles ([`BUILTINS`]): `canonical` (the default), `police-uk`
//! (data.police.uk street-level CSV), and for the public labelled linkage
//! benchmarks in `fixtures/linkage`, `febrl` and `splink-fake`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The built-in police-uk profile, as TOML (shown by `marac profiles`).
pub const POLICE_UK_TOML: &str = include_str!("police-uk.toml");

/// A built-in profile.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Its name (`--profile NAME`).
    pub name: &'static str,
    /// One line on what it reads.
    pub about: &'static str,
    /// Its TOML text (shown by `marac profiles NAME`).
    pub toml: &'static str,
}

/// The built-in profiles, `canonical` (the default) first.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "canonical",
        about: "the canonical schema (README.md, docs/INPUT.md); the default",
        toml: "# The canonical profile maps every field to the column of the same name.\n",
    },
    Builtin {
        name: "police-uk",
        about: "data.police.uk street-level CSV",
        toml: POLICE_UK_TOML,
    },
    Builtin {
        name: "febrl",
        about: "FEBRL benchmark person records (fixtures/linkage), truth from rec_id",
        toml: include_str!("febrl.toml"),
    },
    Builtin {
        name: "splink-fake",
        about: "Splink's fake_1000 benchmark records (fixtures/linkage), truth from cluster",
        toml: include_str!("splink-fake.toml"),
    },
];

/// The built-in profile of a name (`police_uk` is read as `police-uk`).
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    let name = name.replace('_', "-");
    BUILTINS.iter().find(|b| b.name == name)
}

/// The names of the built-in profiles, for messages: `canonical, police-uk, …`.
pub fn builtin_names() -> String {
    BUILTINS
        .iter()
        .map(|b| b.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value transform applied before the value map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// `City of London Police` -> `city-of-london-police`.
    Slug,
    /// `Anti-social behaviour` -> `anti_social_behaviour`.
    Snake,
    /// The local authority of an LSOA name: `Camden 028B` -> `Camden`.
    LsoaPrefix,
    /// Upper case.
    Upper,
    /// Lower case.
    Lower,
}

impl Transform {
    /// Applies the transform.
    pub fn apply(self, s: &str) -> String {
        match self {
            Transform::Slug => slug(s, '-'),
            Transform::Snake => slug(s, '_'),
            Transform::LsoaPrefix => match s.trim().rsplit_once(' ') {
                // An LSOA name ends in a code such as 028B: three digits and a letter.
                Some((prefix, code))
                    if code.len() == 4
                        && code.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                        && code.as_bytes()[3].is_ascii_alphabetic() =>
                {
                    prefix.trim().to_string()
                }
                _ => s.trim().to_string(),
            },
            Transform::Upper => s.to_uppercase(),
            Transform::Lower => s.to_lowercase(),
        }
    }
}

/// Lower-case ASCII slug with `sep` between words.
pub fn slug(s: &str, sep: char) -> String {
    let t = s.trim();
    if is_slug(t, sep) {
        return t.to_string();
    }
    slug_by_chars(t, sep)
}

/// The slug rule itself, character by character (no fast path).
fn slug_by_chars(s: &str, sep: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            if pending && !out.is_empty() {
                out.push(sep);
            }
            pending = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' {
            pending = true;
        }
    }
    out
}

/// Whether `s` is already its own slug: ASCII lower-case letters and digits
/// in runs joined by single `sep`s.
fn is_slug(s: &str, sep: char) -> bool {
    let b = s.as_bytes();
    let word = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    sep.is_ascii()
        && b.first().is_some_and(word)
        && b.last().is_some_and(word)
        && b.iter().all(|c| word(c) || *c == sep as u8)
        && !b.windows(2).any(|w| w[0] == sep as u8 && w[1] == sep as u8)
}

/// A value map for one field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueMap {
    /// Lower-cased, trimmed source value -> canonical value.
    pub map: BTreeMap<String, String>,
    /// The value for anything not in the map (`"*"`), if any.
    pub default: Option<String>,
}

/// How ids are derived for rows without an `incident_id`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeriveId {
    /// Source columns whose values are hashed into the id.
    pub from: Vec<String>,
    /// Prefix of every derived id.
    #[serde(default)]
    pub prefix: String,
}

/// Where the true person of each record is written, in labelled data
/// (`marac link eval --truth-from-input`): the key names the victim's person.
#[derive(Debug, Clone)]
pub struct Truth {
    /// The source column holding the key.
    pub column: String,
    /// The key is the first capture group of this expression (the whole
    /// match when it has none); without it, the whole value.
    pub pattern: Option<regex::Regex>,
}

impl PartialEq for Truth {
    fn eq(&self, other: &Self) -> bool {
        self.column == other.column
            && self.pattern.as_ref().map(regex::Regex::as_str)
                == other.pattern.as_ref().map(regex::Regex::as_str)
    }
}

impl Truth {
    /// The person key in a (trimmed, not empty) value; `None` when the
    /// pattern does not match.
    pub fn key(&self, value: &str) -> Option<String> {
        let Some(re) = &self.pattern else {
            return Some(value.to_string());
        };
        let caps = re.captures(value)?;
        caps.get(1)
            .or_else(|| caps.get(0))
            .map(|m| m.as_str().to_string())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TruthSection {
    column: String,
    pattern: Option<String>,
}

/// A mapping from an export's columns and values onto the canonical fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The profile's name, for messages.
    pub name: String,
    /// The sheet of a workbook to read (matched exactly, else ignoring case
    /// and surrounding spaces); `None`: the first sheet.
    pub sheet: Option<String>,
    /// The 1-based row (CSV: line) of the header; rows above it are
    /// ignored. Not used for JSON Lines.
    pub header_row: u32,
    /// Canonical field -> source column.
    pub columns: BTreeMap<String, String>,
    /// Canonical field -> constant value.
    pub constants: BTreeMap<String, String>,
    /// Canonical field -> source columns whose values are joined with spaces.
    pub joins: BTreeMap<String, Vec<String>>,
    /// Canonical field -> value map.
    pub values: BTreeMap<String, ValueMap>,
    /// Canonical field -> transform.
    pub transforms: BTreeMap<String, Transform>,
    /// Extra date formats for `reported_at` and `occurred_at`.
    pub date_formats: Vec<String>,
    /// Extra date formats for dates of birth.
    pub dob_formats: Vec<String>,
    /// Stable ids for rows without one.
    pub derive_id: Option<DeriveId>,
    /// Do not warn about columns the profile does not map.
    pub ignore_unknown_columns: bool,
    /// Coordinates are anonymised snap points (data.police.uk), not addresses.
    pub snapped_coordinates: bool,
    /// Postcodes are of another country: kept as written (compared only
    /// exactly) without the warning a non-UK postcode otherwise gets.
    pub non_uk_postcodes: bool,
    /// The true person of each record, in labelled data.
    pub truth: Option<Truth>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            name: String::new(),
            sheet: None,
            header_row: 1,
            columns: BTreeMap::new(),
            constants: BTreeMap::new(),
            joins: BTreeMap::new(),
            values: BTreeMap::new(),
            transforms: BTreeMap::new(),
            date_formats: Vec::new(),
            dob_formats: Vec::new(),
            derive_id: None,
            ignore_unknown_columns: false,
            snapped_coordinates: false,
            non_uk_postcodes: false,
            truth: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    sheet: Option<String>,
    header_row: Option<i64>,
    #[serde(default)]
    ignore_unknown_columns: bool,
    #[serde(default)]
    snapped_coordinates: bool,
    #[serde(default)]
    non_uk_postcodes: bool,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
    #[serde(default)]
    join: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    transforms: BTreeMap<String, Transform>,
    #[serde(default)]
    dates: DatesSection,
    derive_id: Option<DeriveId>,
    truth: Option<TruthSection>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DatesSection {
    #[serde(default)]
    formats: Vec<String>,
    #[serde(default)]
    dob_formats: Vec<String>,
}

/// A profile file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("profile {name}: {reason}")]
pub struct ProfileError {
    /// The profile's file name or built-in name.
    pub name: String,
    /// What is wrong.
    pub reason: String,
}

impl Profile {
    /// The canonical profile: columns named as the canonical fields.
    pub fn canonical() -> Profile {
        Profile {
            name: "canonical".into(),
            ..Profile::default()
        }
    }

    /// The built-in data.police.uk street-level profile.
    pub fn police_uk() -> Profile {
        // The embedded TOML is tested; a failure here is a build defect.
        Profile::from_toml("police-uk", POLICE_UK_TOML).unwrap_or_else(|_| Profile::canonical())
    }

    /// A built-in profile by name (see [`BUILTINS`]).
    pub fn builtin(name: &str) -> Option<Profile> {
        let b = builtin(name)?;
        if b.name == "canonical" {
            return Some(Profile::canonical());
        }
        // The embedded TOML is tested; a failure here is a build defect.
        Profile::from_toml(b.name, b.toml).ok()
    }

    /// Parses a profile from TOML text; `name` is used in messages.
    pub fn from_toml(name: &str, text: &str) -> Result<Profile, ProfileError> {
        let err = |reason: String| ProfileError {
            name: name.to_string(),
            reason,
        };
        let file: ProfileFile = toml::from_str(text).map_err(|e| err(e.message().to_string()))?;
        let known = |f: &str| marac_model::FIELDS.contains(&f);
        for (table, keys) in [
            ("columns", file.columns.keys().collect::<Vec<_>>()),
            ("constants", file.constants.keys().collect()),
            ("join", file.join.keys().collect()),
            ("values", file.values.keys().collect()),
            ("transforms", file.transforms.keys().collect()),
        ] {
            if let Some(bad) = keys.into_iter().find(|k| !known(k)) {
                return Err(err(format!(
                    "[{table}] names '{bad}', which is not a canonical field; fields: {}",
                    marac_model::FIELDS.join(", ")
                )));
            }
        }
        for (field, cols) in &file.join {
            if cols.is_empty() {
                return Err(err(format!("[join] {field}: names no column")));
            }
            for (table, other) in [("columns", &file.columns), ("constants", &file.constants)] {
                if other.contains_key(field) {
                    return Err(err(format!(
                        "{field} is in both [join] and [{table}]; a field is read from one place"
                    )));
                }
            }
        }
        let header_row = match file.header_row {
            None => 1,
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| err(format!("header_row = {n}: a row number from 1")))?,
        };
        if file.sheet.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(err(
                "sheet = \"\": name a sheet, or leave the key out for the first".into(),
            ));
        }
        for f in &file.dates.formats {
            check_format(f).map_err(|r| err(format!("[dates] format '{f}': {r}")))?;
        }
        for f in &file.dates.dob_formats {
            check_format(f).map_err(|r| err(format!("[dates] dob format '{f}': {r}")))?;
        }
        let truth = match file.truth {
            None => None,
            Some(t) => {
                let pattern = match t.pattern {
                    None => None,
                    Some(p) => Some(regex::Regex::new(&p).map_err(|e| {
                        err(format!("[truth] pattern is not a regular expression: {e}"))
                    })?),
                };
                Some(Truth {
                    column: t.column,
                    pattern,
                })
            }
        };
        let values = file
            .values
            .into_iter()
            .map(|(field, map)| {
                let mut vm = ValueMap::default();
                for (k, v) in map {
                    if k == "*" {
                        vm.default = Some(v);
                    } else {
                        vm.map.insert(k.trim().to_lowercase(), v);
                    }
                }
                (field, vm)
            })
            .collect();
        Ok(Profile {
            name: file.name.unwrap_or_else(|| name.to_string()),
            sheet: file.sheet,
            header_row,
            columns: file.columns,
            constants: file.constants,
            joins: file.join,
            values,
            transforms: file.transforms,
            date_formats: file.dates.formats,
            dob_formats: file.dates.dob_formats,
            derive_id: file.derive_id,
            ignore_unknown_columns: file.ignore_unknown_columns,
            snapped_coordinates: file.snapped_coordinates,
            non_uk_postcodes: file.non_uk_postcodes,
            truth,
        })
    }

    /// Every built-in profile ([`BUILTINS`]), `canonical` first: the
    /// candidates [`crate::recognise()`] tries when none other is given.
    pub fn builtins() -> Vec<Profile> {
        BUILTINS
            .iter()
            .filter_map(|b| Profile::builtin(b.name))
            .collect()
    }

    /// The source column read for a canonical field.
    pub fn column_for<'a>(&'a self, field: &'a str) -> &'a str {
        self.columns.get(field).map(String::as_str).unwrap_or(field)
    }
}

/// Rejects chrono formats that cannot name a date.
fn check_format(f: &str) -> Result<(), String> {
    if !(f.contains("%Y") || f.contains("%y")) {
        return Err("has no year (%Y)".into());
    }
    if !(f.contains("%m") || f.contains("%b") || f.contains("%B")) {
        return Err("has no month (%m, %b)".into());
    }
    // A trial run: chrono reports unknown specifiers as a formatting error
    // (never through `to_string`, which would panic on it).
    use std::fmt::Write;
    let mut out = String::new();
    // A date and a time, so that time specifiers (`%d/%m/%Y %H:%M`) pass.
    let d = chrono::NaiveDate::from_ymd_opt(2020, 1, 2)
        .and_then(|d| d.and_hms_opt(3, 4, 5))
        .unwrap_or_default();
    if write!(out, "{}", d.format(f)).is_err() {
        return Err("is not a valid chrono format".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn slug_fast_path_agrees(s in "[a-z0-9_ \\-'A]{0,12}") {
            for sep in ['-', '_'] {
                proptest::prop_assert_eq!(slug(&s, sep), slug_by_chars(&s, sep));
            }
        }
    }

    #[test]
    fn transforms() {
        assert_eq!(
            Transform::Slug.apply("City of London Police"),
            "city-of-london-police"
        );
        assert_eq!(
            Transform::Snake.apply("Anti-social behaviour"),
            "anti_social_behaviour"
        );
        assert_eq!(
            Transform::Snake.apply("Violence and sexual offences"),
            "violence_and_sexual_offences"
        );
        assert_eq!(Transform::LsoaPrefix.apply("Camden 028B"), "Camden");
        assert_eq!(
            Transform::LsoaPrefix.apply("City of London 001A"),
            "City of London"
        );
        assert_eq!(
            Transform::LsoaPrefix.apply("Kensington and Chelsea 001A"),
            "Kensington and Chelsea"
        );
        assert_eq!(Transform::LsoaPrefix.apply("Somewhere"), "Somewhere");
        // Four bytes that are not four characters (found by fuzzing: it panicked).
        assert_eq!(
            Transform::LsoaPrefix.apply("Camden 02\u{23d}"),
            "Camden 02\u{23d}"
        );
    }

    #[test]
    fn police_uk_profile_parses() {
        let p = Profile::from_toml("police-uk", POLICE_UK_TOML).unwrap();
        assert_eq!(p.column_for("reported_at"), "Month");
        assert_eq!(p.values["kind"].map["anti-social behaviour"], "asb");
        assert_eq!(p.values["kind"].default.as_deref(), Some("crime"));
        assert!(p.derive_id.is_some());
        assert!(p.snapped_coordinates);
    }

    #[test]
    fn date_formats_with_a_time_are_valid_and_without_a_date_are_not() {
        assert_eq!(check_format("%d/%m/%Y %H:%M:%S"), Ok(()));
        assert_eq!(check_format("%d/%m/%Y %H:%M"), Ok(()));
        assert_eq!(check_format("%H:%M"), Err("has no year (%Y)".to_string()));
        assert_eq!(
            check_format("%Y-%m-%d %Q"),
            Err("is not a valid chrono format".to_string())
        );
    }

    #[test]
    fn every_builtin_profile_parses() {
        for b in BUILTINS {
            let p = Profile::builtin(b.name).unwrap_or_else(|| panic!("{}", b.name));
            assert_eq!(p.name, b.name);
            assert_eq!(Profile::from_toml(b.name, b.toml).unwrap(), p, "{}", b.name);
        }
        assert_eq!(Profile::builtin("police_uk").unwrap().name, "police-uk");
        assert!(Profile::builtin("nonesuch").is_none());
        let febrl = Profile::builtin("febrl").unwrap();
        assert!(febrl.non_uk_postcodes);
        assert_eq!(febrl.joins["victim_address"].len(), 4);
        // The national identifier is never read.
        assert!(!febrl.columns.values().any(|c| c == "soc_sec_id"));
        assert_eq!(
            febrl
                .truth
                .as_ref()
                .unwrap()
                .key("rec-1496-dup-3")
                .as_deref(),
            Some("1496")
        );
    }

    #[test]
    fn profile_errors_name_the_problem() {
        let e = Profile::from_toml("x.toml", "[columns]\nvictim_name = \"Name\"\n").unwrap_err();
        assert!(e.to_string().starts_with(
            "profile x.toml: [columns] names 'victim_name', which is not a canonical field"
        ));
        let e = Profile::from_toml("x.toml", "[dates]\nformats = [\"%d/%m\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile x.toml: [dates] format '%d/%m': has no year (%Y)"
        );
        // Formats with a time of day, as in the documented example.
        let p = Profile::from_toml(
            "x.toml",
            "[dates]\nformats = [\"%d/%m/%Y\", \"%d/%m/%Y %H:%M\"]\n",
        )
        .unwrap();
        assert_eq!(p.date_formats.len(), 2);
        let e = Profile::from_toml("x.toml", "[dates]\nformats = [\"%d/%m/%Y %Q\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "profile x.toml: [dates] format '%d/%m/%Y %Q': is not a valid chrono format"
        );
        let e = Profile::from_toml("x.toml", "colums = 1\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `colums`"), "{e}");
    }
}
