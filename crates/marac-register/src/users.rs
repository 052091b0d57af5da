//! Users and sessions of the web console.
//!
//! A user has a name (not case data: it may be quoted in errors and in the
//! audit trail), a role, maybe an agency, and a password stored only as an
//! Argon2id PHC string (random salt, the crate's default parameters).
//! [`LOCK_AFTER_FAILURES`] wrong passwords in a row lock the user out for
//! [`LOCK_MINUTES`]; while locked, even the right password is refused.
//! An unknown name and a wrong password give the same outcome, and an
//! unknown name still costs one Argon2 verification, so names cannot be
//! probed by answer or by timing.
//!
//! A session is a random cookie token (and a CSRF token) handed to the
//! browser; the register keeps only the SHA-256 of the cookie token, so a
//! copy of the database opens no session. No password, token or hash is ever
//! written to an error or to the audit trail.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{now_utc, Register, RegisterError};

/// Wrong passwords in a row that lock a user out.
pub const LOCK_AFTER_FAILURES: u32 = 5;
/// How long a lock-out lasts, in minutes.
pub const LOCK_MINUTES: i64 = 15;
/// The shortest password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// The longest user name, in characters.
const MAX_NAME_CHARS: usize = 64;
/// The longest agency name, in characters.
const MAX_AGENCY_CHARS: usize = 100;

/// The Argon2id hash (default parameters) of a random password nobody
/// knows: what a login with an unknown name is verified against, so that it
/// takes as long as one with a known name.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bWFyYWMtZHVtbXktc2FsdA$6b4aJEy6PCSmwDL6yCaVDmaDk3ETVmJ99SaYkpeNMcE";

/// Roles of the web console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    /// Chairs meetings; sees everything, grants agency users the full view.
    Chair,
    /// Runs the register; sees everything.
    Coordinator,
    /// Works for one agency; sees the redacted view unless granted.
    Agency,
}

impl UserRole {
    /// The stored name: `chair`, `coordinator` or `agency`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Chair => "chair",
            UserRole::Coordinator => "coordinator",
            UserRole::Agency => "agency",
        }
    }

    /// Parses `chair`, `coordinator` or `agency` (any case).
    pub fn parse(s: &str) -> Result<Self, RegisterError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chair" => Ok(UserRole::Chair),
            "coordinator" => Ok(UserRole::Coordinator),
            "agency" => Ok(UserRole::Agency),
            _ => Err(RegisterError::Invalid(
                "role must be chair, coordinator or agency".into(),
            )),
        }
    }
}

/// A console user (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRow {
    /// The user name.
    pub name: String,
    /// The role.
    pub role: UserRole,
    /// The agency: always set for [`UserRole::Agency`], optional for the others.
    pub agency: Option<String>,
    /// A chair granted this agency user the full (unredacted) view and all actions.
    pub granted: bool,
    /// Locked out until then (RFC 3339, UTC), as stored: it may lie in the
    /// past (the lock has run out; the next login clears it).
    pub locked_until: Option<String>,
    /// When the user was added (RFC 3339, UTC).
    pub created: String,
}

/// What a login attempt gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    /// The right password: the user.
    Ok(UserRow),
    /// An unknown user or a wrong password (the same, so names cannot be probed).
    Refused,
    /// Locked out (now, or by this attempt's failure) until then (RFC 3339, UTC).
    Locked {
        /// The end of the lock-out.
        until: String,
    },
}

/// A new session: what goes to the browser (and nowhere else).
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie token: 32 random bytes as 64 lowercase hex digits.
    pub token: String,
    /// The CSRF token: 32 random bytes as 64 lowercase hex digits.
    pub csrf: String,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession").finish_non_exhaustive()
    }
}

/// The user of a live session.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// The user.
    pub user: UserRow,
    /// The session's CSRF token.
    pub csrf: String,
    /// SHA-256 of the cookie token (64 lowercase hex digits): the session's key.
    pub token_hash: String,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// A time as stored (RFC 3339, UTC, seconds).
fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored time.
fn parse_time(s: &str) -> Result<DateTime<Utc>, RegisterError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| RegisterError::Corrupt("a time in the users or sessions table".into()))
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 of a token, as stored.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `s` looks like a token this module made (64 lowercase hex digits).
fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A user name trimmed and checked (never quoted when refused: it may be a
/// password typed into the wrong field).
fn check_name(name: &str) -> Result<&str, RegisterError> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RegisterError::Invalid(format!(
            "a user name has 1 to {MAX_NAME_CHARS} characters, without spaces"
        )));
    }
    Ok(name)
}

/// An agency trimmed (empty is none) and checked.
fn check_agency(agency: Option<&str>) -> Result<Option<&str>, RegisterError> {
    let agency = agency.map(str::trim).filter(|a| !a.is_empty());
    if agency
        .is_some_and(|a| a.chars().count() > MAX_AGENCY_CHARS || a.chars().any(char::is_control))
    {
        return Err(RegisterError::Invalid(format!(
            "an agency has at most {MAX_AGENCY_CHARS} characters, without control characters"
        )));
    }
    Ok(agency)
}

/// Refuses a password that is too short (under [`MIN_PASSWORD_CHARS`]
/// characters) or too long, without quoting it: what [`Register::add_user`]
/// and [`Register::set_password`] check, for a form or a prompt to check first.
pub fn check_password(password: &str) -> Result<(), RegisterError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(RegisterError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(RegisterError::Invalid(format!(
            "a password has at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Whether `password` matches a stored PHC string.
fn verify(password: &str, phc: &str) -> Result<bool, RegisterError> {
    let parsed = PasswordHash::new(phc)
        .map_err(|_| RegisterError::Corrupt("the password hash of a user".into()))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(_) => Err(RegisterError::Corrupt("the password hash of a user".into())),
    }
}

const SELECT_USER: &str = "SELECT name, role, agency, granted, locked_until, created FROM users";

/// A user row as read, before its role is parsed: name, role, agency,
/// granted, locked until, created.
type RawUser = (String, String, Option<String>, bool, Option<String>, String);

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUser> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_user(
    (name, role, agency, granted, locked_until, created): RawUser,
) -> Result<UserRow, RegisterError> {
    Ok(UserRow {
        name,
        role: UserRole::parse(&role).map_err(|_| RegisterError::Corrupt("user role".into()))?,
        agency,
        granted,
        locked_until,
        created,
    })
}

fn read_user(conn: &Connection, name: &str) -> Result<Option<UserRow>, RegisterError> {
    conn.query_row(&format!("{SELECT_USER} WHERE name = ?1"), [name], user_row)
        .optional()?
        .map(to_user)
        .transpose()
}

impl Register {
    /// Fills `buf` from the operating system's random numbers.
    fn random(&self, buf: &mut [u8]) -> Result<(), RegisterError> {
        getrandom::fill(buf).map_err(|e| RegisterError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(format!("no random numbers: {e}")),
        })
    }

    /// 32 random bytes as 64 lowercase hex digits.
    fn random_token(&self) -> Result<String, RegisterError> {
        let mut bytes = [0u8; 32];
        self.random(&mut bytes)?;
        Ok(hex(&bytes))
    }

    /// The Argon2id PHC string of a password (random salt, default parameters).
    fn hash_password(&self, password: &str) -> Result<String, RegisterError> {
        let mut salt = [0u8; 16];
        self.random(&mut salt)?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|_| RegisterError::Invalid("the password cannot be hashed".into()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| RegisterError::Invalid("the password cannot be hashed".into()))
    }

    /// Adds a console user. An agency user needs an agency; a chair or a
    /// coordinator may have one. The password needs at least
    /// [`MIN_PASSWORD_CHARS`] characters.
    pub fn add_user(
        &mut self,
        name: &str,
        role: UserRole,
        agency: Option<&str>,
        password: &str,
    ) -> Result<UserRow, RegisterError> {
        let name = check_name(name)?;
        let agency = check_agency(agency)?;
        if role == UserRole::Agency && agency.is_none() {
            return Err(RegisterError::Invalid(
                "an agency user needs an agency".into(),
            ));
        }
        check_password(password)?;
        // Checked before the (slow) hashing too, and again under the lock.
        if read_user(&self.conn, name)?.is_some() {
            return Err(RegisterError::DuplicateUser(name.to_string()));
        }
        let hash = self.hash_password(password)?;
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if read_user(&tx, name)?.is_some() {
            return Err(RegisterError::DuplicateUser(name.to_string()));
        }
        tx.execute(
            "INSERT INTO users (name, role, agency, granted, password_hash, failures, created) \
             VALUES (?1, ?2, ?3, 0, ?4, 0, ?5)",
            params![name, role.as_str(), agency, hash, now_utc()],
        )?;
        let detail = match agency {
            Some(a) => format!("user {name}: role {}, agency {a}", role.as_str()),
            None => format!("user {name}: role {}", role.as_str()),
        };
        crate::audit::write(&tx, &user, "user add", &detail)?;
        let row = read_user(&tx, name)?.ok_or_else(|| RegisterError::NoSuchUser(name.into()))?;
        tx.commit()?;
        Ok(row)
    }

    /// Sets a user's password (at least [`MIN_PASSWORD_CHARS`] characters).
    /// A lock-out and the user's sessions are left as they are.
    pub fn set_password(&mut self, name: &str, password: &str) -> Result<(), RegisterError> {
        let name = name.trim();
        check_password(password)?;
        if read_user(&self.conn, name)?.is_none() {
            return Err(RegisterError::NoSuchUser(name.to_string()));
        }
        let hash = self.hash_password(password)?;
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE name = ?2",
            params![hash, name],
        )?;
        if n == 0 {
            return Err(RegisterError::NoSuchUser(name.to_string()));
        }
        crate::audit::write(&tx, &user, "password", &format!("user {name}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Every console user, by name.
    pub fn users(&self) -> Result<Vec<UserRow>, RegisterError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_USER} ORDER BY name"))?;
        let raw = stmt
            .query_map([], user_row)?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(to_user).collect()
    }

    /// One console user, if there is one of that name.
    pub fn user(&self, name: &str) -> Result<Option<UserRow>, RegisterError> {
        read_user(&self.conn, name.trim())
    }

    /// Removes a console user and ends their sessions.
    pub fn remove_user(&mut self, name: &str) -> Result<(), RegisterError> {
        let name = name.trim();
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sessions = tx.execute("DELETE FROM sessions WHERE user = ?1", [name])?;
        if tx.execute("DELETE FROM users WHERE name = ?1", [name])? == 0 {
            return Err(RegisterError::NoSuchUser(name.to_string()));
        }
        crate::audit::write(
            &tx,
            &user,
            "user remove",
            &format!("user {name}: sessions ended {sessions}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Grants an agency user the full (unredacted) view and all actions, or
    /// takes it back. Only agency users are granted: a chair or a
    /// coordinator sees everything already.
    pub fn set_granted(&mut self, name: &str, granted: bool) -> Result<(), RegisterError> {
        let name = name.trim();
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = read_user(&tx, name)?.ok_or_else(|| RegisterError::NoSuchUser(name.into()))?;
        if row.role != UserRole::Agency {
            return Err(RegisterError::Invalid(format!(
                "user {name} is a {}: only an agency user is granted the full view",
                row.role.as_str()
            )));
        }
        tx.execute(
            "UPDATE users SET granted = ?1 WHERE name = ?2",
            params![granted, name],
        )?;
        let what = if granted { "granted" } else { "revoked" };
        crate::audit::write(&tx, &user, "user grant", &format!("user {name}: {what}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Ends a user's lock-out and forgets their failed logins.
    pub fn unlock_user(&mut self, name: &str) -> Result<(), RegisterError> {
        let name = name.trim();
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE users SET locked_until = NULL, failures = 0 WHERE name = ?1",
            [name],
        )?;
        if n == 0 {
            return Err(RegisterError::NoSuchUser(name.to_string()));
        }
        crate::audit::write(&tx, &user, "user unlock", &format!("user {name}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a user's password at `now`.
    ///
    /// The right password gives [`LoginOutcome::Ok`] and forgets earlier
    /// failures. An unknown name or a wrong password gives
    /// [`LoginOutcome::Refused`]; the [`LOCK_AFTER_FAILURES`]th wrong password
    /// in a row locks the user out for [`LOCK_MINUTES`] and gives
    /// [`LoginOutcome::Locked`], as does every attempt until then, even with
    /// the right password. Every attempt is audited (an unknown name as
    /// `unknown user`: it may be a password typed into the name field).
    pub fn login(
        &mut self,
        name: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<LoginOutcome, RegisterError> {
        let name = name.trim();
        let stored: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT password_hash, locked_until FROM users WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((hash, locked_until)) = stored else {
            // As slow as a known name.
            let _ = verify(password, DUMMY_HASH);
            self.audit("login failed", "unknown user")?;
            return Ok(LoginOutcome::Refused);
        };
        if let Some(until) = locked_until {
            if parse_time(&until)? > now {
                self.audit(
                    "login failed",
                    &format!("user {name}: locked until {until}"),
                )?;
                return Ok(LoginOutcome::Locked { until });
            }
        }
        // Verified outside the write lock (it is slow); the outcome is
        // written under it, against the row as it is then.
        let good = verify(password, &hash)?;
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_row: Option<(String, Option<String>, i64)> = tx
            .query_row(
                "SELECT password_hash, locked_until, failures FROM users WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((hash_now, locked_now, failures)) = now_row else {
            crate::audit::write(&tx, &user, "login failed", "unknown user")?;
            tx.commit()?;
            return Ok(LoginOutcome::Refused);
        };
        if let Some(until) = locked_now {
            if parse_time(&until)? > now {
                crate::audit::write(
                    &tx,
                    &user,
                    "login failed",
                    &format!("user {name}: locked until {until}"),
                )?;
                tx.commit()?;
                return Ok(LoginOutcome::Locked { until });
            }
        }
        if good && hash_now == hash {
            tx.execute(
                "UPDATE users SET failures = 0, locked_until = NULL WHERE name = ?1",
                [name],
            )?;
            crate::audit::write(&tx, &user, "login", &format!("user {name}"))?;
            let row =
                read_user(&tx, name)?.ok_or_else(|| RegisterError::NoSuchUser(name.into()))?;
            tx.commit()?;
            return Ok(LoginOutcome::Ok(row));
        }
        let failures = failures.max(0) + 1;
        crate::audit::write(
            &tx,
            &user,
            "login failed",
            &format!("user {name}: failure {failures} of {LOCK_AFTER_FAILURES}"),
        )?;
        if failures >= i64::from(LOCK_AFTER_FAILURES) {
            let until = fmt_time(now + Duration::minutes(LOCK_MINUTES));
            // The count starts again when the lock runs out.
            tx.execute(
                "UPDATE users SET failures = 0, locked_until = ?1 WHERE name = ?2",
                params![until, name],
            )?;
            crate::audit::write(&tx, &user, "locked", &format!("user {name} until {until}"))?;
            tx.commit()?;
            return Ok(LoginOutcome::Locked { until });
        }
        tx.execute(
            "UPDATE users SET failures = ?1, locked_until = NULL WHERE name = ?2",
            params![failures, name],
        )?;
        tx.commit()?;
        Ok(LoginOutcome::Refused)
    }

    /// Starts a session for a user at `now` (after [`Register::login`], which
    /// is what the audit trail records). Only the SHA-256 of the token is
    /// stored.
    pub fn create_session(
        &mut self,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<NewSession, RegisterError> {
        let name = user.trim();
        let token = self.random_token()?;
        let csrf = self.random_token()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if read_user(&tx, name)?.is_none() {
            return Err(RegisterError::NoSuchUser(name.to_string()));
        }
        let at = fmt_time(now);
        tx.execute(
            "INSERT INTO sessions (token_hash, user, csrf, created, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![token_hash(&token), name, csrf, at],
        )?;
        tx.commit()?;
        Ok(NewSession { token, csrf })
    }

    /// The session of a cookie token, if it exists and was used within
    /// `idle` before `now`; touches its last use. An idle session is deleted
    /// (audited as `logout`) and gives `None`, as does any unknown token.
    pub fn session(
        &mut self,
        token: &str,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<Option<SessionUser>, RegisterError> {
        if !is_token(token) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, String, String)> = tx
            .query_row(
                "SELECT user, csrf, last_seen FROM sessions WHERE token_hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((name, csrf, last_seen)) = found else {
            return Ok(None);
        };
        if now - parse_time(&last_seen)? > idle {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [&hash])?;
            crate::audit::write(&tx, &user, "logout", &format!("user {name}: idle"))?;
            tx.commit()?;
            return Ok(None);
        }
        let Some(row) = read_user(&tx, &name)? else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2 AND last_seen < ?1",
            params![fmt_time(now), hash],
        )?;
        tx.commit()?;
        Ok(Some(SessionUser {
            user: row,
            csrf,
            token_hash: hash,
        }))
    }

    /// Ends the session of a cookie token (audited as `logout`); an unknown
    /// token is not an error.
    pub fn end_session(&mut self, token: &str) -> Result<(), RegisterError> {
        if !is_token(token) {
            return Ok(());
        }
        let hash = token_hash(token);
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let name: Option<String> = tx
            .query_row(
                "SELECT user FROM sessions WHERE token_hash = ?1",
                [&hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(name) = name {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [&hash])?;
            crate::audit::write(&tx, &user, "logout", &format!("user {name}"))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes every session not used within `idle` before `now` (audited as
    /// one `logout` when there were any); returns how many.
    pub fn purge_sessions(
        &mut self,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<usize, RegisterError> {
        let cutoff = fmt_time(now - idle);
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute("DELETE FROM sessions WHERE last_seen < ?1", [&cutoff])?;
        if n > 0 {
            crate::audit::write(&tx, &user, "logout", &format!("idle sessions ended {n}"))?;
        }
        tx.commit()?;
        Ok(n)
    }
}
