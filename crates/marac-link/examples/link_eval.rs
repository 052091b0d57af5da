//! Links a canonical CSV and scores it against a truth file, printing the
//! figures and stage timings — a development harness for tuning rules
//! without the full CLI:
//!
//! ```text
//! cargo run --release -p marac-link --example link_eval -- incidents.csv truth.csv [rules.toml]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::time::Instant;

use marac_ingest::{IngestOptions, Ingester, InputFormat};
use marac_link::eval::evaluate;
use marac_link::rules::Rules;
use marac_link::{link, person_id};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: link_eval incidents.csv truth.csv [rules.toml]");
        std::process::exit(2);
    }
    let rules = match args.get(3) {
        Some(p) => {
            Rules::from_toml(p, &std::fs::read_to_string(p).expect("rules file")).expect("rules")
        }
        None => Rules::default(),
    };
    let t = Instant::now();
    let bytes = std::fs::read(&args[1]).expect("incidents");
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes(&args[1], &bytes, InputFormat::Csv)
        .expect("ingest");
    let incidents = ing.finish().incidents;
    println!(
        "ingest: {} incidents in {:.3}s",
        incidents.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let l = link(&incidents, &rules);
    let secs = t.elapsed().as_secs_f64();
    for w in &l.warnings {
        println!("warning: {w}");
    }
    println!("{:?}", l.stats);
    if let Some(m) = &l.model {
        println!(
            "lambda {:.4} lambda_all {:.3e} iterations {}",
            m.lambda, m.lambda_all, m.iterations
        );
        for (c, (mm, uu)) in l.comparisons.list.iter().zip(m.m.iter().zip(&m.u)) {
            let cells: Vec<String> = c
                .levels()
                .iter()
                .zip(mm.iter().zip(uu))
                .map(|(n, (m, u))| format!("{n} m={m:.4} u={u:.5} w={:.2}", (m / u).log2()))
                .collect();
            println!("  {}: {}", c.name(), cells.join(" | "));
        }
    }
    println!("link: {secs:.3}s");
    let mut found: HashMap<(String, &str), u32> = HashMap::new();
    for (m, p) in l.mentions.list.iter().zip(&l.clusters.person_of) {
        found.insert(
            (incidents[m.incident as usize].id.clone(), m.role_str()),
            *p,
        );
    }
    let truth = std::fs::read_to_string(&args[2]).expect("truth");
    let rows: Vec<(String, String, String)> = truth
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect();
    let items = rows.iter().enumerate().map(|(n, (i, r, k))| {
        let p = match found.get(&(i.clone(), r.as_str())) {
            Some(p) => person_id(*p),
            None => format!("#{n}"),
        };
        (p, k.clone())
    });
    let m = evaluate(items);
    println!("{m:?}");
}
