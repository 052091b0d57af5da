//! Retention: the only way data leaves the register. Explicit, counted, and
//! logged in the audit trail (Non-crime hate incident records, Code of
//! Practice June 2023: retention must be explicit and logged).

use chrono::{Duration, NaiveDate};
use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;

use crate::{audit, fmt_date, Register, RegisterError};

/// What a retention run deletes (or would delete, without `confirm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    /// Records whose last activity is before this date go.
    pub cutoff: NaiveDate,
    /// Whether they were deleted (false: a dry run).
    pub deleted: bool,
    /// Cases.
    pub cases: u64,
    /// Case mentions (incident, role).
    pub mentions: u64,
    /// Hearings.
    pub hearings: u64,
    /// Actions.
    pub actions: u64,
    /// Saved scans.
    pub scans: u64,
    /// Rows of saved scans.
    pub scan_rows: u64,
    /// Meetings.
    pub meetings: u64,
    /// Merge and split records.
    pub events: u64,
}

fn count(tx: &Transaction<'_>, sql: &str) -> Result<u64, RegisterError> {
    let n: i64 = tx.query_row(sql, [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

impl Register {
    /// Deletes what has had no activity for more than `older_than_days`
    /// days before `as_of`: scans dated before the cutoff; cases whose latest
    /// activity (creation, hearing, saved scan, action due or closed,
    /// incident) is before it, with their mentions, hearings, actions and
    /// merge/split records; then meetings before the cutoff with no hearings
    /// left. The audit trail is kept. Without `confirm` nothing is deleted and
    /// the report says what would go.
    pub fn retention(
        &mut self,
        older_than_days: u32,
        as_of: NaiveDate,
        confirm: bool,
    ) -> Result<RetentionReport, RegisterError> {
        let cutoff = as_of
            .checked_sub_signed(Duration::days(i64::from(older_than_days)))
            .unwrap_or(NaiveDate::MIN);
        let c = fmt_date(cutoff);
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS old_scans (id INTEGER PRIMARY KEY);
             CREATE TEMP TABLE IF NOT EXISTS old_cases (case_ref TEXT PRIMARY KEY);
             DELETE FROM old_scans; DELETE FROM old_cases;
             INSERT INTO old_scans SELECT id FROM scans WHERE as_of < '{c}';"
        ))?;
        let scans = count(&tx, "SELECT count(*) FROM old_scans")?;
        let scan_rows = count(
            &tx,
            "SELECT count(*) FROM scan_persons WHERE scan_id IN (SELECT id FROM old_scans)",
        )?;
        tx.execute(
            "DELETE FROM scans WHERE id IN (SELECT id FROM old_scans)",
            [],
        )?;
        tx.execute(
            &format!(
                "INSERT INTO old_cases SELECT c.case_ref FROM cases c WHERE max(
                   substr(c.created, 1, 10),
                   coalesce((SELECT max(m.date) FROM hearings h JOIN meetings m ON m.id = h.meeting_id
                             WHERE h.case_ref = c.case_ref), ''),
                   coalesce((SELECT max(s.as_of) FROM scan_persons p JOIN scans s ON s.id = p.scan_id
                             WHERE p.case_ref = c.case_ref), ''),
                   coalesce((SELECT max(max(a.due, coalesce(substr(a.done_at, 1, 10), '')))
                             FROM actions a WHERE a.case_ref = c.case_ref), ''),
                   coalesce((SELECT max(cm.incident_date) FROM case_mentions cm
                             WHERE cm.case_ref = c.case_ref), '')
                 ) < '{c}'"
            ),
            [],
        )?;
        let in_old = "IN (SELECT case_ref FROM old_cases)";
        let cases = count(&tx, "SELECT count(*) FROM old_cases")?;
        let mentions = count(
            &tx,
            &format!("SELECT count(*) FROM case_mentions WHERE case_ref {in_old}"),
        )?;
        let hearings = count(
            &tx,
            &format!("SELECT count(*) FROM hearings WHERE case_ref {in_old}"),
        )?;
        let actions = count(
            &tx,
            &format!("SELECT count(*) FROM actions WHERE case_ref {in_old}"),
        )?;
        let scan_rows = scan_rows
            + count(
                &tx,
                &format!("SELECT count(*) FROM scan_persons WHERE case_ref {in_old}"),
            )?;
        let events = count(
            &tx,
            &format!(
                "SELECT count(*) FROM case_events WHERE case_ref {in_old} OR other_ref {in_old}"
            ),
        )?;
        tx.execute(
            &format!("DELETE FROM case_events WHERE case_ref {in_old} OR other_ref {in_old}"),
            [],
        )?;
        tx.execute(&format!("DELETE FROM cases WHERE case_ref {in_old}"), [])?;
        let meetings = tx.execute(
            &format!(
                "DELETE FROM meetings WHERE date < '{c}' AND NOT EXISTS \
                 (SELECT 1 FROM hearings h WHERE h.meeting_id = meetings.id)"
            ),
            [],
        )? as u64;
        tx.execute_batch("DROP TABLE old_scans; DROP TABLE old_cases;")?;
        let report = RetentionReport {
            cutoff,
            deleted: confirm,
            cases,
            mentions,
            hearings,
            actions,
            scans,
            scan_rows,
            meetings,
            events,
        };
        if confirm {
            audit::write(
                &tx,
                &user,
                "retention",
                &format!(
                    "older than {older_than_days} days (before {c}): deleted cases {cases}, mentions {mentions}, \
                     hearings {hearings}, actions {actions}, scans {scans}, scan rows {scan_rows}, \
                     meetings {meetings}, merge/split records {events}"
                ),
            )?;
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok(report)
    }
}
