//! `marac link`: links person mentions across agencies into persons;
//! `marac link eval` measures the linkage against ground truth; `marac link
//! review` and `marac link model` are in [`super::link_workbench`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use marac_ingest::Ingest;
use marac_link::eval::{estimate_labels, evaluate, Metrics};
use marac_link::labels::{Label, LabelFile};
use marac_link::rules::Rules;
use marac_link::{link_with, person_id, Linkage, Stats};
use marac_render::link_eval::LinkEvalRow;
use marac_render::CsvDoc;

use super::link_workbench::{self, explain_format, explained_pairs, ExplainFormat};

use crate::inputs::load;
use crate::output::{emit, write_atomic};
use crate::{input_error, InputArgs};

/// Arguments of `marac link`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = format!(
        "Rules files: see crates/marac-link/rules/README.md. Built-in rules: `default`, `deterministic`.\n\n{}",
        crate::boundaries_note()
    )
)]
pub struct LinkArgs {
    #[command(subcommand)]
    sub: Option<LinkSub>,
    #[command(flatten)]
    input: InputArgs,
    /// Linkage rules: a FILE.toml, or `default` / `deterministic` (built in).
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<String>,
    /// Write `incident_id,role,person_id` rows here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Write the linking pairs and what decided them to this file (no names): a CSV, or with a
    /// .md or .html name each pair's match weight term by term (a waterfall: a table, or a chart and a table).
    #[arg(long, value_name = "PAIRS.csv")]
    explain: Option<PathBuf>,
    /// Print the time of each linkage stage on standard error.
    #[arg(long)]
    timings: bool,
    /// Clerical labels (docs/LABELS.md): a `match` always joins, a `not a match` never ends up in one person.
    #[arg(long, value_name = "FILE.csv")]
    labels: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum LinkSub {
    /// Precision, recall and F1 (pairwise and B-cubed) against ground truth, for one or more rules files.
    #[command(
        after_help = format!(
            "Ground truth comes from --truth FILE, or with --truth-from-input from the \
             input's own labels (the profile's [truth]), e.g.\n  \
             marac link eval fixtures/linkage/febrl-dataset3.csv --profile febrl --truth-from-input\n\
             Without full truth, --labels FILE.csv estimates pairwise precision and recall \
             from a labelled sample of pairs, with 95 % intervals (docs/LABELS.md).\n\n{}",
            crate::boundaries_note()
        )
    )]
    Eval(EvalArgs),
    /// Uncertain pairs for a person to label, most informative first: an HTML page to label in a browser, or a CSV.
    #[command(
        after_help = format!(
            "The labels CSV starts incident_id_l,role_l,incident_id_r,role_r,label (match, not a \
             match, unsure; empty = unlabelled). See docs/LINKAGE-WORKBENCH.md.\n\n{}",
            crate::boundaries_note()
        )
    )]
    Review(link_workbench::ReviewArgs),
    /// The fitted model on this data: λ, m, u and the weight of every level, blocking, vetoes, EM, the threshold; with truth, precision, recall and F1 over thresholds.
    #[command(
        after_help = format!(
            "JSON shape (marac-link-model/1) and how to read the report: \
             docs/LINKAGE-WORKBENCH.md.\n\n{}",
            crate::boundaries_note()
        )
    )]
    Model(link_workbench::ModelArgs),
}

/// Arguments of `marac link eval`.
#[derive(Args, Debug)]
struct EvalArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Ground truth: `incident_id,role,person_key` (as written by `marac synth`).
    #[arg(
        long,
        value_name = "truth.csv",
        required_unless_present_any = ["truth_from_input", "labels"]
    )]
    truth: Option<PathBuf>,
    /// Read the ground truth from the input itself, through the profile's `[truth]`
    /// column (built in: `--profile febrl`, `--profile splink-fake`), instead of --truth.
    #[arg(long, conflicts_with = "truth")]
    truth_from_input: bool,
    /// Rules to evaluate (repeat to compare several side by side); default: the built-in rules.
    #[arg(long, value_name = "FILE.toml")]
    rules: Vec<String>,
    /// Clerical labels (docs/LABELS.md): estimate precision and recall from them (95 % intervals). They are not applied to the linkage unless --apply-labels.
    #[arg(long, value_name = "FILE.csv")]
    labels: Option<PathBuf>,
    /// Also link with the --labels (then their estimates measure the linkage they forced).
    #[arg(long, requires = "labels")]
    apply_labels: bool,
    /// Report format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Print the time of each linkage stage on standard error.
    #[arg(long)]
    timings: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Md,
}

/// Loads rules by built-in name or file.
pub fn load_rules(spec: Option<&str>) -> Result<Rules> {
    match spec {
        None | Some("default") => Ok(Rules::default()),
        Some("deterministic") => {
            Rules::deterministic_example().map_err(|e| input_error(e.to_string()))
        }
        Some(path) => {
            let p = Path::new(path);
            let text = std::fs::read_to_string(p)
                .map_err(|e| input_error(format!("--rules {path}: {e}")))?;
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string());
            Rules::from_toml(&stem, &text).map_err(|e| input_error(format!("--rules {path}: {e}")))
        }
    }
}

/// Most rejected label rows printed one by one.
const SHOWN_REJECTS: usize = 20;

/// Reads `--labels FILE.csv`: see [`read_label_file`].
pub fn read_labels(path: &Path, quiet: bool) -> Result<Vec<Label>> {
    Ok(read_label_file(path, "--labels", quiet)?.labels)
}

/// Reads a labels file (parsed by `marac_link::labels`); unless `quiet`,
/// prints the counts, rejected rows (file, line, column and reason) and
/// pairs labelled differently on standard error. A file that cannot be read
/// or is not a labels file is an input error, its message prefixed by `what`.
pub fn read_label_file(path: &Path, what: &str, quiet: bool) -> Result<LabelFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| input_error(format!("{what} {}: {e}", path.display())))?;
    let file = marac_link::labels::parse(&path.display().to_string(), &text)
        .map_err(|e| input_error(format!("{what} {e}")))?;
    if !quiet {
        print_label_file(&file);
    }
    Ok(file)
}

/// The counts of a labels file and its problems, on standard error.
fn print_label_file(f: &LabelFile) {
    eprintln!(
        "marac: read {} label rows from {} ({} layout): {} accepted, {} unlabelled, {} rejected",
        f.read,
        f.file,
        f.layout,
        f.accepted(),
        f.unlabelled,
        f.rejected.len()
    );
    for r in f.rejected.iter().take(SHOWN_REJECTS) {
        eprintln!("marac: warning: {}", f.reject_line(r));
    }
    if f.rejected.len() > SHOWN_REJECTS {
        eprintln!(
            "marac: warning: {}: {} more rejected rows",
            f.file,
            f.rejected.len() - SHOWN_REJECTS
        );
    }
    for c in &f.conflicts {
        eprintln!("marac: warning: {}: {c}", f.file);
    }
}

/// What became of the labels in a linkage, on standard error.
pub fn report_labels(s: &Stats) {
    let l = &s.labels;
    eprintln!(
        "marac: link: labels: {} read, {} used ({} match, {} not a match), {} conflicting (neither used), \
         {} overruled by a not a match, {} unknown (naming a record not linked here), {} unsure",
        l.given,
        l.used(),
        l.matches,
        l.not_matches,
        l.conflicting,
        l.overruled.len(),
        l.unknown,
        l.unsure
    );
    if l.unknown > 0 {
        eprintln!(
            "marac: warning: labels: {} labelled pairs name a record not linked here (not in the \
             input, or with no detail to link on); they are not used",
            l.unknown
        );
    }
    for o in &l.overruled {
        eprintln!("marac: warning: labels: {o}");
    }
    if !l.m_from_labels.is_empty() {
        eprintln!(
            "marac: link: m from the labelled matches for {}",
            l.m_from_labels.join(", ")
        );
    }
}

/// persons.csv: `incident_id,role,person_id`, one row per mention.
pub fn persons_csv(rows: impl IntoIterator<Item = marac_model::PersonMention>) -> Result<Vec<u8>> {
    let mut doc = CsvDoc::new(&["incident_id", "role", "person_id"])?;
    for r in rows {
        doc.row([
            r.incident_id.as_str(),
            r.role.as_str(),
            r.person_id.as_str(),
        ])?;
    }
    Ok(doc.finish()?)
}

/// Runs the command.
pub fn run(args: LinkArgs, quiet: bool) -> Result<u8> {
    match args.sub {
        Some(LinkSub::Eval(e)) => return run_eval(e, quiet),
        Some(LinkSub::Review(r)) => return link_workbench::run_review(r, quiet),
        Some(LinkSub::Model(m)) => return link_workbench::run_model(m, quiet),
        None => {}
    }
    let input = args.input;
    let rules = load_rules(args.rules.as_deref())?;
    let labels = match &args.labels {
        Some(p) => Some(read_labels(p, quiet)?),
        None => None,
    };
    let ingest = load(&input, None, quiet)?;
    let stage = crate::progress::Progress::stage(quiet, "linking persons");
    let linkage = link_with(&ingest.incidents, &rules, labels.as_deref().unwrap_or(&[]));
    stage.finish();
    if !quiet {
        report(&linkage, &rules, args.timings, labels.is_some());
    }
    let persons = persons_csv(linkage.rows())?;
    if let Some(path) = &args.explain {
        write_atomic(path, &explain(&linkage, &rules, path)?)?;
    }
    emit(args.out.as_deref(), &persons)?;
    // The process ends next: freeing millions of small allocations one by
    // one would take a second at a million incidents, for nothing.
    std::mem::forget(linkage);
    std::mem::forget(ingest);
    Ok(0)
}

/// The pairs file: one row per linking pair, in mention order; as
/// Markdown or HTML (by `path`'s extension) with each pair's waterfall.
fn explain(l: &Linkage<'_>, rules: &Rules, path: &Path) -> Result<Vec<u8>> {
    let pairs = explained_pairs(l, rules, path);
    match explain_format(path) {
        ExplainFormat::Md => return Ok(marac_render::waterfall::explain_md(&pairs).into_bytes()),
        ExplainFormat::Html => {
            return Ok(marac_render::waterfall::explain_html(&pairs).into_bytes())
        }
        ExplainFormat::Csv => {}
    }
    let mut doc = CsvDoc::new(&[
        "incident_a",
        "role_a",
        "incident_b",
        "role_b",
        "weight",
        "probability",
        "decided_by",
    ])?;
    for p in &pairs {
        doc.row([
            p.left.0.as_str(),
            p.left.1,
            p.right.0.as_str(),
            p.right.1,
            &format!("{:.3}", p.weight),
            &format!("{:.6}", p.probability),
            &p.decided_by,
        ])?;
    }
    Ok(doc.finish()?)
}

/// Below this estimated share of all matches found by blocking, `marac
/// link` warns.
const BLOCKING_WARN: f64 = 0.8;

/// Above this ratio of the matches expected among the candidates to those
/// estimated among all pairs, `marac link` warns that the model is
/// overconfident.
const OVERCONFIDENT: f64 = 1.1;

/// Counts on standard error; never a personal value. `labelled`: labels
/// were applied (their counts are printed).
pub(crate) fn report(l: &Linkage<'_>, rules: &Rules, timings: bool, labelled: bool) {
    let s = &l.stats;
    for w in &l.warnings {
        eprintln!("marac: warning: {w}");
    }
    let per_rule: Vec<String> = s.per_rule.iter().map(|(n, c)| format!("{n} {c}")).collect();
    eprintln!(
        "marac: link ({}): {} mentions, {} candidate pairs ({}), {} comparisons",
        rules.name,
        s.mentions,
        s.candidate_pairs,
        per_rule.join(", "),
        s.comparisons
    );
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            format!(
                "{} {:.1} % filled, {} distinct",
                f.field,
                if s.mentions == 0 {
                    0.0
                } else {
                    100.0 * f.filled as f64 / s.mentions as f64
                },
                f.distinct
            )
        })
        .collect();
    eprintln!("marac: link: fields: {}", fields.join("; "));
    if let Some(e) = s.expected_matches {
        match s.matches_all_pairs {
            Some(all) if all > 0.0 => {
                let share = e / all;
                eprintln!(
                    "marac: link: the model expects {e:.0} matching pairs among the candidates, of about {all:.0} among all pairs: the blocking finds about {:.0} % of the matches",
                    100.0 * share.min(1.0)
                );
                if share > OVERCONFIDENT {
                    eprintln!(
                        "marac: warning: the model expects more matches among the candidates than among all pairs ({:.0} %): its probabilities are overconfident here, so set a higher `threshold` in a rules file (see benches/README.md)",
                        100.0 * share
                    );
                }
                if share < BLOCKING_WARN {
                    eprintln!(
                        "marac: warning: the blocking rules may miss many matches (about {:.0} % found); add rules on the fields this data holds (see the field profile above and crates/marac-link/rules/README.md)",
                        100.0 * share
                    );
                }
            }
            _ => eprintln!(
                "marac: link: the model expects {e:.0} matching pairs among the candidates"
            ),
        }
    }
    match s.threshold_weight {
        Some(w) => eprintln!(
            "marac: link: threshold probability {:.4} (match weight {w:.2} bits){}",
            s.threshold,
            if rules.file.threshold.is_none() {
                ", chosen from the model (best expected F1)"
            } else {
                ", from the rules"
            }
        ),
        None => eprintln!("marac: link: deterministic rules"),
    }
    for (n, v) in s.vetoes.iter().enumerate() {
        let learned = match v.share {
            Some(share) => format!(
                "{:.1} % of {} near-certain matches{} hold it",
                share * 100.0,
                v.evidence,
                if v.by_weight { " by weight" } else { "" }
            ),
            None => "names no level or has no near-certain matches".to_string(),
        };
        eprintln!(
            "marac: link: veto {}: {} ({learned})",
            n + 1,
            if v.active {
                "kept"
            } else {
                "dropped, priced by weight"
            }
        );
    }
    if labelled {
        report_labels(s);
    }
    let by_labels = if labelled {
        format!(", {} by not-a-match labels", s.refused_by_labels)
    } else {
        String::new()
    };
    eprintln!(
        "marac: link: {} linking pairs, {} merges refused by the chaining guard{by_labels}, {} partial persons attached, {} persons found",
        s.links, s.refused, s.attached, s.persons
    );
    if timings {
        let parts: Vec<String> = s
            .timings
            .iter()
            .map(|(n, t)| format!("{n} {t:.3}s"))
            .collect();
        eprintln!("marac: link timings: {}", parts.join(", "));
    }
}

fn read_truth(path: &Path) -> Result<Vec<(String, String, String)>> {
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| input_error(format!("--truth {}: {e}", path.display())))?;
    let headers = r
        .headers()
        .with_context(|| format!("{}: no header", path.display()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| input_error(format!("--truth {}: no '{name}' column", path.display())))
    };
    let (ci, cr, ck) = (col("incident_id")?, col("role")?, col("person_key")?);
    let mut out = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let rec = rec
            .map_err(|e| input_error(format!("--truth {}: row {}: {e}", path.display(), n + 2)))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        out.push((get(ci), get(cr).to_ascii_lowercase(), get(ck)));
    }
    Ok(out)
}

/// The truth rows of `--truth-from-input`: each incident's victim and the
/// key the profile's `[truth]` read for it (a record without one is a person
/// of its own).
fn truth_from_input(ingest: &Ingest, quiet: bool) -> Vec<(String, String, String)> {
    let known = ingest.truth.iter().filter(|k| k.is_some()).count();
    if !quiet {
        eprintln!(
            "marac: link eval: true persons read from the input for {known} of {} records",
            ingest.incidents.len()
        );
    }
    ingest
        .incidents
        .iter()
        .zip(&ingest.truth)
        .enumerate()
        .map(|(n, (inc, key))| {
            let key = match key {
                Some(k) => k.clone(),
                None => format!("\u{1f}unknown-{n}"),
            };
            (inc.id.clone(), "victim".to_string(), key)
        })
        .collect()
}

/// Truth rows: `(incident_id, role, person_key)`.
pub(crate) type Truth = Vec<(String, String, String)>;

/// Reads the inputs and the ground truth: `--truth FILE`, or with
/// `from_input` the input's own through its profile's `[truth]`; none when
/// neither is asked for.
pub(crate) fn load_with_truth(
    input: &InputArgs,
    truth: Option<&Path>,
    from_input: bool,
    quiet: bool,
) -> Result<(Ingest, Option<Truth>)> {
    let file_truth = match truth {
        Some(path) => Some(read_truth(path)?),
        None => None,
    };
    let areas = crate::inputs::load_areas(input.areas.as_deref())?;
    let (ingest, _, used) = crate::inputs::load_profiled(input, areas, None, quiet)?;
    if from_input && ingest.truth.is_empty() {
        let mut names = used;
        names.dedup();
        return Err(input_error(format!(
            "--truth-from-input: profile {} has no [truth] column (built in with one: febrl, splink-fake); \
             give --truth FILE instead",
            names.join(", ")
        )));
    }
    let truth = match file_truth {
        Some(t) => Some(t),
        None if from_input => Some(truth_from_input(&ingest, quiet)),
        None => None,
    };
    Ok((ingest, truth))
}

/// Each truth row's mention (`None`: not linked — no details, or a
/// rejected row — so a person of its own) and its true person.
pub(crate) fn truth_mentions<'t>(l: &Linkage<'_>, truth: &'t Truth) -> Vec<(Option<u32>, &'t str)> {
    let mut found: HashMap<(&str, &str), u32> = HashMap::with_capacity(l.mentions.len());
    for (n, m) in l.mentions.list.iter().enumerate() {
        found.insert(
            (l.incidents[m.incident as usize].id.as_str(), m.role_str()),
            n as u32,
        );
    }
    truth
        .iter()
        .map(|(inc, role, key)| {
            (
                found.get(&(inc.as_str(), role.as_str())).copied(),
                key.as_str(),
            )
        })
        .collect()
}

fn run_eval(e: EvalArgs, quiet: bool) -> Result<u8> {
    let labels = match &e.labels {
        Some(p) => Some(read_labels(p, quiet)?),
        None => None,
    };
    let applied: &[Label] = match &labels {
        Some(l) if e.apply_labels => l,
        _ => &[],
    };
    if e.apply_labels && !quiet {
        eprintln!(
            "marac: warning: link eval: --apply-labels links with the labels it estimates from: \
             their estimates measure the linkage they forced, not the model"
        );
    }
    let specs: Vec<Option<&str>> = if e.rules.is_empty() {
        vec![None]
    } else {
        e.rules.iter().map(|s| Some(s.as_str())).collect()
    };
    let all_rules: Vec<Rules> = specs
        .iter()
        .map(|s| load_rules(*s))
        .collect::<Result<_>>()?;
    let (ingest, truth) = load_with_truth(&e.input, e.truth.as_deref(), e.truth_from_input, quiet)?;
    let mut rows = Vec::new();
    for rules in &all_rules {
        let stage = crate::progress::Progress::stage(quiet, "linking persons");
        let start = Instant::now();
        let linkage = link_with(&ingest.incidents, rules, applied);
        let seconds = start.elapsed().as_secs_f64();
        stage.finish();
        if !quiet {
            report(&linkage, rules, e.timings, e.apply_labels);
        }
        let mut found: HashMap<(&str, &str), u32> = HashMap::with_capacity(linkage.mentions.len());
        for (m, p) in linkage
            .mentions
            .list
            .iter()
            .zip(&linkage.clusters.person_of)
        {
            found.insert(
                (
                    ingest.incidents[m.incident as usize].id.as_str(),
                    m.role_str(),
                ),
                *p,
            );
        }
        // A truth mention that was not linked (no details, or a rejected row) is alone.
        let metrics: Option<Metrics> = truth.as_ref().map(|truth| {
            evaluate(truth.iter().enumerate().map(|(n, (inc, role, key))| {
                let p = match found.get(&(inc.as_str(), role.as_str())) {
                    Some(p) => person_id(*p),
                    None => format!("#{n}"),
                };
                (p, key.as_str())
            }))
        });
        let estimate = labels.as_ref().map(|labels| {
            estimate_labels(labels, |id, role| found.get(&(id, role.as_str())).copied())
        });
        if let (Some(est), false) = (&estimate, quiet) {
            eprintln!(
                "marac: link eval: labels: {} pairs used ({} labelled match), {} conflicting, {} unknown (naming a record not linked here), {} unsure",
                est.labelled_pairs, est.labelled_matches, est.conflicting, est.unknown, est.unsure
            );
        }
        rows.push(LinkEvalRow {
            rules: rules.name.clone(),
            metrics,
            comparisons: linkage.stats.comparisons,
            seconds: (seconds * 1000.0).round() / 1000.0,
            labels: estimate,
        });
    }
    let text = match e.format {
        Format::Json => {
            let mut s = if rows.len() == 1 {
                serde_json::to_string_pretty(&rows[0])?
            } else {
                serde_json::to_string_pretty(&rows)?
            };
            s.push('\n');
            s
        }
        Format::Md => marac_render::link_eval::markdown(&rows),
    };
    emit(e.out.as_deref(), text.as_bytes())?;
    Ok(0)
}
