//! `marac demo` on the embedded fixture.

use crate::util::run;

#[test]
fn demo_prints_the_pipeline_and_an_agenda() {
    let r = run(&["demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("# marac demo: synthetic London, as of 2026-11-20\n"));
    assert!(r
        .stdout
        .contains("Ingested 2000 records from 5 agencies (2000 accepted, 0 rejected)."));
    assert!(r.stdout.contains("## Community MARAC agenda: "));
    assert!(r.stdout.contains("OFFICIAL-SENSITIVE"));
    // The per-BCU table adds up to the fixture.
    let total: u64 = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| BCU") && l.matches('|').count() == 8)
        .filter_map(|l| {
            l.trim_end_matches('|')
                .rsplit('|')
                .next()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert_eq!(total, 2000);
}

#[test]
fn demo_is_deterministic() {
    assert_eq!(run(&["demo"]).stdout, run(&["demo"]).stdout);
}
