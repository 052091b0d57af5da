//! Pack tests: sections, actions, redaction, injection, snapshots.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use marac_model::{
    HateStrandSet, Incident, IncidentKind, PersonDetails, PersonMention, Postcode, Role,
    VulnerabilitySet,
};
use marac_risk::{scan, Mention, Referrals, RiskConfig};

use crate::render::{csv, html_pack, markdown, MapData};
use crate::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn person(
    first: &str,
    last: &str,
    dob: &str,
    address: &str,
    postcode: &str,
    phone: &str,
) -> Option<Box<PersonDetails>> {
    Some(Box::new(PersonDetails {
        reference: None,
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        dob: Some(d(dob)),
        address: Some(address.into()),
        postcode: Some(Postcode::parse(postcode)),
        phone: Some(phone.into()),
    }))
}

struct World {
    incidents: Vec<Incident>,
    rows: Vec<PersonMention>,
}

/// Two victims in Central North: Ann (disabled, harassed by Carl, three
/// records at two agencies, heard before) and Bo (repeat ASB, new).
fn world() -> World {
    let mut incidents = Vec::new();
    let mut rows = Vec::new();
    let ann = || {
        person(
            "Annabel",
            "Oyelaran",
            "1961-02-03",
            "Flat 2, 14 Quorn Road",
            "NW1 8QX",
            "07700 900123",
        )
    };
    let carl = Some(Box::new(PersonDetails {
        first_name: Some("Carlton".into()),
        last_name: Some("Zebedee".into()),
        ..PersonDetails::default()
    }));
    for (id, date, kind, src, cat, harm, summary) in [
        (
            "H1",
            "2026-05-02",
            IncidentKind::Asb,
            "housing",
            "noise",
            1,
            "Loud music at 3am",
        ),
        (
            "H2",
            "2026-09-14",
            IncidentKind::Asb,
            "housing",
            "verbal_abuse",
            2,
            "<script>alert('x')</script> shouted",
        ),
        (
            "M1",
            "2026-11-02",
            IncidentKind::Dispute,
            "met-police",
            "threats",
            4,
            "=HYPERLINK(\"http://evil\")",
        ),
    ] {
        let mut i = marac_risk::testkit::incident(id, date);
        i.kind = kind;
        i.source = src.into();
        i.category = Some(cat.into());
        i.harm = Some(harm);
        i.summary = Some(summary.into());
        i.victim = ann();
        i.suspect = carl.clone();
        if id == "M1" {
            i.vulnerabilities = VulnerabilitySet::parse_list("learning_disability").unwrap();
            i.hate_strands = HateStrandSet::parse_list("disability").unwrap();
            i.children_present = Some(true);
        }
        incidents.push(i);
        rows.push(PersonMention::new(id, Role::Victim, "P1"));
        rows.push(PersonMention::new(id, Role::Suspect, "P9"));
    }
    for (id, date) in [
        ("C1", "2026-08-01"),
        ("C2", "2026-10-01"),
        ("C3", "2026-11-10"),
    ] {
        let mut i = marac_risk::testkit::incident(id, date);
        i.source = "council-asb".into();
        i.victim = person(
            "Bertrande",
            "Quixley",
            "1944-12-25",
            "7 Vellum Mews",
            "N1 7ZZ",
            "020 7946 0000",
        );
        i.vulnerabilities = VulnerabilitySet::parse_list("older_person;lives_alone").unwrap();
        i.summary = Some("Youths at the door".into());
        incidents.push(i);
        rows.push(PersonMention::new(id, Role::Victim, "P2"));
    }
    World { incidents, rows }
}

fn pack_of(w: &World, redacted: bool) -> Pack {
    let as_of = d("2026-11-20");
    let (mentions, ids) = marac_risk::mentions_from_rows(&w.incidents, &w.rows);
    let _: &[Mention] = &mentions;
    let s = scan(
        &w.incidents,
        &mentions,
        &ids,
        &Referrals::default(),
        &RiskConfig::default(),
        as_of,
    );
    let refs: BTreeMap<String, String> = [
        ("P1", "CN-AAAA0001"),
        ("P2", "CN-BBBB0002"),
        ("P9", "CN-CCCC0009"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let hearings: BTreeMap<String, PreviousHearing> = [(
        "CN-AAAA0001".to_string(),
        PreviousHearing {
            date: d("2026-10-01"),
            meeting_ref: "CN-2026-10-01".into(),
        },
    )]
    .into_iter()
    .collect();
    // The caller's decision (marac-pipeline): Ann heard 2026-10-01 with a
    // new incident since is a repeat case; Bo is new.
    let sections: BTreeMap<String, Section> = [
        ("P1".to_string(), Section::RepeatCase),
        ("P2".to_string(), Section::NewReferral),
    ]
    .into_iter()
    .filter(|(p, _)| {
        s.persons
            .iter()
            .any(|x| &x.person_id == p && x.marac_eligible)
    })
    .collect();
    let index = PackIndex::new(&w.incidents, &w.rows);
    let input = PackInput {
        meeting_date: d("2026-11-27"),
        bcu: "Central North",
        bcu_code: Some("CN"),
        boroughs: vec!["Camden".into(), "Islington".into()],
        incidents: &w.incidents,
        index: &index,
        scan: &s,
        case_refs: &refs,
        hearings: &hearings,
        sections: &sections,
        actions: vec![ActionToReview {
            action_id: 3,
            case_ref: "CN-AAAA0001".into(),
            owner: "housing".into(),
            text: "Visit and review the tenancy".into(),
            due: d("2026-11-15"),
            status: "open".into(),
            reason: None,
        }],
        hotspots: vec![Hotspot {
            method: "gistar".into(),
            class: "hot_99".into(),
            x: 529125.0,
            y: 183875.0,
            count: 14,
            size_m: 250.0,
            borough: Some("Camden".into()),
            location_names: vec!["Quorn Road".into(), "Camden High Street".into()],
        }],
        repeat_locations: vec![RepeatLocation {
            place: "Flat 2, 14 Quorn Road, NW1 8QX".into(),
            x: 529180.0,
            y: 183790.0,
            count: 6,
            kinds: [("asb".to_string(), 5), ("dispute".to_string(), 1)]
                .into_iter()
                .collect(),
            first: d("2026-05-02"),
            last: d("2026-11-02"),
            snap_point: false,
            borough: Some("Camden".into()),
            location_names: vec!["Quorn Road".into()],
        }],
        review: ReviewDays::default(),
        notes: vec![format!(
            "Borough boundaries: {}",
            marac_geo::LONDON_ATTRIBUTION
        )],
    };
    let p = build_pack(&input);
    if redacted {
        redact(p)
    } else {
        p
    }
}

#[test]
fn sections_and_suggested_actions() {
    let p = pack_of(&world(), false);
    let summary: Vec<(String, Section, String)> = p
        .cases
        .iter()
        .map(|c| (c.case_ref.clone(), c.section, c.level.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "CN-BBBB0002".to_string(),
                Section::NewReferral,
                "standard".to_string()
            ),
            (
                "CN-AAAA0001".to_string(),
                Section::RepeatCase,
                "high".to_string()
            ),
        ]
    );
    let ann = &p.cases[1];
    assert_eq!(
        ann.previous_hearing.as_ref().unwrap().meeting_ref,
        "CN-2026-10-01"
    );
    assert_eq!(
        ann.review_date,
        d("2026-12-11"),
        "high risk: 14 days after the meeting"
    );
    assert_eq!(p.cases[0].review_date, d("2026-12-25"), "other: 28 days");
    assert_eq!(ann.suspects.len(), 1);
    assert_eq!(ann.suspects[0].initials, "C.Z.");
    let owners: Vec<&str> = ann
        .suggested_actions
        .iter()
        .map(|a| a.owner.as_str())
        .collect();
    assert_eq!(
        owners,
        vec!["adult-social-care", "met-police", "met-police", "ddpo"]
    );
    assert_eq!(ann.children_present, Some(true));
    assert_eq!(p.possible_hate_incidents, vec!["CN-AAAA0001"]);
    assert_eq!(
        p.no_safeguarding_referral,
        vec!["CN-BBBB0002", "CN-AAAA0001"]
    );
    assert_eq!(p.figures.incidents, 6);
    assert_eq!((p.figures.new_referrals, p.figures.repeat_cases), (1, 1));
}

#[test]
fn redacted_pack_holds_no_identifying_string() {
    let w = world();
    let p = pack_of(&w, true);
    let outputs = [
        serde_json::to_string(&p).unwrap(),
        markdown(&p),
        html_pack(&p, &MapData::default()),
        csv(&p),
    ];
    // Every identifying string of the input: names, dates of birth,
    // addresses, phones, full postcodes, summaries.
    let mut secrets: Vec<String> = Vec::new();
    for i in &w.incidents {
        for pd in [&i.victim, &i.suspect].into_iter().flatten() {
            secrets.extend(pd.first_name.clone());
            secrets.extend(pd.last_name.clone());
            secrets.extend(pd.dob.map(|d| d.to_string()));
            secrets.extend(pd.dob.map(|d| d.format("%d/%m/%Y").to_string()));
            secrets.extend(pd.address.clone());
            secrets.extend(pd.phone.clone());
            secrets.extend(pd.postcode.as_ref().map(|p| p.as_str().to_string()));
            secrets.extend(pd.address.iter().flat_map(|a| {
                a.split([',', ' '])
                    .filter(|t| t.len() > 3)
                    .map(str::to_string)
            }));
        }
        secrets.extend(i.summary.clone());
    }
    assert!(secrets.len() > 20);
    for out in &outputs {
        for s in &secrets {
            assert!(!out.contains(s.as_str()), "redacted pack contains {s:?}");
        }
    }
    assert_eq!(p.cases[1].subject.initials, "A.O.");
    assert_eq!(
        p.cases[1].subject.postcode.as_deref(),
        Some("NW1"),
        "district level only"
    );
}

#[test]
fn input_is_escaped_in_html_markdown_and_csv() {
    let p = pack_of(&world(), false);
    let h = html_pack(&p, &MapData::default());
    assert!(
        !h.contains("<script>"),
        "a summary holding <script> renders as text"
    );
    assert!(h.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(!h.contains("http://evil\")") || h.contains("=HYPERLINK(&quot;http://evil&quot;)"));
    assert!(
        !h.contains(" src=") && !h.contains("href="),
        "no external requests"
    );
    let m = markdown(&p);
    assert!(!m.contains("<script>"));
    assert!(m.contains("&lt;script&gt;"));
    // CSV case list: a case reference that looks like a formula is neutralised.
    let mut evil = p.clone();
    evil.cases[0].case_ref = "=cmd|'/C calc'!A0".into();
    assert!(
        csv(&evil).contains("\n'=cmd|'/C calc'!A0,new_referral,"),
        "{}",
        csv(&evil)
    );
}

#[test]
fn json_schema_round_trips_and_names_its_version() {
    let p = pack_of(&world(), false);
    let text = serde_json::to_string_pretty(&p).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "marac-pack/1");
    assert_eq!(v["marking"], "OFFICIAL-SENSITIVE");
    for key in [
        "meeting",
        "figures",
        "cases",
        "actions_to_review",
        "possible_hate_incidents",
        "no_safeguarding_referral",
        "hotspots",
        "repeat_locations",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for key in [
        "case_ref",
        "section",
        "score",
        "level",
        "flags",
        "reasons",
        "referring_agency",
        "referral_date",
        "previous_hearing",
        "vulnerabilities",
        "children_present",
        "agencies",
        "review_date",
        "subject",
        "chronology",
        "suspects",
        "suggested_actions",
        "decisions",
    ] {
        assert!(v["cases"][0].get(key).is_some(), "case.{key}");
    }
    let back: Pack = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
}

#[test]
fn snapshots_of_the_packs() {
    let p = pack_of(&world(), false);
    insta::assert_snapshot!("pack_md", markdown(&p));
    insta::assert_snapshot!("pack_html", html_pack(&p, &MapData::default()));
    insta::assert_snapshot!("pack_json", serde_json::to_string_pretty(&p).unwrap());
    insta::assert_snapshot!("pack_redacted_md", markdown(&pack_of(&world(), true)));
}

/// Central North on the embedded London boundaries.
fn london_cn(areas: &marac_geo::Areas) -> MapData<'_> {
    MapData {
        areas: marac_render::map::areas_of(areas, "Central North"),
        attribution: areas.attribution(),
    }
}

/// The cells of the rows of the HTML table with this class.
fn table_rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .expect("the table");
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end]
        .split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn every_repeat_location_marker_is_its_table_row() {
    let areas = marac_geo::Areas::london();
    let mut p = pack_of(&world(), false);
    let mut more = p.repeat_locations[0].clone();
    more.place = "On or near Upper Street".into();
    more.x = 531_520.0;
    more.y = 184_010.0;
    more.count = 5;
    more.snap_point = true;
    let mut third = p.repeat_locations[0].clone();
    third.place = "Caledonian Road & <Market>".into();
    third.x = 530_600.0;
    third.y = 185_020.0;
    p.repeat_locations.extend([more, third]);
    for redacted in [false, true] {
        let p = if redacted {
            redact(p.clone())
        } else {
            p.clone()
        };
        let h = html_pack(&p, &london_cn(&areas));
        let svg = &h[h.find("<svg").unwrap()..h.find("</svg>").unwrap() + 6];
        let doc = roxmltree::Document::parse(svg).expect("the map is well-formed XML");
        let rows = table_rows(&h, "repeat-locations");
        assert_eq!(rows.len(), 3);
        let markers: Vec<roxmltree::Node> = doc
            .descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').next() == Some("marker"))
            })
            .collect();
        assert_eq!(markers.len(), rows.len());
        for m in markers {
            let row: usize = m.attribute("data-row").unwrap().parse().unwrap();
            let number = m.descendants().find(|d| d.has_tag_name("text")).unwrap();
            assert_eq!(number.text(), Some(row.to_string().as_str()));
            let cells = &rows[row - 1];
            assert_eq!(
                cells[0],
                row.to_string(),
                "the table's # is the marker's number"
            );
            let r = &p.repeat_locations[row - 1];
            assert_eq!(
                m.attribute("data-bng"),
                Some(format!("{:.0} {:.0}", r.x, r.y).as_str()),
                "marker {row} stands where row {row}'s place is"
            );
            let title = m.descendants().find(|d| d.has_tag_name("title")).unwrap();
            let place = title.text().unwrap();
            // The table cell is HTML-escaped; the parsed title is not.
            assert!(place.starts_with(&format!("{row}. ")), "{place}");
            assert_eq!(
                marac_render::escape::html(&place[format!("{row}. ").len()..]),
                format!("{}: {} incidents", cells[1], cells[3]),
            );
            assert_eq!(
                m.attribute("class") == Some("marker snap"),
                r.snap_point,
                "snap points are drawn as such"
            );
        }
        assert!(h.contains(marac_render::map::SNAP_KEY));
        if redacted {
            assert!(rows
                .iter()
                .all(|r| r[1].starts_with("(redacted)") && r[2] == "in Camden"));
            for street in [
                "Quorn Road",
                "Camden High Street",
                "Upper Street",
                "Caledonian",
            ] {
                assert!(!h.contains(street), "{street} in a redacted pack");
            }
        } else {
            assert_eq!(rows[0][2], "around Quorn Road, Camden");
        }
    }
}

#[test]
fn the_packs_map_has_every_element() {
    let areas = marac_geo::Areas::london();
    let p = pack_of(&world(), false);
    let svg = crate::render::svg_map(&p, &london_cn(&areas));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let has = |class: &str| {
        doc.descendants().any(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|k| k == class))
        })
    };
    for class in [
        "legend",
        "scale-bar",
        "north-arrow",
        "attribution",
        "bcu",
        "borough",
        "borough-label",
        "hot_99",
        "marker",
        "title",
        "period",
    ] {
        assert!(has(class), "{class}");
    }
    assert!(svg.contains(
        "<text class=\"period\" x=\"10\" y=\"40\" font-size=\"12\">ASB, disputes and hate incidents reported 2025-11-20 to 2026-11-20</text>"
    ));
    assert!(svg.contains("Central North BCU: hot spots (Gi*) and repeat locations"));
}
