//! Ingest throughput: read, parse, validate and place synthetic London
//! incidents (canonical CSV in memory), end to end.
//!
//! `cargo bench --bench ingest`; figures in benches/README.md.

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marac_ingest::{IngestOptions, Ingester, InputFormat};
use marac_synth::{generate, write_incidents_csv, SynthConfig};

fn csv_of(n: usize) -> Vec<u8> {
    let cfg = SynthConfig {
        seed: 1,
        incidents: n,
        end: NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
    };
    let data = generate(&cfg);
    let mut buf = Vec::new();
    write_incidents_csv(&mut buf, &data.incidents).expect("csv");
    buf
}

fn ingest(c: &mut Criterion) {
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [100_000usize, 1_000_000] {
        let bytes = csv_of(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("canonical_csv_{n}"), |b| {
            // The result is dropped outside the timing, as `marac validate`
            // exits without freeing it.
            b.iter_with_large_drop(|| {
                let mut ing = Ingester::new(IngestOptions::default());
                ing.add_bytes("bench.csv", &bytes, InputFormat::Csv)
                    .expect("ingest");
                let out = ing.finish();
                assert_eq!(out.accepted() as usize, n);
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
