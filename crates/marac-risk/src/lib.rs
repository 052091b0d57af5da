//! The risk scan: an explainable score per victim (a linked person), the
//! exact flags a reviewer checks by hand, the level and MARAC eligibility.
//!
//! Input: the incidents, and which person each victim or suspect mention
//! belongs to (the output of linkage). Every point of a score carries the
//! factor and the incidents behind it, so a coordinator can check it.
//!
//! Architecture invariant: no I/O. Every score carries its contributions.
//!
//! ```
//! use marac_risk::{scan, Mention, RiskConfig, Referrals};
//! use marac_model::{Incident, Role};
//! # fn inc(id: &str, date: &str) -> Incident { marac_risk::testkit::incident(id, date) }
//! let incidents = vec![inc("A", "2026-01-10"), inc("B", "2026-06-01"), inc("C", "2026-11-01")];
//! let mentions: Vec<Mention> = (0..3).map(|i| Mention { incident: i, role: Role::Victim, person: 0 }).collect();
//! let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
//! let s = scan(&incidents, &mentions, &["P000001".to_string()], &Referrals::default(), &RiskConfig::default(), as_of);
//! assert_eq!(s.persons[0].flags, vec![marac_risk::Flag::RepeatVictim]);
//! assert_eq!(s.persons[0].score, 20); // 3 in a year (15) + 1 in 30 days (5)
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use marac_model::{HateStrand, Incident, IncidentKind, PersonMention, Role, VulnerabilitySet};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub mod config;
pub mod eval;
pub use config::{ConfigError, RiskConfig};
pub use eval::{evaluate_planted, PlantedEval};

/// A person mention: incident index, role, person index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mention {
    /// Index into the incidents.
    pub incident: usize,
    /// Victim or suspect.
    pub role: Role,
    /// Index into the person ids.
    pub person: usize,
}

/// Professional referrals: incident ids or person ids (the professional
/// judgement route every MARAC keeps: it can raise a case, never lower one).
#[derive(Debug, Clone, Default)]
pub struct Referrals {
    /// Referred ids (incident or person).
    pub ids: BTreeSet<String>,
}

impl Referrals {
    /// Parses a referrals file: one id a line, `#` starts a comment.
    pub fn parse(text: &str) -> Referrals {
        let ids = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        Referrals { ids }
    }
}

/// Risk level by score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Below the medium threshold.
    Standard,
    /// At or above the medium threshold.
    Medium,
    /// At or above the high threshold.
    High,
}

impl Level {
    /// The level's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Standard => "standard",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// The exact rules a reviewer checks by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// 3 or more incidents as victim in the 365 days up to the scan date.
    RepeatVictim,
    /// 3 or more ASB incidents as victim in the 183 days up to the scan date.
    AsbCaseReview,
    /// An ASB or dispute record that looks like disability hate nobody recognised.
    PossibleHateIncident,
    /// A vulnerable repeat victim with no safeguarding record in the window.
    NoSafeguardingReferral,
    /// The victim of a suspect who has 2 or more victims.
    SerialPerpetratorVictim,
    /// Heard at MARAC in the last 12 months and a new incident since (register).
    RepeatMarac,
}

impl Flag {
    /// The flag's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::RepeatVictim => "repeat_victim",
            Flag::AsbCaseReview => "asb_case_review",
            Flag::PossibleHateIncident => "possible_hate_incident",
            Flag::NoSafeguardingReferral => "no_safeguarding_referral",
            Flag::SerialPerpetratorVictim => "serial_perpetrator_victim",
            Flag::RepeatMarac => "repeat_marac",
        }
    }
}

/// Points for one factor, with the incidents behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The factor's name, e.g. `repeat_12m`.
    pub factor: String,
    /// Points added.
    pub points: u32,
    /// Incident ids behind the points.
    pub incidents: Vec<String>,
}

/// One victim's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRisk {
    /// The linked person's id.
    pub person_id: String,
    /// The BCU of the latest of the person's incidents (as victim) that is
    /// placed in a BCU; `unassigned` when none is.
    pub bcu: String,
    /// Sum of the reasons' points.
    pub score: u32,
    /// Level by score.
    pub level: Level,
    /// Whether the case qualifies for the MARAC.
    pub marac_eligible: bool,
    /// Exact-rule flags.
    pub flags: Vec<Flag>,
    /// Every point, with its factor and incidents.
    pub reasons: Vec<Reason>,
    /// Why the case is eligible (`level_high`, `repeat_victim_vulnerable`, `referral`).
    pub eligible_by: Vec<&'static str>,
    /// Every incident in which the person is the victim (up to the scan date), oldest first.
    pub incidents: Vec<String>,
    /// Vulnerabilities recorded by any agency (the union).
    #[serde(serialize_with = "ser_vulns")]
    pub vulnerabilities: VulnerabilitySet,
}

fn ser_vulns<S: serde::Serializer>(v: &VulnerabilitySet, s: S) -> Result<S::Ok, S::Error> {
    v.serialize(s)
}

/// The result of a scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scan {
    /// The scan date.
    pub as_of: NaiveDate,
    /// One entry per victim, highest risk first (score, then person id).
    pub persons: Vec<PersonRisk>,
    /// Incidents up to the scan date, by kind.
    pub counts_by_kind: BTreeMap<String, u64>,
    /// Incidents up to the scan date, by source.
    pub counts_by_source: BTreeMap<String, u64>,
}

/// Per-person view of the mentions.
struct Index {
    victim_of: Vec<Vec<usize>>,
    suspect_of: Vec<Vec<usize>>,
    victims_in: Vec<Vec<usize>>,
    suspects_in: Vec<Vec<usize>>,
}

impl Index {
    fn new(n_incidents: usize, n_persons: usize, mentions: &[Mention]) -> Index {
        let mut ix = Index {
            victim_of: vec![Vec::new(); n_persons],
            suspect_of: vec![Vec::new(); n_persons],
            victims_in: vec![Vec::new(); n_incidents],
            suspects_in: vec![Vec::new(); n_incidents],
        };
        for m in mentions {
            if m.incident >= n_incidents || m.person >= n_persons {
                continue;
            }
            match m.role {
                Role::Victim => {
                    ix.victim_of[m.person].push(m.incident);
                    ix.victims_in[m.incident].push(m.person);
                }
                Role::Suspect => {
                    ix.suspect_of[m.person].push(m.incident);
                    ix.suspects_in[m.incident].push(m.person);
                }
            }
        }
        for v in ix
            .victim_of
            .iter_mut()
            .chain(ix.suspect_of.iter_mut())
            .chain(ix.victims_in.iter_mut())
            .chain(ix.suspects_in.iter_mut())
        {
            v.sort_unstable();
            v.dedup();
        }
        ix
    }
}

/// Categories that start an escalation, and those it escalates to.
const LOW_CATEGORIES: &[&str] = &["noise", "nuisance", "verbal_abuse"];
const HIGH_CATEGORIES: &[&str] = &["threats", "criminal_damage", "assault"];

/// Scores every victim as of a date.
pub fn scan(
    incidents: &[Incident],
    mentions: &[Mention],
    person_ids: &[String],
    referrals: &Referrals,
    cfg: &RiskConfig,
    as_of: NaiveDate,
) -> Scan {
    let ix = Index::new(incidents.len(), person_ids.len(), mentions);
    let ctx = Ctx {
        incidents,
        ix: &ix,
        cfg,
        as_of,
        person_ids,
        referrals,
    };
    let mut persons: Vec<PersonRisk> = (0..person_ids.len())
        .into_par_iter()
        .filter_map(|p| ctx.person(p))
        .collect();
    persons.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.person_id.cmp(&b.person_id))
    });
    let mut counts_by_kind = BTreeMap::new();
    let mut counts_by_source = BTreeMap::new();
    for i in incidents.iter().filter(|i| i.reported.date <= as_of) {
        *counts_by_kind
            .entry(i.kind.as_str().to_string())
            .or_insert(0) += 1;
        *counts_by_source.entry(i.source.to_string()).or_insert(0) += 1;
    }
    Scan {
        as_of,
        persons,
        counts_by_kind,
        counts_by_source,
    }
}

struct Ctx<'a> {
    incidents: &'a [Incident],
    ix: &'a Index,
    cfg: &'a RiskConfig,
    as_of: NaiveDate,
    person_ids: &'a [String],
    referrals: &'a Referrals,
}

impl Ctx<'_> {
    /// Whether an incident's report date lies in the `days` up to the scan date.
    fn within(&self, inc: usize, days: u32) -> bool {
        let d = self.incidents[inc].reported.date;
        d <= self.as_of && (self.as_of - d).num_days() <= i64::from(days)
    }

    fn ids(&self, list: &[usize]) -> Vec<String> {
        list.iter().map(|&i| self.incidents[i].id.clone()).collect()
    }

    /// Vulnerabilities of a person across all their victim records up to the scan date.
    fn vulnerabilities(&self, p: usize) -> VulnerabilitySet {
        self.ix.victim_of[p]
            .iter()
            .filter(|&&i| self.incidents[i].reported.date <= self.as_of)
            .fold(VulnerabilitySet::EMPTY, |acc, &i| {
                acc.union(self.incidents[i].vulnerabilities)
            })
    }

    /// Distinct victims of a suspect person in the repeat window.
    fn victims_of_suspect(&self, s: usize) -> BTreeSet<usize> {
        self.ix.suspect_of[s]
            .iter()
            .filter(|&&i| self.within(i, self.cfg.windows.repeat_days))
            .flat_map(|&i| self.ix.victims_in[i].iter().copied())
            .filter(|&v| v != s)
            .collect()
    }

    fn suspect_in_hate(&self, s: usize) -> Vec<usize> {
        self.ix.suspect_of[s]
            .iter()
            .copied()
            .filter(|&i| {
                self.incidents[i].kind == IncidentKind::Hate
                    && self.within(i, self.cfg.windows.repeat_days)
            })
            .collect()
    }

    fn person(&self, p: usize) -> Option<PersonRisk> {
        let inc = self.incidents;
        let cfg = self.cfg;
        let pts = &cfg.points;
        let w = &cfg.windows;
        // Every incident as victim up to the scan date, oldest first.
        let mut all: Vec<usize> = self.ix.victim_of[p]
            .iter()
            .copied()
            .filter(|&i| inc[i].reported.date <= self.as_of)
            .collect();
        if all.is_empty() {
            return None;
        }
        all.sort_by(|&a, &b| {
            inc[a]
                .reported
                .date
                .cmp(&inc[b].reported.date)
                .then_with(|| inc[a].id.cmp(&inc[b].id))
        });
        let year: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| self.within(i, w.repeat_days))
            .collect();
        let recent: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| self.within(i, w.recent_days))
            .collect();
        let asb_half: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| inc[i].kind == IncidentKind::Asb && self.within(i, w.asb_case_review_days))
            .collect();
        let vulns = self.vulnerabilities(p);

        let mut reasons: Vec<Reason> = Vec::new();
        let mut add = |factor: &str, points: u32, list: Vec<String>| {
            if points > 0 {
                reasons.push(Reason {
                    factor: factor.to_string(),
                    points,
                    incidents: list,
                });
            }
        };

        // Repeat victimisation.
        add(
            "repeat_12m",
            (pts.repeat_per_incident * year.len() as u32).min(pts.repeat_cap),
            self.ids(&year),
        );
        add(
            "repeat_30d",
            (pts.recent_per_incident * recent.len() as u32).min(pts.recent_cap),
            self.ids(&recent),
        );

        // Escalation, on the window's incidents in date order.
        if year.len() >= 3 {
            let days: Vec<i64> = year
                .iter()
                .map(|&i| inc[i].reported.date.num_days_from_ce() as i64)
                .collect();
            let gaps: Vec<i64> = days.windows(2).map(|d| d[1] - d[0]).collect();
            let (earlier, last) = gaps.split_at(gaps.len() - 1);
            let mean_earlier = earlier.iter().sum::<i64>() as f64 / earlier.len() as f64;
            if (last[0] as f64) * 2.0 < mean_earlier {
                add(
                    "shrinking_gaps",
                    pts.shrinking_gaps,
                    self.ids(&year[year.len() - 3..]),
                );
            }
            let half = year.len() / 2;
            let first_max = year[..half].iter().filter_map(|&i| inc[i].harm).max();
            let latest = year.iter().rev().find_map(|&i| inc[i].harm.map(|h| (i, h)));
            if let (Some(fm), Some((li, lh))) = (first_max, latest) {
                if lh > fm && year[half..].contains(&li) {
                    let first_at = year[..half]
                        .iter()
                        .copied()
                        .find(|&i| inc[i].harm == Some(fm));
                    let mut l: Vec<usize> = first_at.into_iter().collect();
                    l.push(li);
                    add("rising_harm", pts.rising_harm, self.ids(&l));
                }
            }
            let cat = |i: usize| inc[i].category.as_deref().unwrap_or("");
            if let Some(lo) = year
                .iter()
                .copied()
                .find(|&i| LOW_CATEGORIES.contains(&cat(i)))
            {
                let lo_date = inc[lo].reported.date;
                if let Some(hi) = year
                    .iter()
                    .copied()
                    .find(|&i| HIGH_CATEGORIES.contains(&cat(i)) && inc[i].reported.date > lo_date)
                {
                    add(
                        "category_escalation",
                        pts.category_escalation,
                        self.ids(&[lo, hi]),
                    );
                }
            }
        }

        // Hate.
        let hate: Vec<usize> = year
            .iter()
            .copied()
            .filter(|&i| inc[i].kind == IncidentKind::Hate)
            .collect();
        add(
            "hate_incident",
            if hate.is_empty() {
                0
            } else {
                pts.hate_incident
            },
            self.ids(&hate),
        );
        let strand: Vec<usize> = year
            .iter()
            .copied()
            .filter(|&i| {
                matches!(
                    inc[i].kind,
                    IncidentKind::Asb | IncidentKind::Dispute | IncidentKind::Safeguarding
                ) && !inc[i].hate_strands.is_empty()
            })
            .collect();
        add(
            "perceived_hate_strand",
            if strand.is_empty() {
                0
            } else {
                pts.perceived_strand
            },
            self.ids(&strand),
        );
        let disability: Vec<usize> = year
            .iter()
            .copied()
            .filter(|&i| inc[i].hate_strands.contains(HateStrand::Disability))
            .collect();
        add(
            "disability_hate_strand",
            if disability.is_empty() {
                0
            } else {
                pts.disability_strand
            },
            self.ids(&disability),
        );

        // Vulnerability (union across agencies).
        let vuln_incidents: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&i| !inc[i].vulnerabilities.is_empty())
            .collect();
        add(
            "vulnerability",
            (pts.vulnerability_each * vulns.len() as u32).min(pts.vulnerability_cap),
            self.ids(&vuln_incidents),
        );

        // Cross-agency.
        let sources: BTreeSet<&str> = year.iter().map(|&i| &*inc[i].source).collect();
        if sources.len() >= 2 {
            add(
                "two_or_more_sources",
                pts.two_or_more_sources,
                self.ids(&first_per(&year, |i| &*inc[i].source)),
            );
        }
        let kinds: BTreeSet<IncidentKind> = year.iter().map(|&i| inc[i].kind).collect();
        if kinds.len() >= 2 {
            add(
                "two_or_more_kinds",
                pts.two_or_more_kinds,
                self.ids(&first_per(&year, |i| inc[i].kind)),
            );
        }

        // Perpetrators of this victim's incidents in the window.
        let suspects: BTreeSet<usize> = year
            .iter()
            .flat_map(|&i| self.ix.suspects_in[i].iter().copied())
            .filter(|&s| s != p)
            .collect();
        let mut serial_incidents = Vec::new();
        let mut hate_suspect_incidents = Vec::new();
        for &s in &suspects {
            if self.victims_of_suspect(s).len() as u32 >= cfg.flags.serial_perpetrator_min_victims {
                serial_incidents.extend(
                    year.iter()
                        .copied()
                        .filter(|&i| self.ix.suspects_in[i].contains(&s)),
                );
            }
            hate_suspect_incidents.extend(self.suspect_in_hate(s));
        }
        serial_incidents.sort_unstable();
        serial_incidents.dedup();
        hate_suspect_incidents.sort_unstable();
        hate_suspect_incidents.dedup();
        add(
            "serial_perpetrator",
            if serial_incidents.is_empty() {
                0
            } else {
                pts.serial_perpetrator
            },
            self.ids(&serial_incidents),
        );
        add(
            "perpetrator_hate",
            if hate_suspect_incidents.is_empty() {
                0
            } else {
                pts.perpetrator_hate
            },
            self.ids(&hate_suspect_incidents),
        );

        // Harm.
        if let Some(max) = year.iter().filter_map(|&i| inc[i].harm).max() {
            let at: Vec<usize> = year
                .iter()
                .copied()
                .filter(|&i| inc[i].harm == Some(max))
                .collect();
            let p = match max {
                5 => pts.harm_5,
                4 => pts.harm_4,
                _ => 0,
            };
            add("high_harm", p, self.ids(&at));
        }
        let threats: Vec<usize> = year
            .iter()
            .copied()
            .filter(|&i| inc[i].category.as_deref() == Some("threats"))
            .collect();
        add(
            "threats",
            if threats.is_empty() { 0 } else { pts.threats },
            self.ids(&threats),
        );
        let assault: Vec<usize> = year
            .iter()
            .copied()
            .filter(|&i| inc[i].category.as_deref() == Some("assault"))
            .collect();
        add(
            "assault",
            if assault.is_empty() { 0 } else { pts.assault },
            self.ids(&assault),
        );

        let score: u32 = reasons.iter().map(|r| r.points).sum();
        let level = if score >= cfg.levels.high {
            Level::High
        } else if score >= cfg.levels.medium {
            Level::Medium
        } else {
            Level::Standard
        };

        // Flags: exact rules.
        let mut flags = Vec::new();
        let repeat = year.len() as u32 >= cfg.flags.repeat_victim_min;
        if repeat {
            flags.push(Flag::RepeatVictim);
        }
        if asb_half.len() as u32 >= cfg.flags.asb_case_review_min {
            flags.push(Flag::AsbCaseReview);
        }
        if vulns.has_disability() {
            let possible = year.iter().any(|&i| {
                matches!(inc[i].kind, IncidentKind::Asb | IncidentKind::Dispute)
                    && (!inc[i].hate_strands.is_empty()
                        || self.ix.suspects_in[i].iter().any(|&s| {
                            s != p
                                && (!self.suspect_in_hate(s).is_empty()
                                    || self.victims_of_suspect(s).iter().any(|&v| {
                                        v != p && self.vulnerabilities(v).has_disability()
                                    }))
                        }))
            });
            if possible {
                flags.push(Flag::PossibleHateIncident);
            }
        }
        let safeguarding_in_window = year
            .iter()
            .any(|&i| inc[i].kind == IncidentKind::Safeguarding);
        if !vulns.is_empty()
            && year.len() as u32 >= cfg.flags.no_safeguarding_min_incidents
            && !safeguarding_in_window
        {
            flags.push(Flag::NoSafeguardingReferral);
        }
        if !serial_incidents.is_empty() {
            flags.push(Flag::SerialPerpetratorVictim);
        }

        let person_id = self.person_ids[p].clone();
        let mut eligible_by = Vec::new();
        if level == Level::High {
            eligible_by.push("level_high");
        }
        if repeat && !vulns.is_empty() {
            eligible_by.push("repeat_victim_vulnerable");
        }
        let referred = self.referrals.ids.contains(&person_id)
            || all.iter().any(|&i| self.referrals.ids.contains(&inc[i].id));
        if referred {
            eligible_by.push("referral");
        }
        // The person's BCU: that of the latest incident placed in one; a
        // person none of whose incidents is placed keeps `unassigned`.
        let bcu = all
            .iter()
            .rev()
            .find_map(|&i| inc[i].placed_bcu())
            .unwrap_or(marac_model::UNASSIGNED)
            .to_string();
        Some(PersonRisk {
            person_id,
            bcu,
            score,
            level,
            marac_eligible: !eligible_by.is_empty(),
            flags,
            reasons,
            eligible_by,
            incidents: self.ids(&all),
            vulnerabilities: vulns,
        })
    }
}

/// The first incident for each distinct key, in order.
fn first_per<K: Ord>(list: &[usize], key: impl Fn(usize) -> K) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    list.iter()
        .copied()
        .filter(|&i| seen.insert(key(i)))
        .collect()
}

/// Builds mention indices from linked person mentions, the output of
/// `marac link`; unknown incident ids are skipped.
pub fn mentions_from_rows(
    incidents: &[Incident],
    rows: &[PersonMention],
) -> (Vec<Mention>, Vec<String>) {
    let by_id: HashMap<&str, usize> = incidents
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let mut person_index: HashMap<String, usize> = HashMap::new();
    let mut person_ids = Vec::new();
    let mut mentions = Vec::new();
    for m in rows {
        let Some(&incident) = by_id.get(m.incident_id.as_str()) else {
            continue;
        };
        let pid = m.person_id.as_str();
        let person = *person_index.entry(pid.to_string()).or_insert_with(|| {
            person_ids.push(pid.to_string());
            person_ids.len() - 1
        });
        mentions.push(Mention {
            incident,
            role: m.role,
            person,
        });
    }
    (mentions, person_ids)
}

#[doc(hidden)]
pub mod testkit {
    //! Helpers for doc examples and tests.
    use std::sync::Arc;

    use chrono::NaiveDate;
    use marac_model::{Incident, IncidentKind, Origin, RecordDate};

    /// A minimal ASB incident reported on `date` (YYYY-MM-DD).
    pub fn incident(id: &str, date: &str) -> Incident {
        Incident {
            id: id.to_string(),
            source: Arc::from("met-police"),
            kind: IncidentKind::Asb,
            reported: RecordDate::day(
                NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap_or_default(),
            ),
            occurred: None,
            area: Some(Arc::from("Camden")),
            bcu: Arc::from("Central North"),
            wgs84: None,
            bng: None,
            location_text: None,
            postcode: None,
            victim: None,
            suspect: None,
            vulnerabilities: Default::default(),
            hate_strands: Default::default(),
            category: None,
            harm: None,
            children_present: None,
            summary: None,
            outcome: None,
            snapped: false,
            origin: Origin {
                file: Arc::from("test"),
                line: 0,
            },
        }
    }
}

#[cfg(test)]
mod tests;
