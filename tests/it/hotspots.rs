//! `marac hotspots` on the hand-made fixture under tests/data/hotspots:
//! cluster A (6 incidents within 20 m near Camden Town), cluster B (4 within
//! 15 m near Kentish Town), 3 lone incidents, 3 at one address (12 Acacia
//! Road, NW1 8ZZ, written three ways) and 2 without coordinates.

use crate::util::{data, marac, run};

const FIXTURE: &str = "hotspots/incidents.csv";

fn ok(args: &[&str]) -> (String, String) {
    let r = run(args);
    assert_eq!(r.code, 0, "args {args:?}\nstderr: {}", r.stderr);
    (r.stdout, r.stderr)
}

#[test]
fn dbscan_geojson_is_rfc7946_with_cluster_properties_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.csv");
    let (out, err) = ok(&[
        "hotspots",
        FIXTURE,
        "--method",
        "dbscan",
        "--eps",
        "30",
        "--min-points",
        "3",
        "--bcu",
        "central north bcu",
        "--labels",
        labels.to_str().unwrap(),
    ]);
    assert_eq!(
        marac_hotspot::geojson::check_rfc7946(&out),
        Vec::<String>::new()
    );
    assert!(
        err.contains("2 selected incident(s) had no coordinates"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["features"].as_array().unwrap();
    assert_eq!(f.len(), 3, "A, B and the three reports at 12 Acacia Road");
    let p = &f[0]["properties"];
    assert_eq!(p["cluster"], 0);
    assert_eq!(p["bcu"], "Central North");
    assert_eq!(p["count"], 6);
    assert_eq!(
        p["kinds"],
        serde_json::json!({"asb": 4, "dispute": 1, "hate": 1})
    );
    assert_eq!(
        (p["first"].as_str(), p["last"].as_str()),
        (Some("2024-03-01"), Some("2024-03-06"))
    );
    assert_eq!(f[1]["properties"]["count"], 4);
    assert_eq!(f[2]["properties"]["count"], 3);
    let labels = std::fs::read_to_string(labels).unwrap();
    let lines: Vec<&str> = labels.lines().collect();
    assert_eq!(lines[0], "incident_id,cluster");
    assert_eq!(lines.len(), 1 + 16, "one row per incident with coordinates");
    assert!(
        lines.contains(&"H001,0")
            && lines.contains(&"H007,1")
            && lines.contains(&"H011,-1")
            && lines.contains(&"H018,2")
    );
}

#[test]
fn gistar_csv_has_the_exact_columns_and_every_cell() {
    let (out, _) = ok(&[
        "hotspots", FIXTURE, "--method", "gistar", "--cell", "500", "--band", "1000", "--bcu",
        "CN", "--format", "csv",
    ]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("bcu,x,y,count,gi_z,p,class"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let total: u32 = rows.iter().map(|r| r[3].parse::<u32>().unwrap()).sum();
    assert_eq!(total, 16, "every incident with coordinates in one cell");
    assert!(
        rows.iter().any(|r| r[3] == "0"),
        "zero cells are observations too"
    );
    for r in &rows {
        assert_eq!(r[0], "Central North");
        let x: f64 = r[1].parse().unwrap();
        assert_eq!(
            (x - 250.0) % 500.0,
            0.0,
            "cell centres on a 500 m lattice: {x}"
        );
        let p: f64 = r[5].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!([
            "hot_99",
            "hot_95",
            "hot_90",
            "not_significant",
            "cold_90",
            "cold_95",
            "cold_99"
        ]
        .contains(&r[6]));
    }
    let (gj, _) = ok(&[
        "hotspots", FIXTURE, "--method", "gistar", "--cell", "500", "--band", "1000", "--bcu", "CN",
    ]);
    assert_eq!(
        marac_hotspot::geojson::check_rfc7946(&gj),
        Vec::<String>::new()
    );
}

#[test]
fn repeat_locations_join_spellings_of_one_address() {
    let (out, _) = ok(&[
        "hotspots",
        FIXTURE,
        "--method",
        "repeat-locations",
        "--format",
        "csv",
        "--bcu",
        "CN",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "bcu,place,count,kinds,first,last,snap_point,x,y");
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[1].starts_with("Central North,\"12 Acacia Rd, NW1 8ZZ\",3,asb:2;dispute:1,2024-04-15,2024-06-15,false,"), "{out}");
}

#[test]
fn police_uk_snap_points_are_flagged_with_the_caveat() {
    let (out, err) = ok(&[
        "hotspots",
        "police-uk/2017-02-sample-street.csv",
        "--profile",
        "police-uk",
        "--method",
        "repeat-locations",
        "--min",
        "2",
        "--format",
        "md",
    ]);
    assert!(out.contains("| yes |"), "{out}");
    assert!(out.contains("snap point"), "{out}");
    assert!(err.contains("anonymised snap points"), "{err}");
}

#[test]
fn near_repeat_table_and_formats() {
    let (md, _) = ok(&[
        "hotspots",
        FIXTURE,
        "--method",
        "near-repeat",
        "--iterations",
        "99",
        "--seed",
        "7",
        "--bcu",
        "CN",
    ]);
    assert!(md.contains("| same location |"), "{md}");
    assert!(md.contains("0 to 7 days"), "{md}");
    let (csv, _) = ok(&[
        "hotspots",
        FIXTURE,
        "--method",
        "near-repeat",
        "--iterations",
        "99",
        "--format",
        "csv",
        "--bcu",
        "CN",
    ]);
    assert!(csv.starts_with("bcu,space_band,time_band,observed,expected,knox_ratio,p\n"));
    // 5 rows (same location, 3 bands, beyond) × 4 columns.
    assert_eq!(csv.lines().count(), 1 + 20);
    let r = run(&[
        "hotspots",
        FIXTURE,
        "--method",
        "near-repeat",
        "--format",
        "geojson",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn eval_reports_every_method() {
    let (out, _) = ok(&[
        "hotspots",
        "eval",
        FIXTURE,
        "--train-until",
        "2024-03-31",
        "--test-until",
        "2024-06-30",
        "--bcu",
        "CN",
        "--format",
        "json",
        "--eps",
        "30",
        "--min-points",
        "3",
        "--cell",
        "100",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let methods: Vec<&str> = v["bcus"][0]["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        ["counts", "dbscan", "gistar", "kde", "repeat-locations"]
    );
    assert_eq!(v["bcus"][0]["train"], 7);
    assert_eq!(v["bcus"][0]["test"], 9);
    let (md, _) = ok(&[
        "hotspots",
        "eval",
        FIXTURE,
        "--train-until",
        "2024-03-31",
        "--test-until",
        "2024-06-30",
        "--bcu",
        "CN",
    ]);
    assert!(
        md.contains("| method | cells | area share | hits | hit rate | PAI |"),
        "{md}"
    );
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["hotspots", FIXTURE, "--method", "dbscan", "--bcu", "Narnia"][..],
        &["hotspots", FIXTURE, "--method", "dbscan", "--eps", "0"],
        &["hotspots", FIXTURE, "--method", "gistar", "--cell", "-5"],
        &["hotspots", FIXTURE, "--method", "gistar", "--cell", "0.001"],
        &[
            "hotspots",
            FIXTURE,
            "--method",
            "near-repeat",
            "--space-bands",
            "400,100",
        ],
        &[
            "hotspots", FIXTURE, "--method", "kde", "--kinds", "burglary",
        ],
        &["hotspots", FIXTURE],
        &[
            "hotspots",
            "eval",
            FIXTURE,
            "--train-until",
            "2024-06-30",
            "--test-until",
            "2024-03-31",
        ],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn output_is_byte_identical_with_one_or_two_threads() {
    let runs: [&[&str]; 5] = [
        &["--method", "dbscan", "--eps", "30", "--min-points", "3"],
        &["--method", "gistar", "--cell", "250", "--band", "500"],
        &["--method", "kde", "--cell", "100"],
        &["--method", "repeat-locations"],
        &[
            "--method",
            "near-repeat",
            "--iterations",
            "199",
            "--format",
            "csv",
        ],
    ];
    for extra in runs {
        let outs: Vec<Vec<u8>> = ["1", "2"]
            .iter()
            .map(|t| {
                let o = marac()
                    .current_dir(data(""))
                    .env("RAYON_NUM_THREADS", t)
                    .args(["-q", "hotspots", FIXTURE])
                    .args(extra)
                    .output()
                    .unwrap();
                assert!(o.status.success());
                o.stdout
            })
            .collect();
        assert!(!outs[0].is_empty());
        assert_eq!(outs[0], outs[1], "{extra:?}");
    }
}
