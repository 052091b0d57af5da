//! Evaluation against ground truth: pairwise precision, recall and F1 over
//! mention pairs (counted without materialising pairs: the sum of C(n, 2)
//! over clusters and over cluster intersections), and B-cubed per mention;
//! without full truth, pairwise precision and recall estimated from a
//! labelled sample of pairs ([`estimate_from_labels`]), with Wilson score
//! intervals.

use std::hash::Hash;

use serde::Serialize;

use crate::hash::FxMap;
use crate::labels::{usable, Label, LabelKind};
use marac_model::Role;

/// Linkage quality figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Metrics {
    /// Mentions evaluated (not in `marac link eval`'s output).
    #[serde(skip_serializing)]
    pub mentions: u64,
    /// Pairs of mentions of the same true person.
    pub pairs_true: u64,
    /// Pairs of mentions put in the same person.
    pub pairs_found: u64,
    /// Pairs found that are true.
    pub true_positives: u64,
    /// `true_positives / pairs_found` (1 when nothing was found).
    pub precision: f64,
    /// `true_positives / pairs_true` (1 when there is nothing to find).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Mean over mentions of |found ∩ true| / |found|.
    pub b3_precision: f64,
    /// Mean over mentions of |found ∩ true| / |true|.
    pub b3_recall: f64,
    /// Harmonic mean of the B-cubed figures.
    pub b3_f1: f64,
}

fn c2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Evaluates a clustering: one `(found cluster, true cluster)` per mention.
///
/// ```
/// use marac_link::eval::evaluate;
/// // Truth: {0,1,2} {3}; found: {0,1} {2,3}.
/// let m = evaluate([(1, 'a'), (1, 'a'), (2, 'a'), (2, 'b')]);
/// assert_eq!((m.pairs_true, m.pairs_found, m.true_positives), (3, 2, 1));
/// assert!((m.precision - 0.5).abs() < 1e-12);
/// ```
pub fn evaluate<P, T>(items: impl IntoIterator<Item = (P, T)>) -> Metrics
where
    P: Hash + Eq + Clone,
    T: Hash + Eq + Clone,
{
    let mut found: FxMap<P, u64> = FxMap::default();
    let mut truth: FxMap<T, u64> = FxMap::default();
    let mut both: FxMap<(P, T), u64> = FxMap::default();
    let mut mentions = 0u64;
    for (p, t) in items {
        mentions += 1;
        *found.entry(p.clone()).or_default() += 1;
        *truth.entry(t.clone()).or_default() += 1;
        *both.entry((p, t)).or_default() += 1;
    }
    let mut true_positives = 0u64;
    // Sum in a fixed order so the figures are identical run to run.
    let mut b3: Vec<(u64, u64, u64)> = both
        .iter()
        .map(|((p, t), n)| (*n, found[p], truth[t]))
        .collect();
    b3.sort_unstable();
    let (mut b3p, mut b3r) = (0.0, 0.0);
    for (n, nf, nt) in &b3 {
        true_positives += c2(*n);
        b3p += (*n * *n) as f64 / *nf as f64;
        b3r += (*n * *n) as f64 / *nt as f64;
    }
    let pairs_found: u64 = found.values().map(|n| c2(*n)).sum();
    let pairs_true: u64 = truth.values().map(|n| c2(*n)).sum();
    let precision = if pairs_found == 0 {
        1.0
    } else {
        true_positives as f64 / pairs_found as f64
    };
    let recall = if pairs_true == 0 {
        1.0
    } else {
        true_positives as f64 / pairs_true as f64
    };
    let (b3_precision, b3_recall) = if mentions == 0 {
        (1.0, 1.0)
    } else {
        (b3p / mentions as f64, b3r / mentions as f64)
    };
    Metrics {
        mentions,
        pairs_true,
        pairs_found,
        true_positives,
        precision,
        recall,
        f1: f1(precision, recall),
        b3_precision,
        b3_recall,
        b3_f1: f1(b3_precision, b3_recall),
    }
}

/// z of a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A proportion estimated from a sample, with its Wilson score 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// `successes / trials`.
    pub estimate: f64,
    /// Lower bound of the 95 % interval.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Successes counted.
    pub successes: u64,
    /// Trials counted.
    pub trials: u64,
}

/// The Wilson score 95 % interval of `successes` out of `trials` (none
/// without trials): centre `(p + z²/2n) / (1 + z²/n)`, half-width
/// `z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)`.
///
/// ```
/// use marac_link::eval::wilson;
/// let i = wilson(8, 10).unwrap();
/// assert!((i.low - 0.4902).abs() < 1e-4 && (i.high - 0.9433).abs() < 1e-4);
/// assert!(wilson(0, 0).is_none());
/// ```
pub fn wilson(successes: u64, trials: u64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        estimate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
        successes,
        trials,
    })
}

/// Pairwise precision and recall estimated from labelled pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct LabelEstimate {
    /// Pairs labelled `match` or `not a match` whose records were both linked.
    pub labelled_pairs: u64,
    /// Of them, labelled `match`.
    pub labelled_matches: u64,
    /// Labelled pairs the linkage puts in one person.
    pub linked_pairs: u64,
    /// Of them, labelled `match`.
    pub linked_matches: u64,
    /// Among labelled pairs in one person, the share labelled `match`.
    pub precision: Option<Interval>,
    /// Among pairs labelled `match`, the share in one person.
    pub recall: Option<Interval>,
    /// Pairs labelled `unsure` (left out).
    pub unsure: u64,
    /// Pairs labelled differently (left out).
    pub conflicting: u64,
    /// Pairs naming a record that was not linked (left out).
    pub unknown: u64,
}

/// Estimates pairwise precision and recall from labelled pairs: one
/// `(labelled match, in one person)` per pair labelled `match` or `not a
/// match`. The intervals hold for pairs labelled at random; a sample chosen
/// otherwise (say, the pairs a model found hardest) describes those pairs.
///
/// ```
/// use marac_link::eval::estimate_from_labels;
/// // Three labelled matches, two linked; one non-match, linked.
/// let e = estimate_from_labels([(true, true), (true, true), (true, false), (false, true)]);
/// assert_eq!(e.precision.unwrap().estimate, 2.0 / 3.0);
/// assert_eq!(e.recall.unwrap().estimate, 2.0 / 3.0);
/// ```
pub fn estimate_from_labels(pairs: impl IntoIterator<Item = (bool, bool)>) -> LabelEstimate {
    let mut e = LabelEstimate::default();
    for (is_match, linked) in pairs {
        e.labelled_pairs += 1;
        e.labelled_matches += u64::from(is_match);
        e.linked_pairs += u64::from(linked);
        e.linked_matches += u64::from(is_match && linked);
    }
    e.precision = wilson(e.linked_matches, e.linked_pairs);
    e.recall = wilson(e.linked_matches, e.labelled_matches);
    e
}

/// [`estimate_from_labels`] over labels: `person` says which person a
/// record (incident id, role) was put in, `None` when it was not linked
/// (the label is then counted `unknown`). Pairs labelled differently and
/// `unsure` labels are left out and counted.
pub fn estimate_labels<P: PartialEq>(
    labels: &[Label],
    person: impl Fn(&str, Role) -> Option<P>,
) -> LabelEstimate {
    let u = usable(labels);
    let mut unknown = 0;
    let pairs: Vec<(bool, bool)> = u
        .pairs
        .iter()
        .filter_map(
            |(a, b, kind)| match (person(&a.0, a.1), person(&b.0, b.1)) {
                (Some(pa), Some(pb)) => Some((*kind == LabelKind::Match, pa == pb)),
                _ => {
                    unknown += 1;
                    None
                }
            },
        )
        .collect();
    let mut e = estimate_from_labels(pairs);
    e.unsure = u.unsure as u64;
    e.conflicting = u.conflicting as u64;
    e.unknown = unknown;
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_hold_their_estimate_and_stay_in_range() {
        let all = wilson(50, 50).unwrap();
        assert_eq!(all.estimate, 1.0);
        assert_eq!(all.high, 1.0);
        assert!((all.low - 0.9287).abs() < 1e-4, "{all:?}");
        let none = wilson(0, 20).unwrap();
        assert_eq!(none.low, 0.0);
        assert!((none.high - 0.1611).abs() < 1e-4, "{none:?}");
        let half = wilson(500, 1000).unwrap();
        assert!((half.high - half.estimate - (half.estimate - half.low)).abs() < 1e-12);
    }

    #[test]
    fn perfect_and_split_clusterings() {
        let perfect = evaluate([(1, 1), (1, 1), (2, 2)]);
        assert_eq!((perfect.f1, perfect.b3_f1), (1.0, 1.0));
        // Truth {a,b,c}; found {a,b} {c}: precision 1, recall 1/3.
        let split = evaluate([(1, 9), (1, 9), (2, 9)]);
        assert_eq!(split.precision, 1.0);
        assert!((split.recall - 1.0 / 3.0).abs() < 1e-12);
        // B3 recall: (2/3 + 2/3 + 1/3) / 3 = 5/9.
        assert!((split.b3_recall - 5.0 / 9.0).abs() < 1e-12);
        assert_eq!(split.b3_precision, 1.0);
        let empty = evaluate(Vec::<(u8, u8)>::new());
        assert_eq!(empty.f1, 1.0);
    }
}
