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
    // The 13 packs and their maps, byte for byte, with 1 and 2 threads.
    let packs: Vec<Vec<(std::ffi::OsString, Vec<u8>)>> = ["1", "2"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("t{threads}"));
            let o = crate::util::marac()
                .env("RAYON_NUM_THREADS", threads)
                .args(["-q", "demo", "--html", out.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(o.status.success());
            let mut files: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (e.file_name(), std::fs::read(e.path()).unwrap())
                })
                .collect();
            files.sort();
            files
        })
        .collect();
    assert_eq!(packs[0].len(), 13);
    assert!(packs[0]
        .iter()
        .all(|(_, b)| b.windows(4).any(|w| w == b"<svg")));
    assert!(packs[0] == packs[1], "the same packs with 1 and 2 threads");
}
