//! The linkage workbench: `marac link review` (the queue of uncertain pairs
//! to label, as CSV and as an HTML page that saves labels), `marac link
//! model` (the fitted model as Markdown, JSON and HTML with charts) and
//! `marac link --explain` as Markdown and HTML. The pages are opened in
//! headless Chromium as file:// URLs.

use std::path::{Path, PathBuf};

use crate::browser::{Browser, Page};
use crate::util::{data, marac};

fn linkage_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/linkage")
}

/// Runs `marac` in `dir` with a thread count; panics unless it succeeds.
/// Returns stdout and stderr.
fn ok_in(dir: &Path, threads: &str, args: &[&str]) -> (String, String) {
    let out = marac()
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// `link review` on FEBRL 3 into `out` (extra flags after).
fn review_febrl(out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "link",
        "review",
        "febrl-dataset3.csv",
        "--profile",
        "febrl",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ok_in(&linkage_dir(), "2", &args).1
}

const REVIEW_HEADER: &str = "incident_id_l,role_l,incident_id_r,role_r,label,rank,why,linked,\
probability,match_weight,impact,uncertainty,score,runner_up_weight,level_first_name,level_last_name,\
level_swapped_names,level_dob,level_postcode,level_address,level_phone,level_area,level_counterpart";

/// The rows of a review CSV (no field of FEBRL's ids needs quoting).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn review_csv_is_the_labels_format_most_informative_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("queue.csv");
    let stderr = review_febrl(&out, &[]);
    assert_eq!(mode(&out), 0o600);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().next().unwrap(), REVIEW_HEADER);
    let rows = csv_rows(&text);
    // Within 3 bits of the threshold, one pair per merge or split: measured 59.
    assert_eq!(rows.len(), 59, "{text}");
    assert!(
        stderr.contains("marac: link review: 59 pairs to label (0 close attachments)"),
        "{stderr}"
    );
    let num = |r: &[String], c: usize| r[c].parse::<f64>().unwrap();
    for (n, r) in rows.iter().enumerate() {
        assert_eq!(r[4], "", "the label is left to fill in");
        assert_eq!(r[5], (n + 1).to_string(), "rank");
        assert_eq!(r[6], "near_threshold");
        // The score is the impact (pairs of mentions the label could
        // change) times the uncertainty 1 - |2p - 1|.
        let (p, impact, unc, score) = (num(r, 8), num(r, 10), num(r, 11), num(r, 12));
        assert!((unc - (1.0 - (2.0 * p - 1.0).abs())).abs() < 1e-4, "{r:?}");
        assert!(
            (score - impact * unc).abs() < 1e-3 * impact.max(1.0),
            "{r:?}"
        );
        assert!(impact >= 1.0);
        for level in &r[14..] {
            assert!(!level.is_empty());
        }
    }
    // Most informative first: scores never rise, ties by uncertainty.
    for w in rows.windows(2) {
        let (a, b) = (num(&w[0], 12), num(&w[1], 12));
        assert!(
            a > b || (a == b && num(&w[0], 11) >= num(&w[1], 11)),
            "{:?} before {:?}",
            w[0],
            w[1]
        );
    }
    // A merge of two persons of several records comes first: 5 and 6
    // records at even odds beat every split of one record from a person.
    assert_eq!(rows[0][7], "false");
    assert_eq!(rows[0][10], "30");
    assert!(rows.iter().any(|r| r[7] == "true") && rows.iter().any(|r| r[7] == "false"));

    // --limit keeps the head of the same queue.
    let five = tmp.path().join("five.csv");
    review_febrl(&five, &["--limit", "5"]);
    let head: Vec<&str> = text.lines().take(6).collect();
    assert_eq!(
        std::fs::read_to_string(&five).unwrap(),
        head.join("\n") + "\n"
    );

    // --band: match probabilities from LO to HI.
    let band = tmp.path().join("band.csv");
    review_febrl(&band, &["--band", "0.5,0.7", "--limit", "1000"]);
    let banded = csv_rows(&std::fs::read_to_string(&band).unwrap());
    assert!(!banded.is_empty() && banded.len() < rows.len());
    for r in &banded {
        let p = num(r, 8);
        assert!((0.5..=0.7).contains(&p), "{r:?}");
    }
}

#[test]
fn review_refuses_what_it_cannot_do() {
    let tmp = tempfile::tempdir().unwrap();
    // `link review` of the hand-made fixture into `out`, extra flags after.
    let review = |out: &Path, extra: &[&str]| {
        marac()
            .current_dir(data(""))
            .args(["link", "review", "link/incidents.csv", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    };
    let txt = tmp.path().join("queue.txt");
    let out = review(&txt, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name a FILE.html or a FILE.csv"));
    assert!(!txt.exists());
    let csv = tmp.path().join("queue.csv");
    for band in ["0.9,0.2", "0.5", "x,1", "0.5,1.5"] {
        let out = review(&csv, &["--band", band]);
        assert_eq!(out.status.code(), Some(2), "--band {band}");
    }
    let out = review(&csv, &["--rules", "deterministic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a probabilistic model"));
    // The hand-made fixture: one pair near the threshold, and no personal
    // value on standard error.
    let out = review(&csv, &[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for personal in ["Margaret", "Neill", "1958", "Nowicki", "High St", "NW1"] {
        assert!(!stderr.contains(personal), "{personal} in {stderr}");
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("L1,victim,L4,victim,,1,near_threshold,false,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2);
}

/// `link model` on FEBRL 3 (extra flags after); its standard output.
fn model_febrl(threads: &str, extra: &[&str]) -> String {
    let mut args = vec!["link", "model", "febrl-dataset3.csv", "--profile", "febrl"];
    args.extend_from_slice(extra);
    ok_in(&linkage_dir(), threads, &args).0
}

/// `link model --format json` on FEBRL 3, with the truth.
fn model_json(threads: &str) -> (String, serde_json::Value) {
    let out = model_febrl(threads, &["--format", "json", "--truth-from-input"]);
    let v = serde_json::from_str(&out).unwrap();
    (out, v)
}

/// Opens a page written to `path` and checks its marking.
fn open_marked<'b>(browser: &'b Browser, path: &Path) -> Page<'b> {
    let page = browser.new_page();
    page.goto(&format!("file://{}", path.display()));
    assert_eq!(page.text("header.marking"), "OFFICIAL-SENSITIVE");
    page
}

/// No accessibility violation, no console error (a script the CSP
/// refused, a request it blocked).
fn assert_clean(page: &Page) {
    let violations = page.axe();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(page.console_errors(), Vec::<String>::new());
}

#[test]
fn model_json_on_febrl3_has_its_shape_and_key_figures() {
    let (text, v) = model_json("2");
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "schema",
        "rules",
        "mentions",
        "candidate_pairs",
        "pairs_compared",
        "lambda",
        "lambda_all",
        "prior_bits",
        "expected_matches",
        "threshold",
        "comparisons",
        "blocking",
        "vetoes",
        "training",
        "links",
        "persons",
        "evaluation",
    ];
    keys.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(v["schema"], "marac-link-model/1");
    assert_eq!(v["rules"], "default");
    assert_eq!(v["mentions"], 5000);
    assert_eq!(v["candidate_pairs"], 7840);
    // Nine comparisons with 38 levels, each with m, u and log2(m/u).
    let comparisons = v["comparisons"].as_array().unwrap();
    let names: Vec<&str> = comparisons
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "first_name",
            "last_name",
            "swapped_names",
            "dob",
            "postcode",
            "address",
            "phone",
            "area",
            "counterpart"
        ]
    );
    let levels: Vec<usize> = comparisons
        .iter()
        .map(|c| c["levels"].as_array().unwrap().len())
        .collect();
    assert_eq!(levels, [7, 5, 3, 5, 4, 4, 2, 6, 2]);
    for c in comparisons {
        for l in c["levels"].as_array().unwrap() {
            let (m, u, w) = (
                l["m"].as_f64().unwrap(),
                l["u"].as_f64().unwrap(),
                l["weight"].as_f64().unwrap(),
            );
            assert!((w - (m / u).log2()).abs() < 1e-9, "{l}");
        }
    }
    // Term-frequency adjustment on the two names only: rare names gain.
    let tf: Vec<bool> = comparisons.iter().map(|c| c["tf"].is_object()).collect();
    assert_eq!(
        tf,
        [true, true, false, false, false, false, false, false, false]
    );
    assert!(comparisons[1]["tf"]["min"].as_f64().unwrap() < 0.0);
    assert!(comparisons[1]["tf"]["max"].as_f64().unwrap() > 0.0);
    // 6,538 true pairs among C(5000, 2): λ over all pairs is about 5.2e-4.
    let lambda_all = v["lambda_all"].as_f64().unwrap();
    assert!((4.5e-4..6e-4).contains(&lambda_all), "{lambda_all}");
    let prior = v["prior_bits"].as_f64().unwrap();
    assert!((prior - (lambda_all / (1.0 - lambda_all)).log2()).abs() < 1e-9);
    assert_eq!(v["threshold"]["chosen_by"], "model");
    let t = v["threshold"]["probability"].as_f64().unwrap();
    assert!((0.8..=0.99).contains(&t), "{t}");
    // Blocking: the running sum ends at the sum of every rule's pairs.
    let blocking = v["blocking"].as_array().unwrap();
    let sum: u64 = blocking.iter().map(|b| b["pairs"].as_u64().unwrap()).sum();
    assert_eq!(blocking.last().unwrap()["cumulative"], sum);
    assert_eq!(blocking.last().unwrap()["rule"], "counterpart");
    // FEBRL's typos drop the first three vetoes.
    let active: Vec<bool> = v["vetoes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["active"].as_bool().unwrap())
        .collect();
    assert_eq!(active, [false, false, false, true, true]);
    // EM: two sessions, then λ over all candidate pairs; all converged.
    let training = v["training"].as_array().unwrap();
    let sessions: Vec<&str> = training
        .iter()
        .map(|x| x["session"].as_str().unwrap())
        .collect();
    assert_eq!(sessions, ["dob", "first_name+last_name", "all"]);
    for x in training {
        assert_eq!(x["converged"], true, "{x}");
        assert!(x["final_change"].as_f64().unwrap() < 1e-6);
        assert!(x["iterations"].as_u64().unwrap() >= 1);
    }
    assert_eq!(training[2]["pairs"], 7840);
    // Against the truth: the grid and the linkage's own threshold.
    let e = &v["evaluation"];
    assert_eq!(e["pairs_true"], 6538);
    assert!(e["as_linked"]["f1"].as_f64().unwrap() >= 0.995);
    let curve = e["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 21);
    assert!(curve
        .iter()
        .any(|p| p["threshold"] == v["threshold"]["probability"]));
    for p in curve {
        let f1 = p["f1"].as_f64().unwrap();
        assert!((0.98..=1.0).contains(&f1), "{p}");
    }
    // Same input, same bytes, whatever the thread count.
    assert_eq!(model_json("1").0, text);
}

#[test]
fn model_markdown_has_every_table() {
    let md = model_febrl("2", &["--format", "md"]);
    assert!(
        md.starts_with("**OFFICIAL-SENSITIVE**\n\n# Linkage model\n\n"),
        "{md}"
    );
    for heading in [
        "## Comparisons",
        "## Blocking",
        "## Vetoes",
        "## Training",
        "| comparison | level | m | u | weight (bits) |",
        "| first\\_name | exact |",
        "| dob | exact |",
        "| EM session | pairs | iterations | final change | converged | λ |",
        "| dob | 5935 |",
        "7840 candidate pairs after removing duplicates.",
    ] {
        assert!(md.contains(heading), "{heading} in\n{md}");
    }
    // No truth given: no evaluation.
    assert!(!md.contains("## Against ground truth"));
    let r = marac()
        .current_dir(data(""))
        .args([
            "link",
            "model",
            "link/incidents.csv",
            "--rules",
            "deterministic",
        ])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn explain_as_markdown_and_html_shows_each_pairs_waterfall() {
    let tmp = tempfile::tempdir().unwrap();
    let (md, html, csv) = (
        tmp.path().join("pairs.md"),
        tmp.path().join("pairs.html"),
        tmp.path().join("pairs.csv"),
    );
    for p in [&md, &html, &csv] {
        ok_in(
            &data(""),
            "2",
            &[
                "link",
                "link/incidents.csv",
                "--explain",
                p.to_str().unwrap(),
                "--out",
                tmp.path().join("persons.csv").to_str().unwrap(),
            ],
        );
        assert_eq!(mode(p), 0o600);
    }
    let pairs = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    assert_eq!(pairs, 14);
    let md = std::fs::read_to_string(&md).unwrap();
    assert_eq!(md.matches("\n## ").count(), pairs);
    assert_eq!(md.matches("| total (probability ").count(), pairs);
    assert!(md.contains("## L1 victim and L2 victim\n\n"), "{md}");
    assert!(md.contains("| first\\_name: nickname | "), "{md}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert_eq!(html.matches("<svg class=\"waterfall\"").count(), pairs);
    assert!(html.contains("<header class=\"marking\">OFFICIAL-SENSITIVE</header>"));
    // No names in either.
    for personal in ["Margaret", "Peggy", "Neill", "1958", "High St"] {
        assert!(
            !md.contains(personal) && !html.contains(personal),
            "{personal}"
        );
    }
}

#[test]
fn the_review_page_labels_pairs_and_saves_them_as_csv_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let page_path = tmp.path().join("queue.html");
    review_febrl(&page_path, &["--limit", "4"]);
    assert_eq!(mode(&page_path), 0o600);
    let csv_path = tmp.path().join("queue.csv");
    review_febrl(&csv_path, &["--limit", "4"]);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let html = std::fs::read_to_string(&page_path).unwrap();
    // Self-contained: no address to fetch anything from, a script allowed by its hash.
    assert_eq!(
        html.matches("http:").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(!html.contains("https:") && !html.contains("src="));
    assert_eq!(html.matches("url(").count(), html.matches("url(#").count());
    assert!(html.contains("script-src 'sha256-"));
    let Some(browser) = Browser::launch() else {
        return;
    };
    let page = open_marked(&browser, &page_path);
    assert_eq!(page.count("section.pair"), 4);
    // One waterfall per pair, one bar per term: the prior, nine
    // comparisons, and a term-frequency bar per exact name.
    assert_eq!(page.count("section.pair svg.waterfall"), 4);
    for n in 1..=4 {
        let bars = page.count(&format!("#pair-{n} svg.waterfall rect.term"));
        let terms = page.count(&format!("#pair-{n} table.terms tr")) - 2;
        assert_eq!(bars, terms, "pair {n}");
        assert!((10..=12).contains(&bars), "pair {n}: {bars}");
        assert_eq!(
            page.count(&format!("#pair-{n} svg.waterfall rect.total")),
            1
        );
        assert_eq!(page.count(&format!("#pair-{n} input[type=radio]")), 3);
    }
    // Label three pairs, leave one; the CSV the save button offers.
    page.click("#p1-0");
    page.click("#p2-1");
    page.click("#p4-2");
    let saved = page.eval("labelsCsv()");
    let mut expected = String::from("incident_id_l,role_l,incident_id_r,role_r,label\n");
    for (line, label) in csv
        .lines()
        .skip(1)
        .zip(["match", "not a match", "", "unsure"])
    {
        let cells: Vec<&str> = line.split(',').take(4).collect();
        expected.push_str(&format!("{},{label}\n", cells.join(",")));
    }
    assert_eq!(saved.as_str().unwrap(), expected);
    page.click("#save");
    assert_eq!(page.text("#saved"), "Saved 3 labels as labels.csv.");
    assert_clean(&page);

    // Ids that need quoting or could run as a formula are written as the
    // CSV output writes them.
    let fixture = std::fs::read_to_string(data("link/incidents.csv"))
        .unwrap()
        .replace("\nL1,", "\n=L1,")
        .replace("\nL4,", "\n\"L4,\"\"b\"\"\",");
    std::fs::write(tmp.path().join("odd.csv"), fixture).unwrap();
    let odd_html = tmp.path().join("odd.html");
    let odd_csv = tmp.path().join("odd-queue.csv");
    for out in [&odd_html, &odd_csv] {
        ok_in(
            tmp.path(),
            "2",
            &["link", "review", "odd.csv", "--out", out.to_str().unwrap()],
        );
    }
    page.goto(&format!("file://{}", odd_html.display()));
    page.click("#p1-1");
    let saved = page.eval("labelsCsv()");
    let row = saved.as_str().unwrap().lines().nth(1).unwrap().to_string();
    assert_eq!(row, "'=L1,victim,\"L4,\"\"b\"\"\",victim,not a match");
    let written = std::fs::read_to_string(&odd_csv).unwrap();
    let written = written.lines().nth(1).unwrap();
    assert!(
        written.starts_with(row.trim_end_matches("not a match")),
        "{written}"
    );
    assert_eq!(page.console_errors(), Vec::<String>::new());
}

#[test]
fn the_model_report_draws_its_charts_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("model.html");
    model_febrl(
        "2",
        &[
            "--format",
            "html",
            "--truth-from-input",
            "--out",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(mode(&path), 0o600);
    let Some(browser) = Browser::launch() else {
        return;
    };
    let page = open_marked(&browser, &path);
    // One bar per level of the nine comparisons.
    assert_eq!(page.count("svg.levels rect.level"), 38);
    assert_eq!(page.count("table.levels tr"), 39);
    // A line each for precision, recall and F1 over the 21 thresholds,
    // and the linkage's threshold marked.
    for line in ["precision", "recall", "f1"] {
        assert_eq!(
            page.count(&format!("svg.curve polyline.{line}")),
            1,
            "{line}"
        );
        let points = page.eval(&format!(
            "document.querySelector('svg.curve polyline.{line}').points.numberOfItems"
        ));
        assert_eq!(points, 21, "{line}");
    }
    assert_eq!(page.count("svg.curve line.threshold"), 1);
    assert_eq!(page.count("svg.curve circle.as-linked"), 1);
    assert_clean(&page);
}

#[test]
fn the_model_curve_can_be_estimated_from_clerical_labels() {
    let dir = linkage_dir();
    let (out, _) = ok_in(
        &dir,
        "2",
        &[
            "link",
            "model",
            "fake_1000.csv",
            "--profile",
            "splink-fake",
            "--labels",
            "fake_1000_labels.csv",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let e = &v["evaluation"];
    assert_eq!(e["against"], "labels");
    // Splink's file: 2,031 labelled matches among 3,176 labelled pairs.
    assert_eq!(e["pairs_true"], 2031);
    assert_eq!(e["mentions"], 3176);
    // As linked, the same estimate as `link eval --labels` (tests/it/link.rs).
    let recall = e["as_linked"]["recall"].as_f64().unwrap();
    assert!((recall - 0.7400).abs() < 5e-5, "{recall}");
    let curve = e["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 21);
    // A higher threshold links no more pairs.
    let found: Vec<u64> = curve
        .iter()
        .map(|p| p["pairs_found"].as_u64().unwrap())
        .collect();
    assert!(found.windows(2).all(|w| w[0] >= w[1]), "{found:?}");
    let (md, _) = ok_in(
        &dir,
        "1",
        &[
            "link",
            "model",
            "fake_1000.csv",
            "--profile",
            "splink-fake",
            "--labels",
            "fake_1000_labels.csv",
        ],
    );
    assert!(md.contains("## Against clerical labels"), "{md}");
}
