//! `marac profiles draft`: a starting profile for an export, which reads
//! it once its value maps are filled in, and never shows a personal value.

use std::path::Path;

use crate::util::marac;

/// A council export with personal values that must never be shown.
const COUNCIL: &str = "\
Case Ref,Date Received,Type,Forename,Surname,DOB,Post Code,Borough,Officer
ASB-9001,03/11/2026,Noise nuisance,Orla,Marchbanks-Ffoulkes,14/09/1937,SE15 4QN,Camden,Pat Example
ASB-9002,04/11/2026,Neighbour dispute,Ezra,Thistlewood,22/12/1949,E8 2LX,Islington,Pat Example
ASB-9003,05/11/2026,Hate incident,Orla,Marchbanks-Ffoulkes,14/09/1937,SE15 4QN,Camden,
";

const PERSONAL: &[&str] = &[
    "Marchbanks",
    "Ffoulkes",
    "14/09/1937",
    "1937",
    "Thistlewood",
    "1949",
    "SE15 4QN",
    "E8 2LX",
    "ASB-900",
    "Pat Example",
    "Quennell",
    "1939",
];

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Out {
    let out = marac().current_dir(dir).args(args).output().expect("runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `marac validate INPUT --profile PROFILE --as-of 2026-11-20 [--format F]`
/// run in `dir`.
fn validate(dir: &Path, input: &str, profile: &Path, format: Option<&str>) -> Out {
    let profile = profile.display().to_string();
    let mut args = vec![
        "validate",
        input,
        "--profile",
        &profile,
        "--as-of",
        "2026-11-20",
    ];
    if let Some(f) = format {
        args.extend(["--format", f]);
    }
    run_in(dir, &args)
}

fn assert_no_personal_value(what: &str, text: &str) {
    for v in PERSONAL {
        assert!(!text.contains(v), "{v:?} in {what}:\n{text}");
    }
}

#[test]
fn a_drafted_profile_reads_its_export_once_filled_in() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("council.csv"), COUNCIL).unwrap();
    let r = run_in(
        tmp.path(),
        &["profiles", "draft", "council.csv", "--out", "council.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "marac: profile 'council' drafted from 3 rows of council.csv: 8 columns read, 1 not \
         read, 1 value to map (written to council.toml); fill in its TODOs, then try it with \
         `marac validate --profile`\n"
    );
    let draft = std::fs::read_to_string(tmp.path().join("council.toml")).unwrap();
    assert_no_personal_value("the draft", &draft);
    assert_no_personal_value("stderr", &r.stderr);
    assert!(
        draft.contains("\n# \"Noise nuisance\" = \"\"  # 1 row\n"),
        "{draft}"
    );
    // As drafted, it parses but has no source yet: every row would fail.
    let profile = tmp.path().join("council.toml");
    let r = validate(tmp.path(), "council.csv", &profile, None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("council.csv:1: source: required column is missing"),
        "{}",
        r.stderr
    );
    // Filled in, it reads every row.
    let filled = draft
        .replace("# source = \"council\"", "source = \"council-asb\"")
        .replace(
            "# \"Noise nuisance\" = \"\"",
            "\"Noise nuisance\" = \"asb\"",
        );
    std::fs::write(&profile, filled).unwrap();
    let r = validate(tmp.path(), "council.csv", &profile, Some("json"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["read"].as_u64(), v["rejected"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(v["by_kind"]["asb"], 1);
    assert_eq!(v["by_kind"]["hate"], 1);
}

#[test]
fn a_workbook_draft_takes_its_sheet_and_header_row() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingest");
    let r = run_in(
        &fixtures,
        &[
            "profiles",
            "draft",
            "asc-referrals.ods",
            "--sheet",
            "referrals",
            "--header-row",
            "2",
            "--name",
            "asc",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_no_personal_value("the draft", &r.stdout);
    assert_no_personal_value("stderr", &r.stderr);
    assert!(
        r.stdout
            .contains("\nname = \"asc\"\nsheet = \"Referrals\"\nheader_row = 2\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("victim_dob = \"Client DOB\"\n"));
    // Filled in, `validate` reads the workbook with it.
    let tmp = tempfile::tempdir().unwrap();
    let filled = r
        .stdout
        .replace("# source = \"asc\"", "source = \"adult-social-care\"")
        .replace("# kind = \"asb\"", "kind = \"safeguarding\"");
    let profile = tmp.path().join("asc.toml");
    std::fs::write(&profile, filled).unwrap();
    let r = validate(&fixtures, "asc-referrals.ods", &profile, Some("json"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (v["read"].as_u64(), v["rejected"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(v["inputs"][0]["sheet"], "Referrals");
    assert_eq!(v["warning_list"][0]["sheet"], "Referrals");
    assert_eq!(v["warning_list"][0]["line"], 5);
    let r = validate(&fixtures, "asc-referrals.ods", &profile, Some("md"));
    assert!(
        r.stdout
            .contains("| asc-referrals.ods, sheet Referrals | 3 | 3 | 0 | 1 | 0 |\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "- asc-referrals.ods:Referrals!5: harm: '7' is not a whole number from 1 to 5; \
             treated as missing\n"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("marac: warning: asc-referrals.ods:Referrals!5: harm:"),
        "{}",
        r.stderr
    );
}

#[test]
fn draft_errors_are_input_errors() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ingest");
    // Exit 2 and the message on stderr.
    let refused = |args: &[&str]| {
        let r = run_in(&fixtures, args);
        assert_eq!(r.code, 2, "{args:?}");
        r.stderr
    };
    assert_eq!(
        refused(&["profiles", "draft", "asc-referrals.ods", "--sheet", "Cases"]),
        "marac: error: asc-referrals.ods:1: no sheet 'Cases' in the workbook; its sheets: \
         Summary, Referrals\n"
    );
    assert_eq!(
        refused(&["profiles", "draft", "README.md", "--sheet", "x"]),
        "marac: error: --sheet: README.md is not a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods)\n"
    );
    let e = refused(&["profiles", "draft", "none.csv"]);
    assert!(e.starts_with("marac: error: none.csv: "), "{e}");
    // A built-in's name still prints it.
    let r = run_in(&fixtures, &["profiles", "police-uk"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("# data.police.uk street-level CSV"));
}
