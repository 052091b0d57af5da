//! The one decision: references, repeat MARAC, sections, unplaced persons.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use marac_agenda::{ReviewDays, Section};
use marac_geo::Areas;
use marac_model::{Incident, PersonMention, Role, VulnerabilitySet};
use marac_register::Register;
use marac_risk::{Flag, Referrals, RiskConfig};

use crate::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An ASB report of a vulnerable victim in a BCU (`""`: placed nowhere).
fn asb(id: &str, date: &str, bcu: &str) -> Incident {
    let mut i = marac_risk::testkit::incident(id, date);
    i.bcu = if bcu.is_empty() {
        marac_model::UNASSIGNED.into()
    } else {
        bcu.into()
    };
    if bcu.is_empty() {
        i.area = None;
    }
    i.vulnerabilities = VulnerabilitySet::parse_list("learning_disability").unwrap();
    i
}

struct World {
    incidents: Vec<Incident>,
    mentions: Vec<PersonMention>,
}

impl World {
    fn new() -> Self {
        World {
            incidents: Vec::new(),
            mentions: Vec::new(),
        }
    }

    /// Adds an incident with its victim and, optionally, a suspect.
    fn add(&mut self, i: Incident, victim: &str, suspect: Option<&str>) {
        self.mentions
            .push(PersonMention::new(i.id.clone(), Role::Victim, victim));
        if let Some(s) = suspect {
            self.mentions
                .push(PersonMention::new(i.id.clone(), Role::Suspect, s));
        }
        self.incidents.push(i);
    }

    /// The week as of a date, with default referrals and risk config.
    fn week<'a>(&'a self, areas: &'a Areas, as_of: &str) -> Week<'a> {
        Week {
            incidents: &self.incidents,
            mentions: &self.mentions,
            areas,
            referrals: &NO_REFERRALS,
            config: &CONFIG,
            as_of: d(as_of),
        }
    }

    fn decide(&self, areas: &Areas, as_of: &str, reg: Option<&mut Register>) -> Decisions {
        self.week(areas, as_of).decide(reg, b"test secret").unwrap()
    }
}

static NO_REFERRALS: std::sync::LazyLock<Referrals> = std::sync::LazyLock::new(Referrals::default);
static CONFIG: std::sync::LazyLock<RiskConfig> = std::sync::LazyLock::new(RiskConfig::default);

/// Victim V (three reports in Central North, then one in South), victim U
/// (three reports placed nowhere), suspect S in all of U's.
fn world() -> World {
    let mut w = World::new();
    for (id, date) in [
        ("V1", "2026-08-01"),
        ("V2", "2026-09-01"),
        ("V3", "2026-10-01"),
    ] {
        w.add(asb(id, date, "Central North"), "V", None);
    }
    for (id, date) in [
        ("U1", "2026-08-05"),
        ("U2", "2026-09-05"),
        ("U3", "2026-10-05"),
    ] {
        w.add(asb(id, date, ""), "U", Some("S"));
    }
    w
}

#[test]
fn a_victim_who_moves_bcu_keeps_one_reference() {
    let areas = Areas::london();
    let mut w = world();
    let before = w.decide(&areas, "2026-10-20", None);
    w.add(asb("V4", "2026-11-01", "South"), "V", None);
    let after = w.decide(&areas, "2026-11-20", None);
    assert_eq!(before.case_refs["V"], after.case_refs["V"]);
    assert!(
        before.case_refs["V"].starts_with("CN-"),
        "prefix of the first BCU"
    );
    let bcu = |d: &Decisions| {
        d.scan
            .persons
            .iter()
            .find(|p| p.person_id == "V")
            .unwrap()
            .bcu
            .clone()
    };
    assert_eq!(
        (bcu(&before), bcu(&after)),
        ("Central North".into(), "South".into())
    );
    // With a register too, over two weeks.
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = Register::init(&tmp.path().join("r.db"), "tester").unwrap();
    let w1 = world();
    let first = w1.decide(&areas, "2026-10-20", Some(&mut reg));
    let second = w.decide(&areas, "2026-11-20", Some(&mut reg));
    assert_eq!(first.case_refs["V"], second.case_refs["V"]);
    assert_eq!(first.case_refs["V"], before.case_refs["V"], "same proposal");
}

#[test]
fn a_suspect_is_never_a_case() {
    let areas = Areas::london();
    let w = world();
    let keyed = w.decide(&areas, "2026-10-20", None);
    assert_eq!(
        keyed
            .case_refs
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        vec!["U", "V"]
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = Register::init(&tmp.path().join("r.db"), "tester").unwrap();
    let d = w.decide(&areas, "2026-10-20", Some(&mut reg));
    let registered: BTreeSet<String> = reg
        .cases(None)
        .unwrap()
        .into_iter()
        .map(|c| c.case_ref)
        .collect();
    let victims: BTreeSet<String> = d.case_refs.values().cloned().collect();
    assert_eq!(registered, victims);
    assert!(!d.case_refs.contains_key("S"));
}

#[test]
fn a_person_placed_nowhere_is_in_every_pack_and_heard_in_none() {
    let areas = Areas::london();
    let w = world();
    let week = w.week(&areas, "2026-10-20");
    let dec = week.decide(None, b"k").unwrap();
    assert_eq!(dec.unplaced(), vec!["U"]);
    assert_eq!(dec.sections.get("U"), Some(&Section::NewReferral));
    let packer = Packer::new(
        &week,
        &dec,
        MeetingPlan {
            date: d("2026-10-22"),
            review: ReviewDays::default(),
            chair: None,
        },
    );
    let u_ref = &dec.case_refs["U"];
    assert!(u_ref.starts_with("UN-"), "{u_ref}");
    let mut in_cases = 0;
    for b in areas.bcus() {
        let pack = packer.pack(&b.name);
        let unplaced: Vec<&str> = pack.unplaced.iter().map(|c| c.case_ref.as_str()).collect();
        assert_eq!(unplaced, vec![u_ref.as_str()], "{}", b.name);
        assert_eq!(pack.figures.unplaced, 1);
        in_cases += pack.cases.iter().filter(|c| &c.case_ref == u_ref).count();
        let v = pack
            .cases
            .iter()
            .filter(|c| c.case_ref == dec.case_refs["V"])
            .count();
        assert_eq!(v, usize::from(&*b.name == "Central North"), "{}", b.name);
        // The embedded boundaries' licence: its attribution in every pack.
        let attribution = format!("Borough boundaries: {}", marac_geo::LONDON_ATTRIBUTION);
        assert_eq!(pack.notes, vec![attribution], "{}", b.name);
    }
    assert_eq!(in_cases, 0);
    // The redacted pack keeps no person id of the unplaced case either.
    let red = marac_agenda::redact(packer.pack("South"));
    assert!(red
        .unplaced
        .iter()
        .all(|c| c.person_id.is_empty() && c.subject.name.is_none()));
}

/// Records a pack of Central North as the meeting of `date`, every case heard.
fn hold_meeting(reg: &mut Register, w: &World, as_of: &str, date: &str) {
    let areas = Areas::london();
    let week = w.week(&areas, as_of);
    let dec = week.decide(Some(reg), b"test secret").unwrap();
    let plan = MeetingPlan {
        date: d(date),
        review: ReviewDays::default(),
        chair: None,
    };
    let pack = Packer::new(&week, &dec, plan).pack("Central North");
    let json = serde_json::to_string(&pack).unwrap();
    reg.record_pack(&json).unwrap();
}

#[test]
fn repeat_marac_and_review_only_cases() {
    let areas = Areas::london();
    let tmp = tempfile::tempdir().unwrap();
    let mut reg = Register::init(&tmp.path().join("r.db"), "tester").unwrap();
    let mut w = world();
    hold_meeting(&mut reg, &w, "2026-10-20", "2026-10-22");
    // Nothing new: still eligible, listed for review, not a repeat.
    let d1 = w.decide(&areas, "2026-10-29", Some(&mut reg));
    assert_eq!(d1.sections["V"], Section::NoNewIncident);
    let v = |d: &Decisions| {
        d.scan
            .persons
            .iter()
            .find(|p| p.person_id == "V")
            .cloned()
            .unwrap()
    };
    assert!(!v(&d1).flags.contains(&Flag::RepeatMarac));
    assert_eq!(d1.hearings[&d1.case_refs["V"]].date, d("2026-10-22"));
    // A scan dated before the meeting does not see it.
    let d0 = w.decide(&areas, "2026-10-21", Some(&mut reg));
    assert_eq!(d0.sections["V"], Section::NewReferral);
    assert!(d0.hearings.is_empty());
    // A new incident after the hearing: a repeat MARAC, flagged and eligible.
    w.add(asb("V5", "2026-10-25", "Central North"), "V", None);
    let d2 = w.decide(&areas, "2026-10-29", Some(&mut reg));
    assert_eq!(d2.sections["V"], Section::RepeatCase);
    assert!(v(&d2).flags.contains(&Flag::RepeatMarac));
    assert!(v(&d2).eligible_by.contains(&"repeat_marac"));
    // Recording a pack with a review-only case records no hearing for it.
    let w3 = world();
    let tmp3 = tempfile::tempdir().unwrap();
    let mut reg3 = Register::init(&tmp3.path().join("r.db"), "tester").unwrap();
    hold_meeting(&mut reg3, &w3, "2026-10-20", "2026-10-22");
    hold_meeting(&mut reg3, &w3, "2026-10-29", "2026-10-31");
    let refs = w3.decide(&areas, "2026-11-05", Some(&mut reg3)).case_refs;
    let h = reg3.last_hearing(&refs["V"]).unwrap().unwrap();
    assert_eq!(
        h.date,
        d("2026-10-22"),
        "the review-only listing was not a hearing"
    );
}

#[test]
fn a_clash_of_proposed_references_is_numbered() {
    let d1 = [(d("2026-01-01"), "I1")];
    let d2 = [(d("2026-01-02"), "I2")];
    let d3 = [(d("2026-01-03"), "I3")];
    let p = |person_id, proposed: &str, mentions| Proposal {
        person_id,
        proposed: proposed.to_string(),
        mentions,
    };
    let proposals = vec![
        p("B", "CN-0000AAAA", &d2[..]),
        p("A", "CN-0000AAAA", &d1[..]),
        p("C", "CN-0000BBBB", &d3[..]),
    ];
    let refs = dedup_refs(&proposals);
    assert_eq!(refs["A"], "CN-0000AAAA", "earliest mention keeps it");
    assert_eq!(refs["B"], "CN-0000AAAA-2");
    assert_eq!(refs["C"], "CN-0000BBBB");
}
