//! HTTP tests of the console, in process (`tower::ServiceExt::oneshot`):
//! sessions, lock-out, CSRF, each role's pages and writes, the meeting from
//! opening to the register, concurrent writers, headers and the log.

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use marac_model::{Incident, PersonDetails, PersonMention, Role, VulnerabilitySet};
use marac_pipeline::Records;
use marac_register::{Register, UserRole};
use tower::ServiceExt;

use crate::{Console, Settings};

const PASSWORD: &str = "correct horse battery";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An ASB report of a named, vulnerable victim in Central North.
fn asb(id: &str, date: &str, first: &str) -> Incident {
    let mut i = marac_risk::testkit::incident(id, date);
    i.vulnerabilities = VulnerabilitySet::parse_list("learning_disability").unwrap();
    i.victim = Some(Box::new(PersonDetails {
        first_name: Some(first.into()),
        last_name: Some("Zebedee-Marker".into()),
        dob: Some(d("1970-01-02")),
        ..PersonDetails::default()
    }));
    i
}

/// Two repeat victims in Central North (Ann, Bo): both eligible.
fn records() -> Records {
    let mut incidents = Vec::new();
    let mut mentions = Vec::new();
    for (person, first, dates) in [
        ("A", "Annabelle", ["2026-08-01", "2026-09-01", "2026-10-01"]),
        ("B", "Bohdana", ["2026-08-03", "2026-09-03", "2026-11-03"]),
    ] {
        for (n, date) in dates.iter().enumerate() {
            let id = format!("{person}{n}");
            mentions.push(PersonMention::new(id.clone(), Role::Victim, person));
            incidents.push(asb(&id, date, first));
        }
    }
    Records {
        incidents,
        mentions,
        areas: marac_geo::Areas::london(),
        referrals: Default::default(),
        config: Default::default(),
    }
}

struct World {
    _dir: tempfile::TempDir,
    register: std::path::PathBuf,
    console: Arc<Console>,
    packs: Arc<Mutex<Vec<(String, bool)>>>,
}

fn world_with(secure: bool) -> World {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("marac.db");
    let mut reg = Register::init(&register, "setup").unwrap();
    reg.add_user("chair", UserRole::Chair, None, PASSWORD)
        .unwrap();
    reg.add_user("coord", UserRole::Coordinator, None, PASSWORD)
        .unwrap();
    reg.add_user("housing", UserRole::Agency, Some("housing"), PASSWORD)
        .unwrap();
    reg.add_user("police", UserRole::Agency, Some("met-police"), PASSWORD)
        .unwrap();
    drop(reg);
    let mut settings = Settings::new(register.clone(), b"test secret".to_vec());
    settings.as_of = Some(d("2026-11-20"));
    settings.today = Some(d("2026-11-27"));
    settings.secure_cookies = secure;
    let packs = Arc::new(Mutex::new(Vec::new()));
    let sink = packs.clone();
    let console = Console::new(
        settings,
        Box::new(|_| Ok(records())),
        Box::new(move |full, redacted| {
            let mut s = sink.lock().unwrap();
            s.push((serde_json::to_string(full).unwrap(), false));
            s.push((serde_json::to_string(redacted).unwrap(), true));
            Ok(vec!["full".into(), "redacted".into()])
        }),
    );
    console.load_week("test").unwrap();
    World {
        _dir: dir,
        register,
        console,
        packs,
    }
}

fn world() -> World {
    world_with(false)
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The value of the first hidden field `name` on the page.
    fn field(&self, name: &str) -> String {
        let key = format!("name=\"{name}\" value=\"");
        let at = self
            .body
            .find(&key)
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body));
        let rest = &self.body[at + key.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

async fn send(w: &World, req: Request<Body>) -> Reply {
    let resp = crate::router(w.console.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

fn post(path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Request<Body> {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut b =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body)).unwrap()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Tries to sign in; the reply of the POST.
async fn try_login(w: &World, name: &str, password: &str) -> Reply {
    let form = send(w, get("/login", None)).await;
    let token = form.field("login_token");
    let cookie = format!("marac_login={token}");
    send(
        w,
        post(
            "/login",
            Some(&cookie),
            &[
                ("login_token", &token),
                ("name", name),
                ("password", password),
            ],
        ),
    )
    .await
}

/// A signed-in session: its cookie header and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn login(w: &World, name: &str) -> Session {
    let r = try_login(w, name, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/");
    let set = r.cookie("marac_session").expect("a session cookie");
    let cookie = set.split(';').next().unwrap().to_string();
    let page = send(w, get("/", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.field("csrf");
    Session { cookie, csrf }
}

fn case_refs(w: &World) -> Vec<String> {
    let week = w.console.week().unwrap();
    let mut refs: Vec<String> = week.decisions.case_refs.values().cloned().collect();
    refs.sort();
    refs
}

#[tokio::test]
async fn no_page_is_reachable_without_a_session() {
    let w = world();
    let case = &case_refs(&w)[0];
    for path in [
        "/".to_string(),
        format!("/cases/{case}"),
        "/meetings".into(),
        "/actions".into(),
        "/figures".into(),
        "/audit".into(),
        "/users".into(),
        "/nowhere".into(),
    ] {
        let r = send(&w, get(&path, None)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), "/login", "{path}");
        assert!(!r.body.contains(case), "{path}");
    }
    // A made-up session cookie is no session.
    let r = send(
        &w,
        get(&format!("/cases/{case}"), Some("marac_session=00ff")),
    )
    .await;
    assert_eq!(r.location(), "/login");
    for path in ["/week/rescan", "/meetings", "/actions/1", "/logout"] {
        let r = send(&w, post(path, None, &[("csrf", "x")])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), "/login", "{path}");
    }
}

#[tokio::test]
async fn sign_in_and_out() {
    let w = world();
    let r = try_login(&w, "chair", PASSWORD).await;
    let cookie = r.cookie("marac_session").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    let s = login(&w, "chair").await;
    let page = send(&w, get("/", Some(&s.cookie))).await;
    assert!(page.body.contains("<h1>This week</h1>"));
    assert!(page.body.contains("Sign out (chair, chair)"));
    let out = send(&w, post("/logout", Some(&s.cookie), &[("csrf", &s.csrf)])).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login?m=out");
    assert!(out.cookie("marac_session").unwrap().contains("Max-Age=0"));
    let after = send(&w, get("/", Some(&s.cookie))).await;
    assert_eq!(
        after.location(),
        "/login",
        "the session ended on the server"
    );
}

#[tokio::test]
async fn secure_cookies_behind_tls() {
    let w = world_with(true);
    let r = try_login(&w, "chair", PASSWORD).await;
    assert!(r.cookie("marac_session").unwrap().contains("; Secure"));
    assert!(r.headers.get("strict-transport-security").is_some());
}

#[tokio::test]
async fn wrong_password_then_lock_out() {
    let w = world();
    let r = try_login(&w, "chair", "not the password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("The user name or password is not right."));
    assert!(r.cookie("marac_session").is_none());
    // Unknown users get the same answer.
    let r = try_login(&w, "nobody", "not the password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("The user name or password is not right."));
    for _ in 1..marac_register::LOCK_AFTER_FAILURES {
        try_login(&w, "chair", "not the password").await;
    }
    let r = try_login(&w, "chair", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "locked even with the right password"
    );
    assert!(r.body.contains("locked after repeated failed sign-ins"));
    assert!(r.cookie("marac_session").is_none());
    // The chair's colleague is not locked; the chair unlocks through the register.
    login(&w, "coord").await;
    let mut reg = Register::open(&w.register, "admin").unwrap();
    reg.unlock_user("chair").unwrap();
    login(&w, "chair").await;
}

#[tokio::test]
async fn a_login_form_from_elsewhere_is_refused() {
    let w = world();
    let r = send(
        &w,
        post(
            "/login",
            None,
            &[
                ("login_token", "abc"),
                ("name", "chair"),
                ("password", PASSWORD),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login?m=expired");
    assert!(r.cookie("marac_session").is_none());
}

#[tokio::test]
async fn every_write_needs_the_sessions_csrf_token() {
    let w = world();
    let s = login(&w, "chair").await;
    let other = login(&w, "coord").await;
    for token in ["", "0000", other.csrf.as_str()] {
        let r = send(
            &w,
            post(
                "/meetings",
                Some(&s.cookie),
                &[
                    ("csrf", token),
                    ("bcu", "Central North"),
                    ("date", "2026-11-27"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "token {token:?}");
        assert!(r
            .body
            .contains("This form has expired or did not come from this console."));
    }
    let reg = Register::open(&w.register, "t").unwrap();
    assert!(reg.drafts().unwrap().is_empty(), "nothing was opened");
}

#[tokio::test]
async fn roles_see_and_write_what_they_may() {
    let w = world();
    let chair = login(&w, "chair").await;
    let coord = login(&w, "coord").await;
    let housing = login(&w, "housing").await;
    let case = case_refs(&w)[0].clone();
    let status = |r: &Reply| r.status;
    // Pages.
    for (who, path, want) in [
        (&chair, "/audit", StatusCode::OK),
        (&chair, "/users", StatusCode::OK),
        (&chair, "/meetings", StatusCode::OK),
        (&coord, "/meetings", StatusCode::OK),
        (&coord, "/audit", StatusCode::FORBIDDEN),
        (&coord, "/users", StatusCode::FORBIDDEN),
        (&housing, "/meetings", StatusCode::FORBIDDEN),
        (&housing, "/audit", StatusCode::FORBIDDEN),
        (&housing, "/users", StatusCode::FORBIDDEN),
        (&housing, "/actions", StatusCode::OK),
        (&housing, "/figures", StatusCode::OK),
        (&housing, "/", StatusCode::OK),
    ] {
        let r = send(&w, get(path, Some(&who.cookie))).await;
        assert_eq!(status(&r), want, "{path}");
    }
    // Case pages: full for the chair, redacted for an agency.
    let full = send(&w, get(&format!("/cases/{case}"), Some(&chair.cookie))).await;
    assert_eq!(full.status, StatusCode::OK);
    assert!(
        full.body.contains("Zebedee-Marker"),
        "the chair sees the name"
    );
    assert!(full.body.contains("1970-01-02"));
    let red = send(&w, get(&format!("/cases/{case}"), Some(&housing.cookie))).await;
    assert_eq!(red.status, StatusCode::OK);
    assert!(red.body.contains(&case));
    assert!(
        !red.body.contains("Zebedee-Marker"),
        "an agency sees initials only"
    );
    assert!(!red.body.contains("1970-01-02"));
    // Writes.
    let r = send(
        &w,
        post(
            "/meetings",
            Some(&housing.cookie),
            &[
                ("csrf", &housing.csrf),
                ("bcu", "Central North"),
                ("date", "2026-11-27"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &w,
        post(
            "/week/rescan",
            Some(&housing.cookie),
            &[("csrf", &housing.csrf)],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &w,
        post(
            "/users/housing",
            Some(&coord.cookie),
            &[("csrf", &coord.csrf), ("op", "grant")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The chair grants housing the full view.
    let r = send(
        &w,
        post(
            "/users/housing",
            Some(&chair.cookie),
            &[("csrf", &chair.csrf), ("op", "grant")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let granted = send(&w, get(&format!("/cases/{case}"), Some(&housing.cookie))).await;
    assert!(granted.body.contains("Zebedee-Marker"));
}

/// Opens a meeting of Central North as `s`; its reference and page.
async fn open_meeting(w: &World, s: &Session) -> (String, Reply) {
    let r = send(
        w,
        post(
            "/meetings",
            Some(&s.cookie),
            &[
                ("csrf", &s.csrf),
                ("bcu", "Central North"),
                ("date", "2026-11-27"),
                ("chair", "Chair Person"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location().to_string();
    let mref = loc
        .strip_prefix("/meetings/")
        .and_then(|x| x.split('?').next())
        .unwrap()
        .to_string();
    let page = send(w, get(&loc, Some(&s.cookie))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (mref, page)
}

#[tokio::test]
async fn a_meeting_from_opening_to_the_register() {
    let w = world();
    let chair = login(&w, "chair").await;
    let (mref, page) = open_meeting(&w, &chair).await;
    assert_eq!(mref, "CN-2026-11-27");
    let refs = case_refs(&w);
    assert!(
        refs.iter().all(|r| page.body.contains(r.as_str())),
        "every case on the agenda"
    );
    let v = page.field("version");
    assert_eq!(v, "1");
    // Attendance.
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/attendance"),
            Some(&chair.cookie),
            &[
                ("csrf", &chair.csrf),
                ("version", "1"),
                ("attended", "met-police\nhousing"),
                ("apologies", "health"),
                ("confidentiality", "yes"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Case 1 heard with a typed action; case 2 deferred.
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/cases/{}", refs[0]),
            Some(&chair.cookie),
            &[
                ("csrf", &chair.csrf),
                ("version", "2"),
                ("heard", "heard"),
                ("note", "Joint visit agreed"),
                ("owner", "housing"),
                ("due", "2026-12-11"),
                ("text", "Visit with the DDPO advocate"),
                ("op", "save"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/cases/{}", refs[1]),
            Some(&chair.cookie),
            &[
                ("csrf", &chair.csrf),
                ("version", "3"),
                ("heard", "deferred"),
                ("op", "save"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A stale form is refused, not applied.
    let stale = send(
        &w,
        post(
            &format!("/meetings/{mref}/cases/{}", refs[1]),
            Some(&chair.cookie),
            &[
                ("csrf", &chair.csrf),
                ("version", "2"),
                ("heard", "heard"),
                ("op", "save"),
            ],
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("was changed by someone else"));
    // A coordinator cannot close it.
    let coord = login(&w, "coord").await;
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/close"),
            Some(&coord.cookie),
            &[("csrf", &coord.csrf), ("version", "4")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The chair closes it.
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/close"),
            Some(&chair.cookie),
            &[("csrf", &chair.csrf), ("version", "4")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("/meetings/{mref}?done=closed"));
    // The register holds the meeting, the hearings and the action.
    let reg = Register::open(&w.register, "t").unwrap();
    assert!(reg.drafts().unwrap().is_empty());
    let meetings = reg.meetings(None).unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(
        (meetings[0].heard, meetings[0].deferred, meetings[0].actions),
        (1, 1, 1)
    );
    assert_eq!(meetings[0].chair.as_deref(), Some("Chair Person"));
    let h = reg.history(&refs[0]).unwrap();
    assert_eq!(h.hearings.len(), 1);
    assert!(h.hearings[0].heard);
    assert_eq!(h.hearings[0].note.as_deref(), Some("Joint visit agreed"));
    assert_eq!(h.actions.len(), 1);
    assert_eq!(h.actions[0].owner, "housing");
    assert_eq!(h.actions[0].due, d("2026-12-11"));
    let h2 = reg.history(&refs[1]).unwrap();
    assert!(!h2.hearings[0].heard, "deferred");
    let log = reg.audit_log().unwrap();
    let cmds: Vec<(&str, &str)> = log
        .iter()
        .map(|a| (a.user.as_str(), a.command.as_str()))
        .collect();
    for want in [
        ("chair", "meeting open"),
        ("chair", "meeting edit"),
        ("chair", "record"),
        ("chair", "meeting close"),
    ] {
        assert!(cmds.contains(&want), "{want:?} in {cmds:?}");
    }
    // The packs were written: the full one carries the decisions, the redacted one no name.
    let packs = w.packs.lock().unwrap().clone();
    assert_eq!(packs.len(), 2);
    assert!(packs[0].0.contains("Visit with the DDPO advocate"));
    assert!(packs[0].0.contains("Zebedee-Marker"));
    assert!(!packs[1].0.contains("Zebedee-Marker"));
    // Recording the same pack again from the command line is refused: one meeting, one record.
    let mut reg = Register::open(&w.register, "t").unwrap();
    let err = reg.record_pack(&packs[0].0).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("meeting {mref} is already recorded; a meeting is recorded once")
    );
    // The recorded meeting's page.
    let page = send(
        &w,
        get(
            &format!("/meetings/{mref}?done=closed"),
            Some(&chair.cookie),
        ),
    )
    .await;
    assert!(
        page.body
            .contains("1 case heard, 1 deferred, 1 action agreed"),
        "{}",
        page.body
    );
}

/// The same meeting recorded through the console and through
/// `record_pack_with` gives the same register rows.
#[tokio::test]
async fn closing_in_the_console_is_the_register_record_write() {
    let w = world();
    let chair = login(&w, "chair").await;
    let (mref, _) = open_meeting(&w, &chair).await;
    let r = send(
        &w,
        post(
            &format!("/meetings/{mref}/close"),
            Some(&chair.cookie),
            &[("csrf", &chair.csrf), ("version", "1")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let pack = w.packs.lock().unwrap()[0].0.clone();
    let other = tempfile::tempdir().unwrap();
    let path = other.path().join("other.db");
    let mut reg2 = Register::init(&path, "chair").unwrap();
    reg2.record_pack_with(
        &pack,
        &marac_register::MeetingInfo {
            chair: Some("Chair Person".into()),
            attended: vec!["met-police".into()],
            apologies: vec![],
            confidentiality_signed: false,
        },
    )
    .unwrap();
    let reg1 = Register::open(&w.register, "t").unwrap();
    for r in case_refs(&w) {
        let (a, b) = (reg1.history(&r).unwrap(), reg2.history(&r).unwrap());
        assert_eq!(a.hearings, b.hearings, "{r}");
        assert_eq!(a.actions, b.actions, "{r}");
    }
}

#[tokio::test]
async fn two_people_updating_one_action_never_lose_an_update() {
    let w = world();
    let chair = login(&w, "chair").await;
    let (mref, _) = open_meeting(&w, &chair).await;
    let case = case_refs(&w)[0].clone();
    send(
        &w,
        post(
            &format!("/meetings/{mref}/cases/{case}"),
            Some(&chair.cookie),
            &[
                ("csrf", &chair.csrf),
                ("version", "1"),
                ("heard", "heard"),
                ("owner", "met-police"),
                ("due", "2026-12-01"),
                ("text", "Call back"),
                ("op", "save"),
            ],
        ),
    )
    .await;
    send(
        &w,
        post(
            &format!("/meetings/{mref}/close"),
            Some(&chair.cookie),
            &[("csrf", &chair.csrf), ("version", "2")],
        ),
    )
    .await;
    let police = login(&w, "police").await;
    let coord = login(&w, "coord").await;
    // Both open the actions page and see version 1.
    let p1 = send(&w, get("/actions", Some(&police.cookie))).await;
    let p2 = send(&w, get("/actions", Some(&coord.cookie))).await;
    assert!(p1.body.contains("Call back") && p2.body.contains("Call back"));
    let id = {
        let key = "action=\"/actions/";
        let at = p1.body.find(key).unwrap() + key.len();
        p1.body[at..at + p1.body[at..].find('"').unwrap()].to_string()
    };
    let (v1, v2) = (p1.field("version"), p2.field("version"));
    assert_eq!((v1.as_str(), v2.as_str()), ("1", "1"));
    let first = send(
        &w,
        post(
            &format!("/actions/{id}"),
            Some(&police.cookie),
            &[
                ("csrf", &police.csrf),
                ("version", &v1),
                ("outcome", "done"),
                ("note", "Called"),
            ],
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = send(
        &w,
        post(
            &format!("/actions/{id}"),
            Some(&coord.cookie),
            &[
                ("csrf", &coord.csrf),
                ("version", &v2),
                ("outcome", "agency_did_not_act"),
            ],
        ),
    )
    .await;
    assert_eq!(
        second.status,
        StatusCode::CONFLICT,
        "the second writer is told"
    );
    assert!(
        second.body.contains("was changed by someone else"),
        "{}",
        second.body
    );
    let reg = Register::open(&w.register, "t").unwrap();
    let a = reg.action(id.parse().unwrap()).unwrap();
    assert_eq!(a.status, marac_register::ActionStatus::Done);
    assert_eq!(a.note.as_deref(), Some("Called"));
    // An agency cannot touch another agency's action, nor see it.
    let housing = login(&w, "housing").await;
    let page = send(&w, get("/actions", Some(&housing.cookie))).await;
    assert!(!page.body.contains("Call back"));
    let r = send(
        &w,
        post(
            &format!("/actions/{id}"),
            Some(&housing.cookie),
            &[
                ("csrf", &housing.csrf),
                ("version", "2"),
                ("outcome", "done"),
            ],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let w = world();
    let s = login(&w, "chair").await;
    for path in ["/", "/login", "/actions"] {
        let r = send(&w, get(path, Some(&s.cookie))).await;
        let h = |k: &str| {
            r.headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert!(
            h("content-security-policy").starts_with("default-src 'self'"),
            "{path}"
        );
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(h("x-frame-options"), "DENY");
        assert_eq!(h("cache-control"), "no-store");
        assert_eq!(h("referrer-policy"), "no-referrer");
        assert_eq!(h("x-content-type-options"), "nosniff");
    }
    // No page loads anything from elsewhere, and none runs a script.
    let page = send(&w, get("/", Some(&s.cookie))).await;
    assert!(!page.body.contains("<script"));
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
}

#[tokio::test]
async fn the_log_holds_route_patterns_not_references() {
    let w = world();
    let s = login(&w, "chair").await;
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let app = crate::routes::with_log(
        crate::router(w.console.clone()),
        Some(Arc::new(move |l: &str| {
            sink.lock().unwrap().push(l.to_string())
        })),
    );
    let case = case_refs(&w)[0].clone();
    let r = app
        .oneshot(get(&format!("/cases/{case}"), Some(&s.cookie)))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("GET /cases/{case_ref} 200 "),
        "{}",
        lines[0]
    );
    assert!(!lines[0].contains(&case));
}

#[test]
fn registers_outlive_the_console() {
    // A console's register is an ordinary register: the CLI opens it.
    let w = world();
    let p: &Path = &w.register;
    let reg = Register::open(p, "cli").unwrap();
    assert_eq!(reg.users().unwrap().len(), 4);
}
