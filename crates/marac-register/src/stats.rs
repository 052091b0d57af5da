//! Figures per BCU and period: cases heard, repeat MARAC rate, disability
//! hate share, days from first report to first hearing, actions overdue.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::{fmt_date, parse_date, split_list, Register, RegisterError};

/// One BCU's figures for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsRow {
    /// BCU name.
    pub bcu: String,
    /// Distinct cases heard at the BCU's meetings in the period.
    pub cases_heard: u64,
    /// Of which heard as a repeat MARAC.
    pub repeat_cases: u64,
    /// `repeat_cases / cases_heard` (0 when none heard).
    pub repeat_rate: f64,
    /// Cases heard with the `possible_hate_incident` flag or a disability hate strand reason.
    pub disability_hate_cases: u64,
    /// `disability_hate_cases / cases_heard` (0 when none heard).
    pub disability_hate_share: f64,
    /// Cases whose first hearing ever fell in the period (with a known first report).
    pub first_hearings: u64,
    /// Median days from first report (earliest incident date known) to first hearing.
    pub median_days_to_first_hearing: Option<f64>,
    /// Actions of the BCU's cases overdue at the end of the period (due before
    /// `to` and not closed by then).
    pub actions_overdue: u64,
    /// Distinct cases heard per month (`YYYY-MM`).
    pub cases_heard_by_month: BTreeMap<String, u64>,
}

/// Figures per BCU for a period (meeting dates from `from` to `to`, both included).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// One row per BCU, by name.
    pub bcus: Vec<StatsRow>,
}

/// The median of a list (mean of the middle two for an even count).
pub(crate) fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] as f64 + values[n / 2] as f64) / 2.0
    })
}

struct HearingRow {
    bcu: String,
    case_ref: String,
    date: NaiveDate,
    repeat: bool,
    disability: bool,
}

#[derive(Default)]
struct Acc {
    heard: BTreeSet<String>,
    repeat: BTreeSet<String>,
    disability: BTreeSet<String>,
    by_month: BTreeMap<String, BTreeSet<String>>,
    days: Vec<i64>,
    overdue: u64,
}

impl Register {
    /// Figures per BCU for meetings from `from` to `to` (both included);
    /// only one BCU (name or code) with `bcu`. A case merged into another
    /// counts as the case it was merged into.
    pub fn stats(
        &self,
        bcu: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Stats, RegisterError> {
        if from > to {
            return Err(RegisterError::Invalid(format!(
                "--from {} is after --to {}",
                fmt_date(from),
                fmt_date(to)
            )));
        }
        // Case -> the case it ended up in.
        let mut merged: HashMap<String, String> = HashMap::new();
        let mut case_bcu: HashMap<String, String> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT case_ref, bcu, merged_into FROM cases")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?;
            for row in rows {
                let (c, b, m) = row?;
                if let Some(m) = m {
                    merged.insert(c.clone(), m);
                }
                case_bcu.insert(c, b);
            }
        }
        let root = |c: &str| -> String {
            let mut cur = c.to_string();
            for _ in 0..64 {
                match merged.get(&cur) {
                    Some(n) if n != &cur => cur = n.clone(),
                    _ => break,
                }
            }
            cur
        };
        // BCU names and codes, to match `bcu`.
        let mut codes: HashMap<String, String> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT DISTINCT bcu, bcu_code FROM meetings WHERE bcu_code IS NOT NULL",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (b, c) = row?;
                codes.insert(b, c);
            }
        }
        let wanted = |name: &str| -> bool {
            match bcu {
                None => true,
                Some(w) => {
                    name.eq_ignore_ascii_case(w)
                        || codes.get(name).is_some_and(|c| c.eq_ignore_ascii_case(w))
                }
            }
        };
        // Every heard hearing (all time: first hearings need the past too).
        let mut hearings = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT m.bcu, h.case_ref, m.date, h.repeat_marac, h.flags, h.factors \
                 FROM hearings h JOIN meetings m ON m.id = h.meeting_id WHERE h.heard = 1 ORDER BY m.date, m.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?;
            for row in rows {
                let (b, c, d, repeat, flags, factors) = row?;
                let disability = split_list(&flags)
                    .iter()
                    .any(|f| f == "possible_hate_incident")
                    || split_list(&factors)
                        .iter()
                        .any(|f| f == "disability_hate_strand");
                hearings.push(HearingRow {
                    bcu: b,
                    case_ref: root(&c),
                    date: parse_date(&d)?,
                    repeat,
                    disability,
                });
            }
        }
        // Earliest incident date known per case (mentions and hearing packs).
        let mut first_report: HashMap<String, NaiveDate> = HashMap::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT case_ref, incident_date FROM case_mentions WHERE incident_date IS NOT NULL \
                 UNION ALL SELECT case_ref, first_report FROM hearings WHERE first_report IS NOT NULL",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (c, d) = row?;
                let d = parse_date(&d)?;
                let e = first_report.entry(root(&c)).or_insert(d);
                if d < *e {
                    *e = d;
                }
            }
        }
        let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
        let mut seen_first: BTreeSet<String> = BTreeSet::new();
        for h in &hearings {
            let first = seen_first.insert(h.case_ref.clone());
            if h.date < from || h.date > to || !wanted(&h.bcu) {
                continue;
            }
            let a = acc.entry(h.bcu.clone()).or_default();
            a.heard.insert(h.case_ref.clone());
            if h.repeat {
                a.repeat.insert(h.case_ref.clone());
            }
            if h.disability {
                a.disability.insert(h.case_ref.clone());
            }
            a.by_month
                .entry(h.date.format("%Y-%m").to_string())
                .or_default()
                .insert(h.case_ref.clone());
            if first {
                if let Some(fr) = first_report.get(&h.case_ref) {
                    a.days.push((h.date - *fr).num_days());
                }
            }
        }
        // Actions overdue at `to`.
        {
            let mut stmt = self.conn.prepare(
                "SELECT case_ref, count(*) FROM actions WHERE due < ?1 AND \
                 (status = 'open' OR done_at IS NULL OR substr(done_at, 1, 10) > ?1) GROUP BY case_ref",
            )?;
            let rows = stmt.query_map([fmt_date(to)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (c, n) = row?;
                let Some(b) = case_bcu.get(&root(&c)).or(case_bcu.get(&c)) else {
                    continue;
                };
                if wanted(b) {
                    acc.entry(b.clone()).or_default().overdue += n.max(0) as u64;
                }
            }
        }
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let bcus = acc
            .into_iter()
            .map(|(name, mut a)| StatsRow {
                bcu: name,
                cases_heard: a.heard.len() as u64,
                repeat_cases: a.repeat.len() as u64,
                repeat_rate: ratio(a.repeat.len(), a.heard.len()),
                disability_hate_cases: a.disability.len() as u64,
                disability_hate_share: ratio(a.disability.len(), a.heard.len()),
                first_hearings: a.days.len() as u64,
                median_days_to_first_hearing: median(&mut a.days),
                actions_overdue: a.overdue,
                cases_heard_by_month: a
                    .by_month
                    .into_iter()
                    .map(|(m, s)| (m, s.len() as u64))
                    .collect(),
            })
            .collect();
        Ok(Stats { from, to, bcus })
    }
}
