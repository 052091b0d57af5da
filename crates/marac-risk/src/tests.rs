//! Scenario tests: one small hand-written case per factor and per flag, with
//! the exact points and flags, and the edges of each window.

use super::*;
use crate::testkit::incident;
use marac_model::{HateStrandSet, PersonMention, Vulnerability, VulnerabilitySet};

const AS_OF: &str = "2026-11-20";

fn as_of() -> NaiveDate {
    NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap()
}

/// A tiny world: incidents and who is victim or suspect in each.
#[derive(Default)]
struct World {
    incidents: Vec<Incident>,
    mentions: Vec<Mention>,
    persons: Vec<String>,
}

impl World {
    fn person(&mut self, id: &str) -> usize {
        match self.persons.iter().position(|p| p == id) {
            Some(i) => i,
            None => {
                self.persons.push(id.to_string());
                self.persons.len() - 1
            }
        }
    }

    /// Adds an incident with a victim (and optional suspect); returns its index.
    fn add(
        &mut self,
        id: &str,
        date: &str,
        victim: &str,
        suspect: Option<&str>,
        edit: impl FnOnce(&mut Incident),
    ) -> usize {
        let mut inc = incident(id, date);
        edit(&mut inc);
        self.incidents.push(inc);
        let i = self.incidents.len() - 1;
        let v = self.person(victim);
        self.mentions.push(Mention {
            incident: i,
            role: Role::Victim,
            person: v,
        });
        if let Some(s) = suspect {
            let s = self.person(s);
            self.mentions.push(Mention {
                incident: i,
                role: Role::Suspect,
                person: s,
            });
        }
        i
    }

    fn scan(&self) -> Scan {
        self.scan_with(&Referrals::default())
    }

    fn scan_with(&self, r: &Referrals) -> Scan {
        scan(
            &self.incidents,
            &self.mentions,
            &self.persons,
            r,
            &RiskConfig::default(),
            as_of(),
        )
    }
}

fn get<'a>(s: &'a Scan, id: &str) -> &'a PersonRisk {
    s.persons
        .iter()
        .find(|p| p.person_id == id)
        .unwrap_or_else(|| panic!("{id} not in scan"))
}

fn points(p: &PersonRisk) -> Vec<(&str, u32)> {
    p.reasons
        .iter()
        .map(|r| (r.factor.as_str(), r.points))
        .collect()
}

fn days_before(n: i64) -> String {
    (as_of() - chrono::Duration::days(n))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn default_config_parses() {
    let c = RiskConfig::default();
    assert_eq!(c.windows.repeat_days, 365);
    assert_eq!(c.flags.asb_case_review_min, 3);
}

#[test]
fn config_refuses_an_asb_threshold_above_the_law() {
    let text = DEFAULT_TOML_WITH("asb_case_review_min = 3", "asb_case_review_min = 4");
    let e = RiskConfig::from_toml("x.toml", &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "config x.toml: flags.asb_case_review_min may be no higher than 3 (ASB, Crime and Policing Act 2014 s104)"
    );
    let e = RiskConfig::from_toml("x.toml", "[levels]\nhigh = 1\n").unwrap_err();
    assert!(
        e.to_string().starts_with("config x.toml: missing field"),
        "{e}"
    );
}

#[allow(non_snake_case)]
fn DEFAULT_TOML_WITH(from: &str, to: &str) -> String {
    config::DEFAULT_TOML.replace(from, to)
}

#[test]
fn repeat_victim_window_edges_day_365_in_day_366_out() {
    let mut w = World::default();
    w.add("A", &days_before(365), "P1", None, |_| {});
    w.add("B", &days_before(100), "P1", None, |_| {});
    w.add("C", &days_before(0), "P1", None, |_| {});
    let mut w2 = World::default();
    w2.add("A", &days_before(366), "P1", None, |_| {});
    w2.add("B", &days_before(100), "P1", None, |_| {});
    w2.add("C", &days_before(0), "P1", None, |_| {});
    let in_ = w.scan();
    let p = get(&in_, "P1");
    assert_eq!(p.flags, vec![Flag::RepeatVictim]);
    assert_eq!(
        points(p),
        vec![
            ("repeat_12m", 15),
            ("repeat_30d", 5),
            ("shrinking_gaps", 10)
        ]
    );
    let out = w2.scan();
    let p = get(&out, "P1");
    assert!(p.flags.is_empty(), "day 366 is outside the window");
    assert_eq!(points(p), vec![("repeat_12m", 10), ("repeat_30d", 5)]);
    assert_eq!(
        p.incidents,
        vec!["A", "B", "C"],
        "all victim incidents are listed"
    );
}

#[test]
fn records_after_as_of_are_not_counted() {
    let mut w = World::default();
    w.add("A", &days_before(10), "P1", None, |_| {});
    w.add("FUT", "2026-11-21", "P1", None, |_| {});
    w.add("FUT2", "2027-01-01", "P2", None, |_| {});
    let s = w.scan();
    assert_eq!(
        s.persons.len(),
        1,
        "a person with only future records is not scanned"
    );
    assert_eq!(get(&s, "P1").incidents, vec!["A"]);
    assert_eq!(s.counts_by_kind["asb"], 1);
}

#[test]
fn asb_case_review_edges_day_183_in_day_184_out() {
    for (first, expect) in [(183, true), (184, false)] {
        let mut w = World::default();
        w.add("A", &days_before(first), "P1", None, |_| {});
        w.add("B", &days_before(90), "P1", None, |_| {});
        w.add("C", &days_before(80), "P1", None, |i| {
            i.kind = IncidentKind::Dispute
        });
        w.add("D", &days_before(60), "P1", None, |_| {});
        let s = w.scan();
        assert_eq!(
            get(&s, "P1").flags.contains(&Flag::AsbCaseReview),
            expect,
            "first at day {first}"
        );
    }
}

#[test]
fn escalation_factors() {
    let mut w = World::default();
    w.add("A", &days_before(120), "P1", None, |i| {
        i.category = Some("noise".into());
        i.harm = Some(1);
    });
    w.add("B", &days_before(60), "P1", None, |i| {
        i.category = Some("verbal_abuse".into());
        i.harm = Some(2);
    });
    w.add("C", &days_before(30), "P1", None, |i| {
        i.category = Some("threats".into());
        i.harm = Some(3);
    });
    w.add("D", &days_before(20), "P1", None, |i| {
        i.category = Some("assault".into());
        i.harm = Some(4);
        i.vulnerabilities.insert(Vulnerability::MentalHealth);
    });
    let s = w.scan();
    let p = get(&s, "P1");
    assert_eq!(
        points(p),
        vec![
            ("repeat_12m", 20),
            ("repeat_30d", 10),
            ("shrinking_gaps", 10),
            ("rising_harm", 10),
            ("category_escalation", 10),
            ("vulnerability", 5),
            ("high_harm", 10),
            ("threats", 5),
            ("assault", 10),
        ]
    );
    assert_eq!(p.score, 90);
    assert_eq!(p.level, Level::High);
    assert!(p.marac_eligible);
    assert_eq!(
        p.eligible_by,
        vec!["level_high", "repeat_victim_vulnerable"]
    );
    let r = p
        .reasons
        .iter()
        .find(|r| r.factor == "category_escalation")
        .unwrap();
    assert_eq!(r.incidents, vec!["A", "C"]);
    // The highest harm of the first half (B, 2) against the latest (D, 4).
    let r = p
        .reasons
        .iter()
        .find(|r| r.factor == "rising_harm")
        .unwrap();
    assert_eq!(r.incidents, vec!["B", "D"]);
}

#[test]
fn hate_factors_and_disability_strand() {
    let mut w = World::default();
    w.add("H", &days_before(50), "P1", None, |i| {
        i.kind = IncidentKind::Hate;
        i.hate_strands = HateStrandSet::parse_list("race").unwrap();
    });
    w.add("D", &days_before(40), "P1", None, |i| {
        i.kind = IncidentKind::Dispute;
        i.hate_strands = HateStrandSet::parse_list("disability").unwrap();
    });
    let s = w.scan();
    assert_eq!(
        points(get(&s, "P1")),
        vec![
            ("repeat_12m", 10),
            ("hate_incident", 15),
            ("perceived_hate_strand", 10),
            ("disability_hate_strand", 10),
            ("two_or_more_kinds", 5),
        ]
    );
}

#[test]
fn vulnerabilities_are_the_union_across_agencies_and_capped() {
    let mut w = World::default();
    w.add("A", &days_before(50), "P1", None, |i| {
        i.vulnerabilities = VulnerabilitySet::parse_list("autism;lives_alone").unwrap();
    });
    w.add("B", &days_before(40), "P1", None, |i| {
        i.source = "adult-social-care".into();
        i.kind = IncidentKind::Safeguarding;
        i.vulnerabilities = VulnerabilitySet::parse_list("older_person;mental_health").unwrap();
    });
    let s = w.scan();
    let p = get(&s, "P1");
    assert_eq!(p.vulnerabilities.len(), 4);
    assert_eq!(
        points(p),
        vec![
            ("repeat_12m", 10),
            ("vulnerability", 15),
            ("two_or_more_sources", 10),
            ("two_or_more_kinds", 5)
        ]
    );
    assert!(
        p.flags.is_empty(),
        "a safeguarding record in the window: no no_safeguarding_referral"
    );
}

#[test]
fn no_safeguarding_referral_flag() {
    let mut w = World::default();
    w.add("A", &days_before(50), "P1", None, |i| {
        i.vulnerabilities.insert(Vulnerability::LearningDisability)
    });
    w.add("B", &days_before(40), "P1", None, |_| {});
    // An old safeguarding record outside the window does not count.
    w.add("S", &days_before(400), "P1", None, |i| {
        i.kind = IncidentKind::Safeguarding
    });
    let s = w.scan();
    assert_eq!(get(&s, "P1").flags, vec![Flag::NoSafeguardingReferral]);
    // One incident is not enough.
    let mut w = World::default();
    w.add("A", &days_before(50), "P1", None, |i| {
        i.vulnerabilities.insert(Vulnerability::LearningDisability)
    });
    assert!(get(&w.scan(), "P1").flags.is_empty());
}

#[test]
fn serial_perpetrator_flag_and_points() {
    let mut w = World::default();
    w.add("A", &days_before(50), "V1", Some("S"), |_| {});
    w.add("B", &days_before(40), "V2", Some("S"), |_| {});
    w.add("C", &days_before(30), "V3", Some("T"), |_| {});
    let s = w.scan();
    for v in ["V1", "V2"] {
        let p = get(&s, v);
        assert_eq!(p.flags, vec![Flag::SerialPerpetratorVictim], "{v}");
        assert!(points(p).contains(&("serial_perpetrator", 15)));
    }
    assert!(get(&s, "V3").flags.is_empty());
    assert!(
        s.persons.iter().all(|p| p.person_id != "S"),
        "suspects only are not scanned"
    );
}

#[test]
fn possible_hate_incident_three_routes() {
    // Route 1: a disabled victim of ASB where a hate strand was perceived.
    let mut w = World::default();
    w.add("A", &days_before(50), "V", None, |i| {
        i.vulnerabilities.insert(Vulnerability::SensoryImpairment);
        i.hate_strands = HateStrandSet::parse_list("disability").unwrap();
    });
    assert_eq!(get(&w.scan(), "V").flags, vec![Flag::PossibleHateIncident]);

    // Route 2: the ASB suspect is a suspect in a hate incident.
    let mut w = World::default();
    w.add("A", &days_before(50), "V", Some("S"), |i| {
        i.vulnerabilities.insert(Vulnerability::Autism)
    });
    w.add("H", &days_before(40), "W", Some("S"), |i| {
        i.kind = IncidentKind::Hate
    });
    let s = w.scan();
    assert!(get(&s, "V").flags.contains(&Flag::PossibleHateIncident));
    assert!(points(get(&s, "V")).contains(&("perpetrator_hate", 10)));

    // Route 3: the dispute suspect also targets another disabled victim.
    let mut w = World::default();
    w.add("A", &days_before(50), "V", Some("S"), |i| {
        i.kind = IncidentKind::Dispute;
        i.vulnerabilities.insert(Vulnerability::PhysicalDisability);
    });
    w.add("B", &days_before(40), "W", Some("S"), |i| {
        i.vulnerabilities.insert(Vulnerability::MentalHealth)
    });
    let s = w.scan();
    assert!(get(&s, "V").flags.contains(&Flag::PossibleHateIncident));
    assert!(get(&s, "W").flags.contains(&Flag::PossibleHateIncident));

    // Not disabled: no flag even with a perceived strand.
    let mut w = World::default();
    w.add("A", &days_before(50), "V", None, |i| {
        i.vulnerabilities.insert(Vulnerability::OlderPerson);
        i.hate_strands = HateStrandSet::parse_list("race").unwrap();
    });
    assert!(get(&w.scan(), "V").flags.is_empty());
}

#[test]
fn eligibility_routes_and_referral_never_lowers() {
    let mut w = World::default();
    for (id, d) in [("A", 90), ("B", 60), ("C", 45)] {
        w.add(id, &days_before(d), "P1", None, |i| {
            i.vulnerabilities.insert(Vulnerability::LivesAlone)
        });
    }
    w.add("X", &days_before(5), "P2", None, |_| {});
    let s = w.scan();
    let p1 = get(&s, "P1");
    assert_eq!(p1.eligible_by, vec!["repeat_victim_vulnerable"]);
    assert!(!get(&s, "P2").marac_eligible);
    let referred = w.scan_with(&Referrals::parse(
        "# professional judgement\nX  # by housing\n",
    ));
    let p2 = get(&referred, "P2");
    assert!(p2.marac_eligible);
    assert_eq!(p2.eligible_by, vec!["referral"]);
    assert_eq!(
        p2.score,
        get(&s, "P2").score,
        "a referral never changes the score"
    );
    let by_person = w.scan_with(&Referrals::parse("P1\n"));
    assert_eq!(
        get(&by_person, "P1").eligible_by,
        vec!["repeat_victim_vulnerable", "referral"]
    );
}

#[test]
fn ordered_by_score_then_id_and_score_is_sum_of_reasons() {
    let mut w = World::default();
    w.add("A", &days_before(5), "B-person", None, |_| {});
    w.add("B", &days_before(5), "A-person", None, |_| {});
    w.add("C", &days_before(5), "C-person", None, |i| i.harm = Some(5));
    let s = w.scan();
    let order: Vec<&str> = s.persons.iter().map(|p| p.person_id.as_str()).collect();
    assert_eq!(order, vec!["C-person", "A-person", "B-person"]);
    for p in &s.persons {
        assert_eq!(p.score, p.reasons.iter().map(|r| r.points).sum::<u32>());
    }
}

#[test]
fn same_result_whatever_the_thread_count() {
    let mut w = World::default();
    for n in 0..300 {
        let victim = format!("P{}", n % 37);
        let suspect = format!("S{}", n % 11);
        w.add(
            &format!("I{n}"),
            &days_before((n * 7 % 400) as i64),
            &victim,
            Some(&suspect),
            |i| {
                i.harm = Some((n % 5 + 1) as u8);
            },
        );
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| w.scan());
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| w.scan());
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
}

#[test]
fn planted_evaluation_counts_recall_precision_and_flags() {
    // Truth: K1 (planted repeat victim) is linked as P1; K2 (background) as P2.
    let mut w = World::default();
    for (id, d) in [("A", 90), ("B", 60), ("C", 45)] {
        w.add(id, &days_before(d), "P1", None, |i| {
            i.vulnerabilities.insert(Vulnerability::LivesAlone)
        });
    }
    for (id, d) in [("D", 90), ("E", 60), ("F", 45)] {
        w.add(id, &days_before(d), "P2", None, |i| {
            i.vulnerabilities.insert(Vulnerability::Autism)
        });
    }
    w.add("G", &days_before(5), "P3", None, |_| {});
    let s = w.scan();
    let rows: Vec<PersonMention> = w
        .mentions
        .iter()
        .map(|m| {
            PersonMention::new(
                w.incidents[m.incident].id.clone(),
                m.role,
                w.persons[m.person].clone(),
            )
        })
        .collect();
    let truth: Vec<PersonMention> = rows
        .iter()
        .map(|m| PersonMention::new(m.incident_id.clone(), m.role, m.person_id.replace('P', "K")))
        .collect();
    let planted = vec![
        ("K1".to_string(), "repeat_victim".to_string()),
        ("K3".to_string(), "asb_case_review".to_string()),
        ("H1".to_string(), "hotspot".to_string()),
    ];
    let e = crate::evaluate_planted(&s, &rows, &truth, &planted);
    assert_eq!((e.planted_victims, e.planted_found), (2, 1));
    assert_eq!((e.eligible, e.eligible_planted), (2, 1));
    assert_eq!((e.recall, e.precision), (0.5, 0.5));
    assert_eq!(e.patterns["repeat_victim"].flagged, 1);
    assert_eq!(e.patterns["asb_case_review"].flagged, 0);
    assert!(
        !e.patterns.contains_key("hotspot"),
        "places are not victims"
    );
}
