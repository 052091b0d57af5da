//! Placement with the embedded London boundaries, checked against data
//! nobody here wrote: real data.police.uk snap points with the borough of
//! their LSOA, and the vendored source polygons themselves (geo's own
//! `Contains`, not marac's index). Figures in benches/README.md,
//! "Placement".

use std::path::{Path, PathBuf};

use geo::{BoundingRect, Contains, Coord, Distance, Euclidean, MultiPolygon, Point};
use marac_geo::{wgs84_to_bng, Areas};
use marac_model::{Bng, LatLon};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// One row of the police-uk cut: a snap point, its LSOA's borough and how
/// many records share them.
struct SnapPoint {
    at: Bng,
    borough: String,
    records: usize,
}

fn snap_points() -> Vec<SnapPoint> {
    let path = fixture("police-uk/city-of-london-2017-points.csv");
    let mut reader = csv::Reader::from_path(&path).expect("the police-uk cut is vendored");
    reader
        .records()
        .map(|row| {
            let row = row.expect("a CSV row");
            let number = |i: usize| row[i].parse::<f64>().expect("a number");
            // "Tower Hamlets 012B" -> "Tower Hamlets".
            let (borough, _code) = row[2].rsplit_once(' ').expect("an LSOA name");
            SnapPoint {
                at: wgs84_to_bng(LatLon {
                    lat: number(1),
                    lon: number(0),
                }),
                borough: borough.to_string(),
                records: row[3].parse().expect("a count"),
            }
        })
        .collect()
}

/// Placement by coordinates only (no borough column) puts the real
/// data.police.uk records in the BCU of their LSOA's borough: 98.69 % by
/// the polygons alone (the rest sit on boundary streets, within 12 m of the
/// line, or on the Thames), 99.28 % once the 29 records on the river are
/// placed in the nearest borough. Every record placed in the wrong BCU is
/// counted as near a boundary.
#[test]
fn police_uk_records_land_in_the_bcu_of_their_lsoa() {
    let london = Areas::london();
    let points = snap_points();
    let mut records = 0;
    let (mut by_polygon, mut by_place, mut in_no_area) = (0, 0, 0);
    let (mut neighbours, mut neighbours_right) = (0, 0);
    let (mut near, mut wrong_not_near) = (0, 0);
    for p in &points {
        let want = london
            .resolve_area(&p.borough)
            .map(|id| &london.area(id).bcu)
            .expect("every LSOA borough is a London borough");
        records += p.records;
        let located = london.locate(p.at);
        if located.is_some_and(|id| &london.area(id).bcu == want) {
            by_polygon += p.records;
        }
        if located.is_none() {
            in_no_area += p.records;
        }
        let placed = london.place(p.at).expect("every point is placed");
        let right = &london.area(placed.area).bcu == want;
        if right {
            by_place += p.records;
        }
        if placed.near_boundary {
            near += p.records;
        } else if !right {
            wrong_not_near += p.records;
        }
        if p.borough != "City of London" {
            neighbours += p.records;
            if right {
                neighbours_right += p.records;
            }
        }
    }
    assert_eq!(points.len(), 441);
    assert_eq!(records, 4_894);
    assert_eq!(by_polygon, 4_830);
    assert!(
        by_polygon * 1000 >= records * 985,
        "{by_polygon} of {records}"
    );
    assert_eq!(in_no_area, 29);
    assert_eq!(by_place, 4_859);
    assert!(by_place * 1000 >= records * 985, "{by_place} of {records}");
    assert_eq!((neighbours, neighbours_right), (268, 237));
    assert_eq!(near, 340);
    assert_eq!(wrong_not_near, 0);
}

/// The source polygons, straight from the vendored GeoJSON.
fn source() -> Areas {
    Areas::from_geojson_path(&fixture("london-boroughs/london-boroughs.geojson"))
        .expect("the vendored boundaries load")
}

/// A 300 m grid over Greater London (17,112 points inside it, 13,422
/// outside): every point farther than 25 m from every borough edge is in the
/// BCU whose source polygon holds it, by geo's `Contains`; points outside
/// every source polygon are in no area.
#[test]
fn an_even_grid_lands_in_the_bcu_whose_source_polygon_holds_it() {
    const STEP: f64 = 300.0;
    const MARGIN: f64 = 25.0;
    const NX: usize = 200;
    const NY: usize = 155;
    const ORIGIN: Coord<f64> = Coord {
        x: 503_500.0,
        y: 155_800.0,
    };
    let at = |i: usize, j: usize| Coord {
        x: ORIGIN.x + STEP * i as f64,
        y: ORIGIN.y + STEP * j as f64,
    };
    let london = Areas::london();
    let source = source();
    // Grid points within the margin of a source edge, found edge by edge.
    let mut near_edge = vec![false; NX * NY];
    for area in source.areas() {
        for polygon in &area.polygon.0 {
            let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
            for line in rings.flat_map(|r| r.lines()) {
                let rect = line.bounding_rect();
                let lo = |v: f64, o: f64| (((v - MARGIN - o) / STEP).ceil().max(0.0)) as usize;
                let hi =
                    |v: f64, o: f64| (((v + MARGIN - o) / STEP).floor().max(-1.0) + 1.0) as usize;
                for i in lo(rect.min().x, ORIGIN.x)..hi(rect.max().x, ORIGIN.x).min(NX) {
                    for j in lo(rect.min().y, ORIGIN.y)..hi(rect.max().y, ORIGIN.y).min(NY) {
                        if Euclidean.distance(&Point::from(at(i, j)), &line) <= MARGIN {
                            near_edge[j * NX + i] = true;
                        }
                    }
                }
            }
        }
    }
    let polygons: Vec<(&MultiPolygon<f64>, &str, geo::Rect<f64>)> = source
        .areas()
        .iter()
        .map(|a| {
            let rect = a.polygon.bounding_rect().expect("a bounding box");
            (&a.polygon, &*a.bcu, rect)
        })
        .collect();
    let (mut inside, mut outside, mut skipped) = (0, 0, 0);
    let mut wrong = Vec::new();
    for j in 0..NY {
        for i in 0..NX {
            if near_edge[j * NX + i] {
                skipped += 1;
                continue;
            }
            let c = at(i, j);
            let holder = polygons
                .iter()
                .filter(|(_, _, r)| r.contains(&c))
                .find(|(polygon, _, _)| polygon.contains(&c))
                .map(|(_, bcu, _)| *bcu);
            let got = london
                .locate(Bng {
                    easting: c.x,
                    northing: c.y,
                })
                .map(|id| &*london.area(id).bcu);
            match holder {
                Some(_) => inside += 1,
                None => outside += 1,
            }
            if got != holder {
                wrong.push((c, holder, got));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    assert_eq!((inside, outside, skipped), (17_112, 13_422, 466));
}
