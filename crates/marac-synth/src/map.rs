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
        let mut map = Map { areas, boroughs };
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

    /// Whether `p` lies in borough `b`, at least [`MARGIN`] metres inside.
    pub fn inside(&self, b: usize, p: Bng) -> bool {
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
