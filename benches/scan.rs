//! The risk scan beyond linkage: scoring every victim of synthetic London.
//!
//! `cargo bench --bench scan`; figures in benches/README.md. Linkage runs
//! once, outside the measurement; the bench times `marac_risk::scan`.

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marac_risk::{mentions_from_rows, scan, Referrals, RiskConfig};
use marac_synth::{generate, SynthConfig};

fn bench_scan(c: &mut Criterion) {
    let end = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let mut g = c.benchmark_group("scan");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    for n in [100_000usize, 1_000_000] {
        let data = generate(&SynthConfig {
            seed: 1,
            incidents: n,
            end,
        });
        let rows =
            marac_link::link(&data.incidents, &marac_link::rules::Rules::default()).mention_rows();
        let (mentions, persons) = mentions_from_rows(&data.incidents, &rows);
        let cfg = RiskConfig::default();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("score_{n}"), |b| {
            b.iter(|| {
                scan(
                    &data.incidents,
                    &mentions,
                    &persons,
                    &Referrals::default(),
                    &cfg,
                    end,
                )
                .persons
                .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_scan);
criterion_main!(benches);
