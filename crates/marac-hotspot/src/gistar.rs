//! Getis-Ord Gi* on a regular grid, as ArcGIS's Hot Spot Analysis.
//!
//! Observations are the square cells of a [`Grid`] over the bounding box of
//! the incidents (zero counts included); `x_j` is the number of incidents
//! in cell `j`, `n` the number of cells. Weights are binary: `w_ij = 1`
//! when the centres of cells `i` and `j` are within `band` metres
//! (distance `<= band`), the cell itself included, else 0. Then
//!
//! ```text
//! x̄ = Σ x_j / n          S = √(Σ x_j² / n − x̄²)        W_i = Σ_j w_ij
//!
//!        Σ_j w_ij x_j − x̄ W_i
//! Gi* = ─────────────────────────────────
//!        S · √((n W_i − W_i²) / (n − 1))
//! ```
//!
//! (with binary weights `Σ w_ij² = W_i`). Gi* is a z-score; its two-sided
//! p-value comes from the standard normal. When it is undefined (every
//! cell has the same count, so `S = 0`, or a cell's band covers the whole
//! grid, so `W_i = n`) it is reported as `0` with `p = 1`.
//!
//! Classes follow ArcGIS with its False Discovery Rate option: for each
//! confidence level 90 / 95 / 99 % the Benjamini–Hochberg cut-off of all `n`
//! p-values at α = 0.10 / 0.05 / 0.01 is found ([`bh_cutoff`]); a cell is
//! significant at the highest level whose cut-off its p-value is `<=`, and
//! `hot_…` or `cold_…` by the sign of its z-score.
//!
//! Sums over the band use the grid: the neighbours of a cell are a fixed
//! stencil of row offsets, each a run of columns, summed with per-row prefix
//! sums, so the cost is `n × (rows of the stencil)`, never `n²`.

use serde::Serialize;

use crate::grid::{band_stencil, Grid};
use crate::stats::{bh_cutoff, two_sided_p};
use crate::{positive, HotspotError, Result};

/// Largest band, in cells, the stencil may span.
pub const MAX_BAND_CELLS: f64 = 5_000.0;

/// The hot/cold class of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GiClass {
    /// Hot spot at 99 % confidence.
    Hot99,
    /// Hot spot at 95 % confidence.
    Hot95,
    /// Hot spot at 90 % confidence.
    Hot90,
    /// Not significant.
    NotSignificant,
    /// Cold spot at 90 % confidence.
    Cold90,
    /// Cold spot at 95 % confidence.
    Cold95,
    /// Cold spot at 99 % confidence.
    Cold99,
}

impl GiClass {
    /// The label, e.g. `hot_99`.
    pub fn as_str(self) -> &'static str {
        match self {
            GiClass::Hot99 => "hot_99",
            GiClass::Hot95 => "hot_95",
            GiClass::Hot90 => "hot_90",
            GiClass::NotSignificant => "not_significant",
            GiClass::Cold90 => "cold_90",
            GiClass::Cold95 => "cold_95",
            GiClass::Cold99 => "cold_99",
        }
    }

    /// Whether the class is a hot spot.
    pub fn is_hot(self) -> bool {
        matches!(self, GiClass::Hot99 | GiClass::Hot95 | GiClass::Hot90)
    }

    /// The highest confidence, percent, at which the cell is a hot or cold
    /// spot: 99, 95 or 90; `None` when it is not significant.
    pub fn confidence(self) -> Option<u8> {
        match self {
            GiClass::Hot99 | GiClass::Cold99 => Some(99),
            GiClass::Hot95 | GiClass::Cold95 => Some(95),
            GiClass::Hot90 | GiClass::Cold90 => Some(90),
            GiClass::NotSignificant => None,
        }
    }

    /// Whether the cell is a hot or cold spot at `percent` confidence (a
    /// `hot_99` cell is significant at 90, 95 and 99 %).
    ///
    /// ```
    /// use marac_hotspot::gistar::GiClass;
    /// assert!(GiClass::Cold95.significant_at(90) && GiClass::Cold95.significant_at(95));
    /// assert!(!GiClass::Cold95.significant_at(99));
    /// assert!(!GiClass::NotSignificant.significant_at(90));
    /// ```
    pub fn significant_at(self, percent: u8) -> bool {
        self.confidence().is_some_and(|c| c >= percent)
    }
}

/// One cell of a Gi* result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GiCell {
    /// Cell index in the grid.
    pub index: usize,
    /// Centre easting, metres.
    pub x: f64,
    /// Centre northing, metres.
    pub y: f64,
    /// Incidents in the cell.
    pub count: u32,
    /// Gi* z-score.
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Class after FDR correction.
    pub class: GiClass,
}

/// The Gi* result on a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GiGrid {
    /// The grid.
    pub grid: Grid,
    /// Every cell, in grid order (south row first, west to east).
    pub cells: Vec<GiCell>,
}

/// Gi* of incident counts on the grid of `cell`-metre squares covering the
/// points, with a `band`-metre distance band.
///
/// ```
/// use marac_hotspot::gistar::gi_star;
/// // 12 incidents in one 100 m cell, one in each corner of a 5 × 5 grid.
/// let mut pts = vec![[250.0, 250.0]; 12];
/// pts.extend([[50.0, 50.0], [450.0, 50.0], [50.0, 450.0], [450.0, 450.0]]);
/// let g = gi_star(&pts, 100.0, 100.0).unwrap();
/// let centre = g.cells.iter().find(|c| c.count == 12).unwrap();
/// // n = 25, x̄ = 0.64, S² = 148/25 − 0.64² = 5.5104; the centre sees itself
/// // and 4 neighbours: z = (12 − 5 · 0.64) / (S · √((125 − 25)/24)) ≈ 1.837.
/// assert!((centre.z - 1.8366).abs() < 1e-3);
/// // p ≈ 0.066 for five cells: not significant once corrected for 25 tests.
/// assert_eq!(centre.class.as_str(), "not_significant");
/// ```
pub fn gi_star(points: &[[f64; 2]], cell: f64, band: f64) -> Result<GiGrid> {
    let cell = positive("cell", cell)?;
    let band = positive("band", band)?;
    if band / cell > MAX_BAND_CELLS {
        return Err(HotspotError::TooLarge(format!(
            "a band of {band} m is more than {MAX_BAND_CELLS} cells of {cell} m"
        )));
    }
    let grid = Grid::covering(points, cell, 0)?;
    let counts = grid.counts(points);
    let values: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let stencil = band_stencil(cell, band);
    let z = gi_star_z(&values, grid.nx, grid.ny, &stencil);
    let p: Vec<f64> = z.iter().map(|&z| two_sided_p(z)).collect();
    let class = classify(&z, &p);
    let cells = (0..grid.len())
        .map(|i| {
            let [x, y] = grid.centre(i);
            GiCell {
                index: i,
                x,
                y,
                count: counts[i],
                z: z[i],
                p: p[i],
                class: class[i],
            }
        })
        .collect();
    Ok(GiGrid { grid, cells })
}

/// Gi* z-scores of `values` on an `nx × ny` grid (row-major, `values.len()
/// == nx · ny`) with a [`band_stencil`]. Undefined scores are 0.
///
/// ```
/// use marac_hotspot::gistar::gi_star_z;
/// // 1 × 3 grid, counts 0, 0, 3, each cell with its direct neighbours.
/// // n = 3, x̄ = 1, S = √(9/3 − 1) = √2.
/// // Cell 2: W = 2, Σwx = 3: (3 − 2) / (√2 · √((6 − 4)/2)) = 1/√2.
/// let z = gi_star_z(&[0.0, 0.0, 3.0], 3, 1, &[1]);
/// assert!((z[2] - 1.0 / 2f64.sqrt()).abs() < 1e-12);
/// ```
pub fn gi_star_z(values: &[f64], nx: usize, ny: usize, stencil: &[i64]) -> Vec<f64> {
    let n = nx * ny;
    if n == 0 || values.len() != n {
        return vec![0.0; values.len()];
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf;
    let s = var.sqrt();
    // Row prefix sums: prefix[row * (nx + 1) + col] = Σ values[row][..col].
    let mut prefix = vec![0.0f64; ny * (nx + 1)];
    for row in 0..ny {
        let base = row * (nx + 1);
        for col in 0..nx {
            prefix[base + col + 1] = prefix[base + col] + values[row * nx + col];
        }
    }
    let r = (stencil.len() / 2) as i64;
    let mut z = vec![0.0; n];
    for row in 0..ny {
        for col in 0..nx {
            let mut sum = 0.0;
            let mut w = 0usize;
            for (k, &reach) in stencil.iter().enumerate() {
                if reach < 0 {
                    continue;
                }
                let rr = row as i64 + k as i64 - r;
                if rr < 0 || rr >= ny as i64 {
                    continue;
                }
                let c0 = (col as i64 - reach).max(0) as usize;
                let c1 = ((col as i64 + reach).min(nx as i64 - 1)) as usize;
                let base = rr as usize * (nx + 1);
                sum += prefix[base + c1 + 1] - prefix[base + c0];
                w += c1 + 1 - c0;
            }
            let wf = w as f64;
            let den2 = (nf * wf - wf * wf) / (nf - 1.0);
            let zi = (sum - mean * wf) / (s * den2.sqrt());
            z[row * nx + col] = if s > 0.0 && den2 > 0.0 && zi.is_finite() {
                zi
            } else {
                0.0
            };
        }
    }
    z
}

/// Classes of cells from their z-scores and p-values, with
/// Benjamini–Hochberg correction at 90, 95 and 99 % (see the module docs).
///
/// ```
/// use marac_hotspot::gistar::{classify, GiClass};
/// let c = classify(&[3.0, -2.0, 0.1], &[0.002, 0.04, 0.9]);
/// // BH cut-offs (n = 3): α = 0.01 → 0.002 (≤ 0.01/3); α = 0.05 → 0.002
/// // (0.04 > 0.05·2/3); α = 0.10 → 0.04 (≤ 0.10·2/3).
/// assert_eq!(c, vec![GiClass::Hot99, GiClass::Cold90, GiClass::NotSignificant]);
/// ```
pub fn classify(z: &[f64], p: &[f64]) -> Vec<GiClass> {
    let cuts = [0.01, 0.05, 0.10].map(|a| bh_cutoff(p, a));
    z.iter()
        .zip(p)
        .map(|(&z, &p)| {
            let level = cuts.iter().position(|c| c.is_some_and(|c| p <= c));
            match (level, z > 0.0, z < 0.0) {
                (Some(0), true, _) => GiClass::Hot99,
                (Some(1), true, _) => GiClass::Hot95,
                (Some(2), true, _) => GiClass::Hot90,
                (Some(0), _, true) => GiClass::Cold99,
                (Some(1), _, true) => GiClass::Cold95,
                (Some(2), _, true) => GiClass::Cold90,
                _ => GiClass::NotSignificant,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_by_three_by_hand() {
        // Counts (row-major, south row first):
        //   row 0: 0 0 0
        //   row 1: 0 9 0
        //   row 2: 0 0 0
        // n = 9, x̄ = 1, Σx² = 81, S = √(81/9 − 1) = √8.
        // Band = 1 cell (rook neighbours plus self; diagonals are √2 > 1).
        // Centre: W = 5, Σwx = 9: z = (9 − 5) / (√8 · √((45 − 25)/8))
        //                            = 4 / (√8 · √2.5) = 4 / √20 = 0.894427…
        // Edge-middle (e.g. col 1, row 0): W = 4 (self, left, right, up),
        //   Σwx = 9: z = (9 − 4) / (√8 · √((36 − 16)/8)) = 5 / √20 = 1.118034…
        // Corner (0,0): W = 3, Σwx = 0: z = (0 − 3) / (√8 · √((27 − 9)/8))
        //                            = −3 / √18 = −0.707107…
        let mut v = vec![0.0; 9];
        v[4] = 9.0;
        let z = gi_star_z(&v, 3, 3, &band_stencil(1.0, 1.0));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(z[4], 4.0 / 20f64.sqrt()), "{}", z[4]);
        assert!(close(z[1], 5.0 / 20f64.sqrt()), "{}", z[1]);
        assert!(close(z[0], -3.0 / 18f64.sqrt()), "{}", z[0]);
        assert!(close(z[8], z[0]) && close(z[3], z[1]));
    }

    #[test]
    fn queen_band_and_grid_from_points() {
        // 3 × 3 cells of 100 m, band √2·100 = 141.5 m (queen: all 8 neighbours).
        // Counts: row 0: 1 0 0 / row 1: 0 4 0 / row 2: 0 0 1 (6 incidents; the
        // corners (0,0) and (2,2) anchor the bounding box).
        // n = 9, x̄ = 6/9 = 2/3, Σx² = 18, S² = 18/9 − 4/9 = 14/9.
        // Centre: W = 9 = n → undefined → 0.
        // Corner (0,0): W = 4, Σwx = 1 + 4 = 5:
        //   z = (5 − 8/3) / (√(14/9) · √((36 − 16)/8)) = (7/3) / (√(14/9)·√2.5)
        let mut pts = vec![[150.0, 150.0]; 4];
        pts.push([50.0, 50.0]);
        pts.push([250.0, 250.0]);
        let g = gi_star(&pts, 100.0, 141.5).unwrap();
        assert_eq!((g.grid.nx, g.grid.ny), (3, 3));
        assert_eq!(g.cells[4].count, 4);
        assert_eq!(g.cells[4].z, 0.0);
        assert_eq!(g.cells[4].p, 1.0);
        let want = (7.0 / 3.0) / ((14.0f64 / 9.0).sqrt() * 2.5f64.sqrt());
        assert!(
            (g.cells[0].z - want).abs() < 1e-12,
            "{} {want}",
            g.cells[0].z
        );
        assert_eq!((g.cells[0].x, g.cells[0].y), (50.0, 50.0));
    }

    #[test]
    fn stencil_matches_brute_force_sums() {
        let mut g = marac_model::SplitMix64::new(5);
        let (nx, ny) = (13, 9);
        let v: Vec<f64> = (0..nx * ny).map(|_| g.below(5) as f64).collect();
        for band in [1.0, 1.5, 2.0, 2.9, 4.2] {
            let z = gi_star_z(&v, nx, ny, &band_stencil(1.0, band));
            let n = (nx * ny) as f64;
            let mean = v.iter().sum::<f64>() / n;
            let s = (v.iter().map(|x| x * x).sum::<f64>() / n - mean * mean).sqrt();
            for (i, zi) in z.iter().enumerate() {
                let (ci, ri) = ((i % nx) as f64, (i / nx) as f64);
                let (mut w, mut sum) = (0.0, 0.0);
                for (j, vj) in v.iter().enumerate() {
                    let (cj, rj) = ((j % nx) as f64, (j / nx) as f64);
                    if (ci - cj).hypot(ri - rj) <= band {
                        w += 1.0;
                        sum += vj;
                    }
                }
                let want = (sum - mean * w) / (s * ((n * w - w * w) / (n - 1.0)).sqrt());
                assert!(
                    (zi - want).abs() < 1e-9,
                    "band {band} cell {i}: {zi} {want}"
                );
            }
        }
    }

    #[test]
    fn bad_and_degenerate_inputs() {
        assert!(gi_star(&[[0.0, 0.0]], 0.0, 1.0).is_err());
        assert!(gi_star(&[[0.0, 0.0]], 1.0, f64::NAN).is_err());
        assert!(gi_star(&[], 1.0, 1.0).is_err());
        assert!(gi_star(&[[0.0, 0.0], [1e9, 1e9]], 1.0, 1.0).is_err());
        let one = gi_star(&[[5.0, 5.0]], 10.0, 10.0).unwrap();
        assert_eq!(one.cells.len(), 1);
        assert_eq!(one.cells[0].class, GiClass::NotSignificant);
    }
}
