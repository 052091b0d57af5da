//! DBSCAN on BNG metres, exactly scikit-learn's definition.
//!
//! * The neighbourhood of a point is every point at Euclidean distance
//!   `<= eps`, the point itself included (compared as squared distances,
//!   exact for whole-metre coordinates).
//! * A point is a *core* point when its neighbourhood holds at least
//!   `min_points` points (itself included, as scikit-learn's `min_samples`).
//! * Clusters grow as in scikit-learn's `dbscan_inner`: points are scanned
//!   in input order; an unlabelled core point starts a new cluster, which
//!   is grown depth-first from a stack through core points. A non-core
//!   point within `eps` of a core point is a *border* point and joins the
//!   first cluster that reaches it; it never extends the cluster.
//! * Everything else is noise, label `-1`.
//!
//! Cluster ids are then renumbered `0, 1, …` by each cluster's first member
//! in input order (scikit-learn numbers them by the first *core* point; the
//! memberships are identical, only the numbering can differ, when a border
//! point precedes every core point of its cluster).
//!
//! Neighbourhoods come from an rstar R*-tree; the core test runs in
//! parallel with rayon (the result does not depend on the thread count).

use std::sync::atomic::{AtomicUsize, Ordering};

use geo::{ConvexHull, Coord, MultiPoint, Point, Polygon};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::{ParentNode, RStarInsertionStrategy, RTree, RTreeNode, RTreeParams, AABB};

use crate::{positive, Event, GroupSummary, HotspotError, Result};

/// Label of a noise point.
pub const NOISE: i32 = -1;

/// Radius in metres of the buffer drawn around a cluster whose points do
/// not span an area (one or two distinct positions, or all collinear).
pub const DEGENERATE_BUFFER_M: f64 = 10.0;

type Entry = GeomWithData<[f64; 2], u32>;

/// A point's index, whether it is core, and its kept neighbourhood.
type Hood = (u32, bool, Option<Vec<u32>>);

/// R*-tree node sizes: wider nodes than rstar's default (6) make the
/// million small radius queries of DBSCAN markedly faster.
pub(crate) struct WideNodes;

impl RTreeParams for WideNodes {
    const MIN_SIZE: usize = 8;
    const MAX_SIZE: usize = 24;
    const REINSERTION_COUNT: usize = 6;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// The most neighbour entries kept in memory between the core test and the
/// cluster expansion (400 MB of `u32`).
const MAX_STORED_NEIGHBOURS: usize = 100_000_000;

/// Labels every point: a cluster id `0, 1, …` or [`NOISE`].
///
/// ```
/// use marac_hotspot::dbscan::dbscan;
/// // Points at x = 0, 1, 2 and 10, eps = 1, min_points = 3: only x = 1 sees
/// // three points (itself included) and is core; x = 0 and x = 2 are its
/// // border points; x = 10 is noise.
/// let pts = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [10.0, 0.0]];
/// assert_eq!(dbscan(&pts, 1.0, 3).unwrap(), vec![0, 0, 0, -1]);
/// // min_points counts the point itself: with min_points 1 every point is core.
/// assert_eq!(dbscan(&pts, 1.0, 1).unwrap(), vec![0, 0, 0, 1]);
/// ```
pub fn dbscan(points: &[[f64; 2]], eps: f64, min_points: usize) -> Result<Vec<i32>> {
    dbscan_with_budget(points, eps, min_points, MAX_STORED_NEIGHBOURS)
}

fn dbscan_with_budget(
    points: &[[f64; 2]],
    eps: f64,
    min_points: usize,
    budget: usize,
) -> Result<Vec<i32>> {
    let eps = positive("eps", eps)?;
    if min_points == 0 {
        return Err(HotspotError::Parameter(
            "min_points must be at least 1".into(),
        ));
    }
    if points.len() > u32::MAX as usize {
        return Err(HotspotError::TooLarge(format!("{} points", points.len())));
    }
    if let Some(i) = points
        .iter()
        .position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        return Err(HotspotError::Parameter(format!(
            "point {i} has non-finite coordinates"
        )));
    }
    let n = points.len();
    let eps2 = eps * eps;
    let tree: RTree<Entry, WideNodes> = RTree::bulk_load_with_params(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(*p, i as u32))
            .collect(),
    );
    // One parallel pass lists each point's neighbourhood (within eps, itself
    // included): a core point has at least min_points. Core neighbourhoods
    // are kept for the expansion below, up to a memory budget; past it the
    // expansion queries the tree again (same result, only slower).
    // Queries run per leaf node of the tree: one envelope query (the leaf's
    // bounding box widened by eps) gives the candidates of all its points,
    // which are then filtered by exact distance. Results go back to input
    // order, so the labels do not depend on the thread count.
    let stored = AtomicUsize::new(0);
    let mut groups: Vec<Vec<&Entry>> = Vec::new();
    leaf_groups(tree.root(), &mut groups);
    let found: Vec<Vec<Hood>> = groups
        .par_iter()
        .map(|g| {
            let mut lo = [f64::INFINITY; 2];
            let mut hi = [f64::NEG_INFINITY; 2];
            for e in g {
                let p = e.geom();
                for a in 0..2 {
                    lo[a] = lo[a].min(p[a]);
                    hi[a] = hi[a].max(p[a]);
                }
            }
            let env = AABB::from_corners([lo[0] - eps, lo[1] - eps], [hi[0] + eps, hi[1] + eps]);
            let cand: Vec<([f64; 2], u32)> = tree
                .locate_in_envelope(&env)
                .map(|e| (*e.geom(), e.data))
                .collect();
            g.iter()
                .map(|e| {
                    let p = e.geom();
                    let v: Vec<u32> = cand
                        .iter()
                        .filter(|(q, _)| {
                            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
                            dx * dx + dy * dy <= eps2
                        })
                        .map(|&(_, i)| i)
                        .collect();
                    let core = v.len() >= min_points;
                    if core && stored.fetch_add(v.len(), Ordering::Relaxed) + v.len() <= budget {
                        (e.data, true, Some(v))
                    } else {
                        (e.data, core, None)
                    }
                })
                .collect()
        })
        .collect();
    let mut hoods: Vec<(bool, Option<Vec<u32>>)> = vec![(false, None); n];
    for (i, core, v) in found.into_iter().flatten() {
        hoods[i as usize] = (core, v);
    }

    let mut labels = vec![NOISE; n];
    let mut next = 0i32;
    let mut stack: Vec<usize> = Vec::new();
    let mut scratch: Vec<u32> = Vec::new();
    for start in 0..n {
        if labels[start] != NOISE || !hoods[start].0 {
            continue;
        }
        let mut i = start;
        loop {
            if labels[i] == NOISE {
                labels[i] = next;
                if hoods[i].0 {
                    // The order within one cluster's expansion does not change
                    // its members: every point reachable from its first core
                    // point and still unlabelled joins it. Only the order in
                    // which clusters start (input order) decides border points.
                    let list: &[u32] = match &hoods[i].1 {
                        Some(v) => v,
                        None => {
                            scratch.clear();
                            scratch.extend(
                                tree.locate_within_distance(points[i], eps2).map(|e| e.data),
                            );
                            &scratch
                        }
                    };
                    for &v in list {
                        if labels[v as usize] == NOISE {
                            stack.push(v as usize);
                        }
                    }
                }
            }
            match stack.pop() {
                Some(v) => i = v,
                None => break,
            }
        }
        next += 1;
    }
    Ok(renumber_by_first_member(&labels))
}

/// The entries of each leaf-level node, in tree order.
fn leaf_groups<'a>(node: &'a ParentNode<Entry>, out: &mut Vec<Vec<&'a Entry>>) {
    let mut leaves = Vec::new();
    for child in node.children() {
        match child {
            RTreeNode::Leaf(e) => leaves.push(e),
            RTreeNode::Parent(p) => leaf_groups(p, out),
        }
    }
    if !leaves.is_empty() {
        out.push(leaves);
    }
}

/// Renumbers cluster labels `0, 1, …` in order of each cluster's first
/// member in input order; noise stays `-1`.
///
/// ```
/// use marac_hotspot::dbscan::renumber_by_first_member;
/// assert_eq!(renumber_by_first_member(&[1, -1, 0, 1]), vec![0, -1, 1, 0]);
/// ```
pub fn renumber_by_first_member(labels: &[i32]) -> Vec<i32> {
    let mut map: std::collections::HashMap<i32, i32> = std::collections::HashMap::new();
    labels
        .iter()
        .map(|&l| {
            if l < 0 {
                return NOISE;
            }
            let k = map.len() as i32;
            *map.entry(l).or_insert(k)
        })
        .collect()
}

/// One DBSCAN cluster, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Cluster id (see [`dbscan`]).
    pub id: i32,
    /// Indices of the member events, ascending.
    pub members: Vec<usize>,
    /// Count, kinds and date range.
    pub summary: GroupSummary,
    /// Convex hull in BNG metres, counter-clockwise exterior (buffered by
    /// [`DEGENERATE_BUFFER_M`] when the members span no area).
    pub hull: Polygon<f64>,
    /// Mean position in BNG metres.
    pub centroid: [f64; 2],
}

/// Groups events by label into clusters, in id order; noise is left out.
pub fn clusters(events: &[Event], labels: &[i32]) -> Vec<Cluster> {
    let k = labels.iter().copied().max().unwrap_or(NOISE);
    if k < 0 {
        return Vec::new();
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k as usize + 1];
    for (i, &l) in labels.iter().enumerate().take(events.len()) {
        if l >= 0 {
            members[l as usize].push(i);
        }
    }
    members
        .into_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(id, m)| {
            let pts: Vec<[f64; 2]> = m.iter().map(|&i| events[i].xy()).collect();
            let n = pts.len() as f64;
            let centroid = [
                pts.iter().map(|p| p[0]).sum::<f64>() / n,
                pts.iter().map(|p| p[1]).sum::<f64>() / n,
            ];
            Cluster {
                id: id as i32,
                summary: GroupSummary::of(m.iter().map(|&i| &events[i])),
                hull: hull(&pts, DEGENERATE_BUFFER_M),
                centroid,
                members: m,
            }
        })
        .collect()
}

/// The convex hull of points, counter-clockwise. When the points span no
/// area (one or two distinct positions, or collinear), the hull of
/// 16-sided circles of radius `buffer` around each distinct point instead.
///
/// ```
/// use geo::Area;
/// let h = marac_hotspot::dbscan::hull(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], 5.0);
/// assert_eq!(h.signed_area(), 50.0); // positive: counter-clockwise
/// let one = marac_hotspot::dbscan::hull(&[[0.0, 0.0]], 5.0);
/// assert!(one.signed_area() > 70.0 && one.signed_area() < 78.6);
/// ```
pub fn hull(points: &[[f64; 2]], buffer: f64) -> Polygon<f64> {
    use geo::Area;
    let mp: MultiPoint<f64> = points.iter().map(|p| Point::new(p[0], p[1])).collect();
    let h = mp.convex_hull();
    if h.signed_area().abs() > 1e-6 {
        return h;
    }
    let mut ring = Vec::with_capacity(points.len() * 16);
    for p in points {
        for k in 0..16 {
            let a = std::f64::consts::TAU * k as f64 / 16.0;
            ring.push(Point(Coord {
                x: p[0] + buffer * a.cos(),
                y: p[1] + buffer * a.sin(),
            }));
        }
    }
    MultiPoint::new(ring).convex_hull()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute-force scikit-learn semantics, for comparison on random data.
    fn brute(points: &[[f64; 2]], eps: f64, min: usize) -> Vec<i32> {
        let n = points.len();
        let nb: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| {
                        let dx = points[i][0] - points[j][0];
                        let dy = points[i][1] - points[j][1];
                        dx * dx + dy * dy <= eps * eps
                    })
                    .collect()
            })
            .collect();
        let core: Vec<bool> = nb.iter().map(|v| v.len() >= min).collect();
        let mut labels = vec![-1; n];
        let mut next = 0;
        for s in 0..n {
            if labels[s] != -1 || !core[s] {
                continue;
            }
            let mut stack = vec![s];
            while let Some(i) = stack.pop() {
                if labels[i] != -1 {
                    continue;
                }
                labels[i] = next;
                if core[i] {
                    for &v in nb[i].iter().rev() {
                        if labels[v] == -1 {
                            stack.push(v);
                        }
                    }
                }
            }
            next += 1;
        }
        renumber_by_first_member(&labels)
    }

    #[test]
    fn border_points_and_noise_by_hand() {
        // eps = 1, min_points = 4 (the point itself included).
        //   A: (1,0) sees (0,0) (2,0) (1,1) and itself = 4: core. (0,0) and
        //      (1,1) see 2 each, (2,0) sees (1,0), itself and (2.9,0) = 3:
        //      all three are border points of A (non-core, within eps of a core).
        //   (2.9,0) is 0.9 from the border point (2,0) but 1.9 from the core:
        //      noise, since border points do not extend a cluster.
        //   B: a plus sign around (10,10): the centre sees 5 (core), the arms
        //      2 each (border).
        //   (20,20): noise.
        let pts = [
            [0.0, 0.0],
            [1.0, 0.0],
            [2.0, 0.0],
            [1.0, 1.0],
            [2.9, 0.0],
            [10.0, 10.0],
            [9.0, 10.0],
            [11.0, 10.0],
            [10.0, 9.0],
            [10.0, 11.0],
            [20.0, 20.0],
        ];
        let l = dbscan(&pts, 1.0, 4).unwrap();
        assert_eq!(l, vec![0, 0, 0, 0, -1, 1, 1, 1, 1, 1, -1]);
        // min_points counts the point itself: with 2, a point with one
        // neighbour is core, so (2.9,0) is core and joins A; (20,20) sees only
        // itself and stays noise.
        let l = dbscan(&pts, 1.0, 2).unwrap();
        assert_eq!(l, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]);
        // With 1 every point is core: (20,20) is a cluster of its own.
        let l = dbscan(&pts, 1.0, 1).unwrap();
        assert_eq!(l, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2]);
        // Distance exactly eps counts (<=): 3-4-5 triangle.
        let l = dbscan(&[[0.0, 0.0], [3.0, 4.0]], 5.0, 2).unwrap();
        assert_eq!(l, vec![0, 0]);
    }

    #[test]
    fn border_point_joins_the_first_cluster_that_reaches_it() {
        // Two cores at x=0 and x=4 (each with two private points within
        // eps = 2), and a border point at x=2 reachable from both (it sees
        // only the two cores and itself, 3 < 4 = min_points).
        let pts = [
            [2.0, 0.0], // border, first in input order
            [4.0, 0.0],
            [5.0, 0.0],
            [5.0, 0.5],
            [0.0, 0.0],
            [-1.0, 0.0],
            [-1.0, 0.5],
        ];
        let l = dbscan(&pts, 2.0, 4).unwrap();
        // scikit-learn: core (4,0) (index 1) starts cluster 0 and reaches the
        // border point first; renumbered by first member, still 0.
        assert_eq!(l, vec![0, 0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn matches_brute_force_on_random_points() {
        let mut g = marac_model::SplitMix64::new(11);
        for round in 0..20 {
            let n = 50 + round * 10;
            let pts: Vec<[f64; 2]> = (0..n)
                .map(|_| [(g.below(60)) as f64, (g.below(60)) as f64])
                .collect();
            for (eps, min) in [(3.0, 3), (5.0, 4), (2.0, 2), (7.0, 8)] {
                assert_eq!(
                    dbscan(&pts, eps, min).unwrap(),
                    brute(&pts, eps, min),
                    "round {round} eps {eps} min {min}"
                );
            }
        }
    }

    #[test]
    fn matches_brute_force_on_a_deep_tree() {
        // Enough points for several levels of tree nodes.
        let mut g = marac_model::SplitMix64::new(12);
        let pts: Vec<[f64; 2]> = (0..3000)
            .map(|_| [g.below(800) as f64, g.below(800) as f64])
            .collect();
        for (eps, min) in [(10.0, 4), (20.0, 9), (5.0, 2)] {
            assert_eq!(dbscan(&pts, eps, min).unwrap(), brute(&pts, eps, min));
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(dbscan(&[[0.0, 0.0]], 0.0, 2).is_err());
        assert!(dbscan(&[[0.0, 0.0]], f64::NAN, 2).is_err());
        assert!(dbscan(&[[0.0, 0.0]], 1.0, 0).is_err());
        assert!(dbscan(&[[f64::INFINITY, 0.0]], 1.0, 1).is_err());
        assert_eq!(dbscan(&[], 1.0, 1).unwrap(), Vec::<i32>::new());
    }
}
