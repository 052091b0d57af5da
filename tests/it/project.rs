//! The project file (`marac.toml`), `marac init`, `marac run`, and inputs
//! given as `PATH=PROFILE`.

use std::path::Path;

use crate::util::{run_in, synth_week};

/// A synthetic week split over two exports (`exports/a.csv`, `exports/b.csv`).
fn two_exports(dir: &Path) {
    let (code, _, err) = run_in(
        dir,
        &[
            "synth",
            "--seed",
            "5",
            "--incidents",
            "2500",
            "--end",
            "2026-11-20",
            "--out",
            "synth",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join("synth/incidents.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    std::fs::create_dir_all(dir.join("exports")).unwrap();
    let half = rows.len() / 2;
    for (name, part) in [("a.csv", &rows[..half]), ("b.csv", &rows[half..])] {
        let mut s = format!("{header}\n");
        for r in part {
            s.push_str(r);
            s.push('\n');
        }
        std::fs::write(dir.join("exports").join(name), s).unwrap();
    }
}

#[test]
fn init_writes_a_starting_project_and_never_replaces_one_unasked() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(tmp.path(), &["init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(tmp.path().join("marac.toml")).unwrap();
    assert!(text.contains("[[sources]]") && text.contains("register = \"marac.db\""));
    let (code, _, err) = run_in(tmp.path(), &["init"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "marac: error: marac.toml exists; --force replaces it\n"
    );
    let (code, _, _) = run_in(tmp.path(), &["init", "--force", "-q"]);
    assert_eq!(code, 0);
}

#[test]
fn a_command_given_no_inputs_reads_the_project_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(tmp.path(), &["validate"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "marac: error: no inputs: give INPUT files or folders, or run where a marac.toml \
         lists [[sources]] (or --project FILE)\n"
    );
    two_exports(tmp.path());
    std::fs::write(
        tmp.path().join("marac.toml"),
        "[[sources]]\npath = \"exports/*.csv\"\n",
    )
    .unwrap();
    let (code, out, err) = run_in(
        tmp.path(),
        &["validate", "--format", "json", "--as-of", "2026-11-20"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = crate::util::input_files(&v);
    assert_eq!(files, ["exports/a.csv", "exports/b.csv"]);
    assert_eq!(v["read"], 2500);
    // The same project named from elsewhere: paths are the project file's.
    let (code, out, err) = run_in(
        Path::new("/"),
        &[
            "validate",
            "--format",
            "json",
            "--as-of",
            "2026-11-20",
            "--project",
            tmp.path().join("marac.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["read"], 2500);
    // A source that matches nothing, and a key the file does not know.
    std::fs::write(
        tmp.path().join("marac.toml"),
        "[[sources]]\npath = \"exports/*.xlsx\"\n",
    )
    .unwrap();
    let (code, _, err) = run_in(tmp.path(), &["validate"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "marac: error: marac.toml: source exports/*.xlsx: no file matches\n"
    );
    std::fs::write(tmp.path().join("marac.toml"), "registr = \"x.db\"\n").unwrap();
    let (code, _, err) = run_in(tmp.path(), &["scan"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("marac: error: marac.toml:1: unknown field `registr`, expected one of"),
        "{err}"
    );
}

#[test]
fn each_input_may_carry_its_own_profile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let febrl = root.join("fixtures/linkage/febrl-dataset3.csv");
    let canonical = root.join("tests/data/link/incidents.csv");
    let arg = format!("{}=febrl", febrl.display());
    let (code, out, err) = run_in(
        root,
        &[
            "validate",
            "--format",
            "json",
            "--as-of",
            "2026-11-20",
            &arg,
            canonical.to_str().unwrap(),
        ],
    );
    assert!(code == 0 || code == 2, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["read"], 5000);
    assert_eq!(inputs[0]["rejected"], 0, "{err}");
    assert_eq!(inputs[1]["rejected"], 0, "{err}");
    assert_eq!(v["by_source"]["febrl"], 5000, "{v}");
    // An unknown profile names the built-in ones.
    let arg = format!("{}=febrl3", febrl.display());
    let (code, _, err) = run_in(root, &["validate", &arg]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("marac: error: profile febrl3: not a built-in profile (canonical,"),
        "{err}"
    );
}

#[test]
fn run_does_the_week_and_matches_link_scan_and_agenda() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    two_exports(dir);
    std::fs::write(
        dir.join("marac.toml"),
        "name = \"Test MARAC\"\nbcus = [\"CN\", \"East\"]\nout = \"out\"\nregister = \"marac.db\"\n\
         [[sources]]\npath = \"exports\"\nprofile = \"canonical\"\n",
    )
    .unwrap();
    let (code, _, err) = run_in(
        dir,
        &["run", "--as-of", "2026-11-20", "--meeting", "2026-11-26"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\r'),
        "no progress drawn: {err:?}"
    );
    assert!(err.contains("marac: created register marac.db\n"), "{err}");
    assert!(
        err.contains("marac: run: Test MARAC, as of 2026-11-20, meeting 2026-11-26\n"),
        "{err}"
    );
    assert!(err.contains("marac: run: 0 rejected rows (see out/validation-2026-11-20.md)\n"));
    let mut written: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "marac-pack-CN-2026-11-26-redacted.html",
            "marac-pack-CN-2026-11-26.html",
            "marac-pack-CN-2026-11-26.json",
            "marac-pack-EA-2026-11-26-redacted.html",
            "marac-pack-EA-2026-11-26.html",
            "marac-pack-EA-2026-11-26.json",
            "persons-2026-11-20.csv",
            "scan-2026-11-20.json",
            "validation-2026-11-20.md",
        ]
    );
    // The same as the commands one by one, with a fresh register and the same key.
    let (code, persons, _) = run_in(dir, &["link", "exports", "-q"]);
    assert_eq!(code, 0);
    assert_eq!(
        persons,
        std::fs::read_to_string(dir.join("out/persons-2026-11-20.csv")).unwrap()
    );
    let agenda = [
        "agenda",
        "exports",
        "--as-of",
        "2026-11-20",
        "--meeting",
        "2026-11-26",
        "--bcu",
        "CN",
        "--format",
        "json",
        "--key",
        "marac.db.key",
        "--register",
        "other.db",
        "--out",
        "agenda",
        "-q",
    ];
    let (code, _, err) = run_in(dir, &agenda);
    assert_eq!(code, 2, "other.db does not exist yet: {err}");
    let (code, _, _) = run_in(dir, &["register", "init", "--register", "other.db", "-q"]);
    assert_eq!(code, 0);
    let (code, _, err) = run_in(dir, &agenda);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(dir.join("agenda/marac-pack-CN-2026-11-26.json")).unwrap(),
        std::fs::read(dir.join("out/marac-pack-CN-2026-11-26.json")).unwrap()
    );
    // The next week compares with the scan saved.
    let (code, _, err) = run_in(
        dir,
        &["run", "--as-of", "2026-11-27", "--meeting", "2026-12-03"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("marac: run: since the last scan (2026-11-20): "),
        "{err}"
    );
}

#[test]
fn four_agencies_exports_give_the_week_of_the_same_records_in_the_canonical_layout() {
    // A data.police.uk street CSV, a council workbook (serial dates, title
    // rows, its own names), a housing CSV (day-first dates, its own issue
    // types), adult social care JSON Lines and a police CAD export, each
    // read with its own profile by `marac run`, against the same records
    // written in the canonical layout.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth_week(dir, "9");
    std::fs::write(
        dir.join("canonical.toml"),
        "out = \"canonical-packs\"\nregister = \"canonical.db\"\n\
         [[sources]]\npath = \"same-records-canonical.csv\"\n",
    )
    .unwrap();
    let week = [
        "run",
        "--as-of",
        "2026-11-20",
        "--meeting",
        "2026-11-26",
        "--key",
        "marac.key",
    ];
    let (code, _, err) = run_in(dir, &week);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("marac: run: 0 rejected rows"), "{err}");
    let mut canonical = week.to_vec();
    canonical.extend(["--project", "canonical.toml"]);
    let (code, _, err) = run_in(dir, &canonical);
    assert_eq!(code, 0, "{err}");
    let mut compared = 0;
    for entry in std::fs::read_dir(dir.join("packs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("validation-") {
            continue; // names the input files, which differ
        }
        let a = std::fs::read(dir.join("packs").join(&name)).unwrap();
        let b = std::fs::read(dir.join("canonical-packs").join(&name)).unwrap();
        assert!(
            a == b,
            "{name} differs between the exports and the canonical layout"
        );
        compared += 1;
    }
    // persons, scan, and 13 BCUs' full HTML, JSON and redacted HTML packs.
    assert_eq!(compared, 2 + 13 * 3);
}

#[test]
fn drafted_profiles_read_each_agency_export_once_filled_in_and_show_no_personal_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth_week(dir, "4");
    // Surnames and dates of birth of the people in the three exports.
    let text = std::fs::read_to_string(dir.join("same-records-canonical.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head = rdr.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (src, last, dob) = (col("source"), col("victim_last_name"), col("victim_dob"));
    let mut personal = std::collections::BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        if ["council-asb", "housing", "adult-social-care"].contains(&&rec[src]) {
            for v in [&rec[last], &rec[dob]] {
                if v.len() > 3 {
                    personal.insert(v.to_string());
                }
            }
        }
    }
    assert!(personal.len() > 500, "{}", personal.len());
    // (file, extra draft flags, the coordinator's edits)
    type Edit = fn(String) -> String;
    let cases: [(&str, &[&str], Edit); 3] = [
        (
            "exports/council-asb.xlsx",
            &["--sheet", "ASB cases", "--header-row", "3"],
            |d| d.replace("# source = \"council-asb\"", "source = \"council-asb\""),
        ),
        ("exports/housing.csv", &[], |d| {
            d.replace("# source = \"housing\"", "source = \"housing\"")
                .replace("kind = \"Sub Type\"", "kind = \"Issue Type\"")
                .replace(
                    "[values.kind]\n",
                    "[values.kind]\n\"Nuisance / ASB\" = \"asb\"\n\"Neighbour dispute\" = \"dispute\"\n",
                )
        }),
        ("exports/adult-social-care.jsonl", &[], |d| {
            d.replace(
                "# source = \"adult-social-care\"",
                "source = \"adult-social-care\"",
            )
            .replace("# kind = \"asb\"", "kind = \"safeguarding\"")
        }),
    ];
    for (file, flags, edit) in cases {
        let mut args = vec!["profiles", "draft", file];
        args.extend_from_slice(flags);
        let (code, draft, err) = run_in(dir, &args);
        assert_eq!(code, 0, "{file}: {err}");
        // Whole words only: "Hill" may be part of "Hillingdon".
        let words = |t: &str| -> std::collections::BTreeSet<String> {
            t.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
                .map(str::to_string)
                .collect()
        };
        let shown = words(&format!("{draft}\n{err}"));
        let leaked: Vec<&String> = personal.iter().filter(|v| shown.contains(*v)).collect();
        assert!(
            leaked.is_empty(),
            "{file}: the draft shows personal values: {leaked:?}"
        );
        let profile = dir.join(format!("{}.toml", file.replace(['/', '.'], "-")));
        std::fs::write(&profile, edit(draft)).unwrap();
        let input = format!("{file}={}", profile.display());
        let (code, out, err) = run_in(
            dir,
            &[
                "validate",
                "--as-of",
                "2026-11-20",
                "--format",
                "json",
                &input,
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert!(code == 0 && v["rejected"] == 0, "{file}: {err}\n{out}");
        assert!(v["read"].as_u64().unwrap() > 100, "{file}: {out}");
    }
    // Without `=PROFILE`, the project's profiles/ folder is searched: one
    // match reads the file, two are refused, naming both.
    let (code, _, err) = run_in(dir, &["validate", "exports/housing.csv", "-q"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join("profiles/housing.toml")).unwrap();
    std::fs::write(
        dir.join("profiles/housing-copy.toml"),
        text.replace("name = \"housing\"", "name = \"housing-copy\""),
    )
    .unwrap();
    let (code, _, err) = run_in(dir, &["validate", "exports/housing.csv", "-q"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "marac: error: exports/housing.csv: the header matches several profiles \
         (housing-copy, housing); name the one to read it with\n"
    );
}

#[test]
fn run_links_with_the_projects_labels_from_a_file_or_the_register() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/link");
    std::fs::create_dir_all(dir.join("exports")).unwrap();
    std::fs::copy(
        data.join("incidents.csv"),
        dir.join("exports/incidents.csv"),
    )
    .unwrap();
    std::fs::copy(data.join("labels.csv"), dir.join("labels.csv")).unwrap();
    let project = |labels: &str| {
        std::fs::write(
            dir.join("marac.toml"),
            format!(
                "out = \"out\"\nregister = \"marac.db\"\nlabels = \"{labels}\"\n\
                 [[sources]]\npath = \"exports\"\nprofile = \"canonical\"\n"
            ),
        )
        .unwrap();
    };
    project("labels.csv");
    let week = ["run", "--as-of", "2026-11-20", "--meeting", "2026-11-26"];
    let (code, _, err) = run_in(dir, &week);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("marac: link: labels: 4 read, 2 used"), "{err}");
    let persons = std::fs::read_to_string(dir.join("out/persons-2026-11-20.csv")).unwrap();
    // The same persons as `marac link` with the same labels.
    let (code, linked, _) = run_in(dir, &["link", "exports", "--labels", "labels.csv", "-q"]);
    assert_eq!(code, 0);
    assert_eq!(persons, linked);
    let (_, plain, _) = run_in(dir, &["link", "exports", "-q"]);
    assert_ne!(persons, plain, "the labels changed the persons");
    // The same labels from the register.
    let (code, out, err) = run_in(
        dir,
        &[
            "register",
            "labels",
            "import",
            "labels.csv",
            "--labeller",
            "reviewer1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "imported labels from labels.csv: 4 added, 0 unchanged, 0 replaced (1 unlabelled and 2 rejected rows skipped)\n"
    );
    project("register");
    let (code, _, err) = run_in(dir, &week);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("marac: read 4 labels from the register marac.db\n"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out/persons-2026-11-20.csv")).unwrap(),
        persons
    );
}
