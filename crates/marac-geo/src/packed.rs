//! The compact form of the embedded boundaries (`data/london-boroughs.bin`).
//!
//! National Grid coordinates in whole decimetres (0.1 m: the source's own
//! precision, six decimal places of a degree), each vertex stored as the
//! difference from the one before, zigzag-encoded as a LEB128 varint. The
//! 48,543 vertices of the 33 London local authorities take about 190 KB
//! (the GeoJSON is 1.0 MB) and decode in well under a millisecond.
//!
//! Layout (every number a varint):
//!
//! ```text
//! "MARACBN1"  areas
//!   per area:  parts
//!     per part:  rings
//!       per ring:  vertices  then  (dx, dy) per vertex
//! ```
//!
//! Rings are stored without their closing vertex (geo closes them again).
//! Differences run on from ring to ring and area to area, starting from
//! (0, 0).

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// The first bytes of the file, with the format's version.
const MAGIC: &[u8; 8] = b"MARACBN1";

/// A cursor over the bytes that never reads past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A count of things each taking at least one byte: never more than
    /// the bytes left, so corrupt data cannot ask for a huge allocation.
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn delta(&mut self) -> Option<i64> {
        let z = self.varint()?;
        Some(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
}

/// The areas' polygons, in stored order; `None` when the bytes are not a
/// well-formed file.
pub(crate) fn decode(bytes: &[u8]) -> Option<Vec<MultiPolygon<f64>>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let mut r = Reader { bytes: rest, at: 0 };
    let (mut x, mut y) = (0i64, 0i64);
    let mut areas = Vec::new();
    for _ in 0..r.count()? {
        let mut parts = Vec::new();
        for _ in 0..r.count()? {
            let mut rings = Vec::new();
            for _ in 0..r.count()? {
                let n = r.count()?;
                let mut coords = Vec::with_capacity(n + 1);
                for _ in 0..n {
                    x = x.checked_add(r.delta()?)?;
                    y = y.checked_add(r.delta()?)?;
                    coords.push(Coord {
                        x: x as f64 / 10.0,
                        y: y as f64 / 10.0,
                    });
                }
                rings.push(LineString::new(coords));
            }
            let mut rings = rings.into_iter();
            let exterior = rings.next()?;
            parts.push(Polygon::new(exterior, rings.collect()));
        }
        areas.push(MultiPolygon(parts));
    }
    (r.at == rest.len()).then_some(areas)
}

/// The compact form of `areas` (each coordinate rounded to 0.1 m).
#[cfg(test)]
pub(crate) fn encode(areas: &[MultiPolygon<f64>]) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn delta(out: &mut Vec<u8>, d: i64) {
        varint(out, ((d << 1) ^ (d >> 63)) as u64);
    }
    let mut out = MAGIC.to_vec();
    let (mut x, mut y) = (0i64, 0i64);
    varint(&mut out, areas.len() as u64);
    for area in areas {
        varint(&mut out, area.0.len() as u64);
        for part in &area.0 {
            let rings: Vec<&LineString<f64>> = std::iter::once(part.exterior())
                .chain(part.interiors())
                .collect();
            varint(&mut out, rings.len() as u64);
            for ring in rings {
                let mut coords = ring.0.as_slice();
                if coords.len() > 1 && coords.first() == coords.last() {
                    coords = &coords[..coords.len() - 1];
                }
                varint(&mut out, coords.len() as u64);
                for c in coords {
                    let (qx, qy) = ((c.x * 10.0).round() as i64, (c.y * 10.0).round() as i64);
                    delta(&mut out, qx - x);
                    delta(&mut out, qy - y);
                    (x, y) = (qx, qy);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, side: f64) -> LineString<f64> {
        LineString::from(vec![
            (x0, y0),
            (x0 + side, y0),
            (x0 + side, y0 + side),
            (x0, y0 + side),
            (x0, y0),
        ])
    }

    #[test]
    fn round_trips_to_the_decimetre() {
        let areas = vec![
            MultiPolygon(vec![Polygon::new(
                square(530_000.04, 180_000.06, 1000.0),
                vec![square(530_100.0, 180_100.0, 10.0)],
            )]),
            MultiPolygon(vec![
                Polygon::new(square(500_000.0, 150_000.0, 0.3), vec![]),
                Polygon::new(square(560_000.0, 200_000.0, 5.0), vec![]),
            ]),
        ];
        let bytes = encode(&areas);
        let back = decode(&bytes).expect("decodes");
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].0.len(), 2);
        let first = &back[0].0[0];
        assert_eq!(first.interiors().len(), 1);
        assert_eq!(first.exterior().0.len(), 5, "closed again");
        assert_eq!(
            first.exterior().0[0],
            Coord {
                x: 530_000.0,
                y: 180_000.1
            }
        );
        assert_eq!(
            first.interiors()[0].0[2],
            Coord {
                x: 530_110.0,
                y: 180_110.0
            }
        );
        assert_eq!(encode(&back), bytes, "stable once rounded");
    }

    #[test]
    fn bad_bytes_are_refused_without_panicking() {
        let good = encode(&[MultiPolygon(vec![Polygon::new(
            square(530_000.0, 180_000.0, 10.0),
            vec![],
        )])]);
        assert!(decode(&good).is_some());
        for cut in 0..good.len() {
            assert_eq!(decode(&good[..cut]), None, "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(decode(&trailing), None);
        let mut huge = MAGIC.to_vec();
        huge.extend([0xff; 9]);
        huge.push(0x01);
        assert_eq!(decode(&huge), None);
        let mut no_rings = MAGIC.to_vec();
        no_rings.extend([1, 1, 0]);
        assert_eq!(decode(&no_rings), None);
        assert_eq!(decode(b"MARACBN2\x00"), None);
        assert_eq!(decode(b""), None);
    }
}
