//! `marac register` and `marac scan --register`: the case register over
//! synthetic weeks, refusals, a writer killed mid-transaction.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use serde_json::{json, Value};

use crate::util::marac;

const HEADER: &str = "incident_id,source,kind,reported_at,borough,victim_ref,victim_first_name,victim_last_name,victim_dob,suspect_first_name,suspect_last_name,vulnerabilities,hate_strands,category,harm,summary\n";

/// Ann Lee: housing and police records, linked by name and date of birth.
const WEEK1: &str = "\
H1,housing,asb,2026-06-01,Camden,,Ann,Lee,1961-02-03,Carl,Dunn,,,noise,1,Music at night
H2,housing,asb,2026-09-01,Camden,,Ann,Lee,1961-02-03,Carl,Dunn,,,verbal_abuse,2,Shouted at her
H3,met-police,dispute,2026-10-20,Camden,,Ann,Lee,1961-02-03,Carl,Dunn,learning_disability,disability,threats,3,Threatened over parking
B1,housing,asb,2026-10-01,Camden,,Bo,Kim,1950-03-04,,,,,noise,1,Noise
";
/// A new incident after the meeting.
const WEEK2: &str =
    "H4,adult-social-care,safeguarding,2026-11-17,Camden,,Ann,Lee,1961-02-03,,,learning_disability,,neglect,2,Found alone\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, None)
}

/// `marac ARGS` in `dir` as user `coordinator`, with `input` on standard input.
fn run_with(dir: &Path, args: &[&str], input: Option<&str>) -> Run {
    let mut cmd = marac();
    cmd.current_dir(dir).env("USER", "coordinator").args(args);
    if let Some(i) = input {
        cmd.write_stdin(i.to_string());
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run_in(dir, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn scan_json(dir: &Path, csv: &str, as_of: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan",
        csv,
        "--as-of",
        as_of,
        "--register",
        "reg.db",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

fn person_with<'a>(v: &'a Value, incident: &str) -> &'a Value {
    v["persons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["incidents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i == incident)
        })
        .unwrap_or_else(|| panic!("no victim of {incident}"))
}

fn flags(p: &Value) -> Vec<String> {
    p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

/// A meeting pack (docs/PACK.md) for one case, written by hand.
fn pack(date: &str, case_ref: &str, level: &str, incidents: &[(&str, &str)], due: &str) -> String {
    json!({
        "schema": "marac-pack/1",
        "marking": "OFFICIAL-SENSITIVE",
        "redacted": false,
        "meeting": {"date": date, "bcu": "Central North", "bcu_code": "CN",
                    "boroughs": ["Camden", "Islington"], "as_of": date, "chair": null},
        "figures": {},
        "cases": [{
            "case_ref": case_ref, "person_id": "P000001", "section": "new_referral",
            "score": 60, "level": level, "flags": ["repeat_victim", "possible_hate_incident"],
            "eligible_by": ["repeat_victim_vulnerable"],
            "reasons": [{"factor": "disability_hate_strand", "points": 10, "incidents": ["H3"]}],
            "subject": {"name": "Ann Lee", "initials": "A.L.", "dob": "1961-02-03"},
            "chronology": incidents.iter().map(|(id, d)| json!({"date": d, "incident_id": id, "kind": "asb",
                "source": "housing", "summary": "Ann Lee was shouted at"})).collect::<Vec<_>>(),
            "decisions": [{"heard": true, "note": "Agreed",
                           "actions": [{"owner": "housing", "text": "Move the report to the ASB case review panel", "due": due}]}]
        }],
        "actions_to_review": []
    })
    .to_string()
}

#[test]
fn three_weeks_meeting_repeat_marac_and_an_overdue_action() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init", "--register", "reg.db"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("reg.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Week 1: the scan gives Ann a case reference; nothing is a repeat yet.
    write(d, "w1.csv", &format!("{HEADER}{WEEK1}"));
    let v1 = scan_json(d, "w1.csv", "2026-11-06", &[]);
    let ann1 = person_with(&v1, "H1");
    let case_ref = ann1["case_ref"].as_str().unwrap().to_string();
    assert!(
        case_ref.starts_with("CN-") && case_ref.len() == 11,
        "{case_ref}"
    );
    assert!(!flags(ann1).contains(&"repeat_marac".to_string()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(d.join("reg.db.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(key & 0o777, 0o600, "the secret is private");
    }

    // The meeting on 13 November hears the case and agrees an action due on the 20th.
    write(
        d,
        "pack1.json",
        &pack(
            "2026-11-13",
            &case_ref,
            "high",
            &[
                ("H1", "2026-06-01"),
                ("H2", "2026-09-01"),
                ("H3", "2026-10-20"),
            ],
            "2026-11-20",
        ),
    );
    let out = ok(
        d,
        &[
            "register",
            "record",
            "pack1.json",
            "--register",
            "reg.db",
            "--chair",
            "DI Smith",
            "--attended",
            "housing,met-police",
            "--apologies",
            "nhs",
            "--confidentiality-signed",
        ],
    );
    assert!(out.contains("recorded meeting CN-2026-11-13"), "{out}");
    let again = run_in(
        d,
        &["register", "record", "pack1.json", "--register", "reg.db"],
    );
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already recorded"),
        "{}",
        again.stderr
    );

    // Week 2: a new incident (another agency) after the hearing: repeat MARAC.
    write(d, "w2.csv", &format!("{HEADER}{WEEK1}{WEEK2}"));
    let v2 = scan_json(d, "w2.csv", "2026-11-20", &[]);
    let ann2 = person_with(&v2, "H4");
    assert_eq!(ann2["case_ref"], case_ref.as_str(), "stable reference");
    assert!(flags(ann2).contains(&"repeat_marac".to_string()), "{ann2}");
    assert_eq!(ann2["marac_eligible"], true);
    let bo = person_with(&v2, "B1");
    assert!(!flags(bo).contains(&"repeat_marac".to_string()));

    // The next agenda shows the case as a repeat MARAC, with its hearing and
    // the action to review.
    let pack2: Value = serde_json::from_str(&ok(
        d,
        &[
            "agenda",
            "w2.csv",
            "--as-of",
            "2026-11-20",
            "--meeting",
            "2026-11-27",
            "--bcu",
            "CN",
            "--register",
            "reg.db",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let case = pack2["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case_ref"] == case_ref.as_str())
        .expect("the heard case is on the next agenda");
    assert_eq!(case["section"], "repeat_case");
    assert_eq!(case["previous_hearing"]["date"], "2026-11-13");
    assert_eq!(case["previous_hearing"]["meeting_ref"], "CN-2026-11-13");
    let actions = pack2["actions_to_review"].as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["case_ref"], case_ref.as_str());
    assert_eq!(actions[0]["owner"], "housing");

    // The action is due on the 20th: overdue from the 21st.
    let on_time: Value = serde_json::from_str(&ok(
        d,
        &[
            "register",
            "action",
            "list",
            "--register",
            "reg.db",
            "--overdue",
            "--as-of",
            "2026-11-20",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(on_time.as_array().unwrap().len(), 0);
    let late: Value = serde_json::from_str(&ok(
        d,
        &[
            "register",
            "action",
            "list",
            "--register",
            "reg.db",
            "--overdue",
            "--as-of",
            "2026-11-21",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let late = late.as_array().unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0]["case_ref"], case_ref.as_str());
    assert_eq!(late[0]["owner"], "housing");
    let md = ok(
        d,
        &[
            "register",
            "action",
            "list",
            "--register",
            "reg.db",
            "--as-of",
            "2026-11-21",
        ],
    );
    assert!(md.contains("**overdue**"), "{md}");

    // Week 3: what changed since the last saved scan.
    write(
        d,
        "w3.csv",
        &format!("{HEADER}{WEEK1}{WEEK2}H5,met-police,hate,2026-11-25,Camden,,Ann,Lee,1961-02-03,Carl,Dunn,learning_disability,disability,assault,5,Assaulted\n"),
    );
    let changes = scan_json(d, "w3.csv", "2026-11-27", &["--since-last"]);
    assert_eq!(changes["previous_as_of"], "2026-11-20");
    for list in ["new_high", "risen", "new_flags", "closed"] {
        assert!(changes[list].is_array(), "{changes}");
    }
    let md = ok(
        d,
        &[
            "scan",
            "w3.csv",
            "--as-of",
            "2026-11-27",
            "--register",
            "reg.db",
            "--since-last",
            "--format",
            "md",
        ],
    );
    assert!(md.contains("# Changes since the last saved scan"), "{md}");
    assert!(
        md.contains("as of 2026-11-20"),
        "re-runs compare with the week before: {md}"
    );

    // Closing the action; the history shows the meeting, the action and the risk over time.
    let id = late[0]["id"].as_i64().unwrap().to_string();
    ok(
        d,
        &["register", "action", "done", &id, "--register", "reg.db"],
    );
    let h: Value = serde_json::from_str(&ok(
        d,
        &[
            "register",
            "history",
            &case_ref,
            "--register",
            "reg.db",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(h["hearings"][0]["meeting_ref"], "CN-2026-11-13");
    assert_eq!(h["actions"][0]["status"], "done");
    assert_eq!(h["first_report"], "2026-06-01");
    let scans: Vec<&str> = h["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["as_of"].as_str().unwrap())
        .collect();
    // The week of 2026-11-27 was scanned twice: its second scan replaced the first.
    assert_eq!(scans, ["2026-11-06", "2026-11-20", "2026-11-27"]);

    let cases = ok(
        d,
        &[
            "register",
            "cases",
            "--register",
            "reg.db",
            "--bcu",
            "CN",
            "--format",
            "csv",
        ],
    );
    assert!(
        cases.contains(&format!("{case_ref},Central North,1,2026-11-13,0,")),
        "{cases}"
    );

    let st: Value = serde_json::from_str(&ok(
        d,
        &[
            "register",
            "stats",
            "--register",
            "reg.db",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let row = &st["bcus"][0];
    assert_eq!(row["cases_heard"], 1);
    assert_eq!(row["disability_hate_cases"], 1);
    assert_eq!(row["median_days_to_first_hearing"], 165.0); // 1 June to 13 November

    // The audit trail names the user, never the subject.
    let audit = ok(
        d,
        &[
            "register",
            "audit",
            "--register",
            "reg.db",
            "--format",
            "csv",
        ],
    );
    assert!(audit.contains("coordinator"));
    for name in ["Ann", "Lee", "Carl", "Smith"] {
        assert!(!audit.contains(name), "{name} in the audit trail:\n{audit}");
    }
    for cmd in ["init", "record", "scan", "action done", "resolve_case_refs"] {
        assert!(audit.contains(cmd), "{cmd} not audited:\n{audit}");
    }
}

#[test]
fn refusals_exit_2_and_leave_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "notes.txt", "not a database\n");
    let r = run_in(d, &["register", "cases", "--register", "notes.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a marac register"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("notes.txt")).unwrap(),
        "not a database\n"
    );
    let r = run_in(d, &["register", "init", "--register", "notes.txt"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("refusing to overwrite"), "{}", r.stderr);
    let r = run_in(d, &["register", "cases"]);
    assert_eq!(r.code, 2, "default ./marac.db does not exist");
    assert!(!d.join("marac.db").exists());

    ok(d, &["register", "init"]);
    // A register from a newer marac.
    set_user_version(&d.join("marac.db"), 7);
    let before = std::fs::read(d.join("marac.db")).unwrap();
    let r = run_in(d, &["register", "stats"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("newer than this marac supports"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(d.join("marac.db")).unwrap(), before);
}

/// Sets `PRAGMA user_version` by editing the database header (bytes 60..64),
/// as a newer marac would have.
fn set_user_version(path: &Path, v: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&v.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
}

/// Records a meeting of 9 January 2026 that heard `case_ref` (one action agreed).
fn record_january_case(d: &Path, case_ref: &str) {
    write(
        d,
        "p.json",
        &pack(
            "2026-01-09",
            case_ref,
            "high",
            &[("A1", "2026-01-02")],
            "2026-01-23",
        ),
    );
    ok(d, &["register", "record", "p.json"]);
}

/// `marac register action add` of an action due on 1 February 2026.
fn add_action(d: &Path, case_ref: &str, owner: &str, text: &str) -> Run {
    run_in(
        d,
        &[
            "register",
            "action",
            "add",
            "--case",
            case_ref,
            "--owner",
            owner,
            "--due",
            "2026-02-01",
            "--text",
            text,
        ],
    )
}

#[test]
fn actions_cli_add_done_incomplete_and_retention() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init", "--user", "admin"]);
    record_january_case(d, "CN-00000001");
    let r = add_action(d, "CN-NOPE", "nhs", "x");
    assert_eq!(r.code, 2);
    let r = add_action(d, "CN-00000001", "nhs", "GP review");
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "added action 2\n"),
        "{}",
        r.stderr
    );
    let out = ok(
        d,
        &[
            "register",
            "action",
            "incomplete",
            "2",
            "--reason",
            "agency_did_not_act",
        ],
    );
    assert!(out.contains("cancelled (agency_did_not_act)"));
    let r = run_in(
        d,
        &["register", "action", "incomplete", "1", "--reason", "bored"],
    );
    assert_eq!(r.code, 2);
    let r = run_in(d, &["register", "action", "done", "2"]);
    assert_eq!(r.code, 2, "already closed");

    // Svg escapes text.
    let svg = ok(
        d,
        &[
            "register",
            "stats",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--bcu",
            "CN",
            "--format",
            "svg",
        ],
    );
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let svg = ok(
        d,
        &[
            "register",
            "stats",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--bcu",
            "<b>&",
            "--format",
            "svg",
        ],
    );
    assert!(
        svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"),
        "{svg}"
    );

    // Retention: a dry run deletes nothing; --confirm deletes and logs.
    let out = ok(
        d,
        &[
            "register",
            "retention",
            "--older-than",
            "30",
            "--as-of",
            "2099-01-01",
        ],
    );
    assert!(out.contains("would delete 1 cases"), "{out}");
    assert!(ok(d, &["register", "cases", "--format", "csv"]).contains("CN-00000001"));
    let out = ok(
        d,
        &[
            "register",
            "retention",
            "--older-than",
            "30",
            "--as-of",
            "2099-01-01",
            "--confirm",
        ],
    );
    assert!(out.contains("deleted 1 cases"), "{out}");
    assert!(!ok(d, &["register", "cases", "--format", "csv"]).contains("CN-00000001"));
    let audit = ok(d, &["register", "audit", "--format", "csv"]);
    assert!(
        audit.contains("retention") && audit.contains("admin"),
        "{audit}"
    );
}

/// A writer killed inside its transaction leaves a consistent register with
/// no trace of the meeting; a reader reads while the writer holds the lock.
#[test]
fn a_writer_killed_mid_record_leaves_the_register_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init"]);
    write(
        d,
        "p.json",
        &pack(
            "2026-11-13",
            "CN-0000000A",
            "high",
            &[("H1", "2026-06-01")],
            "2026-11-20",
        ),
    );
    let marker = d.join("paused");
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_marac"))
        .current_dir(d)
        .args(["register", "record", "p.json"])
        .env("MARAC_TEST_PAUSE_IN_RECORD", &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the child is inside its transaction (every row written, not committed).
    let mut waited = 0;
    while !marker.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the writer ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        waited += 1;
        assert!(waited < 3000, "the writer never reached its pause");
    }
    // A reader reads meanwhile (WAL) and sees nothing of the open transaction.
    let cases = ok(d, &["register", "cases", "--format", "csv"]);
    assert_eq!(cases.lines().count(), 1, "header only: {cases}");
    child.kill().unwrap();
    child.wait().unwrap();

    let reg = marac_register::Register::open(&d.join("marac.db"), "t").unwrap();
    assert_eq!(reg.integrity_check().unwrap(), "ok");
    assert!(
        reg.cases(None).unwrap().is_empty(),
        "no half-recorded meeting"
    );
    assert!(reg.last_hearing("CN-0000000A").unwrap().is_none());
    drop(reg);
    // The meeting can be recorded now.
    let out = ok(d, &["register", "record", "p.json"]);
    assert!(out.contains("recorded meeting CN-2026-11-13"), "{out}");
}

/// An action's text is input: the register's Markdown reports escape it, so
/// a Markdown viewer shows the tag as text and never runs it.
#[test]
fn register_reports_escape_html_in_markdown() {
    const TAG: &str = "<img src=x onerror=alert(1)>";
    const ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init"]);
    record_january_case(d, "CN-00000001");
    assert_eq!(add_action(d, "CN-00000001", "nhs|gp", TAG).code, 0);
    let history = ok(d, &["register", "history", "CN-00000001"]);
    let list = ok(
        d,
        &[
            "register",
            "action",
            "list",
            "--as-of",
            "2026-01-20",
            "--format",
            "md",
        ],
    );
    for (what, md) in [("history", &history), ("action list", &list)] {
        assert!(md.contains(ESCAPED), "{what}: {md}");
        assert!(!md.contains("<img"), "{what} prints the raw tag: {md}");
        assert!(
            md.contains("| nhs\\|gp |"),
            "{what}: a pipe stays in its cell: {md}"
        );
    }
    // JSON carries the text as it was written.
    let json: Value =
        serde_json::from_str(&ok(d, &["register", "action", "list", "--format", "json"])).unwrap();
    assert!(
        json.as_array().unwrap().iter().any(|a| a["text"] == TAG),
        "{json}"
    );
}

/// `marac register …` with `input` on standard input.
fn run_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    run_with(dir, args, Some(input))
}

const PASSWORD: &str = "correct horse battery";
const PASSWORD2: &str = "another long passphrase";

#[test]
fn users_cli_add_list_grant_unlock_password_remove() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init"]);
    let stdin = format!("{PASSWORD}\n");
    let mut outputs = String::new();
    let mut expect = |args: &[&str], input: &str, code: i32, out: &str| {
        let r = run_stdin(d, args, input);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        if code == 0 {
            assert_eq!(r.stdout, out, "{args:?}");
        } else {
            assert_eq!(r.stderr, format!("marac: error: {out}\n"), "{args:?}");
        }
        outputs.push_str(&r.stdout);
        outputs.push_str(&r.stderr);
    };
    let add = [
        "register",
        "user",
        "add",
        "--password-stdin",
        "--user",
        "chair1",
    ];
    expect(
        &[&add[..], &["ann", "--role", "agency"]].concat(),
        &stdin,
        2,
        "register user add: --agency NAME is needed for role agency",
    );
    expect(
        &[
            &add[..],
            &["ann", "--role", "agency", "--agency", "housing"],
        ]
        .concat(),
        &stdin,
        0,
        "added user ann (role agency, agency housing)\n",
    );
    expect(
        &[&add[..], &["ann", "--role", "chair"]].concat(),
        &stdin,
        2,
        "register user add: user ann already exists",
    );
    expect(
        &[&add[..], &["bo", "--role", "chair"]].concat(),
        "short\n",
        2,
        "register user add: a password needs at least 12 characters",
    );
    expect(
        &[&add[..], &["bo", "--role", "chair"]].concat(),
        "",
        2,
        "register user add: no password on the first line of standard input",
    );
    // Without --password-stdin the password comes from a terminal only.
    expect(
        &["register", "user", "add", "bo", "--role", "chair"],
        &stdin,
        2,
        "register user add: standard input is not a terminal: give the password with --password-stdin",
    );
    // Only the first line counts, with its spaces; a CRLF line end is not part of it.
    expect(
        &[&add[..], &["bo", "--role", "chair"]].concat(),
        &format!(" {PASSWORD} \r\nsecond line\n"),
        0,
        "added user bo (role chair)\n",
    );
    let r = run_stdin(
        d,
        &[
            "register",
            "user",
            "add",
            "cy",
            "--role",
            "bad",
            "--password-stdin",
        ],
        &stdin,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);

    expect(
        &["register", "user", "grant", "ann", "--user", "bo"],
        "",
        0,
        "user ann: granted the full view and all actions\n",
    );
    expect(
        &["register", "user", "grant", "bo"],
        "",
        2,
        "register user grant: user bo is a chair: only an agency user is granted the full view",
    );
    let users: Value =
        serde_json::from_str(&ok(d, &["register", "user", "list", "--format", "json"])).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 2);
    assert_eq!(users[0]["name"], "ann");
    assert_eq!(users[0]["role"], "agency");
    assert_eq!(users[0]["agency"], "housing");
    assert_eq!(users[0]["granted"], true);
    assert_eq!(users[1]["name"], "bo");
    assert_eq!(users[1]["agency"], Value::Null);
    expect(
        &["register", "user", "grant", "ann", "--revoke"],
        "",
        0,
        "user ann: no longer has the full view\n",
    );
    expect(
        &["register", "user", "list", "--format", "csv"],
        "",
        2,
        "register user list: --format md or json",
    );

    // Five wrong passwords lock ann out (as the web console would log in).
    let path = d.join("marac.db");
    let mut reg = marac_register::Register::open(&path, "web").unwrap();
    let now = chrono::Utc::now();
    for _ in 0..marac_register::LOCK_AFTER_FAILURES {
        reg.login("ann", PASSWORD2, now).unwrap();
    }
    assert!(matches!(
        reg.login("ann", PASSWORD, now).unwrap(),
        marac_register::LoginOutcome::Locked { .. }
    ));
    let md = ok(d, &["register", "user", "list"]);
    let ann = md.lines().find(|l| l.starts_with("| ann |")).unwrap();
    assert!(
        ann.starts_with("| ann | agency | housing | no | 20"),
        "{md}"
    );
    expect(
        &["register", "user", "unlock", "ann"],
        "",
        0,
        "unlocked user ann\n",
    );
    assert!(ok(d, &["register", "user", "list"]).contains("| ann | agency | housing | no |  | "));
    assert!(matches!(
        reg.login("ann", PASSWORD, now).unwrap(),
        marac_register::LoginOutcome::Ok(_)
    ));

    expect(
        &["register", "user", "password", "ann", "--password-stdin"],
        &format!("{PASSWORD2}\n"),
        0,
        "password set for user ann\n",
    );
    expect(
        &["register", "user", "password", "zed", "--password-stdin"],
        &format!("{PASSWORD2}\n"),
        2,
        "register user password: no user zed in the register",
    );
    assert_eq!(
        reg.login("ann", PASSWORD, now).unwrap(),
        marac_register::LoginOutcome::Refused
    );
    assert!(matches!(
        reg.login("ann", PASSWORD2, now).unwrap(),
        marac_register::LoginOutcome::Ok(_)
    ));
    let session = reg.create_session("ann", now).unwrap();
    expect(
        &["register", "user", "remove", "ann"],
        "",
        0,
        "removed user ann\n",
    );
    assert!(reg
        .session(&session.token, now, chrono::Duration::minutes(30))
        .unwrap()
        .is_none());
    drop(reg);
    expect(
        &["register", "user", "remove", "ann"],
        "",
        2,
        "register user remove: no user ann in the register",
    );
    expect(
        &["register", "user", "unlock", "ann"],
        "",
        2,
        "register user unlock: no user ann in the register",
    );

    // The audit trail: who did what, never a password.
    let audit: Value =
        serde_json::from_str(&ok(d, &["register", "audit", "--format", "json"])).unwrap();
    let rows: Vec<(String, String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["command"] != "login failed" && a["command"] != "login")
        .map(|a| {
            (
                a["user"].as_str().unwrap().to_string(),
                a["command"].as_str().unwrap().to_string(),
                a["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |u: &str, c: &str, d: &str| (u.to_string(), c.to_string(), d.to_string());
    assert_eq!(
        rows[1..],
        [
            row(
                "chair1",
                "user add",
                "user ann: role agency, agency housing"
            ),
            row("chair1", "user add", "user bo: role chair"),
            row("bo", "user grant", "user ann: granted"),
            row("coordinator", "user grant", "user ann: revoked"),
            row("web", "locked", rows[5].2.as_str()),
            row("coordinator", "user unlock", "user ann"),
            row("coordinator", "password", "user ann"),
            row("coordinator", "user remove", "user ann: sessions ended 1"),
        ]
    );
    assert!(rows[5].2.starts_with("user ann until 20"), "{rows:?}");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(d).unwrap() {
        files.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let everything = [files, outputs.into_bytes(), audit.to_string().into_bytes()].concat();
    for secret in [PASSWORD, PASSWORD2, session.token.as_str()] {
        assert!(
            !everything
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "a secret in a file or an output"
        );
    }
}

#[test]
fn action_notes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["register", "init"]);
    record_january_case(d, "CN-00000001");
    assert_eq!(add_action(d, "CN-00000001", "nhs", "GP review").code, 0);
    ok(
        d,
        &[
            "register",
            "action",
            "done",
            "1",
            "--note",
            "Seen by the GP",
        ],
    );
    let out = ok(
        d,
        &[
            "register",
            "action",
            "incomplete",
            "2",
            "--reason",
            "circumstances_changed",
            "--note",
            "Moved | away",
        ],
    );
    assert_eq!(out, "action 2: cancelled (circumstances_changed)\n");
    let json: Value =
        serde_json::from_str(&ok(d, &["register", "action", "list", "--format", "json"])).unwrap();
    let a = json.as_array().unwrap();
    assert_eq!(a[0]["id"], 1);
    assert_eq!(a[0]["note"], "Seen by the GP");
    assert_eq!(a[0]["version"], 2);
    assert_eq!(a[1]["note"], "Moved | away");
    let md = ok(d, &["register", "action", "list", "--as-of", "2026-01-20"]);
    assert!(
        md.contains("| id | case | owner | due | status | text | note |"),
        "{md}"
    );
    assert!(md.contains("| Moved \\| away |"), "{md}");
    let csv = ok(d, &["register", "action", "list", "--format", "csv"]);
    assert!(
        csv.starts_with("id,case_ref,owner,due,status,overdue,reason,text,note\n"),
        "{csv}"
    );
    assert!(csv.contains(",Seen by the GP\n"), "{csv}");
    assert!(ok(d, &["register", "history", "CN-00000001"]).contains("| Seen by the GP |"));
    // Closed: a second close is refused; the note never reaches the audit trail.
    let r = run_in(d, &["register", "action", "done", "1", "--note", "again"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("action 1 is done, not open"),
        "{}",
        r.stderr
    );
    let audit = ok(d, &["register", "audit", "--format", "csv"]);
    assert!(!audit.contains("GP") && !audit.contains("Moved"), "{audit}");
}

#[test]
fn labels_import_export_refuse_conflicts_and_are_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["register", "init", "-q"]);
    write(
        d,
        "review.csv",
        "incident_id_l,role_l,incident_id_r,role_r,label,labeller,labelled_at\n\
         H1,victim,H2,victim,match,ann,2026-11-01T10:00:00Z\n\
         H3,victim,B1,victim,not a match,,\n\
         H1,suspect,H2,suspect,unsure,,\n",
    );
    let out = ok(d, &["register", "labels", "import", "review.csv"]);
    assert_eq!(
        out,
        "imported labels from review.csv: 3 added, 0 unchanged, 0 replaced (0 unlabelled and 0 rejected rows skipped)\n"
    );
    // Exported with who labelled each (the file's labeller, else --user)
    // and when; the pair with its smaller side first.
    let csv = ok(d, &["register", "labels", "export"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "incident_id_l,role_l,incident_id_r,role_r,label,labeller,labelled_at"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines.contains(&"H1,victim,H2,victim,match,ann,2026-11-01T10:00:00Z"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("B1,victim,H3,victim,not a match,coordinator,")));
    // A pair labelled differently refuses the import, unless --replace.
    write(
        d,
        "again.csv",
        "incident_id_l,role_l,incident_id_r,role_r,label\nH2,victim,H1,victim,not a match\n",
    );
    let r = run_in(d, &["register", "labels", "import", "again.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "marac: error: labels import: 1 pair is already labelled differently in the register \
         (first: H1/victim – H2/victim is labelled match there, not a match here); nothing was \
         imported; give --replace to replace them"
    );
    let out = ok(
        d,
        &[
            "register",
            "labels",
            "import",
            "again.csv",
            "--replace",
            "--labeller",
            "bo",
        ],
    );
    assert!(out.contains(": 0 added, 0 unchanged, 1 replaced"), "{out}");
    let csv = ok(d, &["register", "labels", "export", "--out", "labels.csv"]);
    assert_eq!(csv, "");
    let file = std::fs::read_to_string(d.join("labels.csv")).unwrap();
    assert!(
        file.contains("H1,victim,H2,victim,not a match,bo,"),
        "{file}"
    );
    // A file labelling a pair both ways is refused whole.
    write(
        d,
        "both.csv",
        "incident_id_l,role_l,incident_id_r,role_r,label\nX1,victim,X2,victim,match\nX2,victim,X1,victim,not a match\n",
    );
    let r = run_in(d, &["register", "labels", "import", "both.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "marac: error: register labels import: both.csv: pair X1/victim – X2/victim is labelled \
         differently (line 2 says match, line 3 says not a match); neither label is used; nothing \
         was imported"
    );
    // The audit trail: counts only.
    let audit = ok(d, &["register", "audit", "--format", "csv"]);
    let labels: Vec<&str> = audit.lines().filter(|l| l.contains(",labels ")).collect();
    assert_eq!(labels.len(), 4, "{audit}");
    assert!(
        labels[0].ends_with(",labels import,\"labels: 3 given, 3 added, 0 unchanged, 0 replaced\""),
        "{audit}"
    );
    assert!(labels[3].ends_with(",labels export,labels: 3"), "{audit}");
    // Scan links with the register's labels: H3 and B1 are apart anyway;
    // the summary says how many were read.
    write(d, "w1.csv", &format!("{HEADER}{WEEK1}"));
    let r = run_in(
        d,
        &[
            "scan",
            "w1.csv",
            "--as-of",
            "2026-11-20",
            "--register",
            "marac.db",
            "--labels",
            "register",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("marac: read 3 labels from the register marac.db\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "marac: link: labels: 3 read, 2 used (0 match, 2 not a match), 0 conflicting"
        ),
        "{}",
        r.stderr
    );
}
