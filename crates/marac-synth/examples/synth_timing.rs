//! Times generating and writing a synthetic data set.
//!
//! `cargo run --release -p marac-synth --example synth_timing -- 1000000 [OUT_DIR]`
//! prints the seconds taken to generate and to write the three CSV files.
//! Without `OUT_DIR` the files go to a temporary directory that is removed
//! afterwards.
#![allow(clippy::print_stdout)]

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use marac_synth::{generate, write_incidents_csv, write_planted_csv, write_truth_csv, SynthConfig};

/// Process CPU seconds (user + system) on Linux; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the
    // 12th and 13th of them, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let incidents: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let keep = args.next();
    let tmp = tempfile::tempdir()?;
    let dir = keep
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let cfg = SynthConfig {
        seed: 42,
        incidents,
        end: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
    };
    let c0 = cpu_seconds();
    let t0 = Instant::now();
    let data = generate(&cfg);
    let t1 = Instant::now();
    let c1 = cpu_seconds();
    write_incidents_csv(
        BufWriter::new(File::create(dir.join("incidents.csv"))?),
        &data.incidents,
    )?;
    write_truth_csv(
        BufWriter::new(File::create(dir.join("truth.csv"))?),
        &data.truth,
    )?;
    write_planted_csv(
        BufWriter::new(File::create(dir.join("planted.csv"))?),
        &data.planted,
    )?;
    let t2 = Instant::now();
    let c2 = cpu_seconds();
    let size = std::fs::metadata(dir.join("incidents.csv"))?.len();
    println!(
        "incidents={} truth_rows={} planted={} threads={} generate_s={:.2} write_s={:.2} total_s={:.2} cpu_generate_s={:.2} cpu_write_s={:.2} incidents_csv_mb={:.1}",
        data.incidents.len(),
        data.truth.len(),
        data.planted.len(),
        rayon::current_num_threads(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t2 - t0).as_secs_f64(),
        c1 - c0,
        c2 - c1,
        size as f64 / 1e6
    );
    Ok(())
}
