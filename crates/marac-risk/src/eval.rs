//! How well a scan finds the patterns planted in synthetic data
//! (`marac synth`'s `truth.csv` and `planted.csv`).

use std::collections::{BTreeMap, HashMap};

use marac_model::{PersonMention, Role};
use serde::Serialize;

use crate::{Flag, Scan};

/// Figures for one planted pattern.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PatternFigures {
    /// Planted persons with this pattern.
    pub planted: u64,
    /// Of them, MARAC-eligible in the scan.
    pub eligible: u64,
    /// Of them, carrying the pattern's flag (or factor, for escalation).
    pub flagged: u64,
    /// The flag or factor checked.
    pub check: String,
}

/// The evaluation of a scan against planted patterns.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlantedEval {
    /// Planted victims (every pattern but perpetrators and places).
    pub planted_victims: u64,
    /// Planted victims found MARAC-eligible.
    pub planted_found: u64,
    /// planted_found / planted_victims.
    pub recall: f64,
    /// MARAC-eligible persons in the scan.
    pub eligible: u64,
    /// Of them, persons who are planted victims.
    pub eligible_planted: u64,
    /// eligible_planted / eligible.
    pub precision: f64,
    /// Per pattern.
    pub patterns: BTreeMap<String, PatternFigures>,
}

/// The flag (or factor prefix) each victim pattern must show.
fn check_of(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        "repeat_victim" => Flag::RepeatVictim.as_str(),
        "asb_case_review" => Flag::AsbCaseReview.as_str(),
        "hidden_disability_hate" => Flag::PossibleHateIncident.as_str(),
        "no_safeguarding_referral" => Flag::NoSafeguardingReferral.as_str(),
        "serial_perpetrator_victim" => Flag::SerialPerpetratorVictim.as_str(),
        "escalation" => "escalation",
        _ => return None,
    })
}

fn majority<'a>(votes: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for v in votes {
        *count.entry(v).or_default() += 1;
    }
    // Most votes; ties go to the smallest key, so the result is deterministic.
    count
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, _)| k)
}

/// Compares a scan with the truth: `rows` are the linked mentions,
/// `truth` the true ones (the person id is the synth's person key), `planted` the `(person_key, pattern)`
/// rows of planted.csv.
pub fn evaluate_planted(
    scan: &Scan,
    rows: &[PersonMention],
    truth: &[PersonMention],
    planted: &[(String, String)],
) -> PlantedEval {
    let linked: HashMap<(&str, Role), &str> = rows
        .iter()
        .map(|m| ((m.incident_id.as_str(), m.role), m.person_id.as_str()))
        .collect();
    let mut votes_for_key: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut votes_for_person: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in truth.iter().filter(|t| t.role == Role::Victim) {
        if let Some(p) = linked.get(&(t.incident_id.as_str(), t.role)) {
            let key = t.person_id.as_str();
            votes_for_key.entry(key).or_default().push(p);
            votes_for_person.entry(p).or_default().push(key);
        }
    }
    let person_of_key = |k: &str| {
        votes_for_key
            .get(k)
            .and_then(|v| majority(v.iter().copied()))
    };
    let by_person: HashMap<&str, &crate::PersonRisk> = scan
        .persons
        .iter()
        .map(|p| (p.person_id.as_str(), p))
        .collect();

    let mut e = PlantedEval::default();
    let mut planted_keys: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, pattern) in planted {
        if check_of(pattern).is_some() {
            planted_keys.entry(key).or_default().push(pattern);
        }
    }
    for (key, patterns) in &planted_keys {
        e.planted_victims += 1;
        let risk = person_of_key(key).and_then(|p| by_person.get(p));
        let eligible = risk.is_some_and(|r| r.marac_eligible);
        if eligible {
            e.planted_found += 1;
        }
        for pattern in patterns {
            let check = check_of(pattern).unwrap_or_default();
            let f = e.patterns.entry(pattern.to_string()).or_default();
            f.check = check.to_string();
            f.planted += 1;
            if eligible {
                f.eligible += 1;
            }
            let flagged = risk.is_some_and(|r| {
                if check == "escalation" {
                    r.reasons.iter().any(|x| {
                        matches!(
                            x.factor.as_str(),
                            "shrinking_gaps" | "rising_harm" | "category_escalation"
                        )
                    })
                } else {
                    r.flags.iter().any(|fl| fl.as_str() == check)
                }
            });
            if flagged {
                f.flagged += 1;
            }
        }
    }
    for p in scan.persons.iter().filter(|p| p.marac_eligible) {
        e.eligible += 1;
        let key = votes_for_person
            .get(p.person_id.as_str())
            .and_then(|v| majority(v.iter().copied()));
        if key.is_some_and(|k| planted_keys.contains_key(k)) {
            e.eligible_planted += 1;
        }
    }
    e.recall = ratio(e.planted_found, e.planted_victims);
    e.precision = ratio(e.eligible_planted, e.eligible);
    e
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
