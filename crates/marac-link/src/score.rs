//! Fellegi-Sunter scoring: u from random pairs, m by expectation
//! maximisation over the candidate pairs, match weights in bits, term-frequency
//! adjustment of exact name matches, and match probabilities.
//!
//! EM runs on the distinct agreement patterns with their counts (integers),
//! so it is fast and its result does not depend on the number of threads.

use marac_model::SplitMix64;
use rayon::prelude::*;

use crate::compare::{ComparisonSet, Gamma, TfField, NULL};
use crate::hash::FxMap;
use crate::hot::HotSet;
use crate::normalise::{Mention, TfTotals};
use crate::rules::Training;

/// Pairs per chunk of the random sample (each chunk has its own RNG stream,
/// so the sample does not depend on the number of threads).
const CHUNK: usize = 1 << 15;

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Share of matches among candidate pairs (what EM estimates).
    pub lambda: f64,
    /// Share of matches among all pairs of mentions: the prior of the match
    /// probability. Candidate pairs were chosen because they agree on some
    /// field, and that agreement is already in the weights, so the prior must
    /// be the share among all pairs: λ × candidates / C(n, 2).
    pub lambda_all: f64,
    /// m probabilities, by comparison then level.
    pub m: Vec<Vec<f64>>,
    /// u probabilities, by comparison then level.
    pub u: Vec<Vec<f64>>,
    /// EM iterations run.
    pub iterations: usize,
    /// Whether EM converged within the iteration cap.
    pub converged: bool,
}

impl Model {
    /// The match weight (log2 Bayes factor) of each level.
    pub fn level_weights(&self) -> Vec<Vec<f64>> {
        self.m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| m.iter().zip(u).map(|(m, u)| (m / u).log2()).collect())
            .collect()
    }

    /// The prior log-odds of a match between two mentions, in bits.
    pub fn prior_bits(&self) -> f64 {
        (self.lambda_all / (1.0 - self.lambda_all)).log2()
    }

    /// Sets [`Model::lambda_all`] from the number of candidate pairs and of mentions.
    pub fn set_population(&mut self, candidates: usize, mentions: usize) {
        let all = mentions as f64 * (mentions as f64 - 1.0) / 2.0;
        if all >= 1.0 {
            self.lambda_all = (self.lambda * candidates as f64 / all).clamp(1e-12, 1.0 - 1e-9);
        }
    }

    /// The match probability of a weight.
    pub fn probability(&self, weight: f64) -> f64 {
        probability(weight + self.prior_bits())
    }

    /// The weight at which the probability reaches `p`.
    pub fn weight_for(&self, p: f64) -> f64 {
        (p / (1.0 - p)).log2() - self.prior_bits()
    }
}

/// The probability of posterior log-odds in bits.
pub fn probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

/// Counts of each level of each comparison over some pairs.
fn count_levels(
    set: &ComparisonSet,
    mentions: &[Mention],
    hot: Option<&HotSet>,
    pairs: impl Iterator<Item = (usize, usize)>,
) -> Vec<Vec<u64>> {
    let mut counts: Vec<Vec<u64>> = set.level_counts().into_iter().map(|n| vec![0; n]).collect();
    for (i, j) in pairs {
        let g = match hot {
            Some(h) => set.gamma_hot(h, mentions, i, j),
            None => set.gamma(&mentions[i], &mentions[j]),
        };
        for (k, c) in counts.iter_mut().enumerate() {
            if g[k] != NULL {
                c[g[k] as usize] += 1;
            }
        }
    }
    counts
}

/// Estimates u from pairs of mentions drawn at random (every pair when there
/// are fewer than `training.u_pairs`), smoothed by the built-in priors.
/// Returns u and the number of pairs compared.
pub fn estimate_u(set: &ComparisonSet, mentions: &[Mention], t: &Training) -> (Vec<Vec<f64>>, u64) {
    let (u, _, compared) = estimate_u_cover(set, mentions, None, t);
    (u, compared)
}

/// [`estimate_u`], also returning each comparison's coverage: the share of
/// random pairs where neither value is missing; with `hot`, comparisons
/// read the compact copies (the same levels, faster).
pub fn estimate_u_cover(
    set: &ComparisonSet,
    mentions: &[Mention],
    hot: Option<&HotSet>,
    t: &Training,
) -> (Vec<Vec<f64>>, Vec<f64>, u64) {
    let n = mentions.len();
    let all = n.saturating_sub(1) as u128 * n as u128 / 2;
    let (counts, compared) = if all <= t.u_pairs as u128 {
        let counts = (0..n)
            .into_par_iter()
            .map(|i| count_levels(set, mentions, hot, (i + 1..n).map(move |j| (i, j))))
            .reduce(|| zero_counts(set), add_counts);
        (counts, all as u64)
    } else {
        let chunks = t.u_pairs.div_ceil(CHUNK);
        let counts = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut rng = SplitMix64::fork(t.seed, c as u64);
                let take = CHUNK.min(t.u_pairs - c * CHUNK);
                let pairs = (0..take).map(move |_| {
                    let i = rng.below(n as u64) as usize;
                    let mut j = rng.below(n as u64 - 1) as usize;
                    if j >= i {
                        j += 1;
                    }
                    (i, j)
                });
                count_levels(set, mentions, hot, pairs)
            })
            .reduce(|| zero_counts(set), add_counts);
        (counts, t.u_pairs as u64)
    };
    let u = counts
        .iter()
        .zip(&set.list)
        .map(|(c, cmp)| smooth(c, cmp.prior_u(), t.prior_weight * 50.0))
        .collect();
    let cover = counts
        .iter()
        .map(|c| {
            if compared == 0 {
                1.0
            } else {
                c.iter().sum::<u64>() as f64 / compared as f64
            }
        })
        .collect();
    (u, cover, compared)
}

/// u with the matches taken out: random pairs hold matches at the rate
/// `lambda_all`, whose levels follow m, so the non-matches' share of a level
/// is `(u - lambda_all × m) / (1 - lambda_all)`. Each level keeps at least a
/// hundredth of its sampled share (m is an estimate too), and each
/// comparison's levels sum to one again.
pub fn u_without_matches(u: &[Vec<f64>], m: &[Vec<f64>], lambda_all: f64) -> Vec<Vec<f64>> {
    let l = lambda_all.clamp(0.0, 0.5);
    u.iter()
        .zip(m)
        .map(|(u, m)| {
            let v: Vec<f64> = u
                .iter()
                .zip(m)
                .map(|(u, m)| ((u - l * m) / (1.0 - l)).max(u / 100.0))
                .collect();
            let sum: f64 = v.iter().sum();
            v.iter().map(|x| x / sum).collect()
        })
        .collect()
}

fn zero_counts(set: &ComparisonSet) -> Vec<Vec<u64>> {
    set.level_counts().into_iter().map(|n| vec![0; n]).collect()
}

fn add_counts(mut a: Vec<Vec<u64>>, b: Vec<Vec<u64>>) -> Vec<Vec<u64>> {
    for (x, y) in a.iter_mut().zip(b) {
        for (p, q) in x.iter_mut().zip(y) {
            *p += q;
        }
    }
    a
}

fn smooth(counts: &[u64], prior: &[f64], weight: f64) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    counts
        .iter()
        .zip(prior)
        .map(|(c, p)| (*c as f64 + weight * p) / (total as f64 + weight))
        .collect()
}

/// The distinct agreement patterns of some gammas, with their counts, sorted.
pub fn patterns(gammas: &[Gamma]) -> Vec<(Gamma, u64)> {
    let map = gammas
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut m: FxMap<Gamma, u64> = FxMap::default();
            for g in chunk {
                *m.entry(*g).or_default() += 1;
            }
            m
        })
        .reduce(FxMap::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut v: Vec<(Gamma, u64)> = map.into_iter().collect();
    v.sort_unstable();
    v
}

/// Expectation maximisation of m (and λ) over agreement patterns, with u
/// fixed — or u estimated too when `estimate_u` (used to check the method on
/// synthetic data with known parameters).
///
/// `prior_m` and `prior_u` are pseudo-counts of weight `training.prior_weight`
/// that keep rare levels and tiny inputs from producing zeros.
pub fn em(
    patterns: &[(Gamma, u64)],
    prior_m: &[Vec<f64>],
    u_start: &[Vec<f64>],
    estimate_u: bool,
    t: &Training,
) -> Model {
    em_traced(patterns, prior_m, u_start, true, estimate_u, t).0
}

/// How one run of EM went, for the model report: the comparisons its
/// session fixed (none: a run over all candidate pairs), the pairs it ran
/// on, its iterations, the largest change of a parameter in its last
/// iteration, whether that was below the tolerance, and the λ it found
/// (the share of matches among its pairs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EmRun {
    /// The comparisons the session selected on and hid (indices into the
    /// comparison set); empty for a run over all candidate pairs.
    pub fixed: Vec<usize>,
    /// Pairs the run saw.
    pub pairs: u64,
    /// Iterations run.
    pub iterations: usize,
    /// The largest change of λ or of an m (or u) in the last iteration.
    pub final_change: f64,
    /// Whether the change fell below the tolerance within the cap.
    pub converged: bool,
    /// The λ it found.
    pub lambda: f64,
}

/// [`em`] with the choice of estimating m (else only λ moves), also
/// returning how the run went (its `fixed` empty).
pub fn em_traced(
    patterns: &[(Gamma, u64)],
    prior_m: &[Vec<f64>],
    u_start: &[Vec<f64>],
    estimate_m: bool,
    estimate_u: bool,
    t: &Training,
) -> (Model, EmRun) {
    let fixed = vec![!estimate_m; prior_m.len()];
    em_fixed_traced(patterns, prior_m, u_start, &fixed, estimate_u, t)
}

/// [`em`] with the m of some comparisons held where they start
/// (`fixed[x]`, e.g. m taken from labels), the others estimated.
pub fn em_fixed(
    patterns: &[(Gamma, u64)],
    prior_m: &[Vec<f64>],
    u_start: &[Vec<f64>],
    fixed: &[bool],
    estimate_u: bool,
    t: &Training,
) -> Model {
    em_fixed_traced(patterns, prior_m, u_start, fixed, estimate_u, t).0
}

/// [`em_fixed`], also returning how the run went (its `fixed` empty).
pub fn em_fixed_traced(
    patterns: &[(Gamma, u64)],
    prior_m: &[Vec<f64>],
    u_start: &[Vec<f64>],
    fixed: &[bool],
    estimate_u: bool,
    t: &Training,
) -> (Model, EmRun) {
    let k = prior_m.len();
    let mut m: Vec<Vec<f64>> = prior_m.to_vec();
    let mut u: Vec<Vec<f64>> = u_start.to_vec();
    let mut lambda = t.prior;
    let total: f64 = patterns.iter().map(|p| p.1 as f64).sum();
    let mut iterations = 0;
    let mut converged = false;
    let mut change = 0.0;
    let run = |iterations, change, converged, lambda| EmRun {
        fixed: Vec::new(),
        pairs: total as u64,
        iterations,
        final_change: change,
        converged,
        lambda,
    };
    if total == 0.0 {
        let model = Model {
            lambda,
            lambda_all: lambda,
            m,
            u,
            iterations,
            converged: true,
        };
        return (model, run(0, 0.0, true, lambda));
    }
    while iterations < t.max_iterations {
        iterations += 1;
        let mut mc: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut uc: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
        let mut matches = 0.0;
        for (g, c) in patterns {
            let c = *c as f64;
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for x in 0..k {
                if g[x] != NULL {
                    pm *= m[x][g[x] as usize];
                    pu *= u[x][g[x] as usize];
                }
            }
            let p = if pm + pu > 0.0 { pm / (pm + pu) } else { 0.0 };
            matches += p * c;
            for x in 0..k {
                if g[x] != NULL {
                    mc[x][g[x] as usize] += p * c;
                    uc[x][g[x] as usize] += (1.0 - p) * c;
                }
            }
        }
        let mut delta: f64 = 0.0;
        for x in 0..k {
            let sm: f64 = mc[x].iter().sum();
            let w = t.prior_weight;
            for l in 0..m[x].len() {
                if fixed.get(x).copied().unwrap_or(false) {
                    break;
                }
                let new = (mc[x][l] + w * prior_m[x][l]) / (sm + w);
                delta = delta.max((new - m[x][l]).abs());
                m[x][l] = new;
            }
            if estimate_u {
                let su: f64 = uc[x].iter().sum();
                for l in 0..u[x].len() {
                    let new = (uc[x][l] + w * u_start[x][l]) / (su + w);
                    delta = delta.max((new - u[x][l]).abs());
                    u[x][l] = new;
                }
            }
        }
        let new_lambda = (matches / total).clamp(1e-9, 1.0 - 1e-9);
        delta = delta.max((new_lambda - lambda).abs());
        lambda = new_lambda;
        change = delta;
        if delta < t.tolerance {
            converged = true;
            break;
        }
    }
    let model = Model {
        lambda,
        lambda_all: lambda,
        m,
        u,
        iterations,
        converged,
    };
    (model, run(iterations, change, converged, lambda))
}

/// Trains m in sessions, as Splink does: each session takes the candidate
/// pairs that agree exactly on some comparisons, hides those comparisons
/// (their m cannot be learnt from pairs selected on them) and runs EM with u
/// fixed — among pairs selected on, say, the same date of birth, the
/// non-matches are random on every other field, which is what u describes.
/// Each comparison's m is the mean over the sessions that estimated it (the
/// built-in prior when none did). Finally λ alone is estimated over all
/// candidate pairs with m and u fixed.
///
/// [`Model::lambda_all`] is estimated from the sessions: a session's EM
/// finds `λ_s × N_s` matching pairs among its `N_s` pairs, which are the
/// matches that agree exactly on its comparisons — a share
/// `Π m_exact × coverage` of all matches. The estimate is the mean over
/// sessions, divided by C(n, 2) (`mentions` is n).
///
/// The m of a comparison with `fixed[x]` (taken from labels) is held at
/// its `prior_m` throughout.
///
/// Also returns notes (sessions without pairs) and how each EM run went:
/// the sessions, then the run of λ over all candidate pairs.
#[allow(clippy::too_many_arguments)]
pub fn train_sessions(
    patterns: &[(Gamma, u64)],
    sessions: &[Vec<usize>],
    prior_m: &[Vec<f64>],
    fixed: &[bool],
    u: &[Vec<f64>],
    cover: &[f64],
    mentions: usize,
    t: &Training,
) -> (Model, Vec<String>, Vec<EmRun>) {
    let mut found: Vec<(Vec<usize>, f64)> = Vec::new();
    let k = prior_m.len();
    let mut sum: Vec<Vec<f64>> = prior_m.iter().map(|l| vec![0.0; l.len()]).collect();
    let mut n = vec![0usize; k];
    let mut notes = Vec::new();
    let mut runs = Vec::new();
    let mut iterations = 0;
    let mut converged = true;
    for (si, hidden) in sessions.iter().enumerate() {
        let mut sub: FxMap<Gamma, u64> = FxMap::default();
        for (g, c) in patterns {
            if hidden.iter().all(|&x| g[x] == 0) {
                let mut h = *g;
                for &x in hidden {
                    h[x] = NULL;
                }
                *sub.entry(h).or_default() += c;
            }
        }
        let mut sub: Vec<(Gamma, u64)> = sub.into_iter().collect();
        sub.sort_unstable();
        let pairs: u64 = sub.iter().map(|p| p.1).sum();
        if pairs == 0 {
            notes.push(format!("training session {} has no pairs; skipped", si + 1));
            continue;
        }
        let (model, mut run) = em_fixed_traced(&sub, prior_m, u, fixed, false, t);
        run.fixed = hidden.clone();
        runs.push(run);
        found.push((hidden.clone(), model.lambda * pairs as f64));
        iterations += model.iterations;
        converged &= model.converged;
        for x in 0..k {
            if hidden.contains(&x) || fixed[x] {
                continue;
            }
            for (s, v) in sum[x].iter_mut().zip(&model.m[x]) {
                *s += v;
            }
            n[x] += 1;
        }
    }
    let m: Vec<Vec<f64>> = (0..k)
        .map(|x| {
            if n[x] == 0 {
                prior_m[x].clone()
            } else {
                sum[x].iter().map(|v| v / n[x] as f64).collect()
            }
        })
        .collect();
    let (mut model, run) = em_traced(patterns, &m, u, false, false, t);
    runs.push(run);
    model.iterations += iterations;
    model.converged &= converged;
    let all = mentions as f64 * (mentions as f64 - 1.0) / 2.0;
    let estimates: Vec<f64> = found
        .iter()
        .map(|(hidden, matches)| {
            let share: f64 = hidden
                .iter()
                .map(|&x| m[x][0] * cover.get(x).copied().unwrap_or(1.0))
                .product();
            matches / share.max(1e-9)
        })
        .collect();
    if !estimates.is_empty() && all >= 1.0 {
        let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
        model.lambda_all = (mean / all).clamp(1e-12, 0.5);
    }
    (model, notes, runs)
}

/// m estimated from labelled matches, as Splink's
/// `estimate_m_from_pairwise_labels` does: for each comparison, the share
/// of the labelled matching pairs (their agreement levels `gammas`) at each
/// level, among those where neither value is missing. A comparison gets one
/// only when at least `min_pairs` labelled matches hold it (else `None`:
/// EM's m stays). One pseudo-pair spread by the built-in prior keeps a
/// level no labelled pair shows from a weight of minus infinity:
/// `m = (count + prior) / (pairs + 1)`.
pub fn m_from_labels(
    gammas: &[Gamma],
    prior_m: &[Vec<f64>],
    min_pairs: usize,
) -> Vec<Option<Vec<f64>>> {
    prior_m
        .iter()
        .enumerate()
        .map(|(x, prior)| {
            let mut counts = vec![0u64; prior.len()];
            for g in gammas {
                if g[x] != NULL {
                    counts[g[x] as usize] += 1;
                }
            }
            let n: u64 = counts.iter().sum();
            (n > 0 && n as usize >= min_pairs).then(|| {
                counts
                    .iter()
                    .zip(prior)
                    .map(|(c, p)| (*c as f64 + p) / (n as f64 + 1.0))
                    .collect()
            })
        })
        .collect()
}

/// Scores pairs with a trained model.
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    /// The comparisons.
    pub set: &'a ComparisonSet,
    /// The model.
    pub model: &'a Model,
    /// Level weights, by comparison then level.
    pub weights: Vec<Vec<f64>>,
    /// Term-frequency denominators.
    pub totals: TfTotals,
    /// TF settings.
    pub training: Training,
    /// Which TF denominator each comparison's exact level uses, if any.
    tf_fields: Vec<Option<TfField>>,
}

impl<'a> Scorer<'a> {
    /// A scorer for a model.
    pub fn new(
        set: &'a ComparisonSet,
        model: &'a Model,
        totals: TfTotals,
        training: Training,
    ) -> Self {
        let blank = Mention::default();
        let tf_fields = set
            .list
            .iter()
            .map(|c| c.tf_count(&blank, &blank, 0).map(|(_, f)| f))
            .collect();
        Scorer {
            set,
            model,
            weights: model.level_weights(),
            totals,
            training,
            tf_fields,
        }
    }

    /// The match weight (bits) of a pair with its agreement pattern, TF-adjusted.
    pub fn weight(&self, a: &Mention, b: &Mention, g: &Gamma) -> f64 {
        let mut w = 0.0;
        for (x, cmp) in self.set.list.iter().enumerate() {
            let l = g[x];
            if l == NULL {
                continue;
            }
            w += self.weights[x][l as usize];
            if let Some((count, field)) = cmp.tf_count(a, b, l) {
                w += self.tf_adjustment(x, count, field);
            }
        }
        w
    }

    /// The TF adjustments (bits) of an exact first and last name of one
    /// mention, as [`Scorer::weight`] adds them (0 where not adjusted).
    pub fn adjustments(&self, m: &Mention) -> [f64; 2] {
        let mut adj = [0.0; 2];
        for (x, cmp) in self.set.list.iter().enumerate() {
            if let Some((count, field)) = cmp.tf_count(m, m, 0) {
                adj[usize::from(field == TfField::Last)] = self.tf_adjustment(x, count, field);
            }
        }
        adj
    }

    /// [`Scorer::weight`] from the first mention's [`Scorer::adjustments`]
    /// (the same sum in the same order, so the same bits).
    pub fn weight_with(&self, g: &Gamma, adj: &[f64; 2]) -> f64 {
        let mut w = 0.0;
        for (x, field) in self.tf_fields.iter().enumerate() {
            let l = g[x];
            if l == NULL {
                continue;
            }
            w += self.weights[x][l as usize];
            if let (0, Some(field)) = (l, field) {
                w += adj[usize::from(*field == TfField::Last)];
            }
        }
        w
    }

    /// The TF adjustment (bits) of an exact match on a value seen `count` times.
    ///
    /// The term frequency is smoothed towards the average u of the exact
    /// level, so tiny inputs are not over-adjusted:
    /// `tf = (count + 5) / (total + 5 / u_exact)`; the adjustment is
    /// `tf_weight * log2(u_exact / max(tf, tf_min))`.
    pub fn tf_adjustment(&self, x: usize, count: u32, field: TfField) -> f64 {
        let total = match field {
            TfField::First => self.totals.first,
            TfField::Last => self.totals.last,
        } as f64;
        let u_exact = self.model.u[x][0];
        let tf = (count as f64 + 5.0) / (total + 5.0 / u_exact);
        self.training.tf_weight * (u_exact / tf.max(self.training.tf_min)).log2()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u_without_matches_takes_the_matches_out_of_random_pairs() {
        // Random pairs: 0.05 % agree on the date of birth; a tenth of a
        // percent of them are matches, 90 % of which agree.
        let u = vec![vec![0.0005, 0.9995]];
        let m = vec![vec![0.9, 0.1]];
        let v = u_without_matches(&u, &m, 0.0004);
        let exact = (0.0005 - 0.0004 * 0.9) / (1.0 - 0.0004);
        let other = (0.9995 - 0.0004 * 0.1) / (1.0 - 0.0004);
        let sum = exact + other;
        assert!((v[0][0] - exact / sum).abs() < 1e-15, "{v:?}");
        assert!((v[0][1] - other / sum).abs() < 1e-15, "{v:?}");
        // No matches among random pairs: unchanged.
        assert_eq!(u_without_matches(&u, &m, 0.0), u);
        // Never below a hundredth of the sampled share.
        let w = u_without_matches(&[vec![0.001, 0.999]], &[vec![1.0, 0.0]], 0.01);
        assert!(
            (w[0][0] - 0.00001 / (0.00001 + 0.999 / 0.99)).abs() < 1e-12,
            "{w:?}"
        );
    }

    /// Draws pairs from known m, u and λ; EM must find them again.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn em_recovers_known_parameters() {
        let m_true = [
            vec![0.9, 0.07, 0.03],
            vec![0.85, 0.15],
            vec![0.8, 0.1, 0.1],
            vec![0.95, 0.05],
        ];
        let u_true = [
            vec![0.01, 0.09, 0.9],
            vec![0.05, 0.95],
            vec![0.02, 0.08, 0.9],
            vec![0.1, 0.9],
        ];
        let lambda = 0.2;
        let mut rng = SplitMix64::new(42);
        let draw = |rng: &mut SplitMix64, p: &[f64]| {
            let r = rng.next_f64();
            let mut acc = 0.0;
            for (i, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return i as u8;
                }
            }
            (p.len() - 1) as u8
        };
        let gammas: Vec<Gamma> = (0..200_000)
            .map(|_| {
                let is_match = rng.chance(lambda);
                let mut g = [NULL; crate::compare::MAX_COMPARISONS];
                for k in 0..4 {
                    g[k] = draw(&mut rng, if is_match { &m_true[k] } else { &u_true[k] });
                }
                g
            })
            .collect();
        let pats = patterns(&gammas);
        let t = Training {
            prior: 0.5,
            prior_weight: 1.0,
            max_iterations: 500,
            tolerance: 1e-9,
            ..Training::default()
        };
        // Start from vague guesses.
        let m0: Vec<Vec<f64>> = m_true
            .iter()
            .map(|l| {
                let mut v = vec![0.2 / (l.len() - 1) as f64; l.len()];
                v[0] = 0.8;
                v
            })
            .collect();
        let u0: Vec<Vec<f64>> = u_true
            .iter()
            .map(|l| {
                let mut v = vec![0.8 / (l.len() - 1) as f64; l.len()];
                v[0] = 0.2;
                v
            })
            .collect();
        // m with u fixed at the truth.
        let fixed = em(&pats, &m0, &u_true, false, &t);
        assert!(fixed.converged);
        assert!((fixed.lambda - lambda).abs() < 0.01, "λ {}", fixed.lambda);
        for k in 0..4 {
            for l in 0..m_true[k].len() {
                assert!(
                    (fixed.m[k][l] - m_true[k][l]).abs() < 0.01,
                    "m[{k}][{l}] {}",
                    fixed.m[k][l]
                );
            }
        }
        // m and u together.
        let full = em(&pats, &m0, &u0, true, &t);
        assert!((full.lambda - lambda).abs() < 0.02, "λ {}", full.lambda);
        for k in 0..4 {
            for l in 0..m_true[k].len() {
                assert!(
                    (full.m[k][l] - m_true[k][l]).abs() < 0.02,
                    "m[{k}][{l}] {}",
                    full.m[k][l]
                );
                assert!(
                    (full.u[k][l] - u_true[k][l]).abs() < 0.02,
                    "u[{k}][{l}] {}",
                    full.u[k][l]
                );
            }
        }
    }

    #[test]
    fn m_from_labels_is_the_share_of_labelled_matches_at_each_level() {
        let g = |a: u8, b: u8| {
            let mut g = [NULL; crate::compare::MAX_COMPARISONS];
            g[0] = a;
            g[1] = b;
            g
        };
        // Comparison 0: 3 exact, 1 else of 4; comparison 1: missing but once.
        let gammas = [g(0, NULL), g(0, NULL), g(0, 1), g(1, NULL)];
        let prior = vec![vec![0.9, 0.1], vec![0.5, 0.5]];
        let m = m_from_labels(&gammas, &prior, 2);
        let m0 = m[0].as_ref().unwrap();
        assert!((m0[0] - 3.9 / 5.0).abs() < 1e-12, "{m0:?}");
        assert!((m0[1] - 1.1 / 5.0).abs() < 1e-12, "{m0:?}");
        assert_eq!(m[1], None, "one labelled pair is too few");
        // Held during EM: a fixed comparison's m does not move.
        let pats = patterns(&[g(0, 0), g(1, 1), g(0, 1), g(1, 0)]);
        let t = Training::default();
        let model = em_fixed(
            &pats,
            &[m0.clone(), vec![0.9, 0.1]],
            &[vec![0.1, 0.9], vec![0.1, 0.9]],
            &[true, false],
            false,
            &t,
        );
        assert_eq!(&model.m[0], m0);
        assert_ne!(model.m[1], vec![0.9, 0.1]);
    }

    #[test]
    fn probability_is_a_logistic_of_bits() {
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
        assert!(probability(10.0) > 0.999);
        let model = Model {
            lambda: 0.2,
            lambda_all: 0.2,
            m: vec![],
            u: vec![],
            iterations: 0,
            converged: true,
        };
        let w = model.weight_for(0.95);
        assert!((model.probability(w) - 0.95).abs() < 1e-9);
    }
}
