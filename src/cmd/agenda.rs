//! `marac agenda`: the meeting pack of one BCU, or of each BCU.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use marac_agenda::render::{csv, html_pack, markdown};
use marac_agenda::{redact, Pack, ReviewDays};
use marac_geo::Areas;
use marac_pipeline::{pack_map, MeetingPlan, Packer};

use crate::cmd::register::{open_at, reg_err};
use crate::cmd::{pipeline_err, WeekArgs, WeekInputs};
use crate::inputs::{load_areas, parse_date_flag, today};
use crate::output::{create_private_dir, emit, write_atomic};
use crate::{input_error, InputArgs};

/// Pack formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackFormat {
    /// Markdown.
    Md,
    /// Self-contained HTML with an SVG map (prints cleanly to PDF).
    Html,
    /// JSON, schema marac-pack/1 (docs/PACK.md).
    Json,
    /// CSV case list.
    Csv,
}

impl PackFormat {
    /// The file extension of the format.
    pub fn ext(self) -> &'static str {
        match self {
            PackFormat::Md => "md",
            PackFormat::Html => "html",
            PackFormat::Json => "json",
            PackFormat::Csv => "csv",
        }
    }
}

/// Arguments of `marac agenda`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct AgendaArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    dates: MeetingDates,
    /// The BCU (name or code), or `all` for one pack per BCU.
    #[arg(long, value_name = "NAME|all")]
    bcu: String,
    /// Pack format.
    #[arg(long, value_enum, default_value = "md")]
    format: PackFormat,
    /// Remove names, dates of birth, addresses, phones, full postcodes and summaries.
    #[arg(long)]
    redact: bool,
    /// The case register: previous hearings, actions to review, stable case references.
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// Who is running this (for the register's audit trail; default: the login name).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// The local secret that keys case references (created, 0600, if missing;
    /// default: the register's `FILE.key` with --register, else `marac.key`).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    #[command(flatten)]
    week: WeekArgs,
    /// The chair's name, printed on the pack.
    #[arg(long, value_name = "NAME")]
    chair: Option<String>,
    /// Days to the review date for high-risk cases.
    #[arg(long, default_value_t = 14)]
    review_high_days: i64,
    /// Days to the review date for other cases.
    #[arg(long, default_value_t = 28)]
    review_other_days: i64,
    /// Output directory (one file per BCU); without it one pack goes to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The scan date and the meeting date (shared by `agenda` and `run`).
#[derive(Args, Debug, Clone)]
pub struct MeetingDates {
    /// Records up to this date (default: today).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// The meeting date (default: 7 days after --as-of).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    pub meeting: Option<NaiveDate>,
}

impl MeetingDates {
    /// `(as_of, meeting)` with their defaults; a meeting before the scan
    /// date is an input error.
    pub fn resolve(&self) -> Result<(NaiveDate, NaiveDate)> {
        let as_of = self.as_of.unwrap_or_else(today);
        let meeting = self.meeting.unwrap_or(as_of + chrono::Duration::days(7));
        if meeting < as_of {
            return Err(input_error(format!(
                "--meeting {meeting} is before --as-of {as_of}"
            )));
        }
        Ok((as_of, meeting))
    }
}

/// The BCUs asked for, by name: every BCU when none is named or one is
/// `all`; an unknown one is an input error (`{what} NAME: no such BCU`).
pub fn bcu_names(areas: &Areas, wanted: &[String], what: &str) -> Result<Vec<String>> {
    if wanted.is_empty() || wanted.iter().any(|w| w.eq_ignore_ascii_case("all")) {
        return Ok(areas.bcus().iter().map(|b| b.name.to_string()).collect());
    }
    wanted
        .iter()
        .map(|w| {
            areas
                .resolve_bcu(w)
                .map(|b| b.name.to_string())
                .ok_or_else(|| input_error(format!("{what} {w}: no such BCU")))
        })
        .collect()
}

/// Renders a pack.
pub fn render(pack: &Pack, format: PackFormat, areas: &Areas) -> Result<String> {
    Ok(match format {
        PackFormat::Md => markdown(pack),
        PackFormat::Html => html_pack(pack, &pack_map(areas, &pack.meeting.bcu)),
        PackFormat::Json => {
            let mut s = serde_json::to_string_pretty(pack)?;
            s.push('\n');
            s
        }
        PackFormat::Csv => csv(pack),
    })
}

/// Runs the command.
pub fn run(args: AgendaArgs, quiet: bool) -> Result<u8> {
    let (as_of, meeting) = args.dates.resolve()?;
    let areas = load_areas(args.input.areas.as_deref())?;
    let bcus = bcu_names(&areas, std::slice::from_ref(&args.bcu), "--bcu")?;
    if bcus.len() > 1 && args.out.is_none() {
        return Err(input_error(
            "--bcu all writes one pack per BCU: give --out DIR",
        ));
    }
    let inputs = WeekInputs::read_in(
        &args.input,
        &args.week,
        args.register.as_deref(),
        areas,
        as_of,
        quiet,
    )?;
    let key_path = match (&args.key, &args.register) {
        (Some(k), _) => k.clone(),
        (None, Some(r)) => marac_register::default_secret_path(r),
        (None, None) => PathBuf::from("marac.key"),
    };
    let secret = marac_register::load_or_create_secret(&key_path).map_err(reg_err)?;
    let week = inputs.week(as_of);
    let decisions = match &args.register {
        None => week.decide(None, &secret),
        Some(path) => {
            let mut reg = open_at(path, args.user.as_deref())?;
            week.decide(Some(&mut reg), &secret)
        }
    }
    .map_err(pipeline_err)?;
    let packer = Packer::new(
        &week,
        &decisions,
        MeetingPlan {
            date: meeting,
            review: ReviewDays {
                high: args.review_high_days,
                other: args.review_other_days,
            },
            chair: args.chair.clone(),
        },
    );
    let areas = &inputs.areas;
    if let Some(dir) = &args.out {
        create_private_dir(dir)?;
    }
    for name in &bcus {
        let mut pack = packer.pack(name);
        if args.redact {
            pack = redact(pack);
        }
        let text = render(&pack, args.format, areas)?;
        match &args.out {
            None => emit(None, text.as_bytes())?,
            Some(dir) => {
                let path = pack_path(dir, &pack, args.format, args.redact);
                write_atomic(&path, text.as_bytes())?;
                if !quiet {
                    eprintln!("marac: {} cases -> {}", pack.cases.len(), path.display());
                }
            }
        }
    }
    Ok(0)
}

/// `DIR/marac-pack-CN-2026-11-27[-redacted].md`.
pub fn pack_path(dir: &Path, pack: &Pack, format: PackFormat, redacted: bool) -> PathBuf {
    let code = pack.meeting.bcu_code.clone().unwrap_or_else(|| {
        pack.meeting
            .bcu
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    });
    dir.join(format!(
        "marac-pack-{code}-{}{}.{}",
        pack.meeting.date,
        if redacted { "-redacted" } else { "" },
        format.ext()
    ))
}
