//! The rules file: blocking rules, comparisons and their thresholds, training,
//! decision threshold or deterministic rules, the chaining guard and places.
//!
//! Every field has a default, so an empty file is the default model. The
//! format is documented field by field in `rules/README.md`; the shipped
//! defaults are `rules/default.toml` ([`Rules::default`]).

use serde::Deserialize;

use crate::expr::Expr;

/// The shipped default rules (`rules/default.toml`).
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");
/// An example of deterministic rules (`rules/deterministic.toml`).
pub const DETERMINISTIC_RULES: &str = include_str!("../rules/deterministic.toml");

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// Not valid TOML, or an unknown or mistyped field.
    #[error("{name}: {message}")]
    Toml {
        /// The file name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A value out of range or a bad rule expression.
    #[error("{name}: {message}")]
    Invalid {
        /// The file name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// How pairs are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Fellegi-Sunter weights with m from EM and u from random pairs.
    #[default]
    Probabilistic,
    /// A pair matches when any deterministic rule holds.
    Deterministic,
}

/// A value a blocking key is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPart {
    /// Full postcode.
    Postcode,
    /// Postcode sector (`SW1A 1`).
    Sector,
    /// Postcode district (`SW1A`).
    District,
    /// Date of birth.
    Dob,
    /// Year of birth.
    BirthYear,
    /// Soundex of the last name.
    LastSoundex,
    /// Folded last name.
    LastName,
    /// The Soundex codes of the first and the last name, in sorted order, so
    /// that a record with the names swapped has the same key (both names
    /// needed; a first initial is not a name).
    NameSoundexes,
    /// First letter of the first name.
    FirstInitial,
    /// Formal first name through the nickname table, else the folded first name.
    FirstFormal,
    /// The agency reference within its source.
    Reference,
    /// Phone digits.
    Phone,
    /// House number.
    HouseNumber,
    /// Normalised address (house, flat, street words).
    Address,
    /// The person of the incident's other party (second pass only).
    Counterpart,
    /// Sector of the context postcode ([`crate::normalise::Mention::area`]).
    AreaSector,
    /// District of the context postcode.
    AreaDistrict,
    /// The 1 km grid square of the incident's point.
    Cell,
    /// The incident's area (borough).
    Borough,
}

impl KeyPart {
    /// The name as written in a rules file.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPart::Postcode => "postcode",
            KeyPart::Sector => "sector",
            KeyPart::District => "district",
            KeyPart::Dob => "dob",
            KeyPart::BirthYear => "birth_year",
            KeyPart::LastSoundex => "last_soundex",
            KeyPart::LastName => "last_name",
            KeyPart::NameSoundexes => "name_soundexes",
            KeyPart::FirstInitial => "first_initial",
            KeyPart::FirstFormal => "first_formal",
            KeyPart::Reference => "reference",
            KeyPart::Phone => "phone",
            KeyPart::HouseNumber => "house_number",
            KeyPart::Address => "address",
            KeyPart::Counterpart => "counterpart",
            KeyPart::AreaSector => "area_sector",
            KeyPart::AreaDistrict => "area_district",
            KeyPart::Cell => "cell",
            KeyPart::Borough => "borough",
        }
    }
}

/// One blocking rule: pairs of mentions that agree on every key part.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRule {
    /// Name used in messages.
    pub name: String,
    /// The key parts; a mention missing any part is not in this rule's blocks.
    pub keys: Vec<KeyPart>,
    /// Extra key parts used to split a block larger than the cap; when empty
    /// (or still too large) the block is skipped with a warning.
    #[serde(default)]
    pub subblock: Vec<KeyPart>,
    /// Only pairs in which at least one record is partial (lacks a full
    /// first name or a surname): blocks for attaching partial records,
    /// without comparing every pair of full names in them.
    #[serde(default)]
    pub partial: bool,
    /// This rule's own cap, at most `blocking.max_block` and not with
    /// `subblock`: its blocks larger than this are skipped without a
    /// warning. For keys that identify a person only when rare, such as a
    /// full name with no other field.
    #[serde(default)]
    pub max_block: Option<usize>,
}

/// Blocking settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Blocking {
    /// Largest block compared in full.
    pub max_block: usize,
    /// The rules; candidate pairs are their union.
    pub rules: Vec<BlockRule>,
}

impl Default for Blocking {
    fn default() -> Self {
        Blocking {
            max_block: 500,
            rules: Vec::new(),
        }
    }
}

/// Settings of a name comparison.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NameSettings {
    /// Whether the comparison is used.
    pub enabled: bool,
    /// Jaro-Winkler similarity of the `jw_high` level.
    pub jw_high: f64,
    /// Jaro-Winkler similarity of the `jw_low` level.
    pub jw_low: f64,
    /// Adjust exact matches for the frequency of the name.
    pub tf_adjust: bool,
}

impl Default for NameSettings {
    fn default() -> Self {
        NameSettings {
            enabled: true,
            jw_high: 0.92,
            jw_low: 0.85,
            tf_adjust: true,
        }
    }
}

/// Settings of the address comparison.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AddressSettings {
    /// Whether the comparison is used.
    pub enabled: bool,
    /// Street-word Jaccard similarity of the `exact` level.
    pub high: f64,
    /// Street-word Jaccard similarity of the `house` and `street` levels.
    pub low: f64,
}

impl Default for AddressSettings {
    fn default() -> Self {
        AddressSettings {
            enabled: true,
            high: 0.8,
            low: 0.5,
        }
    }
}

/// A comparison that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    /// Whether the comparison is used.
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enabled: true }
    }
}

/// Which comparisons are made, with their thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Comparisons {
    /// First name.
    pub first_name: NameSettings,
    /// Last name.
    pub last_name: NameSettings,
    /// First and last names swapped.
    pub swapped_names: Toggle,
    /// Date of birth.
    pub dob: Toggle,
    /// Home postcode.
    pub postcode: Toggle,
    /// Home address.
    pub address: AddressSettings,
    /// Phone.
    pub phone: Toggle,
    /// The other party of the incident is the same person (second pass).
    pub counterpart: Counterpart,
    /// Where the person is from the record's context (incident postcode and
    /// point, the other party's postcode), when the two records do not both
    /// hold a home postcode.
    pub area: Counterpart,
}

/// The counterpart comparison: off by default in code, on in the shipped rules.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Counterpart {
    /// Whether a second pass compares counterparts (and blocks on them).
    pub enabled: bool,
}

/// Training of the probabilistic model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Training {
    /// Seed of the random-pair sample that estimates u.
    pub seed: u64,
    /// Random pairs sampled to estimate u.
    pub u_pairs: usize,
    /// Initial share of matches among candidate pairs (λ).
    pub prior: f64,
    /// EM iteration cap.
    pub max_iterations: usize,
    /// EM stops when no parameter moves more than this.
    pub tolerance: f64,
    /// Pseudo-count of the built-in m and u priors (keeps tiny inputs sane).
    pub prior_weight: f64,
    /// Smallest term frequency used in TF adjustment.
    pub tf_min: f64,
    /// Scale of the TF adjustment (1 = full).
    pub tf_weight: f64,
    /// EM training sessions: each is the comparisons (joined by `+`) on
    /// which the session's pairs agree exactly, e.g. `"dob"`,
    /// `"first_name+last_name"`. Empty: one EM over all candidate pairs.
    pub sessions: Vec<String>,
    /// Whether u is corrected for the matches among the random pairs it is
    /// estimated from (`u = (u_sampled - λ_all × m) / (1 - λ_all)`, then EM
    /// again). Where duplicates are many (a file of 5,000 records holding
    /// 6,500 matching pairs), a random pair is a match often enough that an
    /// exact date of birth looks ten times commoner among non-matches than
    /// it is; in a city's records the correction is negligible.
    pub u_excludes_matches: bool,
    /// Whether m is taken from the labelled matches (`--labels`) for the
    /// comparisons that at least `from_labels_min` of them hold (see
    /// [`crate::score::m_from_labels`]); EM then estimates only the other
    /// comparisons' m and λ, with those held. u is unchanged.
    pub from_labels: bool,
    /// Fewest labelled matches holding a comparison (neither value
    /// missing) for its m to come from the labels.
    pub from_labels_min: usize,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            seed: 1,
            u_pairs: 1_000_000,
            prior: 0.1,
            max_iterations: 100,
            tolerance: 1e-6,
            prior_weight: 20.0,
            tf_min: 1e-6,
            tf_weight: 1.0,
            sessions: Vec::new(),
            u_excludes_matches: true,
            from_labels: false,
            from_labels_min: 20,
        }
    }
}

/// The chaining guard of clustering.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterSettings {
    /// Whether merges are checked at all.
    pub guard: bool,
    /// The size guard applies when both clusters have at least this many mentions.
    pub min_size: usize,
    /// Extra match weight (bits) the best cross pair needs per doubling of
    /// the smaller cluster's size.
    pub bits_per_doubling: f64,
    /// Refuse merging clusters whose dates of birth all disagree.
    pub refuse_conflicting_dob: bool,
    /// Refuse merging clusters holding different references from one source.
    pub refuse_conflicting_refs: bool,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            guard: true,
            min_size: 2,
            bits_per_doubling: 3.0,
            refuse_conflicting_dob: true,
            refuse_conflicting_refs: true,
        }
    }
}

/// Attaching partial records (only a surname, or only a first name) to the
/// one identified person they fit (see [`crate::attach`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachSettings {
    /// Whether partial persons are attached (probabilistic mode only).
    pub enabled: bool,
    /// Weakest match weight (bits) of the best pair that fits.
    pub min_weight: f64,
    /// Bits by which the best identified person must beat every other.
    pub margin: f64,
    /// Whether a person of a single (identifying) mention attaches to a
    /// person of several in the same way.
    pub singletons: bool,
    /// Expressions that stop a pair counting at all (clear contradictions).
    pub vetoes: Vec<String>,
}

impl Default for AttachSettings {
    fn default() -> Self {
        AttachSettings {
            enabled: false,
            min_weight: 15.0,
            margin: 6.0,
            singletons: false,
            vetoes: Vec::new(),
        }
    }
}

/// Linking places.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlaceSettings {
    /// Points closer than this (metres, BNG) are one place.
    pub radius_m: f64,
    /// Places with more incidents than this are public places: case
    /// networks do not join people through them.
    pub degree_cap: usize,
}

impl Default for PlaceSettings {
    fn default() -> Self {
        PlaceSettings {
            radius_m: 5.0,
            degree_cap: 10,
        }
    }
}

/// Deterministic rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DeterministicSettings {
    /// Expressions; a pair matches when any holds.
    pub rules: Vec<String>,
}

/// The whole rules file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesFile {
    /// A name for reports.
    pub name: Option<String>,
    /// Probabilistic or deterministic.
    pub mode: Mode,
    /// Match probability at or above which a pair links (probabilistic
    /// mode). `None` (the default): chosen from the model, as the one that
    /// maximises the expected F1 under the model's own probabilities.
    pub threshold: Option<f64>,
    /// Same reference within one source means same person, whatever else.
    pub reference_override: bool,
    /// Expressions that stop a pair linking, whatever its weight or rule
    /// (a reference override still links it).
    pub vetoes: Vec<String>,
    /// Learned vetoes (probabilistic mode): a veto stays a wall only while
    /// at most this share of the near-certain matches (candidate pairs that
    /// agree on every other identity field) show the level it is about
    /// (e.g. `first_name` = `else`); in data where that contradiction is
    /// common among matches (typos, replaced values), the veto is dropped
    /// and the level's own weight prices it. `None`: every veto is a wall.
    pub veto_max_share: Option<f64>,
    /// Blocking.
    pub blocking: Blocking,
    /// Comparisons.
    pub comparisons: Comparisons,
    /// Training.
    pub training: Training,
    /// Deterministic rules.
    pub deterministic: DeterministicSettings,
    /// Clustering.
    pub cluster: ClusterSettings,
    /// Attaching partial records.
    pub attach: AttachSettings,
    /// Places.
    pub places: PlaceSettings,
}

impl Default for RulesFile {
    fn default() -> Self {
        RulesFile {
            name: None,
            mode: Mode::Probabilistic,
            threshold: None,
            reference_override: true,
            vetoes: Vec::new(),
            veto_max_share: None,
            blocking: Blocking::default(),
            comparisons: Comparisons::default(),
            training: Training::default(),
            deterministic: DeterministicSettings::default(),
            cluster: ClusterSettings::default(),
            attach: AttachSettings::default(),
            places: PlaceSettings::default(),
        }
    }
}

/// A parsed, checked rules file.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The name for reports (the file's `name`, else the file name).
    pub name: String,
    /// The settings.
    pub file: RulesFile,
    /// Parsed deterministic rules, with their text.
    pub expressions: Vec<(String, Expr)>,
    /// Parsed vetoes, with their text.
    pub vetoes: Vec<(String, Expr)>,
    /// Parsed vetoes of attachment, with their text.
    pub attach_vetoes: Vec<(String, Expr)>,
}

impl Default for Rules {
    fn default() -> Self {
        // The embedded file is tested to parse.
        Rules::from_toml("default", DEFAULT_RULES).unwrap_or_else(|_| Rules {
            name: "default".into(),
            file: RulesFile::default(),
            expressions: Vec::new(),
            vetoes: Vec::new(),
            attach_vetoes: Vec::new(),
        })
    }
}

impl Rules {
    /// Parses and checks a rules file.
    pub fn from_toml(name: &str, text: &str) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError::Toml {
            name: name.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        let invalid = |message: String| RulesError::Invalid {
            name: name.to_string(),
            message,
        };
        if file.threshold.is_some_and(|t| !(t > 0.0 && t < 1.0)) {
            return Err(invalid(
                "threshold must be between 0 and 1 (exclusive)".into(),
            ));
        }
        if !(file.training.prior > 0.0 && file.training.prior < 1.0) {
            return Err(invalid(
                "training.prior must be between 0 and 1 (exclusive)".into(),
            ));
        }
        if file.blocking.max_block < 2 {
            return Err(invalid("blocking.max_block must be at least 2".into()));
        }
        for r in &file.blocking.rules {
            match r.max_block {
                Some(cap) if cap < 2 || cap > file.blocking.max_block => {
                    return Err(invalid(format!(
                        "blocking rule '{}': max_block must be between 2 and blocking.max_block ({})",
                        r.name, file.blocking.max_block
                    )));
                }
                Some(_) if !r.subblock.is_empty() => {
                    return Err(invalid(format!(
                        "blocking rule '{}': max_block (skip larger blocks) and subblock (split them) exclude each other",
                        r.name
                    )));
                }
                _ => {}
            }
        }
        for r in &file.blocking.rules {
            if r.keys.is_empty() {
                return Err(invalid(format!("blocking rule '{}' has no keys", r.name)));
            }
        }
        let mut expressions = Vec::new();
        for (i, text) in file.deterministic.rules.iter().enumerate() {
            let e = Expr::parse(text)
                .map_err(|e| invalid(format!("deterministic rule {}: {e}", i + 1)))?;
            expressions.push((text.clone(), e));
        }
        let mut vetoes = Vec::new();
        for (i, text) in file.vetoes.iter().enumerate() {
            let e = Expr::parse(text).map_err(|e| invalid(format!("veto {}: {e}", i + 1)))?;
            vetoes.push((text.clone(), e));
        }
        let mut attach_vetoes = Vec::new();
        for (i, text) in file.attach.vetoes.iter().enumerate() {
            let e =
                Expr::parse(text).map_err(|e| invalid(format!("attach veto {}: {e}", i + 1)))?;
            attach_vetoes.push((text.clone(), e));
        }
        if !(file.attach.margin >= 0.0 && file.attach.min_weight.is_finite()) {
            return Err(invalid(
                "attach.margin must be at least 0 and attach.min_weight a number".into(),
            ));
        }
        if file.mode == Mode::Deterministic && expressions.is_empty() {
            return Err(invalid(
                "mode = \"deterministic\" needs [deterministic] rules".into(),
            ));
        }
        Ok(Rules {
            name: file.name.clone().unwrap_or_else(|| name.to_string()),
            file,
            expressions,
            vetoes,
            attach_vetoes,
        })
    }

    /// The shipped deterministic example.
    pub fn deterministic_example() -> Result<Rules, RulesError> {
        Rules::from_toml("deterministic", DETERMINISTIC_RULES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse() {
        let d = Rules::from_toml("default", DEFAULT_RULES).unwrap();
        assert_eq!(d.file.mode, Mode::Probabilistic);
        assert!(!d.file.blocking.rules.is_empty());
        let e = Rules::deterministic_example().unwrap();
        assert_eq!(e.file.mode, Mode::Deterministic);
        assert!(!e.expressions.is_empty());
    }

    #[test]
    fn bad_rules_are_reported() {
        assert!(Rules::from_toml("x", "threshold = 2").is_err());
        let rule = |extra: &str| {
            format!("[blocking]\nmax_block = 300\n[[blocking.rules]]\nname = \"r\"\nkeys = [\"dob\"]\n{extra}")
        };
        assert!(Rules::from_toml("x", &rule("max_block = 10")).is_ok());
        let too_big = Rules::from_toml("x", &rule("max_block = 1000")).unwrap_err();
        assert!(
            too_big.to_string().contains(
                "blocking rule 'r': max_block must be between 2 and blocking.max_block (300)"
            ),
            "{too_big}"
        );
        let both = Rules::from_toml("x", &rule("max_block = 10\nsubblock = [\"first_initial\"]"));
        assert!(both.unwrap_err().to_string().contains("exclude each other"));
        assert!(Rules::from_toml("x", "colour = 1").is_err());
        let e = Rules::from_toml(
            "x",
            "mode = \"deterministic\"\n[deterministic]\nrules = [\"exact(dob) and\"]",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("x: deterministic rule 1"), "{e}");
        assert!(Rules::from_toml("x", "").is_ok());
    }
}
