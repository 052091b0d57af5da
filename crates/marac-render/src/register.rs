//! The register's reports: cases, actions, one case's history, figures
//! (Markdown, CSV, an SVG chart), the audit trail, and the weekly changes
//! of `marac scan --since-last`.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use marac_register::{ActionRow, AuditRow, CaseHistory, CaseSummary, Changes, Stats, UserRow};

use crate::escape::{html, md};
use crate::{CsvDoc, CsvError};

/// `marac register cases --format md`.
pub fn cases_md(cases: &[CaseSummary]) -> String {
    let mut s = String::from("# Cases\n\n| case | BCU | hearings | last hearing | open actions | merged into |\n| --- | --- | ---: | --- | ---: | --- |\n");
    for c in cases {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&c.case_ref),
            md(&c.bcu),
            c.hearings,
            c.last_hearing.map(|d| d.to_string()).unwrap_or_default(),
            c.open_actions,
            md(c.merged_into.as_deref().unwrap_or(""))
        );
    }
    s
}

/// `marac register cases --format csv`.
pub fn cases_csv(cases: &[CaseSummary]) -> Result<Vec<u8>, CsvError> {
    let mut doc = CsvDoc::new(&[
        "case_ref",
        "bcu",
        "hearings",
        "last_hearing",
        "open_actions",
        "merged_into",
    ])?;
    for c in cases {
        doc.row([
            c.case_ref.clone(),
            c.bcu.clone(),
            c.hearings.to_string(),
            c.last_hearing.map(|d| d.to_string()).unwrap_or_default(),
            c.open_actions.to_string(),
            c.merged_into.clone().unwrap_or_default(),
        ])?;
    }
    doc.finish()
}

/// `marac register action list --format csv`; `overdue` as of `as_of`.
pub fn actions_csv(rows: &[ActionRow], as_of: NaiveDate) -> Result<Vec<u8>, CsvError> {
    let mut doc = CsvDoc::new(&[
        "id", "case_ref", "owner", "due", "status", "overdue", "reason", "text", "note",
    ])?;
    for r in rows {
        doc.row([
            r.id.to_string(),
            r.case_ref.clone(),
            r.owner.clone(),
            r.due.to_string(),
            r.status.as_str().to_string(),
            r.is_overdue(as_of).to_string(),
            r.reason.map(|x| x.as_str()).unwrap_or("").to_string(),
            r.text.clone(),
            r.note.clone().unwrap_or_default(),
        ])?;
    }
    doc.finish()
}

/// `marac register action list --format md`: every action, overdue ones (open
/// and due before `as_of`) in bold, with the note written when it was closed.
pub fn actions_md(rows: &[ActionRow], as_of: NaiveDate) -> String {
    let mut s = format!(
        "# Actions (as of {as_of})\n\n| id | case | owner | due | status | text | note |\n| ---: | --- | --- | --- | --- | --- | --- |\n"
    );
    for r in rows {
        let status = match (r.is_overdue(as_of), r.reason) {
            (true, _) => "**overdue**".to_string(),
            (false, Some(reason)) => format!("{} ({})", r.status.as_str(), reason.as_str()),
            (false, None) => r.status.as_str().to_string(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            md(&r.case_ref),
            md(&r.owner),
            r.due,
            status,
            md(&r.text),
            md(r.note.as_deref().unwrap_or(""))
        );
    }
    s
}

/// `marac register history`: one case over time (meetings, actions, risk,
/// merges and splits).
pub fn history_md(h: &CaseHistory) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Case {}\n", md(&h.case_ref));
    let _ = writeln!(
        s,
        "BCU {}; in the register since {}; {} mentions; first report {}.{}\n",
        md(&h.bcu),
        md(&h.created),
        h.mentions,
        h.first_report
            .map(|d| d.to_string())
            .unwrap_or_else(|| "unknown".into()),
        h.merged_into
            .as_deref()
            .map(|m| format!(" Merged into {}.", md(m)))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "## Meetings\n\n| date | meeting | case | section | level | score | flags | repeat MARAC | heard | decision |\n| --- | --- | --- | --- | --- | ---: | --- | --- | --- | --- |");
    for x in &h.hearings {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            x.date,
            md(&x.meeting_ref),
            md(&x.case_ref),
            md(x.section.as_deref().unwrap_or("")),
            md(&x.level),
            x.score,
            md(&x.flags.join(", ")),
            if x.repeat_marac { "yes" } else { "no" },
            if x.heard { "yes" } else { "deferred" },
            md(&x.note.as_deref().unwrap_or("").replace('\n', " "))
        );
    }
    let _ = writeln!(s, "\n## Actions\n\n| id | owner | due | status | reason | text | note |\n| ---: | --- | --- | --- | --- | --- | --- |");
    for a in &h.actions {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            a.id,
            md(&a.owner),
            a.due,
            a.status.as_str(),
            a.reason.map(|r| r.as_str()).unwrap_or(""),
            md(&a.text),
            md(a.note.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(
        s,
        "\n## Risk over time\n\n| scan | level | score | flags |\n| --- | --- | ---: | --- |"
    );
    for x in &h.scans {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            x.as_of,
            md(&x.level),
            x.score,
            md(&x.flags.join(", "))
        );
    }
    let _ = writeln!(
        s,
        "\n## Merges and splits\n\n| at (UTC) | kind | case | other case | mentions |\n| --- | --- | --- | --- | ---: |"
    );
    for e in &h.events {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md(&e.at),
            md(&e.kind),
            md(&e.case_ref),
            md(&e.other_ref),
            e.mentions
        );
    }
    s
}

/// A share as a percentage with one decimal (`0.125` is `12.5%`).
fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `marac register stats --format md`: the figures per BCU.
pub fn stats_md(st: &Stats) -> String {
    let mut s = format!(
        "# Register figures, {} to {}\n\n| BCU | cases heard | repeat MARAC | repeat rate | disability hate | share | first hearings | median days to first hearing | actions overdue |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        st.from, st.to
    );
    for r in &st.bcus {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&r.bcu),
            r.cases_heard,
            r.repeat_cases,
            pct(r.repeat_rate),
            r.disability_hate_cases,
            pct(r.disability_hate_share),
            r.first_hearings,
            r.median_days_to_first_hearing
                .map(|d| format!("{d}"))
                .unwrap_or_else(|| "–".into()),
            r.actions_overdue
        );
    }
    if st.bcus.is_empty() {
        s.push_str("\nNo meetings or overdue actions in the period.\n");
    }
    s
}

/// `marac register stats --format csv`: the figures per BCU, shares to four decimals.
pub fn stats_csv(st: &Stats) -> Result<Vec<u8>, CsvError> {
    let mut doc = CsvDoc::new(&[
        "bcu",
        "from",
        "to",
        "cases_heard",
        "repeat_cases",
        "repeat_rate",
        "disability_hate_cases",
        "disability_hate_share",
        "first_hearings",
        "median_days_to_first_hearing",
        "actions_overdue",
    ])?;
    for r in &st.bcus {
        doc.row([
            r.bcu.clone(),
            st.from.to_string(),
            st.to.to_string(),
            r.cases_heard.to_string(),
            r.repeat_cases.to_string(),
            format!("{:.4}", r.repeat_rate),
            r.disability_hate_cases.to_string(),
            format!("{:.4}", r.disability_hate_share),
            r.first_hearings.to_string(),
            r.median_days_to_first_hearing
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.actions_overdue.to_string(),
        ])?;
    }
    doc.finish()
}

/// `marac register stats --format svg`: a self-contained SVG bar chart of
/// cases heard per month (all selected BCUs); `bcu` names the selection in
/// the title.
pub fn stats_svg(st: &Stats, bcu: Option<&str>) -> String {
    // Every month of the period, so gaps show as zero.
    let mut months: Vec<String> = Vec::new();
    let (mut y, mut m) = (st.from.year(), st.from.month());
    while (y, m) <= (st.to.year(), st.to.month()) && months.len() < 600 {
        months.push(format!("{y:04}-{m:02}"));
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    let counts: Vec<u64> = months
        .iter()
        .map(|k| {
            st.bcus
                .iter()
                .map(|r| r.cases_heard_by_month.get(k).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (left, top, bar, gap, plot_h) = (50usize, 50usize, 28usize, 10usize, 200usize);
    let width = left + months.len() * (bar + gap) + 20;
    let height = top + plot_h + 70;
    let title = format!(
        "Cases heard per month, {} to {}{}",
        st.from,
        st.to,
        bcu.map(|b| format!(", {b}")).unwrap_or_default()
    );
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(s, "<title>{}</title>", html(&title));
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"24\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        html(&title)
    );
    let base = top + plot_h;
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#333\"/>",
        width - 10
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}</text>",
        left - 6,
        top + 4
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        left - 6,
        base + 4
    );
    for (i, (month, &n)) in months.iter().zip(&counts).enumerate() {
        let x = left + gap / 2 + i * (bar + gap);
        let h = (n as usize * plot_h) / max as usize;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" fill=\"#1d70b8\"><title>{}: {n}</title></rect>",
            base - h,
            html(month)
        );
        if n > 0 {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{n}</text>",
                x + bar / 2,
                base - h - 4
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" transform=\"rotate(-45 {} {})\">{}</text>",
            x + bar / 2,
            base + 14,
            x + bar / 2,
            base + 14,
            html(month)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `marac scan --register --since-last --format md`: the changes since the
/// last saved scan.
pub fn changes_md(c: &Changes) -> String {
    let mut s = String::new();
    match (c.previous_scan, c.previous_as_of) {
        (Some(id), Some(d)) => {
            let _ = writeln!(s, "# Changes since the last saved scan ({id}, as of {d})\n");
        }
        _ => s.push_str("# Changes: no earlier scan in the register\n\n"),
    }
    let sections = [
        ("New high-risk cases", &c.new_high),
        ("Risen levels", &c.risen),
        ("New flags", &c.new_flags),
        ("Closed (in the last scan, not now)", &c.closed),
    ];
    for (title, rows) in sections {
        let _ = writeln!(s, "## {title} ({})\n", rows.len());
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "| case | person | BCU | level | was | score | was | flags |\n| --- | --- | --- | --- | --- | ---: | ---: | --- |"
        );
        for r in rows.iter() {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&r.case_ref),
                md(&r.person_id),
                md(&r.bcu),
                md(&r.level),
                md(r.previous_level.as_deref().unwrap_or("–")),
                r.score,
                r.previous_score
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "–".into()),
                md(&r.flags.join(", "))
            );
        }
        s.push('\n');
    }
    s
}

/// `marac register audit --format md`.
pub fn audit_md(rows: &[AuditRow]) -> String {
    let mut s = String::from("# Audit trail\n\n| id | at (UTC) | user | command | detail |\n| ---: | --- | --- | --- | --- |\n");
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.id,
            md(&r.at),
            md(&r.user),
            md(&r.command),
            md(&r.detail)
        );
    }
    s
}

/// `marac register audit --format csv`.
pub fn audit_csv(rows: &[AuditRow]) -> Result<Vec<u8>, CsvError> {
    let mut doc = CsvDoc::new(&["id", "at", "user", "command", "detail"])?;
    for r in rows {
        doc.row([
            r.id.to_string(),
            r.at.clone(),
            r.user.clone(),
            r.command.clone(),
            r.detail.clone(),
        ])?;
    }
    doc.finish()
}

/// `marac register user list --format md`: the console users (never a
/// password hash).
pub fn users_md(rows: &[UserRow]) -> String {
    let mut s = String::from("# Users\n\n| name | role | agency | granted | locked until (UTC) | created (UTC) |\n| --- | --- | --- | --- | --- | --- |\n");
    for u in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            md(&u.name),
            u.role.as_str(),
            md(u.agency.as_deref().unwrap_or("")),
            if u.granted { "yes" } else { "no" },
            md(u.locked_until.as_deref().unwrap_or("")),
            md(&u.created)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use marac_register::StatsRow;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn stats(bcu: &str) -> Stats {
        Stats {
            from: d("2026-01-01"),
            to: d("2026-03-31"),
            bcus: vec![StatsRow {
                bcu: bcu.into(),
                cases_heard: 8,
                repeat_cases: 1,
                repeat_rate: 0.125,
                disability_hate_cases: 2,
                disability_hate_share: 0.25,
                first_hearings: 7,
                median_days_to_first_hearing: None,
                actions_overdue: 3,
                cases_heard_by_month: BTreeMap::from([("2026-01".into(), 8)]),
            }],
        }
    }

    #[test]
    fn stats_in_markdown_csv_and_svg() {
        let st = stats("Central <North> | x");
        assert!(stats_md(&st)
            .contains("| Central &lt;North&gt; \\| x | 8 | 1 | 12.5% | 2 | 25.0% | 7 | – | 3 |"));
        let csv = String::from_utf8(stats_csv(&st).unwrap()).unwrap();
        assert!(
            csv.ends_with("\nCentral <North> | x,2026-01-01,2026-03-31,8,1,0.1250,2,0.2500,7,,3\n")
        );
        let svg = stats_svg(&st, Some("<b>"));
        assert!(svg.contains("2026-03-31, &lt;b&gt;</title>") && !svg.contains("<b>"));
        // Every month of the period has a bar, February and March empty.
        assert_eq!(svg.matches("fill=\"#1d70b8\"").count(), 3);
        assert!(svg.contains("<title>2026-02: 0</title>"));
    }

    #[test]
    fn changes_without_an_earlier_scan() {
        let c = Changes {
            previous_scan: None,
            previous_as_of: None,
            new_high: Vec::new(),
            risen: Vec::new(),
            new_flags: Vec::new(),
            closed: Vec::new(),
        };
        assert_eq!(
            changes_md(&c),
            "# Changes: no earlier scan in the register\n\n## New high-risk cases (0)\n\n\
             ## Risen levels (0)\n\n## New flags (0)\n\n## Closed (in the last scan, not now) (0)\n\n"
        );
    }

    #[test]
    fn users_in_markdown() {
        let u = UserRow {
            name: "jo_k".into(),
            role: marac_register::UserRole::Agency,
            agency: Some("nhs|gp".into()),
            granted: true,
            locked_until: Some("2026-11-20T09:15:00Z".into()),
            created: "2026-11-01T08:00:00Z".into(),
        };
        assert_eq!(
            users_md(&[u]).lines().last().unwrap(),
            "| jo\\_k | agency | nhs\\|gp | yes | 2026-11-20T09:15:00Z | 2026-11-01T08:00:00Z |"
        );
    }
}
