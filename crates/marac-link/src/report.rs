//! The fitted model as figures, for `marac link model`, `marac link review`
//! and `marac link --explain`: the waterfall of one pair's match weight
//! (the prior, each comparison's level weight and term-frequency
//! adjustment, summed in the order [`Scorer::weight`] sums them, so the
//! chart and the linkage agree to the bit), the model report (λ, m, u and
//! the weight of every level, term-frequency ranges, blocking, vetoes, EM
//! runs, the threshold) and pairwise precision, recall and F1 against
//! ground truth over a grid of thresholds.
//!
//! The renderers (`marac_render::waterfall`, `marac_render::link_model`)
//! only draw these numbers; none is computed twice.

use std::hash::Hash;

use serde::Serialize;

use crate::cluster::{cluster, edge_order, Edge};
use crate::compare::{Gamma, NULL};
use crate::eval::{evaluate, Metrics};
use crate::rules::Rules;
use crate::score::{Model, Scorer};
use crate::{guard_settings, Linkage, VetoStat};

/// What a term of a waterfall is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    /// The prior log-odds of a match between two mentions.
    Prior,
    /// A comparison's level weight, `log2(m/u)` (0 where a value is missing).
    Level,
    /// The term-frequency adjustment of an exact match on a name.
    Tf,
}

/// One bar of a waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// What it is.
    pub kind: TermKind,
    /// `prior`, or the comparison's name.
    pub name: &'static str,
    /// The comparison's level (`missing` where a value is missing); empty
    /// for the prior and a term-frequency adjustment.
    pub level: &'static str,
    /// Its bits.
    pub bits: f64,
}

/// The match weight of one pair, term by term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waterfall {
    /// The prior, then every comparison in model order (its level weight,
    /// then its term-frequency adjustment when it has one).
    pub terms: Vec<Term>,
    /// The pair's match weight: the terms after the prior, summed in order
    /// (the weight of [`crate::Decision::weight`]).
    pub weight: f64,
    /// The prior plus the weight: the posterior log-odds in bits.
    pub total: f64,
    /// The match probability of the weight.
    pub probability: f64,
}

/// Computes waterfalls with a linkage's model.
pub struct Weigher<'l> {
    linkage: &'l Linkage<'l>,
    model: &'l Model,
    scorer: Scorer<'l>,
}

impl<'l> Weigher<'l> {
    /// A weigher for a linkage (`None` without a model: deterministic rules).
    pub fn new(linkage: &'l Linkage<'l>, rules: &Rules) -> Option<Weigher<'l>> {
        let model = linkage.model.as_ref()?;
        let scorer = Scorer::new(
            &linkage.comparisons,
            model,
            linkage.mentions.totals,
            rules.file.training.clone(),
        );
        Some(Weigher {
            linkage,
            model,
            scorer,
        })
    }

    /// The waterfall of mentions `a` and `b` with agreement levels `g`.
    pub fn waterfall(&self, a: u32, b: u32, g: &Gamma) -> Waterfall {
        let set = &self.linkage.comparisons;
        let (ma, mb) = (
            &self.linkage.mentions.list[a as usize],
            &self.linkage.mentions.list[b as usize],
        );
        let prior = self.model.prior_bits();
        let mut terms = vec![Term {
            kind: TermKind::Prior,
            name: "prior",
            level: "",
            bits: prior,
        }];
        // The sum of Scorer::weight, in its order.
        let mut weight = 0.0;
        for (x, cmp) in set.list.iter().enumerate() {
            let l = g[x];
            if l == NULL {
                terms.push(Term {
                    kind: TermKind::Level,
                    name: cmp.name(),
                    level: "missing",
                    bits: 0.0,
                });
                continue;
            }
            let bits = self.scorer.weights[x][l as usize];
            weight += bits;
            terms.push(Term {
                kind: TermKind::Level,
                name: cmp.name(),
                level: cmp.levels()[l as usize],
                bits,
            });
            if let Some((count, field)) = cmp.tf_count(ma, mb, l) {
                let bits = self.scorer.tf_adjustment(x, count, field);
                weight += bits;
                terms.push(Term {
                    kind: TermKind::Tf,
                    name: cmp.name(),
                    level: "",
                    bits,
                });
            }
        }
        Waterfall {
            terms,
            weight,
            total: prior + weight,
            probability: self.model.probability(weight),
        }
    }
}

/// One level of a comparison in the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelFit {
    /// The level's name.
    pub level: &'static str,
    /// P(level | match).
    pub m: f64,
    /// P(level | non-match).
    pub u: f64,
    /// Its match weight, `log2(m/u)`: above 0 evidence for, below against.
    pub weight: f64,
}

/// The lowest and highest term-frequency adjustment (bits) of a comparison
/// over the values the data hold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TfRange {
    /// The adjustment of the commonest value (most negative).
    pub min: f64,
    /// The adjustment of the rarest value.
    pub max: f64,
}

/// One comparison in the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonFit {
    /// Its name.
    pub name: &'static str,
    /// Its levels, strongest agreement first.
    pub levels: Vec<LevelFit>,
    /// The range of its term-frequency adjustment, when it has one.
    pub tf: Option<TfRange>,
}

/// One blocking rule: the candidate pairs it generated and the running sum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockFit {
    /// The rule's name.
    pub rule: String,
    /// Pairs it generated (before deduplication).
    pub pairs: u64,
    /// Pairs of this rule and those before it (before deduplication).
    pub cumulative: u64,
}

/// One EM run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmFit {
    /// The comparisons its session selected on (`a+b`), or `all` for the
    /// run of λ over all candidate pairs.
    pub session: String,
    /// Pairs it ran on.
    pub pairs: u64,
    /// Iterations.
    pub iterations: usize,
    /// The largest change of a parameter in its last iteration.
    pub final_change: f64,
    /// Whether it converged.
    pub converged: bool,
    /// The share of matches among its pairs.
    pub lambda: f64,
}

/// The decision threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdFit {
    /// As a match probability.
    pub probability: f64,
    /// As a match weight (bits).
    pub weight: f64,
    /// `model` (best expected F1) or `rules` (the rules file's `threshold`).
    pub chosen_by: &'static str,
}

/// Pairwise figures at one threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The threshold (match probability).
    pub threshold: f64,
    /// Pairwise precision.
    pub precision: f64,
    /// Pairwise recall.
    pub recall: f64,
    /// Pairwise F1.
    pub f1: f64,
    /// Pairs of mentions put in one person.
    pub pairs_found: u64,
}

impl CurvePoint {
    fn of(threshold: f64, m: &Metrics) -> CurvePoint {
        CurvePoint {
            threshold,
            precision: m.precision,
            recall: m.recall,
            f1: m.f1,
            pairs_found: m.pairs_found,
        }
    }
}

/// The model's figures against ground truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// What the figures are measured against: `truth` (every true pair) or
    /// `labels` (estimated from labelled pairs: `mentions` is then the
    /// labelled pairs, `pairs_true` those labelled match).
    pub against: &'static str,
    /// Mentions with a true person.
    pub mentions: u64,
    /// Pairs of mentions of one true person.
    pub pairs_true: u64,
    /// The linkage as run (at its threshold, attachments included).
    pub as_linked: CurvePoint,
    /// The last pass clustered again at each threshold of the grid (and at
    /// the linkage's own): the same model, counterparts and vetoes, no
    /// attachment of partial records.
    pub curve: Vec<CurvePoint>,
}

/// `marac link model`: the fitted model on one input. Its JSON is the
/// `marac-link-model/1` shape (docs/LINKAGE-WORKBENCH.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelReport {
    /// `marac-link-model/1`.
    pub schema: &'static str,
    /// The rules file's name.
    pub rules: String,
    /// Person mentions linked.
    pub mentions: usize,
    /// Candidate pairs after blocking (deduplicated).
    pub candidate_pairs: usize,
    /// Pairs compared (candidates plus the random sample for u).
    pub pairs_compared: u64,
    /// The share of matches among candidate pairs.
    pub lambda: f64,
    /// The share of matches among all pairs of mentions (the prior).
    pub lambda_all: f64,
    /// The prior as log-odds in bits.
    pub prior_bits: f64,
    /// The model's expected matching pairs among the candidates.
    pub expected_matches: Option<f64>,
    /// The threshold.
    pub threshold: ThresholdFit,
    /// Every comparison, in model order.
    pub comparisons: Vec<ComparisonFit>,
    /// Every blocking rule (the second pass's last).
    pub blocking: Vec<BlockFit>,
    /// The vetoes as the data taught them.
    pub vetoes: Vec<VetoStat>,
    /// The EM runs of the final model.
    pub training: Vec<EmFit>,
    /// Linking pairs.
    pub links: usize,
    /// Persons found.
    pub persons: usize,
    /// Against ground truth, when given.
    pub evaluation: Option<Evaluation>,
}

/// The thresholds (match probability) [`threshold_curve`] evaluates, with
/// the linkage's own added.
pub const GRID: [f64; 20] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
    0.9, 0.95, 0.99,
];

/// The band of pairs [`crate::link_keeping`] must keep for
/// [`threshold_curve`]: every pair at or above the grid's lowest threshold.
pub fn curve_band() -> crate::review::Band {
    crate::review::Band::Probability(GRID[0], 1.0)
}

/// The model report of a linkage (`None` for deterministic rules).
pub fn model_report(
    linkage: &Linkage<'_>,
    rules: &Rules,
    evaluation: Option<Evaluation>,
) -> Option<ModelReport> {
    let model = linkage.model.as_ref()?;
    let set = &linkage.comparisons;
    let s = &linkage.stats;
    let scorer = Scorer::new(
        set,
        model,
        linkage.mentions.totals,
        rules.file.training.clone(),
    );
    let comparisons = set
        .list
        .iter()
        .enumerate()
        .map(|(x, cmp)| {
            let levels = cmp
                .levels()
                .iter()
                .enumerate()
                .map(|(l, level)| LevelFit {
                    level,
                    m: model.m[x][l],
                    u: model.u[x][l],
                    weight: scorer.weights[x][l],
                })
                .collect();
            let tf = linkage
                .mentions
                .list
                .iter()
                .filter_map(|m| cmp.tf_count(m, m, 0))
                .filter(|(count, _)| *count > 0)
                .map(|(count, field)| scorer.tf_adjustment(x, count, field))
                .fold(None, |r: Option<TfRange>, v| {
                    Some(match r {
                        None => TfRange { min: v, max: v },
                        Some(r) => TfRange {
                            min: r.min.min(v),
                            max: r.max.max(v),
                        },
                    })
                });
            ComparisonFit {
                name: cmp.name(),
                levels,
                tf,
            }
        })
        .collect();
    let mut cumulative = 0;
    let blocking = s
        .per_rule
        .iter()
        .map(|(rule, pairs)| {
            cumulative += pairs;
            BlockFit {
                rule: rule.clone(),
                pairs: *pairs,
                cumulative,
            }
        })
        .collect();
    let training = s
        .em_runs
        .iter()
        .map(|r| EmFit {
            session: if r.fixed.is_empty() {
                "all".to_string()
            } else {
                let names: Vec<&str> = r.fixed.iter().map(|&x| set.list[x].name()).collect();
                names.join("+")
            },
            pairs: r.pairs,
            iterations: r.iterations,
            final_change: r.final_change,
            converged: r.converged,
            lambda: r.lambda,
        })
        .collect();
    Some(ModelReport {
        schema: "marac-link-model/1",
        rules: rules.name.clone(),
        mentions: s.mentions,
        candidate_pairs: s.candidate_pairs,
        pairs_compared: s.comparisons,
        lambda: model.lambda,
        lambda_all: model.lambda_all,
        prior_bits: model.prior_bits(),
        expected_matches: s.expected_matches,
        threshold: ThresholdFit {
            probability: s.threshold,
            weight: s.threshold_weight.unwrap_or(f64::NAN),
            chosen_by: if rules.file.threshold.is_some() {
                "rules"
            } else {
                "model"
            },
        },
        comparisons,
        blocking,
        vetoes: s.vetoes.clone(),
        training,
        links: s.links,
        persons: s.persons,
        evaluation,
    })
}

/// Pairwise figures of a clustering (`person_of`, by mention) against
/// truth rows: each row's mention (`None`: a record that was not linked,
/// a person of its own) and its true person.
pub fn metrics_of<K: Hash + Eq + Clone>(person_of: &[u32], truth: &[(Option<u32>, K)]) -> Metrics {
    evaluate(truth.iter().enumerate().map(|(n, (m, key))| {
        let found = match m {
            Some(m) => i64::from(person_of[*m as usize]),
            None => -1 - n as i64,
        };
        (found, key.clone())
    }))
}

/// Pairwise precision, recall and F1 of the linkage as run and, on the
/// [`GRID`] of thresholds plus the linkage's own, of the last pass
/// clustered again at each threshold from [`Linkage::kept`] (which must
/// hold the pairs of [`curve_band`]): the pairs at or above the threshold
/// that no veto holds, and the reference overrides, through the chaining
/// guard as the linkage ran it. `None` without a model.
pub fn threshold_curve<K: Hash + Eq + Clone>(
    linkage: &Linkage<'_>,
    rules: &Rules,
    truth: &[(Option<u32>, K)],
) -> Option<Evaluation> {
    threshold_curve_by(linkage, rules, "truth", |person_of| {
        metrics_of(person_of, truth)
    })
}

/// [`threshold_curve`] estimated from clerical labels: at each threshold,
/// precision and recall over the labelled pairs (their point estimates;
/// see [`crate::eval::estimate_labels`]), F1 from the two.
pub fn threshold_curve_from_labels(
    linkage: &Linkage<'_>,
    rules: &Rules,
    labels: &[crate::labels::Label],
) -> Option<Evaluation> {
    let index = crate::mention_index(linkage.incidents, &linkage.mentions.list);
    threshold_curve_by(linkage, rules, "labels", |person_of| {
        let e = crate::eval::estimate_labels(labels, |id, role| {
            index.get(&(id, role)).map(|&m| person_of[m as usize])
        });
        let p = e.precision.map_or(0.0, |i| i.estimate);
        let r = e.recall.map_or(0.0, |i| i.estimate);
        Metrics {
            mentions: e.labelled_pairs,
            pairs_true: e.labelled_matches,
            pairs_found: e.linked_pairs,
            true_positives: e.linked_matches,
            precision: p,
            recall: r,
            f1: if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            },
            ..Metrics::default()
        }
    })
}

/// The curve with any measure of a clustering (`person_of` per mention).
fn threshold_curve_by(
    linkage: &Linkage<'_>,
    rules: &Rules,
    against: &'static str,
    measure: impl Fn(&[u32]) -> Metrics,
) -> Option<Evaluation> {
    let model = linkage.model.as_ref()?;
    let as_linked = measure(&linkage.clusters.person_of);
    let mut grid = GRID.to_vec();
    let own = linkage.stats.threshold;
    if !grid.contains(&own) {
        grid.push(own);
        grid.sort_by(f64::total_cmp);
    }
    let guard = guard_settings(rules, &linkage.stats.vetoes);
    let curve = grid
        .iter()
        .map(|&t| {
            let w = model.weight_for(t);
            let mut edges: Vec<Edge> = linkage
                .kept
                .iter()
                .filter(|c| c.runner_up.is_none() && (c.reference || (!c.vetoed && c.weight >= w)))
                .map(|c| Edge {
                    a: c.a,
                    b: c.b,
                    weight: c.weight,
                    forced: c.reference,
                    label: false,
                })
                .collect();
            edges.sort_by(edge_order);
            let clusters = cluster(&linkage.mentions.list, &edges, &guard, Some(w));
            CurvePoint::of(t, &measure(&clusters.person_of))
        })
        .collect();
    Some(Evaluation {
        against,
        mentions: as_linked.mentions,
        pairs_true: as_linked.pairs_true,
        as_linked: CurvePoint::of(own, &as_linked),
        curve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;
    use crate::{link, Reason};
    use marac_ingest::{IngestOptions, Ingester, InputFormat};

    fn fixture() -> Vec<marac_model::Incident> {
        let csv = include_str!("../../../tests/data/link/incidents.csv");
        let mut ing = Ingester::new(IngestOptions::default());
        ing.add_bytes("x.csv", csv.as_bytes(), InputFormat::Csv)
            .unwrap();
        ing.finish().incidents
    }

    #[test]
    fn a_waterfall_sums_to_the_decision_weight_and_probability() {
        let incidents = fixture();
        let rules = Rules::default();
        let l = link(&incidents, &rules);
        let w = Weigher::new(&l, &rules).unwrap();
        let mut checked = 0;
        for d in l.decisions.iter().filter(|d| d.reason != Reason::Reference) {
            let f = w.waterfall(d.a, d.b, &d.gamma);
            let sum: f64 = f.terms.iter().map(|t| t.bits).sum();
            assert!((sum - f.total).abs() < 1e-9, "{sum} {}", f.total);
            assert!(
                (f.weight - d.weight).abs() < 1e-9,
                "{} {}",
                f.weight,
                d.weight
            );
            assert!((f.total - f.terms[0].bits - d.weight).abs() < 1e-9);
            assert!((f.probability - d.probability).abs() < 1e-12);
            assert_eq!(f.terms[0].kind, TermKind::Prior);
            // Every comparison has its bar, in model order.
            let names: Vec<&str> = f
                .terms
                .iter()
                .filter(|t| t.kind == TermKind::Level)
                .map(|t| t.name)
                .collect();
            let model: Vec<&str> = l.comparisons.list.iter().map(|c| c.name()).collect();
            assert_eq!(names, model);
            checked += 1;
        }
        assert!(checked >= 5, "{checked}");
        // An exact surname carries its term-frequency bar.
        let d = l
            .decisions
            .iter()
            .find(|d| l.comparisons.describe(&d.gamma).contains("last_name=exact"))
            .unwrap();
        let f = w.waterfall(d.a, d.b, &d.gamma);
        assert!(f
            .terms
            .iter()
            .any(|t| t.kind == TermKind::Tf && t.name == "last_name"));
    }

    #[test]
    fn the_model_report_holds_every_level_and_the_curve_meets_the_linkage() {
        let incidents = fixture();
        let rules = Rules::default();
        let l = crate::link_keeping(&incidents, &rules, Some(curve_band()));
        let r = model_report(&l, &rules, None).unwrap();
        assert_eq!(r.comparisons.len(), l.comparisons.list.len());
        for (c, cmp) in r.comparisons.iter().zip(&l.comparisons.list) {
            assert_eq!(c.levels.len(), cmp.levels().len());
            for lv in &c.levels {
                assert!((lv.weight - (lv.m / lv.u).log2()).abs() < 1e-12);
            }
        }
        let last = r.blocking.last().unwrap();
        assert_eq!(
            last.cumulative,
            l.stats.per_rule.iter().map(|x| x.1).sum::<u64>()
        );
        assert_eq!(r.training.last().unwrap().session, "all");
        assert_eq!(r.training[0].session, "dob");
        // Truth: each victim its own person but for the fixture's persons.
        let truth: Vec<(Option<u32>, u32)> = (0..l.mentions.len() as u32)
            .map(|m| (Some(m), l.clusters.person_of[m as usize]))
            .collect();
        let e = threshold_curve(&l, &rules, &truth).unwrap();
        assert_eq!(e.as_linked.f1, 1.0);
        assert_eq!(e.curve.len(), GRID.len() + 1);
        let own = e
            .curve
            .iter()
            .find(|p| p.threshold == l.stats.threshold)
            .unwrap();
        // No partial record attaches here: clustering again at the
        // linkage's threshold gives the linkage.
        assert_eq!(l.stats.attached, 0);
        assert_eq!(own.f1, 1.0);
    }
}
