//! Snapshots of what users read first: `marac --help` and each command's help.

use crate::util::run;

#[test]
fn help_texts() {
    for cmd in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["scan", "--help"],
        vec!["agenda", "--help"],
        vec!["link", "--help"],
        vec!["hotspots", "--help"],
        vec!["register", "--help"],
        vec!["synth", "--help"],
        vec!["demo", "--help"],
        vec!["profiles", "--help"],
        vec!["profiles", "draft", "--help"],
    ] {
        let r = run(&cmd);
        assert_eq!(r.code, 0, "{cmd:?}");
        let name = if cmd[0] == "--help" {
            "help_marac".to_string()
        } else {
            format!("help_{}", cmd[..cmd.len() - 1].join("_"))
        };
        insta::assert_snapshot!(name, r.stdout);
    }
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let r = run(&["scan"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("required arguments were not provided"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "agenda",
        "scan/week.csv",
        "--bcu",
        "Atlantis",
        "--as-of",
        "2026-11-20",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        "marac: error: --bcu Atlantis: no such BCU"
    );
    let r = run(&["validate", "--as-of", "2026-13-01", "scan/week.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'2026-13-01' is not a date (YYYY-MM-DD)"),
        "{}",
        r.stderr
    );
}
