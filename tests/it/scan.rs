//! `marac scan` on a small hand-written week (tests/data/scan).

use crate::util::{run, Run};

/// `marac scan` of the week with its hand-written person mentions.
const WEEK: [&str; 6] = [
    "scan",
    "scan/week.csv",
    "--as-of",
    "2026-11-20",
    "--persons",
    "scan/persons.csv",
];

fn scan_run(extra: &[&str]) -> Run {
    let mut args = WEEK.to_vec();
    args.extend_from_slice(extra);
    run(&args)
}

fn scan_json(extra: &[&str]) -> serde_json::Value {
    let r = scan_run(extra);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn person<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_id"] == id)
        .unwrap()
}

#[test]
fn scan_scores_flags_and_orders_victims() {
    let v = scan_json(&[]);
    assert_eq!(v["as_of"], "2026-11-20");
    let ids: Vec<&str> = v["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["P1", "P3", "P2", "P4"], "highest score first");
    let ann = person(&v, "P1");
    assert_eq!(
        ann["flags"],
        serde_json::json!([
            "repeat_victim",
            "possible_hate_incident",
            "no_safeguarding_referral",
            "serial_perpetrator_victim"
        ])
    );
    assert_eq!(ann["incidents"], serde_json::json!(["H1", "H2", "H3"]));
    assert_eq!(ann["marac_eligible"], true);
    let total: u64 = ann["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_u64().unwrap())
        .sum();
    assert_eq!(ann["score"].as_u64().unwrap(), total);
    // Eve: one incident on day 366 (out) and one after --as-of (not counted).
    let eve = person(&v, "P4");
    assert_eq!(eve["incidents"], serde_json::json!(["M2"]));
    assert_eq!(eve["marac_eligible"], false);
    assert_eq!(v["counts_by_kind"]["asb"], 3);
    assert_eq!(v["counts_by_source"]["met-police"], 2);
}

#[test]
fn referral_makes_eligible_without_changing_the_score() {
    let plain = scan_json(&[]);
    let referred = scan_json(&["--refer", "scan/refer.txt"]);
    let (a, b) = (person(&plain, "P4"), person(&referred, "P4"));
    assert_eq!(b["marac_eligible"], true);
    assert_eq!(b["eligible_by"], serde_json::json!(["referral"]));
    assert_eq!(a["score"], b["score"]);
}

#[test]
fn csv_and_markdown_formats() {
    let r = scan_run(&["--format", "csv"]);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("person_id,bcu,score,level,marac_eligible,flags,incidents")
    );
    assert!(lines.next().unwrap().starts_with("P1,Central North,"));
    let r = scan_run(&["--format", "md", "--bcu", "cn"]);
    assert!(r.stdout.starts_with("# Risk scan as of 2026-11-20\n"));
    assert!(r.stdout.contains("| P1 | Central North |"));
    assert!(!r.stdout.contains("Central East"), "--bcu keeps one BCU");
    assert!(!r.stdout.contains("| P3 |"));
}

#[test]
fn explain_shows_chronology_and_points_without_free_text() {
    let r = scan_run(&["--explain", "P1"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains("| 2026-10-20 | H3 | dispute | housing | threats | 3 | disability | P5 |"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("| repeat_12m | 15 | H1, H2, H3 |"));
    assert!(
        !r.stdout.contains("Shouted"),
        "summaries stay out of the explanation"
    );
    let r = scan_run(&["--explain", "P99"]);
    assert_eq!(r.code, 2);
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let args = WEEK;
    let a = crate::util::marac()
        .current_dir(crate::util::data(""))
        .env("RAYON_NUM_THREADS", "1")
        .args(args)
        .output()
        .unwrap();
    let b = crate::util::marac()
        .current_dir(crate::util::data(""))
        .env("RAYON_NUM_THREADS", "2")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn scan_links_here_with_the_chosen_rules() {
    let r = run(&[
        "scan",
        "scan/week.csv",
        "--as-of",
        "2026-11-20",
        "--rules",
        "deterministic",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // Ann Lee's three housing records share a tenancy reference: one person.
    let ann = v["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["incidents"] == serde_json::json!(["H1", "H2", "H3"]))
        .expect("the three housing records are one victim");
    assert_eq!(ann["flags"][0], "repeat_victim");
    let r = run(&[
        "scan",
        "scan/week.csv",
        "--as-of",
        "2026-11-20",
        "--rules",
        "no-such-rules.toml",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
