//! Square grids aligned to multiples of the cell size in BNG metres.
//!
//! Cell `(col, row)` covers `[(ix0 + col)·cell, (ix0 + col + 1)·cell)` ×
//! `[(iy0 + row)·cell, (iy0 + row + 1)·cell)`; cells are stored row-major,
//! south row first, west to east: index `row · nx + col`.

use geo::{Coord, LineString, Polygon};

use crate::{positive, HotspotError, Result};

/// The largest grid any method builds (cells).
pub const MAX_CELLS: u64 = 25_000_000;

/// A grid over a rectangle of whole cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Cell size, metres.
    pub cell: f64,
    /// Index of the westmost column (`floor(x / cell)`).
    pub ix0: i64,
    /// Index of the southmost row (`floor(y / cell)`).
    pub iy0: i64,
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
}

impl Grid {
    /// The grid of every cell of the bounding box of `points`, widened by
    /// `pad` cells on each side. `None` points give an empty grid error.
    ///
    /// ```
    /// let g = marac_hotspot::grid::Grid::covering(&[[120.0, 10.0], [380.0, 260.0]], 250.0, 0).unwrap();
    /// assert_eq!((g.ix0, g.iy0, g.nx, g.ny), (0, 0, 2, 2));
    /// assert_eq!(g.centre(g.index(1, 1)), [375.0, 375.0]);
    /// ```
    pub fn covering(points: &[[f64; 2]], cell: f64, pad: i64) -> Result<Grid> {
        let cell = positive("cell", cell)?;
        if points.is_empty() {
            return Err(HotspotError::Parameter("no points to grid".into()));
        }
        let mut lo = [i64::MAX; 2];
        let mut hi = [i64::MIN; 2];
        for p in points {
            for a in 0..2 {
                let v = (p[a] / cell).floor();
                if !v.is_finite() || v.abs() > 1e15 {
                    return Err(HotspotError::Parameter(
                        "point outside any sensible grid".into(),
                    ));
                }
                let v = v as i64;
                lo[a] = lo[a].min(v);
                hi[a] = hi[a].max(v);
            }
        }
        let nx = (hi[0] - lo[0] + 1 + 2 * pad) as u64;
        let ny = (hi[1] - lo[1] + 1 + 2 * pad) as u64;
        if nx.saturating_mul(ny) > MAX_CELLS {
            return Err(HotspotError::TooLarge(format!(
                "a {nx} × {ny} grid of {cell} m cells (limit {MAX_CELLS} cells); use a larger cell"
            )));
        }
        Ok(Grid {
            cell,
            ix0: lo[0] - pad,
            iy0: lo[1] - pad,
            nx: nx as usize,
            ny: ny as usize,
        })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// Whether the grid has no cells (never, for a built grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index of cell `(col, row)`.
    pub fn index(&self, col: usize, row: usize) -> usize {
        row * self.nx + col
    }

    /// The cell holding a point, if inside the grid.
    pub fn cell_of(&self, p: [f64; 2]) -> Option<usize> {
        let cx = (p[0] / self.cell).floor();
        let cy = (p[1] / self.cell).floor();
        if !(cx.is_finite() && cy.is_finite()) {
            return None;
        }
        let col = cx as i64 - self.ix0;
        let row = cy as i64 - self.iy0;
        if col < 0 || row < 0 || col >= self.nx as i64 || row >= self.ny as i64 {
            return None;
        }
        Some(self.index(col as usize, row as usize))
    }

    /// Column and row of a cell index.
    pub fn col_row(&self, i: usize) -> (usize, usize) {
        (i % self.nx, i / self.nx)
    }

    /// Centre of a cell in BNG metres.
    pub fn centre(&self, i: usize) -> [f64; 2] {
        let (c, r) = self.col_row(i);
        [
            ((self.ix0 + c as i64) as f64 + 0.5) * self.cell,
            ((self.iy0 + r as i64) as f64 + 0.5) * self.cell,
        ]
    }

    /// The square of a cell in BNG metres, counter-clockwise.
    pub fn square(&self, i: usize) -> Polygon<f64> {
        let (c, r) = self.col_row(i);
        let x0 = (self.ix0 + c as i64) as f64 * self.cell;
        let y0 = (self.iy0 + r as i64) as f64 * self.cell;
        let (x1, y1) = (x0 + self.cell, y0 + self.cell);
        Polygon::new(
            LineString::new(vec![
                Coord { x: x0, y: y0 },
                Coord { x: x1, y: y0 },
                Coord { x: x1, y: y1 },
                Coord { x: x0, y: y1 },
                Coord { x: x0, y: y0 },
            ]),
            vec![],
        )
    }

    /// Counts of points per cell (points outside the grid are ignored).
    pub fn counts(&self, points: &[[f64; 2]]) -> Vec<u32> {
        let mut counts = vec![0u32; self.len()];
        for p in points {
            if let Some(i) = self.cell_of(*p) {
                counts[i] = counts[i].saturating_add(1);
            }
        }
        counts
    }
}

/// The stencil of a distance band on a grid: for each row offset `dy` in
/// `-r..=r`, the largest column offset `dx` with
/// `cell·√(dx² + dy²) <= band` (cell centres within the band, the cell
/// itself included), or `-1` when no cell of that row is within. Index
/// `dy + r`.
///
/// ```
/// // 250 m cells, 500 m band: rows -2..=2 reach 0, 1, 2, 1, 0 columns.
/// assert_eq!(marac_hotspot::grid::band_stencil(250.0, 500.0), vec![0, 1, 2, 1, 0]);
/// ```
pub fn band_stencil(cell: f64, band: f64) -> Vec<i64> {
    let within = |dx: i64, dy: i64| ((dx * dx + dy * dy) as f64) * cell * cell <= band * band;
    let mut r = (band / cell).floor().max(0.0) as i64;
    while within(0, r + 1) {
        r += 1;
    }
    while r > 0 && !within(0, r) {
        r -= 1;
    }
    (-r..=r)
        .map(|dy| {
            let mut dx = r;
            while dx >= 0 && !within(dx, dy) {
                dx -= 1;
            }
            dx
        })
        .collect()
}
