//! Quartic (biweight) kernel density on a grid, as ArcGIS's Kernel Density
//! and QGIS's Heatmap (quartic kernel, unscaled) compute it.
//!
//! The density at a cell centre is
//!
//! ```text
//!              3          d_i²  ²
//! f = Σ_i  ────────── (1 − ────)      over incidents with d_i < h,
//!          π · h²            h²
//! ```
//!
//! incidents per square metre, reported **per km²** (× 10⁶). Each incident
//! contributes a total mass of 1 (the kernel integrates to 1), so summing
//! `density × cell area` over the grid gives back the number of incidents
//! (up to the grid's discretisation).
//!
//! When no bandwidth is given, [`default_bandwidth`] applies ArcGIS's
//! default search radius, a spatial variant of Silverman's rule of thumb:
//! `h = 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−0.2)`, where `SD` is the
//! standard distance of the points and `Dm` the median distance from their
//! mean centre. When that is 0 (one point, or all at one place) the cell
//! size is used.

use crate::grid::Grid;
use crate::{positive, HotspotError, Result};

/// The largest kernel footprint, in cells, one point may touch.
pub const MAX_KERNEL_CELLS: f64 = 4_000_000.0;

/// A density grid.
#[derive(Debug, Clone, PartialEq)]
pub struct KdeGrid {
    /// The grid (the points' bounding box widened by the bandwidth).
    pub grid: Grid,
    /// The bandwidth (search radius) used, metres.
    pub bandwidth: f64,
    /// Whether the bandwidth came from [`default_bandwidth`].
    pub rule: bool,
    /// Density per km² of each cell, grid order.
    pub density: Vec<f64>,
}

/// The quartic kernel per m² at distance `d` for bandwidth `h`.
///
/// ```
/// use marac_hotspot::kde::quartic;
/// let h = 100.0;
/// assert!((quartic(0.0, h) - 3.0 / (std::f64::consts::PI * 1e4)).abs() < 1e-15);
/// assert_eq!(quartic(100.0, h), 0.0);
/// // half-way: (1 − 0.25)² = 0.5625 of the peak
/// assert!((quartic(50.0, h) / quartic(0.0, h) - 0.5625).abs() < 1e-12);
/// ```
pub fn quartic(d: f64, h: f64) -> f64 {
    if d.is_nan() || d >= h {
        return 0.0;
    }
    let u = d * d / (h * h);
    3.0 / (std::f64::consts::PI * h * h) * (1.0 - u) * (1.0 - u)
}

/// ArcGIS's default search radius (see the module docs); `None` for fewer
/// than two distinct points.
///
/// ```
/// use marac_hotspot::kde::default_bandwidth;
/// // Four points at the corners of a 200 m square: SD = √(100² + 100²) = 141.42,
/// // Dm = 141.42, √(1/ln 2)·Dm = 169.86, h = 0.9 · 141.42 · 4^(−0.2) = 96.459.
/// let h = default_bandwidth(&[[0.0, 0.0], [200.0, 0.0], [0.0, 200.0], [200.0, 200.0]]).unwrap();
/// assert!((h - 96.459).abs() < 0.001);
/// ```
pub fn default_bandwidth(points: &[[f64; 2]]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p[0]).sum::<f64>() / n;
    let my = points.iter().map(|p| p[1]).sum::<f64>() / n;
    let sd = (points
        .iter()
        .map(|p| (p[0] - mx).powi(2) + (p[1] - my).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let mut d: Vec<f64> = points
        .iter()
        .map(|p| (p[0] - mx).hypot(p[1] - my))
        .collect();
    d.sort_by(f64::total_cmp);
    let m = d.len();
    let dm = if m % 2 == 1 {
        d[m / 2]
    } else {
        (d[m / 2 - 1] + d[m / 2]) / 2.0
    };
    let h = 0.9 * sd.min((1.0 / std::f64::consts::LN_2).sqrt() * dm) * n.powf(-0.2);
    (h.is_finite() && h > 0.0).then_some(h)
}

/// Quartic kernel density of points on `cell`-metre cells, with the given
/// bandwidth or [`default_bandwidth`].
///
/// ```
/// use marac_hotspot::kde::kde;
/// let k = kde(&[[1050.0, 1050.0]], 100.0, Some(150.0)).unwrap();
/// // The point's own cell has the peak: 3/(π·150²) per m² = 42.44 per km².
/// let i = k.grid.cell_of([1050.0, 1050.0]).unwrap();
/// assert!((k.density[i] - 3e6 / (std::f64::consts::PI * 22_500.0)).abs() < 1e-9);
/// // Mass is conserved: Σ density × cell area (0.01 km²) ≈ 1 incident.
/// let mass: f64 = k.density.iter().map(|d| d * 0.01).sum();
/// assert!((mass - 1.0).abs() < 0.1);
/// ```
pub fn kde(points: &[[f64; 2]], cell: f64, bandwidth: Option<f64>) -> Result<KdeGrid> {
    let cell = positive("cell", cell)?;
    let (h, rule) = match bandwidth {
        Some(b) => (positive("bandwidth", b)?, false),
        None => (default_bandwidth(points).unwrap_or(cell), true),
    };
    let reach = (h / cell).ceil();
    if (2.0 * reach + 1.0).powi(2) > MAX_KERNEL_CELLS {
        return Err(HotspotError::TooLarge(format!(
            "a {h:.0} m bandwidth spans too many {cell} m cells; use a larger cell"
        )));
    }
    let reach = reach as i64;
    let grid = Grid::covering(points, cell, reach)?;
    let mut density = vec![0.0f64; grid.len()];
    for p in points {
        let Some(home) = grid.cell_of(*p) else {
            continue;
        };
        let (hc, hr) = grid.col_row(home);
        let (hc, hr) = (hc as i64, hr as i64);
        for row in (hr - reach).max(0)..=(hr + reach).min(grid.ny as i64 - 1) {
            for col in (hc - reach).max(0)..=(hc + reach).min(grid.nx as i64 - 1) {
                let i = grid.index(col as usize, row as usize);
                let c = grid.centre(i);
                let k = quartic((c[0] - p[0]).hypot(c[1] - p[1]), h);
                if k > 0.0 {
                    density[i] += k * 1e6;
                }
            }
        }
    }
    Ok(KdeGrid {
        grid,
        bandwidth: h,
        rule,
        density,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_points_by_hand() {
        // Points at (50, 50) and (250, 50), cells of 100 m, h = 150 m.
        // Cell centre (150, 50) is 100 m from both:
        //   each 3/(π·150²)·(1 − 100²/150²)² = 3/(π·22500)·(5/9)²  per m².
        let k = kde(&[[50.0, 50.0], [250.0, 50.0]], 100.0, Some(150.0)).unwrap();
        let i = k.grid.cell_of([150.0, 50.0]).unwrap();
        let one = 3.0 / (std::f64::consts::PI * 22_500.0) * (25.0 / 81.0) * 1e6;
        assert!((k.density[i] - 2.0 * one).abs() < 1e-9);
        assert!(!k.rule);
        assert!(kde(&[[0.0, 0.0]], 0.0, None).is_err());
        assert!(kde(&[[0.0, 0.0]], 1.0, Some(-1.0)).is_err());
        assert!(kde(&[[0.0, 0.0]], 1.0, Some(1e9)).is_err());
        let one_point = kde(&[[0.0, 0.0]], 10.0, None).unwrap();
        assert_eq!(one_point.bandwidth, 10.0);
    }
}
