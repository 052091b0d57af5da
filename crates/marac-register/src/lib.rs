//! The marac case register: an embedded SQLite database (no server, nothing
//! to install) that remembers what the weekly scan and the meetings cannot:
//! which cases were heard when, what was agreed, which actions are open or
//! overdue, how risk moved week to week, and who wrote what.
//!
//! * [`Register::init`] creates a register (mode 0600, WAL journal, foreign
//!   keys on); [`Register::open`] migrates an older schema in one transaction
//!   and refuses a register written by a newer marac or a file that is not a
//!   register, without touching it.
//! * [`Register::resolve_case_refs`] keeps pseudonymous case references stable
//!   through merges and splits of linked persons; [`case_ref`] computes the
//!   reference of a brand-new case from a local secret ([`load_or_create_secret`]).
//! * [`Register::record_pack`] records a meeting (`marac-pack/1`, see
//!   `docs/PACK.md`) with its decisions in one transaction.
//! * [`Register::save_scan`] and [`Register::changes_since_last`] keep the
//!   weekly scans; [`is_repeat_marac`] is the SafeLives repeat MARAC rule.
//! * Console users ([`Register::add_user`], Argon2id passwords, lock-out
//!   after [`LOCK_AFTER_FAILURES`] failures), sessions ([`Register::login`],
//!   [`Register::create_session`], [`Register::session`]; only a SHA-256 of
//!   the cookie token is stored) and conflict-safe action updates
//!   ([`Register::update_action`]) for the web console.
//! * Clerical labels of record pairs ([`Register::import_labels`],
//!   [`Register::labels`], [`Register::export_labels`]): who labelled a
//!   pair `match`, `not a match` or `unsure`, and when.
//! * Every write appends to the audit trail (who, what, when; never names or
//!   summaries). Data is deleted only by [`Register::retention`].
//!
//! Architecture invariant: the only crate that depends on SQLite; no printing.
//!
//! ```
//! use chrono::NaiveDate;
//! use marac_model::Role;
//! use marac_register::{is_repeat_marac, PersonMentions, Register};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("marac.db");
//! let mut reg = Register::init(&path, "coordinator").unwrap();
//! let persons = vec![PersonMentions {
//!     person_id: "P1".into(),
//!     mentions: vec![("HSG-1".into(), Role::Victim), ("MPS-7".into(), Role::Victim)],
//! }];
//! let refs = reg
//!     .resolve_case_refs(&|_| "Central North".into(), &persons, &|p| format!("CN-{}", p.person_id))
//!     .unwrap();
//! assert_eq!(refs["P1"], "CN-P1");
//! // Next week the same incidents belong to a person with another id: same case.
//! let persons = vec![PersonMentions { person_id: "P9".into(), mentions: persons[0].mentions.clone() }];
//! let refs = reg.resolve_case_refs(&|_| "Central North".into(), &persons, &|_| "new".into()).unwrap();
//! assert_eq!(refs["P9"], "CN-P1");
//! // Never heard: not a repeat MARAC.
//! let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
//! assert!(!is_repeat_marac(reg.last_hearing("CN-P1").unwrap().as_ref(), d("2026-11-20"), d("2026-11-01")));
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::Connection;

mod actions;
mod audit;
mod cases;
mod drafts;
mod labels;
mod meetings;
mod refs;
mod retention;
mod scans;
mod schema;
mod stats;
mod users;

pub use actions::{
    ActionChange, ActionCount, ActionFilter, ActionRow, ActionStatus, IncompleteReason,
    MAX_NOTE_CHARS,
};
pub use audit::AuditRow;
pub use cases::{CaseEvent, CaseHistory, CaseSummary, HistoryHearing, HistoryScan};
pub use drafts::{MeetingDraft, MeetingRow};
pub use labels::{LabelImport, LabelRow, LabelSide};
pub use meetings::{
    heard_within_year, is_repeat_marac, validate_pack, Hearing, MeetingInfo, RecordSummary,
};
pub use refs::{case_ref, default_secret_path, load_or_create_secret, PersonMentions};
pub use retention::RetentionReport;
pub use scans::{ChangeRow, Changes, ScanEntry};
pub use schema::SCHEMA_VERSION;
pub use stats::{Stats, StatsRow};
pub use users::{
    check_password, LoginOutcome, NewSession, SessionUser, UserRole, UserRow, LOCK_AFTER_FAILURES,
    LOCK_MINUTES, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};

/// What can go wrong with the register. No variant quotes personal data.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// `init` on a file that exists and is not empty.
    #[error("{0}: already exists and is not empty; refusing to overwrite it")]
    Exists(PathBuf),
    /// `open` on a file that does not exist.
    #[error("{0}: no register there (create one with `marac register init --register FILE`)")]
    Missing(PathBuf),
    /// The file is not a marac register (another SQLite database, or not SQLite).
    #[error("{0}: not a marac register")]
    NotARegister(PathBuf),
    /// The register was written by a newer marac; it is left untouched.
    #[error(
        "{path}: register schema version {found} is newer than this marac supports ({supported}); \
         upgrade marac. The file was not modified"
    )]
    TooNew {
        /// The register file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A meeting that is already in the register.
    #[error("meeting {0} is already recorded; a meeting is recorded once")]
    DuplicateMeeting(String),
    /// A pack that cannot be read.
    #[error("pack: {0}")]
    Pack(String),
    /// A meeting that is not open in the console.
    #[error("meeting {0} is not open")]
    NoSuchDraft(String),
    /// A case reference that is not in the register.
    #[error("no case {0} in the register")]
    NoSuchCase(String),
    /// An action id that is not in the register.
    #[error("no action {0} in the register")]
    NoSuchAction(i64),
    /// An action that is not open any more.
    #[error("action {id} is {status}, not open")]
    ActionClosed {
        /// The action.
        id: i64,
        /// Its status.
        status: String,
    },
    /// A write based on a version of a record that is not the current one
    /// (someone else changed it meanwhile); nothing was written.
    #[error("{what}; reload it and try again")]
    Conflict {
        /// What changed, e.g. `action 12 was changed by someone else (now version 3)`.
        what: String,
    },
    /// A console user name that is already taken (a user name is not case data).
    #[error("user {0} already exists")]
    DuplicateUser(String),
    /// A console user name that is not in the register.
    #[error("no user {0} in the register")]
    NoSuchUser(String),
    /// A value in the register that this marac cannot read (a damaged or edited file).
    #[error("register holds an unreadable value: {0}")]
    Corrupt(String),
    /// Invalid input to a call.
    #[error("{0}")]
    Invalid(String),
    /// A file system error.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An SQLite error.
    #[error("register database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl RegisterError {
    /// Whether the error is the user's (bad input, wrong file) rather than a runtime fault.
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            RegisterError::Io { .. } | RegisterError::Sqlite(_) | RegisterError::Corrupt(_)
        )
    }
}

/// An open case register.
pub struct Register {
    conn: Connection,
    user: String,
    path: PathBuf,
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register")
            .field("path", &self.path)
            .field("user", &self.user)
            .finish()
    }
}

impl Register {
    /// Creates a new register at `path` (mode 0600) and opens it. Refuses to
    /// overwrite an existing non-empty file; an existing empty file is used.
    pub fn init(path: &Path, user: &str) -> Result<Register, RegisterError> {
        schema::create_file(path)?;
        let conn = schema::connect(path)?;
        let mut reg = Register {
            conn,
            user: user.to_string(),
            path: path.to_path_buf(),
        };
        schema::migrate(&mut reg.conn, path, 0)?;
        reg.audit("init", &format!("schema version {SCHEMA_VERSION}"))?;
        Ok(reg)
    }

    /// Opens an existing register: migrates an older schema (in one
    /// transaction, audited), refuses a newer one or a file that is not a
    /// register, in both cases without modifying the file.
    pub fn open(path: &Path, user: &str) -> Result<Register, RegisterError> {
        let (conn, from) = schema::open_checked(path)?;
        let mut reg = Register {
            conn,
            user: user.to_string(),
            path: path.to_path_buf(),
        };
        if from < SCHEMA_VERSION {
            let applied = schema::migrate(&mut reg.conn, path, from)?;
            if let Some(old) = applied {
                reg.audit(
                    "migrate",
                    &format!("schema version {old} -> {SCHEMA_VERSION}"),
                )?;
            }
        }
        Ok(reg)
    }

    /// The register file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The user recorded in the audit trail by the writes that follow.
    pub fn acting_user(&self) -> &str {
        &self.user
    }

    /// Sets the user recorded in the audit trail by the writes that follow
    /// (a web console sets the signed-in user before each write).
    pub fn set_user(&mut self, user: &str) {
        self.user = user.to_string();
    }

    /// The schema version of the open register.
    pub fn schema_version(&self) -> Result<i64, RegisterError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` when the database is sound.
    pub fn integrity_check(&self) -> Result<String, RegisterError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.join("\n"))
    }
}

/// Parses a stored `YYYY-MM-DD` date.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, RegisterError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| RegisterError::Corrupt(format!("'{s}' is not a date")))
}

/// A date as stored.
pub(crate) fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The current UTC time as stored (RFC 3339, seconds).
pub(crate) fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A list stored as `;`-separated text.
pub(crate) fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(";")
}

/// A stored `;`-separated list.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_users;
