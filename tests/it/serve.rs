//! `marac serve` end to end: the binary serving a synthetic week from its
//! project file, driven in headless Chromium as a chair and as an agency
//! user, every page checked with axe-core; then the command line reads what
//! the browser wrote.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::browser::{Browser, Page};
use crate::util::{register_with_users, run_in_with as run_in, synth_week};

const PASSWORD: &str = "a long enough password";

/// The server process, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `marac serve` in `dir` on a free port; returns once it listens.
fn serve(dir: &Path, args: &[&str]) -> Server {
    let bin = assert_cmd::cargo::cargo_bin("marac");
    let mut child = Command::new(bin)
        .current_dir(dir)
        .arg("serve")
        .args(args)
        .args(["--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("RAYON_NUM_THREADS")
        .spawn()
        .expect("marac serve starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving the meeting console on ").nth(1) {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(rest.split(' ').next().unwrap_or("").to_string());
                }
            }
            // Every request line names a route pattern, never a value.
            assert!(!line.contains("Zz"), "a marker reached the log: {line}");
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("marac serve printed its address");
    Server {
        child,
        url: url.trim_end_matches('/').to_string(),
    }
}

/// Opens a page and checks it: no console errors, no serious or critical
/// accessibility violation.
fn visit(page: &Page, url: &str, what: &str) {
    page.goto(url);
    check(page, what);
}

/// At 200 % zoom (a 640-pixel window) the page reflows: nothing wider than
/// the window but the tables, which scroll in their own region.
fn reflows(page: &Page, what: &str) {
    page.set_viewport(640, 900);
    let overflow = page.eval("document.documentElement.scrollWidth - window.innerWidth");
    page.set_viewport(1280, 900);
    assert!(
        overflow.as_i64().unwrap_or(999) <= 0,
        "{what}: wider than the window at 200 %: {overflow}"
    );
}

fn check(page: &Page, what: &str) {
    reflows(page, what);
    let found = page.axe();
    for v in &found {
        eprintln!("{what}: axe: {v}");
    }
    let bad: Vec<String> = found
        .into_iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .map(|v| v.to_string())
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: accessibility violations:\n{}",
        bad.join("\n")
    );
    let errors = page.console_errors();
    assert!(errors.is_empty(), "{what}: console errors: {errors:?}");
}

fn sign_in(page: &Page, base: &str, name: &str) {
    visit(page, &format!("{base}/login"), "sign-in page");
    page.fill("#name", name);
    page.fill("#password", PASSWORD);
    page.click_and_wait("main form button[type=submit]");
    assert_eq!(page.url(), format!("{base}/"), "signed in as {name}");
}

fn sign_out(page: &Page) {
    page.click_and_wait("header form button[type=submit]");
    assert!(page.text("main").contains("You are signed out."));
}

#[test]
fn a_chair_holds_a_meeting_and_an_agency_closes_its_action_in_the_browser() {
    let Some(browser) = Browser::launch() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    synth_week(dir, "5");
    register_with_users(
        dir,
        "marac.db",
        &[
            ("chair", "chair", None),
            ("housing-desk", "agency", Some("housing")),
        ],
        PASSWORD,
    );
    let server = serve(
        dir,
        &[
            "--register",
            "marac.db",
            "--as-of",
            "2026-11-20",
            "--out",
            "packs",
        ],
    );
    let base = server.url.clone();
    let page = browser.new_page();

    // The chair signs in; the week loads in the background.
    sign_in(&page, &base, "chair");
    let cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.name == "marac_session")
        .expect("session cookie");
    assert!(cookie.http_only);
    assert_eq!(cookie.same_site.as_deref(), Some("Strict"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        page.goto(&format!("{base}/"));
        if !page.text("main").contains("still being read") {
            break;
        }
        assert!(Instant::now() < deadline, "the week did not load");
        std::thread::sleep(Duration::from_millis(500));
    }
    check(&page, "this week");
    let bcu = page
        .eval(
            "[...document.querySelectorAll('caption')].map(c => c.textContent)\
             .filter(t => t.startsWith('Eligible cases, '))[0].slice('Eligible cases, '.length)",
        )
        .as_str()
        .expect("a BCU with eligible cases")
        .to_string();

    // Open the meeting.
    visit(&page, &format!("{base}/meetings"), "meetings");
    page.select("#bcu", &bcu);
    page.fill("#date", "2026-11-27");
    page.click_and_wait("form[action='/meetings'] button[type=submit]");
    assert!(
        page.url().contains("/meetings/") && page.url().contains("-2026-11-27"),
        "{}",
        page.url()
    );
    check(&page, "meeting");
    let mref = page
        .url()
        .split("/meetings/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let case = page.text("section.case h3 a");

    // Attendance, then the first case: heard, a decision, an action.
    page.fill("#apologies", "health");
    page.check("#confidentiality", true);
    page.click_and_wait("form[action$='/attendance'] button[type=submit]");
    page.check("#c0-heard", true);
    page.fill("#c0-note", "Joint visit agreed with the DDPO advocate");
    page.fill("#c0-owner", "housing");
    page.fill("#c0-due", "2026-12-11");
    page.fill("#c0-text", "Visit with the advocate and review the tenancy");
    page.click_and_wait("section.case button[value=save]");
    assert!(page
        .text("main")
        .contains("Visit with the advocate and review the tenancy"));
    check(&page, "meeting with a decision");

    // The chair's other pages.
    visit(&page, &format!("{base}/cases/{case}"), "case page");
    assert!(page.text("main").contains("Chronology across agencies"));
    visit(&page, &format!("{base}/figures"), "figures");
    visit(&page, &format!("{base}/users"), "users");

    // Close the meeting.
    page.goto(&format!("{base}/meetings/{mref}"));
    page.click_and_wait("form[action$='/close'] button[type=submit]");
    assert!(
        page.text("main").contains("recorded in the register"),
        "{}",
        page.text("main")
    );
    check(&page, "recorded meeting");
    visit(&page, &format!("{base}/audit"), "audit");
    assert!(page.text("main").contains("meeting close"));
    sign_out(&page);

    // The owner agency marks its action done.
    sign_in(&page, &base, "housing-desk");
    visit(&page, &format!("{base}/actions"), "actions (agency)");
    assert!(page
        .text("main")
        .contains("Visit with the advocate and review the tenancy"));
    page.select("select[name=outcome]", "done");
    page.fill("textarea[name=note]", "Visited on 2 December");
    page.click_and_wait("form[action^='/actions/'] button[type=submit]");
    assert!(page.text("main").contains("The action is updated."));
    check(&page, "actions after the update");
    visit(&page, &format!("{base}/cases/{case}"), "case page (agency)");
    // Forbidden pages stay forbidden in the browser too.
    page.goto(&format!("{base}/meetings"));
    assert!(page
        .text("main")
        .contains("Meetings are prepared by the chair and the coordinator."));
    sign_out(&page);
    drop(page);
    drop(server);

    // The command line reads what the browser wrote.
    let (code, out, err) = run_in(
        dir,
        &["register", "history", &case, "--register", "marac.db"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&mref), "{out}");
    assert!(
        out.contains("Joint visit agreed with the DDPO advocate"),
        "{out}"
    );
    assert!(
        out.contains("Visit with the advocate and review the tenancy"),
        "{out}"
    );
    assert!(out.contains("Visited on 2 December"), "{out}");
    let (code, out, err) = run_in(
        dir,
        &[
            "register",
            "action",
            "list",
            "--register",
            "marac.db",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let actions: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ours: Vec<&serde_json::Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["case_ref"] == case.as_str())
        .collect();
    assert_eq!(ours.len(), 1, "{out}");
    assert_eq!(ours[0]["status"], "done");
    assert_eq!(ours[0]["owner"], "housing");
    // Both packs of the meeting were written, owner-only.
    let packs: Vec<String> = std::fs::read_dir(dir.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let date_part = "-2026-11-27";
    assert_eq!(
        packs.iter().filter(|p| p.contains(date_part)).count(),
        3,
        "{packs:?}"
    );
}

#[test]
fn serve_refuses_a_remote_address_without_allow_remote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (code, _, err) = run_in(
        dir,
        &["serve", "--bind", "0.0.0.0:8080", "--register", "x.db"],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--bind 0.0.0.0:8080: not a loopback address"),
        "{err}"
    );
}

#[test]
fn serve_needs_an_existing_register() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(
        tmp.path(),
        &["serve", "--register", "none.db", "--inputs", "."],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("none.db: no register there"), "{err}");
}
