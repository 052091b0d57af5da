//! `marac synth`: determinism, ground truth, planted patterns.

use std::collections::{BTreeSet, HashSet};

use crate::util::run;

fn synth(seed: &str, n: &str) -> (tempfile::TempDir, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d");
    let r = run(&[
        "synth",
        "--seed",
        seed,
        "--incidents",
        n,
        "--end",
        "2026-11-20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let (a, b, c) = (
        read("incidents.csv"),
        read("truth.csv"),
        read("planted.csv"),
    );
    (dir, a, b, c)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (_d1, a1, t1, p1) = synth("3", "3000");
    let (_d2, a2, t2, p2) = synth("3", "3000");
    assert!(a1 == a2 && t1 == t2 && p1 == p2);
    let (_d3, a3, _, _) = synth("4", "3000");
    assert_ne!(a1, a3);
}

#[test]
fn output_validates_and_truth_matches_incidents() {
    let (dir, incidents, truth, planted) = synth("5", "5000");
    assert_eq!(incidents.lines().count(), 5001);
    let r = run(&[
        "validate",
        "--format",
        "json",
        "--as-of",
        "2026-11-20",
        dir.path().join("d/incidents.csv").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "synthetic data is valid input: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["accepted"], 5000);
    // Every point is drawn inside its borough's real polygon, so no record's
    // borough and coordinates disagree and none lies off the map.
    let placement_warnings: Vec<&str> = v["warning_list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["reason"].as_str())
        .filter(|r| r.contains("coordinates lie"))
        .collect();
    assert_eq!(placement_warnings, Vec::<&str>::new());
    assert!(
        v["by_source"].as_object().unwrap().len() >= 4,
        "four or more agencies"
    );
    let ids: HashSet<&str> = incidents
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(truth.lines().next(), Some("incident_id,role,person_key"));
    for l in truth.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        assert!(ids.contains(f[0]), "truth row for a missing incident: {l}");
        assert!(f[1] == "victim" || f[1] == "suspect");
    }
    let patterns: BTreeSet<&str> = planted
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    for p in [
        "repeat_victim",
        "escalation",
        "hidden_disability_hate",
        "serial_perpetrator",
        "serial_perpetrator_victim",
        "no_safeguarding_referral",
        "asb_case_review",
        "hotspot",
        "repeat_location",
    ] {
        assert!(patterns.contains(p), "pattern {p} planted");
    }
}

#[test]
fn synth_files_are_private() {
    let (dir, ..) = synth("1", "50");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(dir.path().join("d/incidents.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, 0o600);
    }
}
