//! Properties of packs: redaction never lets a name, a date of birth, a
//! phone, an address or a postcode below its district through, in any
//! format; a pack's JSON reads back as the same pack.

use chrono::NaiveDate;
use marac_agenda::{redact, render, Pack};
use marac_geo::Areas;
use marac_model::{Incident, PersonDetails, PersonMention, Postcode, Role, VulnerabilitySet};
use marac_pipeline::{pack_map, MeetingPlan, Packer, Records};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Person {
    first: String,
    last: String,
    dob: NaiveDate,
    phone: String,
    postcode: String,
    address: String,
}

fn person() -> impl Strategy<Value = Person> {
    (
        "Zq[a-z]{6}",
        "Xv[a-z]{7}",
        (1930i32..2000, 1u32..13, 1u32..29),
        "07[0-9]{9}",
        (
            "[A-Z]{1,2}",
            1u32..20,
            0u32..10,
            "[ABDEFGHJLNPQRSTUWXYZ]{2}",
        ),
        (1u32..400, "Wq[a-z]{6}"),
    )
        .prop_map(
            |(first, last, (y, m, d), phone, (area, district, sector, unit), (house, street))| {
                Person {
                    first,
                    last,
                    dob: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
                    phone,
                    postcode: format!("{area}{district} {sector}{unit}"),
                    address: format!("{house} {street} Road"),
                }
            },
        )
}

fn records(people: &[Person]) -> Records {
    let mut incidents: Vec<Incident> = Vec::new();
    let mut mentions = Vec::new();
    for (n, p) in people.iter().enumerate() {
        for (k, date) in ["2026-08-01", "2026-09-01", "2026-10-01"]
            .iter()
            .enumerate()
        {
            let id = format!("I{n}-{k}");
            let mut i = marac_risk::testkit::incident(&id, date);
            i.vulnerabilities = VulnerabilitySet::parse_list("physical_disability").unwrap();
            i.summary = Some(format!(
                "{} {} was shouted at near {}",
                p.first, p.last, p.address
            ));
            i.victim = Some(Box::new(PersonDetails {
                first_name: Some(p.first.clone()),
                last_name: Some(p.last.clone()),
                dob: Some(p.dob),
                phone: Some(p.phone.clone()),
                postcode: Some(Postcode::parse(&p.postcode)),
                address: Some(p.address.clone()),
                ..PersonDetails::default()
            }));
            mentions.push(PersonMention::new(id, Role::Victim, format!("P{n}")));
            incidents.push(i);
        }
    }
    Records {
        incidents,
        mentions,
        areas: Areas::london(),
        referrals: Default::default(),
        config: Default::default(),
    }
}

fn pack_of(r: &Records) -> Pack {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let week = r.week(as_of);
    let d = week.decide(None, b"secret").unwrap();
    let plan = MeetingPlan::on(as_of + chrono::Duration::days(7), Some("Chair".into()));
    Packer::new(&week, &d, plan).pack("Central North")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn redacted_packs_hold_no_identifying_detail(people in prop::collection::vec(person(), 1..4)) {
        let r = records(&people);
        let full = pack_of(&r);
        prop_assert_eq!(full.cases.len(), people.len(), "every person is on the agenda");
        let red = redact(full.clone());
        let map = pack_map(&r.areas, "Central North");
        let outputs = [
            ("json", serde_json::to_string(&red).unwrap()),
            ("md", render::markdown(&red)),
            ("html", render::html_pack(&red, &map)),
            ("csv", render::csv(&red)),
        ];
        // The full pack does show them (the test could fail).
        let shown = serde_json::to_string(&full).unwrap();
        prop_assert!(shown.contains(&people[0].last));
        for p in &people {
            let dob = p.dob.to_string();
            let pc = Postcode::parse(&p.postcode);
            for (format, text) in &outputs {
                for (what, value) in [
                    ("first name", p.first.as_str()),
                    ("last name", p.last.as_str()),
                    ("date of birth", dob.as_str()),
                    ("phone", p.phone.as_str()),
                    ("postcode", pc.as_str()),
                    ("address", p.address.as_str()),
                ] {
                    prop_assert!(!text.contains(value), "{} in the redacted {} pack", what, format);
                }
            }
        }
    }

    #[test]
    fn a_packs_json_round_trips(people in prop::collection::vec(person(), 1..3)) {
        let full = pack_of(&records(&people));
        for pack in [full.clone(), redact(full)] {
            let text = serde_json::to_string_pretty(&pack).unwrap();
            let back: Pack = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&back, &pack);
            prop_assert_eq!(serde_json::to_string_pretty(&back).unwrap(), text);
        }
    }
}
