//! `marac register`: the case register (meetings, cases, actions, scans,
//! figures, retention) in an embedded SQLite file.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use clap::{Args, Subcommand, ValueEnum};
use marac_register::{
    ActionFilter, ActionRow, Changes, IncompleteReason, MeetingInfo, Register, RegisterError, Stats,
};
use marac_render::escape::{html, md};
use marac_render::CsvDoc;

use crate::input_error;
use crate::inputs::{parse_date_flag, today};
use crate::output::emit;

/// Where the register is and who writes to it (shared by every command that uses it).
#[derive(Args, Debug, Clone)]
pub struct RegisterOpts {
    /// The case register file.
    #[arg(long, value_name = "FILE", default_value = "marac.db", global = true)]
    pub register: PathBuf,
    /// Who is writing, for the audit trail (default: the login name from $USER or $LOGNAME).
    #[arg(long, value_name = "NAME", global = true)]
    pub user: Option<String>,
}

/// The user for the audit trail: `--user`, else $USER, else $LOGNAME, else "unknown".
pub fn user_name(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Maps a register error to the exit code policy (input errors exit 2).
pub fn reg_err(e: RegisterError) -> anyhow::Error {
    if e.is_input_error() {
        input_error(e.to_string())
    } else {
        anyhow::Error::new(e)
    }
}

/// Opens the register of `opts`.
pub fn open(opts: &RegisterOpts) -> Result<Register> {
    Register::open(&opts.register, &user_name(opts.user.as_deref())).map_err(reg_err)
}

/// Arguments of `marac register`.
#[derive(Args, Debug)]
pub struct RegisterArgs {
    #[command(flatten)]
    opts: RegisterOpts,
    #[command(subcommand)]
    command: RegisterCommand,
}

/// Report formats of the register.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Markdown.
    Md,
    /// CSV.
    Csv,
    /// JSON.
    Json,
    /// SVG chart (`stats` only).
    Svg,
}

#[derive(Subcommand, Debug)]
enum RegisterCommand {
    /// Create a new, empty register (mode 0600); never overwrites a file.
    Init,
    /// Record a meeting from its pack (marac-pack/1 JSON) with the decisions per case.
    Record {
        /// The meeting pack.
        #[arg(value_name = "PACK.json")]
        pack: PathBuf,
        /// The chair (default: the pack's meeting.chair).
        #[arg(long, value_name = "NAME")]
        chair: Option<String>,
        /// Agencies that attended (comma-separated).
        #[arg(long, value_name = "AGENCY,…", value_delimiter = ',')]
        attended: Vec<String>,
        /// Agencies that sent apologies (comma-separated).
        #[arg(long, value_name = "AGENCY,…", value_delimiter = ',')]
        apologies: Vec<String>,
        /// Every attendee signed the confidentiality statement.
        #[arg(long)]
        confidentiality_signed: bool,
    },
    /// Add, close or list actions.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Cases: reference, BCU, hearings, last hearing, open actions.
    Cases {
        /// Only this BCU (name or code).
        #[arg(long, value_name = "NAME")]
        bcu: Option<String>,
        /// Output format (md, csv, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// One case over time: meetings, actions, risk levels, merges and splits.
    History {
        /// The case reference.
        #[arg(value_name = "CASE")]
        case: String,
        /// Output format (md, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Figures per BCU and period: cases heard, repeat MARAC rate, disability hate share, days to first hearing, actions overdue.
    Stats {
        /// Only this BCU (name or code).
        #[arg(long, value_name = "NAME")]
        bcu: Option<String>,
        /// First meeting date counted (default: 364 days before --to).
        #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Last meeting date counted (default: today).
        #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// Output format; svg draws cases heard per month.
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Delete records with no activity for more than DAYS days; without --confirm, only report what would go.
    Retention {
        /// Age in days.
        #[arg(long, value_name = "DAYS")]
        older_than: u32,
        /// Really delete (logged in the audit trail with counts).
        #[arg(long)]
        confirm: bool,
        /// Count the days back from this date (default: today).
        #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// The audit trail: who wrote what, when.
    Audit {
        /// Output format (md, csv, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
enum ActionCommand {
    /// Add an action to a case.
    Add {
        /// The case reference.
        #[arg(long = "case", value_name = "REF")]
        case_ref: String,
        /// The owning agency.
        #[arg(long, value_name = "AGENCY")]
        owner: String,
        /// Due date.
        #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
        due: NaiveDate,
        /// What is to be done.
        #[arg(long, value_name = "TEXT")]
        text: String,
    },
    /// Mark an action done.
    Done {
        /// The action id.
        id: i64,
    },
    /// Close an action as not completed, with the reason.
    Incomplete {
        /// The action id.
        id: i64,
        /// circumstances_changed or agency_did_not_act.
        #[arg(long, value_name = "REASON")]
        reason: String,
    },
    /// List actions (open and closed).
    List {
        /// Only this BCU (name or code).
        #[arg(long, value_name = "NAME")]
        bcu: Option<String>,
        /// Only overdue actions: open and due before --as-of.
        #[arg(long)]
        overdue: bool,
        /// The date for --overdue (default: today).
        #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        /// Output format (md, csv, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut s = serde_json::to_string_pretty(v).context("json")?;
    s.push('\n');
    Ok(s.into_bytes())
}

fn no_svg(format: Format) -> Result<()> {
    if format == Format::Svg {
        return Err(input_error("--format svg is only for `register stats`"));
    }
    Ok(())
}

/// Runs the command.
pub fn run(args: RegisterArgs, quiet: bool) -> Result<u8> {
    let opts = &args.opts;
    let user = user_name(opts.user.as_deref());
    match args.command {
        RegisterCommand::Init => {
            Register::init(&opts.register, &user).map_err(reg_err)?;
            if !quiet {
                eprintln!(
                    "marac: created register {} (schema version {})",
                    opts.register.display(),
                    marac_register::SCHEMA_VERSION
                );
            }
        }
        RegisterCommand::Record {
            pack,
            chair,
            attended,
            apologies,
            confidentiality_signed,
        } => {
            let text = std::fs::read_to_string(&pack)
                .map_err(|e| input_error(format!("{}: {e}", pack.display())))?;
            let mut reg = open(opts)?;
            let clean = |v: Vec<String>| -> Vec<String> {
                v.into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            let info = MeetingInfo {
                chair,
                attended: clean(attended),
                apologies: clean(apologies),
                confidentiality_signed,
            };
            let s = reg.record_pack_with(&text, &info).map_err(reg_err)?;
            let line = format!(
                "recorded meeting {}: {} cases ({} new, {} heard, {} repeat MARAC), {} actions\n",
                s.meeting_ref, s.cases, s.new_cases, s.heard, s.repeat, s.actions
            );
            emit(None, line.as_bytes())?;
        }
        RegisterCommand::Action(a) => return action(opts, a),
        RegisterCommand::Cases { bcu, format, out } => {
            no_svg(format)?;
            let reg = open(opts)?;
            let cases = reg.cases(bcu.as_deref()).map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&cases)?,
                Format::Csv => {
                    let mut doc = CsvDoc::new(&[
                        "case_ref",
                        "bcu",
                        "hearings",
                        "last_hearing",
                        "open_actions",
                        "merged_into",
                    ])?;
                    for c in &cases {
                        doc.row([
                            c.case_ref.clone(),
                            c.bcu.clone(),
                            c.hearings.to_string(),
                            c.last_hearing.map(|d| d.to_string()).unwrap_or_default(),
                            c.open_actions.to_string(),
                            c.merged_into.clone().unwrap_or_default(),
                        ])?;
                    }
                    doc.finish()?
                }
                _ => {
                    let mut s = String::from("# Cases\n\n| case | BCU | hearings | last hearing | open actions | merged into |\n| --- | --- | ---: | --- | ---: | --- |\n");
                    for c in &cases {
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
                    s.into_bytes()
                }
            };
            emit(out.as_deref(), &bytes)?;
        }
        RegisterCommand::History { case, format, out } => {
            no_svg(format)?;
            let reg = open(opts)?;
            let h = reg.history(&case).map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&h)?,
                Format::Csv => return Err(input_error("history: --format md or json")),
                _ => history_md(&h).into_bytes(),
            };
            emit(out.as_deref(), &bytes)?;
        }
        RegisterCommand::Stats {
            bcu,
            from,
            to,
            format,
            out,
        } => {
            let to = to.unwrap_or_else(today);
            let from =
                from.unwrap_or_else(|| to.checked_sub_signed(Duration::days(364)).unwrap_or(to));
            let reg = open(opts)?;
            let stats = reg.stats(bcu.as_deref(), from, to).map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&stats)?,
                Format::Csv => stats_csv(&stats)?,
                Format::Md => stats_md(&stats).into_bytes(),
                Format::Svg => stats_svg(&stats, bcu.as_deref()).into_bytes(),
            };
            emit(out.as_deref(), &bytes)?;
        }
        RegisterCommand::Retention {
            older_than,
            confirm,
            as_of,
        } => {
            let mut reg = open(opts)?;
            let r = reg
                .retention(older_than, as_of.unwrap_or_else(today), confirm)
                .map_err(reg_err)?;
            let verb = if r.deleted { "deleted" } else { "would delete" };
            let mut s = format!(
                "retention: records with no activity since before {}: {verb} {} cases, {} mentions, {} hearings, \
                 {} actions, {} scans ({} scan rows), {} meetings, {} merge/split records\n",
                r.cutoff, r.cases, r.mentions, r.hearings, r.actions, r.scans, r.scan_rows, r.meetings, r.events
            );
            if !r.deleted {
                s.push_str(
                    "nothing was deleted: add --confirm to delete (logged in the audit trail)\n",
                );
            }
            emit(None, s.as_bytes())?;
        }
        RegisterCommand::Audit { format } => {
            no_svg(format)?;
            let reg = open(opts)?;
            let rows = reg.audit_log().map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&rows)?,
                Format::Csv => {
                    let mut doc = CsvDoc::new(&["id", "at", "user", "command", "detail"])?;
                    for r in &rows {
                        doc.row([
                            r.id.to_string(),
                            r.at.clone(),
                            r.user.clone(),
                            r.command.clone(),
                            r.detail.clone(),
                        ])?;
                    }
                    doc.finish()?
                }
                _ => {
                    let mut s = String::from("# Audit trail\n\n| id | at (UTC) | user | command | detail |\n| ---: | --- | --- | --- | --- |\n");
                    for r in &rows {
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
                    s.into_bytes()
                }
            };
            emit(None, &bytes)?;
        }
    }
    Ok(0)
}

fn action(opts: &RegisterOpts, a: ActionCommand) -> Result<u8> {
    match a {
        ActionCommand::Add {
            case_ref,
            owner,
            due,
            text,
        } => {
            let mut reg = open(opts)?;
            let id = reg
                .add_action(&case_ref, &owner, due, &text)
                .map_err(reg_err)?;
            emit(None, format!("added action {id}\n").as_bytes())?;
        }
        ActionCommand::Done { id } => {
            let mut reg = open(opts)?;
            reg.complete_action(id).map_err(reg_err)?;
            emit(None, format!("action {id}: done\n").as_bytes())?;
        }
        ActionCommand::Incomplete { id, reason } => {
            let reason = IncompleteReason::parse(&reason).map_err(reg_err)?;
            let mut reg = open(opts)?;
            reg.mark_incomplete(id, reason).map_err(reg_err)?;
            emit(
                None,
                format!("action {id}: cancelled ({})\n", reason.as_str()).as_bytes(),
            )?;
        }
        ActionCommand::List {
            bcu,
            overdue,
            as_of,
            format,
            out,
        } => {
            no_svg(format)?;
            let as_of = as_of.unwrap_or_else(today);
            let reg = open(opts)?;
            let rows = reg
                .actions(&ActionFilter {
                    bcu,
                    case_ref: None,
                    open_only: false,
                    overdue_at: overdue.then_some(as_of),
                })
                .map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&rows)?,
                Format::Csv => {
                    let mut doc = CsvDoc::new(&[
                        "id", "case_ref", "owner", "due", "status", "overdue", "reason", "text",
                    ])?;
                    for r in &rows {
                        doc.row([
                            r.id.to_string(),
                            r.case_ref.clone(),
                            r.owner.clone(),
                            r.due.to_string(),
                            r.status.as_str().to_string(),
                            r.is_overdue(as_of).to_string(),
                            r.reason.map(|x| x.as_str()).unwrap_or("").to_string(),
                            r.text.clone(),
                        ])?;
                    }
                    doc.finish()?
                }
                _ => actions_md(&rows, as_of).into_bytes(),
            };
            emit(out.as_deref(), &bytes)?;
        }
    }
    Ok(0)
}

fn actions_md(rows: &[ActionRow], as_of: NaiveDate) -> String {
    let mut s = format!(
        "# Actions (as of {as_of})\n\n| id | case | owner | due | status | text |\n| ---: | --- | --- | --- | --- | --- |\n"
    );
    for r in rows {
        let status = match (r.is_overdue(as_of), r.reason) {
            (true, _) => "**overdue**".to_string(),
            (false, Some(reason)) => format!("{} ({})", r.status.as_str(), reason.as_str()),
            (false, None) => r.status.as_str().to_string(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.id,
            md(&r.case_ref),
            md(&r.owner),
            r.due,
            status,
            md(&r.text)
        );
    }
    s
}

fn history_md(h: &marac_register::CaseHistory) -> String {
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
    let _ = writeln!(s, "## Meetings\n\n| date | meeting | case | section | level | score | flags | repeat MARAC | heard |\n| --- | --- | --- | --- | --- | ---: | --- | --- | --- |");
    for x in &h.hearings {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            x.date,
            md(&x.meeting_ref),
            md(&x.case_ref),
            md(x.section.as_deref().unwrap_or("")),
            md(&x.level),
            x.score,
            md(&x.flags.join(", ")),
            if x.repeat_marac { "yes" } else { "no" },
            if x.heard { "yes" } else { "deferred" }
        );
    }
    let _ = writeln!(s, "\n## Actions\n\n| id | owner | due | status | reason | text |\n| ---: | --- | --- | --- | --- | --- |");
    for a in &h.actions {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            a.id,
            md(&a.owner),
            a.due,
            a.status.as_str(),
            a.reason.map(|r| r.as_str()).unwrap_or(""),
            md(&a.text)
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

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn stats_md(st: &Stats) -> String {
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

fn stats_csv(st: &Stats) -> Result<Vec<u8>> {
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
    Ok(doc.finish()?)
}

/// A self-contained SVG bar chart of cases heard per month (all selected BCUs).
fn stats_svg(st: &Stats, bcu: Option<&str>) -> String {
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

/// `marac scan --since-last`: the changes as Markdown.
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

/// The secret file of a register (for case references).
pub fn secret_path(register: &Path) -> PathBuf {
    marac_register::default_secret_path(register)
}

/// A BCU's short code: from the areas, else the initials of its name.
fn bcu_code(areas: &marac_geo::Areas, bcu: &str) -> String {
    if let Some(code) = areas.resolve_bcu(bcu).and_then(|b| b.code.clone()) {
        return code.to_string();
    }
    let initials: String = bcu
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_ascii_alphanumeric()))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if initials.is_empty() {
        "XX".into()
    } else {
        initials
    }
}

/// What `marac scan --register` did.
pub struct ScanRegister {
    /// Person id -> case reference.
    pub refs: std::collections::BTreeMap<String, String>,
    /// The changes since the previous saved scan (with `--since-last`).
    pub changes: Option<Changes>,
}

/// `marac scan --register FILE`: gives every victim a stable case reference,
/// flags repeat MARAC cases (`repeat_marac`, which also makes the case
/// MARAC-eligible), computes the changes since the last saved scan if asked,
/// then saves the scan.
#[allow(clippy::too_many_arguments)]
pub fn scan_register(
    result: &mut marac_risk::Scan,
    incidents: &[marac_model::Incident],
    rows: &[(String, marac_model::Role, String)],
    areas: &marac_geo::Areas,
    path: &Path,
    user: Option<&str>,
    since_last: bool,
) -> Result<ScanRegister> {
    use std::collections::{BTreeMap, HashMap};

    use marac_register::{
        case_ref, is_repeat_marac, load_or_create_secret, PersonMentions, ScanEntry,
    };

    let mut reg = Register::open(path, &user_name(user)).map_err(reg_err)?;
    let secret = load_or_create_secret(&secret_path(path)).map_err(reg_err)?;
    let date_of: HashMap<&str, NaiveDate> = incidents
        .iter()
        .map(|i| (i.id.as_str(), i.reported.date))
        .collect();
    let mut by_person: HashMap<&str, Vec<(String, marac_model::Role)>> = HashMap::new();
    for (iid, role, pid) in rows {
        by_person
            .entry(pid.as_str())
            .or_default()
            .push((iid.clone(), *role));
    }
    let persons: Vec<PersonMentions> = result
        .persons
        .iter()
        .map(|p| PersonMentions {
            person_id: p.person_id.clone(),
            mentions: by_person
                .get(p.person_id.as_str())
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let bcu_by_person: HashMap<&str, &str> = result
        .persons
        .iter()
        .map(|p| (p.person_id.as_str(), p.bcu.as_str()))
        .collect();
    let bcu_of = |pid: &str| -> String {
        bcu_by_person
            .get(pid)
            .map(|b| b.to_string())
            .unwrap_or_default()
    };
    let proposed = |pm: &PersonMentions| -> String {
        let earliest = pm.mentions.iter().min_by(|a, b| {
            let da = date_of.get(a.0.as_str()).copied().unwrap_or(NaiveDate::MAX);
            let db = date_of.get(b.0.as_str()).copied().unwrap_or(NaiveDate::MAX);
            da.cmp(&db).then_with(|| a.0.cmp(&b.0)).then(a.1.cmp(&b.1))
        });
        let code = bcu_code(areas, &bcu_of(&pm.person_id));
        match earliest {
            Some((iid, role)) => case_ref(&secret, &code, &PersonMentions::mention_key(iid, *role)),
            None => format!("PERSON-{}", pm.person_id),
        }
    };
    let refs: BTreeMap<String, String> = reg
        .resolve_case_refs(&bcu_of, &persons, &proposed)
        .map_err(reg_err)?;
    let mut entries = Vec::with_capacity(result.persons.len());
    for p in &mut result.persons {
        let Some(r) = refs.get(&p.person_id) else {
            continue;
        };
        let latest = p
            .incidents
            .iter()
            .filter_map(|i| date_of.get(i.as_str()).copied())
            .max();
        let last = reg.last_hearing(r).map_err(reg_err)?;
        if latest.is_some_and(|l| is_repeat_marac(last.as_ref(), result.as_of, l)) {
            p.flags.push(marac_risk::Flag::RepeatMarac);
            p.flags.sort();
            p.flags.dedup();
            if !p.eligible_by.contains(&"repeat_marac") {
                p.eligible_by.push("repeat_marac");
            }
            p.marac_eligible = true;
        }
        entries.push(ScanEntry {
            case_ref: r.clone(),
            person_id: p.person_id.clone(),
            bcu: p.bcu.clone(),
            level: p.level.as_str().to_string(),
            score: p.score,
            flags: p.flags.iter().map(|f| f.as_str().to_string()).collect(),
        });
    }
    let changes = if since_last {
        Some(reg.changes_since(result.as_of, &entries).map_err(reg_err)?)
    } else {
        None
    };
    reg.save_scan(result.as_of, &entries).map_err(reg_err)?;
    Ok(ScanRegister { refs, changes })
}
