//! `marac validate`: a coordinator's check of a week's exports.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use marac_ingest::{Ingest, Summary};
use marac_render::validate::{markdown, Report};

use crate::inputs::{load, parse_date_flag, today};
use crate::output::emit;
use crate::{InputArgs, EXIT_INPUT};

/// Arguments of `marac validate`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct ValidateArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Dates after this are flagged (default: today).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Report format.
    #[arg(long, value_enum, default_value = "md")]
    format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Md,
    Json,
}

/// The validation report of what was read.
pub fn report(ingest: &Ingest, as_of: NaiveDate) -> Report<'_> {
    Report {
        as_of,
        read: ingest.read(),
        accepted: ingest.accepted(),
        rejected: ingest.rejected(),
        warnings: ingest.warnings.len() as u64,
        near_boundary: ingest.near_boundary(),
        inputs: &ingest.files,
        summary: Summary::of(&ingest.incidents),
        rejects: &ingest.rejects,
        warning_list: &ingest.warnings,
    }
}

/// Runs the command; exit 2 when any row was rejected.
pub fn run(args: ValidateArgs, quiet: bool) -> Result<u8> {
    let as_of = args.as_of.unwrap_or_else(today);
    let ingest = load(&args.input, Some(as_of), quiet)?;
    let report = report(&ingest, as_of);
    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        Format::Md => markdown(&report),
    };
    emit(args.out.as_deref(), text.as_bytes())?;
    let code = if ingest.rejected() > 0 { EXIT_INPUT } else { 0 };
    // The process exits next: freeing a million incidents one by one would
    // only cost time (about a fifth of a second per million).
    drop(text);
    std::mem::forget(ingest);
    Ok(code)
}
