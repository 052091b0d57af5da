//! `marac validate`: a coordinator's check of a week's exports.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use marac_ingest::{Diagnostic, Ingest, Summary};
use marac_render::escape::md;
use serde::Serialize;

use crate::inputs::{load, parse_date_flag, today};
use crate::output::emit;
use crate::{InputArgs, EXIT_INPUT};

/// Arguments of `marac validate`.
#[derive(Args, Debug)]
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

#[derive(Serialize)]
struct Report<'a> {
    as_of: NaiveDate,
    read: u64,
    accepted: u64,
    rejected: u64,
    warnings: u64,
    inputs: &'a [marac_ingest::FileCounts],
    #[serde(flatten)]
    summary: Summary,
    rejects: &'a [Diagnostic],
    warning_list: &'a [Diagnostic],
}

/// Runs the command; exit 2 when any row was rejected.
pub fn run(args: ValidateArgs, quiet: bool) -> Result<u8> {
    let as_of = args.as_of.unwrap_or_else(today);
    let ingest = load(&args.input, Some(as_of), quiet)?;
    let report = Report {
        as_of,
        read: ingest.read(),
        accepted: ingest.accepted(),
        rejected: ingest.rejected(),
        warnings: ingest.warnings.len() as u64,
        inputs: &ingest.files,
        summary: Summary::of(&ingest.incidents),
        rejects: &ingest.rejects,
        warning_list: &ingest.warnings,
    };
    let text = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            s
        }
        Format::Md => markdown(&report, &ingest),
    };
    emit(args.out.as_deref(), text.as_bytes())?;
    let code = if ingest.rejected() > 0 { EXIT_INPUT } else { 0 };
    // The process exits next: freeing a million incidents one by one would
    // only cost time (about a fifth of a second per million).
    drop(text);
    std::mem::forget(ingest);
    Ok(code)
}

fn table(out: &mut String, title: &str, rows: &std::collections::BTreeMap<String, u64>) {
    let _ = writeln!(
        out,
        "\n## By {title}\n\n| {title} | incidents |\n| --- | ---: |"
    );
    for (k, v) in rows {
        let _ = writeln!(out, "| {} | {v} |", md(k));
    }
}

/// The one Markdown escaper, under its old name for `cmd/scan.rs`.
pub use marac_render::escape::md as md_cell;

fn markdown(r: &Report<'_>, ingest: &Ingest) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Validation report (as of {})\n", r.as_of);
    let _ = writeln!(
        out,
        "Read {} records: {} accepted, {} rejected; {} warnings.\n",
        r.read, r.accepted, r.rejected, r.warnings
    );
    let _ = writeln!(
        out,
        "| input | read | accepted | rejected | warnings |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for f in r.inputs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&f.file),
            f.read,
            f.accepted,
            f.rejected,
            f.warnings
        );
    }
    table(&mut out, "kind", &r.summary.by_kind);
    table(&mut out, "source", &r.summary.by_source);
    table(&mut out, "BCU", &r.summary.by_bcu);
    table(&mut out, "month", &r.summary.by_month);
    for (title, list) in [
        ("Rejected rows", &ingest.rejects),
        ("Warnings", &ingest.warnings),
    ] {
        let _ = writeln!(out, "\n## {title} ({})\n", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for d in list {
            let _ = writeln!(out, "- {}", md(&d.to_string()));
        }
    }
    out
}
