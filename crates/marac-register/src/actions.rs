//! Actions agreed at meetings (or added later): open, done, or cancelled
//! with a reason, and which are overdue.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Params, TransactionBehavior};
use serde::Serialize;

use crate::{fmt_date, now_utc, parse_date, Register, RegisterError};

/// An action's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Not done yet.
    Open,
    /// Done.
    Done,
    /// Closed without being done (see [`IncompleteReason`]).
    Cancelled,
}

impl ActionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Result<Self, RegisterError> {
        match s {
            "open" => Ok(ActionStatus::Open),
            "done" => Ok(ActionStatus::Done),
            "cancelled" => Ok(ActionStatus::Cancelled),
            _ => Err(RegisterError::Corrupt("action status".into())),
        }
    }
}

/// Why an action was not completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncompleteReason {
    /// The situation changed and the action is no longer needed.
    CircumstancesChanged,
    /// The owning agency did not act.
    AgencyDidNotAct,
}

impl IncompleteReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncompleteReason::CircumstancesChanged => "circumstances_changed",
            IncompleteReason::AgencyDidNotAct => "agency_did_not_act",
        }
    }

    /// Parses `circumstances_changed` or `agency_did_not_act` (hyphens accepted).
    pub fn parse(s: &str) -> Result<Self, RegisterError> {
        match s.trim().replace('-', "_").to_ascii_lowercase().as_str() {
            "circumstances_changed" => Ok(IncompleteReason::CircumstancesChanged),
            "agency_did_not_act" => Ok(IncompleteReason::AgencyDidNotAct),
            _ => Err(RegisterError::Invalid(
                "reason must be circumstances_changed or agency_did_not_act".into(),
            )),
        }
    }
}

/// One action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionRow {
    /// Action id.
    pub id: i64,
    /// The case.
    pub case_ref: String,
    /// The owning agency.
    pub owner: String,
    /// What is to be done.
    pub text: String,
    /// Due date.
    pub due: NaiveDate,
    /// Status.
    pub status: ActionStatus,
    /// Why it was not completed, when cancelled.
    pub reason: Option<IncompleteReason>,
    /// When it was closed (UTC), if closed.
    pub done_at: Option<String>,
    /// The meeting that agreed it, if any.
    pub meeting_ref: Option<String>,
    /// Starts at 1 and goes up by one on every change: what
    /// [`Register::update_action`] checks so that a stale edit is refused.
    pub version: i64,
    /// A note written when it was closed, if any (free text: may be personal data).
    pub note: Option<String>,
    /// The BCU of its case.
    pub bcu: String,
}

/// How [`Register::update_action`] closes an open action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionChange {
    /// Done.
    Done {
        /// A note (trimmed; empty is none).
        note: Option<String>,
    },
    /// Not completed, with the reason.
    NotCompleted {
        /// Why.
        reason: IncompleteReason,
        /// A note (trimmed; empty is none).
        note: Option<String>,
    },
}

impl ActionRow {
    /// Open and due before `as_of`.
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due < as_of
    }
}

/// Which actions to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    /// Only cases of this BCU (name or code, any case).
    pub bcu: Option<String>,
    /// Only this case.
    pub case_ref: Option<String>,
    /// Only open actions.
    pub open_only: bool,
    /// Only actions overdue at this date (open and due before it).
    pub overdue_at: Option<NaiveDate>,
    /// Only actions of this owner agency (any case, spaces around ignored).
    pub owner: Option<String>,
    /// At most this many (the earliest due).
    pub limit: Option<usize>,
}

/// Open actions of one owner agency in one BCU, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionCount {
    /// The owner agency.
    pub owner: String,
    /// The BCU of the actions' cases.
    pub bcu: String,
    /// Open actions.
    pub open: u64,
    /// Of which overdue.
    pub overdue: u64,
}

/// SQL matching a case's BCU by name or by a meeting's BCU code (`?1`):
/// one text for every query that filters by BCU.
macro_rules! bcu_match {
    () => {
        "(lower(c.bcu) = lower(?1) OR EXISTS (SELECT 1 FROM meetings mb \
         WHERE mb.bcu = c.bcu AND lower(mb.bcu_code) = lower(?1)))"
    };
}

/// [`bcu_match!`] as a constant.
pub(crate) const BCU_MATCH: &str = bcu_match!();

/// The conditions of an [`ActionFilter`] (parameters ?1 to ?5).
const ACTION_WHERE: &str = concat!(
    "WHERE (?1 IS NULL OR ",
    bcu_match!(),
    ") AND (?2 IS NULL OR a.case_ref = ?2) \
     AND (?3 = 0 OR a.status = 'open') AND (?4 IS NULL OR (a.status = 'open' AND a.due < ?4)) \
     AND (?5 IS NULL OR lower(trim(a.owner)) = lower(trim(?5)))"
);

impl Register {
    /// Open actions of the cases of a BCU (name or code), oldest due first.
    pub fn open_actions(&self, bcu: &str) -> Result<Vec<ActionRow>, RegisterError> {
        self.actions(&ActionFilter {
            bcu: Some(bcu.to_string()),
            open_only: true,
            ..ActionFilter::default()
        })
    }

    /// Actions matching a filter, by due date then id.
    pub fn actions(&self, f: &ActionFilter) -> Result<Vec<ActionRow>, RegisterError> {
        let limit = f.limit.map_or(-1, |n| n.min(i64::MAX as usize) as i64);
        let sql = format!("{SELECT_ACTIONS} {ACTION_WHERE} ORDER BY a.due, a.id LIMIT ?6");
        read_actions(
            &self.conn,
            &sql,
            params![
                f.bcu,
                f.case_ref,
                f.open_only,
                f.overdue_at.map(fmt_date),
                f.owner,
                limit
            ],
        )
    }

    /// How many actions match a filter (its `limit` aside).
    pub fn count_actions(&self, f: &ActionFilter) -> Result<u64, RegisterError> {
        let sql = format!(
            "SELECT count(*) FROM actions a JOIN cases c ON c.case_ref = a.case_ref {ACTION_WHERE}"
        );
        Ok(self.conn.query_row(
            &sql,
            params![
                f.bcu,
                f.case_ref,
                f.open_only,
                f.overdue_at.map(fmt_date),
                f.owner
            ],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Open actions counted by owner agency and BCU, with those overdue at
    /// `as_of`, optionally of one owner; by owner, then BCU.
    pub fn open_action_counts(
        &self,
        as_of: NaiveDate,
        owner: Option<&str>,
    ) -> Result<Vec<ActionCount>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.owner, c.bcu, count(*), sum(a.due < ?1) FROM actions a \
             JOIN cases c ON c.case_ref = a.case_ref WHERE a.status = 'open' \
             AND (?2 IS NULL OR lower(trim(a.owner)) = lower(trim(?2))) \
             GROUP BY a.owner, c.bcu ORDER BY a.owner, c.bcu",
        )?;
        let rows = stmt
            .query_map(params![fmt_date(as_of), owner], |r| {
                Ok(ActionCount {
                    owner: r.get(0)?,
                    bcu: r.get(1)?,
                    open: r.get::<_, i64>(2)? as u64,
                    overdue: r.get::<_, i64>(3)? as u64,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One action; [`RegisterError::NoSuchAction`] when there is none.
    pub fn action(&self, id: i64) -> Result<ActionRow, RegisterError> {
        read_action(&self.conn, id)
    }

    /// Adds an action to a case; returns its id.
    pub fn add_action(
        &mut self,
        case_ref: &str,
        owner: &str,
        due: NaiveDate,
        text: &str,
    ) -> Result<i64, RegisterError> {
        if owner.trim().is_empty() || text.trim().is_empty() {
            return Err(RegisterError::Invalid(
                "an action needs an owner and a text".into(),
            ));
        }
        let user = self.user.clone();
        let tx = self.conn.transaction()?;
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM cases WHERE case_ref = ?1", [case_ref], |r| {
                r.get(0)
            })
            .optional()?;
        if known.is_none() {
            return Err(RegisterError::NoSuchCase(case_ref.to_string()));
        }
        tx.execute(
            "INSERT INTO actions (case_ref, owner, text, due, status, created) VALUES (?1, ?2, ?3, ?4, 'open', ?5)",
            params![case_ref, owner.trim(), text, fmt_date(due), now_utc()],
        )?;
        let id = tx.last_insert_rowid();
        crate::audit::write(
            &tx,
            &user,
            "action add",
            &format!("action {id} on case {case_ref}, due {}", fmt_date(due)),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Marks an open action done (whatever its version; bumps it).
    pub fn complete_action(&mut self, id: i64) -> Result<(), RegisterError> {
        self.close_action(id, None, ActionChange::Done { note: None })
            .map(drop)
    }

    /// Closes an open action as not completed, with the reason (whatever its
    /// version; bumps it).
    pub fn mark_incomplete(
        &mut self,
        id: i64,
        reason: IncompleteReason,
    ) -> Result<(), RegisterError> {
        self.close_action(id, None, ActionChange::NotCompleted { reason, note: None })
            .map(drop)
    }

    /// Closes an open action as done, or not completed with a reason, with
    /// an optional note, only if its version is still `expected_version`;
    /// bumps the version and returns the action as it is now.
    ///
    /// The check and the write are one `BEGIN IMMEDIATE` transaction, so of
    /// two writers that read the same version exactly one wins and the other
    /// gets [`RegisterError::Conflict`]. A changed version is a conflict even
    /// if the action is closed now; an unchanged version of a closed action
    /// is [`RegisterError::ActionClosed`].
    pub fn update_action(
        &mut self,
        id: i64,
        expected_version: i64,
        change: ActionChange,
    ) -> Result<ActionRow, RegisterError> {
        self.close_action(id, Some(expected_version), change)
    }

    fn close_action(
        &mut self,
        id: i64,
        expected_version: Option<i64>,
        change: ActionChange,
    ) -> Result<ActionRow, RegisterError> {
        let (status, reason, note) = match change {
            ActionChange::Done { note } => (ActionStatus::Done, None, note),
            ActionChange::NotCompleted { reason, note } => {
                (ActionStatus::Cancelled, Some(reason), note)
            }
        };
        let note = clean_note(note)?;
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<(String, i64)> = tx
            .query_row(
                "SELECT status, version FROM actions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((current, version)) = current else {
            return Err(RegisterError::NoSuchAction(id));
        };
        if expected_version.is_some_and(|v| v != version) {
            return Err(RegisterError::Conflict {
                what: format!("action {id} was changed by someone else (now version {version})"),
            });
        }
        if current != "open" {
            return Err(RegisterError::ActionClosed {
                id,
                status: current,
            });
        }
        tx.execute(
            "UPDATE actions SET status = ?1, reason = ?2, done_at = ?3, note = ?4, version = version + 1 \
             WHERE id = ?5",
            params![
                status.as_str(),
                reason.map(|r| r.as_str()),
                now_utc(),
                note,
                id
            ],
        )?;
        // The note is free text (it may name someone): never in the audit.
        let detail = match reason {
            Some(r) => format!("action {id}: {} ({})", status.as_str(), r.as_str()),
            None => format!("action {id}: {}", status.as_str()),
        };
        let command = if reason.is_some() {
            "action incomplete"
        } else {
            "action done"
        };
        crate::audit::write(&tx, &user, command, &detail)?;
        let row = read_action(&tx, id)?;
        tx.commit()?;
        Ok(row)
    }
}

/// The columns of an [`ActionRow`], for [`read_actions`].
const SELECT_ACTIONS: &str =
    "SELECT a.id, a.case_ref, a.owner, a.text, a.due, a.status, a.reason, a.done_at, \
     m.meeting_ref, a.version, a.note, c.bcu \
     FROM actions a JOIN cases c ON c.case_ref = a.case_ref \
     LEFT JOIN meetings m ON m.id = a.meeting_id";

/// The longest note on an action, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A note trimmed, empty as none, refused when too long (without quoting it).
fn clean_note(note: Option<String>) -> Result<Option<String>, RegisterError> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(RegisterError::Invalid(format!(
            "a note on an action has at most {MAX_NOTE_CHARS} characters"
        )));
    }
    Ok(note)
}

fn read_action(conn: &Connection, id: i64) -> Result<ActionRow, RegisterError> {
    read_actions(conn, &format!("{SELECT_ACTIONS} WHERE a.id = ?1"), [id])?
        .pop()
        .ok_or(RegisterError::NoSuchAction(id))
}

/// Runs a query of [`SELECT_ACTIONS`] and reads its rows.
fn read_actions(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Vec<ActionRow>, RegisterError> {
    let mut stmt = conn.prepare(sql)?;
    let raw = stmt
        .query_map(params, |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ),
                (
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, String>(11)?,
                ),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter()
        .map(
            |(
                (id, case_ref, owner, text, due, status),
                (reason, done_at, meeting_ref, version, note, bcu),
            )| {
                Ok(ActionRow {
                    id,
                    case_ref,
                    owner,
                    text,
                    due: parse_date(&due)?,
                    status: ActionStatus::parse(&status)?,
                    reason: reason
                        .map(|r| {
                            IncompleteReason::parse(&r)
                                .map_err(|_| RegisterError::Corrupt("action reason".into()))
                        })
                        .transpose()?,
                    done_at,
                    meeting_ref,
                    version,
                    note,
                    bcu,
                })
            },
        )
        .collect()
}
