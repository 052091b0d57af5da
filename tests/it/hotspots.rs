//! `marac hotspots` on the hand-made fixture under tests/data/hotspots:
//! cluster A (6 incidents within 20 m near Camden Town), cluster B (4 within
//! 15 m near Kentish Town), 3 lone incidents, 3 at one address (12 Acacia
//! Road, NW1 8ZZ, written three ways) and 2 without coordinates.

use std::collections::BTreeSet;

use serde_json::json;

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
    assert_eq!(p["kinds"], json!({"asb": 4, "dispute": 1, "hate": 1}));
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
fn gistar_significant_only_writes_exactly_the_significant_cells_and_says_so() {
    // Gi* of the fixture on 100 m cells with a 200 m band, in Central North.
    let run_gi = |extra: &[&str]| -> String {
        let mut args = vec![
            "hotspots", FIXTURE, "--method", "gistar", "--cell", "100", "--band", "200", "--bcu",
            "CN",
        ];
        args.extend_from_slice(extra);
        ok(&args).0
    };
    let gi = |extra: &[&str]| -> serde_json::Value {
        let out = run_gi(extra);
        assert_eq!(
            marac_hotspot::geojson::check_rfc7946(&out),
            Vec::<String>::new()
        );
        serde_json::from_str(&out).unwrap()
    };
    let all = gi(&[]);
    assert!(all.get("marac").is_none(), "the full file is not marked");
    let features = all["features"].as_array().unwrap();
    assert_eq!(features.len(), 552, "23 × 24 cells");
    let significant_at = |f: &serde_json::Value, level: u32| -> bool {
        match f["properties"]["class"].as_str().unwrap() {
            "hot_99" | "cold_99" => true,
            "hot_95" | "cold_95" => level <= 95,
            "hot_90" | "cold_90" => level <= 90,
            "not_significant" => false,
            other => panic!("class {other}"),
        }
    };
    for (extra, level, written) in [
        (&["--significant-only"][..], 90, 20),
        (&["--significant-only", "--confidence", "90"][..], 90, 20),
        (&["--significant-only", "--confidence", "95"][..], 95, 20),
        (&["--significant-only", "--confidence", "99"][..], 99, 16),
    ] {
        let only = gi(extra);
        let want: Vec<&serde_json::Value> = features
            .iter()
            .filter(|f| significant_at(f, level))
            .collect();
        let got: Vec<&serde_json::Value> = only["features"].as_array().unwrap().iter().collect();
        assert_eq!(
            got, want,
            "{extra:?}: the same cells, geometry and values, in order"
        );
        assert_eq!(got.len(), written, "{extra:?}");
        assert_eq!(
            only["marac"],
            json!({
                "method": "gistar",
                "filter": "significant_only",
                "min_confidence": level,
                "cells": 552,
                "cells_written": written,
                "note": format!("filtered: only the {written} of 552 cells that are hot or cold spots at {level} % confidence or more (FDR corrected) are written"),
            })
        );
    }
    // CSV: the rows of the significant cells, unchanged.
    let csv = |extra: &[&str]| -> Vec<String> {
        let out = run_gi(&[&["--format", "csv"], extra].concat());
        out.lines().map(str::to_string).collect()
    };
    let full = csv(&[]);
    let only = csv(&["--significant-only"]);
    let want: Vec<String> = full
        .iter()
        .enumerate()
        .filter(|(i, l)| *i == 0 || !l.ends_with(",not_significant"))
        .map(|(_, l)| l.clone())
        .collect();
    assert_eq!(only, want);
    assert_eq!(only.len(), 1 + 20);
    // p is written as in the CSV (6 decimals, or 4 significant digits below
    // 0.0001).
    for f in features {
        let p = f["properties"]["p"].as_f64().unwrap();
        let text = if p > 0.0 && p < 1e-4 {
            format!("{p:.3e}")
        } else {
            format!("{p:.6}")
        };
        assert_eq!(text.parse::<f64>().unwrap(), p, "{p}");
    }
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

/// Repeat locations (2 incidents or more) of the data.police.uk sample.
fn police_uk_repeat(extra: &[&str]) -> (String, String) {
    let mut args = vec![
        "hotspots",
        "police-uk/2017-02-sample-street.csv",
        "--profile",
        "police-uk",
        "--method",
        "repeat-locations",
        "--min",
        "2",
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

#[test]
fn police_uk_snap_points_are_flagged_with_the_caveat() {
    let (out, err) = police_uk_repeat(&["--format", "md"]);
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
    assert!(md.contains("| same location (0 m) |"), "{md}");
    assert!(
        md.contains("| more than 0 m and at most 100 m (Euclidean) |"),
        "{md}"
    );
    assert!(md.contains("| 0 to 7 days (inclusive) |"), "{md}");
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
    assert!(csv.starts_with("bcu,distance,space_band,space_min_m,space_min_inclusive,space_max_m,space_max_inclusive,time_band,time_min_days,time_max_days,observed,expected,knox_ratio,p\n"));
    assert!(csv.contains("\nCentral North,euclidean,same location (0 m),0,true,0,true,0 to 7 days (inclusive),0,7,"), "{csv}");
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
            "hotspots",
            FIXTURE,
            "--method",
            "near-repeat",
            "--distance",
            "chebyshev",
        ],
        &[
            "hotspots",
            FIXTURE,
            "--method",
            "kde",
            "--distance",
            "manhattan",
        ],
        &["hotspots", FIXTURE, "--method", "kde", "--significant-only"],
        &[
            "hotspots",
            FIXTURE,
            "--method",
            "gistar",
            "--confidence",
            "95",
        ],
        &[
            "hotspots",
            FIXTURE,
            "--method",
            "gistar",
            "--significant-only",
            "--confidence",
            "80",
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
    let runs: [&[&str]; 11] = [
        DBSCAN,
        &["--method", "gistar", "--cell", "250", "--band", "500"],
        &[
            "--method",
            "gistar",
            "--cell",
            "100",
            "--band",
            "200",
            "--significant-only",
        ],
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
        &[
            "--method",
            "near-repeat",
            "--iterations",
            "199",
            "--distance",
            "manhattan",
            "--format",
            "json",
        ],
        // Maps.
        &["--method", "gistar", "--format", "svg", "--bcu", "CN"],
        &["--method", "kde", "--cell", "100", "--format", "html"],
        &[DBSCAN, &["--format", "html"]].concat(),
        &[
            "--method",
            "repeat-locations",
            "--format",
            "svg",
            "--bcu",
            "CN",
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

/// A hand-made set in BNG metres near Camden Town: `(dx, dy)` from
/// (529 000, 184 000) and the day of March 2024. Several pairs are within
/// a band in a straight line but not by Manhattan distance: (0,0)–(60,80)
/// is 100 m straight and 140 m Manhattan; (0,0)–(90,90) 127 m and 180 m;
/// (0,0)–(120,160) 200 m and 280 m; (0,0)–(-100,-100) 141 m and 200 m.
const NEAR: [(f64, f64, u32); 10] = [
    (0.0, 0.0, 1),
    (60.0, 80.0, 3),
    (0.0, 0.0, 5),
    (90.0, 90.0, 20),
    (150.0, 0.0, 9),
    (120.0, 160.0, 31),
    (-70.0, 70.0, 2),
    (30.0, -40.0, 15),
    (200.0, 200.0, 28),
    (-100.0, -100.0, 12),
];

/// The Knox table's observed counts by a loop over every pair: rows same
/// location, (0, 100], (100, 200], beyond; columns 0–7, 8–14, 15+ days.
fn knox_by_hand(manhattan: bool) -> Vec<u64> {
    let mut t = vec![0u64; 4 * 3];
    for (i, a) in NEAR.iter().enumerate() {
        for b in &NEAR[i + 1..] {
            let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
            let d = if manhattan {
                dx + dy
            } else {
                (dx * dx + dy * dy).sqrt()
            };
            let row = if d == 0.0 {
                0
            } else if d <= 100.0 {
                1
            } else if d <= 200.0 {
                2
            } else {
                3
            };
            let gap = a.2.abs_diff(b.2);
            let col = if gap <= 7 {
                0
            } else if gap <= 14 {
                1
            } else {
                2
            };
            t[row * 3 + col] += 1;
        }
    }
    t
}

#[test]
fn near_repeat_manhattan_matches_a_plain_knox_count_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("near.csv");
    let mut csv = String::from("incident_id,source,kind,reported_at,borough,easting,northing\n");
    for (i, (dx, dy, day)) in NEAR.iter().enumerate() {
        csv.push_str(&format!(
            "N{i:02},council-asb,asb,2024-03-{day:02},Camden,{},{}\n",
            529_000.0 + dx,
            184_000.0 + dy
        ));
    }
    std::fs::write(&input, csv).unwrap();
    // The test on the file, 99 permutations, in Central North.
    let near = |extra: &[&str]| -> String {
        let mut args = vec![
            "hotspots",
            input.to_str().unwrap(),
            "--method",
            "near-repeat",
            "--iterations",
            "99",
            "--bcu",
            "CN",
        ];
        args.extend_from_slice(extra);
        ok(&args).0
    };
    let small = ["--space-bands", "0,100,200", "--time-bands", "0,7,14"];
    let table = |distance: &[&str]| -> serde_json::Value {
        let out = near(&[&small[..], distance, &["--format", "json"]].concat());
        serde_json::from_str(&out).unwrap()
    };
    let observed = |v: &serde_json::Value| -> Vec<u64> {
        v["bcus"][0]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["observed"].as_u64().unwrap())
            .collect()
    };
    let man = table(&["--distance", "manhattan"]);
    let euc = table(&["--distance", "euclidean"]);
    assert_eq!(man["distance"], "manhattan");
    assert_eq!(euc["distance"], "euclidean");
    assert_eq!(man["bcus"][0]["incidents"], 10);
    assert_eq!(observed(&man), knox_by_hand(true));
    assert_eq!(observed(&euc), knox_by_hand(false));
    // Where the two differ: the pairs 100 m apart in a straight line and
    // 140 m by Manhattan (days 1 and 3, 5 and 3: 2 days apart) move from
    // (0, 100] to (100, 200] in the 0-7 days column, and more pairs are
    // beyond 200 m by Manhattan.
    assert_ne!(knox_by_hand(true), knox_by_hand(false));
    let (m, e) = (observed(&man), observed(&euc));
    assert!(m[3] < e[3], "(0, 100], 0-7 days: {} {}", m[3], e[3]);
    let beyond = |t: &[u64]| t[9..].iter().sum::<u64>();
    assert!(beyond(&m) > beyond(&e));
    // The default is Euclidean, and says so.
    assert_eq!(table(&[]), euc);
    // Every cell states its bounds: rows same location, (0, 100], (100, 200],
    // beyond 200 m; columns 0-7, 8-14, 15 or more days, both ends included.
    let cells = man["bcus"][0]["cells"].as_array().unwrap();
    let rows: Vec<(String, serde_json::Value, bool, serde_json::Value)> = cells
        .iter()
        .step_by(3)
        .map(|c| {
            (
                c["space_band"].as_str().unwrap().to_string(),
                c["space_min_m"].clone(),
                c["space_min_inclusive"].as_bool().unwrap(),
                c["space_max_m"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("same location (0 m)".into(), json!(0.0), true, json!(0.0)),
            (
                "more than 0 m and at most 100 m (Manhattan)".into(),
                json!(0.0),
                false,
                json!(100.0)
            ),
            (
                "more than 100 m and at most 200 m (Manhattan)".into(),
                json!(100.0),
                false,
                json!(200.0)
            ),
            (
                "more than 200 m (Manhattan)".into(),
                json!(200.0),
                false,
                json!(null)
            ),
        ]
    );
    let cols: Vec<(&str, &serde_json::Value, &serde_json::Value)> = cells[..3]
        .iter()
        .map(|c| {
            (
                c["time_band"].as_str().unwrap(),
                &c["time_min_days"],
                &c["time_max_days"],
            )
        })
        .collect();
    assert_eq!(
        cols,
        [
            ("0 to 7 days (inclusive)", &json!(0), &json!(7)),
            ("8 to 14 days (inclusive)", &json!(8), &json!(14)),
            ("more than 14 days", &json!(15), &json!(null)),
        ]
    );
    // Markdown and CSV say which distance and bands they use.
    let md = near(&["--distance", "manhattan"]);
    assert!(
        md.starts_with("# Near repeat (Knox test, Manhattan distance, 99 permutations, seed 1)\n"),
        "{md}"
    );
    assert!(
        md.contains("A distance band includes its upper bound and not its lower one"),
        "{md}"
    );
    assert!(
        md.contains("| more than 200 m and at most 400 m (Manhattan) |"),
        "{md}"
    );
    let csv = near(&["--distance", "manhattan", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "bcu,distance,space_band,space_min_m,space_min_inclusive,space_max_m,space_max_inclusive,time_band,time_min_days,time_max_days,observed,expected,knox_ratio,p");
    assert!(lines[5].starts_with("Central North,manhattan,more than 0 m and at most 100 m (Manhattan),0,false,100,true,0 to 7 days (inclusive),0,7,"), "{csv}");
    assert!(lines[20].starts_with("Central North,manhattan,more than 400 m (Manhattan),400,false,,,more than 30 days,31,,"), "{csv}");
}

/// DBSCAN as the fixture's tests run it.
const DBSCAN: &[&str] = &["--method", "dbscan", "--eps", "30", "--min-points", "3"];

/// `marac hotspots` on the fixture: standard output.
fn on_fixture(parts: &[&[&str]]) -> String {
    let args: Vec<&str> = [&["hotspots", FIXTURE][..]]
        .iter()
        .chain(parts)
        .flat_map(|p| p.iter().copied())
        .collect();
    ok(&args).0
}

/// A map of the fixture's Central North.
fn map_of(method: &str, extra: &[&str]) -> String {
    on_fixture(&[
        &["--method", method, "--bcu", "CN", "--format", "svg"],
        extra,
    ])
}

fn classed<'a, 'i>(doc: &'a roxmltree::Document<'i>, class: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|k| k == class))
        })
        .collect()
}

fn texts(nodes: &[roxmltree::Node<'_, '_>]) -> Vec<String> {
    nodes
        .iter()
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect()
        })
        .collect()
}

#[test]
fn svg_maps_have_every_element_for_each_method_with_geometry() {
    for (method, extra, title) in [
        (
            "gistar",
            &["--cell", "100", "--band", "200"][..],
            "Central North: Getis-Ord Gi* hot spots (100 m cells, 200 m band, FDR corrected)",
        ),
        (
            "dbscan",
            &["--eps", "30", "--min-points", "3"],
            "Central North: DBSCAN clusters (eps 30 m, min points 3)",
        ),
        (
            "kde",
            &["--cell", "100"],
            "Central North: Quartic kernel density (100 m cells, incidents per km²)",
        ),
        (
            "repeat-locations",
            &[],
            "Central North: Repeat locations (at least 3 incidents)",
        ),
    ] {
        let svg = map_of(method, extra);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{method}: {e}"));
        assert_eq!(texts(&classed(&doc, "title")), [title]);
        assert_eq!(
            texts(&classed(&doc, "period")),
            ["Incidents reported 2024-02-01 to 2024-06-15"],
            "{method}"
        );
        for class in ["legend", "scale-bar", "north-arrow", "bcu"] {
            assert_eq!(classed(&doc, class).len(), 1, "{method}: {class}");
        }
        let attribution = texts(
            &classed(&doc, "attribution")[0]
                .children()
                .collect::<Vec<_>>(),
        );
        assert_eq!(attribution.join(" "), marac_geo::LONDON_ATTRIBUTION);
        let names = texts(&classed(&doc, "borough-label"));
        assert!(
            names.contains(&"Camden".to_string()) && names.contains(&"Islington".to_string()),
            "{names:?}"
        );
        assert_eq!(
            names.len(),
            classed(&doc, "borough").len(),
            "every borough drawn is named"
        );
    }
}

#[test]
fn gistar_map_draws_each_significant_cell_with_its_class() {
    let svg = map_of("gistar", &["--cell", "100", "--band", "200"]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let csv = on_fixture(&[
        &["--method", "gistar", "--cell", "100", "--band", "200"],
        &["--bcu", "CN", "--format", "csv"],
    ]);
    let mut want: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .filter(|c| c != "not_significant")
        .collect();
    let mut got: Vec<String> = classed(&doc, "cell")
        .iter()
        .map(|n| n.attribute("class").unwrap()["cell ".len()..].to_string())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got.len(), 20, "the 20 significant cells");
    assert_eq!(got, want);
}

#[test]
fn dbscan_and_repeat_maps_number_what_the_table_numbers() {
    let svg = on_fixture(&[DBSCAN, &["--bcu", "CN", "--format", "svg"]]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let numbers: Vec<&str> = classed(&doc, "cluster")
        .iter()
        .map(|n| n.attribute("data-cluster").unwrap())
        .collect();
    assert_eq!(numbers, ["0", "1", "2"]);
    assert_eq!(texts(&classed(&doc, "cluster-label")), ["0", "1", "2"]);
    let md = on_fixture(&[DBSCAN, &["--bcu", "CN", "--format", "md"]]);
    assert!(
        md.contains("| cluster | where | count | kinds | first | last |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| 2 | around Acacia Rd, Camden | 3 | asb:2;dispute:1 | 2024-04-15 | 2024-06-15 |"
        ),
        "{md}"
    );

    let svg = map_of("repeat-locations", &[]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let markers = classed(&doc, "marker");
    assert_eq!(markers.len(), 1);
    assert_eq!(markers[0].attribute("data-row"), Some("1"));
    let title: String = markers[0]
        .children()
        .find(|c| c.has_tag_name("title"))
        .and_then(|t| t.text())
        .unwrap()
        .to_string();
    assert_eq!(title, "1. 12 Acacia Rd, NW1 8ZZ: 3 incidents");
    let md = on_fixture(&[&[
        "--method",
        "repeat-locations",
        "--bcu",
        "CN",
        "--format",
        "md",
    ]]);
    assert!(md.contains("| 1 | 12 Acacia Rd, NW1 8ZZ | around Acacia Rd, Camden | 3 | asb:2;dispute:1 | 2024-04-15 | 2024-06-15 | no |"), "{md}");
}

#[test]
fn police_uk_snap_points_are_drawn_as_such() {
    let (svg, _) = police_uk_repeat(&["--bcu", "City of London", "--format", "svg"]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let snaps = classed(&doc, "snap");
    assert!(!snaps.is_empty());
    assert_eq!(
        snaps.len(),
        classed(&doc, "marker").len(),
        "every place there is a snap point"
    );
    assert!(snaps
        .iter()
        .all(|m| !m.descendants().any(|d| d.has_tag_name("circle"))));
    assert!(texts(&classed(&doc, "key"))
        .contains(&"data.police.uk snap point, not an address".to_string()));
}

#[test]
fn html_maps_every_bcu_on_one_page() {
    let page = on_fixture(&[DBSCAN, &["--format", "html"]]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy"));
    assert_eq!(
        page.matches("<section>").count(),
        13,
        "12 BCUs and the City"
    );
    assert_eq!(page.matches("<svg ").count(), 13);
    let ids: BTreeSet<&str> = page
        .match_indices("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"")
        .map(|(i, m)| {
            let rest = &page[i + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(ids.len(), 13, "ids unique in the page: {ids:?}");
    assert!(
        page.contains("<td>around Acacia Rd, Camden</td>"),
        "the table says where"
    );
}

#[test]
fn maps_are_refused_for_what_has_no_geometry_with_one_exact_line() {
    for (args, line) in [
        (&["hotspots", FIXTURE, "--method", "near-repeat", "--format", "svg"][..],
         "marac: error: near-repeat has no geometry: use --format md, csv or json\n"),
        (&["hotspots", FIXTURE, "--method", "near-repeat", "--format", "html"],
         "marac: error: near-repeat has no geometry: use --format md, csv or json\n"),
        (&["hotspots", FIXTURE, "--method", "gistar", "--format", "svg"],
         "marac: error: --format svg draws one BCU's map: give --bcu NAME, or use --format html for a page with every BCU's map\n"),
        (&["hotspots", "eval", FIXTURE, "--train-until", "2024-03-31", "--test-until", "2024-06-30", "--format", "svg"],
         "marac: error: hotspots eval has no geometry: use --format md, json or csv\n"),
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stderr, line, "{args:?}");
        assert_eq!(r.stdout, "");
    }
}

#[test]
fn a_map_of_other_areas_carries_their_own_attribution_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read_to_string(data("areas/two-towns.geojson")).unwrap();
    let noted = plain.replacen(
        "{\"type\": \"FeatureCollection\",",
        "{\"type\": \"FeatureCollection\", \"attribution\": \"Boundaries © Riverside Council 2026\",",
        1,
    );
    assert_ne!(noted, plain);
    for (text, want) in [
        (&noted, Some("Boundaries © Riverside Council 2026")),
        (&plain, None),
    ] {
        let areas = dir.path().join("areas.geojson");
        std::fs::write(&areas, text).unwrap();
        let svg = on_fixture(&[
            &["--areas", areas.to_str().unwrap()],
            &[
                "--method",
                "repeat-locations",
                "--bcu",
                "RS",
                "--format",
                "svg",
            ],
        ]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let lines = classed(&doc, "attribution")
            .first()
            .map(|a| texts(&a.children().collect::<Vec<_>>()).join(" "));
        assert_eq!(lines.as_deref(), want);
        assert_eq!(
            texts(&classed(&doc, "borough-label")),
            ["Northtown", "Southtown"]
        );
        assert!(!svg.contains("Ordnance Survey"), "not the London notice");
    }
}

#[test]
fn the_mets_data_police_uk_points_are_snap_points_too() {
    // The Met's street file names its force "Metropolitan Police Service"
    // (source `metropolitan-police-service`): the profile, not the name,
    // says its coordinates are snap points.
    let text = std::fs::read_to_string(crate::util::data("police-uk/2017-02-sample-street.csv"))
        .unwrap()
        .replace("City of London Police", "Metropolitan Police Service");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("met-street.csv");
    std::fs::write(&file, text).unwrap();
    let out = crate::util::marac()
        .args(["hotspots", file.to_str().unwrap(), "--profile", "police-uk"])
        .args([
            "--method",
            "repeat-locations",
            "--min",
            "2",
            "--format",
            "md",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (md, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(md.contains("| yes |"), "{md}");
    assert!(err.contains("anonymised snap points"), "{err}");
}
