//! Clustering: pairs above the threshold are merged into persons by a
//! union-find in a fixed order (`match` labels first, then reference
//! overrides, then by weight, strongest first, ties by mention index), with
//! a chaining guard and the `not a match` labels.
//!
//! A `not a match` label between two mentions holds them apart for good:
//! every merge that would put them in one person is refused, whatever
//! decided it (a `match` label, a reference, a rule, the model) and however
//! long the chain — each cluster carries the labelled partners of its
//! members, and a merge is refused when one cluster holds a partner of the
//! other. The refused merge is the first one in the merge order that would
//! join them: of two strong links A–B and B–C with A and C labelled apart,
//! the weaker (or, at equal weight, the later by mention index) is refused.
//! A `match` label refused so is a conflict between labels: the `not a
//! match` wins.
//!
//! The guard refuses a merge when the two clusters disagree strongly:
//! - their dates of birth are all incompatible (not equal, transposed or one
//!   digit off) — a father and son of the same name at one address stay apart
//!   even when an undated record links to both;
//! - they hold different references from one source;
//! - both have at least `min_size` mentions and the best pair between them
//!   (the first one seen, as pairs come strongest first) is weak relative to
//!   their sizes: its weight must exceed the threshold weight by
//!   `bits_per_doubling` for each doubling of the smaller cluster.
//!
//! Reference overrides (same reference within one source) are never refused.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::compare::dob_compatible;
use crate::hash::{hash_str, FxMap};
use crate::normalise::Mention;
use crate::rules::ClusterSettings;

/// Most distinct dates of birth kept per cluster.
const MAX_DOBS: usize = 8;

/// A pair to merge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// First mention.
    pub a: u32,
    /// Second mention.
    pub b: u32,
    /// Match weight in bits.
    pub weight: f64,
    /// Not checked by the chaining guard (a reference override or a label).
    pub forced: bool,
    /// A `match` label: merged before everything else.
    pub label: bool,
}

/// The result of clustering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clusters {
    /// The person of each mention: 0-based, numbered by first mention.
    pub person_of: Vec<u32>,
    /// Number of persons.
    pub persons: usize,
    /// Whether each edge (in the order given) was refused by the guard.
    pub refused: Vec<bool>,
    /// Number of merges refused by the chaining guard.
    pub refusals: usize,
    /// Merges refused because a `not a match` label holds the two clusters
    /// apart: (edge index, the labelled pair that held them apart).
    pub held_apart: Vec<(usize, (u32, u32))>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    size: u32,
    dobs: Vec<NaiveDate>,
    refs: Vec<(u32, u64)>,
}

/// Union-find with per-cluster state: the clustering's, and attachment's
/// over persons (with only sizes and `not a match` partners).
pub(crate) struct Forest {
    parent: Vec<u32>,
    state: Vec<State>,
    /// Per root holding any: `(member, partner)`, a member of the cluster
    /// and an element labelled not a match with it (apart from `state`, so
    /// that a run without labels carries nothing).
    apart: FxMap<u32, Vec<(u32, u32)>>,
}

impl Forest {
    /// Elements of size 1 with no state but their `not a match` pairs.
    pub(crate) fn apart_only(n: usize, apart: &[(u32, u32)]) -> Forest {
        let mut f = Forest {
            parent: (0..n as u32).collect(),
            state: vec![
                State {
                    size: 1,
                    ..State::default()
                };
                n
            ],
            apart: FxMap::default(),
        };
        f.hold_apart(apart);
        f
    }

    /// Records pairs that must never be in one cluster.
    fn hold_apart(&mut self, apart: &[(u32, u32)]) {
        let n = self.parent.len() as u32;
        for &(a, b) in apart.iter().filter(|(a, b)| *a < n && *b < n && a != b) {
            self.apart.entry(a).or_default().push((a, b));
            self.apart.entry(b).or_default().push((b, a));
        }
    }

    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// The labelled pair that keeps roots `ra` and `rb` apart, if any.
    pub(crate) fn held_apart(&mut self, ra: u32, rb: u32) -> Option<(u32, u32)> {
        if self.apart.is_empty() {
            return None;
        }
        let len = |r: u32| self.apart.get(&r).map_or(0, Vec::len);
        let (la, lb) = (len(ra), len(rb));
        if la == 0 || lb == 0 {
            return None;
        }
        // Look through the shorter list.
        let (from, to) = if la <= lb { (ra, rb) } else { (rb, ra) };
        let list = self.apart[&from].clone();
        list.into_iter()
            .find(|&(_, partner)| self.find(partner) == to)
            .map(|(member, partner)| (member.min(partner), member.max(partner)))
    }

    /// Merges two roots (by size; the smaller root index wins ties, so the
    /// forest's shape is fixed).
    pub(crate) fn union(&mut self, ra: u32, rb: u32) {
        let (big, small) = {
            let (sa, sb) = (self.state[ra as usize].size, self.state[rb as usize].size);
            if sa > sb || (sa == sb && ra < rb) {
                (ra, rb)
            } else {
                (rb, ra)
            }
        };
        self.parent[small as usize] = big;
        let moved = std::mem::take(&mut self.state[small as usize]);
        let st = &mut self.state[big as usize];
        st.size += moved.size;
        for d in moved.dobs {
            if st.dobs.len() < MAX_DOBS && !st.dobs.contains(&d) {
                st.dobs.push(d);
            }
        }
        for r in moved.refs {
            if !st.refs.contains(&r) {
                st.refs.push(r);
            }
        }
        if let Some(moved) = self.apart.remove(&small) {
            self.apart.entry(big).or_default().extend(moved);
        }
    }
}

/// Whether two clusters' dates of birth all disagree.
pub(crate) fn dobs_conflict(a: &[NaiveDate], b: &[NaiveDate]) -> bool {
    !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.iter().any(|y| dob_compatible(*x, *y)))
}

/// Whether two clusters hold different references from one source.
pub(crate) fn refs_conflict(a: &[(u32, u64)], b: &[(u32, u64)]) -> bool {
    // Some source has references on both sides and none in common.
    a.iter().any(|(sa, _)| {
        b.iter().any(|x| x.0 == *sa) && !a.iter().any(|x| x.0 == *sa && b.contains(x))
    })
}

/// The fixed merge order: `match` labels first, then the other forced
/// edges, then strongest first, ties by mention indices.
pub fn sort_edges(edges: &mut [Edge]) {
    edges.sort_by(edge_order);
}

/// The order of [`sort_edges`].
pub fn edge_order(x: &Edge, y: &Edge) -> std::cmp::Ordering {
    y.label
        .cmp(&x.label)
        .then(y.forced.cmp(&x.forced))
        .then(y.weight.total_cmp(&x.weight))
        .then(x.a.cmp(&y.a))
        .then(x.b.cmp(&y.b))
}

/// Clusters mentions through edges, in the order given (see [`sort_edges`]).
///
/// `min_weight` is the weight of the decision threshold (the size guard's
/// base); `None` turns the size guard off (deterministic rules have no weights).
pub fn cluster(
    mentions: &[Mention],
    edges: &[Edge],
    settings: &ClusterSettings,
    min_weight: Option<f64>,
) -> Clusters {
    cluster_apart(mentions, edges, settings, min_weight, &[])
}

/// [`cluster`] with pairs of mentions labelled `not a match`, which never
/// end up in one cluster (see the module's documentation).
pub fn cluster_apart(
    mentions: &[Mention],
    edges: &[Edge],
    settings: &ClusterSettings,
    min_weight: Option<f64>,
    apart: &[(u32, u32)],
) -> Clusters {
    let n = mentions.len();
    let mut f = Forest {
        parent: (0..n as u32).collect(),
        state: mentions
            .par_iter()
            .map(|m| State {
                size: 1,
                dobs: m.dob.into_iter().collect(),
                refs: m
                    .reference
                    .as_deref()
                    .map(|r| vec![(m.source, hash_str(r))])
                    .unwrap_or_default(),
            })
            .collect(),
        apart: FxMap::default(),
    };
    f.hold_apart(apart);
    let mut refused = vec![false; edges.len()];
    let mut refusals = 0;
    let mut held_apart = Vec::new();
    for (e_idx, e) in edges.iter().enumerate() {
        if e.a as usize >= n || e.b as usize >= n {
            continue;
        }
        let (ra, rb) = (f.find(e.a), f.find(e.b));
        if ra == rb {
            continue;
        }
        if let Some(pair) = f.held_apart(ra, rb) {
            refused[e_idx] = true;
            held_apart.push((e_idx, pair));
            continue;
        }
        if settings.guard && !e.forced {
            let (sa, sb) = (&f.state[ra as usize], &f.state[rb as usize]);
            let mut refuse = settings.refuse_conflicting_dob && dobs_conflict(&sa.dobs, &sb.dobs);
            refuse |= settings.refuse_conflicting_refs && refs_conflict(&sa.refs, &sb.refs);
            if let Some(base) = min_weight {
                let small = sa.size.min(sb.size) as usize;
                if small >= settings.min_size.max(1) {
                    let need = base + settings.bits_per_doubling * (small as f64).log2();
                    refuse |= e.weight < need;
                }
            }
            if refuse {
                refused[e_idx] = true;
                refusals += 1;
                continue;
            }
        }
        f.union(ra, rb);
    }
    let mut number: Vec<u32> = vec![u32::MAX; n];
    let mut person_of = Vec::with_capacity(n);
    let mut persons = 0u32;
    for i in 0..n as u32 {
        let r = f.find(i) as usize;
        if number[r] == u32::MAX {
            number[r] = persons;
            persons += 1;
        }
        person_of.push(number[r]);
    }
    Clusters {
        person_of,
        persons: persons as usize,
        refused,
        refusals,
        held_apart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marac_model::{PersonDetails, Role};

    fn m(dob: Option<(i32, u32, u32)>, reference: Option<&str>) -> Mention {
        let p = PersonDetails {
            last_name: Some("Smith".into()),
            dob: dob.and_then(|(y, mo, d)| NaiveDate::from_ymd_opt(y, mo, d)),
            reference: reference.map(str::to_string),
            ..Default::default()
        };
        Mention::from_details(0, Role::Victim, 0, &p)
    }

    fn e(a: u32, b: u32, weight: f64) -> Edge {
        Edge {
            a,
            b,
            weight,
            forced: false,
            label: false,
        }
    }

    #[test]
    fn two_tight_clusters_joined_by_one_weak_link_stay_two_persons() {
        let ms: Vec<Mention> = (0..6).map(|_| m(None, None)).collect();
        let mut edges = vec![
            e(0, 1, 30.0),
            e(1, 2, 30.0),
            e(0, 2, 30.0),
            e(3, 4, 30.0),
            e(4, 5, 30.0),
            e(3, 5, 30.0),
            e(2, 3, 9.0), // just above the threshold weight of 8
        ];
        sort_edges(&mut edges);
        let s = ClusterSettings::default();
        let c = cluster(&ms, &edges, &s, Some(8.0));
        assert_eq!(c.person_of, vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(c.refusals, 1);
        // Without the guard the weak link chains them into one.
        let off = ClusterSettings { guard: false, ..s };
        assert_eq!(cluster(&ms, &edges, &off, Some(8.0)).persons, 1);
        // A strong cross link is accepted.
        edges.push(e(0, 5, 25.0));
        sort_edges(&mut edges);
        assert_eq!(cluster(&ms, &edges, &s, Some(8.0)).persons, 1);
    }

    #[test]
    fn conflicting_dobs_and_references_are_not_chained() {
        // 0 and 2: same name, different DOBs (father and son); 1 has no DOB and
        // links to both: it joins the stronger one only.
        let ms = vec![
            m(Some((1950, 1, 1)), None),
            m(None, None),
            m(Some((1980, 5, 5)), None),
        ];
        let mut edges = vec![e(0, 1, 12.0), e(1, 2, 10.0)];
        sort_edges(&mut edges);
        let c = cluster(&ms, &edges, &ClusterSettings::default(), Some(8.0));
        assert_eq!(c.person_of, vec![0, 0, 1]);
        let ms = vec![m(None, Some("A1")), m(None, None), m(None, Some("A2"))];
        let c = cluster(&ms, &edges, &ClusterSettings::default(), None);
        assert_eq!(c.persons, 2);
        // Forced edges are never refused.
        let forced = vec![Edge {
            a: 0,
            b: 2,
            weight: 0.0,
            forced: true,
            label: false,
        }];
        let ms = vec![
            m(Some((1950, 1, 1)), Some("A1")),
            m(None, None),
            m(Some((1980, 5, 5)), Some("A1")),
        ];
        assert_eq!(
            cluster(&ms, &forced, &ClusterSettings::default(), None).persons,
            2
        );
    }

    #[test]
    fn a_not_a_match_label_holds_two_mentions_apart_through_any_chain() {
        // A–B and B–C are strong links; A and C are labelled not a match:
        // the weaker link, B–C, is the merge refused.
        let ms: Vec<Mention> = (0..3).map(|_| m(None, None)).collect();
        let s = ClusterSettings::default();
        let mut edges = vec![e(1, 2, 25.0), e(0, 1, 30.0)];
        sort_edges(&mut edges);
        let c = cluster_apart(&ms, &edges, &s, Some(8.0), &[(0, 2)]);
        assert_eq!(c.person_of, vec![0, 0, 1]);
        assert_eq!(c.held_apart, vec![(1, (0, 2))]);
        assert_eq!((c.refusals, c.refused), (0, vec![false, true]));
        // At equal weight the later pair by mention index is refused.
        let mut edges = vec![e(1, 2, 30.0), e(0, 1, 30.0)];
        sort_edges(&mut edges);
        let c = cluster_apart(&ms, &edges, &s, Some(8.0), &[(0, 2)]);
        assert_eq!(c.person_of, vec![0, 0, 1]);
        // A merge of two clusters with the pair deep inside them is refused,
        // and so are forced edges (a reference, a match label).
        let ms: Vec<Mention> = (0..6).map(|_| m(None, None)).collect();
        let forced = |a, b, label| Edge {
            a,
            b,
            weight: 0.0,
            forced: true,
            label,
        };
        let mut edges = vec![
            forced(0, 1, true),
            e(1, 2, 30.0),
            e(3, 4, 30.0),
            e(4, 5, 30.0),
            e(2, 3, 9.0),
        ];
        sort_edges(&mut edges);
        let off = ClusterSettings { guard: false, ..s };
        let c = cluster_apart(&ms, &edges, &off, Some(8.0), &[(0, 5)]);
        assert_eq!(c.person_of, vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(c.held_apart, vec![(4, (0, 5))]);
        for label in [false, true] {
            let c = cluster_apart(&ms, &[forced(1, 4, label)], &off, None, &[(1, 4)]);
            assert_eq!(c.persons, 6);
        }
        // Without the label, one person.
        assert_eq!(cluster(&ms, &edges, &off, Some(8.0)).persons, 1);
    }

    #[test]
    fn person_numbers_follow_first_mentions() {
        let ms: Vec<Mention> = (0..4).map(|_| m(None, None)).collect();
        let c = cluster(
            &ms,
            &[e(3, 1, 20.0)],
            &ClusterSettings::default(),
            Some(8.0),
        );
        assert_eq!(c.person_of, vec![0, 1, 2, 1]);
    }
}
