//! Placement: building the embedded London boundaries, and placing points
//! in them.
//!
//! `cargo bench --bench geo`; figures in benches/README.md, "Placement".

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marac_geo::Areas;
use marac_model::{Bng, SplitMix64};

/// `n` points spread uniformly over the bounding box of Greater London
/// (about 60 % of them inside London, the rest outside every borough).
fn points(n: usize) -> Vec<Bng> {
    let mut rng = SplitMix64::new(14);
    (0..n)
        .map(|_| Bng {
            easting: 503_568.0 + rng.next_f64() * 58_390.0,
            northing: 155_851.0 + rng.next_f64() * 45_083.0,
        })
        .collect()
}

fn geo(c: &mut Criterion) {
    let mut g = c.benchmark_group("geo");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("london_build", |b| b.iter(Areas::london_uncached));
    let london = Areas::london();
    let pts = points(1_000_000);
    g.throughput(Throughput::Elements(pts.len() as u64));
    g.bench_function("locate_1000000", |b| {
        b.iter(|| pts.iter().filter(|p| london.locate(**p).is_some()).count())
    });
    g.bench_function("place_1000000", |b| {
        b.iter(|| {
            pts.iter()
                .filter_map(|p| london.place(*p))
                .filter(|p| black_box(p.near_boundary))
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, geo);
criterion_main!(benches);
