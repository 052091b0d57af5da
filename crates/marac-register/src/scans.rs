//! Saved weekly scans and what changed since the previous one.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::{audit, fmt_date, join_list, now_utc, parse_date, split_list, Register, RegisterError};

/// One person of a scan, by case reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanEntry {
    /// The stable case reference (from [`Register::resolve_case_refs`]).
    pub case_ref: String,
    /// This week's person id.
    pub person_id: String,
    /// The person's BCU.
    pub bcu: String,
    /// `standard`, `medium` or `high`.
    pub level: String,
    /// The score.
    pub score: u32,
    /// Flag names.
    pub flags: Vec<String>,
}

/// A case in a list of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRow {
    /// The case.
    pub case_ref: String,
    /// Person id now (or in the previous scan, for closed cases).
    pub person_id: String,
    /// BCU.
    pub bcu: String,
    /// Level now (previous level for closed cases).
    pub level: String,
    /// Level in the previous scan, if there.
    pub previous_level: Option<String>,
    /// Score now (previous score for closed cases).
    pub score: u32,
    /// Score in the previous scan, if there.
    pub previous_score: Option<u32>,
    /// For `new_flags`, the flags that are new; otherwise the current flags.
    pub flags: Vec<String>,
}

/// What changed since the latest saved scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Changes {
    /// The scan compared with (none: nothing saved yet, every case counts as new).
    pub previous_scan: Option<i64>,
    /// Its date.
    pub previous_as_of: Option<NaiveDate>,
    /// High risk now and not in the previous scan.
    pub new_high: Vec<ChangeRow>,
    /// In both scans, level higher now.
    pub risen: Vec<ChangeRow>,
    /// In both scans, with flags they did not have.
    pub new_flags: Vec<ChangeRow>,
    /// In the previous scan, not now.
    pub closed: Vec<ChangeRow>,
}

fn rank(level: &str) -> u8 {
    match level {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

struct Prev {
    person_id: String,
    bcu: String,
    level: String,
    score: u32,
    flags: Vec<String>,
}

impl Register {
    /// Saves a scan (one transaction); returns its id. Cases not yet in the
    /// register are created. A scan saved again for the same date (the week
    /// re-run, the console restarted) replaces the one saved before, so the
    /// register holds one scan per date.
    pub fn save_scan(
        &mut self,
        as_of: NaiveDate,
        persons: &[ScanEntry],
    ) -> Result<i64, RegisterError> {
        let user = self.user.clone();
        let now = now_utc();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let replaced = tx.execute("DELETE FROM scans WHERE as_of = ?1", [fmt_date(as_of)])?;
        tx.execute(
            "INSERT INTO scans (as_of, created) VALUES (?1, ?2)",
            params![fmt_date(as_of), now],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut case = tx.prepare(
                "INSERT OR IGNORE INTO cases (case_ref, bcu, created, person_key) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut row = tx.prepare(
                "INSERT INTO scan_persons (scan_id, case_ref, person_id, bcu, level, score, flags) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for p in persons {
                if p.case_ref.trim().is_empty() {
                    return Err(RegisterError::Invalid(
                        "a scan entry has no case reference".into(),
                    ));
                }
                case.execute(params![p.case_ref, p.bcu, now, p.person_id])?;
                row.execute(params![
                    id,
                    p.case_ref,
                    p.person_id,
                    p.bcu,
                    p.level,
                    p.score,
                    join_list(&p.flags)
                ])?;
            }
        }
        audit::write(
            &tx,
            &user,
            "scan",
            &format!(
                "scan {id} as of {}: persons {}{}",
                fmt_date(as_of),
                persons.len(),
                if replaced > 0 {
                    " (replaces the scan saved before for that date)"
                } else {
                    ""
                }
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Compares a scan with the latest saved one (call it before saving the
    /// new scan): new high-risk cases, risen levels, new flags, and cases
    /// that were in the last scan and are not now. Each list by case reference.
    pub fn changes_since_last(&self, current: &[ScanEntry]) -> Result<Changes, RegisterError> {
        self.changes_against(current, None)
    }

    /// Like [`Register::changes_since_last`], but compares with the latest
    /// scan saved with a date before `as_of`, so re-running a week's scan
    /// compares with the previous week, not with itself.
    pub fn changes_since(
        &self,
        as_of: NaiveDate,
        current: &[ScanEntry],
    ) -> Result<Changes, RegisterError> {
        self.changes_against(current, Some(as_of))
    }

    fn changes_against(
        &self,
        current: &[ScanEntry],
        before: Option<NaiveDate>,
    ) -> Result<Changes, RegisterError> {
        let last: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, as_of FROM scans WHERE ?1 IS NULL OR as_of < ?1 ORDER BY as_of DESC, id DESC LIMIT 1",
                [before.map(fmt_date)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let mut prev: BTreeMap<String, Prev> = BTreeMap::new();
        if let Some((id, _)) = &last {
            let mut stmt = self.conn.prepare(
                "SELECT case_ref, person_id, bcu, level, score, flags FROM scan_persons WHERE scan_id = ?1",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Prev {
                        person_id: r.get(1)?,
                        bcu: r.get(2)?,
                        level: r.get(3)?,
                        score: r.get(4)?,
                        flags: split_list(&r.get::<_, String>(5)?),
                    },
                ))
            })?;
            for row in rows {
                let (k, v) = row?;
                prev.insert(k, v);
            }
        }
        let mut changes = Changes {
            previous_scan: last.as_ref().map(|l| l.0),
            previous_as_of: last.as_ref().map(|l| parse_date(&l.1)).transpose()?,
            new_high: Vec::new(),
            risen: Vec::new(),
            new_flags: Vec::new(),
            closed: Vec::new(),
        };
        let mut now_refs = BTreeSet::new();
        let mut sorted: Vec<&ScanEntry> = current.iter().collect();
        sorted.sort_by(|a, b| a.case_ref.cmp(&b.case_ref));
        for p in sorted {
            now_refs.insert(p.case_ref.as_str());
            let row = |flags: Vec<String>, before: Option<&Prev>| ChangeRow {
                case_ref: p.case_ref.clone(),
                person_id: p.person_id.clone(),
                bcu: p.bcu.clone(),
                level: p.level.clone(),
                previous_level: before.map(|b| b.level.clone()),
                score: p.score,
                previous_score: before.map(|b| b.score),
                flags,
            };
            match prev.get(&p.case_ref) {
                None => {
                    if p.level == "high" {
                        changes.new_high.push(row(p.flags.clone(), None));
                    }
                }
                Some(b) => {
                    if rank(&p.level) > rank(&b.level) {
                        changes.risen.push(row(p.flags.clone(), Some(b)));
                    }
                    let new: Vec<String> = p
                        .flags
                        .iter()
                        .filter(|f| !b.flags.contains(f))
                        .cloned()
                        .collect();
                    if !new.is_empty() {
                        changes.new_flags.push(row(new, Some(b)));
                    }
                }
            }
        }
        for (case_ref, b) in &prev {
            if !now_refs.contains(case_ref.as_str()) {
                changes.closed.push(ChangeRow {
                    case_ref: case_ref.clone(),
                    person_id: b.person_id.clone(),
                    bcu: b.bcu.clone(),
                    level: b.level.clone(),
                    previous_level: Some(b.level.clone()),
                    score: b.score,
                    previous_score: Some(b.score),
                    flags: b.flags.clone(),
                });
            }
        }
        Ok(changes)
    }
}
