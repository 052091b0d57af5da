//! `marac validate`: the coordinator's report on a week's exports.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use marac_ingest::{Diagnostic, FileCounts, Summary};
use serde::Serialize;

use crate::escape::md;

/// The validation report (its JSON is this struct serialised).
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Dates after this were flagged.
    pub as_of: NaiveDate,
    /// Records read.
    pub read: u64,
    /// Records accepted.
    pub accepted: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Warnings.
    pub warnings: u64,
    /// Accepted records placed by their coordinates within
    /// [`marac_geo::NEAR_BOUNDARY_M`] of another BCU's boundary, so that
    /// they may belong to that BCU.
    pub near_boundary: u64,
    /// Counts per input.
    pub inputs: &'a [FileCounts],
    /// Accepted incidents by kind, source, BCU and month.
    #[serde(flatten)]
    pub summary: Summary,
    /// Every rejected row.
    pub rejects: &'a [Diagnostic],
    /// Every warning.
    pub warning_list: &'a [Diagnostic],
}

fn table(out: &mut String, title: &str, rows: &BTreeMap<String, u64>) {
    let _ = writeln!(
        out,
        "\n## By {title}\n\n| {title} | incidents |\n| --- | ---: |"
    );
    for (k, v) in rows {
        let _ = writeln!(out, "| {} | {v} |", md(k));
    }
}

/// The report in Markdown.
pub fn markdown(r: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Validation report (as of {})\n", r.as_of);
    let _ = writeln!(
        out,
        "Read {} records: {} accepted, {} rejected; {} warnings.\n",
        r.read, r.accepted, r.rejected, r.warnings
    );
    let _ = writeln!(
        out,
        "Near a BCU boundary: {} (placed by their coordinates within {} m of another BCU's \
         boundary: check which BCU they belong to).\n",
        r.near_boundary,
        marac_geo::NEAR_BOUNDARY_M
    );
    let _ = writeln!(
        out,
        "| input | read | accepted | rejected | warnings | near boundary |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    for f in r.inputs {
        let input = match &f.sheet {
            Some(sheet) => format!("{}, sheet {sheet}", f.file),
            None => f.file.clone(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md(&input),
            f.read,
            f.accepted,
            f.rejected,
            f.warnings,
            f.near_boundary
        );
    }
    table(&mut out, "kind", &r.summary.by_kind);
    table(&mut out, "source", &r.summary.by_source);
    table(&mut out, "BCU", &r.summary.by_bcu);
    table(&mut out, "month", &r.summary.by_month);
    for (title, list) in [("Rejected rows", r.rejects), ("Warnings", r.warning_list)] {
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
