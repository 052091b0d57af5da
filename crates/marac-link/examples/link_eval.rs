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
    if std::env::var("DIAG").is_ok() {
        // Missed true pairs: a sample with their levels and weights.
        let mut idx: HashMap<(String, String), usize> = HashMap::new();
        for (i, m) in l.mentions.list.iter().enumerate() {
            idx.insert(
                (
                    incidents[m.incident as usize].id.clone(),
                    m.role_str().to_string(),
                ),
                i,
            );
        }
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut absent = 0;
        for (i, r, k) in &rows {
            match idx.get(&(i.clone(), r.clone())) {
                Some(&x) => by_key.entry(k.as_str()).or_default().push(x),
                None => absent += 1,
            }
        }
        println!("truth mentions without a linkage mention: {absent}");
        let model = l.model.as_ref().unwrap();
        let scorer = marac_link::score::Scorer::new(
            &l.comparisons,
            model,
            l.mentions.totals,
            rules.file.training.clone(),
        );
        let mut keys: Vec<&&str> = by_key.keys().collect();
        keys.sort();
        let mut shown = 0;
        let mut tally: HashMap<String, usize> = HashMap::new();
        for k in keys {
            let v = &by_key[*k];
            for a in 0..v.len() {
                for b in a + 1..v.len() {
                    let (x, y) = (v[a], v[b]);
                    if l.clusters.person_of[x] == l.clusters.person_of[y] {
                        continue;
                    }
                    let (ma, mb) = (&l.mentions.list[x], &l.mentions.list[y]);
                    let g = l.comparisons.gamma(ma, mb);
                    let w = scorer.weight(ma, mb, &g);
                    let d = l.comparisons.describe(&g);
                    *tally.entry(d.clone()).or_default() += 1;
                    if shown < 25 {
                        shown += 1;
                        println!(
                            "miss w={w:.1} {d} | {:?} {:?} / {:?} {:?} | {:?} {:?} | {:?} {:?}",
                            ma.first.name,
                            ma.last.name,
                            mb.first.name,
                            mb.last.name,
                            ma.dob,
                            mb.dob,
                            ma.postcode.as_ref().map(|p| p.as_str().to_string()),
                            mb.postcode.as_ref().map(|p| p.as_str().to_string())
                        );
                    }
                }
            }
        }
        let mut t: Vec<(String, usize)> = tally.into_iter().collect();
        t.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (d, n) in t.iter().take(25) {
            println!("{n:7} {d}");
        }
    }
}
