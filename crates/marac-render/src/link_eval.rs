//! The Markdown of `marac link eval`: each rules file's figures side by side.

use std::fmt::Write;

use marac_link::eval::Metrics;
use serde::Serialize;

use crate::escape::md;

/// One rules file's figures in `marac link eval`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkEvalRow {
    /// The rules file's name.
    pub rules: String,
    /// Pairwise and B-cubed figures.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Pairs compared.
    pub comparisons: u64,
    /// Seconds linking.
    pub seconds: f64,
}

/// The figures of several rules files side by side, one column each.
pub fn markdown(rows: &[LinkEvalRow]) -> String {
    let mut out = String::from("| metric |");
    for r in rows {
        let _ = write!(out, " {} |", md(&r.rules));
    }
    out.push_str("\n| --- |");
    for _ in rows {
        out.push_str(" ---: |");
    }
    out.push('\n');
    type Cell = fn(&LinkEvalRow) -> String;
    let metrics: [(&str, Cell); 11] = [
        ("pairs_true", |r| r.metrics.pairs_true.to_string()),
        ("pairs_found", |r| r.metrics.pairs_found.to_string()),
        ("true_positives", |r| r.metrics.true_positives.to_string()),
        ("precision", |r| format!("{:.4}", r.metrics.precision)),
        ("recall", |r| format!("{:.4}", r.metrics.recall)),
        ("f1", |r| format!("{:.4}", r.metrics.f1)),
        ("b3_precision", |r| format!("{:.4}", r.metrics.b3_precision)),
        ("b3_recall", |r| format!("{:.4}", r.metrics.b3_recall)),
        ("b3_f1", |r| format!("{:.4}", r.metrics.b3_f1)),
        ("comparisons", |r| r.comparisons.to_string()),
        ("seconds", |r| format!("{:.3}", r.seconds)),
    ];
    for (name, f) in metrics {
        let _ = write!(out, "| {name} |");
        for r in rows {
            let _ = write!(out, " {} |", f(r));
        }
        out.push('\n');
    }
    out
}
