//! Meetings: recording a meeting pack with its decisions, hearings, and the
//! SafeLives repeat MARAC rule.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::{audit, fmt_date, join_list, now_utc, parse_date, Register, RegisterError};

/// A case's hearing at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hearing {
    /// The meeting date.
    pub date: NaiveDate,
    /// The meeting reference (`BCU code-date`).
    pub meeting_ref: String,
    /// The risk level the case was heard at.
    pub level: String,
}

/// Repeat MARAC (SafeLives): the case was heard in the 365 days up to
/// `as_of` and an incident (any agency) was reported after that hearing.
///
/// ```
/// use chrono::NaiveDate;
/// use marac_register::{is_repeat_marac, Hearing};
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let h = Hearing { date: d("2026-10-02"), meeting_ref: "CN-2026-10-02".into(), level: "high".into() };
/// assert!(is_repeat_marac(Some(&h), d("2026-11-20"), d("2026-11-01")));
/// assert!(!is_repeat_marac(Some(&h), d("2026-11-20"), d("2026-10-02")), "nothing new since");
/// assert!(!is_repeat_marac(Some(&h), d("2027-10-03"), d("2027-10-01")), "heard over a year ago");
/// assert!(!is_repeat_marac(None, d("2026-11-20"), d("2026-11-01")));
/// ```
pub fn is_repeat_marac(
    last: Option<&Hearing>,
    as_of: NaiveDate,
    latest_incident: NaiveDate,
) -> bool {
    last.is_some_and(|h| heard_within_year(h, as_of) && latest_incident > h.date)
}

/// Whether a hearing falls in the 12 months up to `as_of` (both ends
/// included; a hearing after `as_of` is not seen).
pub fn heard_within_year(h: &Hearing, as_of: NaiveDate) -> bool {
    h.date <= as_of && (as_of - h.date).num_days() <= 365
}

/// What the meeting itself records beyond the pack (`marac register record` flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingInfo {
    /// The chair (overrides the pack's `meeting.chair`).
    pub chair: Option<String>,
    /// Agencies that attended.
    pub attended: Vec<String>,
    /// Agencies that sent apologies.
    pub apologies: Vec<String>,
    /// Whether every attendee signed the confidentiality statement.
    pub confidentiality_signed: bool,
}

/// What [`Register::record_pack`] recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordSummary {
    /// The meeting's row id.
    pub meeting_id: i64,
    /// The meeting reference (`BCU code-date`).
    pub meeting_ref: String,
    /// Cases recorded from the pack (review-only cases without decisions
    /// are not).
    pub cases: usize,
    /// Of which new to the register.
    pub new_cases: usize,
    /// Cases heard.
    pub heard: usize,
    /// Of which repeat MARAC cases.
    pub repeat: usize,
    /// Actions agreed.
    pub actions: usize,
}

#[derive(Deserialize)]
struct Pack {
    schema: String,
    meeting: PackMeeting,
    #[serde(default)]
    cases: Vec<PackCase>,
}

#[derive(Deserialize)]
struct PackMeeting {
    date: String,
    bcu: String,
    #[serde(default)]
    bcu_code: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    chair: Option<String>,
}

#[derive(Deserialize)]
struct PackCase {
    case_ref: String,
    #[serde(default)]
    person_id: Option<String>,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    score: u32,
    level: String,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    reasons: Vec<PackReason>,
    #[serde(default)]
    chronology: Vec<PackEntry>,
    #[serde(default)]
    decisions: Vec<Decision>,
}

#[derive(Deserialize)]
struct PackReason {
    factor: String,
}

#[derive(Deserialize)]
struct PackEntry {
    date: String,
    incident_id: String,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default = "yes")]
    heard: bool,
    #[serde(default)]
    actions: Vec<PackAction>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct PackAction {
    owner: String,
    text: String,
    due: String,
}

/// Parses a pack; errors give the place, never the value.
fn parse_pack(json: &str) -> Result<Pack, RegisterError> {
    let pack: Pack = serde_json::from_str(json).map_err(|e| {
        RegisterError::Pack(format!(
            "not a valid marac-pack/1 document ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    if pack.schema != "marac-pack/1" {
        return Err(RegisterError::Pack(format!(
            "schema is '{}', expected marac-pack/1",
            pack.schema.chars().take(40).collect::<String>()
        )));
    }
    Ok(pack)
}

fn pack_date(what: &str, s: &str) -> Result<NaiveDate, RegisterError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| RegisterError::Pack(format!("{what}: not a date (YYYY-MM-DD)")))
}

/// The meeting reference: `BCU code` (or name) + `-` + date.
pub(crate) fn meeting_ref(bcu: &str, code: Option<&str>, date: NaiveDate) -> String {
    let prefix = code.filter(|c| !c.trim().is_empty()).unwrap_or(bcu).trim();
    format!("{prefix}-{}", fmt_date(date))
}

/// The latest hearing of a case (and the cases merged into it), optionally
/// strictly before a date.
pub(crate) fn last_hearing_on(
    conn: &Connection,
    case_ref: &str,
    before: Option<NaiveDate>,
) -> Result<Option<Hearing>, RegisterError> {
    let before = before.map(fmt_date).unwrap_or_else(|| "9999-12-31".into());
    // Cached: the weekly decision asks this for every victim (175k at 500k
    // incidents), and preparing the recursive query was most of its cost.
    let row: Option<(String, String, String)> = conn
        .prepare_cached(
            "WITH RECURSIVE lineage(ref) AS (
                 SELECT ?1 UNION SELECT c.case_ref FROM cases c JOIN lineage l ON c.merged_into = l.ref)
             SELECT m.date, m.meeting_ref, h.level FROM hearings h JOIN meetings m ON m.id = h.meeting_id
             WHERE h.case_ref IN (SELECT ref FROM lineage) AND h.heard = 1 AND m.date < ?2
             ORDER BY m.date DESC, m.id DESC LIMIT 1",
        )?
        .query_row(params![case_ref, before], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((date, meeting_ref, level)) => Ok(Some(Hearing {
            date: parse_date(&date)?,
            meeting_ref,
            level,
        })),
    }
}

/// Test hook: with `MARAC_TEST_PAUSE_IN_RECORD` set, `record_pack` stops
/// inside its transaction (after every insert, before the commit) for up to
/// a minute, so a test can kill the process there. A value other than `1` is
/// a file path created when the pause starts.
fn test_pause() {
    let Some(v) = std::env::var_os("MARAC_TEST_PAUSE_IN_RECORD") else {
        return;
    };
    if v != "1" {
        let _ = std::fs::write(&v, b"paused\n");
    }
    for _ in 0..600 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

impl Register {
    /// The latest hearing of a case (including cases merged into it).
    pub fn last_hearing(&self, case_ref: &str) -> Result<Option<Hearing>, RegisterError> {
        last_hearing_on(&self.conn, case_ref, None)
    }

    /// The latest hearing of a case on or before `date` (a scan as of
    /// `date` does not see meetings held after it).
    pub fn last_hearing_as_of(
        &self,
        case_ref: &str,
        date: NaiveDate,
    ) -> Result<Option<Hearing>, RegisterError> {
        last_hearing_on(&self.conn, case_ref, date.succ_opt())
    }

    /// Records a meeting from its pack (`marac-pack/1`) with the chair from
    /// the pack; see [`Register::record_pack_with`].
    pub fn record_pack(&mut self, pack_json: &str) -> Result<RecordSummary, RegisterError> {
        self.record_pack_with(pack_json, &MeetingInfo::default())
    }

    /// Records a meeting: the meeting, every case it heard (level, score,
    /// flags, factors; no names or summaries), the incident ids and dates of
    /// each chronology, and each case's `decisions` (a case with no decisions
    /// is heard with no actions; `"heard": false` records it as deferred;
    /// a case in section `no_new_incident` with no decisions is listed for
    /// review only and not recorded). Cases in the pack's `unplaced` list
    /// are never recorded. All in one transaction; a meeting already recorded is refused.
    pub fn record_pack_with(
        &mut self,
        pack_json: &str,
        info: &MeetingInfo,
    ) -> Result<RecordSummary, RegisterError> {
        let checked = check_pack(pack_json)?;
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let summary = record_checked(&tx, &user, &checked, info)?;
        test_pause();
        tx.commit()?;
        Ok(summary)
    }
}

/// Reads and checks a pack as `marac register record` does, without
/// writing anything; returns the meeting reference it would be recorded
/// under. Errors give the place in the pack, never a value.
pub fn validate_pack(pack_json: &str) -> Result<String, RegisterError> {
    check_pack(pack_json).map(|c| c.mref)
}

/// A pack read and checked before anything is written.
pub(crate) struct CheckedPack {
    pack: Pack,
    date: NaiveDate,
    bcu: String,
    as_of: Option<NaiveDate>,
    /// The meeting reference.
    pub(crate) mref: String,
}

/// Reads a pack and validates every case before anything is written.
pub(crate) fn check_pack(pack_json: &str) -> Result<CheckedPack, RegisterError> {
    let pack = parse_pack(pack_json)?;
    let date = pack_date("meeting.date", &pack.meeting.date)?;
    let bcu = pack.meeting.bcu.trim().to_string();
    if bcu.is_empty() {
        return Err(RegisterError::Pack("meeting.bcu is empty".into()));
    }
    let as_of = match &pack.meeting.as_of {
        Some(s) => Some(pack_date("meeting.as_of", s)?),
        None => None,
    };
    let mref = meeting_ref(&bcu, pack.meeting.bcu_code.as_deref(), date);
    // Validate every case before writing anything.
    for (n, c) in pack.cases.iter().enumerate() {
        let n = n + 1;
        if c.case_ref.trim().is_empty() {
            return Err(RegisterError::Pack(format!("case {n}: case_ref is empty")));
        }
        if !matches!(c.level.as_str(), "standard" | "medium" | "high") {
            return Err(RegisterError::Pack(format!(
                "case {n}: level must be standard, medium or high"
            )));
        }
        for e in &c.chronology {
            pack_date(&format!("case {n}: chronology date"), &e.date)?;
        }
        for d in &c.decisions {
            for a in &d.actions {
                pack_date(&format!("case {n}: action due"), &a.due)?;
                if a.owner.trim().is_empty() || a.text.trim().is_empty() {
                    return Err(RegisterError::Pack(format!(
                        "case {n}: an action needs an owner and a text"
                    )));
                }
            }
        }
    }
    Ok(CheckedPack {
        pack,
        date,
        bcu,
        as_of,
        mref,
    })
}

/// Records a checked pack inside the caller's transaction (the one write of
/// `register record` and of the web console's closing of a meeting).
pub(crate) fn record_checked(
    tx: &Connection,
    user: &str,
    checked: &CheckedPack,
    info: &MeetingInfo,
) -> Result<RecordSummary, RegisterError> {
    let CheckedPack {
        pack,
        date,
        bcu,
        as_of,
        mref,
    } = checked;
    let (date, as_of) = (*date, *as_of);
    let chair = info.chair.clone().or(pack.meeting.chair.clone());
    let now = now_utc();
    let exists: Option<i64> = tx
        .query_row(
            "SELECT id FROM meetings WHERE meeting_ref = ?1",
            [&mref],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(RegisterError::DuplicateMeeting(mref.clone()));
    }
    tx.execute(
            "INSERT INTO meetings (meeting_ref, bcu, bcu_code, date, as_of, chair, attended, apologies, \
             confidentiality_signed, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                mref,
                bcu,
                pack.meeting.bcu_code,
                fmt_date(date),
                as_of.map(fmt_date),
                chair,
                join_list(&info.attended),
                join_list(&info.apologies),
                info.confidentiality_signed,
                now
            ],
        )?;
    let meeting_id = tx.last_insert_rowid();
    let mut summary = RecordSummary {
        meeting_id,
        meeting_ref: mref.clone(),
        cases: pack.cases.len(),
        new_cases: 0,
        heard: 0,
        repeat: 0,
        actions: 0,
    };
    for c in &pack.cases {
        if c.section.as_deref() == Some("no_new_incident") && c.decisions.is_empty() {
            // Listed for its actions to be reviewed, not heard again.
            summary.cases -= 1;
            continue;
        }
        let case_ref = c.case_ref.trim();
        let created = tx.execute(
                "INSERT OR IGNORE INTO cases (case_ref, bcu, created, person_key) VALUES (?1, ?2, ?3, ?4)",
                params![case_ref, bcu, now, c.person_id],
            )?;
        summary.new_cases += created;
        let mut dates = Vec::new();
        for e in &c.chronology {
            let d = pack_date("chronology date", &e.date)?;
            dates.push(d);
            tx.execute(
                    "INSERT INTO case_mentions (incident_id, role, case_ref, incident_date) \
                     VALUES (?1, 'victim', ?2, ?3) ON CONFLICT (incident_id, role) DO UPDATE \
                     SET incident_date = coalesce(case_mentions.incident_date, excluded.incident_date)",
                    params![e.incident_id, case_ref, fmt_date(d)],
                )?;
        }
        let first_report = dates.iter().min().copied();
        let latest = dates.iter().max().copied();
        let heard = c.decisions.is_empty() || c.decisions.iter().any(|d| d.heard);
        let previous = last_hearing_on(tx, case_ref, Some(date))?;
        let repeat = heard
            && (c.section.as_deref() == Some("repeat_case")
                || latest.is_some_and(|l| is_repeat_marac(previous.as_ref(), date, l)));
        let notes: Vec<&str> = c
            .decisions
            .iter()
            .filter_map(|d| d.note.as_deref())
            .filter(|n| !n.trim().is_empty())
            .collect();
        let factors: Vec<&str> = c.reasons.iter().map(|r| r.factor.as_str()).collect();
        tx.execute(
            "INSERT INTO hearings (case_ref, meeting_id, section, level, score, flags, factors, \
                 first_report, latest_incident, repeat_marac, heard, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
                 ON CONFLICT (case_ref, meeting_id) DO NOTHING",
            params![
                case_ref,
                meeting_id,
                c.section,
                c.level,
                c.score,
                join_list(&c.flags),
                join_list(&factors),
                first_report.map(fmt_date),
                latest.map(fmt_date),
                repeat,
                heard,
                if notes.is_empty() {
                    None
                } else {
                    Some(notes.join("\n"))
                }
            ],
        )?;
        if heard {
            summary.heard += 1;
        }
        if repeat {
            summary.repeat += 1;
        }
        for d in &c.decisions {
            for a in &d.actions {
                let due = pack_date("action due", &a.due)?;
                tx.execute(
                        "INSERT INTO actions (case_ref, meeting_id, owner, text, due, status, created) \
                         VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6)",
                        params![case_ref, meeting_id, a.owner.trim(), a.text, fmt_date(due), now],
                    )?;
                summary.actions += 1;
            }
        }
    }
    audit::write(
        tx,
        user,
        "record",
        &format!(
            "meeting {} (id {meeting_id}): cases {}, new {}, heard {}, repeat {}, actions {}",
            summary.meeting_ref,
            summary.cases,
            summary.new_cases,
            summary.heard,
            summary.repeat,
            summary.actions
        ),
    )?;
    Ok(summary)
}
