//! The analyst's review queue (`marac link review`): the pairs whose label
//! would teach the linkage most, for a person to mark `match`, `not a
//! match` or `unsure`.
//!
//! What is in it:
//! - the candidate pairs of the last pass whose match weight lies in a
//!   [`Band`] (by default within [`BAND_BITS`] bits of the threshold
//!   weight; or between two match probabilities), but not those a shared
//!   reference decides;
//! - the partial records attached to a person by a close margin: the lead
//!   of the best person's pair over the runner-up's is less than the
//!   `[attach]` margin plus [`CLOSE_MARGIN_BITS`].
//!
//! How it is ordered, most informative first: each pair's *score* is
//! `impact × uncertainty`.
//! - *impact* is the number of pairs of mentions whose same-person
//!   decision the label could change, so it is what the label can move
//!   pairwise precision and recall by. For a pair in two persons of `a`
//!   and `b` mentions, a `match` label would merge them: `a × b`. For a
//!   pair in one person, a `not a match` label would split it: its linking
//!   pairs are joined again strongest first (the clustering's order),
//!   leaving out any that would join the two records' sides, and the
//!   sides' sizes `x` and `y` give `x × y`.
//! - *uncertainty* is `1 − |2q − 1|`: 1 at `q = 0.5`, 0 at 0 or 1, where
//!   `q` is the pair's match probability, or for an attachment the chance
//!   that the best person rather than the runner-up is right,
//!   `1 / (1 + 2^−lead)`.
//!
//! Ties go to the more uncertain pair, then mention order. Of several pairs
//! whose label would do the same only the first is kept: between the same
//! two persons (one `match` label merges them), or in one person between
//! the same two sides (one `not a match` label splits them). Candidate
//! pairs are kept only when [`crate::link_keeping`] is asked to, so the
//! ordinary run pays nothing for the queue.

use rayon::prelude::*;
use serde::Serialize;

use crate::attach::Attachment;
use crate::block::unpack;
use crate::cluster::{edge_order, Edge};
use crate::compare::Gamma;
use crate::hash::FxMap;
use crate::report::{Waterfall, Weigher};
use crate::rules::Rules;
use crate::score::{probability, Model};
use crate::{Linkage, Reason};

/// The default half-width of the band, in bits around the threshold weight.
pub const BAND_BITS: f64 = 3.0;
/// How many pairs the queue holds by default.
pub const LIMIT: usize = 200;
/// An attachment is close when its lead over the runner-up is below the
/// `[attach]` margin plus this many bits.
pub const CLOSE_MARGIN_BITS: f64 = 3.0;

/// Which match weights count as uncertain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Band {
    /// Within this many bits of the threshold weight, either side.
    Bits(f64),
    /// Match probabilities from the first to the second, inclusive.
    Probability(f64, f64),
}

impl Default for Band {
    fn default() -> Self {
        Band::Bits(BAND_BITS)
    }
}

impl Band {
    /// The band as match weights (bits), lowest and highest.
    pub fn weights(&self, model: &Model, threshold_weight: f64) -> (f64, f64) {
        match *self {
            Band::Bits(b) => (threshold_weight - b, threshold_weight + b),
            Band::Probability(lo, hi) => (model.weight_for(lo), model.weight_for(hi)),
        }
    }
}

/// A candidate pair kept for review or for the model report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// First mention.
    pub a: u32,
    /// Second mention.
    pub b: u32,
    /// Match weight (bits).
    pub weight: f64,
    /// Agreement levels.
    pub gamma: Gamma,
    /// The same reference within one source decides it.
    pub reference: bool,
    /// A veto that stayed a wall holds for it.
    pub vetoed: bool,
    /// For an attachment won by a close margin, the runner-up's weight.
    pub runner_up: Option<f64>,
}

/// The candidate pairs (packed, with their levels and weights) whose
/// weight lies in `lo..=hi` or that a reference decides
/// (`reference(i, j)`); `vetoed(i, j, levels)` is asked of those kept only.
pub fn keep(
    pairs: &[u64],
    gammas: &[Gamma],
    weights: &[f64],
    (lo, hi): (f64, f64),
    reference: impl Fn(usize, usize) -> bool + Sync,
    vetoed: impl Fn(usize, usize, &Gamma) -> bool + Sync,
) -> Vec<Candidate> {
    pairs
        .par_iter()
        .zip(gammas)
        .zip(weights)
        .filter_map(|((&p, g), &w)| {
            let (i, j) = unpack(p);
            let reference = reference(i, j);
            (reference || (lo..=hi).contains(&w)).then(|| Candidate {
                a: i as u32,
                b: j as u32,
                weight: w,
                gamma: *g,
                reference,
                vetoed: vetoed(i, j, g),
                runner_up: None,
            })
        })
        .collect()
}

/// The attachment of mentions `i`, `j` (levels `gamma`) as a candidate
/// when it won by less than `margin` + [`CLOSE_MARGIN_BITS`].
pub fn close_attachment(
    a: &Attachment,
    i: usize,
    j: usize,
    gamma: Gamma,
    margin: f64,
) -> Option<Candidate> {
    (a.runner_up.is_finite() && a.weight - a.runner_up < margin + CLOSE_MARGIN_BITS).then_some(
        Candidate {
            a: i as u32,
            b: j as u32,
            weight: a.weight,
            gamma,
            reference: false,
            vetoed: false,
            runner_up: Some(a.runner_up),
        },
    )
}

/// Why a pair is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Its weight lies in the band around the threshold.
    NearThreshold,
    /// A partial record attached by a close margin.
    CloseAttachment,
}

impl Why {
    /// `near_threshold` or `close_attachment`.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::NearThreshold => "near_threshold",
            Why::CloseAttachment => "close_attachment",
        }
    }
}

/// One pair of the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// First mention (index into [`Linkage::mentions`]).
    pub a: u32,
    /// Second mention.
    pub b: u32,
    /// Agreement levels.
    pub gamma: Gamma,
    /// Whether the two records are one person now.
    pub linked: bool,
    /// Why it is in the queue.
    pub why: Why,
    /// For an attachment, the runner-up's weight.
    pub runner_up: Option<f64>,
    /// The mentions on each side of the label's effect: the two persons'
    /// sizes (not linked), or the two sides a split would leave (linked).
    pub sides: (u64, u64),
    /// `sides.0 × sides.1`: pairs of mentions whose decision the label could change.
    pub impact: u64,
    /// `1 − |2q − 1|` (see the module documentation).
    pub uncertainty: f64,
    /// `impact × uncertainty`.
    pub score: f64,
    /// Its place in the queue, from 1.
    pub rank: usize,
    /// The match weight, term by term (its weight and probability too).
    pub waterfall: Waterfall,
}

/// The review queue of a linkage made by [`crate::link_keeping`] (`None`
/// without a model), most informative first, at most `limit` pairs.
pub fn queue(linkage: &Linkage<'_>, rules: &Rules, limit: usize) -> Option<Vec<ReviewItem>> {
    let weigher = Weigher::new(linkage, rules)?;
    let model = linkage.model.as_ref()?;
    let person_of = &linkage.clusters.person_of;
    let mut size = vec![0u64; linkage.clusters.persons];
    for &p in person_of {
        size[p as usize] += 1;
    }
    // A close attachment replaces the same pair kept for its weight.
    let attached: FxMap<(u32, u32), ()> = linkage
        .kept
        .iter()
        .filter(|c| c.runner_up.is_some())
        .map(|c| ((c.a, c.b), ()))
        .collect();
    let chosen: Vec<&Candidate> = linkage
        .kept
        .iter()
        .filter(|c| !c.reference && (c.runner_up.is_some() || !attached.contains_key(&(c.a, c.b))))
        .collect();
    let splits = Splits::new(linkage, &chosen);
    let mut items: Vec<(ReviewItem, Effect)> = chosen
        .iter()
        .map(|c| {
            let (pa, pb) = (person_of[c.a as usize], person_of[c.b as usize]);
            let linked = pa == pb;
            let (sides, effect) = if linked {
                let (x, y) = splits.sides(pa, c.a, c.b);
                let sides = (x.len() as u64, y.len() as u64);
                let effect = if x <= y {
                    Effect::Split(x, y)
                } else {
                    Effect::Split(y, x)
                };
                (sides, effect)
            } else {
                let sides = (size[pa as usize], size[pb as usize]);
                (sides, Effect::Merge(pa.min(pb), pa.max(pb)))
            };
            let q = match c.runner_up {
                Some(r) => probability(c.weight - r),
                None => model.probability(c.weight),
            };
            let uncertainty = 1.0 - (2.0 * q - 1.0).abs();
            let impact = sides.0 * sides.1;
            let item = ReviewItem {
                a: c.a,
                b: c.b,
                gamma: c.gamma,
                linked,
                why: match c.runner_up {
                    Some(_) => Why::CloseAttachment,
                    None => Why::NearThreshold,
                },
                runner_up: c.runner_up,
                sides,
                impact,
                uncertainty,
                score: impact as f64 * uncertainty,
                rank: 0,
                waterfall: weigher.waterfall(c.a, c.b, &c.gamma),
            };
            (item, effect)
        })
        .collect();
    items.sort_by(|(x, _), (y, _)| {
        y.score
            .total_cmp(&x.score)
            .then(y.uncertainty.total_cmp(&x.uncertainty))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    // Pairs whose label would do the same: the first is enough.
    let mut seen: FxMap<Effect, ()> = FxMap::default();
    let mut items: Vec<ReviewItem> = items
        .into_iter()
        .filter_map(|(it, effect)| seen.insert(effect, ()).is_none().then_some(it))
        .take(limit)
        .collect();
    for (n, it) in items.iter_mut().enumerate() {
        it.rank = n + 1;
    }
    Some(items)
}

/// What a label would do: merge two persons, or split one into two sides
/// (their mentions, sorted).
#[derive(Debug, PartialEq, Eq, Hash)]
enum Effect {
    Merge(u32, u32),
    Split(Vec<u32>, Vec<u32>),
}

/// The linking pairs of the persons that hold a linked candidate, in the
/// clustering's order, to find what a `not a match` label would split.
struct Splits {
    edges: FxMap<u32, Vec<Edge>>,
}

impl Splits {
    fn new(linkage: &Linkage<'_>, chosen: &[&Candidate]) -> Splits {
        let person_of = &linkage.clusters.person_of;
        let mut edges: FxMap<u32, Vec<Edge>> = chosen
            .iter()
            .filter(|c| person_of[c.a as usize] == person_of[c.b as usize])
            .map(|c| (person_of[c.a as usize], Vec::new()))
            .collect();
        for d in linkage.decisions.iter().filter(|d| !d.refused) {
            if let Some(list) = edges.get_mut(&person_of[d.a as usize]) {
                list.push(Edge {
                    a: d.a,
                    b: d.b,
                    weight: d.weight,
                    forced: matches!(d.reason, Reason::Reference | Reason::Label),
                    label: d.reason == Reason::Label,
                });
            }
        }
        for list in edges.values_mut() {
            list.sort_by(edge_order);
        }
        Splits { edges }
    }

    /// The sides (their mentions, sorted) of mentions `a` and `b` when
    /// their person's linking pairs are joined again strongest first,
    /// leaving out every pair that would put the two in one side.
    fn sides(&self, person: u32, a: u32, b: u32) -> (Vec<u32>, Vec<u32>) {
        let Some(edges) = self.edges.get(&person) else {
            return (vec![a], vec![b]);
        };
        let mut parent: FxMap<u32, u32> = FxMap::default();
        fn find(parent: &mut FxMap<u32, u32>, mut x: u32) -> u32 {
            loop {
                let p = *parent.entry(x).or_insert(x);
                if p == x {
                    return x;
                }
                x = p;
            }
        }
        for e in edges {
            let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
            if ra == rb {
                continue;
            }
            let (sa, sb) = (find(&mut parent, a), find(&mut parent, b));
            if (ra == sa && rb == sb) || (ra == sb && rb == sa) {
                continue;
            }
            parent.insert(ra.max(rb), ra.min(rb));
        }
        let (sa, sb) = (find(&mut parent, a), find(&mut parent, b));
        let mut members: Vec<u32> = parent.keys().copied().collect();
        members.sort_unstable();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for m in members {
            let r = find(&mut parent, m);
            if r == sa {
                x.push(m);
            } else if r == sb {
                y.push(m);
            }
        }
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Clusters;
    use crate::Decision;

    fn decision(a: u32, b: u32, weight: f64) -> Decision {
        Decision {
            a,
            b,
            weight,
            probability: 1.0,
            gamma: [0; crate::compare::MAX_COMPARISONS],
            reason: Reason::Model,
            refused: false,
            held_apart: false,
        }
    }

    #[test]
    fn an_attachment_is_close_below_the_margin_plus_three_bits() {
        let at = |weight, runner_up| Attachment {
            from: 0,
            to: 1,
            pair: 0,
            weight,
            runner_up,
        };
        let g = [0; crate::compare::MAX_COMPARISONS];
        let close = close_attachment(&at(20.0, 12.5), 3, 7, g, 6.0).unwrap();
        assert_eq!((close.a, close.b, close.weight), (3, 7, 20.0));
        assert_eq!(close.runner_up, Some(12.5));
        assert!(close_attachment(&at(20.0, 11.0), 3, 7, g, 6.0).is_none());
        assert!(close_attachment(&at(20.0, f64::NEG_INFINITY), 3, 7, g, 6.0).is_none());
    }

    #[test]
    fn a_split_keeps_the_strongest_pairs_on_each_side() {
        // One person of five mentions: 0-1 (20 bits), 1-2 (18), 2-3 (9),
        // 3-4 (19), 0-2 (8). Telling 1 and 3 apart cuts the weak 2-3:
        // {0, 1, 2} and {3, 4}.
        let incidents: Vec<marac_model::Incident> = Vec::new();
        let mut l = Linkage {
            incidents: &incidents,
            mentions: Default::default(),
            clusters: Clusters {
                person_of: vec![0; 5],
                persons: 1,
                ..Default::default()
            },
            decisions: vec![
                decision(0, 1, 20.0),
                decision(1, 2, 18.0),
                decision(2, 3, 9.0),
                decision(3, 4, 19.0),
                decision(0, 2, 8.0),
            ],
            comparisons: crate::compare::ComparisonSet::of(Vec::new()),
            model: None,
            stats: Default::default(),
            warnings: Vec::new(),
            incident_mentions: Vec::new(),
            kept: Vec::new(),
        };
        let c = Candidate {
            a: 1,
            b: 3,
            weight: 1.0,
            gamma: [0; crate::compare::MAX_COMPARISONS],
            reference: false,
            vetoed: false,
            runner_up: None,
        };
        let s = Splits::new(&l, &[&c]);
        assert_eq!(s.sides(0, 1, 3), (vec![0, 1, 2], vec![3, 4]));
        assert_eq!(s.sides(0, 3, 1), (vec![3, 4], vec![0, 1, 2]));
        // Telling 0 and 1 apart: 1-2 (18) joins 1 and 2 first, 0-2 would
        // join the sides, so 0 stands alone against the other four.
        assert_eq!(s.sides(0, 0, 1), (vec![0], vec![1, 2, 3, 4]));
        // A refused pair joins nothing: without 2-3, 3 and 4 are apart
        // from the rest whichever two records are told apart.
        l.decisions[2].refused = true;
        let s = Splits::new(&l, &[&c]);
        assert_eq!(s.sides(0, 1, 3), (vec![0, 1, 2], vec![3, 4]));
        assert_eq!(s.sides(0, 0, 3), (vec![0, 1, 2], vec![3, 4]));
    }
}
