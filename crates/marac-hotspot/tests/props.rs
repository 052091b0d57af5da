//! Properties: DBSCAN and Gi* results do not depend on where the points
//! are, only on where they are relative to each other (and, for Gi*, to the
//! grid, which is anchored at whole multiples of the cell size).

use marac_hotspot::dbscan::dbscan;
use marac_hotspot::gistar::gi_star;
use proptest::prelude::*;

/// Points on a whole-metre lattice (so distances are exact in f64 whatever
/// the offset), in a 2 km square.
fn points() -> impl Strategy<Value = Vec<[f64; 2]>> {
    prop::collection::vec((0i32..2000, 0i32..2000), 1..120)
        .prop_map(|v| v.into_iter().map(|(x, y)| [x as f64, y as f64]).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dbscan_is_invariant_to_translation(
        pts in points(),
        dx in -400_000i32..400_000,
        dy in -400_000i32..400_000,
        eps in 20u32..300,
        min_points in 1usize..6,
    ) {
        let moved: Vec<[f64; 2]> = pts.iter().map(|p| [p[0] + dx as f64, p[1] + dy as f64]).collect();
        let a = dbscan(&pts, eps as f64, min_points).unwrap();
        let b = dbscan(&moved, eps as f64, min_points).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn gi_star_is_invariant_to_translation_by_whole_cells(
        pts in points(),
        kx in -2000i64..2000,
        ky in -2000i64..2000,
        cell in prop::sample::select(vec![50.0f64, 100.0, 250.0]),
        band_cells in 1u32..4,
    ) {
        let band = cell * band_cells as f64;
        let (dx, dy) = (kx as f64 * cell, ky as f64 * cell);
        let moved: Vec<[f64; 2]> = pts.iter().map(|p| [p[0] + dx, p[1] + dy]).collect();
        let a = gi_star(&pts, cell, band).unwrap();
        let b = gi_star(&moved, cell, band).unwrap();
        prop_assert_eq!(a.cells.len(), b.cells.len());
        for (ca, cb) in a.cells.iter().zip(&b.cells) {
            prop_assert_eq!(ca.count, cb.count);
            prop_assert!((ca.z - cb.z).abs() < 1e-9, "z {} vs {}", ca.z, cb.z);
            prop_assert_eq!(ca.class, cb.class);
            prop_assert!((ca.x + dx - cb.x).abs() < 1e-6 && (ca.y + dy - cb.y).abs() < 1e-6);
        }
    }
}
