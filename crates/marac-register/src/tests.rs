//! Unit tests of the register: schema and migrations, refusals, stable
//! references, meetings, actions, scans, figures, retention, audit.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use marac_model::{LabelKind, Role};
use rusqlite::Connection;
use serde_json::json;

use crate::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fresh() -> (tempfile::TempDir, PathBuf, Register) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marac.db");
    let reg = Register::init(&path, "tester").unwrap();
    (dir, path, reg)
}

fn person(id: &str, mentions: &[&str]) -> PersonMentions {
    PersonMentions {
        person_id: id.into(),
        mentions: mentions
            .iter()
            .map(|m| (m.to_string(), Role::Victim))
            .collect(),
    }
}

fn resolve(reg: &mut Register, persons: &[PersonMentions]) -> BTreeMap<String, String> {
    reg.resolve_case_refs(&|_| "Central North".into(), persons, &|p| {
        format!("CN-{}", p.person_id)
    })
    .unwrap()
}

use std::collections::BTreeMap;

/// A pack with one case per `(case_ref, level, flags, chronology dates, decisions)`.
fn pack(date: &str, code: &str, bcu: &str, cases: serde_json::Value) -> String {
    json!({
        "schema": "marac-pack/1",
        "marking": "OFFICIAL-SENSITIVE",
        "redacted": false,
        "meeting": {"date": date, "bcu": bcu, "bcu_code": code, "boroughs": [], "as_of": date, "chair": null},
        "figures": {},
        "cases": cases,
        "actions_to_review": [],
    })
    .to_string()
}

fn case(
    case_ref: &str,
    level: &str,
    flags: &[&str],
    chronology: &[(&str, &str)],
    decisions: serde_json::Value,
) -> serde_json::Value {
    json!({
        "case_ref": case_ref,
        "person_id": "P000123",
        "section": "new_referral",
        "score": 80,
        "level": level,
        "flags": flags,
        "eligible_by": ["level_high"],
        "reasons": [{"factor": "repeat_12m", "points": 20, "incidents": []}],
        "subject": {"name": "Ann Lee", "initials": "A.L.", "dob": "1961-02-03", "address": "12 High Street", "postcode": "NW1 8AB"},
        "chronology": chronology.iter().map(|(iid, date)| json!({
            "date": date, "incident_id": iid, "kind": "asb", "source": "housing",
            "summary": "Ann Lee was shouted at by Carl Dunn"
        })).collect::<Vec<_>>(),
        "decisions": decisions,
    })
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_creates_a_private_wal_register_and_never_clobbers() {
    let (dir, path, reg) = fresh();
    assert_eq!(reg.schema_version().unwrap(), SCHEMA_VERSION);
    let jm: String = reg
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(jm, "wal");
    let fk: i64 = reg
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    drop(reg);
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        Register::init(&path, "x"),
        Err(RegisterError::Exists(_))
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before, "untouched");
    // An empty file may be initialised.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    Register::init(&empty, "x").unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&empty), 0o600);
}

#[test]
fn migrates_a_version_1_register_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    raw(&path)
        .execute_batch(include_str!("../tests/fixtures/register-v1.sql"))
        .unwrap();
    let mut reg = Register::open(&path, "tester").unwrap();
    assert_eq!(reg.schema_version().unwrap(), SCHEMA_VERSION);
    // Data kept; new columns and tables usable.
    let h = reg.last_hearing("CN-0A1B2C3D").unwrap().unwrap();
    assert_eq!(h.date, d("2026-03-06"));
    assert_eq!(h.meeting_ref, "CN-2026-03-06");
    let acts = reg.open_actions("CN").unwrap();
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].reason, None);
    reg.mark_incomplete(acts[0].id, IncompleteReason::CircumstancesChanged)
        .unwrap();
    reg.save_scan(d("2026-04-01"), &[]).unwrap();
    let log = reg.audit_log().unwrap();
    assert!(log
        .iter()
        .any(|a| a.command == "migrate" && a.detail == "schema version 1 -> 4"));
    drop(reg);
    // Opening again migrates nothing.
    let reg = Register::open(&path, "tester").unwrap();
    assert_eq!(
        reg.audit_log()
            .unwrap()
            .iter()
            .filter(|a| a.command == "migrate")
            .count(),
        1
    );
}

#[test]
fn migrates_a_version_2_register_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    raw(&path)
        .execute_batch(include_str!("../tests/fixtures/register-v2.sql"))
        .unwrap();
    let mut reg = Register::open(&path, "tester").unwrap();
    assert_eq!(reg.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(reg.integrity_check().unwrap(), "ok");
    // Actions kept, at version 1 without a note; closed ones stay closed.
    let all = reg.actions(&ActionFilter::default()).unwrap();
    assert_eq!(all.len(), 2);
    let open = reg.action(1).unwrap();
    assert_eq!(
        (open.status, open.version, open.note.as_deref()),
        (ActionStatus::Open, 1, None)
    );
    let closed = reg.action(2).unwrap();
    assert_eq!(closed.status, ActionStatus::Cancelled);
    assert_eq!(closed.reason, Some(IncompleteReason::AgencyDidNotAct));
    assert_eq!(closed.version, 1);
    assert_eq!(closed.meeting_ref.as_deref(), Some("CN-2026-03-06"));
    // The rest of the data is there.
    assert_eq!(
        reg.last_hearing("CN-0A1B2C3D").unwrap().unwrap().date,
        d("2026-03-06")
    );
    assert_eq!(reg.history("CN-0A1B2C3D").unwrap().scans.len(), 1);
    // The new columns and tables work.
    let done = reg
        .update_action(
            1,
            1,
            ActionChange::Done {
                note: Some("Visited".into()),
            },
        )
        .unwrap();
    assert_eq!((done.version, done.note.as_deref()), (2, Some("Visited")));
    reg.add_user("chair1", UserRole::Chair, None, "correct horse battery")
        .unwrap();
    assert!(matches!(
        reg.login("chair1", "correct horse battery", chrono::Utc::now())
            .unwrap(),
        LoginOutcome::Ok(_)
    ));
    let log = reg.audit_log().unwrap();
    assert_eq!(
        log.len(),
        7,
        "3 old entries, migrate, action done, user add, login"
    );
    assert_eq!(log[3].command, "migrate");
    assert_eq!(log[3].detail, "schema version 2 -> 4");
    drop(reg);
    let reg = Register::open(&path, "tester").unwrap();
    assert_eq!(
        reg.audit_log().unwrap().len(),
        7,
        "nothing to migrate again"
    );
}

#[test]
fn migrates_a_version_3_register_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    raw(&path)
        .execute_batch(include_str!("../tests/fixtures/register-v3.sql"))
        .unwrap();
    let mut reg = Register::open(&path, "tester").unwrap();
    assert_eq!(reg.schema_version().unwrap(), 4);
    assert_eq!(reg.integrity_check().unwrap(), "ok");
    // v3's data is there: the user, the actions, the hearing.
    assert_eq!(reg.users().unwrap().len(), 1);
    assert_eq!(reg.action(1).unwrap().version, 1);
    assert_eq!(
        reg.last_hearing("CN-0A1B2C3D").unwrap().unwrap().date,
        d("2026-03-06")
    );
    // The labels table works.
    assert!(reg.labels().unwrap().is_empty());
    let done = reg
        .import_labels(&[lab("HSG-1", "MPS-2", LabelKind::Match)], false)
        .unwrap();
    assert_eq!(done.added, 1);
    let log = reg.audit_log().unwrap();
    let migrate: Vec<&str> = log
        .iter()
        .filter(|a| a.command == "migrate")
        .map(|a| a.detail.as_str())
        .collect();
    assert_eq!(migrate, ["schema version 2 -> 3", "schema version 3 -> 4"]);
    drop(reg);
    let reg = Register::open(&path, "tester").unwrap();
    assert_eq!(
        reg.labels().unwrap().len(),
        1,
        "kept; nothing to migrate again"
    );
}

fn lab(a: &str, b: &str, kind: LabelKind) -> LabelRow {
    LabelRow {
        left: (a.to_string(), Role::Victim),
        right: (b.to_string(), Role::Victim),
        kind,
        labeller: "ann".into(),
        labelled_at: String::new(),
    }
}

#[test]
fn labels_are_imported_once_a_pair_and_conflicts_are_refused_unless_replaced() {
    let (_dir, _path, mut reg) = fresh();
    let first = [
        lab("A1", "A2", LabelKind::Match),
        lab("A3", "A1", LabelKind::NotMatch),
        lab("A2", "A1", LabelKind::Match),
    ];
    let done = reg.import_labels(&first, false).unwrap();
    assert_eq!((done.added, done.unchanged, done.replaced), (2, 0, 0));
    let rows = reg.labels().unwrap();
    assert_eq!(rows.len(), 2);
    // Stored with the smaller side first, with who and when.
    assert_eq!(rows[1].left.0, "A1");
    assert_eq!(rows[1].right.0, "A3");
    assert_eq!(rows[1].labeller, "ann");
    assert!(rows[1].labelled_at.ends_with('Z'));
    // The same again: unchanged. A pair labelled differently: refused,
    // nothing written.
    let again = [
        lab("A1", "A2", LabelKind::Match),
        lab("A1", "A3", LabelKind::Match),
        lab("B1", "B2", LabelKind::Unsure),
    ];
    let e = reg.import_labels(&again, false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "labels import: 1 pair is already labelled differently in the register \
         (first: A1/victim – A3/victim is labelled not a match there, match here); \
         nothing was imported; give --replace to replace them"
    );
    assert!(e.is_input_error());
    assert_eq!(reg.labels().unwrap(), rows, "nothing written");
    let done = reg.import_labels(&again, true).unwrap();
    assert_eq!((done.added, done.unchanged, done.replaced), (1, 1, 1));
    assert_eq!(reg.labels().unwrap()[1].kind, LabelKind::Match);
    // Labelled both ways within one import: refused.
    let both = [
        lab("C1", "C2", LabelKind::Match),
        lab("C2", "C1", LabelKind::NotMatch),
    ];
    let e = reg.import_labels(&both, true).unwrap_err();
    assert!(
        e.to_string()
            .contains("pair C1/victim – C2/victim is labelled both"),
        "{e}"
    );
    // Imports and exports are audited with counts only.
    assert_eq!(reg.export_labels().unwrap().len(), 3);
    let log: Vec<(String, String)> = reg
        .audit_log()
        .unwrap()
        .into_iter()
        .filter(|a| a.command.starts_with("labels"))
        .map(|a| (a.command, a.detail))
        .collect();
    assert_eq!(
        log,
        [
            (
                "labels import".to_string(),
                "labels: 3 given, 2 added, 0 unchanged, 0 replaced".to_string()
            ),
            (
                "labels import".to_string(),
                "labels: 3 given, 1 added, 1 unchanged, 1 replaced".to_string()
            ),
            ("labels export".to_string(), "labels: 3".to_string()),
        ]
    );
}

#[test]
fn refuses_a_newer_register_without_touching_it() {
    let (_dir, path, reg) = fresh();
    drop(reg);
    raw(&path)
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Register::open(&path, "x").unwrap_err();
    assert!(
        matches!(err, RegisterError::TooNew { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "file not modified");
}

#[test]
fn refuses_files_that_are_not_registers() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "incident_id,source\nA,housing\n".repeat(100)).unwrap();
    // Another application's SQLite database.
    let other = dir.path().join("other.db");
    raw(&other)
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    // An empty file.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for p in [&text, &other, &empty] {
        let before = std::fs::read(p).unwrap();
        let err = Register::open(p, "x").unwrap_err();
        assert!(matches!(err, RegisterError::NotARegister(_)), "{err}");
        assert_eq!(std::fs::read(p).unwrap(), before);
    }
    assert!(matches!(
        Register::open(&dir.path().join("missing.db"), "x"),
        Err(RegisterError::Missing(_))
    ));
    assert!(
        !dir.path().join("missing.db").exists(),
        "open never creates"
    );
    assert!(matches!(
        Register::open(dir.path(), "x"),
        Err(RegisterError::NotARegister(_))
    ));
}

#[test]
fn a_damaged_register_gives_errors_not_panics() {
    let (_dir, path, mut reg) = fresh();
    let refs = resolve(&mut reg, &[person("P1", &["A", "B"])]);
    reg.record_pack(&pack(
        "2026-11-27",
        "CN",
        "Central North",
        json!([case(
            &refs["P1"],
            "high",
            &[],
            &[("A", "2026-11-01")],
            json!([])
        )]),
    ))
    .unwrap();
    drop(reg);
    let good = std::fs::read(&path).unwrap();
    // Truncated to the header page, and garbage over every page after the first.
    let mut garbled = good.clone();
    for (i, b) in garbled.iter_mut().enumerate().skip(4096) {
        *b = (i * 7 % 251) as u8;
    }
    for bytes in [good[..100].to_vec(), garbled] {
        std::fs::write(&path, &bytes).unwrap();
        let _ = std::fs::remove_file(path.with_extension("db-wal"));
        let _ = std::fs::remove_file(path.with_extension("db-shm"));
        if let Ok(mut reg) = Register::open(&path, "x") {
            let _ = reg.cases(None);
            let _ = reg.history(&refs["P1"]);
            let _ = reg.stats(None, d("2026-01-01"), d("2026-12-31"));
            let _ = reg.actions(&ActionFilter::default());
            let _ = reg.changes_since_last(&[]);
            let _ = reg.save_scan(d("2026-12-01"), &[]);
            let _ = reg.retention(1, d("2030-01-01"), true);
            let _ = reg.integrity_check();
        }
    }
}

#[test]
fn references_stay_stable_through_merges_and_splits() {
    let (_dir, _path, mut reg) = fresh();
    // Week 1: two persons.
    let w1 = resolve(
        &mut reg,
        &[person("P1", &["A", "B"]), person("P2", &["C", "D"])],
    );
    assert_eq!(w1["P1"], "CN-P1");
    assert_eq!(w1["P2"], "CN-P2");
    // Same mentions, new person ids: same references, no events.
    let again = resolve(
        &mut reg,
        &[person("X7", &["C", "D"]), person("X8", &["B", "A"])],
    );
    assert_eq!(again["X7"], "CN-P2");
    assert_eq!(again["X8"], "CN-P1");
    // Week 2: linkage joins them (plus a new incident): the older ref wins.
    let w2 = resolve(&mut reg, &[person("P9", &["C", "D", "A", "B", "E"])]);
    assert_eq!(w2["P9"], "CN-P1");
    let h = reg.history("CN-P1").unwrap();
    assert_eq!(h.events.len(), 1);
    assert_eq!(h.events[0].kind, "merge");
    assert_eq!(h.events[0].other_ref, "CN-P2");
    assert_eq!(h.events[0].mentions, 2);
    assert_eq!(h.mentions, 5);
    assert_eq!(
        reg.history("CN-P2").unwrap().merged_into.as_deref(),
        Some("CN-P1")
    );
    // Week 3: it splits again: the larger part keeps CN-P1, the other gets a new ref.
    let w3 = resolve(
        &mut reg,
        &[person("Q2", &["C", "D"]), person("Q1", &["A", "B", "E"])],
    );
    assert_eq!(w3["Q1"], "CN-P1");
    assert_eq!(w3["Q2"], "CN-Q2");
    let h = reg.history("CN-P1").unwrap();
    let kinds: Vec<&str> = h.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["merge", "split"]);
    assert_eq!(h.events[1].other_ref, "CN-Q2");
    assert_eq!(h.events[1].mentions, 2);
    // Stable from then on.
    let w4 = resolve(
        &mut reg,
        &[
            person("Z1", &["A", "B", "E", "F"]),
            person("Z2", &["C", "D"]),
        ],
    );
    assert_eq!(w4["Z1"], "CN-P1");
    assert_eq!(w4["Z2"], "CN-Q2");
    // A proposed ref already taken gets a suffix.
    let r = reg
        .resolve_case_refs(&|_| "Central North".into(), &[person("N", &["G"])], &|_| {
            "CN-P1".into()
        })
        .unwrap();
    assert_eq!(r["N"], "CN-P1-2");
    // The merge moved open actions with it.
    let log = reg.audit_log().unwrap();
    assert!(log
        .iter()
        .any(|a| a.command == "resolve_case_refs" && a.detail.contains("merges 1")));
}

#[test]
fn a_split_tie_goes_to_the_first_person_and_bcu_can_come_from_incidents() {
    let (_dir, _path, mut reg) = fresh();
    resolve(&mut reg, &[person("P1", &["A", "B"])]);
    let by_incident = |s: &str| {
        if s == "B" {
            "South".into()
        } else {
            String::new()
        }
    };
    let r = reg
        .resolve_case_refs(
            &by_incident,
            &[person("S1", &["B"]), person("S2", &["A"])],
            &|p| format!("S-{}", p.person_id),
        )
        .unwrap();
    assert_eq!(r["S1"], "CN-P1");
    assert_eq!(r["S2"], "S-S2");
    assert_eq!(reg.history("CN-P1").unwrap().bcu, "South");
}

#[test]
fn record_pack_records_a_meeting_with_decisions_once() {
    let (_dir, _path, mut reg) = fresh();
    let p = pack(
        "2026-11-27",
        "CN",
        "Central North",
        json!([
            case(
                "CN-AAAA0001",
                "high",
                &["repeat_victim"],
                &[("H1", "2026-06-01"), ("H2", "2026-09-01")],
                json!([{"heard": true, "note": "Ann Lee agreed to a visit",
                         "actions": [{"owner": "housing", "text": "Visit", "due": "2026-12-11"},
                                     {"owner": "adult-social-care", "text": "Care Act assessment", "due": "2026-12-04"}]}])
            ),
            case(
                "CN-AAAA0002",
                "medium",
                &[],
                &[("H3", "2026-10-01")],
                json!([])
            ),
            case(
                "CN-AAAA0003",
                "high",
                &[],
                &[("H4", "2026-10-05")],
                json!([{"heard": false}])
            ),
        ]),
    );
    let info = MeetingInfo {
        chair: Some("DI Smith".into()),
        attended: vec!["housing".into(), "met-police".into()],
        apologies: vec!["nhs".into()],
        confidentiality_signed: true,
    };
    let s = reg.record_pack_with(&p, &info).unwrap();
    assert_eq!(s.meeting_ref, "CN-2026-11-27");
    assert_eq!((s.cases, s.new_cases, s.heard, s.actions), (3, 3, 2, 2));
    let acts = reg.open_actions("Central North").unwrap();
    assert_eq!(acts.len(), 2);
    assert_eq!(acts[0].owner, "adult-social-care", "earliest due first");
    assert_eq!(acts[0].due, d("2026-12-04"));
    assert_eq!(reg.open_actions("cn").unwrap().len(), 2, "by code too");
    let h = reg.last_hearing("CN-AAAA0001").unwrap().unwrap();
    assert_eq!(h.level, "high");
    assert_eq!(h.date, d("2026-11-27"));
    assert_eq!(
        reg.last_hearing("CN-AAAA0003").unwrap(),
        None,
        "deferred, not heard"
    );
    let hist = reg.history("CN-AAAA0001").unwrap();
    assert_eq!(hist.first_report, Some(d("2026-06-01")));
    assert_eq!(
        hist.hearings[0].note.as_deref(),
        Some("Ann Lee agreed to a visit")
    );
    let (chair, attended, conf): (String, String, bool) = reg
        .conn
        .query_row(
            "SELECT chair, attended, confidentiality_signed FROM meetings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (chair.as_str(), attended.as_str(), conf),
        ("DI Smith", "housing;met-police", true)
    );
    // No name, address or summary from the pack is stored outside the chair's note.
    let dump: String = reg
        .conn
        .query_row(
            "SELECT group_concat(x, ' ') FROM (SELECT incident_id || role || case_ref AS x FROM case_mentions \
             UNION ALL SELECT flags || factors FROM hearings UNION ALL SELECT text FROM actions)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!dump.contains("High Street") && !dump.contains("Carl"));
    // Twice: refused, nothing changes.
    let err = reg.record_pack(&p).unwrap_err();
    assert!(matches!(err, RegisterError::DuplicateMeeting(_)), "{err}");
    assert_eq!(reg.open_actions("CN").unwrap().len(), 2);
}

#[test]
fn bad_packs_are_refused_without_quoting_values() {
    let (_dir, _path, mut reg) = fresh();
    let bad_level = pack(
        "2026-11-27",
        "CN",
        "Central North",
        json!([case("CN-1", "Ann Lee", &[], &[], json!([]))]),
    );
    let bad_type = bad_level.replace("\"score\":80", "\"score\":\"Ann Lee\"");
    for text in [
        bad_level.as_str(),
        bad_type.as_str(),
        "{",
        "[]",
        "{\"schema\":\"other/9\",\"meeting\":{\"date\":\"2026-01-01\",\"bcu\":\"x\"}}",
    ] {
        let err = reg.record_pack(text).unwrap_err();
        assert!(matches!(err, RegisterError::Pack(_)), "{err}");
        assert!(!err.to_string().contains("Ann Lee"), "{err}");
    }
    assert!(reg.cases(None).unwrap().is_empty(), "nothing half-written");
}

#[test]
fn repeat_marac_at_the_next_meeting() {
    let (_dir, _path, mut reg) = fresh();
    let c = |dates: &[(&str, &str)]| json!([case("CN-R", "high", &[], dates, json!([]))]);
    reg.record_pack(&pack(
        "2026-10-02",
        "CN",
        "Central North",
        c(&[("A", "2026-09-01")]),
    ))
    .unwrap();
    let s = reg
        .record_pack(&pack(
            "2026-11-27",
            "CN",
            "Central North",
            c(&[("A", "2026-09-01"), ("B", "2026-11-01")]),
        ))
        .unwrap();
    assert_eq!(s.repeat, 1);
    let s = reg
        .record_pack(&pack(
            "2026-12-11",
            "CN",
            "Central North",
            c(&[("A", "2026-09-01"), ("B", "2026-11-01")]),
        ))
        .unwrap();
    assert_eq!(s.repeat, 0, "no incident since the last hearing");
}

#[test]
fn actions_overdue_done_and_incomplete() {
    let (_dir, _path, mut reg) = fresh();
    resolve(&mut reg, &[person("P1", &["A"])]);
    assert!(matches!(
        reg.add_action("CN-NOPE", "housing", d("2026-12-01"), "x"),
        Err(RegisterError::NoSuchCase(_))
    ));
    let a = reg
        .add_action("CN-P1", "housing", d("2026-12-01"), "Visit")
        .unwrap();
    let b = reg
        .add_action("CN-P1", "nhs", d("2026-12-10"), "GP review")
        .unwrap();
    let c = reg
        .add_action("CN-P1", "met-police", d("2026-11-01"), "Patrols")
        .unwrap();
    let overdue = |reg: &Register, at: &str| -> Vec<i64> {
        reg.actions(&ActionFilter {
            overdue_at: Some(d(at)),
            ..ActionFilter::default()
        })
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect()
    };
    assert_eq!(
        overdue(&reg, "2026-12-01"),
        [c],
        "due on the day is not overdue"
    );
    assert_eq!(overdue(&reg, "2026-12-11"), [c, a, b]);
    // The console's listing: by owner (any case and spacing), at most N,
    // counted, and open ones summed by owner and BCU.
    let of = |owner: &str, limit| ActionFilter {
        owner: Some(owner.into()),
        open_only: true,
        limit,
        ..ActionFilter::default()
    };
    let ids =
        |f: &ActionFilter| -> Vec<i64> { reg.actions(f).unwrap().iter().map(|a| a.id).collect() };
    assert_eq!(ids(&of(" Housing ", None)), [a]);
    assert_eq!(
        ids(&ActionFilter {
            limit: Some(2),
            ..ActionFilter::default()
        }),
        [c, a]
    );
    assert_eq!(
        reg.count_actions(&ActionFilter {
            limit: Some(1),
            ..ActionFilter::default()
        })
        .unwrap(),
        3
    );
    assert_eq!(reg.count_actions(&of("nhs", Some(0))).unwrap(), 1);
    assert!(reg.actions(&of("nhs", Some(0))).unwrap().is_empty());
    let counts = reg.open_action_counts(d("2026-12-05"), None).unwrap();
    let got: Vec<(&str, &str, u64, u64)> = counts
        .iter()
        .map(|n| (n.owner.as_str(), n.bcu.as_str(), n.open, n.overdue))
        .collect();
    assert_eq!(
        got,
        [
            ("housing", "Central North", 1, 1),
            ("met-police", "Central North", 1, 1),
            ("nhs", "Central North", 1, 0)
        ]
    );
    assert_eq!(
        reg.open_action_counts(d("2026-12-05"), Some("NHS"))
            .unwrap()
            .len(),
        1
    );
    reg.complete_action(c).unwrap();
    reg.mark_incomplete(b, IncompleteReason::AgencyDidNotAct)
        .unwrap();
    assert_eq!(overdue(&reg, "2026-12-11"), [a]);
    assert!(matches!(
        reg.complete_action(c),
        Err(RegisterError::ActionClosed { .. })
    ));
    assert!(matches!(
        reg.complete_action(999),
        Err(RegisterError::NoSuchAction(999))
    ));
    let all = reg.actions(&ActionFilter::default()).unwrap();
    let bb = all.iter().find(|x| x.id == b).unwrap();
    assert_eq!(bb.status, ActionStatus::Cancelled);
    assert_eq!(bb.reason, Some(IncompleteReason::AgencyDidNotAct));
    assert!(IncompleteReason::parse("nonsense").is_err());
}

#[test]
fn stats_are_exact_on_a_small_register() {
    let (_dir, _path, mut reg) = fresh();
    // Case 1: first report 2026-01-01, heard 2026-01-31 (30 days) and again
    // 2026-03-01 as a repeat; disability hate flag.
    // Case 2: first report 2026-02-01, heard 2026-03-01 (28 days).
    // Case 3: first report 2026-02-20, heard 2026-03-01 (9 days), disability strand factor.
    // Case 4: in South, heard 2026-03-05.
    reg.record_pack(&pack(
        "2026-01-31",
        "CN",
        "Central North",
        json!([case(
            "C1",
            "high",
            &["possible_hate_incident"],
            &[("A1", "2026-01-01")],
            json!([{"actions": [{"owner": "housing", "text": "t", "due": "2026-02-14"}]}])
        )]),
    ))
    .unwrap();
    let mut c3 = case("C3", "medium", &[], &[("C1x", "2026-02-20")], json!([]));
    c3["reasons"] = json!([{"factor": "disability_hate_strand", "points": 10, "incidents": []}]);
    reg.record_pack(&pack(
        "2026-03-01",
        "CN",
        "Central North",
        json!([
            case(
                "C1",
                "high",
                &["possible_hate_incident"],
                &[("A1", "2026-01-01"), ("A2", "2026-02-15")],
                json!([])
            ),
            case(
                "C2",
                "high",
                &[],
                &[("B1", "2026-02-01")],
                json!([{"actions": [{"owner": "nhs", "text": "t", "due": "2026-03-15"},
                                     {"owner": "nhs", "text": "t", "due": "2026-04-15"}]}])
            ),
            c3,
        ]),
    ))
    .unwrap();
    reg.record_pack(&pack(
        "2026-03-05",
        "S",
        "South",
        json!([case("S1", "high", &[], &[("Z1", "2026-03-01")], json!([]))]),
    ))
    .unwrap();
    let st = reg
        .stats(Some("CN"), d("2026-01-01"), d("2026-03-31"))
        .unwrap();
    assert_eq!(st.bcus.len(), 1);
    let r = &st.bcus[0];
    assert_eq!(r.bcu, "Central North");
    assert_eq!(r.cases_heard, 3);
    assert_eq!(r.repeat_cases, 1);
    assert!((r.repeat_rate - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(r.disability_hate_cases, 2);
    assert!((r.disability_hate_share - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(r.first_hearings, 3);
    assert_eq!(r.median_days_to_first_hearing, Some(28.0));
    // Overdue at 2026-03-31: due 2026-02-14 and 2026-03-15 (open); 2026-04-15 not yet.
    assert_eq!(r.actions_overdue, 2);
    assert_eq!(
        r.cases_heard_by_month,
        BTreeMap::from([("2026-01".to_string(), 1), ("2026-03".to_string(), 3)])
    );
    // March only: C1's first hearing was in January, so only C2 and C3 count.
    let st = reg.stats(None, d("2026-03-01"), d("2026-03-31")).unwrap();
    assert_eq!(st.bcus.len(), 2);
    let cn = &st.bcus[0];
    assert_eq!((cn.cases_heard, cn.first_hearings), (3, 2));
    assert_eq!(cn.median_days_to_first_hearing, Some(18.5));
    let south = &st.bcus[1];
    assert_eq!((south.bcu.as_str(), south.cases_heard), ("South", 1));
    assert_eq!(south.median_days_to_first_hearing, Some(4.0));
    assert!(reg.stats(None, d("2026-04-01"), d("2026-03-01")).is_err());
}

#[test]
fn scans_and_changes_since_last() {
    let (_dir, _path, mut reg) = fresh();
    let e = |r: &str, level: &str, flags: &[&str]| ScanEntry {
        case_ref: r.into(),
        person_id: format!("P-{r}"),
        bcu: "Central North".into(),
        level: level.into(),
        score: 10,
        flags: flags.iter().map(|f| f.to_string()).collect(),
    };
    let first = vec![
        e("A", "medium", &[]),
        e("B", "high", &["repeat_victim"]),
        e("C", "standard", &[]),
    ];
    let c = reg.changes_since_last(&first).unwrap();
    assert_eq!(c.previous_scan, None);
    assert_eq!(c.new_high.len(), 1);
    reg.save_scan(d("2026-11-13"), &first).unwrap();
    let second = vec![
        e("A", "high", &["asb_case_review"]),
        e("B", "high", &["repeat_victim", "repeat_marac"]),
        e("D", "high", &[]),
    ];
    let c = reg.changes_since_last(&second).unwrap();
    assert_eq!(c.previous_as_of, Some(d("2026-11-13")));
    let refs = |v: &[ChangeRow]| v.iter().map(|x| x.case_ref.clone()).collect::<Vec<_>>();
    assert_eq!(refs(&c.new_high), ["D"]);
    assert_eq!(refs(&c.risen), ["A"]);
    assert_eq!(c.risen[0].previous_level.as_deref(), Some("medium"));
    assert_eq!(refs(&c.new_flags), ["A", "B"]);
    assert_eq!(c.new_flags[1].flags, ["repeat_marac"]);
    assert_eq!(refs(&c.closed), ["C"]);
    reg.save_scan(d("2026-11-20"), &second).unwrap();
    // Re-running the week compares with the week before, not with itself.
    let rerun = reg.changes_since(d("2026-11-20"), &second).unwrap();
    assert_eq!(rerun.previous_as_of, Some(d("2026-11-13")));
    assert_eq!(refs(&rerun.closed), ["C"]);
    assert_eq!(reg.changes_since_last(&second).unwrap().closed.len(), 0);
    let h = reg.history("A").unwrap();
    let levels: Vec<&str> = h.scans.iter().map(|s| s.level.as_str()).collect();
    assert_eq!(levels, ["medium", "high"]);
    // Saving the week again replaces its scan: one scan per date.
    let rerun = vec![e("A", "medium", &[]), e("D", "high", &[])];
    reg.save_scan(d("2026-11-20"), &rerun).unwrap();
    let h = reg.history("A").unwrap();
    let levels: Vec<&str> = h.scans.iter().map(|s| s.level.as_str()).collect();
    assert_eq!(levels, ["medium", "medium"]);
    assert!(
        reg.history("B").unwrap().scans.len() == 1,
        "B is in no scan of 2026-11-20 now"
    );
    let last = reg.audit_log().unwrap().pop().unwrap();
    assert!(
        last.detail
            .ends_with("persons 2 (replaces the scan saved before for that date)"),
        "{}",
        last.detail
    );
}

#[test]
fn retention_is_explicit_counted_and_logged() {
    let (_dir, _path, mut reg) = fresh();
    resolve(&mut reg, &[person("P1", &["A"])]);
    reg.record_pack(&pack(
        "2026-01-10",
        "CN",
        "Central North",
        json!([case(
            "CN-P1",
            "high",
            &[],
            &[("A", "2026-01-01")],
            json!([{"actions": [{"owner": "housing", "text": "t", "due": "2026-01-20"}]}])
        )]),
    ))
    .unwrap();
    reg.save_scan(
        d("2026-01-05"),
        &[ScanEntry {
            case_ref: "CN-P1".into(),
            person_id: "P1".into(),
            bcu: "Central North".into(),
            level: "high".into(),
            score: 60,
            flags: vec![],
        }],
    )
    .unwrap();
    // Far enough ahead that even today's creation date is old.
    let later = chrono::Utc::now().date_naive() + chrono::Duration::days(800);
    let dry = reg.retention(365, later, false).unwrap();
    assert!(!dry.deleted);
    assert_eq!(
        (
            dry.cases,
            dry.mentions,
            dry.hearings,
            dry.actions,
            dry.scans,
            dry.scan_rows,
            dry.meetings
        ),
        (1, 1, 1, 1, 1, 1, 1)
    );
    assert_eq!(reg.cases(None).unwrap().len(), 1, "dry run deletes nothing");
    // Recent activity keeps everything.
    let none = reg.retention(365, d("2026-06-01"), true).unwrap();
    assert_eq!((none.cases, none.scans, none.meetings), (0, 0, 0));
    let done = reg.retention(365, later, true).unwrap();
    assert_eq!(done.cases, 1);
    assert!(reg.cases(None).unwrap().is_empty());
    assert!(reg.actions(&ActionFilter::default()).unwrap().is_empty());
    let log = reg.audit_log().unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.command, "retention");
    assert!(last.detail.contains("deleted cases 1"), "{}", last.detail);
    assert_eq!(reg.integrity_check().unwrap(), "ok");
}

#[test]
fn every_write_is_audited_and_the_audit_never_holds_names() {
    let (_dir, _path, mut reg) = fresh();
    resolve(&mut reg, &[person("P1", &["A"])]);
    reg.record_pack(&pack(
        "2026-11-27",
        "CN",
        "Central North",
        json!([case("CN-P1", "high", &[], &[("A", "2026-11-01")],
                     json!([{"note": "Ann Lee at risk", "actions": [{"owner": "housing", "text": "Call Ann Lee", "due": "2026-12-01"}]}]))]),
    ))
    .unwrap();
    let id = reg
        .add_action("CN-P1", "nhs", d("2026-12-05"), "Ann Lee GP")
        .unwrap();
    reg.complete_action(id).unwrap();
    reg.mark_incomplete(1, IncompleteReason::CircumstancesChanged)
        .unwrap();
    reg.save_scan(d("2026-11-20"), &[]).unwrap();
    reg.retention(10_000, d("2026-11-20"), true).unwrap();
    let log = reg.audit_log().unwrap();
    let commands: Vec<&str> = log.iter().map(|a| a.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "init",
            "resolve_case_refs",
            "record",
            "action add",
            "action done",
            "action incomplete",
            "scan",
            "retention"
        ]
    );
    for a in &log {
        assert_eq!(a.user, "tester");
        assert!(a.at.ends_with('Z'), "UTC: {}", a.at);
        for secret in ["Ann", "Lee", "High Street", "Carl", "GP", "Call"] {
            assert!(!a.detail.contains(secret), "{secret} in {}", a.detail);
        }
    }
}

#[test]
fn readers_read_while_a_writer_holds_the_write_lock() {
    let (_dir, path, mut writer) = fresh();
    resolve(&mut writer, &[person("P1", &["A"])]);
    writer
        .conn
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO cases (case_ref, bcu, created) VALUES ('CN-X', 'Central North', 'now');",
        )
        .unwrap();
    let reader = Register::open(&path, "reader").unwrap();
    let cases = reader.cases(None).unwrap();
    assert_eq!(cases.len(), 1, "the uncommitted case is not visible");
    writer.conn.execute_batch("COMMIT").unwrap();
    assert_eq!(reader.cases(None).unwrap().len(), 2);
}

#[test]
fn case_refs_are_keyed_hashes_and_the_secret_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("marac.db.key");
    let s1 = load_or_create_secret(&p).unwrap();
    assert_eq!(s1.len(), 32);
    assert_eq!(load_or_create_secret(&p).unwrap(), s1);
    #[cfg(unix)]
    assert_eq!(mode(&p), 0o600);
    let r = case_ref(&s1, "CN", "HSG-2|victim");
    assert!(r.starts_with("CN-") && r.len() == 11);
    assert!(r[3..]
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
    assert_ne!(r, case_ref(&s1, "CN", "HSG-2|suspect"));
    assert_ne!(r, case_ref(b"another secret", "CN", "HSG-2|victim"));
    // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?") = 5bdcc146…
    assert_eq!(
        case_ref(b"Jefe", "T", "what do ya want for nothing?"),
        "T-5BDCC146"
    );
    std::fs::write(dir.path().join("short.key"), b"abc").unwrap();
    assert!(load_or_create_secret(&dir.path().join("short.key")).is_err());
    assert_eq!(
        default_secret_path(Path::new("/x/marac.db")),
        Path::new("/x/marac.db.key")
    );
}
