//! Meetings open in the web console: the meeting's parameters and the
//! decisions taken so far, saved after every form so that a second user, a
//! restart or a dropped connection loses nothing, and closed into the
//! register by the same write as `marac register record`.
//!
//! Every change names the version it was based on; a change based on a
//! version someone else has replaced is refused ([`RegisterError::Conflict`]),
//! never applied over the other person's work.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;

use crate::meetings::{check_pack, meeting_ref, record_checked, MeetingInfo, RecordSummary};
use crate::{audit, fmt_date, now_utc, parse_date, Register, RegisterError};

/// A meeting open in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingDraft {
    /// The meeting reference (`BCU code-date`), as it will be recorded.
    pub meeting_ref: String,
    /// The BCU.
    pub bcu: String,
    /// The BCU's code.
    pub bcu_code: Option<String>,
    /// The meeting date.
    pub date: NaiveDate,
    /// The scan date of the week the agenda comes from.
    pub as_of: NaiveDate,
    /// The chair.
    pub chair: Option<String>,
    /// The decisions so far (JSON, owned by the console).
    pub state: String,
    /// Bumped by every change.
    pub version: i64,
    /// Who opened it.
    pub opened_by: String,
    /// When (UTC, RFC 3339).
    pub opened_at: String,
    /// Last change (UTC, RFC 3339).
    pub updated_at: String,
}

/// A recorded meeting, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRow {
    /// The meeting's row id.
    pub id: i64,
    /// The meeting reference.
    pub meeting_ref: String,
    /// The BCU.
    pub bcu: String,
    /// The meeting date.
    pub date: NaiveDate,
    /// The chair.
    pub chair: Option<String>,
    /// Cases heard.
    pub heard: i64,
    /// Cases deferred.
    pub deferred: i64,
    /// Actions agreed.
    pub actions: i64,
    /// When it was recorded (UTC).
    pub recorded_at: String,
}

const DRAFT_COLUMNS: &str = "meeting_ref, bcu, bcu_code, date, as_of, chair, state, version, \
                             opened_by, opened_at, updated_at";

fn draft_row(r: &Row<'_>) -> rusqlite::Result<(MeetingDraft, String, String)> {
    let date: String = r.get(3)?;
    let as_of: String = r.get(4)?;
    Ok((
        MeetingDraft {
            meeting_ref: r.get(0)?,
            bcu: r.get(1)?,
            bcu_code: r.get(2)?,
            date: NaiveDate::MIN,
            as_of: NaiveDate::MIN,
            chair: r.get(5)?,
            state: r.get(6)?,
            version: r.get(7)?,
            opened_by: r.get(8)?,
            opened_at: r.get(9)?,
            updated_at: r.get(10)?,
        },
        date,
        as_of,
    ))
}

fn finish(
    (mut d, date, as_of): (MeetingDraft, String, String),
) -> Result<MeetingDraft, RegisterError> {
    d.date = parse_date(&date)?;
    d.as_of = parse_date(&as_of)?;
    Ok(d)
}

fn conflict(mref: &str, now: i64) -> RegisterError {
    RegisterError::Conflict {
        what: format!("meeting {mref} was changed by someone else (now version {now})"),
    }
}

impl Register {
    /// Starts a write on an open meeting that is still at `expected`
    /// version; the transaction and that version.
    fn draft_at(
        &mut self,
        meeting_ref: &str,
        expected: i64,
    ) -> Result<(rusqlite::Transaction<'_>, i64), RegisterError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = draft_version(&tx, meeting_ref)?;
        if version != expected {
            return Err(conflict(meeting_ref, version));
        }
        Ok((tx, version))
    }

    /// Opens a meeting in the console (not yet recorded). Refuses a meeting
    /// already recorded or already open.
    #[allow(clippy::too_many_arguments)]
    pub fn open_draft(
        &mut self,
        bcu: &str,
        bcu_code: Option<&str>,
        date: NaiveDate,
        as_of: NaiveDate,
        chair: Option<&str>,
        state: &str,
    ) -> Result<MeetingDraft, RegisterError> {
        let bcu = bcu.trim();
        if bcu.is_empty() {
            return Err(RegisterError::Invalid("a meeting needs a BCU".into()));
        }
        let mref = meeting_ref(bcu, bcu_code, date);
        let user = self.user.clone();
        let now = now_utc();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let recorded: Option<i64> = tx
            .query_row(
                "SELECT id FROM meetings WHERE meeting_ref = ?1",
                [&mref],
                |r| r.get(0),
            )
            .optional()?;
        if recorded.is_some() {
            return Err(RegisterError::DuplicateMeeting(mref));
        }
        let open: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM meeting_drafts WHERE meeting_ref = ?1",
                [&mref],
                |r| r.get(0),
            )
            .optional()?;
        if open.is_some() {
            return Err(RegisterError::Invalid(format!(
                "meeting {mref} is already open"
            )));
        }
        tx.execute(
            "INSERT INTO meeting_drafts (meeting_ref, bcu, bcu_code, date, as_of, chair, state, version, \
             opened_by, opened_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9, ?9)",
            params![mref, bcu, bcu_code, fmt_date(date), fmt_date(as_of), chair, state, user, now],
        )?;
        audit::write(
            &tx,
            &user,
            "meeting open",
            &format!("meeting {mref}, scan of {}", fmt_date(as_of)),
        )?;
        tx.commit()?;
        self.draft(&mref)?
            .ok_or_else(|| RegisterError::NoSuchDraft(mref))
    }

    /// A meeting open in the console.
    pub fn draft(&self, meeting_ref: &str) -> Result<Option<MeetingDraft>, RegisterError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {DRAFT_COLUMNS} FROM meeting_drafts WHERE meeting_ref = ?1"),
                [meeting_ref],
                draft_row,
            )
            .optional()?;
        row.map(finish).transpose()
    }

    /// Every meeting open in the console, by date then reference.
    pub fn drafts(&self) -> Result<Vec<MeetingDraft>, RegisterError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DRAFT_COLUMNS} FROM meeting_drafts ORDER BY date, meeting_ref"
        ))?;
        let rows = stmt
            .query_map([], draft_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(finish).collect()
    }

    /// Saves an open meeting's decisions, if it is still at
    /// `expected_version`; returns the new version. `what` (ids only: no
    /// names, no notes) goes to the audit trail.
    pub fn save_draft(
        &mut self,
        meeting_ref: &str,
        expected_version: i64,
        state: &str,
        what: &str,
    ) -> Result<i64, RegisterError> {
        let user = self.user.clone();
        let (tx, version) = self.draft_at(meeting_ref, expected_version)?;
        tx.execute(
            "UPDATE meeting_drafts SET state = ?1, version = version + 1, updated_at = ?2 \
             WHERE meeting_ref = ?3",
            params![state, now_utc(), meeting_ref],
        )?;
        audit::write(
            &tx,
            &user,
            "meeting edit",
            &format!("meeting {meeting_ref} version {}: {what}", version + 1),
        )?;
        tx.commit()?;
        Ok(version + 1)
    }

    /// Closes an open meeting: records `pack_json` (the meeting's pack with
    /// the decisions filled in) exactly as [`Register::record_pack_with`]
    /// does, and removes the draft, in one transaction, if the draft is
    /// still at `expected_version`. The pack must be of this meeting.
    pub fn close_draft(
        &mut self,
        meeting_ref: &str,
        expected_version: i64,
        pack_json: &str,
        info: &MeetingInfo,
    ) -> Result<RecordSummary, RegisterError> {
        let checked = check_pack(pack_json)?;
        if checked.mref != meeting_ref {
            return Err(RegisterError::Pack(format!(
                "the pack is of meeting {}, not {meeting_ref}",
                checked.mref
            )));
        }
        let user = self.user.clone();
        let (tx, _) = self.draft_at(meeting_ref, expected_version)?;
        let summary = record_checked(&tx, &user, &checked, info)?;
        tx.execute(
            "DELETE FROM meeting_drafts WHERE meeting_ref = ?1",
            [meeting_ref],
        )?;
        audit::write(
            &tx,
            &user,
            "meeting close",
            &format!("meeting {meeting_ref} (id {})", summary.meeting_id),
        )?;
        tx.commit()?;
        Ok(summary)
    }

    /// Discards an open meeting without recording anything.
    pub fn discard_draft(
        &mut self,
        meeting_ref: &str,
        expected_version: i64,
    ) -> Result<(), RegisterError> {
        let user = self.user.clone();
        let (tx, _) = self.draft_at(meeting_ref, expected_version)?;
        tx.execute(
            "DELETE FROM meeting_drafts WHERE meeting_ref = ?1",
            [meeting_ref],
        )?;
        audit::write(
            &tx,
            &user,
            "meeting discard",
            &format!("meeting {meeting_ref}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Recorded meetings, newest first, optionally of one BCU.
    pub fn meetings(&self, bcu: Option<&str>) -> Result<Vec<MeetingRow>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT m.id, m.meeting_ref, m.bcu, m.date, m.chair, m.recorded_at,
                    (SELECT count(*) FROM hearings h WHERE h.meeting_id = m.id AND h.heard = 1),
                    (SELECT count(*) FROM hearings h WHERE h.meeting_id = m.id AND h.heard = 0),
                    (SELECT count(*) FROM actions a WHERE a.meeting_id = m.id)
             FROM meetings m WHERE ?1 IS NULL OR m.bcu = ?1
             ORDER BY m.date DESC, m.meeting_ref",
        )?;
        let rows = stmt
            .query_map([bcu], |r| {
                Ok((
                    MeetingRow {
                        id: r.get(0)?,
                        meeting_ref: r.get(1)?,
                        bcu: r.get(2)?,
                        date: NaiveDate::MIN,
                        chair: r.get(4)?,
                        recorded_at: r.get(5)?,
                        heard: r.get(6)?,
                        deferred: r.get(7)?,
                        actions: r.get(8)?,
                    },
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut m, d)| {
                m.date = parse_date(&d)?;
                Ok(m)
            })
            .collect()
    }
}

fn draft_version(tx: &rusqlite::Connection, meeting_ref: &str) -> Result<i64, RegisterError> {
    tx.query_row(
        "SELECT version FROM meeting_drafts WHERE meeting_ref = ?1",
        [meeting_ref],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| RegisterError::NoSuchDraft(meeting_ref.to_string()))
}
