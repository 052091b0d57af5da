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
        vec!["link", "review", "--help"],
        vec!["link", "model", "--help"],
        vec!["hotspots", "--help"],
        vec!["register", "--help"],
        vec!["register", "user", "--help"],
        vec!["synth", "--help"],
        vec!["demo", "--help"],
        vec!["run", "--help"],
        vec!["init", "--help"],
        vec!["serve", "--help"],
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
    // No inputs and no project file (tests/data has none).
    let r = run(&["scan"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("marac: error: no inputs: give INPUT files or folders"),
        "{}",
        r.stderr
    );
    let r = run(&["agenda"]);
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

/// The licence of the embedded London boundaries (Open Government Licence
/// v3.0) asks for its attribution wherever they are used: the help of every
/// command that places records in them or draws them carries it; `profiles`
/// and `register`, which do neither, do not.
#[test]
fn help_of_every_command_using_the_boundaries_carries_the_attribution() {
    let uses = [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["scan", "--help"],
        vec!["scan", "eval", "--help"],
        vec!["agenda", "--help"],
        vec!["link", "--help"],
        vec!["link", "review", "--help"],
        vec!["link", "model", "--help"],
        vec!["link", "eval", "--help"],
        vec!["hotspots", "--help"],
        vec!["hotspots", "eval", "--help"],
        vec!["synth", "--help"],
        vec!["demo", "--help"],
    ];
    // Help text wraps at 100 columns; compare with the line breaks removed.
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for cmd in uses {
        let r = run(&cmd);
        assert_eq!(r.code, 0, "{cmd:?}");
        assert!(
            flat(&r.stdout).contains(marac_geo::LONDON_ATTRIBUTION),
            "{cmd:?}: {}",
            r.stdout
        );
    }
    for cmd in [vec!["profiles", "--help"], vec!["register", "--help"]] {
        let r = run(&cmd);
        assert!(!r.stdout.contains("Crown copyright"), "{cmd:?}");
    }
}
