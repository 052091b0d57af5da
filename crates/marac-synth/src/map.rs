//! The map: boroughs with their BCU, boundary (from `marac_geo`'s London
//! default) and helpers to sample points strictly inside a borough.

use std::sync::Arc;

use geo::BoundingRect;
use marac_geo::{bng_to_wgs84, wgs84_to_bng, AreaId, Areas};
use marac_model::{Bng, LatLon, SplitMix64};

use crate::tables::{BoroughInfo, BOROUGHS};

/// A borough as the generator uses it.
pub(crate) struct Borough {
    pub info: &'static BoroughInfo,
    /// Canonical area name (from `marac_geo` when it knows the borough).
    pub name: Arc<str>,
    /// BCU name (from `marac_geo` when it knows the borough).
    pub bcu: Arc<str>,
    /// Spellings an agency may write that `marac_geo` resolves to this area.
    pub variants: Vec<&'static str>,
    area: Option<AreaId>,
    /// (min easting, min northing, max easting, max northing).
    bbox: [f64; 4],
    /// A point known to be inside, and the fallback radius when no polygon.
    pub centre: Bng,
    radius: f64,
}

/// All boroughs and the area index.
pub(crate) struct Map {
    areas: Areas,
    pub boroughs: Vec<Borough>,
    grid: Grid,
}

/// A raster of square cells over London recording, per cell, the borough
/// that contains the whole cell grown by [`MARGIN`], if one does. Points in
/// such a cell need no polygon test.
struct Grid {
    x0: f64,
    y0: f64,
    nx: usize,
    ny: usize,
    /// Borough index + 1, or 0 when the cell is mixed or outside.
    cells: Vec<u8>,
}

/// Grid cell size in metres.
const CELL: f64 = 250.0;

impl Grid {
    fn empty() -> Grid {
        Grid {
            x0: 0.0,
            y0: 0.0,
            nx: 0,
            ny: 0,
            cells: Vec::new(),
        }
    }

    fn lookup(&self, p: Bng) -> Option<usize> {
        let fx = (p.easting - self.x0) / CELL;
        let fy = (p.northing - self.y0) / CELL;
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (ix, iy) = (fx as usize, fy as usize);
        if ix >= self.nx || iy >= self.ny {
            return None;
        }
        match self.cells[iy * self.nx + ix] {
            0 => None,
            b => Some(b as usize - 1),
        }
    }
}

/// Metres a sampled point keeps from its borough's edge (checked on the
/// four axis neighbours), so rounding never moves it to another area.
const MARGIN: f64 = 3.0;

impl Map {
    pub fn london() -> Map {
        let areas = Areas::london();
        let mut boroughs = Vec::with_capacity(BOROUGHS.len());
        for info in BOROUGHS {
            let centroid = wgs84_to_bng(LatLon {
                lat: info.lat,
                lon: info.lon,
            });
            let area = areas.resolve_area(info.name);
            let (name, bcu, bbox, variants) = match area {
                Some(id) => {
                    let a = areas.area(id);
                    let bbox = a
                        .polygon
                        .bounding_rect()
                        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                        .unwrap_or([
                            centroid.easting - 2000.0,
                            centroid.northing - 2000.0,
                            centroid.easting + 2000.0,
                            centroid.northing + 2000.0,
                        ]);
                    let variants = info
                        .variants
                        .iter()
                        .copied()
                        .filter(|v| areas.resolve_area(v) == Some(id))
                        .collect();
                    (a.name.clone(), a.bcu.clone(), bbox, variants)
                }
                None => {
                    let r = radius_of(info);
                    (
                        Arc::from(info.name),
                        Arc::from(info.bcu),
                        [
                            centroid.easting - r,
                            centroid.northing - r,
                            centroid.easting + r,
                            centroid.northing + r,
                        ],
                        Vec::new(),
                    )
                }
            };
            boroughs.push(Borough {
                info,
                name,
                bcu,
                variants,
                area,
                bbox,
                centre: centroid,
                radius: radius_of(info),
            });
        }
        let mut map = Map {
            areas,
            boroughs,
            grid: Grid::empty(),
        };
        map.grid = map.build_grid();
        // A guaranteed interior point per borough, found with a fixed stream
        // so it never depends on the seed.
        for b in 0..map.boroughs.len() {
            let c = map.boroughs[b].centre;
            if !map.inside(b, c) {
                let mut rng = SplitMix64::new(0x5EED_0000 + b as u64);
                if let Some(p) = map.try_sample(b, &mut rng, 10_000) {
                    map.boroughs[b].centre = p;
                }
            }
        }
        map
    }

    /// The raster of whole-cell boroughs. A cell (grown by the margin) lies
    /// wholly inside a polygon when its four corners do and no polygon vertex
    /// lies in it: a straight edge cannot cross a square without leaving a
    /// corner on its other side or a vertex inside.
    fn build_grid(&self) -> Grid {
        let with_area: Vec<(usize, AreaId)> = self
            .boroughs
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.area.map(|a| (i, a)))
            .collect();
        if with_area.is_empty() || self.boroughs.len() > 250 {
            return Grid::empty();
        }
        let mut bb = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for &(i, _) in &with_area {
            let b = self.boroughs[i].bbox;
            bb = [
                bb[0].min(b[0]),
                bb[1].min(b[1]),
                bb[2].max(b[2]),
                bb[3].max(b[3]),
            ];
        }
        let x0 = (bb[0] / CELL).floor() * CELL;
        let y0 = (bb[1] / CELL).floor() * CELL;
        let nx = ((bb[2] - x0) / CELL).ceil() as usize + 1;
        let ny = ((bb[3] - y0) / CELL).ceil() as usize + 1;
        let mut by_area = std::collections::HashMap::new();
        for &(i, a) in &with_area {
            by_area.insert(a, i);
        }
        // Corner owners on the grown grid: corner (i, j) of cell (i, j) is
        // at (x0 + i*CELL - MARGIN, y0 + j*CELL - MARGIN) for the low side and
        // + MARGIN for the high side; evaluate both lattices.
        let owner = |x: f64, y: f64| -> u8 {
            match self.areas.locate(Bng {
                easting: x,
                northing: y,
            }) {
                Some(a) => by_area.get(&a).map(|&i| i as u8 + 1).unwrap_or(0),
                None => 0,
            }
        };
        let mut lo = vec![0u8; (nx + 1) * (ny + 1)];
        let mut hi = vec![0u8; (nx + 1) * (ny + 1)];
        for j in 0..=ny {
            for i in 0..=nx {
                let x = x0 + i as f64 * CELL;
                let y = y0 + j as f64 * CELL;
                lo[j * (nx + 1) + i] = owner(x - MARGIN, y - MARGIN);
                hi[j * (nx + 1) + i] = owner(x + MARGIN, y + MARGIN);
            }
        }
        let mut cells = vec![0u8; nx * ny];
        for j in 0..ny {
            for i in 0..nx {
                let at = |i: usize, j: usize| j * (nx + 1) + i;
                // Grown cell corners: (lo at (i,j)), (hi-x/lo-y …): use the
                // low lattice for the low corner and the high lattice for
                // the high corner; the mixed corners are checked directly.
                let a = lo[at(i, j)];
                let c = hi[at(i + 1, j + 1)];
                if a == 0 || a != c {
                    continue;
                }
                let xl = x0 + i as f64 * CELL - MARGIN;
                let yl = y0 + j as f64 * CELL - MARGIN;
                let xh = x0 + (i + 1) as f64 * CELL + MARGIN;
                let yh = y0 + (j + 1) as f64 * CELL + MARGIN;
                if owner(xh, yl) != a || owner(xl, yh) != a {
                    continue;
                }
                cells[j * nx + i] = a;
            }
        }
        // Cells holding a polygon vertex are mixed.
        for area in self.areas.areas() {
            for poly in &area.polygon.0 {
                let rings = std::iter::once(poly.exterior()).chain(poly.interiors().iter());
                for ring in rings {
                    for c in ring.coords() {
                        for (dx, dy) in [
                            (-MARGIN, -MARGIN),
                            (MARGIN, MARGIN),
                            (-MARGIN, MARGIN),
                            (MARGIN, -MARGIN),
                        ] {
                            let fx = (c.x + dx - x0) / CELL;
                            let fy = (c.y + dy - y0) / CELL;
                            if fx >= 0.0 && fy >= 0.0 && (fx as usize) < nx && (fy as usize) < ny {
                                cells[fy as usize * nx + fx as usize] = 0;
                            }
                        }
                    }
                }
            }
        }
        Grid {
            x0,
            y0,
            nx,
            ny,
            cells,
        }
    }

    /// Whether `p` lies in borough `b`, at least [`MARGIN`] metres inside.
    pub fn inside(&self, b: usize, p: Bng) -> bool {
        if let Some(owner) = self.grid.lookup(p) {
            return owner == b;
        }
        let bor = &self.boroughs[b];
        match bor.area {
            Some(id) => [
                (0.0, 0.0),
                (MARGIN, 0.0),
                (-MARGIN, 0.0),
                (0.0, MARGIN),
                (0.0, -MARGIN),
            ]
            .iter()
            .all(|(dx, dy)| {
                self.areas.locate(Bng {
                    easting: p.easting + dx,
                    northing: p.northing + dy,
                }) == Some(id)
            }),
            None => {
                let dx = p.easting - bor.centre.easting;
                let dy = p.northing - bor.centre.northing;
                (dx * dx + dy * dy).sqrt() + MARGIN <= bor.radius
            }
        }
    }

    fn try_sample(&self, b: usize, rng: &mut SplitMix64, tries: usize) -> Option<Bng> {
        let [x0, y0, x1, y1] = self.boroughs[b].bbox;
        for _ in 0..tries {
            let p = round(Bng {
                easting: x0 + rng.next_f64() * (x1 - x0),
                northing: y0 + rng.next_f64() * (y1 - y0),
            });
            if self.inside(b, p) {
                return Some(p);
            }
        }
        None
    }

    /// A uniform point (whole metres) inside borough `b`.
    pub fn sample(&self, b: usize, rng: &mut SplitMix64) -> Bng {
        self.try_sample(b, rng, 200)
            .unwrap_or(self.boroughs[b].centre)
    }

    /// `p` moved by `(dx, dy)` metres and rounded, if still inside `b`;
    /// else `fallback`.
    pub fn offset_or(&self, b: usize, p: Bng, dx: f64, dy: f64, fallback: Bng) -> Bng {
        let q = round(Bng {
            easting: p.easting + dx,
            northing: p.northing + dy,
        });
        if self.inside(b, q) {
            q
        } else {
            fallback
        }
    }
}

/// WGS84 for a grid point.
pub(crate) fn to_wgs84(p: Bng) -> LatLon {
    bng_to_wgs84(p)
}

/// Rounds a grid point to whole metres.
pub(crate) fn round(p: Bng) -> Bng {
    Bng {
        easting: p.easting.round(),
        northing: p.northing.round(),
    }
}

/// Fallback radius of a borough disc when no boundary is known.
fn radius_of(info: &BoroughInfo) -> f64 {
    if info.population < 20.0 {
        600.0
    } else {
        2500.0
    }
}
