//! Clustering: pairs above the threshold are merged into persons by a
//! union-find in a fixed order (reference overrides first, then by weight,
//! strongest first, ties by mention index), with a chaining guard.
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
use crate::hash::hash_str;
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
    /// A deterministic override (same reference) or a rule match.
    pub forced: bool,
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
    /// Number of merges refused.
    pub refusals: usize,
}

#[derive(Debug, Clone, Default)]
struct State {
    size: u32,
    dobs: Vec<NaiveDate>,
    refs: Vec<(u32, u64)>,
}

/// Union-find with per-cluster state.
struct Forest {
    parent: Vec<u32>,
    state: Vec<State>,
}

impl Forest {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
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

/// The fixed merge order: forced edges first, then strongest first, ties by
/// mention indices.
pub fn sort_edges(edges: &mut [Edge]) {
    edges.sort_by(edge_order);
}

/// The order of [`sort_edges`].
pub fn edge_order(x: &Edge, y: &Edge) -> std::cmp::Ordering {
    y.forced
        .cmp(&x.forced)
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
    };
    let mut refused = vec![false; edges.len()];
    let mut refusals = 0;
    for (e_idx, e) in edges.iter().enumerate() {
        if e.a as usize >= n || e.b as usize >= n {
            continue;
        }
        let (ra, rb) = (f.find(e.a), f.find(e.b));
        if ra == rb {
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
        // Union by size; the smaller root index wins ties so the forest shape is fixed.
        let (big, small) = {
            let (sa, sb) = (f.state[ra as usize].size, f.state[rb as usize].size);
            if sa > sb || (sa == sb && ra < rb) {
                (ra, rb)
            } else {
                (rb, ra)
            }
        };
        f.parent[small as usize] = big;
        let moved = std::mem::take(&mut f.state[small as usize]);
        let st = &mut f.state[big as usize];
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
