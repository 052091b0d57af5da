//! The scan's configuration: every weight, window and threshold, from TOML.
//! The defaults are `config/default.toml`, embedded, with the reason for each
//! number written beside it.

use serde::Deserialize;

/// The default configuration file, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Level thresholds (score at or above).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// Score for `high`.
    pub high: u32,
    /// Score for `medium`.
    pub medium: u32,
}

/// Windows in days, counted back from the scan date, both ends included.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Windows {
    /// Repeat victimisation and most flags.
    pub repeat_days: u32,
    /// Recent repeat victimisation.
    pub recent_days: u32,
    /// ASB Case Review look-back.
    pub asb_case_review_days: u32,
}

/// Flag thresholds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRules {
    /// Incidents as victim for `repeat_victim`.
    pub repeat_victim_min: u32,
    /// ASB incidents for `asb_case_review` (legally no higher than 3).
    pub asb_case_review_min: u32,
    /// Incidents for `no_safeguarding_referral`.
    pub no_safeguarding_min_incidents: u32,
    /// Victims of one suspect for `serial_perpetrator_victim`.
    pub serial_perpetrator_min_victims: u32,
}

/// Points per factor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Points {
    pub repeat_per_incident: u32,
    pub repeat_cap: u32,
    pub recent_per_incident: u32,
    pub recent_cap: u32,
    pub shrinking_gaps: u32,
    pub rising_harm: u32,
    pub category_escalation: u32,
    pub hate_incident: u32,
    pub perceived_strand: u32,
    pub disability_strand: u32,
    pub vulnerability_each: u32,
    pub vulnerability_cap: u32,
    pub two_or_more_sources: u32,
    pub two_or_more_kinds: u32,
    pub serial_perpetrator: u32,
    pub perpetrator_hate: u32,
    pub harm_4: u32,
    pub harm_5: u32,
    pub threats: u32,
    pub assault: u32,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskConfig {
    /// Level thresholds.
    pub levels: Levels,
    /// Windows.
    pub windows: Windows,
    /// Flag thresholds.
    pub flags: FlagRules,
    /// Points.
    pub points: Points,
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("config {name}: {reason}")]
pub struct ConfigError {
    /// File name.
    pub name: String,
    /// What is wrong.
    pub reason: String,
}

impl RiskConfig {
    /// Parses a configuration; every key must be present (copy the default file).
    pub fn from_toml(name: &str, text: &str) -> Result<RiskConfig, ConfigError> {
        let cfg: RiskConfig = toml::from_str(text).map_err(|e| ConfigError {
            name: name.to_string(),
            reason: e.message().to_string(),
        })?;
        let err = |reason: &str| ConfigError {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        if cfg.levels.medium > cfg.levels.high {
            return Err(err("levels.medium is above levels.high"));
        }
        if cfg.flags.asb_case_review_min > 3 {
            // ASB, Crime and Policing Act 2014 s104: no higher than 3 complaints.
            return Err(err("flags.asb_case_review_min may be no higher than 3 (ASB, Crime and Policing Act 2014 s104)"));
        }
        if cfg.windows.recent_days > cfg.windows.repeat_days {
            return Err(err(
                "windows.recent_days is longer than windows.repeat_days",
            ));
        }
        Ok(cfg)
    }
}

impl Default for RiskConfig {
    fn default() -> Self {
        // The shipped file is tested to parse.
        RiskConfig::from_toml("default.toml", DEFAULT_TOML).unwrap_or_else(|e| panic!("{e}"))
    }
}
