//! The Markdown of `marac link eval`: each rules file's figures side by side.

use std::fmt::Write;

use marac_link::eval::{Interval, LabelEstimate, Metrics};
use serde::Serialize;

use crate::escape::md;

/// One rules file's figures in `marac link eval`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkEvalRow {
    /// The rules file's name.
    pub rules: String,
    /// Pairwise and B-cubed figures (none without full truth).
    #[serde(flatten)]
    pub metrics: Option<Metrics>,
    /// Pairs compared.
    pub comparisons: u64,
    /// Seconds linking.
    pub seconds: f64,
    /// Precision and recall estimated from labelled pairs (`--labels`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<LabelEstimate>,
}

/// A figure of the truth, or `–` without it.
fn cell(r: &LinkEvalRow, f: impl Fn(&Metrics) -> String) -> String {
    r.metrics.as_ref().map_or("–".to_string(), f)
}

/// `0.9876 (0.9790–0.9929)`, or `–` without pairs to estimate from.
fn interval(i: Option<&Interval>) -> String {
    match i {
        Some(i) => format!("{:.4} ({:.4}–{:.4})", i.estimate, i.low, i.high),
        None => "–".to_string(),
    }
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
        ("pairs_true", |r| cell(r, |m| m.pairs_true.to_string())),
        ("pairs_found", |r| cell(r, |m| m.pairs_found.to_string())),
        ("true_positives", |r| {
            cell(r, |m| m.true_positives.to_string())
        }),
        ("precision", |r| cell(r, |m| format!("{:.4}", m.precision))),
        ("recall", |r| cell(r, |m| format!("{:.4}", m.recall))),
        ("f1", |r| cell(r, |m| format!("{:.4}", m.f1))),
        ("b3_precision", |r| {
            cell(r, |m| format!("{:.4}", m.b3_precision))
        }),
        ("b3_recall", |r| cell(r, |m| format!("{:.4}", m.b3_recall))),
        ("b3_f1", |r| cell(r, |m| format!("{:.4}", m.b3_f1))),
        ("comparisons", |r| r.comparisons.to_string()),
        ("seconds", |r| format!("{:.3}", r.seconds)),
    ];
    let labelled: [(&str, Cell); 4] = [
        ("labelled_pairs", |r| {
            r.labels
                .map_or("–".into(), |l| l.labelled_pairs.to_string())
        }),
        ("labelled_matches", |r| {
            r.labels
                .map_or("–".into(), |l| l.labelled_matches.to_string())
        }),
        ("labels_precision (95 % CI)", |r| {
            interval(r.labels.as_ref().and_then(|l| l.precision.as_ref()))
        }),
        ("labels_recall (95 % CI)", |r| {
            interval(r.labels.as_ref().and_then(|l| l.recall.as_ref()))
        }),
    ];
    let with_labels = rows.iter().any(|r| r.labels.is_some());
    let shown = metrics
        .iter()
        .chain(labelled.iter().filter(|_| with_labels));
    for (name, f) in shown {
        let _ = write!(out, "| {name} |");
        for r in rows {
            let _ = write!(out, " {} |", f(r));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_estimates_are_rows_of_their_own() {
        let row = |labels| LinkEvalRow {
            rules: "default".into(),
            metrics: None,
            comparisons: 10,
            seconds: 0.5,
            labels,
        };
        assert!(!markdown(&[row(None)]).contains("labels_"));
        let e = marac_link::eval::estimate_from_labels([(true, true), (false, false)]);
        let md = markdown(&[row(Some(e)), row(None)]);
        assert!(
            md.contains("| labels_precision (95 % CI) | 1.0000 (0.2065–1.0000) | – |"),
            "{md}"
        );
        assert!(md.contains("| labelled_pairs | 2 | – |"), "{md}");
    }
}
