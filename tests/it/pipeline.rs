//! One weekly pipeline, one decision: over six simulated weeks, the persons
//! that `marac scan --register` makes eligible are exactly the cases of
//! `marac agenda --bcu all --register`, under the same case references.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde_json::Value;

use crate::util::marac;

fn ok(args: &[&str], dir: &Path) -> String {
    let out = marac().current_dir(dir).args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "marac {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Rows for three victims the synth does not write, appended to its CSV:
/// - `Zebulon Quartermaine`, three ASB reports with no location at all
///   (eligible as a vulnerable repeat victim, placed in no BCU), harassed by
///   a suspect named in full;
/// - `Philippa Drummondsley`, a vulnerable repeat victim who moves from
///   Camden (Central North) to Croydon (South) in the fourth week.
fn extra_rows(header: &str) -> String {
    let cols: Vec<&str> = header.trim_end().split(',').collect();
    let row = |f: &[(&str, &str)]| -> String {
        let map: BTreeMap<&str, &str> = f.iter().copied().collect();
        let cells: Vec<&str> = cols.iter().map(|c| *map.get(c).unwrap_or(&"")).collect();
        cells.join(",") + "\n"
    };
    let mut out = String::new();
    for (n, date) in ["2026-09-20", "2026-10-02", "2026-10-12"]
        .iter()
        .enumerate()
    {
        out += &row(&[
            ("incident_id", &format!("XUNP-{n}")),
            ("source", "council-asb"),
            ("kind", "asb"),
            ("reported_at", date),
            ("victim_first_name", "Zebulon"),
            ("victim_last_name", "Quartermaine"),
            ("victim_dob", "1950-03-03"),
            ("suspect_first_name", "Octavius"),
            ("suspect_last_name", "Pennyfeather"),
            ("suspect_dob", "1990-07-07"),
            ("vulnerabilities", "learning_disability"),
            ("category", "verbal_abuse"),
            ("harm", "2"),
        ]);
    }
    for (n, (date, borough)) in [
        ("2026-09-25", "Camden"),
        ("2026-10-01", "Camden"),
        ("2026-10-08", "Camden"),
        ("2026-10-30", "Croydon"),
    ]
    .iter()
    .enumerate()
    {
        out += &row(&[
            ("incident_id", &format!("XMOV-{n}")),
            ("source", "housing"),
            ("kind", "asb"),
            ("reported_at", date),
            ("borough", borough),
            ("victim_first_name", "Philippa"),
            ("victim_last_name", "Drummondsley"),
            ("victim_dob", "1948-05-06"),
            ("vulnerabilities", "physical_disability;lives_alone"),
            ("category", "noise"),
            ("harm", "2"),
        ]);
    }
    out
}

#[test]
fn six_weeks_scan_and_agenda_decide_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
        &[
            "synth",
            "--seed",
            "21",
            "--incidents",
            "6000",
            "--end",
            "2026-11-20",
            "--out",
            "w",
        ],
        dir,
    );
    let csv_path = dir.join("w/incidents.csv");
    let mut csv = std::fs::read_to_string(&csv_path).unwrap();
    let header = csv.lines().next().unwrap().to_string();
    csv += &extra_rows(&header);
    std::fs::write(&csv_path, csv).unwrap();
    ok(&["register", "--register", "r.db", "init"], dir);

    let first = NaiveDate::from_ymd_opt(2026, 10, 9).unwrap();
    let mut seen_refs: BTreeSet<String> = BTreeSet::new();
    let (mut repeats, mut reviews) = (0, 0);
    let mut mover_refs: BTreeSet<String> = BTreeSet::new();
    let mut mover_bcus: Vec<String> = Vec::new();
    for week in 0..6 {
        let as_of = (first + Duration::days(7 * week)).to_string();
        let meeting = (first + Duration::days(7 * week + 2)).to_string();
        let scan: Value = serde_json::from_str(&ok(
            &[
                "scan",
                "w/incidents.csv",
                "--as-of",
                &as_of,
                "--register",
                "r.db",
                "--format",
                "json",
                "-q",
            ],
            dir,
        ))
        .unwrap();
        let persons = scan["persons"].as_array().unwrap();
        let mut eligible: BTreeMap<String, &Value> = BTreeMap::new();
        for p in persons {
            let r = p["case_ref"].as_str().expect("every victim has a case_ref");
            seen_refs.insert(r.to_string());
            if p["marac_eligible"].as_bool().unwrap() {
                eligible.insert(r.to_string(), p);
            }
            let incidents: Vec<&str> = p["incidents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap())
                .collect();
            if incidents.iter().any(|i| i.starts_with("XMOV-")) {
                mover_refs.insert(r.to_string());
                mover_bcus.push(p["bcu"].as_str().unwrap().to_string());
            }
        }
        let out = format!("packs-{as_of}");
        ok(
            &[
                "agenda",
                "w/incidents.csv",
                "--as-of",
                &as_of,
                "--meeting",
                &meeting,
                "--bcu",
                "all",
                "--register",
                "r.db",
                "--format",
                "json",
                "--out",
                &out,
                "-q",
            ],
            dir,
        );
        let mut packs: Vec<_> = std::fs::read_dir(dir.join(&out))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        packs.sort();
        let mut listed: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut unplaced: Option<BTreeSet<String>> = None;
        for path in &packs {
            let pack: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let bcu = pack["meeting"]["bcu"].as_str().unwrap().to_string();
            for c in pack["cases"].as_array().unwrap() {
                let r = c["case_ref"].as_str().unwrap().to_string();
                let section = c["section"].as_str().unwrap().to_string();
                let before = listed.insert(r.clone(), (bcu.clone(), section));
                assert!(before.is_none(), "{as_of}: {r} in two packs");
            }
            let here: BTreeSet<String> = pack["unplaced"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["case_ref"].as_str().unwrap().to_string())
                .collect();
            if let Some(u) = &unplaced {
                assert_eq!(
                    u, &here,
                    "{as_of}: every pack lists the same unplaced cases"
                );
            }
            unplaced = Some(here);
        }
        let unplaced = unplaced.unwrap_or_default();
        assert!(
            unplaced.iter().all(|r| !listed.contains_key(r)),
            "an unplaced case is heard in no BCU"
        );
        let in_packs: BTreeSet<&String> = listed.keys().chain(unplaced.iter()).collect();
        let eligible_refs: BTreeSet<&String> = eligible.keys().collect();
        assert_eq!(
            eligible_refs, in_packs,
            "{as_of}: eligible in the scan = listed in the packs"
        );
        assert!(
            week < 2 || !unplaced.is_empty(),
            "{as_of}: the victim with no location is listed, not dropped"
        );
        for (r, p) in &eligible {
            let flags: Vec<&str> = p["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            if let Some((bcu, section)) = listed.get(r) {
                assert_eq!(bcu, p["bcu"].as_str().unwrap(), "{as_of}: {r}'s BCU");
                assert_eq!(
                    flags.contains(&"repeat_marac"),
                    section == "repeat_case",
                    "{as_of}: {r} flagged repeat_marac iff in the repeat section"
                );
                repeats += usize::from(section == "repeat_case");
                reviews += usize::from(section == "no_new_incident");
            }
        }
        // A meeting every two weeks, recorded from the packs as written.
        if week % 2 == 0 {
            for path in &packs {
                ok(
                    &[
                        "register",
                        "--register",
                        "r.db",
                        "record",
                        path.to_str().unwrap(),
                    ],
                    dir,
                );
            }
        }
    }
    assert!(repeats > 0, "the simulation reaches repeat MARAC cases");
    assert!(reviews > 0, "and cases heard with nothing new since");
    // The victim who moved keeps one reference, and moves pack.
    assert_eq!(mover_refs.len(), 1, "one reference across the move");
    assert_eq!(
        mover_bcus.first().map(String::as_str),
        Some("Central North")
    );
    assert_eq!(mover_bcus.last().map(String::as_str), Some("South"));
    // Only victims become cases: every case the register holds is one that
    // some week's scan gave to a victim.
    let cases: Value = serde_json::from_str(&ok(
        &[
            "register",
            "--register",
            "r.db",
            "cases",
            "--format",
            "json",
        ],
        dir,
    ))
    .unwrap();
    let registered: BTreeSet<String> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_ref"].as_str().unwrap().to_string())
        .collect();
    let not_victims: Vec<&String> = registered.difference(&seen_refs).collect();
    assert!(
        not_victims.is_empty(),
        "registered but no victim: {not_victims:?}"
    );
}

/// Same records, same bytes: shuffled rows, and the records split over two
/// files given in either order, give byte-identical persons.csv, scan JSON
/// and packs.
#[test]
fn outputs_do_not_depend_on_row_or_file_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(
        &[
            "synth",
            "--seed",
            "33",
            "--incidents",
            "3000",
            "--end",
            "2026-11-20",
            "--out",
            "w",
        ],
        dir,
    );
    let text = std::fs::read_to_string(dir.join("w/incidents.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    // A fixed shuffle (an LCG over the row indices).
    let mut order: Vec<usize> = (0..lines.len()).collect();
    let mut x: u64 = 12345;
    for i in (1..order.len()).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (x >> 33) as usize % (i + 1));
    }
    let shuffled: Vec<&str> = order.iter().map(|&i| lines[i]).collect();
    let write = |name: &str, rows: &[&str]| {
        let body = std::iter::once(header)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        std::fs::write(dir.join(name), body).unwrap();
    };
    write("shuffled.csv", &shuffled);
    let half = shuffled.len() / 2;
    write("part-b.csv", &shuffled[..half]);
    write("part-a.csv", &shuffled[half..]);
    let outputs = |inputs: &[&str], tag: &str| -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let persons = format!("persons-{tag}.csv");
        let mut args = vec!["link"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&["--out", &persons, "-q"]);
        ok(&args, dir);
        out.push((
            "persons.csv".into(),
            std::fs::read(dir.join(&persons)).unwrap(),
        ));
        let mut args = vec!["scan"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&["--as-of", "2026-11-20", "--format", "json", "-q"]);
        out.push(("scan.json".into(), ok(&args, dir).into_bytes()));
        let packs = format!("packs-{tag}");
        let mut args = vec!["agenda"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&[
            "--as-of",
            "2026-11-20",
            "--bcu",
            "all",
            "--format",
            "json",
            "--key",
            "k",
            "--out",
            &packs,
            "-q",
        ]);
        ok(&args, dir);
        let mut files: Vec<_> = std::fs::read_dir(dir.join(&packs))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read(&f).unwrap()));
        }
        out
    };
    let base = outputs(&["w/incidents.csv"], "base");
    assert!(base.len() > 10, "persons, scan and a pack per BCU");
    for (inputs, tag) in [
        (vec!["shuffled.csv"], "shuffled"),
        (vec!["part-a.csv", "part-b.csv"], "ab"),
        (vec!["part-b.csv", "part-a.csv"], "ba"),
    ] {
        let other = outputs(&inputs, tag);
        assert_eq!(other.len(), base.len());
        for ((name, a), (_, b)) in base.iter().zip(&other) {
            assert!(a == b, "{name} differs with inputs {inputs:?}");
        }
    }
}
