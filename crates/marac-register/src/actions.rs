//! Actions agreed at meetings (or added later): open, done, or cancelled
//! with a reason, and which are overdue.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
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
}

/// SQL matching a case's BCU by name or by a meeting's BCU code.
pub(crate) const BCU_MATCH: &str =
    "(lower(c.bcu) = lower(?1) OR EXISTS (SELECT 1 FROM meetings mb \
     WHERE mb.bcu = c.bcu AND lower(mb.bcu_code) = lower(?1)))";

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
        let sql = format!(
            "SELECT a.id, a.case_ref, a.owner, a.text, a.due, a.status, a.reason, a.done_at, m.meeting_ref \
             FROM actions a JOIN cases c ON c.case_ref = a.case_ref \
             LEFT JOIN meetings m ON m.id = a.meeting_id \
             WHERE (?1 IS NULL OR {BCU_MATCH}) AND (?2 IS NULL OR a.case_ref = ?2) \
             AND (?3 = 0 OR a.status = 'open') AND (?4 IS NULL OR (a.status = 'open' AND a.due < ?4)) \
             ORDER BY a.due, a.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let raw = stmt
            .query_map(
                params![f.bcu, f.case_ref, f.open_only, f.overdue_at.map(fmt_date)],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(
                |(id, case_ref, owner, text, due, status, reason, done_at, meeting_ref)| {
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
                    })
                },
            )
            .collect()
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

    /// Marks an open action done.
    pub fn complete_action(&mut self, id: i64) -> Result<(), RegisterError> {
        self.close_action(id, ActionStatus::Done, None)
    }

    /// Closes an open action as not completed, with the reason.
    pub fn mark_incomplete(
        &mut self,
        id: i64,
        reason: IncompleteReason,
    ) -> Result<(), RegisterError> {
        self.close_action(id, ActionStatus::Cancelled, Some(reason))
    }

    fn close_action(
        &mut self,
        id: i64,
        status: ActionStatus,
        reason: Option<IncompleteReason>,
    ) -> Result<(), RegisterError> {
        let user = self.user.clone();
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row("SELECT status FROM actions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        match current.as_deref() {
            None => return Err(RegisterError::NoSuchAction(id)),
            Some("open") => {}
            Some(other) => {
                return Err(RegisterError::ActionClosed {
                    id,
                    status: other.to_string(),
                })
            }
        }
        tx.execute(
            "UPDATE actions SET status = ?1, reason = ?2, done_at = ?3 WHERE id = ?4",
            params![status.as_str(), reason.map(|r| r.as_str()), now_utc(), id],
        )?;
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
        tx.commit()?;
        Ok(())
    }
}
