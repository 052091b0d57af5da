//! `marac demo` on the embedded fixture.

use crate::util::run;

#[test]
fn demo_prints_the_agenda_of_one_bcu() {
    let r = run(&["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "<!-- marac demo: synthetic London (2000 incidents, 5 agencies), records up to 2026-11-20;"
    ));
    assert!(r
        .stdout
        .contains("**OFFICIAL-SENSITIVE**\n\n# Community MARAC: "));
    assert!(r.stdout.contains("## New referrals ("));
    assert!(r
        .stdout
        .contains("## Figures for the period (365 days to 2026-11-20)"));
    assert!(
        r.stderr.contains("2000 records ingested (0 rejected)"),
        "{}",
        r.stderr
    );
}

#[test]
fn demo_is_deterministic_and_writes_html_packs() {
    assert_eq!(run(&["demo"]).stdout, run(&["demo", "-q"]).stdout);
    let dir = tempfile::tempdir().unwrap();
    let r = run(&[
        "demo",
        "--bcu",
        "CN",
        "--html",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("# Community MARAC: Central North BCU (CN), 2026-11-27"));
    let n = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(n, 13);
    let html = std::fs::read_to_string(dir.path().join("marac-pack-CN-2026-11-27.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
}
