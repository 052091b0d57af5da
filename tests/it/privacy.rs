//! No personal data in any message: every command, and every route of the
//! meeting console, over a week whose personal fields hold unique marker
//! strings (and some invalid values, so that diagnostics are written), at
//! the default (most verbose) setting. A marker on stderr, in a console log
//! line, in a URL or in an error page fails the test. Redacted packs are
//! checked too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{register_with_users, run_in, run_in_with};

const PASSWORD: &str = "a long enough password";

/// The personal values written into the week; none may leak.
fn markers() -> Vec<String> {
    let mut m: Vec<String> = Vec::new();
    for p in 0..3 {
        m.push(format!("Zqfirst{p}x"));
        m.push(format!("Zqlast{p}x"));
        m.push(format!("{p} Zqstreet Road"));
        m.push(format!("Zqsuspect{p}x"));
        m.push(format!("Zqsumm{p}x"));
        m.push(format!("Zqplace{p}x"));
        m.push(format!("ZQREF{p}X"));
        m.push(format!("0799912345{p}"));
        m.push(format!("191{p}-11-11"));
    }
    m.extend(
        [
            "NW1 9ZQ", "NW19ZQ", "51.53471", "-0.14270", "Zqbaddob", "Zqbadlat",
        ]
        .map(String::from),
    );
    m
}

/// Writes the week: three victims with four ASB reports each (eligible:
/// repeat and vulnerable), a suspect, coordinates, and three rows with
/// invalid personal values.
fn write_week(dir: &Path) {
    let mut s = String::from(
        "incident_id,source,kind,reported_at,borough,lat,lon,location_text,victim_ref,victim_first_name,victim_last_name,victim_dob,victim_address,victim_postcode,victim_phone,suspect_first_name,suspect_last_name,vulnerabilities,harm,summary\n",
    );
    for p in 0..3 {
        for (k, date) in ["2026-07-01", "2026-08-01", "2026-09-01", "2026-11-01"]
            .iter()
            .enumerate()
        {
            let (lat, lon) = if p == 0 && k == 0 {
                ("51.53471".to_string(), "-0.14270".to_string())
            } else {
                (
                    format!("51.53{}{}", p + 1, k + 2),
                    format!("-0.14{}{}", k + 3, p + 1),
                )
            };
            s.push_str(&format!(
                "P{p}-{k},met-police,asb,{date},Camden,{lat},{lon},Zqplace{p}x,ZQREF{p}X,Zqfirst{p}x,Zqlast{p}x,191{p}-11-11,{p} Zqstreet Road,NW1 9ZQ,0799912345{p},Zqsuspect{p}x,Zqsuspect{p}x,learning_disability,2,Zqsumm{p}x was shouted at\n"
            ));
        }
    }
    s.push_str("B1,met-police,asb,2026-09-01,Camden,,,,,Zqfirst0x,Zqlast0x,Zqbaddob,,,,,,,,\n");
    s.push_str("B2,met-police,asb,2026-09-01,Camden,Zqbadlat,-0.1,,,,,,,,,,,,,\n");
    s.push_str("B3,met-police,asb,2026-09-01,Camden,,,,,,,,,,,,,,nine,\n");
    std::fs::write(dir.join("week.csv"), s).unwrap();
    let mut truth = String::from("incident_id,role,person_key\n");
    for p in 0..3 {
        for k in 0..4 {
            truth.push_str(&format!("P{p}-{k},victim,V{p}\nP{p}-{k},suspect,S{p}\n"));
        }
    }
    std::fs::write(dir.join("truth.csv"), truth).unwrap();
}

fn clean(what: &str, text: &str, markers: &[String]) {
    for m in markers {
        assert!(
            !text.contains(m.as_str()),
            "{what}: the personal value {m:?} appears in:\n{text}"
        );
    }
}

/// Runs a command in `dir`; its stderr must be clean; returns stdout.
fn cmd(dir: &Path, args: &[&str], markers: &[String]) -> String {
    let (code, out, err) = run_in(dir, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    clean(&format!("stderr of {args:?}"), &err, markers);
    out
}

#[test]
fn no_command_writes_a_personal_value_to_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let m = markers();
    write_week(d);
    let week = ["week.csv", "--as-of", "2026-11-20"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(week.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        cmd(d, &a, &m)
    };
    // Validation reports describe bad values, never show them.
    let report = run(with(&["validate", "--format", "json"]));
    clean("validate report", &report, &m);
    assert!(
        report.contains("victim_dob"),
        "the bad date is reported: {report}"
    );
    run(with(&["validate", "--format", "md"]));
    run(with(&["scan", "--format", "md"]));
    let scan = run(with(&["scan", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&scan).unwrap();
    let person = v["persons"][0]["person_id"].as_str().unwrap().to_string();
    run(with(&["scan", "--explain", &person]));
    let plain = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(["week.csv"].iter())
            .map(|s| s.to_string())
            .collect()
    };
    run(plain(&["link", "--out", "persons.csv"]));
    run(plain(&["link", "eval", "--truth", "truth.csv"]));
    run(plain(&["link", "review", "--out", "review.html"]));
    run(plain(&["link", "review", "--out", "review.csv"]));
    for format in ["md", "json", "html"] {
        run(plain(&[
            "link",
            "model",
            "--format",
            format,
            "--truth",
            "truth.csv",
            "--out",
            &format!("model.{format}"),
        ]));
    }
    for method in ["dbscan", "gistar", "kde", "repeat-locations", "near-repeat"] {
        run(plain(&[
            "hotspots",
            "--method",
            method,
            "--out",
            &format!("h-{method}.out"),
        ]));
    }
    run(plain(&[
        "hotspots", "--method", "gistar", "--format", "html", "--out", "h.html",
    ]));
    let draft = run(vec!["profiles".into(), "draft".into(), "week.csv".into()]);
    clean("drafted profile", &draft, &m);
    // Packs, full and redacted; the redacted ones are clean too.
    std::fs::create_dir_all(d.join("packs")).unwrap();
    for format in ["md", "html", "json", "csv"] {
        run(with(&[
            "agenda",
            "--bcu",
            "all",
            "--meeting",
            "2026-11-27",
            "--redact",
            "--format",
            format,
            "--out",
            "redacted",
        ]));
    }
    for f in std::fs::read_dir(d.join("redacted")).unwrap() {
        let p = f.unwrap().path();
        clean(
            &format!("{}", p.display()),
            &std::fs::read_to_string(&p).unwrap(),
            &m,
        );
    }
    // The register, end to end.
    run(vec![
        "register".into(),
        "init".into(),
        "--register".into(),
        "reg.db".into(),
    ]);
    run(with(&[
        "agenda",
        "--bcu",
        "Central North",
        "--meeting",
        "2026-11-27",
        "--format",
        "json",
        "--register",
        "reg.db",
        "--out",
        "full",
    ]));
    let pack_path = std::fs::read_dir(d.join("full"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap();
    std::fs::copy(&pack_path, d.join("pack.json")).unwrap();
    let pack = std::fs::read_to_string(d.join("pack.json")).unwrap();
    let case = serde_json::from_str::<serde_json::Value>(&pack).unwrap()["cases"][0]["case_ref"]
        .as_str()
        .unwrap()
        .to_string();
    let reg = |args: &[&str]| {
        let mut a: Vec<String> = vec!["register".into()];
        a.extend(args.iter().map(|s| s.to_string()));
        a.extend(["--register".into(), "reg.db".into()]);
        run(a)
    };
    reg(&["record", "pack.json", "--attended", "met-police,housing"]);
    reg(&[
        "action",
        "add",
        "--case",
        &case,
        "--owner",
        "housing",
        "--due",
        "2026-12-01",
        "--text",
        "Visit",
    ]);
    reg(&["action", "done", "1", "--note", "Visited"]);
    reg(&["action", "list"]);
    reg(&["cases"]);
    reg(&["history", &case]);
    reg(&["stats", "--to", "2026-12-31"]);
    reg(&["retention", "--older-than", "3650"]);
    reg(&["audit"]);
    let (code, _, err) = run_in_with(
        d,
        &[
            "register",
            "user",
            "add",
            "chair",
            "--role",
            "chair",
            "--password-stdin",
            "--register",
            "reg.db",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(code, 0, "{err}");
    clean("user add", &err, &m);
    reg(&["user", "list"]);
    reg(&["user", "unlock", "chair"]);
    // Labels: a review of this week, labelled, through the register and back.
    run(plain(&["link", "review", "--out", "labels.csv"]));
    let labelled: String = std::fs::read_to_string(d.join("labels.csv"))
        .unwrap()
        .lines()
        .enumerate()
        .map(|(n, l)| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if n > 0 && cells.len() > 4 {
                cells[4] = "not a match";
            }
            cells.join(",") + "\n"
        })
        .collect();
    std::fs::write(d.join("labels.csv"), labelled).unwrap();
    reg(&["labels", "import", "labels.csv", "--labeller", "analyst"]);
    reg(&["labels", "export", "--out", "exported.csv"]);
    run(with(&["scan", "--labels", "labels.csv", "--format", "md"]));
    run(vec!["profiles".into()]);
    // The week from a project file.
    run(vec!["init".into()]);
    std::fs::write(
        d.join("marac.toml"),
        "register = \"reg.db\"\nout = \"week-out\"\n[[sources]]\npath = \"week.csv\"\nprofile = \"canonical\"\n",
    )
    .unwrap();
    run(vec![
        "run".into(),
        "--as-of".into(),
        "2026-11-20".into(),
        "--meeting".into(),
        "2026-11-28".into(),
    ]);
    for f in std::fs::read_dir(d.join("week-out")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains("redacted") || name.starts_with("validation") {
            clean(&name, &std::fs::read_to_string(&p).unwrap(), &m);
        }
    }
}

/// A request of the test's client: method, path, cookie, form → status,
/// headers, body.
type Visit<'a> = dyn FnMut(&str, &str, &str, Option<&str>) -> (u16, String, String) + 'a;

/// A minimal HTTP/1.1 exchange: (status, headers, body).
fn http(
    base: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: Option<&str>,
) -> (u16, String, String) {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = form.unwrap_or("");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if form.is_some() {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn field(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + key.len();
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

/// Every URL on a page (href, action, src) and in a Location header.
fn urls(head: &str, body: &str) -> Vec<String> {
    let mut out: Vec<String> = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_string)
        .collect();
    for attr in ["href=\"", "action=\"", "src=\""] {
        let mut rest = body;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            out.push(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }
    out
}

#[test]
fn no_console_route_puts_a_personal_value_in_a_log_line_a_url_or_an_error_page() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let m = markers();
    write_week(d);
    register_with_users(
        d,
        "reg.db",
        &[
            ("chair", "chair", None),
            ("housing", "agency", Some("housing")),
        ],
        PASSWORD,
    );
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("marac"))
        .current_dir(d)
        .args([
            "serve",
            "--register",
            "reg.db",
            "--inputs",
            "week.csv",
            "--as-of",
            "2026-11-20",
            "--bind",
            "127.0.0.1:0",
            "--out",
            "packs",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let log = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving the meeting console on ").nth(1) {
                    let _ = tx.send(
                        rest.split(' ')
                            .next()
                            .unwrap_or("")
                            .trim_end_matches('/')
                            .to_string(),
                    );
                }
                log.lock().unwrap().push(line);
            }
        });
    }
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the console starts");
    let mut seen: Vec<(String, u16, String, String)> = Vec::new();
    let mut visit = |method: &str, path: &str, cookie: &str, form: Option<&str>| {
        let (status, head, body) = http(&base, method, path, cookie, form);
        seen.push((path.to_string(), status, head.clone(), body.clone()));
        (status, head, body)
    };
    let sign_in = |visit: &mut Visit, name: &str| {
        let (_, head, body) = visit("GET", "/login", "", None);
        let token = field(&body, "login_token");
        let login_cookie = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("set-cookie: marac_login=")
                    .then(|| l[12..].split(';').next().unwrap().to_string())
            })
            .unwrap();
        let form = format!("login_token={token}&name={name}&password={}", enc(PASSWORD));
        let (status, head, _) = visit("POST", "/login", &login_cookie, Some(&form));
        assert_eq!(status, 303, "{head}");
        let session = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("set-cookie: marac_session=")
                    .then(|| l[12..].split(';').next().unwrap().to_string())
            })
            .unwrap();
        let (_, _, page) = visit("GET", "/", &session, None);
        let csrf = field(&page, "csrf");
        (session, csrf)
    };
    let (chair, csrf) = sign_in(&mut visit, "chair");
    // Wait for the week.
    let mut page = String::new();
    for _ in 0..240 {
        page = visit("GET", "/", &chair, None).2;
        if !page.contains("still being read") {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let cases: Vec<String> = urls("", &page)
        .into_iter()
        .filter(|u| u.starts_with("/cases/"))
        .collect();
    assert!(!cases.is_empty(), "{page}");
    for c in &cases {
        visit("GET", c, &chair, None);
    }
    for p in [
        "/meetings",
        "/actions",
        "/actions?show=all",
        "/figures",
        "/audit",
        "/users",
        "/nowhere",
        "/cases/NO-SUCH",
    ] {
        visit("GET", p, &chair, None);
    }
    // A meeting: open, decide with an invalid due date (an error page), close.
    let (_, head, _) = visit(
        "POST",
        "/meetings",
        &chair,
        Some(&format!(
            "csrf={csrf}&bcu=Central+North&date=2026-11-27&chair=Chair"
        )),
    );
    let meeting = urls(&head, "")[0].split('?').next().unwrap().to_string();
    let (_, _, mp) = visit("GET", &meeting, &chair, None);
    let version = field(&mp, "version");
    let case = cases[0].trim_start_matches("/cases/").to_string();
    visit(
        "POST",
        &format!("{meeting}/cases/{case}"),
        &chair,
        Some(&format!("csrf={csrf}&version={version}&heard=heard&owner=housing&due=Zqbaddob&text=Visit&op=save")),
    );
    visit(
        "POST",
        &format!("{meeting}/cases/{case}"),
        &chair,
        Some(&format!("csrf={csrf}&version={version}&heard=heard&owner=housing&due=2026-12-04&text=Visit&op=save")),
    );
    visit(
        "POST",
        &format!("{meeting}/close"),
        &chair,
        Some(&format!("csrf={csrf}&version=1")),
    );
    let (_, _, mp) = visit("GET", &meeting, &chair, None);
    let version = field(&mp, "version");
    visit(
        "POST",
        &format!("{meeting}/close"),
        &chair,
        Some(&format!("csrf={csrf}&version={version}")),
    );
    visit("POST", "/week/rescan", &chair, Some("csrf=wrong"));
    // The agency user, allowed and forbidden pages.
    let (housing, hcsrf) = sign_in(&mut visit, "housing");
    for p in ["/", "/actions", "/meetings", "/audit", cases[0].as_str()] {
        visit("GET", p, &housing, None);
    }
    visit(
        "POST",
        "/actions/1",
        &housing,
        Some(&format!("csrf={hcsrf}&version=1&outcome=done&note=Visited")),
    );
    visit("POST", "/logout", &housing, Some(&format!("csrf={hcsrf}")));
    let _ = child.kill();
    let _ = child.wait();

    let statuses: Vec<u16> = seen.iter().map(|s| s.1).collect();
    for want in [200, 303, 403, 404, 409, 422] {
        assert!(
            statuses.contains(&want),
            "no {want} page was seen: {statuses:?}"
        );
    }
    for (path, status, head, body) in &seen {
        clean(&format!("URL {path}"), path, &m);
        for u in urls(head, body) {
            clean(&format!("a URL on {path}"), &u, &m);
        }
        if *status >= 400 {
            clean(&format!("the {status} page of {path}"), body, &m);
        }
    }
    let log = log.lock().unwrap();
    assert!(
        log.iter().any(|l| l.contains("GET /cases/{case_ref} 200")),
        "{log:?}"
    );
    for line in log.iter() {
        clean("a console log line", line, &m);
    }
}
