//! Evaluation against ground truth: pairwise precision, recall and F1 over
//! mention pairs (counted without materialising pairs: the sum of C(n, 2)
//! over clusters and over cluster intersections), and B-cubed per mention.

use std::hash::Hash;

use serde::Serialize;

use crate::hash::FxMap;

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

#[cfg(test)]
mod tests {
    use super::*;

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
