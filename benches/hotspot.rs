//! Hotspot methods on synthetic London points (BNG metres around central
//! London: a uniform background plus Gaussian clusters), seeded with
//! SplitMix64 so every run measures the same input.
//!
//! * `dbscan_500k`: DBSCAN, 500,000 points over 40 km × 30 km, eps 100 m,
//!   min_points 5 (target: under 2 s);
//! * `gistar_30km_250m`: Gi* on a 30 km × 30 km grid of 250 m cells
//!   (14,400 cells) with a 500 m band, from 50,000 points (target: under 1 s);
//! * `near_repeat_10k_999`: Knox test, 10,000 incidents over 10 km × 10 km
//!   and two years, bands 0,100,200,400 m × 0,7,14,30 days, 999
//!   permutations (target: under 30 s on 2 cores).
//!
//! `cargo bench --bench hotspot`; figures in benches/README.md ("Hotspots").

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use marac_hotspot::{dbscan::dbscan, gistar::gi_star, knox};
use marac_model::SplitMix64;

/// `n` points: 70 % uniform over `w × h` metres from (x0, y0), 30 % in
/// `clusters` Gaussian clusters with a 150 m standard deviation.
fn london(
    seed: u64,
    n: usize,
    (x0, y0, w, h): (f64, f64, f64, f64),
    clusters: usize,
) -> Vec<[f64; 2]> {
    let mut g = SplitMix64::new(seed);
    let centres: Vec<[f64; 2]> = (0..clusters)
        .map(|_| [x0 + g.next_f64() * w, y0 + g.next_f64() * h])
        .collect();
    (0..n)
        .map(|_| {
            if g.chance(0.3) {
                let c = g.pick(&centres);
                [
                    (c[0] + 150.0 * g.normal()).round(),
                    (c[1] + 150.0 * g.normal()).round(),
                ]
            } else {
                [
                    (x0 + g.next_f64() * w).round(),
                    (y0 + g.next_f64() * h).round(),
                ]
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("hotspot");
    g.sample_size(10).measurement_time(Duration::from_secs(10));

    let pts = london(1, 500_000, (510_000.0, 165_000.0, 40_000.0, 30_000.0), 200);
    g.bench_function("dbscan_500k", |b| {
        b.iter(|| dbscan(&pts, 100.0, 5).expect("dbscan").len())
    });

    let mut pts = london(2, 50_000, (515_000.0, 165_000.0, 30_000.0, 30_000.0), 60);
    pts.retain(|p| {
        (515_000.0..545_000.0).contains(&p[0]) && (165_000.0..195_000.0).contains(&p[1])
    });
    pts.extend([[515_000.0, 165_000.0], [544_999.0, 194_999.0]]);
    let probe = gi_star(&pts, 250.0, 500.0).expect("gi*");
    assert_eq!(probe.cells.len(), 14_400);
    g.bench_function("gistar_30km_250m", |b| {
        b.iter(|| gi_star(&pts, 250.0, 500.0).expect("gi*").cells.len())
    });

    let pts = london(3, 10_000, (525_000.0, 175_000.0, 10_000.0, 10_000.0), 40);
    let mut r = SplitMix64::new(4);
    let days: Vec<i64> = (0..pts.len())
        .map(|_| 738_000 + r.below(730) as i64)
        .collect();
    let params = knox::KnoxParams {
        distance: knox::Distance::Euclidean,
        space_bands: vec![0.0, 100.0, 200.0, 400.0],
        time_bands: vec![0, 7, 14, 30],
        iterations: 999,
        seed: 1,
    };
    g.bench_function("near_repeat_10k_999", |b| {
        b.iter(|| knox::knox(&pts, &days, &params).expect("knox").close_pairs)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
