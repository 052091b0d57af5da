//! The linkage workbench: `marac link review` (the analyst's queue of
//! uncertain pairs to label), `marac link model` (the fitted model with its
//! charts) and the Markdown and HTML forms of `marac link --explain` (each
//! linking pair's waterfall).

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, ValueEnum};
use marac_link::report::{model_report, threshold_curve, Weigher};
use marac_link::review::{queue, Band};
use marac_link::rules::{Mode, Rules};
use marac_link::{link_keeping, Linkage};
use marac_model::Role;
use marac_render::review::{Queue, Row, Side};
use marac_render::waterfall::ExplainedPair;

use super::link::{load_rules, load_with_truth, report, truth_mentions};
use crate::inputs::load;
use crate::output::{emit, write_atomic};
use crate::{input_error, InputArgs};

/// Arguments of `marac link review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Linkage rules: a FILE.toml, or `default` (built in). Deterministic rules have no uncertain pairs.
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<String>,
    /// Write the queue here: FILE.html (OFFICIAL-SENSITIVE: both records side by side, label in a browser and save the labels as CSV) or FILE.csv (ids and figures, fill in the `label` column).
    #[arg(long, value_name = "FILE.html|FILE.csv")]
    out: PathBuf,
    /// The uncertain band as match probabilities LO,HI (e.g. 0.2,0.95). Default: match weights within 3 bits of the threshold's, either side.
    #[arg(long, value_name = "LO,HI", value_parser = parse_band)]
    band: Option<(f64, f64)>,
    /// The most pairs in the queue.
    #[arg(long, value_name = "N", default_value_t = marac_link::review::LIMIT)]
    limit: usize,
    /// Print the time of each linkage stage on standard error.
    #[arg(long)]
    timings: bool,
}

/// Arguments of `marac link model`.
#[derive(Args, Debug)]
pub struct ModelArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Linkage rules: a FILE.toml, or `default` (built in). Deterministic rules have no model.
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<String>,
    /// Report format: `html` (tables and charts), `md` (tables) or `json` (schema marac-link-model/1).
    #[arg(long, value_enum, default_value = "md")]
    format: ModelFormat,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Ground truth `incident_id,role,person_key`: adds pairwise precision, recall and F1 over thresholds.
    #[arg(long, value_name = "truth.csv")]
    truth: Option<PathBuf>,
    /// Read the ground truth from the input itself, through the profile's `[truth]` column.
    #[arg(long, conflicts_with = "truth")]
    truth_from_input: bool,
    /// Clerical labels (docs/LABELS.md) instead of a full truth: precision, recall and F1 over thresholds estimated from the labelled pairs.
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["truth", "truth_from_input"])]
    labels: Option<PathBuf>,
    /// Print the time of each linkage stage on standard error.
    #[arg(long)]
    timings: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ModelFormat {
    Html,
    Md,
    Json,
}

/// `LO,HI`: two match probabilities, `0 ≤ LO < HI ≤ 1`.
fn parse_band(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("'{s}': give two match probabilities LO,HI with 0 <= LO < HI <= 1");
    let (lo, hi) = s.split_once(',').ok_or_else(bad)?;
    let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
    if (0.0..1.0).contains(&lo) && lo < hi && hi <= 1.0 {
        Ok((lo, hi))
    } else {
        Err(bad())
    }
}

/// The rules, refused (exit 2) when they are deterministic: `what` needs a model.
fn model_rules(spec: Option<&str>, what: &str) -> Result<Rules> {
    let rules = load_rules(spec)?;
    if rules.file.mode == Mode::Deterministic {
        return Err(input_error(format!(
            "{what} needs a probabilistic model; rules {} are deterministic",
            rules.name
        )));
    }
    Ok(rules)
}

/// The record of a mention.
fn side<'a>(l: &'a Linkage<'a>, mention: u32) -> Side<'a> {
    let m = &l.mentions.list[mention as usize];
    Side {
        incident: &l.incidents[m.incident as usize],
        role: m.role.unwrap_or(Role::Victim),
    }
}

/// Runs `marac link review`.
pub fn run_review(a: ReviewArgs, quiet: bool) -> Result<u8> {
    let rules = model_rules(a.rules.as_deref(), "link review")?;
    let html = match a.out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => true,
        Some(e) if e.eq_ignore_ascii_case("csv") => false,
        _ => {
            return Err(input_error(format!(
                "--out {}: name a FILE.html or a FILE.csv",
                a.out.display()
            )))
        }
    };
    let band = match a.band {
        Some((lo, hi)) => Band::Probability(lo, hi),
        None => Band::default(),
    };
    let ingest = load(&a.input, None, quiet)?;
    let stage = crate::progress::Progress::stage(quiet, "linking persons");
    let linkage = link_keeping(&ingest.incidents, &rules, Some(band));
    stage.finish();
    if !quiet {
        report(&linkage, &rules, a.timings, false);
    }
    let items = queue(&linkage, &rules, a.limit).unwrap_or_default();
    let model = linkage.model.as_ref();
    let threshold_weight = linkage.stats.threshold_weight.unwrap_or(f64::NAN);
    let q = Queue {
        rows: items
            .iter()
            .map(|item| Row {
                item,
                left: side(&linkage, item.a),
                right: side(&linkage, item.b),
            })
            .collect(),
        comparisons: linkage.comparisons.list.iter().map(|c| c.name()).collect(),
        threshold: (linkage.stats.threshold, threshold_weight),
        band: model.map_or((f64::NAN, f64::NAN), |m| band.weights(m, threshold_weight)),
    };
    let bytes = if html {
        marac_render::review::html_page(&q).into_bytes()
    } else {
        marac_render::review::csv(&q)?
    };
    write_atomic(&a.out, &bytes)?;
    if !quiet {
        let attachments = items.iter().filter(|i| i.runner_up.is_some()).count();
        eprintln!(
            "marac: link review: {} pairs to label ({} close attachments), most informative first",
            items.len(),
            attachments
        );
    }
    Ok(0)
}

/// Runs `marac link model`.
pub fn run_model(a: ModelArgs, quiet: bool) -> Result<u8> {
    let rules = model_rules(a.rules.as_deref(), "link model")?;
    let with_truth = a.truth.is_some() || a.truth_from_input;
    let (ingest, truth) = if with_truth {
        load_with_truth(&a.input, a.truth.as_deref(), a.truth_from_input, quiet)?
    } else {
        (load(&a.input, None, quiet)?, None)
    };
    let stage = crate::progress::Progress::stage(quiet, "linking persons");
    let labels = match &a.labels {
        Some(p) => Some(super::link::read_labels(p, quiet)?),
        None => None,
    };
    let band = (truth.is_some() || labels.is_some()).then(marac_link::report::curve_band);
    let linkage = link_keeping(&ingest.incidents, &rules, band);
    stage.finish();
    if !quiet {
        report(&linkage, &rules, a.timings, false);
    }
    let evaluation = match (&truth, &labels) {
        (Some(t), _) => threshold_curve(&linkage, &rules, &truth_mentions(&linkage, t)),
        (None, Some(l)) => marac_link::report::threshold_curve_from_labels(&linkage, &rules, l),
        (None, None) => None,
    };
    let Some(r) = model_report(&linkage, &rules, evaluation) else {
        return Err(input_error("link model: the linkage has no model"));
    };
    let text = match a.format {
        ModelFormat::Json => {
            let mut s = serde_json::to_string_pretty(&r)?;
            s.push('\n');
            s
        }
        ModelFormat::Md => marac_render::link_model::markdown(&r),
        ModelFormat::Html => marac_render::link_model::html_page(&r),
    };
    emit(a.out.as_deref(), text.as_bytes())?;
    Ok(0)
}

/// The linking pairs in mention order, with their waterfalls when `path`
/// names a Markdown or HTML file (`--explain PAIRS.md|PAIRS.html`).
pub fn explained_pairs(l: &Linkage<'_>, rules: &Rules, path: &Path) -> Vec<ExplainedPair> {
    let weigher = (explain_format(path) != ExplainFormat::Csv)
        .then(|| Weigher::new(l, rules))
        .flatten();
    let mut order: Vec<usize> = (0..l.decisions.len()).collect();
    order.sort_by_key(|&i| (l.decisions[i].a, l.decisions[i].b));
    order
        .into_iter()
        .map(|i| {
            let d = &l.decisions[i];
            let (a, b) = (side(l, d.a), side(l, d.b));
            ExplainedPair {
                left: (a.incident.id.clone(), a.role.as_str()),
                right: (b.incident.id.clone(), b.role.as_str()),
                weight: d.weight,
                probability: d.probability,
                decided_by: l.decided_by(d),
                waterfall: weigher.as_ref().map(|w| w.waterfall(d.a, d.b, &d.gamma)),
            }
        })
        .collect()
}

/// What `--explain PATH` writes, by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Anything but `.md` and `.html`: the pairs CSV.
    Csv,
    /// `.md`: each pair's waterfall as a table.
    Md,
    /// `.html`/`.htm`: each pair's waterfall as a chart and a table.
    Html,
}

/// The format of `--explain PATH`.
pub fn explain_format(path: &Path) -> ExplainFormat {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("md") => ExplainFormat::Md,
        Some("html" | "htm") => ExplainFormat::Html,
        _ => ExplainFormat::Csv,
    }
}
