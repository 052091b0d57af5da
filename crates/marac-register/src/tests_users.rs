//! Unit tests of console users, sessions, lock-out and conflict-safe action
//! updates.

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use marac_model::Role;

use crate::*;

const PW: &str = "correct horse battery";
const PW2: &str = "another long passphrase";

fn fresh() -> (tempfile::TempDir, PathBuf, Register) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marac.db");
    let reg = Register::init(&path, "admin").unwrap();
    (dir, path, reg)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// The audit trail after entry `from`, as (user, command, detail).
fn audit_since(reg: &Register, from: usize) -> Vec<(String, String, String)> {
    reg.audit_log().unwrap()[from..]
        .iter()
        .map(|a| (a.user.clone(), a.command.clone(), a.detail.clone()))
        .collect()
}

fn row(user: &str, command: &str, detail: &str) -> (String, String, String) {
    (user.into(), command.into(), detail.into())
}

/// A case `CN-P1` with one open action; returns its id.
fn with_action(reg: &mut Register) -> i64 {
    let persons = vec![PersonMentions {
        person_id: "P1".into(),
        mentions: vec![("A".into(), Role::Victim)],
    }];
    reg.resolve_case_refs(&|_| "Central North".into(), &persons, &|p| {
        format!("CN-{}", p.person_id)
    })
    .unwrap();
    reg.add_action(
        "CN-P1",
        "housing",
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        "Visit",
    )
    .unwrap()
}

fn is_ok(o: &LoginOutcome) -> bool {
    matches!(o, LoginOutcome::Ok(_))
}

#[test]
fn roles_parse_and_print() {
    for r in [UserRole::Chair, UserRole::Coordinator, UserRole::Agency] {
        assert_eq!(UserRole::parse(r.as_str()).unwrap(), r);
        assert_eq!(
            serde_json::to_value(r).unwrap(),
            serde_json::json!(r.as_str())
        );
    }
    assert_eq!(UserRole::parse(" Chair ").unwrap(), UserRole::Chair);
    let err = UserRole::parse("admin").unwrap_err();
    assert!(err.is_input_error());
    assert_eq!(err.to_string(), "role must be chair, coordinator or agency");
}

#[test]
fn add_user_and_log_in() {
    let (_dir, _path, mut reg) = fresh();
    let u = reg
        .add_user("nhs.jo", UserRole::Agency, Some(" nhs "), PW)
        .unwrap();
    assert_eq!(u.name, "nhs.jo");
    assert_eq!(u.role, UserRole::Agency);
    assert_eq!(u.agency.as_deref(), Some("nhs"));
    assert!(!u.granted);
    assert_eq!(u.locked_until, None);
    assert!(u.created.ends_with('Z'));
    // A chair may belong to an agency, or not.
    reg.add_user("chair", UserRole::Chair, Some("met-police"), PW)
        .unwrap();
    reg.add_user("coord", UserRole::Coordinator, None, PW)
        .unwrap();
    let names: Vec<String> = reg.users().unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["chair", "coord", "nhs.jo"], "by name");
    assert_eq!(reg.user("nhs.jo").unwrap(), Some(u.clone()));
    assert_eq!(reg.user("nobody").unwrap(), None);
    assert_eq!(
        reg.login("nhs.jo", PW, t0()).unwrap(),
        LoginOutcome::Ok(u.clone())
    );
    // The name is trimmed, the password is not.
    assert!(is_ok(&reg.login(" nhs.jo ", PW, t0()).unwrap()));
    assert_eq!(
        reg.login("nhs.jo", &format!("{PW} "), t0()).unwrap(),
        LoginOutcome::Refused
    );
    // JSON of a user: the role in lowercase, never a hash.
    let json = serde_json::to_value(&u).unwrap();
    assert_eq!(json["role"], "agency");
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "agency",
            "created",
            "granted",
            "locked_until",
            "name",
            "role"
        ]
    );
}

#[test]
fn refusals_of_add_user() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let err = reg.add_user("jo", UserRole::Chair, None, PW2).unwrap_err();
    assert!(matches!(&err, RegisterError::DuplicateUser(n) if n == "jo"));
    assert_eq!(err.to_string(), "user jo already exists");
    assert!(err.is_input_error());
    // An agency user needs an agency.
    for agency in [None, Some(""), Some("   ")] {
        let err = reg
            .add_user("ag", UserRole::Agency, agency, PW)
            .unwrap_err();
        assert_eq!(err.to_string(), "an agency user needs an agency");
    }
    // Passwords: at least 12 characters (not bytes).
    let err = reg
        .add_user("short", UserRole::Chair, None, "elevenchars")
        .unwrap_err();
    assert!(
        matches!(&err, RegisterError::Invalid(m) if m == "a password needs at least 12 characters")
    );
    assert!(err.is_input_error());
    assert!(reg
        .add_user("short", UserRole::Chair, None, "ééééééééééé")
        .is_err());
    reg.add_user("short", UserRole::Chair, None, "twelve chars")
        .unwrap();
    assert!(reg
        .add_user(
            "long",
            UserRole::Chair,
            None,
            &"x".repeat(MAX_PASSWORD_CHARS + 1)
        )
        .is_err());
    // Names: no spaces, not empty, not too long; never quoted when refused.
    for bad in ["", "  ", "jo smith", "a\tb", &"n".repeat(65)] {
        let err = reg.add_user(bad, UserRole::Chair, None, PW).unwrap_err();
        assert!(matches!(err, RegisterError::Invalid(_)), "{bad:?}");
        if !bad.trim().is_empty() {
            assert!(!err.to_string().contains(bad.trim()), "{err}");
        }
    }
    assert_eq!(reg.users().unwrap().len(), 2, "nothing else was added");
}

#[test]
fn wrong_password_and_unknown_user_are_the_same_refusal() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let n = reg.audit_log().unwrap().len();
    reg.set_user("web");
    assert_eq!(reg.login("jo", PW2, t0()).unwrap(), LoginOutcome::Refused);
    assert_eq!(
        reg.login("correct horse battery", PW, t0()).unwrap(),
        LoginOutcome::Refused
    );
    assert!(is_ok(&reg.login("jo", PW, t0()).unwrap()));
    assert_eq!(
        audit_since(&reg, n),
        [
            row("web", "login failed", "user jo: failure 1 of 5"),
            // The unknown name may be a password typed into the name field.
            row("web", "login failed", "unknown user"),
            row("web", "login", "user jo"),
        ]
    );
}

#[test]
fn five_failures_lock_out_even_the_right_password_until_it_runs_out() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let n = reg.audit_log().unwrap().len();
    for _ in 0..LOCK_AFTER_FAILURES - 1 {
        assert_eq!(reg.login("jo", PW2, t0()).unwrap(), LoginOutcome::Refused);
    }
    let until = "2026-11-20T09:15:00Z".to_string();
    assert_eq!(
        reg.login("jo", PW2, t0()).unwrap(),
        LoginOutcome::Locked {
            until: until.clone()
        },
        "the fifth failure locks"
    );
    assert_eq!(
        reg.user("jo").unwrap().unwrap().locked_until.as_deref(),
        Some(until.as_str())
    );
    // Locked: even the right password, until the last second of the lock.
    for at in [
        t0(),
        t0() + Duration::minutes(LOCK_MINUTES) - Duration::seconds(1),
    ] {
        assert_eq!(
            reg.login("jo", PW, at).unwrap(),
            LoginOutcome::Locked {
                until: until.clone()
            }
        );
    }
    // The lock runs out: the right password works and clears it.
    let later = t0() + Duration::minutes(LOCK_MINUTES);
    assert!(is_ok(&reg.login("jo", PW, later).unwrap()));
    assert_eq!(reg.user("jo").unwrap().unwrap().locked_until, None);
    let log = audit_since(&reg, n);
    assert_eq!(log.len(), 9);
    assert_eq!(
        log[4],
        row("admin", "login failed", "user jo: failure 5 of 5")
    );
    assert_eq!(
        log[5],
        row("admin", "locked", "user jo until 2026-11-20T09:15:00Z")
    );
    assert_eq!(
        log[6],
        row(
            "admin",
            "login failed",
            "user jo: locked until 2026-11-20T09:15:00Z"
        )
    );
    assert_eq!(log[8], row("admin", "login", "user jo"));
}

#[test]
fn after_a_lock_runs_out_the_count_starts_again() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    for _ in 0..LOCK_AFTER_FAILURES {
        reg.login("jo", PW2, t0()).unwrap();
    }
    let later = t0() + Duration::minutes(LOCK_MINUTES + 1);
    // One wrong password after the lock ran out: refused, not locked again.
    assert_eq!(reg.login("jo", PW2, later).unwrap(), LoginOutcome::Refused);
    assert_eq!(reg.user("jo").unwrap().unwrap().locked_until, None);
    for _ in 1..LOCK_AFTER_FAILURES - 1 {
        assert_eq!(reg.login("jo", PW2, later).unwrap(), LoginOutcome::Refused);
    }
    assert!(matches!(
        reg.login("jo", PW2, later).unwrap(),
        LoginOutcome::Locked { .. }
    ));
}

#[test]
fn a_success_forgets_earlier_failures() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    for _ in 0..2 {
        for _ in 0..LOCK_AFTER_FAILURES - 1 {
            assert_eq!(reg.login("jo", PW2, t0()).unwrap(), LoginOutcome::Refused);
        }
        assert!(is_ok(&reg.login("jo", PW, t0()).unwrap()));
    }
}

#[test]
fn unlock_ends_a_lock_out() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    for _ in 0..LOCK_AFTER_FAILURES {
        reg.login("jo", PW2, t0()).unwrap();
    }
    assert!(matches!(
        reg.login("jo", PW, t0()).unwrap(),
        LoginOutcome::Locked { .. }
    ));
    let n = reg.audit_log().unwrap().len();
    reg.set_user("chair");
    reg.unlock_user("jo").unwrap();
    assert_eq!(reg.user("jo").unwrap().unwrap().locked_until, None);
    assert!(is_ok(&reg.login("jo", PW, t0()).unwrap()));
    assert_eq!(
        audit_since(&reg, n),
        [
            row("chair", "user unlock", "user jo"),
            row("chair", "login", "user jo")
        ]
    );
    assert!(matches!(
        reg.unlock_user("nobody"),
        Err(RegisterError::NoSuchUser(n)) if n == "nobody"
    ));
}

#[test]
fn set_password_replaces_the_old_one() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    reg.set_password("jo", PW2).unwrap();
    assert_eq!(reg.login("jo", PW, t0()).unwrap(), LoginOutcome::Refused);
    assert!(is_ok(&reg.login("jo", PW2, t0()).unwrap()));
    assert_eq!(
        reg.set_password("jo", "short").unwrap_err().to_string(),
        "a password needs at least 12 characters"
    );
    assert!(matches!(
        reg.set_password("nobody", PW),
        Err(RegisterError::NoSuchUser(_))
    ));
    let log = reg.audit_log().unwrap();
    assert!(log
        .iter()
        .any(|a| a.command == "password" && a.detail == "user jo"));
}

#[test]
fn grant_is_for_agency_users() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("ag", UserRole::Agency, Some("housing"), PW)
        .unwrap();
    reg.add_user("chair", UserRole::Chair, None, PW).unwrap();
    let n = reg.audit_log().unwrap().len();
    reg.set_user("chair");
    reg.set_granted("ag", true).unwrap();
    assert!(reg.user("ag").unwrap().unwrap().granted);
    reg.set_granted("ag", false).unwrap();
    assert!(!reg.user("ag").unwrap().unwrap().granted);
    let err = reg.set_granted("chair", true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "user chair is a chair: only an agency user is granted the full view"
    );
    assert!(matches!(
        reg.set_granted("nobody", true),
        Err(RegisterError::NoSuchUser(_))
    ));
    assert_eq!(
        audit_since(&reg, n),
        [
            row("chair", "user grant", "user ag: granted"),
            row("chair", "user grant", "user ag: revoked"),
        ]
    );
}

#[test]
fn sessions_live_while_used_and_end_when_idle() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let idle = Duration::minutes(30);
    let s = reg.create_session("jo", t0()).unwrap();
    for t in [&s.token, &s.csrf] {
        assert_eq!(t.len(), 64);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
    assert_ne!(s.token, s.csrf);
    let other = reg.create_session("jo", t0()).unwrap();
    assert_ne!(other.token, s.token);
    // Used after 20 minutes, then 30 minutes after that: still alive.
    let su = reg
        .session(&s.token, t0() + Duration::minutes(20), idle)
        .unwrap()
        .unwrap();
    assert_eq!(su.user.name, "jo");
    assert_eq!(su.csrf, s.csrf);
    assert_eq!(su.token_hash, users::token_hash(&s.token));
    assert_eq!(su.token_hash.len(), 64);
    assert!(reg
        .session(&s.token, t0() + Duration::minutes(50), idle)
        .unwrap()
        .is_some());
    // The other session was not used: idle for 31 minutes, so gone.
    let n = reg.audit_log().unwrap().len();
    assert!(reg
        .session(&other.token, t0() + Duration::minutes(31), idle)
        .unwrap()
        .is_none());
    assert!(
        reg.session(&other.token, t0(), idle).unwrap().is_none(),
        "deleted, not only refused"
    );
    assert_eq!(
        audit_since(&reg, n),
        [row("admin", "logout", "user jo: idle")]
    );
    // Unknown and malformed tokens.
    assert!(reg.session(&"0".repeat(64), t0(), idle).unwrap().is_none());
    assert!(reg.session("not a token", t0(), idle).unwrap().is_none());
    assert!(reg
        .session(&s.token.to_uppercase(), t0(), idle)
        .unwrap()
        .is_none());
    assert!(matches!(
        reg.create_session("nobody", t0()),
        Err(RegisterError::NoSuchUser(_))
    ));
    // Debug never prints a token.
    let debug = format!("{s:?} {su:?}");
    assert!(
        !debug.contains(&s.token) && !debug.contains(&s.csrf),
        "{debug}"
    );
}

#[test]
fn end_session_and_purge() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let idle = Duration::minutes(30);
    let s = reg.create_session("jo", t0()).unwrap();
    let n = reg.audit_log().unwrap().len();
    reg.set_user("jo");
    reg.end_session(&s.token).unwrap();
    assert!(reg.session(&s.token, t0(), idle).unwrap().is_none());
    reg.end_session(&s.token).unwrap();
    reg.end_session("garbage").unwrap();
    assert_eq!(audit_since(&reg, n), [row("jo", "logout", "user jo")]);
    // Purging idle sessions.
    let a = reg.create_session("jo", t0()).unwrap();
    let b = reg
        .create_session("jo", t0() + Duration::minutes(20))
        .unwrap();
    assert_eq!(
        reg.purge_sessions(t0() + Duration::minutes(40), idle)
            .unwrap(),
        1
    );
    assert_eq!(
        reg.purge_sessions(t0() + Duration::minutes(40), idle)
            .unwrap(),
        0
    );
    let later = t0() + Duration::minutes(40);
    assert!(reg.session(&a.token, later, idle).unwrap().is_none());
    assert!(reg.session(&b.token, later, idle).unwrap().is_some());
    assert_eq!(
        reg.audit_log().unwrap().last().unwrap().detail,
        "idle sessions ended 1"
    );
}

#[test]
fn remove_user_ends_their_sessions() {
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    reg.add_user("kim", UserRole::Coordinator, None, PW)
        .unwrap();
    let idle = Duration::minutes(30);
    let a = reg.create_session("jo", t0()).unwrap();
    let b = reg.create_session("jo", t0()).unwrap();
    let k = reg.create_session("kim", t0()).unwrap();
    let n = reg.audit_log().unwrap().len();
    reg.remove_user("jo").unwrap();
    assert!(reg.session(&a.token, t0(), idle).unwrap().is_none());
    assert!(reg.session(&b.token, t0(), idle).unwrap().is_none());
    assert!(reg.session(&k.token, t0(), idle).unwrap().is_some());
    assert_eq!(reg.user("jo").unwrap(), None);
    assert_eq!(reg.login("jo", PW, t0()).unwrap(), LoginOutcome::Refused);
    assert!(matches!(
        reg.remove_user("jo"),
        Err(RegisterError::NoSuchUser(_))
    ));
    assert_eq!(
        audit_since(&reg, n),
        [
            row("admin", "user remove", "user jo: sessions ended 2"),
            row("admin", "login failed", "unknown user"),
        ]
    );
    // The name can be used again.
    reg.add_user("jo", UserRole::Chair, None, PW2).unwrap();
}

#[test]
fn every_user_write_is_audited_exactly() {
    let (_dir, _path, mut reg) = fresh();
    reg.set_user("chair1");
    reg.add_user("ag", UserRole::Agency, Some("housing"), PW)
        .unwrap();
    reg.add_user("co", UserRole::Coordinator, None, PW).unwrap();
    reg.set_granted("ag", true).unwrap();
    reg.set_password("ag", PW2).unwrap();
    reg.set_user("web");
    reg.login("ag", PW2, t0()).unwrap();
    let s = reg.create_session("ag", t0()).unwrap();
    reg.session(&s.token, t0(), Duration::minutes(30)).unwrap();
    reg.set_user("ag");
    reg.end_session(&s.token).unwrap();
    reg.set_user("chair1");
    reg.unlock_user("ag").unwrap();
    reg.remove_user("co").unwrap();
    assert_eq!(
        audit_since(&reg, 1),
        [
            row("chair1", "user add", "user ag: role agency, agency housing"),
            row("chair1", "user add", "user co: role coordinator"),
            row("chair1", "user grant", "user ag: granted"),
            row("chair1", "password", "user ag"),
            row("web", "login", "user ag"),
            row("ag", "logout", "user ag"),
            row("chair1", "user unlock", "user ag"),
            row("chair1", "user remove", "user co: sessions ended 0"),
        ]
    );
}

/// The database (and its WAL) never holds a password or a token: only the
/// Argon2 PHC string and the SHA-256 of the token.
#[test]
fn no_password_or_token_in_the_database_file() {
    let (dir, path, mut reg) = fresh();
    const SECRETS: [&str; 4] = [
        "first secret passphrase",
        "second secret passphrase",
        "wrong secret passphrase",
        "typed into the name field",
    ];
    reg.add_user("jo", UserRole::Coordinator, None, SECRETS[0])
        .unwrap();
    reg.set_password("jo", SECRETS[1]).unwrap();
    reg.login("jo", SECRETS[2], t0()).unwrap();
    reg.login(SECRETS[3], SECRETS[1], t0()).unwrap();
    assert!(is_ok(&reg.login("jo", SECRETS[1], t0()).unwrap()));
    let s = reg.create_session("jo", t0()).unwrap();
    let ended = reg.create_session("jo", t0()).unwrap();
    reg.end_session(&ended.token).unwrap();
    let hash: String = reg
        .conn
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    // What an attacker with the files would see: every file of the register.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    for secret in SECRETS {
        assert!(!has(secret), "a password in the files");
    }
    assert!(!has(&s.token) && !has(&ended.token), "a token in the files");
    assert!(has(&users::token_hash(&s.token)), "the hash is stored");
    assert!(has(&hash), "the PHC string is stored");
    for a in reg.audit_log().unwrap() {
        assert!(!a.detail.contains("$argon2") && !a.detail.contains(&users::token_hash(&s.token)));
    }
    drop(reg);
    assert!(path.exists());
}

#[test]
fn the_dummy_hash_costs_what_a_real_one_does() {
    use argon2::password_hash::PasswordHash;
    let dummy = PasswordHash::new(users::DUMMY_HASH).unwrap();
    let (_dir, _path, mut reg) = fresh();
    reg.add_user("jo", UserRole::Coordinator, None, PW).unwrap();
    let real: String = reg
        .conn
        .query_row("SELECT password_hash FROM users", [], |r| r.get(0))
        .unwrap();
    let real = PasswordHash::new(&real).unwrap();
    assert_eq!(dummy.algorithm, real.algorithm);
    assert_eq!(dummy.version, real.version);
    assert_eq!(dummy.params, real.params);
    assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
}

#[test]
fn update_action_checks_the_version() {
    let (_dir, path, mut reg) = fresh();
    let id = with_action(&mut reg);
    let mut other = Register::open(&path, "other").unwrap();
    let a = reg.action(id).unwrap();
    let b = other.action(id).unwrap();
    assert_eq!((a.version, b.version), (1, 1));
    let done = reg
        .update_action(
            id,
            a.version,
            ActionChange::Done {
                note: Some("  Visited on Monday  ".into()),
            },
        )
        .unwrap();
    assert_eq!(done.status, ActionStatus::Done);
    assert_eq!(done.version, 2);
    assert_eq!(done.note.as_deref(), Some("Visited on Monday"));
    assert!(done.done_at.is_some());
    assert_eq!(reg.action(id).unwrap(), done);
    // The other handle still has version 1: a conflict, nothing written.
    let err = other
        .update_action(
            id,
            b.version,
            ActionChange::NotCompleted {
                reason: IncompleteReason::AgencyDidNotAct,
                note: None,
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("action {id} was changed by someone else (now version 2); reload it and try again")
    );
    assert!(matches!(err, RegisterError::Conflict { .. }) && err.is_input_error());
    assert_eq!(other.action(id).unwrap(), done);
    // Reloaded: the right version of a closed action is not a conflict but closed.
    assert!(matches!(
        other.update_action(id, 2, ActionChange::Done { note: None }),
        Err(RegisterError::ActionClosed { .. })
    ));
    assert!(matches!(
        reg.action(999),
        Err(RegisterError::NoSuchAction(999))
    ));
    assert!(matches!(
        reg.update_action(999, 1, ActionChange::Done { note: None }),
        Err(RegisterError::NoSuchAction(999))
    ));
    // Audit: the note is free text and never written there.
    let log = reg.audit_log().unwrap();
    let closes: Vec<_> = log
        .iter()
        .filter(|a| a.command.starts_with("action ") && a.command != "action add")
        .map(|a| (a.user.as_str(), a.command.as_str(), a.detail.clone()))
        .collect();
    assert_eq!(
        closes,
        [("admin", "action done", format!("action {id}: done"))]
    );
}

#[test]
fn update_action_not_completed_with_a_note_and_the_old_calls_bump_the_version() {
    let (_dir, _path, mut reg) = fresh();
    let a = with_action(&mut reg);
    let b = reg
        .add_action(
            "CN-P1",
            "nhs",
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            "GP",
        )
        .unwrap();
    let c = reg
        .add_action(
            "CN-P1",
            "nhs",
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            "GP",
        )
        .unwrap();
    let row = reg
        .update_action(
            a,
            1,
            ActionChange::NotCompleted {
                reason: IncompleteReason::CircumstancesChanged,
                note: Some("Moved away".into()),
            },
        )
        .unwrap();
    assert_eq!(
        (row.status, row.reason, row.version, row.note.as_deref()),
        (
            ActionStatus::Cancelled,
            Some(IncompleteReason::CircumstancesChanged),
            2,
            Some("Moved away")
        )
    );
    reg.complete_action(b).unwrap();
    reg.mark_incomplete(c, IncompleteReason::AgencyDidNotAct)
        .unwrap();
    for id in [b, c] {
        let r = reg.action(id).unwrap();
        assert_eq!((r.version, r.note), (2, None));
    }
    // An empty note is none; a long one is refused without quoting it.
    let d = reg
        .add_action(
            "CN-P1",
            "nhs",
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            "GP",
        )
        .unwrap();
    let long = "n".repeat(MAX_NOTE_CHARS + 1);
    let err = reg
        .update_action(
            d,
            1,
            ActionChange::Done {
                note: Some(long.clone()),
            },
        )
        .unwrap_err();
    assert!(matches!(err, RegisterError::Invalid(_)));
    assert!(!err.to_string().contains(&long[..20]));
    assert_eq!(reg.action(d).unwrap().version, 1, "nothing written");
    let r = reg
        .update_action(
            d,
            1,
            ActionChange::Done {
                note: Some(" ".into()),
            },
        )
        .unwrap();
    assert_eq!(r.note, None);
    let log = reg.audit_log().unwrap();
    assert!(log.iter().any(|x| x.command == "action incomplete"
        && x.detail == format!("action {a}: cancelled (circumstances_changed)")));
    assert!(log.iter().all(|x| !x.detail.contains("Moved")));
}

/// Two writers race on one action: exactly one wins.
#[test]
fn racing_writers_on_one_action_one_wins() {
    let (_dir, path, mut reg) = fresh();
    let id = with_action(&mut reg);
    drop(reg);
    for _round in 0..3 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let path = path.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    let mut reg = Register::open(&path, &format!("writer{i}")).unwrap();
                    let v = reg.action(id).unwrap().version;
                    barrier.wait();
                    let change = if i == 0 {
                        ActionChange::Done { note: None }
                    } else {
                        ActionChange::NotCompleted {
                            reason: IncompleteReason::AgencyDidNotAct,
                            note: None,
                        }
                    };
                    reg.update_action(id, v, change)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(wins, 1, "{results:?}");
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert!(matches!(loser, RegisterError::Conflict { .. }), "{loser:?}");
        // Reopen the action for the next round (as an edited file would).
        let reg = Register::open(&path, "t").unwrap();
        let v = reg.action(id).unwrap().version;
        reg.conn
            .execute(
                "UPDATE actions SET status = 'open', reason = NULL WHERE id = ?1",
                [id],
            )
            .unwrap();
        assert!(v >= 2);
    }
}
