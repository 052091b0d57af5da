//! Linkage throughput on synthetic London incidents: the whole pipeline
//! (normalise, block, compare, EM, score, cluster, second pass), and the
//! pairwise comparisons alone (comparisons per second).
//!
//! With `MARAC_BENCH_1M=1`, also the whole pipeline on 1,000,000 incidents
//! (about a million mentions; ten samples, a few minutes).
//!
//! `cargo bench --bench link`; figures in benches/README.md ("Linkage").

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marac_link::block::{candidate_pairs, unpack};
use marac_link::compare::ComparisonSet;
use marac_link::link;
use marac_link::normalise::Mentions;
use marac_link::place::link_places;
use marac_link::rules::Rules;
use marac_synth::{generate, SynthConfig};
use rayon::prelude::*;

fn incidents(n: usize) -> Vec<marac_model::Incident> {
    let cfg = SynthConfig {
        seed: 1,
        incidents: n,
        end: NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
    };
    generate(&cfg).incidents
}

/// Compares every candidate pair, summing one level so nothing is elided.
fn compare_all(pairs: &[u64], gamma: impl Fn(usize, usize) -> u64 + Sync) -> u64 {
    pairs
        .par_iter()
        .map(|p| {
            let (i, j) = unpack(*p);
            gamma(i, j)
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let rules = Rules::default();
    let mut g = c.benchmark_group("link");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let inc = incidents(20_000);
    g.throughput(Throughput::Elements(inc.len() as u64));
    g.bench_function("pipeline_20k_incidents", |b| {
        b.iter(|| link(&inc, &rules).stats.persons)
    });
    g.bench_function("normalise_20k_incidents", |b| {
        b.iter(|| Mentions::from_incidents(&inc).len())
    });
    let mentions = Mentions::from_incidents(&inc);
    let blocked = candidate_pairs(
        &mentions.list,
        &rules.file.blocking.rules,
        rules.file.blocking.max_block,
    );
    let set = ComparisonSet::from_settings(&rules.file.comparisons);
    g.throughput(Throughput::Elements(blocked.len() as u64));
    let hot = marac_link::hot::HotSet::build(&mentions.list);
    g.bench_function("compare_candidate_pairs_compact", |b| {
        b.iter(|| {
            compare_all(&blocked.pairs, |i, j| {
                set.gamma_hot(&hot, &mentions.list, i, j)[0] as u64
            })
        })
    });
    g.bench_function("compare_candidate_pairs", |b| {
        b.iter(|| {
            compare_all(&blocked.pairs, |i, j| {
                set.gamma(&mentions.list[i], &mentions.list[j])[0] as u64
            })
        })
    });
    g.throughput(Throughput::Elements(inc.len() as u64));
    g.bench_function("places_20k_incidents", |b| {
        b.iter(|| link_places(&inc, &mentions, &rules.file.places).info.len())
    });
    if std::env::var_os("MARAC_BENCH_1M").is_some() {
        let inc = incidents(1_000_000);
        g.throughput(Throughput::Elements(inc.len() as u64));
        g.measurement_time(Duration::from_secs(100));
        // The result is dropped outside the timing, as `marac link` never
        // frees it (it exits).
        g.bench_function("pipeline_1m_incidents", |b| {
            b.iter_with_large_drop(|| link(&inc, &rules))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
