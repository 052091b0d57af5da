//! The spatial index behind [`Areas::locate`](crate::Areas::locate) and
//! [`Areas::place`](crate::Areas::place).
//!
//! Full-resolution boundaries have tens of thousands of vertices, and
//! `marac` places a million incidents in a run, so neither building the
//! index nor testing a point may read every edge:
//!
//! * **A grid** of at most 256 × 256 square cells over the areas. Each edge is
//!   filed, row by row, under every cell it passes within
//!   [`NEAR_BOUNDARY_M`] (plus a metre) of. A cell with no edge filed is *clear*: no
//!   boundary passes within [`NEAR_BOUNDARY_M`] of any point in it, so every
//!   point in it lies in the same areas as every other, and the answer (the
//!   area, not near a boundary) is worked out once, for one point of each
//!   connected group of clear cells. Most points in London fall in a clear
//!   cell and are placed with one array read.
//! * **Per polygon, horizontal strips**, each listing the edges whose height
//!   range meets it. A point in a cell with edges is tested against the
//!   polygons whose bounding box holds it (an R*-tree of 36 boxes for
//!   London) by casting a ray east and counting the edges it crosses, reading
//!   only the edges of the point's strip. Orientation is decided with geo's
//!   robust predicates, so a point exactly on an edge is on the boundary,
//!   never inside or outside by rounding. Whether a point is near another
//!   BCU reads only the edges filed under its cell.
//!
//! Strip numbers come from the same monotone expression
//! (`floor((v - origin) / size)`) when edges are filed and when points are
//! looked up, so a point is never looked up in a strip that lacks an edge it
//! could touch; grid cells are filed with a metre to spare for rounding.
//!
//! Memory stays linear in the number of edges whatever the shapes: a polygon
//! of long edges gets fewer, taller strips (at most about six filings an
//! edge), and past 32 filings an edge on average the grid is left out and
//! every point takes the strips.

use std::ops::Range;

use geo::coordinate_position::CoordPos;
use geo::kernels::{Kernel, RobustKernel};
use geo::{BoundingRect, Coord, Orientation};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::areas::{Area, AreaId, NEAR_BOUNDARY_M};

/// Grid cells per side, at most.
const GRID_SIDE: f64 = 256.0;

/// A cell with edges: the slow path.
const MIXED: u32 = u32::MAX;
/// A clear cell outside every area.
const OUTSIDE: u32 = u32::MAX - 1;

/// One edge of a polygon ring, with the area it bounds.
#[derive(Clone, Copy)]
struct Seg {
    a: Coord<f64>,
    b: Coord<f64>,
    area: AreaId,
}

impl Seg {
    /// Squared distance from `c` to the segment.
    fn distance_2(&self, c: Coord<f64>) -> f64 {
        let d = self.b - self.a;
        let len2 = d.x * d.x + d.y * d.y;
        let t = if len2 > 0.0 {
            (((c.x - self.a.x) * d.x + (c.y - self.a.y) * d.y) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = self.a + d * t;
        (c.x - q.x).powi(2) + (c.y - q.y).powi(2)
    }
}

/// Items filed under numbered buckets, stored flat (compressed rows).
#[derive(Default)]
struct Buckets {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Buckets {
    /// Files each `(bucket, item)` pair; buckets are `0..n`.
    fn new(n: usize, pairs: &[(u32, u32)]) -> Buckets {
        let mut starts = vec![0u32; n + 1];
        for &(bucket, _) in pairs {
            starts[bucket as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(bucket, item) in pairs {
            let slot = &mut next[bucket as usize];
            items[*slot as usize] = item;
            *slot += 1;
        }
        Buckets { starts, items }
    }

    fn get(&self, bucket: usize) -> &[u32] {
        match (self.starts.get(bucket), self.starts.get(bucket + 1)) {
            (Some(&s), Some(&e)) => self.items.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// `floor((v - origin) / size)` as a bucket number in `0..n`, clamped; the
/// one expression used both to file and to look up.
fn slot(v: f64, origin: f64, size: f64, n: usize) -> usize {
    let f = ((v - origin) / size).floor();
    if f >= 0.0 {
        (f as usize).min(n.saturating_sub(1))
    } else {
        0
    }
}

/// One polygon of an area, with its edges in strips.
struct Part {
    area: AreaId,
    /// Its edges in [`Index::segs`].
    segs: Range<usize>,
    min: Coord<f64>,
    max: Coord<f64>,
    strip_height: f64,
    strips: Buckets,
}

impl Part {
    fn strip_count(&self) -> usize {
        self.strips.starts.len().saturating_sub(1)
    }

    /// Inside, on the boundary or outside (geo's `CoordinatePosition`
    /// semantics), by the parity of the edges a ray cast east crosses.
    fn position(&self, segs: &[Seg], c: Coord<f64>) -> CoordPos {
        if !(self.min.x <= c.x && c.x <= self.max.x && self.min.y <= c.y && c.y <= self.max.y) {
            return CoordPos::Outside;
        }
        let strip = slot(c.y, self.min.y, self.strip_height, self.strip_count());
        let mut inside = false;
        for &i in self.strips.get(strip) {
            let Some(s) = segs.get(i as usize) else {
                continue;
            };
            let (a, b) = (s.a, s.b);
            if a.x.max(b.x) < c.x {
                // Wholly west of the point: neither crossed nor touched.
                continue;
            }
            let o = RobustKernel::orient2d(a, b, c);
            if o == Orientation::Collinear
                && a.x.min(b.x) <= c.x
                && c.x <= a.x.max(b.x)
                && a.y.min(b.y) <= c.y
                && c.y <= a.y.max(b.y)
            {
                return CoordPos::OnBoundary;
            }
            // Half-open rule: an edge counts when exactly one end is above.
            if (a.y > c.y) != (b.y > c.y) {
                let east_of_c = if b.y > a.y {
                    o == Orientation::CounterClockwise
                } else {
                    o == Orientation::Clockwise
                };
                if east_of_c {
                    inside = !inside;
                }
            }
        }
        if inside {
            CoordPos::Inside
        } else {
            CoordPos::Outside
        }
    }

    /// The squared distance from `c` to the nearest edge, reading only the
    /// strips within `radius` of it; infinite when no edge is that close.
    fn distance_2_within(&self, segs: &[Seg], c: Coord<f64>, radius: f64) -> f64 {
        let r2 = radius * radius;
        let mut best = f64::INFINITY;
        let mut consider = |i: usize| {
            if let Some(s) = segs.get(i) {
                let d2 = s.distance_2(c);
                if d2 <= r2 && d2 < best {
                    best = d2;
                }
            }
        };
        if radius.is_finite() {
            let n = self.strip_count();
            let lo = slot(c.y - radius, self.min.y, self.strip_height, n);
            let hi = slot(c.y + radius, self.min.y, self.strip_height, n);
            for strip in lo..=hi {
                for &i in self.strips.get(strip) {
                    consider(i as usize);
                }
            }
        } else {
            self.segs.clone().for_each(consider);
        }
        best
    }
}

/// The grid over the areas (see the module docs).
struct Grid {
    origin: Coord<f64>,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Per cell: [`MIXED`], [`OUTSIDE`], or the area id of a clear cell.
    cells: Vec<u32>,
    /// The edges filed under each cell.
    edges: Buckets,
}

impl Grid {
    /// No grid: every point takes the slow path.
    fn none() -> Grid {
        Grid {
            origin: Coord { x: 0.0, y: 0.0 },
            cell: 1.0,
            nx: 0,
            ny: 0,
            cells: Vec::new(),
            edges: Buckets::default(),
        }
    }

    /// The cell holding `c`, if it is on the grid.
    fn cell_of(&self, c: Coord<f64>) -> Option<usize> {
        let fx = ((c.x - self.origin.x) / self.cell).floor();
        let fy = ((c.y - self.origin.y) / self.cell).floor();
        let inside = fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64;
        inside.then(|| fy as usize * self.nx + fx as usize)
    }
}

/// Everything needed to place points in a set of areas.
pub(crate) struct Index {
    segs: Vec<Seg>,
    parts: Vec<Part>,
    /// Each area's polygons in `parts`.
    area_parts: Vec<Range<usize>>,
    /// Each area's BCU (an index into the BCU list).
    area_bcu: Vec<usize>,
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    grid: Grid,
}

impl Index {
    /// Indexes `areas`; `area_bcu[i]` is the BCU of area `i`.
    pub(crate) fn new(areas: &[Area], area_bcu: Vec<usize>) -> Index {
        let mut segs = Vec::new();
        let mut parts = Vec::new();
        let mut area_parts = Vec::with_capacity(areas.len());
        let mut boxes = Vec::new();
        for (id, area) in (0..).zip(areas) {
            let first = parts.len();
            for polygon in &area.polygon.0 {
                let Some(bbox) = polygon.bounding_rect() else {
                    continue;
                };
                let start = segs.len();
                let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                segs.extend(rings.flat_map(|ring| ring.lines()).map(|l| Seg {
                    a: l.start,
                    b: l.end,
                    area: id,
                }));
                let range = start..segs.len();
                let (min, max) = (bbox.min(), bbox.max());
                // About four edges a strip, but never more than six filings
                // an edge in all: a polygon of long edges gets fewer, taller
                // strips, so memory stays linear in the vertices.
                let n = range.len().max(1);
                let height = max.y - min.y;
                let rise: f64 = segs[range.clone()]
                    .iter()
                    .map(|s| (s.a.y - s.b.y).abs())
                    .sum();
                let strip_height = (height / (n / 4).max(1) as f64)
                    .max(rise / (4 * n) as f64)
                    .max(1e-3);
                let count = ((height / strip_height).floor() as usize + 1).min(1 << 16);
                let mut pairs = Vec::with_capacity(range.len() * 2);
                for i in range.clone() {
                    let s = segs[i];
                    let lo = slot(s.a.y.min(s.b.y), min.y, strip_height, count);
                    let hi = slot(s.a.y.max(s.b.y), min.y, strip_height, count);
                    pairs.extend((lo..=hi).map(|k| (k as u32, i as u32)));
                }
                boxes.push(GeomWithData::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    parts.len(),
                ));
                parts.push(Part {
                    area: id,
                    segs: range,
                    min,
                    max,
                    strip_height,
                    strips: Buckets::new(count, &pairs),
                });
            }
            area_parts.push(first..parts.len());
        }
        let mut index = Index {
            segs,
            parts,
            area_parts,
            area_bcu,
            boxes: RTree::bulk_load(boxes),
            grid: Grid::none(),
        };
        index.grid = index.build_grid();
        index
    }

    fn build_grid(&self) -> Grid {
        let margin = NEAR_BOUNDARY_M;
        let mut min = Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        };
        let mut max = Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        };
        for p in &self.parts {
            min = Coord {
                x: min.x.min(p.min.x),
                y: min.y.min(p.min.y),
            };
            max = Coord {
                x: max.x.max(p.max.x),
                y: max.y.max(p.max.y),
            };
        }
        let pad = margin + 1.0;
        let origin = Coord {
            x: min.x - pad,
            y: min.y - pad,
        };
        let (width, height) = (max.x + pad - origin.x, max.y + pad - origin.y);
        let sane = width.is_finite() && height.is_finite() && self.segs.len() < u32::MAX as usize;
        if !sane || self.area_parts.len() >= OUTSIDE as usize {
            return Grid::none();
        }
        let cell = (width.max(height) / GRID_SIDE).max(1.0);
        let nx = (width / cell).floor() as usize + 1;
        let ny = (height / cell).floor() as usize + 1;
        // Each edge is filed row by row: in each row, the cells its part
        // within the row's band (grown by the margin) spans, grown by the
        // margin, plus a metre for rounding. Past a budget linear in the
        // edges (long edges over a large region), there is no grid, and
        // every point takes the slow path.
        let grow = margin + 1.0;
        let budget = 32 * self.segs.len() + (1 << 20);
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(self.segs.len() * 2);
        for (i, s) in self.segs.iter().enumerate() {
            let (a, b) = (s.a, s.b);
            let y0 = slot(a.y.min(b.y) - grow, origin.y, cell, ny);
            let y1 = slot(a.y.max(b.y) + grow, origin.y, cell, ny);
            for y in y0..=y1 {
                let band_lo = origin.y + y as f64 * cell - grow;
                let band_hi = origin.y + (y + 1) as f64 * cell + grow;
                let (xa, xb) = if a.y == b.y {
                    (a.x.min(b.x), a.x.max(b.x))
                } else {
                    let t = |v: f64| ((v - a.y) / (b.y - a.y)).clamp(0.0, 1.0);
                    let (p, q) = (
                        a.x + (b.x - a.x) * t(band_lo),
                        a.x + (b.x - a.x) * t(band_hi),
                    );
                    (p.min(q), p.max(q))
                };
                let x0 = slot(xa - grow, origin.x, cell, nx);
                let x1 = slot(xb + grow, origin.x, cell, nx);
                pairs.extend((x0..=x1).map(|x| ((y * nx + x) as u32, i as u32)));
            }
            if pairs.len() > budget {
                return Grid::none();
            }
        }
        let edges = Buckets::new(nx * ny, &pairs);
        let mut grid = Grid {
            origin,
            cell,
            nx,
            ny,
            cells: vec![MIXED; nx * ny],
            edges,
        };
        // Connected groups of clear cells share one answer: their union holds
        // no edge, so a path between any two of their points crosses none.
        let clear = |g: &Grid, c: usize| g.edges.get(c).is_empty();
        let mut seen = vec![false; nx * ny];
        let mut group = Vec::new();
        for start in 0..nx * ny {
            if seen[start] || !clear(&grid, start) {
                continue;
            }
            group.clear();
            group.push(start);
            seen[start] = true;
            let mut k = 0;
            while let Some(&c) = group.get(k) {
                k += 1;
                let (x, y) = (c % nx, c / nx);
                let neighbours = [
                    (x > 0).then(|| c - 1),
                    (x + 1 < nx).then(|| c + 1),
                    (y > 0).then(|| c - nx),
                    (y + 1 < ny).then(|| c + nx),
                ];
                for n in neighbours.into_iter().flatten() {
                    if !seen[n] && clear(&grid, n) {
                        seen[n] = true;
                        group.push(n);
                    }
                }
            }
            // The centre of the first cell stands for the group, provided the
            // lookup puts it in that cell (it always should).
            let centre = Coord {
                x: origin.x + ((start % nx) as f64 + 0.5) * cell,
                y: origin.y + ((start / nx) as f64 + 0.5) * cell,
            };
            if grid.cell_of(centre) != Some(start) {
                continue;
            }
            let value = self.locate_slow(centre).unwrap_or(OUTSIDE);
            for &c in &group {
                grid.cells[c] = value;
            }
        }
        grid
    }

    /// The area holding `c` by testing every polygon whose box holds it: a
    /// point inside an area wins; a point on boundaries goes to the first
    /// area, in area order, whose boundary it is on; overlaps go to the
    /// first area.
    fn locate_slow(&self, c: Coord<f64>) -> Option<AreaId> {
        let mut inside: Option<AreaId> = None;
        let mut on_boundary: Option<AreaId> = None;
        for entry in self.boxes.locate_all_at_point(&[c.x, c.y]) {
            let Some(part) = self.parts.get(entry.data) else {
                continue;
            };
            if inside.is_some_and(|best| best <= part.area) {
                continue;
            }
            match part.position(&self.segs, c) {
                CoordPos::Inside => inside = Some(part.area),
                CoordPos::OnBoundary => {
                    if on_boundary.is_none_or(|best| part.area < best) {
                        on_boundary = Some(part.area);
                    }
                }
                CoordPos::Outside => {}
            }
        }
        inside.or(on_boundary)
    }

    /// The area holding `c` ([`Index::locate_slow`], through the grid).
    pub(crate) fn locate(&self, c: Coord<f64>) -> Option<AreaId> {
        if let Some(cell) = self.grid.cell_of(c) {
            match self.grid.cells.get(cell) {
                Some(&OUTSIDE) => return None,
                Some(&MIXED) | None => {}
                Some(&id) => return Some(id),
            }
        }
        self.locate_slow(c)
    }

    /// Whether an edge of an area of a BCU other than that of area `id`
    /// lies within [`NEAR_BOUNDARY_M`] of `c`.
    pub(crate) fn near_other_bcu(&self, c: Coord<f64>, id: AreaId) -> bool {
        match self.grid.cell_of(c) {
            Some(cell) => {
                let filed = self.grid.edges.get(cell).iter();
                self.any_near_other_bcu(c, id, filed.filter_map(|&i| self.segs.get(i as usize)))
            }
            // No grid at all: the edges of the strips near the point.
            None if self.grid.cells.is_empty() => {
                let around = AABB::from_corners(
                    [c.x - NEAR_BOUNDARY_M, c.y - NEAR_BOUNDARY_M],
                    [c.x + NEAR_BOUNDARY_M, c.y + NEAR_BOUNDARY_M],
                );
                let bcu = self.area_bcu.get(id as usize);
                self.boxes
                    .locate_in_envelope_intersecting(&around)
                    .filter_map(|entry| self.parts.get(entry.data))
                    .filter(|part| self.area_bcu.get(part.area as usize) != bcu)
                    .any(|part| {
                        part.distance_2_within(&self.segs, c, NEAR_BOUNDARY_M)
                            .is_finite()
                    })
            }
            // Off the grid: farther than the margin from every edge.
            None => false,
        }
    }

    /// Whether one of `segs` bounds an area of a BCU other than that of
    /// area `id` and lies within [`NEAR_BOUNDARY_M`] of `c`.
    fn any_near_other_bcu<'s>(
        &self,
        c: Coord<f64>,
        id: AreaId,
        mut segs: impl Iterator<Item = &'s Seg>,
    ) -> bool {
        let bcu = self.area_bcu.get(id as usize);
        let r2 = NEAR_BOUNDARY_M * NEAR_BOUNDARY_M;
        segs.any(|s| self.area_bcu.get(s.area as usize) != bcu && s.distance_2(c) <= r2)
    }

    /// The distance from `c` to area `id`: 0 inside or on its boundary.
    pub(crate) fn distance_to_area(&self, c: Coord<f64>, id: AreaId) -> f64 {
        if self.locate(c) == Some(id) {
            return 0.0;
        }
        let Some(range) = self.area_parts.get(id as usize) else {
            return f64::INFINITY;
        };
        let mut best = f64::INFINITY;
        for part in self.parts.get(range.clone()).unwrap_or(&[]) {
            if part.position(&self.segs, c) != CoordPos::Outside {
                return 0.0;
            }
            best = best.min(part.distance_2_within(&self.segs, c, f64::INFINITY));
        }
        best.sqrt()
    }

    /// The area nearest to `c` within `radius` metres, and its distance
    /// (ties to the first area).
    pub(crate) fn nearest_area(&self, c: Coord<f64>, radius: f64) -> Option<(AreaId, f64)> {
        let around = AABB::from_corners([c.x - radius, c.y - radius], [c.x + radius, c.y + radius]);
        let mut best: Option<(AreaId, f64)> = None;
        for entry in self.boxes.locate_in_envelope_intersecting(&around) {
            let Some(part) = self.parts.get(entry.data) else {
                continue;
            };
            let d2 = match part.position(&self.segs, c) {
                CoordPos::Outside => part.distance_2_within(&self.segs, c, radius),
                _ => 0.0,
            };
            let better = match best {
                None => d2.is_finite(),
                Some((area, b)) => d2 < b || (d2 == b && part.area < area),
            };
            if better {
                best = Some((part.area, d2));
            }
        }
        best.map(|(area, d2)| (area, d2.sqrt()))
    }

    /// Cells of the grid, and how many are clear (for tests and figures).
    #[cfg(test)]
    pub(crate) fn grid_cells(&self) -> (usize, usize) {
        let clear = self.grid.cells.iter().filter(|&&v| v != MIXED).count();
        (self.grid.cells.len(), clear)
    }

    /// [`Index::locate`] without the grid, for tests.
    #[cfg(test)]
    pub(crate) fn locate_without_grid(&self, c: Coord<f64>) -> Option<AreaId> {
        self.locate_slow(c)
    }

    /// [`Index::near_other_bcu`] by reading every edge, for tests.
    #[cfg(test)]
    pub(crate) fn near_other_bcu_exhaustive(&self, c: Coord<f64>, id: AreaId) -> bool {
        self.any_near_other_bcu(c, id, self.segs.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Areas;
    use geo::{LineString, MultiPolygon, Polygon};
    use std::sync::Arc;

    fn area(name: &str, polygons: Vec<Polygon<f64>>) -> Area {
        Area {
            name: Arc::from(name),
            bcu: Arc::from(name),
            polygon: MultiPolygon(polygons),
        }
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(points.to_vec())
    }

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    /// A diamond (vertices level with the test points, where a careless ray
    /// cast counts a vertex twice), a square with a square hole, and a
    /// concave "U", each its own BCU.
    fn shapes() -> Index {
        let diamond = ring(&[(0.0, 10.0), (10.0, 0.0), (20.0, 10.0), (10.0, 20.0)]);
        let holed = Polygon::new(
            ring(&[(100.0, 0.0), (200.0, 0.0), (200.0, 100.0), (100.0, 100.0)]),
            vec![ring(&[
                (140.0, 40.0),
                (160.0, 40.0),
                (160.0, 60.0),
                (140.0, 60.0),
            ])],
        );
        let u = ring(&[
            (300.0, 0.0),
            (400.0, 0.0),
            (400.0, 100.0),
            (370.0, 100.0),
            (370.0, 30.0),
            (330.0, 30.0),
            (330.0, 100.0),
            (300.0, 100.0),
        ]);
        let areas = vec![
            area("diamond", vec![Polygon::new(diamond, vec![])]),
            area("holed", vec![holed]),
            area("u", vec![Polygon::new(u, vec![])]),
        ];
        Index::new(&areas, vec![0, 1, 2])
    }

    #[test]
    fn ray_casting_on_awkward_shapes() {
        let ix = shapes();
        let cases = [
            // Level with the diamond's side vertices.
            (c(10.0, 10.0), Some(0)),
            (c(-1.0, 10.0), None),
            (c(21.0, 10.0), None),
            (c(0.0, 10.0), Some(0)), // a vertex: on the boundary
            (c(5.0, 5.0), Some(0)),  // on an edge
            (c(4.9, 5.0), None),
            (c(10.0, 19.9), Some(0)),
            (c(10.0, 20.1), None),
            // The hole is outside, its edge is on the boundary.
            (c(150.0, 50.0), None),
            (c(140.0, 50.0), Some(1)),
            (c(120.0, 50.0), Some(1)),
            (c(199.9, 99.9), Some(1)),
            // Level with the hole's corners.
            (c(110.0, 40.0), Some(1)),
            (c(150.0, 40.0), Some(1)),
            // The U's notch is outside; its arms are inside.
            (c(350.0, 50.0), None),
            (c(350.0, 29.0), Some(2)),
            (c(310.0, 99.0), Some(2)),
            (c(380.0, 100.0), Some(2)),
            (c(350.0, 100.0), None),
            (c(f64::MAX, 50.0), None),
        ];
        for (p, want) in cases {
            assert_eq!(ix.locate(p), want, "{p:?}");
            assert_eq!(ix.locate_without_grid(p), want, "{p:?}");
        }
    }

    #[test]
    fn distances_and_the_nearest_area() {
        let ix = shapes();
        assert_eq!(ix.distance_to_area(c(10.0, 10.0), 0), 0.0);
        assert_eq!(ix.distance_to_area(c(150.0, 50.0), 1), 10.0);
        assert_eq!(ix.distance_to_area(c(90.0, 50.0), 1), 10.0);
        assert_eq!(ix.distance_to_area(c(350.0, 50.0), 2), 20.0);
        assert_eq!(ix.distance_to_area(c(350.0, 50.0), 7), f64::INFINITY);
        assert!((ix.distance_to_area(c(0.0, 0.0), 0) - 50f64.sqrt()).abs() < 1e-9);
        // Between the diamond and the square: 30 m from one, 80 m from the
        // other.
        assert_eq!(ix.nearest_area(c(50.0, 10.0), 250.0), Some((0, 30.0)));
        assert_eq!(ix.nearest_area(c(50.0, 10.0), 29.0), None);
        assert_eq!(ix.nearest_area(c(80.0, 10.0), 250.0), Some((1, 20.0)));
        // Equidistant: the first area.
        assert_eq!(ix.nearest_area(c(60.0, 10.0), 250.0), Some((0, 40.0)));
        assert_eq!(ix.nearest_area(c(150.0, 50.0), 250.0), Some((1, 10.0)));
        assert_eq!(ix.nearest_area(c(5_000.0, 50.0), 250.0), None);
    }

    #[test]
    fn near_another_bcu() {
        let ix = shapes();
        // The holed square (BCU 1) is 80 m from the diamond (BCU 0).
        assert!(!ix.near_other_bcu(c(150.0, 10.0), 1));
        let a = Area {
            name: Arc::from("west"),
            bcu: Arc::from("one"),
            polygon: MultiPolygon(vec![Polygon::new(
                ring(&[(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0)]),
                vec![],
            )]),
        };
        let b = Area {
            name: Arc::from("east"),
            bcu: Arc::from("two"),
            polygon: MultiPolygon(vec![Polygon::new(
                ring(&[
                    (1000.0, 0.0),
                    (2000.0, 0.0),
                    (2000.0, 1000.0),
                    (1000.0, 1000.0),
                ]),
                vec![],
            )]),
        };
        let same = Area {
            bcu: Arc::from("one"),
            ..b.clone()
        };
        let two_bcus = Index::new(&[a.clone(), b], vec![0, 1]);
        let one_bcu = Index::new(&[a, same], vec![0, 0]);
        for (x, near) in [
            (500.0, false),
            (979.0, false),
            (980.0, true),
            (1000.0, true),
            (1020.0, true),
            (1020.5, false),
        ] {
            let p = c(x, 500.0);
            let id = two_bcus.locate(p).expect("placed");
            assert_eq!(two_bcus.near_other_bcu(p, id), near, "{x}");
            assert_eq!(two_bcus.near_other_bcu_exhaustive(p, id), near, "{x}");
            assert!(!one_bcu.near_other_bcu(p, id), "{x}: one BCU has no edge");
        }
    }

    /// A comb of 3,000 teeth, each 100 km long, files too many edge-cells
    /// for the grid's budget: there is no grid, every answer comes from the
    /// strips (few and tall: about six filings an edge), and they are still
    /// right.
    #[test]
    fn long_edges_over_a_large_region_skip_the_grid() {
        let teeth = 3_000;
        let mut comb = vec![(0.0, 0.0)];
        for k in 0..teeth {
            let x = 10.0 * f64::from(k);
            comb.extend([
                (x, 100_000.0),
                (x + 5.0, 100_000.0),
                (x + 5.0, 1.0),
                (x + 10.0, 1.0),
            ]);
        }
        comb.push((30_000.0, 0.0));
        let wall = ring(&[
            (30_000.0, 0.0),
            (31_000.0, 0.0),
            (31_000.0, 100_000.0),
            (30_000.0, 100_000.0),
        ]);
        let areas = vec![
            area("comb", vec![Polygon::new(ring(&comb), vec![])]),
            area("wall", vec![Polygon::new(wall, vec![])]),
        ];
        let ix = Index::new(&areas, vec![0, 1]);
        assert!(ix.grid.cells.is_empty());
        let strips: usize = ix.parts.iter().map(|p| p.strips.items.len()).sum();
        assert!(strips <= 6 * ix.segs.len(), "{strips} filings");
        let cases = [
            (c(2.5, 50_000.0), Some(0)),  // in a tooth
            (c(7.5, 50_000.0), None),     // between two teeth
            (c(7.5, 0.5), Some(0)),       // the comb's spine
            (c(29_992.5, 50.0), Some(0)), // the last tooth, 7.5 m from the wall
            (c(30_500.0, 50.0), Some(1)),
            (c(29_982.5, 50_000.0), Some(0)),
        ];
        for (p, want) in cases {
            assert_eq!(ix.locate(p), want, "{p:?}");
            if let Some(id) = want {
                assert_eq!(
                    ix.near_other_bcu(p, id),
                    ix.near_other_bcu_exhaustive(p, id),
                    "{p:?}"
                );
            }
        }
        assert!(ix.near_other_bcu(c(29_992.5, 50.0), 0));
        assert!(!ix.near_other_bcu(c(30_500.0, 50.0), 1));
        assert!(ix.near_other_bcu(c(30_015.0, 50.0), 1));
    }

    /// Pseudo-random points over London, and points a few centimetres from
    /// boundary vertices: the grid's answers are those of testing every
    /// candidate polygon, and of reading every edge.
    #[test]
    fn the_grid_answers_as_the_slow_path_does() {
        let london = Areas::london();
        let ix = &london.inner_index();
        let (cells, clear) = ix.grid_cells();
        assert!(cells <= 256 * 256, "{cells}");
        // Most of London is clear of boundaries.
        assert!(clear * 10 > cells * 7, "{clear} of {cells}");
        let mut rng = marac_model::SplitMix64::new(14);
        let mut points: Vec<Coord<f64>> = (0..20_000)
            .map(|_| {
                c(
                    503_000.0 + rng.next_f64() * 60_000.0,
                    155_000.0 + rng.next_f64() * 47_000.0,
                )
            })
            .collect();
        for (k, s) in ix.segs.iter().enumerate().step_by(97) {
            let d = [
                (0.03, 0.0),
                (-0.03, 0.0),
                (0.0, 0.03),
                (0.0, -0.03),
                (0.0, 0.0),
            ][k % 5];
            points.push(c(s.a.x + d.0, s.a.y + d.1));
        }
        let mut placed = 0;
        for (k, &p) in points.iter().enumerate() {
            let got = ix.locate(p);
            assert_eq!(got, ix.locate_without_grid(p), "{p:?}");
            if let Some(id) = got {
                placed += 1;
                if k % 10 == 0 {
                    assert_eq!(
                        ix.near_other_bcu(p, id),
                        ix.near_other_bcu_exhaustive(p, id),
                        "{p:?}"
                    );
                }
            }
        }
        assert!(placed > 10_000, "{placed}");
    }
}
