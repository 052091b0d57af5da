//! `marac register`: the case register (meetings, cases, actions, scans,
//! figures, retention) in an embedded SQLite file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate};
use clap::{Args, Subcommand, ValueEnum};
use marac_link::labels::Label;
use marac_register::{
    check_password, ActionChange, ActionFilter, IncompleteReason, LabelRow, MeetingInfo, Register,
    RegisterError, UserRole,
};
use marac_render::register as report;
use marac_render::CsvDoc;

use crate::inputs::{parse_date_flag, today};
use crate::output::emit;
use crate::{input_error, InputError};

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
    open_at(&opts.register, opts.user.as_deref())
}

/// Opens the register at `path` for `--user` (default: the login name).
pub fn open_at(path: &Path, user: Option<&str>) -> Result<Register> {
    Register::open(path, &user_name(user)).map_err(reg_err)
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
    /// Users of the web console: add, list, remove, grant the full view, unlock, set a password.
    #[command(subcommand)]
    User(UserCommand),
    /// Clerical labels of record pairs (docs/LABELS.md): import a labels CSV, export them.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// The audit trail: who wrote what, when.
    Audit {
        /// Output format (md, csv, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
enum LabelsCommand {
    /// Import labels (the review layout or Splink's clerical labels); a pair already labelled differently refuses the import unless --replace.
    Import {
        /// The labels CSV.
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// Who labelled them (default: the file's `labeller` column, else --user).
        #[arg(long, value_name = "NAME")]
        labeller: Option<String>,
        /// Replace the labels of pairs already labelled differently.
        #[arg(long)]
        replace: bool,
    },
    /// Export every label as a labels CSV (with who labelled each and when).
    Export {
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE.csv")]
        out: Option<PathBuf>,
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
        /// A note on how it was done (kept with the action, never in the audit trail).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Close an action as not completed, with the reason.
    Incomplete {
        /// The action id.
        id: i64,
        /// circumstances_changed or agency_did_not_act.
        #[arg(long, value_name = "REASON")]
        reason: String,
        /// A note on why (kept with the action, never in the audit trail).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
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

/// Roles of the web console.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum RoleArg {
    /// Chairs meetings: sees everything, grants agency users the full view.
    Chair,
    /// Runs the register: sees everything.
    Coordinator,
    /// Works for one agency (--agency): the redacted view unless granted.
    Agency,
}

impl From<RoleArg> for UserRole {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Chair => UserRole::Chair,
            RoleArg::Coordinator => UserRole::Coordinator,
            RoleArg::Agency => UserRole::Agency,
        }
    }
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user; the password is asked twice on the terminal (or read from standard input with --password-stdin).
    Add {
        /// The user name (no spaces).
        #[arg(value_name = "NAME")]
        name: String,
        /// The user's role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The user's agency (needed for role agency).
        #[arg(long, value_name = "NAME")]
        agency: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the users (never their passwords).
    List {
        /// Output format (md, json).
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// Remove a user and end their sessions.
    Remove {
        /// The user name.
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Grant an agency user the full (unredacted) view and all actions, or take it back with --revoke.
    Grant {
        /// The user name.
        #[arg(value_name = "NAME")]
        name: String,
        /// Take the grant back.
        #[arg(long)]
        revoke: bool,
    },
    /// End a user's lock-out after failed logins.
    Unlock {
        /// The user name.
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Set a user's password; asked twice on the terminal (or read from standard input with --password-stdin).
    Password {
        /// The user name.
        #[arg(value_name = "NAME")]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
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
                Format::Csv => report::cases_csv(&cases)?,
                _ => report::cases_md(&cases).into_bytes(),
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
                _ => report::history_md(&h).into_bytes(),
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
                Format::Csv => report::stats_csv(&stats)?,
                Format::Md => report::stats_md(&stats).into_bytes(),
                Format::Svg => report::stats_svg(&stats, bcu.as_deref()).into_bytes(),
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
        RegisterCommand::User(u) => return user_command(opts, u),
        RegisterCommand::Labels(l) => return labels_command(opts, l, quiet),
        RegisterCommand::Audit { format } => {
            no_svg(format)?;
            let reg = open(opts)?;
            let rows = reg.audit_log().map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&rows)?,
                Format::Csv => report::audit_csv(&rows)?,
                _ => report::audit_md(&rows).into_bytes(),
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
        ActionCommand::Done { id, note } => {
            let mut reg = open(opts)?;
            close_action(&mut reg, id, ActionChange::Done { note })?;
            emit(None, format!("action {id}: done\n").as_bytes())?;
        }
        ActionCommand::Incomplete { id, reason, note } => {
            let reason = IncompleteReason::parse(&reason).map_err(reg_err)?;
            let mut reg = open(opts)?;
            close_action(&mut reg, id, ActionChange::NotCompleted { reason, note })?;
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
                    overdue_at: overdue.then_some(as_of),
                    ..ActionFilter::default()
                })
                .map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&rows)?,
                Format::Csv => report::actions_csv(&rows, as_of)?,
                _ => report::actions_md(&rows, as_of).into_bytes(),
            };
            emit(out.as_deref(), &bytes)?;
        }
    }
    Ok(0)
}

/// The register's labels as linkage reads them.
pub fn labels_of(rows: &[LabelRow]) -> Vec<Label> {
    rows.iter()
        .map(|r| Label {
            left: r.left.clone(),
            right: r.right.clone(),
            kind: r.kind,
            labeller: Some(r.labeller.clone()),
            at: Some(r.labelled_at.clone()),
        })
        .collect()
}

/// `marac register labels …`.
fn labels_command(opts: &RegisterOpts, l: LabelsCommand, quiet: bool) -> Result<u8> {
    match l {
        LabelsCommand::Import {
            file,
            labeller,
            replace,
        } => {
            let parsed =
                crate::cmd::link::read_label_file(&file, "register labels import:", quiet)?;
            if let Some(c) = parsed.conflicts.first() {
                return Err(input_error(format!(
                    "register labels import: {}: {c}; nothing was imported",
                    parsed.file
                )));
            }
            let user = user_name(opts.user.as_deref());
            let rows: Vec<LabelRow> = parsed
                .labels
                .iter()
                .map(|l| LabelRow {
                    left: l.left.clone(),
                    right: l.right.clone(),
                    kind: l.kind,
                    labeller: labeller
                        .clone()
                        .or_else(|| l.labeller.clone())
                        .unwrap_or_else(|| user.clone()),
                    labelled_at: l.at.clone().unwrap_or_default(),
                })
                .collect();
            let mut reg = open(opts)?;
            let done = reg.import_labels(&rows, replace).map_err(reg_err)?;
            let line = format!(
                "imported labels from {}: {} added, {} unchanged, {} replaced ({} unlabelled and {} rejected rows skipped)\n",
                parsed.file,
                done.added,
                done.unchanged,
                done.replaced,
                parsed.unlabelled,
                parsed.rejected.len()
            );
            emit(None, line.as_bytes())?;
        }
        LabelsCommand::Export { out } => {
            let mut reg = open(opts)?;
            let rows = reg.export_labels().map_err(reg_err)?;
            let mut doc = CsvDoc::new(&[
                "incident_id_l",
                "role_l",
                "incident_id_r",
                "role_r",
                "label",
                "labeller",
                "labelled_at",
            ])?;
            for r in &rows {
                doc.row([
                    r.left.0.as_str(),
                    r.left.1.as_str(),
                    r.right.0.as_str(),
                    r.right.1.as_str(),
                    r.kind.as_str(),
                    r.labeller.as_str(),
                    r.labelled_at.as_str(),
                ])?;
            }
            emit(out.as_deref(), &doc.finish()?)?;
            if !quiet {
                eprintln!("marac: exported {} labels", rows.len());
            }
        }
    }
    Ok(0)
}

/// Closes an action as it is now (the command line has no stale copy to
/// conflict with).
fn close_action(reg: &mut Register, id: i64, change: ActionChange) -> Result<()> {
    let version = reg.action(id).map_err(reg_err)?.version;
    reg.update_action(id, version, change).map_err(reg_err)?;
    Ok(())
}

/// `marac register user …`: errors name the command (`register user add: …`).
fn user_command(opts: &RegisterOpts, u: UserCommand) -> Result<u8> {
    let what = match &u {
        UserCommand::Add { .. } => "register user add",
        UserCommand::List { .. } => "register user list",
        UserCommand::Remove { .. } => "register user remove",
        UserCommand::Grant { .. } => "register user grant",
        UserCommand::Unlock { .. } => "register user unlock",
        UserCommand::Password { .. } => "register user password",
    };
    user_inner(opts, u).map_err(|e| match e.downcast_ref::<InputError>() {
        Some(InputError(msg)) => input_error(format!("{what}: {msg}")),
        None => e.context(what),
    })
}

fn user_inner(opts: &RegisterOpts, u: UserCommand) -> Result<u8> {
    match u {
        UserCommand::Add {
            name,
            role,
            agency,
            password_stdin,
        } => {
            let agency = agency.filter(|a| !a.trim().is_empty());
            if role == RoleArg::Agency && agency.is_none() {
                return Err(input_error("--agency NAME is needed for role agency"));
            }
            let mut reg = open(opts)?;
            // Refused before the password is typed.
            if reg.user(&name).map_err(reg_err)?.is_some() {
                return Err(reg_err(RegisterError::DuplicateUser(name.trim().into())));
            }
            let password = read_password(password_stdin, &name)?;
            let row = reg
                .add_user(&name, role.into(), agency.as_deref(), &password)
                .map_err(reg_err)?;
            let agency = row
                .agency
                .as_deref()
                .map(|a| format!(", agency {a}"))
                .unwrap_or_default();
            let line = format!(
                "added user {} (role {}{agency})\n",
                row.name,
                row.role.as_str()
            );
            emit(None, line.as_bytes())?;
        }
        UserCommand::List { format } => {
            let reg = open(opts)?;
            let users = reg.users().map_err(reg_err)?;
            let bytes = match format {
                Format::Json => json(&users)?,
                Format::Md => report::users_md(&users).into_bytes(),
                Format::Csv | Format::Svg => return Err(input_error("--format md or json")),
            };
            emit(None, &bytes)?;
        }
        UserCommand::Remove { name } => {
            let mut reg = open(opts)?;
            reg.remove_user(&name).map_err(reg_err)?;
            emit(None, format!("removed user {}\n", name.trim()).as_bytes())?;
        }
        UserCommand::Grant { name, revoke } => {
            let mut reg = open(opts)?;
            reg.set_granted(&name, !revoke).map_err(reg_err)?;
            let what = if revoke {
                "no longer has the full view"
            } else {
                "granted the full view and all actions"
            };
            emit(None, format!("user {}: {what}\n", name.trim()).as_bytes())?;
        }
        UserCommand::Unlock { name } => {
            let mut reg = open(opts)?;
            reg.unlock_user(&name).map_err(reg_err)?;
            emit(None, format!("unlocked user {}\n", name.trim()).as_bytes())?;
        }
        UserCommand::Password {
            name,
            password_stdin,
        } => {
            let mut reg = open(opts)?;
            if reg.user(&name).map_err(reg_err)?.is_none() {
                return Err(reg_err(RegisterError::NoSuchUser(name.trim().into())));
            }
            let password = read_password(password_stdin, &name)?;
            reg.set_password(&name, &password).map_err(reg_err)?;
            emit(
                None,
                format!("password set for user {}\n", name.trim()).as_bytes(),
            )?;
        }
    }
    Ok(0)
}

/// A new password: the first line of standard input, or asked twice on the
/// terminal without echo. Never printed, never in an error.
fn read_password(from_stdin: bool, name: &str) -> Result<String> {
    use std::io::{BufRead, IsTerminal};
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            input_error(format!("cannot read the password from standard input: {e}"))
        })?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return Err(input_error(
                "no password on the first line of standard input",
            ));
        }
        line.to_string()
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(input_error(
                "standard input is not a terminal: give the password with --password-stdin",
            ));
        }
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt).map_err(|e| {
                input_error(format!(
                    "cannot read a password from the terminal ({e}); use --password-stdin"
                ))
            })
        };
        let first = ask(&format!("New password for {}: ", name.trim()))?;
        check_password(&first).map_err(reg_err)?;
        if ask("The same again: ")? != first {
            return Err(input_error("the two passwords differ; nothing was changed"));
        }
        first
    };
    check_password(&password).map_err(reg_err)?;
    Ok(password)
}
