//! End-to-end unit tests on hand-made records: the hard cases of linkage.

use marac_ingest::{IngestOptions, Ingester, InputFormat};
use marac_model::{Incident, Role};

use crate::graph::LinkGraph;
use crate::normalise::{Mention, Mentions};
use crate::place::link_places;
use crate::rules::Rules;
use crate::{link, Linkage};

const HEADER: &str = "incident_id,source,kind,reported_at,borough,victim_ref,victim_first_name,victim_last_name,victim_dob,victim_address,victim_postcode,suspect_first_name,suspect_last_name,suspect_dob,suspect_address,suspect_postcode";

/// Background people, so that u and term frequencies are not estimated from
/// the hard cases alone.
fn background() -> String {
    let firsts = [
        "Aisha", "Ben", "Chloe", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Ivy", "Jonas", "Kemi",
        "Luca",
    ];
    let lasts = [
        "Khan", "Taylor", "Nowak", "Adeyemi", "Brown", "Rossi", "Begum", "Wilson", "Okafor",
        "Hughes", "Silva", "Ahmed",
    ];
    let mut out = String::new();
    for i in 0..60 {
        let f = firsts[i % firsts.len()];
        let l = lasts[(i * 7 + 3) % lasts.len()];
        out.push_str(&format!(
            "BG{i},met-police,asb,2026-01-{:02},Camden,,{f},{l},{}-{:02}-{:02},{} Park Road,N{} {}AB,,,,,\n",
            i % 28 + 1,
            1940 + i,
            i % 12 + 1,
            i % 27 + 1,
            i + 1,
            i % 20 + 1,
            i % 9 + 1
        ));
    }
    out
}

fn incidents(rows: &str) -> Vec<Incident> {
    ingest(&format!("{HEADER}\n{rows}{}", background()))
}

/// Every row of a CSV text accepted.
fn ingest(csv: &str) -> Vec<Incident> {
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes("t.csv", csv.as_bytes(), InputFormat::Csv)
        .unwrap();
    let out = ing.finish();
    assert_eq!(out.rejected(), 0, "{:?}", out.rejects);
    out.incidents
}

/// Person numbers of the victims of the first `n` incidents.
fn victims(l: &Linkage<'_>, n: usize) -> Vec<u32> {
    (0..n)
        .map(|i| l.person_of(i, Role::Victim).unwrap())
        .collect()
}

/// The index in `list` (canonical order) of the victim mention of an incident.
fn at(list: &[Mention], incidents: &[Incident], id: &str) -> usize {
    list.iter()
        .position(|m| incidents[m.incident as usize].id == id && m.role == Some(Role::Victim))
        .unwrap_or_else(|| panic!("no victim mention of {id}"))
}

fn same(v: &[u32]) -> bool {
    v.windows(2).all(|w| w[0] == w[1])
}

#[test]
fn issue_example_margaret_oneill_is_one_person() {
    let inc = incidents(
        "A1,met-police,hate,2026-01-02,Camden,,Margaret,O'Neill,03/07/1958,12 High St,NW1 0NE,,,,,\n\
         A2,camden-housing,asb,2026-02-02,Camden,,Peggy,Oneil,,Flat 1 12 High Street,NW1 0NE,,,,,\n\
         A3,camden-asc,safeguarding,2026-03-02,Camden,,M.,O'NEILL,1958-07-03,,,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    assert!(same(&victims(&l, 3)), "{:?}", victims(&l, 3));
    // Everyone else is someone else.
    assert_ne!(l.person_of(0, Role::Victim), l.person_of(3, Role::Victim));
    // The deterministic example agrees.
    let d = link(&inc, &Rules::deterministic_example().unwrap());
    assert!(same(&victims(&d, 2)), "{:?}", victims(&d, 3));
}

#[test]
fn nickname_plus_typo_swapped_names_and_transposed_dob() {
    let inc = incidents(
        "N1,met-police,asb,2026-01-02,Camden,,Margaret,O'Neill,1958-07-03,12 High Street,NW1 0NE,,,,,\n\
         N2,camden-housing,asb,2026-02-02,Camden,,Peggy,Oneil,1958-07-03,12 High St,NW1 0NE,,,,,\n\
         S1,met-police,asb,2026-01-05,Camden,,Wei,Zhang,1975-02-11,4 Mill Lane,NW1 0NE,,,,,\n\
         S2,camden-council,asb,2026-01-09,Camden,,Zhang,Wei,1975-02-11,4 Mill Lane,NW1 0NE,,,,,\n\
         T1,met-police,asb,2026-01-05,Camden,,Oluwaseun,Oyelaran,1984-05-09,7 Canal Walk,NW1 7AB,,,,,\n\
         T2,camden-asc,safeguarding,2026-01-09,Camden,,Oluwaseun,Oyelaran,1984-09-05,7 Canal Walk,NW1 7AB,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    let v = victims(&l, 6);
    assert_eq!(v[0], v[1], "nickname plus typo");
    assert_eq!(v[2], v[3], "swapped names");
    assert_eq!(v[4], v[5], "transposed DOB");
    assert!(v[0] != v[2] && v[2] != v[4]);
}

#[test]
fn swapped_names_link_without_a_shared_postcode() {
    // The same woman, her names swapped in a record without her address:
    // no postcode, surname or first-initial block holds both records, the
    // swapped-name rules do.
    let inc = incidents(
        "M1,met-police,asb,2026-01-05,Camden,,Fatima,Singh,1985-12-26,4 Mill Lane,NW1 0NE,,,,,\n\
         M2,victim-support,asb,2026-06-09,Camden,,Singh,Fatima,1985-12-26,,,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    assert!(same(&victims(&l, 2)), "{:?}", victims(&l, 2));
    let (m1, m2) = (
        at(&l.mentions.list, &inc, "M1") as u32,
        at(&l.mentions.list, &inc, "M2") as u32,
    );
    let d = l
        .decisions
        .iter()
        .find(|d| (d.a, d.b) == (m1.min(m2), m1.max(m2)))
        .expect("a decision for the pair");
    assert_eq!(
        l.comparisons.describe(&d.gamma),
        "swapped_names=swapped;dob=exact;area=borough"
    );
    let mut no_swap = Rules::default();
    no_swap
        .file
        .blocking
        .rules
        .retain(|r| !r.name.starts_with("swapped_names") && r.name != "dob_rare");
    // (Their date of birth is unique here, so the rare-dob block alone
    // would hold them too.)
    let l = link(&inc, &no_swap);
    assert_ne!(victims(&l, 2)[0], victims(&l, 2)[1], "not blocked together");
}

#[test]
fn twins_and_father_and_son_stay_apart() {
    let inc = incidents(
        "W1,met-police,asb,2026-01-02,Camden,,Amara,Okoye,2001-04-04,9 Elm Grove,NW1 2CD,,,,,\n\
         W2,camden-housing,asb,2026-02-02,Camden,,Chidi,Okoye,2001-04-04,9 Elm Grove,NW1 2CD,,,,,\n\
         F1,met-police,dispute,2026-01-03,Camden,,John,Doherty,1961-10-20,33 Ash Road,NW1 3EF,,,,,\n\
         F2,camden-council,dispute,2026-01-04,Camden,,John,Doherty,1990-06-14,33 Ash Road,NW1 3EF,,,,,\n\
         F3,camden-housing,asb,2026-01-06,Camden,,John,Doherty,,33 Ash Rd,NW1 3EF,,,,,\n\
         F4,met-police,asb,2026-01-07,Camden,,John,Doherty,1961-10-20,33 Ash Road,NW1 3EF,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    let v = victims(&l, 6);
    assert_ne!(v[0], v[1], "twins are two people");
    assert_ne!(v[2], v[3], "father and son are two people");
    assert_eq!(v[2], v[5], "father's records link");
    assert!(
        v[4] == v[2] || v[4] == v[3],
        "the undated record joins one of them"
    );
}

#[test]
fn tf_adjustment_rewards_rare_surnames() {
    let mut rows = String::new();
    for i in 0..30 {
        rows.push_str(&format!(
            "SM{i},met-police,asb,2026-01-02,Camden,,Person{i},Smith,,,,,,,,\n"
        ));
    }
    rows.push_str("OY1,met-police,asb,2026-01-02,Camden,,Ade,Oyelaran,,,,,,,,\n");
    rows.push_str("OY2,met-police,asb,2026-01-02,Camden,,Ade,Oyelaran,,,,,,,,\n");
    let inc = incidents(&rows);
    let ms = Mentions::from_incidents(&inc);
    let set = crate::compare::ComparisonSet::from_settings(&Rules::default().file.comparisons);
    let (u, _) = crate::score::estimate_u(&set, &ms.list, &Rules::default().file.training);
    let prior_m: Vec<Vec<f64>> = set.list.iter().map(|c| c.prior_m().to_vec()).collect();
    let model = crate::score::Model {
        lambda: 0.1,
        lambda_all: 0.1,
        m: prior_m,
        u,
        iterations: 0,
        converged: true,
    };
    let scorer = crate::score::Scorer::new(
        &set,
        &model,
        ms.totals,
        Rules::default().file.training.clone(),
    );
    let w = |a: &Mention, b: &Mention| scorer.weight(a, b, &set.gamma(a, b));
    let m = |id: &str| &ms.list[at(&ms.list, &inc, id)];
    let (s1, s2) = (m("SM0"), m("SM1"));
    let (o1, o2) = (m("OY1"), m("OY2"));
    let k = set.position("last_name").unwrap();
    assert_eq!(set.gamma(s1, s2)[k], 0);
    // Compare surname evidence alone: the first names differ in both pairs' other fields.
    let smith = scorer.tf_adjustment(k, s1.last_count, crate::compare::TfField::Last);
    let oyelaran = scorer.tf_adjustment(k, o1.last_count, crate::compare::TfField::Last);
    assert!(smith < oyelaran, "Smith {smith} vs Oyelaran {oyelaran}");
    assert!(w(s1, s2) < w(o1, o2));
}

#[test]
fn same_reference_within_a_source_is_one_person() {
    let inc = incidents(
        "R1,camden-asc,safeguarding,2026-01-02,Camden,ASC-77,Bea,Quist,,,,,,,,\n\
         R2,camden-asc,safeguarding,2026-02-02,Camden,asc-77,Beatrice,Kwist-Jones,,,,,,,,\n\
         R3,met-police,asb,2026-02-02,Camden,ASC-77,Zed,Other,,,,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    let v = victims(&l, 3);
    assert_eq!(v[0], v[1]);
    assert_ne!(v[0], v[2], "a reference means nothing in another source");
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let inc = incidents(
        "A1,met-police,hate,2026-01-02,Camden,,Margaret,O'Neill,03/07/1958,12 High St,NW1 0NE,Kyle,Barnes,1999-01-01,14 High St,NW1 0NE\n\
         A2,camden-housing,asb,2026-02-02,Camden,,Peggy,Oneil,,Flat 1 12 High Street,NW1 0NE,Kyle,Barns,,14 High Street,NW1 0NE\n",
    );
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let l = link(&inc, &Rules::default());
            (
                l.rows().collect::<Vec<_>>(),
                l.decisions
                    .iter()
                    .map(|d| d.weight.to_bits())
                    .collect::<Vec<_>>(),
            )
        })
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn graph_answers_the_risk_stage_questions() {
    let inc = incidents(
        "G1,met-police,hate,2026-01-02,Camden,,Margaret,O'Neill,1958-07-03,12 High St,NW1 0NE,Kyle,Barnes,1999-01-01,14 High St,NW1 0NE\n\
         G2,camden-housing,asb,2026-02-02,Camden,,Peggy,Oneil,1958-07-03,12 High Street,NW1 0NE,Kyle,Barnes,1999-01-01,14 High Street,NW1 0NE\n\
         G3,met-police,asb,2026-02-03,Camden,,Tomasz,Nowicki,1970-03-03,16 High St,NW1 0NE,Kyle,Barnes,1999-01-01,14 High St,NW1 0NE\n\
         G4,camden-council,dispute,2026-02-05,Camden,,Kyle,Barnes,1999-01-01,14 High St,NW1 0NE,Tomasz,Nowicki,1970-03-03,16 High St,NW1 0NE\n",
    );
    let rules = Rules::default();
    let l = link(&inc, &rules);
    let places = link_places(&inc, &l.mentions, &rules.file.places);
    let g = LinkGraph::build(&l, &places, rules.file.places.degree_cap);
    let margaret = l.person_of(0, Role::Victim).unwrap();
    let kyle = l.person_of(0, Role::Suspect).unwrap();
    let tomasz = l.person_of(2, Role::Victim).unwrap();
    assert_eq!(
        g.persons_of_incident(0),
        vec![(Role::Victim, margaret), (Role::Suspect, kyle)]
    );
    assert_eq!(
        g.incidents_of_person(margaret, Some(Role::Victim)),
        vec![0, 1]
    );
    assert_eq!(
        g.incidents_of_person(kyle, Some(Role::Suspect)),
        vec![0, 1, 2]
    );
    assert_eq!(g.incidents_of_person(kyle, None), vec![0, 1, 2, 3]);
    let mut vs = vec![margaret, tomasz];
    vs.sort_unstable();
    assert_eq!(g.victims_of_suspect(kyle), vs);
    assert_eq!(g.suspects_of_victim(tomasz), vec![kyle]);
    assert_eq!(g.serial_perpetrators(), vec![(kyle, vs.clone())]);
    let nets = g.case_networks();
    let net = nets.iter().find(|n| n.contains(&kyle)).unwrap();
    assert!(net.contains(&margaret) && net.contains(&tomasz));
    // Margaret's two records give one home; Kyle's home is another place.
    assert_eq!(g.homes_of_person(margaret).len(), 1);
    assert_ne!(g.homes_of_person(margaret), g.homes_of_person(kyle));
}

#[test]
fn context_area_places_a_suspect_on_the_victims_street() {
    use crate::compare::{AreaCmp, Comparison, NULL};
    use marac_model::{PersonDetails, Postcode};
    let det = |pc: Option<&str>| PersonDetails {
        first_name: Some("Dean".into()),
        last_name: Some("Hollis".into()),
        postcode: pc.map(Postcode::parse),
        ..PersonDetails::default()
    };
    // A victim at home, and a suspect with no address of their own in an
    // incident whose victim lives in the same sector.
    let mut v = Mention::from_details(0, Role::Victim, 0, &det(Some("N16 7AB")));
    v.area = v.postcode.clone();
    let mut s = Mention::from_details(1, Role::Suspect, 0, &det(None));
    s.area = Some(Postcode::parse("N16 7QT"));
    assert_eq!(AreaCmp.compare(&v, &s), 2, "same sector");
    s.area = None;
    assert_eq!(AreaCmp.compare(&v, &s), NULL, "nothing to compare");
    v.point = Some([533_000.0, 186_000.0]);
    s.point = Some([533_040.0, 186_020.0]);
    assert_eq!(AreaCmp.compare(&v, &s), 1, "incident points within 60 m");
    s.borough = Some(7);
    v.borough = Some(7);
    s.point = Some([540_000.0, 186_000.0]);
    assert_eq!(AreaCmp.compare(&v, &s), 4, "only the borough agrees");
    // Both with a home postcode: the postcode comparison decides.
    let s2 = Mention::from_details(1, Role::Suspect, 0, &det(Some("N16 7AB")));
    assert_eq!(AreaCmp.compare(&v, &s2), NULL);
}

#[test]
fn a_surname_at_an_address_is_a_household_not_a_person() {
    // Two sisters at one address; a housing record names only "Okoye".
    let l_inc = incidents(
        "H1,met-police,asb,2026-03-01,Hackney,,Ngozi,Okoye,1984-05-06,4 Mare Street,E8 3RH,,,,,\n\
         H2,met-police,asb,2026-03-09,Hackney,,Adaeze,Okoye,1990-11-02,4 Mare Street,E8 3RH,,,,,\n\
         H3,housing,asb,2026-04-01,Hackney,,,Okoye,,4 Mare Street,E8 3RH,,,,,\n",
    );
    let l = link(&l_inc, &Rules::default());
    let v = victims(&l, 3);
    assert_ne!(v[0], v[1], "different first names and dates of birth");
    assert_ne!(
        v[2], v[0],
        "a surname alone does not pick a household member"
    );
    assert_ne!(v[2], v[1]);
}

/// Irena Kowalczyk, twice, with her date of birth and address.
const IRENA: &str = "K1,met-police,hate,2026-01-02,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,\n\
    K2,camden-asc,safeguarding,2026-01-20,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,\n";

#[test]
fn a_surname_at_an_address_attaches_to_the_one_person_living_there() {
    // "Mrs Kowalczyk, 18 Rowan Court" (a council ASB report with no first
    // name) fits Irena Kowalczyk, the only identified Kowalczyk there.
    let inc = incidents(
        "K1,met-police,hate,2026-01-02,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,\n\
         K2,camden-asc,safeguarding,2026-01-20,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,\n\
         K3,camden-council,asb,2026-02-02,Camden,,Mrs,Kowalczyk,,18 Rowan Court,NW5 1QT,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    assert!(same(&victims(&l, 3)), "{:?}", victims(&l, 3));
    assert_eq!(l.stats.attached, 1);
    let d = l
        .decisions
        .iter()
        .find(|d| d.reason == crate::Reason::Attach)
        .unwrap();
    assert!(
        l.decided_by(d).starts_with("attach=unique;"),
        "{}",
        l.decided_by(d)
    );
    // Without [attach] the household veto holds it back.
    let mut off = Rules::default();
    off.file.attach.enabled = false;
    let l = link(&inc, &off);
    assert_ne!(l.person_of(2, Role::Victim), l.person_of(0, Role::Victim));
    assert_eq!(l.stats.attached, 0);
}

#[test]
fn a_surname_at_an_address_with_two_such_people_stays_apart() {
    // Two identified Kowalczyks live at 18 Rowan Court: "Mrs Kowalczyk" could
    // be either, so she is neither.
    let inc = incidents(&format!(
        "{IRENA}K3,camden-council,asb,2026-02-02,Camden,,Mrs,Kowalczyk,,18 Rowan Court,NW5 1QT,,,,,\n\
         K4,met-police,asb,2026-02-10,Camden,,Marta,Kowalczyk,1976-08-30,18 Rowan Court,NW5 1QT,,,,,\n\
         K5,camden-housing,asb,2026-02-12,Camden,,Marta,Kowalczyk,1976-08-30,18 Rowan Court,NW5 1QT,,,,,\n"
    ));
    let l = link(&inc, &Rules::default());
    let v = victims(&l, 5);
    assert_eq!(v[0], v[1]);
    assert_eq!(v[3], v[4]);
    assert_ne!(v[0], v[3], "two people");
    assert!(v[2] != v[0] && v[2] != v[3], "ambiguous: {v:?}");
    assert_eq!(l.stats.attached, 0);
}

#[test]
fn a_partial_record_near_its_person_in_the_next_sector_is_a_candidate() {
    // Irena Kowalczyk's incidents are at her home (NW5 1QT); a later report
    // names only "Kowalczyk", 40 m away, at an incident postcode of the next
    // sector (NW5 2). Only the grid-square rules make the pair a candidate
    // (for linking or attachment).
    use crate::block::{candidate_pairs, pack};
    let rows = "K1,met-police,hate,2026-01-02,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,,NW5 1QT,528620,185710\n\
         K2,camden-asc,safeguarding,2026-01-20,Camden,,Irena,Kowalczyk,1949-03-12,18 Rowan Court,NW5 1QT,,,,,,NW5 1QT,528625,185705\n\
         K3,camden-council,asb,2026-02-02,Camden,,,Kowalczyk,,,,,,,,,NW5 2AB,528650,185680\n";
    let inc = ingest(&format!(
        "{HEADER},postcode,easting,northing\n{rows}{}",
        background().replace('\n', ",,,\n")
    ));
    let ms = Mentions::from_incidents(&inc);
    let (k1, k2, k3) = (
        at(&ms.list, &inc, "K1"),
        at(&ms.list, &inc, "K2"),
        at(&ms.list, &inc, "K3"),
    );
    let pair = |a: usize, b: usize| pack(a.min(b), a.max(b));
    let mut rules = Rules::default().file.blocking;
    let with = candidate_pairs(&ms.list, &rules.rules, rules.max_block);
    assert!(with.pairs.contains(&pair(k1, k3)) && with.pairs.contains(&pair(k2, k3)));
    let cell = |name: &str| {
        with.per_rule
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
    };
    assert_eq!(cell("partial_cell_surname"), Some(2));
    assert_eq!(cell("partial_sector_surname"), Some(0));
    rules.rules.retain(|r| !r.name.starts_with("partial_cell"));
    let without = candidate_pairs(&ms.list, &rules.rules, rules.max_block);
    assert!(!without.pairs.contains(&pair(k1, k3)) && !without.pairs.contains(&pair(k2, k3)));
}

#[test]
fn a_partial_record_with_a_conflicting_date_of_birth_does_not_attach() {
    let inc = incidents(&format!(
        "{IRENA}K3,camden-council,asb,2026-02-02,Camden,,,Kowalczyk,2004-11-27,18 Rowan Court,NW5 1QT,,,,,\n"
    ));
    let l = link(&inc, &Rules::default());
    let v = victims(&l, 3);
    assert_eq!(v[0], v[1]);
    assert_ne!(v[2], v[0], "a different date of birth is someone else");
}

#[test]
fn where_the_data_drop_the_dob_veto_a_partial_record_with_another_dob_attaches() {
    // A file whose duplicates carry replaced dates of birth: 30 people, each
    // twice at one address, a third of them with two different dates.
    let mut rows = format!(
        "{IRENA}K3,camden-council,asb,2026-02-02,Camden,,,Kowalczyk,2004-11-27,18 Rowan Court,NW5 1QT,,,,,\n"
    );
    let firsts = ["Ola", "Remi", "Sade", "Tunde", "Uche", "Vera"];
    let lasts = ["Abara", "Bello", "Chukwu", "Dike", "Eze"];
    for i in 0..30 {
        let (f, l) = (firsts[i % 6], lasts[i / 6]);
        for k in 0..2 {
            let (year, month) = if i % 3 == 0 && k == 1 {
                (1983, 11)
            } else {
                (1950, 5)
            };
            rows.push_str(&format!(
                "T{i}x{k},met-police,asb,2026-03-{:02},Camden,,{f},{l},{}-{month:02}-{:02},{} Ash Walk,E{} {}ZZ,,,,,\n",
                k + 1,
                year + i,
                i % 27 + 1,
                i + 2,
                i % 9 + 1,
                i % 7 + 1,
            ));
        }
    }
    let inc = incidents(&rows);
    let l = link(&inc, &Rules::default());
    let dob = &l.stats.vetoes[1];
    assert!(!dob.active && !dob.by_weight, "{dob:?}");
    assert_eq!((dob.evidence, dob.share), (31, Some(10.0 / 31.0)));
    let v = victims(&l, 3);
    assert_eq!(v[0], v[1]);
    assert_eq!(
        v[2], v[0],
        "the dropped veto and date check no longer hold it back"
    );
    assert_eq!(l.stats.attached, 1);
}

#[test]
fn compact_comparisons_give_exactly_the_levels_of_full_ones() {
    use crate::block::{candidate_pairs, unpack};
    use crate::compare::ComparisonSet;
    let data = marac_synth::generate(&marac_synth::SynthConfig {
        seed: 11,
        incidents: 4000,
        end: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    });
    let rules = Rules::default();
    let mut ms = Mentions::from_incidents(&data.incidents);
    // Some counterparts, so that comparison is exercised too.
    for (i, m) in ms.list.iter_mut().enumerate() {
        m.counterpart = (i % 3 != 0).then_some((i % 17) as u32);
    }
    // Double-barrelled surnames (rare in the synth), for the `part` level.
    for last in ["Smith-Jones", "Jones", "Smith", "Ali Khan", "Khan-Ali"] {
        let p = marac_model::PersonDetails {
            first_name: Some("Sam".into()),
            last_name: Some(last.into()),
            ..Default::default()
        };
        ms.list.push(Mention::from_details(0, Role::Victim, 0, &p));
    }
    let n = ms.list.len();
    let extra = (n - 5..n).flat_map(|i| (n - 5..n).filter(move |&j| j > i).map(move |j| (i, j)));
    let hot = crate::hot::HotSet::build(&ms.list);
    let set = ComparisonSet::from_settings(&rules.file.comparisons);
    let blocked = candidate_pairs(&ms.list, &rules.file.blocking.rules, 300);
    assert!(blocked.len() > 5_000, "{}", blocked.len());
    // Every candidate pair, and a spread of other pairs.
    let others = (0..ms.list.len()).map(|i| (i, (i * 7919 + 13) % ms.list.len()));
    let pairs = blocked
        .pairs
        .iter()
        .map(|p| unpack(*p))
        .chain(others)
        .chain(extra);
    let mut seen = std::collections::BTreeSet::new();
    for (i, j) in pairs {
        let full = set.gamma(&ms.list[i], &ms.list[j]);
        assert_eq!(full, set.gamma_hot(&hot, &ms.list, i, j), "pair {i} {j}");
        seen.extend(full.iter().enumerate().map(|(k, l)| (k, *l)));
    }
    // Every level of every comparison occurs.
    let levels: usize = set.level_counts().iter().map(|n| n + 1).sum();
    let missing: Vec<_> = set
        .list
        .iter()
        .enumerate()
        .flat_map(|(k, c)| {
            let seen = &seen;
            (0..c.levels().len())
                .filter(move |l| !seen.contains(&(k, *l as u8)))
                .map(move |l| format!("{}={}", c.name(), c.levels()[l]))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "levels never seen of {levels}: {missing:?}"
    );
}

#[test]
fn merging_candidate_lists_keeps_order_and_previous_positions() {
    let old = [1u64, 4, 5, 9];
    let new = [0u64, 4, 6, 9, 12];
    let (all, from) = crate::merge_sorted(&old, &new);
    assert_eq!(all, [0, 1, 4, 5, 6, 9, 12]);
    let m = u32::MAX;
    assert_eq!(from, [m, 0, 1, 2, m, 3, m]);
    assert_eq!(crate::merge_sorted(&[], &[3]), (vec![3], vec![m]));
    assert_eq!(crate::merge_sorted(&[3], &[]), (vec![3], vec![0]));
    // Against sort-and-dedup on random sorted sets.
    let mut rng = marac_model::SplitMix64::new(7);
    for _ in 0..200 {
        let mut a: Vec<u64> = (0..rng.below(40)).map(|_| rng.below(60)).collect();
        let mut b: Vec<u64> = (0..rng.below(40)).map(|_| rng.below(60)).collect();
        a.sort_unstable();
        a.dedup();
        b.sort_unstable();
        b.dedup();
        let (all, from) = crate::merge_sorted(&a, &b);
        let mut want = [a.clone(), b].concat();
        want.sort_unstable();
        want.dedup();
        assert_eq!(all, want);
        for (x, f) in all.iter().zip(&from) {
            assert_eq!(
                a.iter().position(|y| y == x).map(|p| p as u32).unwrap_or(m),
                *f
            );
        }
    }
}

#[test]
fn persons_do_not_depend_on_the_order_of_the_records() {
    let data = marac_synth::generate(&marac_synth::SynthConfig {
        seed: 33,
        incidents: 3000,
        end: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    });
    let rows_of = |incidents: &[Incident]| {
        let mut rows: Vec<(String, Role, String)> = link(incidents, &Rules::default())
            .rows()
            .map(|r| (r.incident_id, r.role, r.person_id))
            .collect();
        rows.sort();
        rows
    };
    let base = rows_of(&data.incidents);
    assert!(base.len() > 2000);
    let mut reversed = data.incidents.clone();
    reversed.reverse();
    assert_eq!(rows_of(&reversed), base, "reversed input");
    let mut shuffled = data.incidents.clone();
    let mut rng = marac_model::SplitMix64::new(9);
    for i in (1..shuffled.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        shuffled.swap(i, j);
    }
    assert_eq!(rows_of(&shuffled), base, "shuffled input");
    // Rows come in canonical order too: by incident id, victim first.
    let l = link(&shuffled, &Rules::default());
    let ids: Vec<String> = l.rows().map(|r| r.incident_id).collect();
    assert!(ids.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_chosen_threshold_maximises_expected_f1() {
    // Σp = 3.03: linking the top 1, 2, 3 gives expected F1 0.491, 0.787,
    // 0.939; 0.2 is below the lowest threshold.
    assert_eq!(
        crate::best_expected_f1(&[0.99, 0.2, 0.85, 0.99], 3.03),
        0.85
    );
    // Never below 0.8 or above 0.99.
    assert_eq!(crate::best_expected_f1(&[0.6, 0.6], 1.2), 0.99);
    assert_eq!(crate::best_expected_f1(&[0.999_9, 0.999_9], 1.999_8), 0.99);
    assert_eq!(crate::best_expected_f1(&[], 0.0), 0.99);
}

#[test]
fn vetoes_stay_walls_without_evidence_and_fields_are_profiled() {
    let inc = incidents(
        "W1,met-police,asb,2026-01-02,Camden,,Amara,Okoye,2001-04-04,9 Elm Grove,NW1 2CD,,,,,\n\
         W2,camden-housing,asb,2026-02-02,Camden,,Chidi,Okoye,2001-04-04,9 Elm Grove,NW1 2CD,,,,,\n",
    );
    let l = link(&inc, &Rules::default());
    assert_eq!(l.stats.vetoes.len(), Rules::default().vetoes.len());
    assert!(
        l.stats.vetoes.iter().all(|v| v.active),
        "{:?}",
        l.stats.vetoes
    );
    assert!(l.stats.vetoes[0].evidence < 20);
    let f = |name: &str| {
        let p = l.stats.fields.iter().find(|p| p.field == name).unwrap();
        (p.filled, p.distinct)
    };
    // 62 victims (60 background), all with names, dates and addresses; the
    // twins share a surname, a date of birth and an address.
    assert_eq!(f("first_name"), (62, 14));
    assert_eq!(f("dob"), (62, 61));
    assert_eq!(f("phone"), (0, 0));
}

/// A label between two victims.
fn label(a: &str, b: &str, kind: crate::labels::LabelKind) -> crate::labels::Label {
    crate::labels::Label {
        left: (a.to_string(), Role::Victim),
        right: (b.to_string(), Role::Victim),
        kind,
        labeller: None,
        at: None,
    }
}

use crate::labels::LabelKind::{Match, NotMatch};
use crate::link_with;

/// Aoife Brennan three times: with her date of birth (A), with her date of
/// birth and address (B), with her address (C). A–B and B–C are strong
/// links; A–C has only her name.
const BRENNAN: &str = "LA,met-police,asb,2026-01-02,Camden,,Aoife,Brennan,1971-04-19,,,,,,,\n\
    LB,camden-housing,asb,2026-02-02,Camden,,Aoife,Brennan,1971-04-19,9 Cedar Road,NW1 8QP,,,,,\n\
    LC,camden-council,asb,2026-03-02,Camden,,Aoife,Brennan,,9 Cedar Road,NW1 8QP,,,,,\n";

#[test]
fn a_not_a_match_label_splits_a_chain_at_its_weaker_link() {
    let inc = incidents(BRENNAN);
    let l = link(&inc, &Rules::default());
    assert!(same(&victims(&l, 3)), "one person without labels");
    let l = link_with(&inc, &Rules::default(), &[label("LA", "LC", NotMatch)]);
    let v = victims(&l, 3);
    assert_ne!(v[0], v[2], "A and C labelled apart: {v:?}");
    let ids = |d: &crate::Decision| {
        let m = &l.mentions.list;
        (
            inc[m[d.a as usize].incident as usize].id.as_str(),
            inc[m[d.b as usize].incident as usize].id.as_str(),
        )
    };
    let ab = l.decisions.iter().find(|d| ids(d) == ("LA", "LB")).unwrap();
    let bc = l.decisions.iter().find(|d| ids(d) == ("LB", "LC")).unwrap();
    // The merge refused is the weaker of the two links (merges go
    // strongest first): B stays with the stronger.
    let (weak, strong) = if ab.weight < bc.weight {
        (ab, bc)
    } else {
        (bc, ab)
    };
    assert!(weak.held_apart && weak.refused && !strong.refused);
    assert!(
        l.decided_by(weak).ends_with(";label=not_a_match"),
        "{}",
        l.decided_by(weak)
    );
    let (x, y) = ids(strong);
    let p = |id: &str| victims(&l, 3)[["LA", "LB", "LC"].iter().position(|i| *i == id).unwrap()];
    assert_eq!(p(x), p(y));
    assert_eq!(l.stats.refused_by_labels, 1);
    assert_eq!((l.stats.labels.not_matches, l.stats.labels.used()), (1, 1));
}

#[test]
fn a_match_label_joins_records_no_blocking_rule_pairs() {
    let rows = "LX,met-police,asb,2026-01-02,Camden,,Xanthe,Quarrington,1950-02-02,1 Oak Road,N1 1AA,,,,,\n\
                LY,camden-asc,safeguarding,2026-05-02,Hackney,,Yolanda,Pemberton,1990-09-09,7 Elm Street,E2 2BB,,,,,\n";
    let inc = incidents(rows);
    let l = link(&inc, &Rules::default());
    assert_ne!(l.person_of(0, Role::Victim), l.person_of(1, Role::Victim));
    assert_eq!(l.stats.links, 0, "not even a candidate that links");
    let l = link_with(&inc, &Rules::default(), &[label("LY", "LX", Match)]);
    assert_eq!(l.person_of(0, Role::Victim), l.person_of(1, Role::Victim));
    let d = l
        .decisions
        .iter()
        .find(|d| d.reason == crate::Reason::Label)
        .unwrap();
    assert!(l.decided_by(d).starts_with("label=match;first_name=else"));
    assert_eq!(d.probability, 1.0);
    assert_eq!(l.stats.labels.matches, 1);
    // The deterministic rules obey it too.
    let det = Rules::deterministic_example().unwrap();
    let l = link_with(&inc, &det, &[label("LX", "LY", Match)]);
    assert_eq!(l.person_of(0, Role::Victim), l.person_of(1, Role::Victim));
}

#[test]
fn conflicting_labels_are_reported_and_the_not_a_match_wins() {
    let rows = "LX,met-police,asb,2026-01-02,Camden,,Xanthe,Quarrington,1950-02-02,1 Oak Road,N1 1AA,,,,,\n\
                LY,camden-asc,safeguarding,2026-05-02,Hackney,,Yolanda,Pemberton,1990-09-09,7 Elm Street,E2 2BB,,,,,\n\
                LZ,camden-council,asb,2026-06-02,Camden,,Zora,Lindqvist,1966-03-03,3 Birch Way,NW3 3CC,,,,,\n";
    let inc = incidents(rows);
    // The same pair labelled both ways: neither label is used.
    let l = link_with(
        &inc,
        &Rules::default(),
        &[label("LX", "LY", Match), label("LY", "LX", NotMatch)],
    );
    assert_eq!(l.stats.labels.conflicting, 1);
    assert_eq!(l.stats.labels.used(), 0);
    assert_ne!(l.person_of(0, Role::Victim), l.person_of(1, Role::Victim));
    // X = Y, Y ≠ Z, X = Z: the second match would put Y and Z in one person.
    let labels = [
        label("LX", "LY", Match),
        label("LY", "LZ", NotMatch),
        label("LX", "LZ", Match),
        label("LX", "NOPE", Match),
    ];
    let l = link_with(&inc, &Rules::default(), &labels);
    let v = victims(&l, 3);
    assert_eq!(v[0], v[1]);
    assert_ne!(v[1], v[2]);
    assert_eq!(
        l.stats.labels.overruled,
        [
            "match label LX/victim – LZ/victim not kept: it would put LY/victim – LZ/victim, \
          labelled not a match, in one person; the not a match wins"
        ]
    );
    assert_eq!(l.stats.labels.unknown, 1);
    assert_eq!((l.stats.labels.matches, l.stats.labels.not_matches), (2, 1));
    let d = l
        .decisions
        .iter()
        .find(|d| d.reason == crate::Reason::Label && d.held_apart)
        .unwrap();
    assert!(l.decided_by(d).ends_with(";label=not_a_match"));
}

#[test]
fn labels_hold_for_attachment_too() {
    // "Mrs Kowalczyk" attaches to Irena (see above) unless labelled apart
    // from one of Irena's records.
    let inc = incidents(&format!(
        "{IRENA}K3,camden-council,asb,2026-02-02,Camden,,Mrs,Kowalczyk,,18 Rowan Court,NW5 1QT,,,,,\n"
    ));
    let l = link_with(&inc, &Rules::default(), &[label("K3", "K1", NotMatch)]);
    let v = victims(&l, 3);
    assert_eq!(v[0], v[1]);
    assert_ne!(v[2], v[0]);
    assert_eq!(l.stats.attached, 0);
}

#[test]
fn m_from_labels_replaces_ems_m_where_enough_matches_are_labelled() {
    // Four people twice each, labelled match; one of them with two
    // different dates of birth.
    let rows = "M1a,met-police,asb,2026-01-02,Camden,,Orla,Vance,1961-02-03,2 Fir Lane,NW1 1FL,,,,,\n\
                M1b,camden-housing,asb,2026-02-02,Camden,,Orla,Vance,1961-02-03,2 Fir Lane,NW1 1FL,,,,,\n\
                M2a,met-police,asb,2026-01-03,Camden,,Piet,Walsh,1972-03-04,4 Fir Lane,NW1 1FL,,,,,\n\
                M2b,camden-housing,asb,2026-02-03,Camden,,Piet,Walsh,1972-03-04,4 Fir Lane,NW1 1FL,,,,,\n\
                M3a,met-police,asb,2026-01-04,Camden,,Rhea,Xu,1983-04-05,6 Fir Lane,NW1 1FL,,,,,\n\
                M3b,camden-housing,asb,2026-02-04,Camden,,Rhea,Xu,1983-04-05,6 Fir Lane,NW1 1FL,,,,,\n\
                M4a,met-police,asb,2026-01-05,Camden,,Saul,Young,1994-05-06,8 Fir Lane,NW1 1FL,,,,,\n\
                M4b,camden-housing,asb,2026-02-05,Camden,,Saul,Young,2001-11-22,8 Fir Lane,NW1 1FL,,,,,\n";
    let inc = incidents(rows);
    let labels: Vec<_> = (1..=4)
        .map(|i| label(&format!("M{i}a"), &format!("M{i}b"), Match))
        .collect();
    let mut rules = Rules::default();
    let plain = link_with(&inc, &rules, &labels);
    rules.file.training.from_labels = true;
    rules.file.training.from_labels_min = 4;
    let l = link_with(&inc, &rules, &labels);
    let set = &l.comparisons;
    let k = set.position("dob").unwrap();
    // Expected: 3 exact and 1 else of 4, with one pseudo-pair by the prior.
    let prior = set.list[k].prior_m();
    let levels = set.list[k].levels();
    let else_ = levels.iter().position(|l| *l == "else").unwrap();
    let m = &l.model.as_ref().unwrap().m[k];
    for (lv, p) in prior.iter().enumerate() {
        let count = match lv {
            0 => 3.0,
            x if x == else_ => 1.0,
            _ => 0.0,
        };
        assert!((m[lv] - (count + p) / 5.0).abs() < 1e-12, "{lv}: {m:?}");
    }
    // EM's own m put far less on "else" than a quarter.
    let em_m = &plain.model.as_ref().unwrap().m[k];
    assert!(em_m[else_] < 0.1 && m[else_] > 0.2, "{em_m:?} {m:?}");
    assert!(l.stats.labels.m_from_labels.contains(&"dob".to_string()));
    // Phone: no labelled pair holds it, so EM's m stays.
    let ph = set.position("phone").unwrap();
    assert!(l.model.as_ref().unwrap().m[ph] == plain.model.as_ref().unwrap().m[ph]);
    assert!(!l.stats.labels.m_from_labels.contains(&"phone".to_string()));
    // Without labels, EM's m, and a warning.
    let none = link_with(&inc, &rules, &[]);
    assert_eq!(none.model.as_ref().unwrap().m[k], *em_m);
    assert!(
        none.warnings.iter().any(|w| w
            == "[training] from_labels: no comparison is held by 4 labelled matches (0 given); m is EM's"),
        "{:?}",
        none.warnings
    );
}

#[test]
fn labels_hold_and_persons_do_not_depend_on_order_or_threads() {
    let data = marac_synth::generate(&marac_synth::SynthConfig {
        seed: 34,
        incidents: 2000,
        end: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    });
    // Arbitrary labels over pairs of mentions: some the truth agrees with,
    // many it does not, so that labels overrule links and each other.
    // Triangles X = Y, Y ≠ Z, X = Z make match labels conflict with
    // not-a-match labels.
    let t = &data.truth;
    let pair = |a: usize, b: usize, kind| {
        let (a, b) = (&t[a % t.len()], &t[b % t.len()]);
        crate::labels::Label {
            left: (a.incident_id.clone(), a.role),
            right: (b.incident_id.clone(), b.role),
            kind,
            labeller: None,
            at: None,
        }
    };
    let labels: Vec<crate::labels::Label> = (0..300)
        .map(|k| pair(k * 7, k * 13 + 5, if k % 3 == 0 { Match } else { NotMatch }))
        .chain((0..30).flat_map(|k| {
            let x = 1000 + 3 * k;
            [
                pair(x, x + 1, Match),
                pair(x + 1, x + 2, NotMatch),
                pair(x, x + 2, Match),
            ]
        }))
        .filter(|l| l.left != l.right)
        .collect();
    let run = |incidents: &[Incident], labels: &[crate::labels::Label], threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let l = link_with(incidents, &Rules::default(), labels);
            let mut rows: Vec<(String, Role, String)> = l
                .rows()
                .map(|r| (r.incident_id, r.role, r.person_id))
                .collect();
            rows.sort();
            (rows, l.stats.labels.clone(), l.stats.refused_by_labels)
        })
    };
    let base = run(&data.incidents, &labels, 2);
    let stats = &base.1;
    assert!(stats.not_matches > 100 && stats.matches > 50, "{stats:?}");
    assert!(!stats.overruled.is_empty(), "{stats:?}");
    assert!(base.2 > 0);
    // Every not-a-match holds; every match not overruled joins.
    let person: std::collections::HashMap<(&str, Role), &str> = base
        .0
        .iter()
        .map(|(i, r, p)| ((i.as_str(), *r), p.as_str()))
        .collect();
    let (mut held, mut joined) = (0, 0);
    for l in &labels {
        let (Some(a), Some(b)) = (
            person.get(&(l.left.0.as_str(), l.left.1)),
            person.get(&(l.right.0.as_str(), l.right.1)),
        ) else {
            continue;
        };
        let overruled = stats
            .overruled
            .iter()
            .any(|o| o.starts_with(&format!("match label {} not kept", l.describe())));
        match l.kind {
            NotMatch
                if labels
                    .iter()
                    .filter(|x| x.pair() == l.pair())
                    .all(|x| x.kind == NotMatch) =>
            {
                assert_ne!(a, b, "{}", l.describe());
                held += 1;
            }
            Match
                if !overruled
                    && labels
                        .iter()
                        .filter(|x| x.pair() == l.pair())
                        .all(|x| x.kind == Match) =>
            {
                assert_eq!(a, b, "{}", l.describe());
                joined += 1;
            }
            _ => {}
        }
    }
    assert!(held > 100 && joined > 20, "{held} {joined}");
    // Shuffled records, labels in reverse, one thread: the same.
    let mut shuffled = data.incidents.clone();
    let mut rng = marac_model::SplitMix64::new(5);
    for i in (1..shuffled.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        shuffled.swap(i, j);
    }
    let mut reversed = labels.clone();
    reversed.reverse();
    assert_eq!(run(&shuffled, &reversed, 1), base);
}
