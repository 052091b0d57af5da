//! Cases: the list per BCU and one case's history over time.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::actions::{ActionFilter, ActionRow, BCU_MATCH};
use crate::{parse_date, split_list, Register, RegisterError};

/// The cases of a case and of every case merged into it (a recursive CTE
/// named `lineage(ref)`; bind the case reference as `?1`).
pub(crate) const LINEAGE: &str = "WITH RECURSIVE lineage(ref) AS (SELECT ?1 UNION \
     SELECT c2.case_ref FROM cases c2 JOIN lineage l ON c2.merged_into = l.ref) ";

/// One line of `marac register cases`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// The case reference.
    pub case_ref: String,
    /// The case's BCU.
    pub bcu: String,
    /// Hearings (including those of cases merged into it).
    pub hearings: u64,
    /// The latest hearing date.
    pub last_hearing: Option<NaiveDate>,
    /// Open actions.
    pub open_actions: u64,
    /// The case it was merged into, if merged.
    pub merged_into: Option<String>,
}

/// A hearing in a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryHearing {
    /// Meeting date.
    pub date: NaiveDate,
    /// Meeting reference.
    pub meeting_ref: String,
    /// The case reference heard (differs for a case merged in later).
    pub case_ref: String,
    /// Agenda section (`new_referral`, `repeat_case`).
    pub section: Option<String>,
    /// Level heard at.
    pub level: String,
    /// Score heard at.
    pub score: u32,
    /// Flags.
    pub flags: Vec<String>,
    /// A repeat MARAC hearing.
    pub repeat_marac: bool,
    /// Heard (false: on the agenda, deferred).
    pub heard: bool,
    /// The chair's note.
    pub note: Option<String>,
}

/// A saved scan's view of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryScan {
    /// Scan date.
    pub as_of: NaiveDate,
    /// Level.
    pub level: String,
    /// Score.
    pub score: u32,
    /// Flags.
    pub flags: Vec<String>,
}

/// A merge or split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    /// When (UTC).
    pub at: String,
    /// `merge` (other_ref merged into case_ref) or `split` (part of case_ref went to other_ref).
    pub kind: String,
    /// The case kept.
    pub case_ref: String,
    /// The other case.
    pub other_ref: String,
    /// Mentions moved.
    pub mentions: i64,
}

/// Everything the register knows about a case, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseHistory {
    /// The case reference.
    pub case_ref: String,
    /// Its BCU.
    pub bcu: String,
    /// When the register first saw it (UTC).
    pub created: String,
    /// The case it was merged into, if merged.
    pub merged_into: Option<String>,
    /// Mentions (incident, role) that make up the case.
    pub mentions: u64,
    /// Earliest incident date known.
    pub first_report: Option<NaiveDate>,
    /// Hearings.
    pub hearings: Vec<HistoryHearing>,
    /// Actions.
    pub actions: Vec<ActionRow>,
    /// Risk level in each saved scan.
    pub scans: Vec<HistoryScan>,
    /// Merges and splits.
    pub events: Vec<CaseEvent>,
}

impl Register {
    /// Cases, by reference; only one BCU's (name or code) with `bcu`.
    pub fn cases(&self, bcu: Option<&str>) -> Result<Vec<CaseSummary>, RegisterError> {
        let sql = format!(
            "SELECT c.case_ref, c.bcu, c.merged_into FROM cases c WHERE (?1 IS NULL OR {BCU_MATCH}) ORDER BY c.case_ref"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params![bcu], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut count = self.conn.prepare(&format!(
            "{LINEAGE} SELECT count(*) FROM hearings h WHERE h.heard = 1 AND h.case_ref IN (SELECT ref FROM lineage)"
        ))?;
        let mut open = self
            .conn
            .prepare("SELECT count(*) FROM actions WHERE case_ref = ?1 AND status = 'open'")?;
        let mut out = Vec::with_capacity(rows.len());
        for (case_ref, bcu, merged_into) in rows {
            let hearings: i64 = count.query_row([&case_ref], |r| r.get(0))?;
            let open_actions: i64 = open.query_row([&case_ref], |r| r.get(0))?;
            let last = self.last_hearing(&case_ref)?;
            out.push(CaseSummary {
                case_ref,
                bcu,
                hearings: hearings.max(0) as u64,
                last_hearing: last.map(|h| h.date),
                open_actions: open_actions.max(0) as u64,
                merged_into,
            });
        }
        Ok(out)
    }

    /// A case's history: every hearing, action, saved risk level, merge and split.
    pub fn history(&self, case_ref: &str) -> Result<CaseHistory, RegisterError> {
        let head: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT bcu, created, merged_into FROM cases WHERE case_ref = ?1",
                [case_ref],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((bcu, created, merged_into)) = head else {
            return Err(RegisterError::NoSuchCase(case_ref.to_string()));
        };
        let mentions: i64 = self.conn.query_row(
            &format!("{LINEAGE} SELECT count(*) FROM case_mentions WHERE case_ref IN (SELECT ref FROM lineage)"),
            [case_ref],
            |r| r.get(0),
        )?;
        let first_report: Option<String> = self.conn.query_row(
            &format!(
                "{LINEAGE} SELECT min(d) FROM (
                   SELECT incident_date AS d FROM case_mentions WHERE case_ref IN (SELECT ref FROM lineage)
                   UNION ALL SELECT first_report FROM hearings WHERE case_ref IN (SELECT ref FROM lineage))"
            ),
            [case_ref],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "{LINEAGE} SELECT m.date, m.meeting_ref, h.case_ref, h.section, h.level, h.score, h.flags, \
             h.repeat_marac, h.heard, h.note FROM hearings h JOIN meetings m ON m.id = h.meeting_id \
             WHERE h.case_ref IN (SELECT ref FROM lineage) ORDER BY m.date, m.id"
        ))?;
        let raw = stmt
            .query_map([case_ref], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    HistoryHearing {
                        date: NaiveDate::MIN,
                        meeting_ref: r.get(1)?,
                        case_ref: r.get(2)?,
                        section: r.get(3)?,
                        level: r.get(4)?,
                        score: r.get(5)?,
                        flags: split_list(&r.get::<_, String>(6)?),
                        repeat_marac: r.get(7)?,
                        heard: r.get(8)?,
                        note: r.get(9)?,
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut hearings = Vec::with_capacity(raw.len());
        for (d, mut h) in raw {
            h.date = parse_date(&d)?;
            hearings.push(h);
        }
        let mut actions = Vec::new();
        let mut refs = vec![case_ref.to_string()];
        {
            let mut stmt = self.conn.prepare(&format!(
                "{LINEAGE} SELECT ref FROM lineage WHERE ref <> ?1 ORDER BY ref"
            ))?;
            let more = stmt
                .query_map([case_ref], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            refs.extend(more);
        }
        for r in &refs {
            actions.extend(self.actions(&ActionFilter {
                case_ref: Some(r.clone()),
                ..ActionFilter::default()
            })?);
        }
        actions.sort_by(|a, b| a.due.cmp(&b.due).then(a.id.cmp(&b.id)));
        let mut stmt = self.conn.prepare(&format!(
            "{LINEAGE} SELECT s.as_of, p.level, p.score, p.flags FROM scan_persons p JOIN scans s ON s.id = p.scan_id \
             WHERE p.case_ref IN (SELECT ref FROM lineage) ORDER BY s.as_of, s.id"
        ))?;
        let raw = stmt
            .query_map([case_ref], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut scans = Vec::with_capacity(raw.len());
        for (d, level, score, flags) in raw {
            scans.push(HistoryScan {
                as_of: parse_date(&d)?,
                level,
                score,
                flags: split_list(&flags),
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT at, kind, case_ref, other_ref, mentions FROM case_events \
             WHERE case_ref = ?1 OR other_ref = ?1 ORDER BY id",
        )?;
        let events = stmt
            .query_map([case_ref], |r| {
                Ok(CaseEvent {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    case_ref: r.get(2)?,
                    other_ref: r.get(3)?,
                    mentions: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CaseHistory {
            case_ref: case_ref.to_string(),
            bcu,
            created,
            merged_into,
            mentions: mentions.max(0) as u64,
            first_report: first_report.as_deref().map(parse_date).transpose()?,
            hearings,
            actions,
            scans,
            events,
        })
    }
}
