//! Tests of the generator: determinism, counts, truth, planted rules,
//! dates and places.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use marac_geo::{wgs84_to_bng, Areas};
use marac_model::{
    Bng, HateStrand, Incident, IncidentKind, LatLon, Postcode, Role, VulnerabilitySet,
};

use super::*;

fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

fn cfg(seed: u64, incidents: usize) -> SynthConfig {
    SynthConfig {
        seed,
        incidents,
        end: end(),
    }
}

fn data_5000() -> &'static SynthData {
    static DATA: OnceLock<SynthData> = OnceLock::new();
    DATA.get_or_init(|| generate(&cfg(20_261_120, 5000)))
}

fn bytes(data: &SynthData) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut c = Vec::new();
    assert!(write_incidents_csv(&mut a, &data.incidents).is_ok());
    assert!(write_truth_csv(&mut b, &data.truth).is_ok());
    assert!(write_planted_csv(&mut c, &data.planted).is_ok());
    (a, b, c)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(e) => panic!("thread pool: {e}"),
    }
}

#[test]
fn same_config_same_bytes_whatever_the_thread_count() {
    let c = cfg(99, 3000);
    let one = in_pool(1, || bytes(&generate(&c)));
    let two = in_pool(2, || bytes(&generate(&c)));
    let again = bytes(&generate(&c));
    assert_eq!(one, two);
    assert_eq!(one, again);
    // A different seed gives different data.
    let other = bytes(&generate(&cfg(100, 3000)));
    assert_ne!(one.0, other.0);
}

#[test]
fn exact_incident_counts() {
    for m in [1usize, 7, 10, 50, 200, 5000] {
        let data = if m == 5000 {
            data_5000().clone()
        } else {
            generate(&cfg(5, m))
        };
        assert_eq!(data.incidents.len(), m, "M = {m}");
        let ids: HashSet<&str> = data.incidents.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.len(), m, "ids unique for M = {m}");
    }
    assert!(generate(&cfg(5, 0)).incidents.is_empty());
}

#[test]
fn ids_truth_and_order_are_consistent() {
    let data = data_5000();
    let by_id: HashMap<&str, &Incident> =
        data.incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    assert_eq!(by_id.len(), data.incidents.len());
    for w in data.incidents.windows(2) {
        assert!(
            (w[0].reported.date, &w[0].id) < (w[1].reported.date, &w[1].id),
            "sorted by date then id"
        );
    }
    for (k, inc) in data.incidents.iter().enumerate() {
        assert_eq!(inc.origin.line, k as u64 + 2);
        let prefix = inc.id.split('-').next().unwrap_or("");
        let expected = match &*inc.source {
            "met-police" => "MPS",
            "council-asb" => "CAS",
            "housing" => "HSG",
            "adult-social-care" => "ASC",
            "victim-support" => "VSU",
            other => panic!("unknown source {other}"),
        };
        assert_eq!(prefix, expected);
        if inc.kind == IncidentKind::Crime {
            assert!(inc.victim.is_none() && inc.suspect.is_none());
        }
    }
    let mut seen: HashSet<(&str, Role)> = HashSet::new();
    for t in &data.truth {
        let inc = by_id
            .get(t.incident_id.as_str())
            .unwrap_or_else(|| panic!("truth row for missing incident {}", t.incident_id));
        assert!(
            seen.insert((t.incident_id.as_str(), t.role)),
            "one row per mention"
        );
        match t.role {
            Role::Victim => assert!(inc.victim.as_ref().is_some_and(|v| !v.is_empty())),
            Role::Suspect => assert!(inc.suspect.as_ref().is_some_and(|s| !s.is_empty())),
        }
        assert!(t.person_key.starts_with('P'));
    }
    // Every mention has a truth row.
    for inc in &data.incidents {
        if inc.victim.is_some() {
            assert!(
                seen.contains(&(inc.id.as_str(), Role::Victim)),
                "{}",
                inc.id
            );
        }
        if inc.suspect.is_some() {
            assert!(
                seen.contains(&(inc.id.as_str(), Role::Suspect)),
                "{}",
                inc.id
            );
        }
    }
}

#[test]
fn dates_span_two_years_up_to_end() {
    let data = data_5000();
    let start = end()
        .checked_sub_months(chrono::Months::new(24))
        .unwrap_or_default();
    let mut first = end();
    for inc in &data.incidents {
        assert!(inc.reported.date <= end(), "{} after end", inc.id);
        assert!(
            inc.reported.date >= start,
            "{} before end - 2 years",
            inc.id
        );
        if let Some(o) = inc.occurred {
            assert!(o.date <= inc.reported.date);
        }
        first = first.min(inc.reported.date);
    }
    assert!(first < end() - Days::new(700), "reports span the two years");
}

fn incident_point(inc: &Incident) -> Option<Bng> {
    match (inc.wgs84, inc.bng) {
        (Some(ll), _) => {
            // As written: six decimals.
            let r = |x: f64| format!("{x:.6}").parse::<f64>().unwrap_or(x);
            Some(wgs84_to_bng(LatLon {
                lat: r(ll.lat),
                lon: r(ll.lon),
            }))
        }
        (None, Some(b)) => Some(Bng {
            easting: b.easting.round(),
            northing: b.northing.round(),
        }),
        _ => None,
    }
}

#[test]
fn every_point_is_in_london_and_in_its_borough() {
    let data = data_5000();
    let london = Areas::london();
    let (mut with_coords, mut in_borough) = (0, 0);
    for inc in &data.incidents {
        if let Some(p) = incident_point(inc) {
            with_coords += 1;
            let id = london
                .locate(p)
                .unwrap_or_else(|| panic!("{} outside London", inc.id));
            assert_eq!(&*london.area(id).bcu, &*inc.bcu, "{}", inc.id);
            // In the borough it was drawn for (as written, in one of its
            // spellings), with the real boundaries.
            if let Some(area) = &inc.area {
                assert_eq!(london.resolve_area(area), Some(id), "{} {area}", inc.id);
            }
            in_borough += usize::from(inc.area.is_some());
        }
        if let Some(area) = &inc.area {
            assert!(london.resolve_area(area).is_some(), "{area} resolves");
        }
    }
    assert!(with_coords > data.incidents.len() / 2);
    assert!(in_borough > data.incidents.len() / 2, "{in_borough}");
}

#[test]
fn fast_writer_matches_canonical_fields() {
    let data = data_5000();
    let mut expected = csv::Writer::from_writer(Vec::new());
    assert!(expected.write_record(marac_model::FIELDS).is_ok());
    let mut odd = data.incidents[0].clone();
    odd.summary = Some("said \"leave\",\nthen left".into());
    odd.location_text = Some("rear, \"yard\"".into());
    let all: Vec<Incident> = data.incidents.iter().cloned().chain([odd]).collect();
    for inc in &all {
        assert!(expected.write_record(inc.canonical_fields()).is_ok());
    }
    let expected = expected.into_inner().unwrap_or_default();
    let mut got = Vec::new();
    assert!(write_incidents_csv(&mut got, &all).is_ok());
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&expected)
    );
}

/// Per true person: the incidents in which they are the victim / suspect.
struct Index<'a> {
    by_id: HashMap<&'a str, &'a Incident>,
    victim_of: HashMap<&'a str, Vec<&'a Incident>>,
    suspect_of: HashMap<&'a str, Vec<&'a Incident>>,
    /// Incident id to (victim key, suspect key).
    keys: HashMap<&'a str, (Option<&'a str>, Option<&'a str>)>,
}

fn index(data: &SynthData) -> Index<'_> {
    let by_id: HashMap<&str, &Incident> =
        data.incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut victim_of: HashMap<&str, Vec<&Incident>> = HashMap::new();
    let mut suspect_of: HashMap<&str, Vec<&Incident>> = HashMap::new();
    let mut keys: HashMap<&str, (Option<&str>, Option<&str>)> = HashMap::new();
    for t in &data.truth {
        let inc = by_id[t.incident_id.as_str()];
        let e = keys.entry(t.incident_id.as_str()).or_default();
        match t.role {
            Role::Victim => {
                victim_of
                    .entry(t.person_key.as_str())
                    .or_default()
                    .push(inc);
                e.0 = Some(t.person_key.as_str());
            }
            Role::Suspect => {
                suspect_of
                    .entry(t.person_key.as_str())
                    .or_default()
                    .push(inc);
                e.1 = Some(t.person_key.as_str());
            }
        }
    }
    Index {
        by_id,
        victim_of,
        suspect_of,
        keys,
    }
}

fn within(inc: &Incident, days: u64) -> bool {
    let from = end() - Days::new(days);
    inc.reported.date >= from && inc.reported.date <= end()
}

fn detail<'a>(row: &'a PlantedRow, key: &str) -> Option<&'a str> {
    row.detail
        .split(';')
        .find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

/// Checks one planted row against the scan's rule, from data and truth.
fn check_planted(ix: &Index<'_>, row: &PlantedRow) -> Result<(), String> {
    let key = row.person_key.as_str();
    let victim: Vec<&Incident> = ix.victim_of.get(key).cloned().unwrap_or_default();
    let year: Vec<&Incident> = victim.iter().copied().filter(|i| within(i, 365)).collect();
    let recorded = victim.iter().fold(VulnerabilitySet::EMPTY, |acc, i| {
        acc.union(i.vulnerabilities)
    });
    if row.pattern.is_person() && row.pattern != Pattern::SerialPerpetrator {
        if year.len() < 3 {
            return Err(format!("{key}: {} victim incidents in a year", year.len()));
        }
        if recorded.is_empty() {
            return Err(format!("{key}: no recorded vulnerability"));
        }
    }
    match row.pattern {
        Pattern::RepeatVictim => {
            let sources: BTreeSet<&str> = year.iter().map(|i| &*i.source).collect();
            if year.len() < 4 || sources.len() < 2 {
                return Err(format!(
                    "{key}: {} incidents, {} agencies",
                    year.len(),
                    sources.len()
                ));
            }
        }
        Pattern::Escalation => {
            let mut recent: Vec<&Incident> =
                victim.iter().copied().filter(|i| within(i, 120)).collect();
            recent.sort_by_key(|i| (i.reported.date, i.id.clone()));
            if !(4..=6).contains(&recent.len()) {
                return Err(format!("{key}: {} incidents in 120 days", recent.len()));
            }
            let days: Vec<i64> = recent
                .windows(2)
                .map(|w| (w[1].reported.date - w[0].reported.date).num_days())
                .collect();
            if days.windows(2).any(|g| g[1] > g[0]) || days.first() <= days.last() {
                return Err(format!("{key}: gaps not shrinking {days:?}"));
            }
            let harms: Vec<u8> = recent.iter().map(|i| i.harm.unwrap_or(0)).collect();
            if harms.windows(2).any(|h| h[1] < h[0])
                || harms.first().copied().unwrap_or(9) > 2
                || harms.last().copied().unwrap_or(0) < 4
            {
                return Err(format!("{key}: harm not rising {harms:?}"));
            }
            let first = recent[0].category.as_deref().unwrap_or("");
            let last = recent[recent.len() - 1].category.as_deref().unwrap_or("");
            if !["noise", "nuisance", "verbal_abuse"].contains(&first)
                || !["threats", "criminal_damage", "assault"].contains(&last)
            {
                return Err(format!("{key}: categories {first} -> {last}"));
            }
        }
        Pattern::HiddenDisabilityHate => {
            if !recorded.has_disability() {
                return Err(format!("{key}: no disability recorded"));
            }
            if victim.iter().any(|i| i.kind == IncidentKind::Hate) {
                return Err(format!("{key}: recorded as hate"));
            }
            let asb: Vec<&Incident> = year
                .iter()
                .copied()
                .filter(|i| matches!(i.kind, IncidentKind::Asb | IncidentKind::Dispute))
                .collect();
            if asb.len() < 3 {
                return Err(format!("{key}: {} asb/dispute", asb.len()));
            }
            let strand = asb
                .iter()
                .any(|i| i.hate_strands.contains(HateStrand::Disability));
            let suspect_in_hate = asb.iter().any(|i| {
                ix.keys
                    .get(i.id.as_str())
                    .and_then(|k| k.1)
                    .and_then(|s| ix.suspect_of.get(s))
                    .is_some_and(|list| {
                        list.iter()
                            .any(|h| h.kind == IncidentKind::Hate && within(h, 365))
                    })
            });
            if !(strand || suspect_in_hate) {
                return Err(format!("{key}: neither strand nor suspect in hate"));
            }
        }
        Pattern::SerialPerpetrator => {
            let victims: BTreeSet<&str> = ix
                .suspect_of
                .get(key)
                .map(|list| {
                    list.iter()
                        .filter(|i| within(i, 365))
                        .filter_map(|i| ix.keys.get(i.id.as_str()).and_then(|k| k.0))
                        .collect()
                })
                .unwrap_or_default();
            if victims.len() < 3 {
                return Err(format!("{key}: {} distinct victims", victims.len()));
            }
        }
        Pattern::SerialPerpetratorVictim => {
            let suspect = detail(row, "suspect").unwrap_or("");
            let named = year.iter().any(|i| {
                ix.keys
                    .get(i.id.as_str())
                    .is_some_and(|k| k.1 == Some(suspect))
            });
            if !named {
                return Err(format!("{key}: suspect {suspect} never named"));
            }
        }
        Pattern::NoSafeguardingReferral => {
            if year.iter().any(|i| i.kind == IncidentKind::Safeguarding) {
                return Err(format!("{key}: has a safeguarding record"));
            }
        }
        Pattern::AsbCaseReview => {
            let n = victim
                .iter()
                .filter(|i| i.kind == IncidentKind::Asb && within(i, 183))
                .count();
            if n < 3 {
                return Err(format!("{key}: {n} asb in 183 days"));
            }
        }
        Pattern::Hotspot | Pattern::RepeatLocation => {
            let num = |k: &str| detail(row, k).and_then(|v| v.parse::<f64>().ok());
            let (Some(e), Some(n)) = (num("easting"), num("northing")) else {
                return Err(format!("{key}: no centre"));
            };
            let radius = if row.pattern == Pattern::Hotspot {
                150.0
            } else {
                2.0
            };
            let near: Vec<&Incident> = ix
                .by_id
                .values()
                .copied()
                .filter(|i| i.kind == IncidentKind::Asb)
                .filter(|i| {
                    incident_point(i)
                        .is_some_and(|p| (p.easting - e).hypot(p.northing - n) <= radius)
                })
                .collect();
            let wanted = if row.pattern == Pattern::Hotspot {
                30
            } else {
                8
            };
            if near.len() < wanted {
                return Err(format!("{key}: {} incidents near the centre", near.len()));
            }
            if row.pattern == Pattern::RepeatLocation {
                let reporters: Vec<&str> = near
                    .iter()
                    .filter_map(|i| ix.keys.get(i.id.as_str()).and_then(|k| k.0))
                    .collect();
                let distinct: BTreeSet<&str> = reporters.iter().copied().collect();
                if distinct.len() < 8 {
                    return Err(format!("{key}: reporters {reporters:?}"));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn every_planted_pattern_is_present_and_satisfies_its_rule() {
    let data = data_5000();
    let ix = index(data);
    for p in Pattern::ALL {
        assert!(
            data.planted.iter().any(|r| r.pattern == p),
            "{} planted",
            p.as_str()
        );
    }
    let london = Areas::london();
    let bcus: HashSet<&str> = london.areas().iter().map(|a| &*a.bcu).collect();
    let mut failures = Vec::new();
    for row in &data.planted {
        assert!(bcus.contains(row.bcu.as_str()), "{}", row.bcu);
        if let Err(e) = check_planted(&ix, row) {
            failures.push(format!("{}: {e}", row.pattern.as_str()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let hotspot_bcus: HashSet<&str> = data
        .planted
        .iter()
        .filter(|r| r.pattern == Pattern::Hotspot)
        .map(|r| r.bcu.as_str())
        .collect();
    assert!(hotspot_bcus.len() >= 2, "hotspots in different BCUs");
}

#[test]
fn small_data_sets_plant_what_fits_and_satisfy_the_rules() {
    for m in [50usize, 200, 1200] {
        let data = generate(&cfg(11, m));
        assert_eq!(data.incidents.len(), m);
        let ix = index(&data);
        for row in &data.planted {
            if let Err(e) = check_planted(&ix, row) {
                panic!("M = {m}: {}: {e}", row.pattern.as_str());
            }
        }
        if m >= 200 {
            for p in Pattern::ALL {
                if matches!(p, Pattern::Hotspot) && m < 1000 {
                    continue;
                }
                assert!(data.planted.iter().any(|r| r.pattern == p), "M = {m}: {p}");
            }
        }
    }
}

#[test]
fn background_marac_eligible_people_are_rare() {
    let data = data_5000();
    let ix = index(data);
    let planted: HashSet<&str> = data
        .planted
        .iter()
        .filter(|r| r.pattern.is_person())
        .map(|r| r.person_key.as_str())
        .collect();
    let planted_victims = data
        .planted
        .iter()
        .filter(|r| r.pattern.is_person() && r.pattern != Pattern::SerialPerpetrator)
        .count();
    let mut eligible = 0;
    let mut one_or_two = 0;
    let mut persons = 0;
    for (key, list) in &ix.victim_of {
        if planted.contains(key) {
            continue;
        }
        persons += 1;
        if list.len() <= 2 {
            one_or_two += 1;
        }
        let year = list.iter().filter(|i| within(i, 365)).count();
        let vulnerable = list.iter().any(|i| !i.vulnerabilities.is_empty());
        if year >= 3 && vulnerable {
            eligible += 1;
        }
    }
    assert!(
        eligible * 5 < planted_victims,
        "{eligible} background eligible vs {planted_victims} planted victims"
    );
    assert!(
        one_or_two * 10 > persons * 7,
        "most people report once or twice"
    );
}

#[test]
fn kinds_agencies_and_fields_look_realistic() {
    let data = data_5000();
    let n = data.incidents.len() as f64;
    let count =
        |f: &dyn Fn(&Incident) -> bool| data.incidents.iter().filter(|i| f(i)).count() as f64;
    let crime = count(&|i| i.kind == IncidentKind::Crime) / n;
    assert!((0.2..0.3).contains(&crime), "crime share {crime}");
    for source in ["met-police", "council-asb", "housing", "adult-social-care"] {
        assert!(count(&|i| &*i.source == source) > 50.0, "{source}");
    }
    // Safeguarding always from adult social care, with DOB and vulnerabilities.
    for i in data
        .incidents
        .iter()
        .filter(|i| i.kind == IncidentKind::Safeguarding)
    {
        assert_eq!(&*i.source, "adult-social-care");
        let v = i.victim.as_deref();
        assert!(v.is_some_and(|v| v.dob.is_some() && v.reference.is_some()));
        assert!(!i.vulnerabilities.is_empty());
    }
    // Housing always has address and postcode and a stable tenancy ref.
    let mut refs: HashMap<&str, &str> = HashMap::new();
    let ix = index(data);
    for i in data.incidents.iter().filter(|i| &*i.source == "housing") {
        let v = i.victim.as_deref();
        assert!(v.is_some_and(|v| v.address.is_some() && v.postcode.is_some()));
        if let (Some(r), Some((Some(k), _))) = (
            v.and_then(|v| v.reference.as_deref()),
            ix.keys.get(i.id.as_str()),
        ) {
            assert_eq!(*refs.entry(r).or_insert(k), *k, "tenancy ref {r} stable");
        }
    }
    // Council writes grid coordinates, police lat/lon.
    assert!(
        count(&|i| &*i.source == "council-asb" && i.wgs84.is_none() && i.bng.is_some()) > 100.0
    );
    assert!(count(&|i| &*i.source == "met-police" && i.wgs84.is_some()) > 500.0);
    // Upper-case names appear, and most harms are low.
    assert!(
        count(&|i| i
            .victim
            .as_deref()
            .and_then(|v| v.last_name.as_deref())
            .is_some_and(|s| s.len() > 2 && s.chars().all(|c| !c.is_lowercase())))
            > 50.0
    );
    let low = count(&|i| i.harm.is_some_and(|h| h <= 2));
    let any = count(&|i| i.harm.is_some());
    assert!(low / any > 0.5);
}

#[test]
fn postcodes_belong_to_the_borough() {
    let data = data_5000();
    let mut valid = 0usize;
    let mut total = 0usize;
    for inc in &data.incidents {
        let Some(pc) = inc.victim.as_deref().and_then(|v| v.postcode.as_ref()) else {
            continue;
        };
        total += 1;
        if pc.is_uk() {
            valid += 1;
        }
    }
    assert!(valid * 100 >= total * 98, "{valid} of {total} valid");
    // Districts come from the borough table.
    let world = world::World::build(3, 3000, end());
    for hh in &world.households {
        let street = &world.streets[hh.street as usize];
        let info = world.map.boroughs[street.borough as usize].info;
        let pc = Postcode::parse(&hh.postcode);
        assert!(pc.is_uk(), "{}", hh.postcode);
        assert!(info.districts.contains(&pc.district().unwrap_or("")));
        assert!(world.map.inside(street.borough as usize, hh.point));
    }
}

#[test]
fn population_has_households_twins_and_namesakes() {
    let world = world::World::build(8, 40_000, end());
    let n = world.persons.len();
    assert!((30_000..55_000).contains(&n), "{n} persons");
    let mut twins = 0;
    let mut namesakes = 0;
    let mut shared = 0;
    for hh in &world.households {
        let members: Vec<&world::Person> = hh
            .persons
            .clone()
            .map(|p| &world.persons[p as usize])
            .collect();
        if members.len() > 1 && members.iter().filter(|p| p.last == members[0].last).count() > 1 {
            shared += 1;
        }
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                if a.last == b.last && a.dob == b.dob && a.first != b.first {
                    twins += 1;
                }
                if a.first == b.first && a.last == b.last && a.dob != b.dob {
                    namesakes += 1;
                }
            }
        }
    }
    assert!(twins > 10, "{twins} twins");
    assert!(namesakes > 10, "{namesakes} father-and-son namesakes");
    assert!(shared > 1000, "{shared} households sharing a surname");
    // Common names repeat, rare names are rare.
    let mut by_last: HashMap<&str, usize> = HashMap::new();
    for p in &world.persons {
        *by_last.entry(p.last).or_default() += 1;
    }
    let smith = by_last.get("Smith").copied().unwrap_or(0);
    let rare = by_last.get("Pemberton").copied().unwrap_or(0);
    assert!(smith > 5 * rare.max(1), "Smith {smith}, Pemberton {rare}");
}

#[test]
fn tables_are_big_enough() {
    let firsts: usize = tables::Group::ALL
        .iter()
        .map(|g| tables::first_names(*g).len())
        .sum();
    let lasts: HashSet<&str> = tables::Group::ALL
        .iter()
        .flat_map(|g| tables::surnames(*g).iter().copied())
        .collect();
    assert!(firsts >= 250, "{firsts} first names");
    assert!(lasts.len() >= 400, "{} surnames", lasts.len());
    let nicknames = crate::nickname_pairs();
    assert!(nicknames.len() >= 100, "{} nicknames", nicknames.len());
    for p in Pattern::ALL {
        assert_eq!(Pattern::parse(p.as_str()), Some(p));
    }
    assert_eq!(Pattern::parse("nope"), None);
    assert!(tables::STREET_STEMS.len() >= 150);
    for (nick, formal) in &nicknames {
        assert!(!nick.is_empty() && !formal.is_empty());
    }
    for b in tables::BOROUGHS {
        for d in b.districts {
            assert!(Postcode::parse(&format!("{d} 1AB")).is_uk(), "{d}");
        }
    }
}

#[test]
fn planted_rules_hold_across_seeds() {
    for seed in 1..5u64 {
        let data = generate(&cfg(seed * 7919, 1000));
        assert_eq!(data.incidents.len(), 1000);
        let ix = index(&data);
        for p in Pattern::ALL {
            assert!(
                data.planted.iter().any(|r| r.pattern == p),
                "seed {seed}: {p}"
            );
        }
        for row in &data.planted {
            if let Err(e) = check_planted(&ix, row) {
                panic!("seed {seed}: {}: {e}", row.pattern.as_str());
            }
        }
    }
}
