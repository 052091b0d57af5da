//! The Knox near-repeat test, as Ratcliffe's Near Repeat Calculator prints
//! it.
//!
//! Every pair of incidents `i < j` falls in one *space band* by the
//! distance between them and one *time band* by the number of days
//! between their dates. The distance is [`Distance::Euclidean`] (straight
//! line, `√(Δx² + Δy²)`) or [`Distance::Manhattan`] (`|Δx| + |Δy|`, the
//! Near Repeat Calculator's default), in BNG metres. Given space boundaries
//! `0, 100, 200, 400` the rows are: same location (distance exactly 0),
//! `(0, 100]`, `(100, 200]`, `(200, 400]` and more than 400 m: a band
//! includes its upper bound and excludes its lower one. Given time
//! boundaries `0, 7, 14, 30` the columns are 0 to 7, 8 to 14, 15 to 30 and
//! more than 30 days, both ends included (day differences are whole numbers;
//! a leading 0 is implied if absent). Each band carries its bounds
//! ([`SpaceBand`], [`TimeBand`]) and a label that states them and the
//! distance, e.g. `more than 0 m and at most 100 m (Manhattan)`.
//!
//! For each cell of the table:
//!
//! * **observed**: the number of pairs in it;
//! * **expected**: the mean count over `N` Monte Carlo permutations that
//!   shuffle the dates among the fixed locations (Fisher–Yates, one
//!   [`SplitMix64::fork`]`(seed, iteration)` stream per iteration, run in
//!   parallel with rayon; the result does not depend on the thread count);
//! * **Knox ratio**: observed / expected (none when expected is 0);
//! * **p**: `(1 + #{permutations with count >= observed}) / (N + 1)`.
//!
//! Only pairs within the largest space boundary are listed (once, with an
//! R*-tree); a permutation just re-bins their day differences. The last row
//! (`more than …`) needs no pair list: the number of pairs in a time band
//! over *all* pairs depends only on the multiset of dates, which a
//! permutation keeps, so that row is the total minus the rows above.

use marac_model::SplitMix64;
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::{HotspotError, Result};

/// The most close pairs the test will hold in memory.
pub const MAX_PAIRS: usize = 100_000_000;
/// The most permutations.
pub const MAX_ITERATIONS: usize = 1_000_000;
/// The longest time band, days.
pub const MAX_DAYS: i64 = 100_000;

/// How the distance between two incidents is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Distance {
    /// Straight-line distance, `√(Δx² + Δy²)`.
    #[default]
    Euclidean,
    /// City-block distance, `|Δx| + |Δy|` (the Near Repeat Calculator's
    /// default): never less than the straight line, up to √2 times it.
    Manhattan,
}

impl Distance {
    /// The name in flags and JSON: `euclidean` or `manhattan`.
    pub fn as_str(self) -> &'static str {
        match self {
            Distance::Euclidean => "euclidean",
            Distance::Manhattan => "manhattan",
        }
    }

    /// The name in labels: `Euclidean` or `Manhattan`.
    pub fn title(self) -> &'static str {
        match self {
            Distance::Euclidean => "Euclidean",
            Distance::Manhattan => "Manhattan",
        }
    }

    /// The value compared with a band: the squared distance (Euclidean, so
    /// no square root is taken) or the distance (Manhattan).
    fn measure(self, p: [f64; 2], q: [f64; 2]) -> f64 {
        let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
        match self {
            Distance::Euclidean => dx.powi(2) + dy.powi(2),
            Distance::Manhattan => dx.abs() + dy.abs(),
        }
    }

    /// A band boundary on the scale of [`Distance::measure`].
    fn bound(self, metres: f64) -> f64 {
        match self {
            Distance::Euclidean => metres * metres,
            Distance::Manhattan => metres,
        }
    }
}

/// A row of the table: the pairs whose distance `d` (metres) is within
/// `min_m < d <= max_m`, or exactly 0 for the same-location row (`min_m =
/// max_m = 0`, both included), or `d > min_m` for the last row (no `max_m`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceBand {
    /// The label, stating the bounds and the distance.
    pub label: String,
    /// Lower bound, metres.
    pub min_m: f64,
    /// Whether `min_m` is included (only in the same-location row).
    pub min_inclusive: bool,
    /// Upper bound, metres, always included; `None` for the last row.
    pub max_m: Option<f64>,
}

/// A column of the table: the pairs whose dates are `min_days` to
/// `max_days` whole days apart, both included (no `max_days`: no upper
/// bound).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBand {
    /// The label, stating the bounds.
    pub label: String,
    /// Fewest days apart, included.
    pub min_days: i64,
    /// Most days apart, included; `None` for the last column.
    pub max_days: Option<i64>,
}

/// Parameters of the test.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxParams {
    /// How distances are measured.
    pub distance: Distance,
    /// Space boundaries in metres, ascending (a leading 0 is optional).
    pub space_bands: Vec<f64>,
    /// Time boundaries in days, ascending (a leading 0 is optional).
    pub time_bands: Vec<i64>,
    /// Monte Carlo permutations.
    pub iterations: usize,
    /// Seed of the permutations.
    pub seed: u64,
}

/// One cell of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxCell {
    /// Row (space band) index.
    pub space: usize,
    /// Column (time band) index.
    pub time: usize,
    /// Observed pairs.
    pub observed: u64,
    /// Mean pairs over the permutations.
    pub expected: f64,
    /// observed / expected, when expected > 0.
    pub ratio: Option<f64>,
    /// Monte Carlo p-value.
    pub p: f64,
}

/// The Knox table.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxTable {
    /// How distances were measured.
    pub distance: Distance,
    /// Rows: same location, each band up to a boundary, beyond the last.
    pub space_bands: Vec<SpaceBand>,
    /// Columns: each band up to a boundary, beyond the last.
    pub time_bands: Vec<TimeBand>,
    /// Cells, row-major (`space * time_bands.len() + time`).
    pub cells: Vec<KnoxCell>,
    /// Events tested.
    pub events: usize,
    /// Pairs within the largest space boundary.
    pub close_pairs: usize,
    /// Permutations run.
    pub iterations: usize,
}

/// The rows of a table with the given boundaries (positive, ascending).
fn space_rows(space: &[f64], distance: Distance) -> Vec<SpaceBand> {
    let metric = distance.title();
    let mut rows = vec![SpaceBand {
        label: "same location (0 m)".into(),
        min_m: 0.0,
        min_inclusive: true,
        max_m: Some(0.0),
    }];
    let mut lo = 0.0;
    for &b in space {
        rows.push(SpaceBand {
            label: format!("more than {lo} m and at most {b} m ({metric})"),
            min_m: lo,
            min_inclusive: false,
            max_m: Some(b),
        });
        lo = b;
    }
    rows.push(SpaceBand {
        label: format!("more than {lo} m ({metric})"),
        min_m: lo,
        min_inclusive: false,
        max_m: None,
    });
    rows
}

/// The columns of a table with the given boundaries (positive, ascending).
fn time_columns(time: &[i64]) -> Vec<TimeBand> {
    let mut cols = Vec::with_capacity(time.len() + 1);
    let mut from = 0;
    for &b in time {
        cols.push(TimeBand {
            label: format!("{from} to {b} days (inclusive)"),
            min_days: from,
            max_days: Some(b),
        });
        from = b + 1;
    }
    cols.push(TimeBand {
        label: format!("more than {} days", from - 1),
        min_days: from,
        max_days: None,
    });
    cols
}

/// Runs the test on points (BNG metres) and their dates as day numbers.
///
/// ```
/// use marac_hotspot::knox::{knox, Distance, KnoxParams};
/// // Two incidents at the same place a day apart, one 150 m away 20 days later.
/// let pts = [[0.0, 0.0], [0.0, 0.0], [150.0, 0.0]];
/// let days = [0, 1, 21];
/// let params = KnoxParams {
///     distance: Distance::Euclidean,
///     space_bands: vec![0.0, 100.0, 200.0],
///     time_bands: vec![0, 7, 14],
///     iterations: 99,
///     seed: 1,
/// };
/// let t = knox(&pts, &days, &params).unwrap();
/// let rows: Vec<&str> = t.space_bands.iter().map(|b| b.label.as_str()).collect();
/// assert_eq!(rows, [
///     "same location (0 m)",
///     "more than 0 m and at most 100 m (Euclidean)",
///     "more than 100 m and at most 200 m (Euclidean)",
///     "more than 200 m (Euclidean)",
/// ]);
/// let cols: Vec<&str> = t.time_bands.iter().map(|b| b.label.as_str()).collect();
/// assert_eq!(cols, ["0 to 7 days (inclusive)", "8 to 14 days (inclusive)", "more than 14 days"]);
/// let obs = |r: usize, c: usize| t.cells[r * 3 + c].observed;
/// assert_eq!(obs(0, 0), 1); // the same-place pair, 1 day apart
/// assert_eq!(obs(2, 2), 2); // both pairs 150 m apart are 20 and 21 days apart
/// ```
pub fn knox(points: &[[f64; 2]], days: &[i64], params: &KnoxParams) -> Result<KnoxTable> {
    let bad = |m: String| Err(HotspotError::Parameter(m));
    if points.len() != days.len() {
        return bad(format!("{} points but {} dates", points.len(), days.len()));
    }
    if points.len() > u32::MAX as usize {
        return Err(HotspotError::TooLarge(format!("{} points", points.len())));
    }
    if points
        .iter()
        .any(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        return bad("a point has non-finite coordinates".into());
    }
    if params.iterations == 0 || params.iterations > MAX_ITERATIONS {
        return bad(format!("iterations must be 1 to {MAX_ITERATIONS}"));
    }
    let space: Vec<f64> = params
        .space_bands
        .iter()
        .copied()
        .filter(|&b| b != 0.0)
        .collect();
    if space.is_empty()
        || space.iter().any(|b| !(b.is_finite() && *b > 0.0))
        || space.windows(2).any(|w| w[0] >= w[1])
    {
        return bad("space bands must be increasing positive metres, e.g. 0,100,200,400".into());
    }
    let time: Vec<i64> = params
        .time_bands
        .iter()
        .copied()
        .filter(|&b| b != 0)
        .collect();
    if time.is_empty()
        || time.iter().any(|&b| b <= 0 || b > MAX_DAYS)
        || time.windows(2).any(|w| w[0] >= w[1])
    {
        return bad(format!(
            "time bands must be increasing whole days up to {MAX_DAYS}, e.g. 0,7,14,30"
        ));
    }

    let distance = params.distance;
    let space_bands = space_rows(&space, distance);
    let time_bands = time_columns(&time);
    let rows = space_bands.len();
    let cols = time_bands.len();
    let near_rows = rows - 1;

    // Column of each day difference up to the last boundary; beyond → last column.
    let max_t = time[time.len() - 1];
    let mut col_of = vec![0u8; max_t as usize + 2];
    for (d, c) in col_of.iter_mut().enumerate() {
        *c = time.iter().position(|&b| d as i64 <= b).unwrap_or(cols - 1) as u8;
    }
    let col = |a: i64, b: i64| -> usize {
        let d = a.abs_diff(b).min(max_t as u64 + 1) as usize;
        col_of[d] as usize
    };

    // Close pairs, per row, listed once. A Manhattan distance is never less
    // than the straight line, so the pairs within the largest band by either
    // distance are among those the tree finds within it in a straight line.
    let max_b = space[space.len() - 1];
    let max2 = max_b * max_b;
    let bounds: Vec<f64> = space.iter().map(|&b| distance.bound(b)).collect();
    let max_bound = bounds[bounds.len() - 1];
    let tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(*p, i as u32))
            .collect(),
    );
    let per_point: Vec<Vec<(u32, u32, u8)>> = (0..points.len())
        .into_par_iter()
        .map(|i| {
            let p = points[i];
            let mut v: Vec<(u32, u32, u8)> = tree
                .locate_within_distance(p, max2)
                .filter(|e| (e.data as usize) > i)
                .filter_map(|e| {
                    let d = distance.measure(p, *e.geom());
                    if d > max_bound {
                        return None;
                    }
                    let row = if d == 0.0 {
                        0
                    } else {
                        1 + bounds
                            .iter()
                            .position(|&b| d <= b)
                            .unwrap_or(bounds.len() - 1)
                    };
                    Some((i as u32, e.data, row as u8))
                })
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    let total_pairs: usize = per_point.iter().map(Vec::len).sum();
    if total_pairs > MAX_PAIRS {
        return Err(HotspotError::TooLarge(format!(
            "{total_pairs} pairs within {max_b} m (limit {MAX_PAIRS}); use smaller space bands"
        )));
    }
    let mut pairs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); near_rows];
    for (i, j, r) in per_point.into_iter().flatten() {
        pairs[r as usize].push((i, j));
    }
    let close_pairs = total_pairs;

    // Pairs of all distances per time column: invariant under permutation.
    let mut sorted: Vec<i64> = days.to_vec();
    sorted.sort_unstable();
    let within = |b: i64| -> u64 {
        let (mut lo, mut n) = (0usize, 0u64);
        for j in 0..sorted.len() {
            while sorted[j].abs_diff(sorted[lo]) > b as u64 {
                lo += 1;
            }
            n += (j - lo) as u64;
        }
        n
    };
    let all_pairs = (sorted.len() as u64) * (sorted.len().saturating_sub(1) as u64) / 2;
    let mut col_totals = Vec::with_capacity(cols);
    let mut below = 0u64;
    for &b in &time {
        let w = within(b);
        col_totals.push(w - below);
        below = w;
    }
    col_totals.push(all_pairs - below);

    let count = |d: &[i64]| -> Vec<u64> {
        let mut c = vec![0u64; rows * cols];
        for (r, list) in pairs.iter().enumerate() {
            let row = &mut c[r * cols..(r + 1) * cols];
            for &(i, j) in list {
                row[col(d[i as usize], d[j as usize])] += 1;
            }
        }
        for t in 0..cols {
            let near: u64 = (0..near_rows).map(|r| c[r * cols + t]).sum();
            c[near_rows * cols + t] = col_totals[t] - near;
        }
        c
    };
    let observed = count(days);
    let perms: Vec<Vec<u64>> = (0..params.iterations)
        .into_par_iter()
        .map(|it| {
            let mut rng = SplitMix64::fork(params.seed, it as u64);
            let mut d = days.to_vec();
            for i in (1..d.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                d.swap(i, j);
            }
            count(&d)
        })
        .collect();
    let n = params.iterations as f64;
    let cells = (0..rows * cols)
        .map(|k| {
            let sum: u64 = perms.iter().map(|c| c[k]).sum();
            let ge = perms.iter().filter(|c| c[k] >= observed[k]).count();
            let expected = sum as f64 / n;
            KnoxCell {
                space: k / cols,
                time: k % cols,
                observed: observed[k],
                expected,
                ratio: (expected > 0.0).then(|| observed[k] as f64 / expected),
                p: (1.0 + ge as f64) / (n + 1.0),
            }
        })
        .collect();
    Ok(KnoxTable {
        distance,
        space_bands,
        time_bands,
        cells,
        events: points.len(),
        close_pairs,
        iterations: params.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(iterations: usize) -> KnoxParams {
        KnoxParams {
            distance: Distance::Euclidean,
            space_bands: vec![0.0, 100.0, 200.0],
            time_bands: vec![0, 7, 14],
            iterations,
            seed: 42,
        }
    }

    #[test]
    fn table_counted_by_hand() {
        // Five incidents:
        //   A (0,0)   day 0      B (0,0)   day 3     C (60,80) day 10
        //   D (300,0) day 11     E (0,150) day 40
        // Distances: AB 0, AC 100, AD 300, AE 150, BC 100, BD 300, BE 150,
        //   CD √(240²+80²)=253, CE √(60²+70²)=92.2, DE √(300²+150²)=335.
        // Day gaps: AB 3, AC 10, AD 11, AE 40, BC 7, BD 8, BE 37, CD 1, CE 30, DE 29.
        // Rows: same | ≤100 | 100–200 | >200; columns: 0–7 | 8–14 | >14.
        //   same:    AB(3)                 -> [1, 0, 0]
        //   ≤100:    AC(10) BC(7) CE(30)   -> [1, 1, 1]
        //   100–200: AE(40) BE(37)         -> [0, 0, 2]
        //   >200:    AD(11) BD(8) CD(1) DE(29) -> [1, 2, 1]
        let pts = [
            [0.0, 0.0],
            [0.0, 0.0],
            [60.0, 80.0],
            [300.0, 0.0],
            [0.0, 150.0],
        ];
        let days = [0, 3, 10, 11, 40];
        let t = knox(&pts, &days, &params(199)).unwrap();
        let obs: Vec<u64> = t.cells.iter().map(|c| c.observed).collect();
        assert_eq!(obs, vec![1, 0, 0, 1, 1, 1, 0, 0, 2, 1, 2, 1]);
        assert_eq!(t.close_pairs, 6);
        // Every permutation keeps the column totals (3, 3, 4) and the row
        // totals (1, 3, 2, 4), so the expected counts keep them too.
        for c in 0..3 {
            let e: f64 = (0..4).map(|r| t.cells[r * 3 + c].expected).sum();
            assert!((e - [3.0, 3.0, 4.0][c]).abs() < 1e-9);
        }
        for r in 0..4 {
            let e: f64 = (0..3).map(|c| t.cells[r * 3 + c].expected).sum();
            assert!((e - [1.0, 3.0, 2.0, 4.0][r]).abs() < 1e-9);
        }
        for c in &t.cells {
            assert!(c.p > 0.0 && c.p <= 1.0);
            // p counts the observed table itself: at least 1/(N+1).
            assert!(c.p >= 1.0 / 200.0);
        }
    }

    /// `n` whole-metre points on a `side`-metre square and their days in
    /// `0..span`, from a seed.
    fn random_events(seed: u64, n: usize, side: u64, span: u64) -> (Vec<[f64; 2]>, Vec<i64>) {
        let mut g = SplitMix64::new(seed);
        let pts = (0..n)
            .map(|_| [g.below(side) as f64, g.below(side) as f64])
            .collect();
        let days = (0..n).map(|_| g.below(span) as i64).collect();
        (pts, days)
    }

    /// Observed counts by a plain loop over every pair.
    fn brute_force(pts: &[[f64; 2]], days: &[i64], t: &KnoxTable) -> Vec<u64> {
        let cols = t.time_bands.len();
        let mut c = vec![0u64; t.space_bands.len() * cols];
        for i in 0..pts.len() {
            for j in i + 1..pts.len() {
                let (dx, dy) = (pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
                let d = match t.distance {
                    Distance::Euclidean => dx.hypot(dy),
                    Distance::Manhattan => dx.abs() + dy.abs(),
                };
                let r = t
                    .space_bands
                    .iter()
                    .position(|b| {
                        (d > b.min_m || (b.min_inclusive && d == b.min_m))
                            && b.max_m.is_none_or(|m| d <= m)
                    })
                    .unwrap();
                let gap = (days[i] - days[j]).abs();
                let k = t
                    .time_bands
                    .iter()
                    .position(|b| gap >= b.min_days && b.max_days.is_none_or(|m| gap <= m))
                    .unwrap();
                c[r * cols + k] += 1;
            }
        }
        c
    }

    #[test]
    fn manhattan_and_euclidean_match_a_loop_over_every_pair() {
        // Whole-metre points on a 600 m square, so the band edges are hit
        // exactly (e.g. (0,0)–(60,80): 100 m straight, 140 m Manhattan).
        let (pts, days) = random_events(11, 300, 600, 120);
        let mut k = params(19);
        k.space_bands = vec![0.0, 50.0, 100.0, 140.0, 200.0];
        let mut counts = Vec::new();
        for distance in [Distance::Euclidean, Distance::Manhattan] {
            k.distance = distance;
            let t = knox(&pts, &days, &k).unwrap();
            assert_eq!(t.distance, distance);
            let obs: Vec<u64> = t.cells.iter().map(|c| c.observed).collect();
            assert_eq!(obs, brute_force(&pts, &days, &t), "{distance:?}");
            counts.push((obs, t.close_pairs));
        }
        // Manhattan distances are longer: fewer pairs within 200 m, and the
        // tables differ.
        assert!(counts[1].1 < counts[0].1, "{} {}", counts[1].1, counts[0].1);
        assert_ne!(counts[0].0, counts[1].0);
    }

    #[test]
    fn bands_state_their_bounds_and_distance() {
        let mut k = params(9);
        k.distance = Distance::Manhattan;
        k.space_bands = vec![100.0, 250.5];
        k.time_bands = vec![0, 7, 30];
        let t = knox(&[[0.0, 0.0]], &[0], &k).unwrap();
        let rows: Vec<(&str, f64, bool, Option<f64>)> = t
            .space_bands
            .iter()
            .map(|b| (b.label.as_str(), b.min_m, b.min_inclusive, b.max_m))
            .collect();
        assert_eq!(
            rows,
            [
                ("same location (0 m)", 0.0, true, Some(0.0)),
                (
                    "more than 0 m and at most 100 m (Manhattan)",
                    0.0,
                    false,
                    Some(100.0)
                ),
                (
                    "more than 100 m and at most 250.5 m (Manhattan)",
                    100.0,
                    false,
                    Some(250.5)
                ),
                ("more than 250.5 m (Manhattan)", 250.5, false, None),
            ]
        );
        let cols: Vec<(&str, i64, Option<i64>)> = t
            .time_bands
            .iter()
            .map(|b| (b.label.as_str(), b.min_days, b.max_days))
            .collect();
        assert_eq!(
            cols,
            [
                ("0 to 7 days (inclusive)", 0, Some(7)),
                ("8 to 30 days (inclusive)", 8, Some(30)),
                ("more than 30 days", 31, None),
            ]
        );
    }

    #[test]
    fn deterministic_across_thread_counts() {
        let (pts, days) = random_events(3, 400, 2000, 365);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let a = one.install(|| knox(&pts, &days, &params(99)).unwrap());
        let b = three.install(|| knox(&pts, &days, &params(99)).unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let p = [[0.0, 0.0]];
        let mut k = params(0);
        assert!(knox(&p, &[0], &k).is_err());
        k.iterations = 9;
        assert!(knox(&p, &[0, 1], &k).is_err());
        k.space_bands = vec![200.0, 100.0];
        assert!(knox(&p, &[0], &k).is_err());
        k.space_bands = vec![100.0];
        k.time_bands = vec![0];
        assert!(knox(&p, &[0], &k).is_err());
        k.time_bands = vec![7];
        let t = knox(&p, &[0], &k).unwrap();
        assert!(t.cells.iter().all(|c| c.observed == 0 && c.ratio.is_none()));
        assert!(knox(&[], &[], &k).is_ok());
    }
}
