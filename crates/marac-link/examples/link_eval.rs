//! Links a canonical CSV and scores it against a truth file, printing the
//! figures and stage timings — a development harness for tuning rules
//! without the full CLI:
//!
//! ```text
//! cargo run --release -p marac-link --example link_eval -- incidents.csv truth.csv [rules.toml]
//! ```
//!
//! Environment: `PROFILE=febrl` reads the input through a built-in profile
//! (with truth `-`: the profile's own `[truth]` column); `DIAG=1` breaks the missed true pairs down (levels, shapes,
//! sources, blocking, weight against the threshold) and lists wrong links;
//! with it, `DIAG_STRONG=1` prints each missed pair over the threshold,
//! `DIAG_CAL=1` counts the unvetoed candidate pairs that are true and false
//! per 1-bit weight bin (a calibration check of the match weights), and
//! `DIAG_ONLY=1` prints the misses whose partial record is the only one of
//! its name in its sector.
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
    let mut opts = IngestOptions::default();
    if let Ok(name) = std::env::var("PROFILE") {
        opts.profile = marac_ingest::profile::Profile::builtin(&name).expect("built-in profile");
    }
    let mut ing = Ingester::new(opts);
    ing.add_bytes(&args[1], &bytes, InputFormat::Csv)
        .expect("ingest");
    let done = ing.finish();
    let incidents = done.incidents;
    // Truth `-`: the profile's own [truth] column, one victim per incident.
    let from_input: Vec<(String, String, String)> = incidents
        .iter()
        .zip(&done.truth)
        .filter_map(|(i, k)| Some((i.id.clone(), "victim".to_string(), k.clone()?)))
        .collect();
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
    let rows: Vec<(String, String, String)> = if args[2] == "-" {
        from_input
    } else {
        let truth = std::fs::read_to_string(&args[2]).expect("truth");
        truth
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].to_string(), f[2].to_string())
            })
            .collect()
    };
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
        // The truth key of each mention ("" when it has none), and the
        // candidate pairs of both passes.
        let mut key_of = vec![""; l.mentions.list.len()];
        for (k, v) in &by_key {
            for &x in v {
                key_of[x] = k;
            }
        }
        let cands = candidates(&l, &rules);
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
        let mut strong_tally: HashMap<&str, usize> = HashMap::new();
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
                    let strong = w >= l.stats.threshold_weight.unwrap_or(f64::INFINITY);
                    let cls = match (strong, cands.contains(&marac_link::block::pack(x, y))) {
                        (true, true) => "strong, candidate",
                        (true, false) => "strong, not a candidate",
                        (false, true) => "weak, candidate",
                        (false, false) => "weak, not a candidate",
                    };
                    *strong_tally.entry(cls).or_default() += 1;
                    if strong && std::env::var("DIAG_STRONG").is_ok() {
                        println!(
                            "strong miss {cls} w={w:.1} {d} | {} ~ {}",
                            shape(ma),
                            shape(mb)
                        );
                    }
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
        if std::env::var("DIAG_CAL").is_ok() {
            // Every candidate pair by weight (1-bit bins): true and false.
            let mut bins: std::collections::BTreeMap<i64, (u64, u64)> = Default::default();
            let mut pats: HashMap<String, (u64, u64)> = HashMap::new();
            for &p in &cands {
                let (x, y) = marac_link::block::unpack(p);
                let (ma, mb) = (&l.mentions.list[x], &l.mentions.list[y]);
                let g = l.comparisons.gamma(ma, mb);
                if marac_link::pair_vetoed(&rules, &l.comparisons, &g, ma, mb) {
                    continue;
                }
                let w = scorer.weight(ma, mb, &g);
                let t = !key_of[x].is_empty() && key_of[x] == key_of[y];
                let e = bins.entry(w.floor() as i64).or_default();
                if t {
                    e.0 += 1
                } else {
                    e.1 += 1
                }
                if (5.0..25.0).contains(&w) {
                    let e = pats.entry(l.comparisons.describe(&g)).or_default();
                    if t {
                        e.0 += 1
                    } else {
                        e.1 += 1
                    }
                }
            }
            println!("== candidate pairs by weight: bin true false");
            for (b, (t, f)) in &bins {
                println!("{b:4} {t:8} {f:8}");
            }
            let mut v: Vec<(String, (u64, u64))> = pats.into_iter().collect();
            v.sort_by_key(|x| std::cmp::Reverse(x.1 .0 + x.1 .1));
            println!("== candidate pairs 5..25 bits by levels: true false");
            for (k, (t, f)) in v.iter().take(40) {
                println!("{t:8} {f:8} {k}");
            }
        }
        let mut st: Vec<(&str, usize)> = strong_tally.into_iter().collect();
        st.sort();
        println!("== missed pairs by weight (threshold) and blocking: {st:?}");
        let mut t: Vec<(String, usize)> = tally.into_iter().collect();
        t.sort_by_key(|x| std::cmp::Reverse(x.1));
        for (d, n) in t.iter().take(25) {
            println!("{n:7} {d}");
        }
        breakdown(&l, &by_key, &key_of, &cands);
        // Wrong links: accepted decisions joining two true persons.
        let mut wrong: HashMap<String, (u64, u64)> = HashMap::new();
        let mut wrong_shape: HashMap<String, (u64, u64)> = HashMap::new();
        let (mut refused, mut refused_true) = (0u64, 0u64);
        for d in &l.decisions {
            if d.refused {
                refused += 1;
                if key_of[d.a as usize] == key_of[d.b as usize] {
                    refused_true += 1;
                }
                continue;
            }
            let (a, b) = (d.a as usize, d.b as usize);
            let bad = key_of[a] != key_of[b];
            bump(&mut wrong, l.comparisons.describe(&d.gamma), bad);
            let (sa, sb) = (shape(&l.mentions.list[a]), shape(&l.mentions.list[b]));
            let (sa, sb) = if sa <= sb { (sa, sb) } else { (sb, sa) };
            bump(&mut wrong_shape, format!("{sa} ~ {sb}"), bad);
        }
        println!("refused by the guard: {refused}, of which true pairs {refused_true}");
        let mut att_shape: HashMap<String, (u64, u64)> = HashMap::new();
        let mut att_weight: HashMap<String, (u64, u64)> = HashMap::new();
        let mut att_class: HashMap<String, (u64, u64)> = HashMap::new();
        let mut att_why: HashMap<String, (u64, u64)> = HashMap::new();
        for d in l
            .decisions
            .iter()
            .filter(|d| d.reason == marac_link::Reason::Attach)
        {
            let (a, b) = (d.a as usize, d.b as usize);
            let bad = key_of[a] != key_of[b];
            let (sa, sb) = (shape(&l.mentions.list[a]), shape(&l.mentions.list[b]));
            let (sa, sb) = if sa <= sb { (sa, sb) } else { (sb, sa) };
            bump(&mut att_shape, format!("{sa} ~ {sb}"), bad);
            bump(
                &mut att_weight,
                format!("{:02}", d.weight.floor() as i64),
                bad,
            );
            let (part, whole) = if marac_link::attach::identifying(&l.mentions.list[a]) {
                (b, a)
            } else {
                (a, b)
            };
            let size = l
                .clusters
                .person_of
                .iter()
                .filter(|&&p| p == l.clusters.person_of[whole])
                .count();
            let ps = shape(&l.mentions.list[part]);
            if bad {
                // Does the partial's true person have an identifying mention?
                let k = key_of[part];
                let ident = by_key
                    .get(k)
                    .map(|v| {
                        v.iter()
                            .filter(|&&x| marac_link::attach::identifying(&l.mentions.list[x]))
                            .count()
                    })
                    .unwrap_or(0);
                let same_addr = by_key.get(k).map(|v| v.len()).unwrap_or(0);
                bump(
                    &mut att_why,
                    format!(
                        "{} true person identified mentions {} (mentions {})",
                        &ps[..4],
                        ident.min(3),
                        same_addr.min(4)
                    ),
                    true,
                );
            }
            bump(
                &mut att_class,
                format!("{} size {}", &ps[..4], size.min(6)),
                bad,
            );
        }
        show("attachments by shape: attached wrong", att_shape, 20);
        show("attachments by weight: attached wrong", att_weight, 30);
        show(
            "attachments by partial shape and size of person: attached wrong",
            att_class,
            40,
        );
        show("wrong attachments: the partial's true person", att_why, 40);
        show("accepted links by levels: links wrong", wrong, 25);
        show("accepted links by shape: links wrong", wrong_shape, 15);
    }
}

/// The candidate pairs of both passes (the rules' blocks and the
/// second pass's counterpart block), packed.
fn candidates(l: &marac_link::Linkage<'_>, rules: &Rules) -> std::collections::HashSet<u64> {
    let mut r = rules.file.blocking.rules.clone();
    r.push(marac_link::rules::BlockRule {
        name: "counterpart".into(),
        keys: vec![marac_link::rules::KeyPart::Counterpart],
        subblock: vec![marac_link::rules::KeyPart::FirstInitial],
        partial: false,
        max_block: None,
    });
    marac_link::block::candidate_pairs(&l.mentions.list, &r, rules.file.blocking.max_block)
        .pairs
        .into_iter()
        .collect()
}

/// The shape of a mention: role, then which identifying fields it holds.
fn shape(m: &marac_link::normalise::Mention) -> String {
    let mut s = String::from(if m.role_str() == "suspect" {
        "S:"
    } else {
        "V:"
    });
    let f = !m.first.name.is_empty();
    let l = !m.last.name.is_empty();
    s.push_str(match (f, l) {
        (true, true) => "FL",
        (true, false) => "F-",
        (false, true) => "-L",
        _ => "--",
    });
    if m.dob.is_some() {
        s.push('d');
    }
    if m.postcode.is_some() {
        s.push('p');
    }
    if m.address.present {
        s.push('a');
    }
    if m.phone.is_some() {
        s.push('t');
    }
    if m.reference.is_some() {
        s.push('r');
    }
    s
}

fn bump(t: &mut HashMap<String, (u64, u64)>, k: String, missed: bool) {
    let e = t.entry(k).or_default();
    e.0 += 1;
    if missed {
        e.1 += 1;
    }
}

fn show(title: &str, t: HashMap<String, (u64, u64)>, n: usize) {
    let mut v: Vec<(String, (u64, u64))> = t.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1 .1));
    println!("== {title}: key true missed miss%");
    for (k, (a, b)) in v.iter().take(n) {
        println!(
            "{:>9} {:>8} {:5.1}%  {k}",
            a,
            b,
            100.0 * *b as f64 / *a as f64
        );
    }
}

/// Missed true pairs by mention shape, by source, by truth cluster size,
/// and blocking recall (true pairs that were candidates at all).
fn breakdown(
    l: &marac_link::Linkage<'_>,
    by_key: &HashMap<&str, Vec<usize>>,
    key_of: &[&str],
    cands: &std::collections::HashSet<u64>,
) {
    let list = &l.mentions.list;
    let mut by_shape = HashMap::new();
    let mut by_src = HashMap::new();
    let mut by_size = HashMap::new();
    let mut by_roles = HashMap::new();
    let (mut tot, mut blocked, mut missed, mut missed_unblocked) = (0u64, 0u64, 0u64, 0u64);
    let mut biggest: Vec<(usize, u64, &str)> = Vec::new();
    // What a missed pair's partial record (no full name, no date of birth,
    // phone or reference) could be known by: is its true person ever named
    // in full, and is another named person of that name part in the same
    // sector of the context area?
    let ident = |x: usize| marac_link::attach::identifying(&list[x]);
    let partial = |x: usize| {
        let m = &list[x];
        !ident(x) && m.dob.is_none() && m.phone.is_none() && m.reference.is_none()
    };
    let name_key = |x: usize| -> Option<(bool, String, String)> {
        let m = &list[x];
        let sector = m.area.as_ref()?.sector()?.to_string();
        if !m.first.name.is_empty() && !m.first.initial_only {
            Some((true, m.first.name.to_string(), sector))
        } else if !m.last.name.is_empty() {
            Some((false, m.last.name.to_string(), sector))
        } else {
            None
        }
    };
    let mut named: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut holders: HashMap<(bool, String, String), std::collections::HashSet<&str>> =
        HashMap::new();
    for (k, v) in by_key {
        for &x in v {
            if ident(x) {
                named.insert(k);
                let m = &list[x];
                if let Some(sector) = m.area.as_ref().and_then(|a| a.sector()) {
                    for first in [true, false] {
                        let name = if first { &m.first.name } else { &m.last.name };
                        holders
                            .entry((first, name.to_string(), sector.to_string()))
                            .or_default()
                            .insert(k);
                    }
                }
            }
        }
    }
    let mut by_knowable: HashMap<String, (u64, u64)> = HashMap::new();
    for (k, v) in by_key {
        let n = v.len();
        let bucket = match n {
            0..=2 => "002".to_string(),
            3..=5 => "005".to_string(),
            6..=10 => "010".to_string(),
            11..=20 => "020".to_string(),
            21..=50 => "050".to_string(),
            _ => "big".to_string(),
        };
        let mut miss_here = 0;
        for a in 0..n {
            for b in a + 1..n {
                let (x, y) = (v[a], v[b]);
                let m = l.clusters.person_of[x] != l.clusters.person_of[y];
                let c = cands.contains(&marac_link::block::pack(x, y));
                tot += 1;
                if c {
                    blocked += 1;
                }
                if m {
                    missed += 1;
                    miss_here += 1;
                    if !c {
                        missed_unblocked += 1;
                    }
                }
                let (sa, sb) = (shape(&list[x]), shape(&list[y]));
                let (sa, sb) = if sa <= sb { (sa, sb) } else { (sb, sa) };
                bump(&mut by_shape, format!("{sa} ~ {sb}"), m);
                let (ra, rb) = (&sa[..4], &sb[..4]);
                bump(&mut by_roles, format!("{ra} ~ {rb}"), m);
                let (na, nb) = (
                    &l.mentions.sources[list[x].source as usize],
                    &l.mentions.sources[list[y].source as usize],
                );
                let (na, nb) = if na <= nb { (na, nb) } else { (nb, na) };
                bump(&mut by_src, format!("{na} ~ {nb}"), m);
                bump(&mut by_size, bucket.clone(), m);
                let class = match (partial(x), partial(y)) {
                    (false, false) => "no partial record".to_string(),
                    (true, true) => "both partial".to_string(),
                    (px, _) => {
                        let p = if px { x } else { y };
                        if !named.contains(key_of[p]) {
                            "partial; true person never named in full".to_string()
                        } else {
                            match name_key(p).and_then(|nk| holders.get(&nk)) {
                                None => "partial; no named person of that name in its sector"
                                    .to_string(),
                                Some(h) if h.iter().any(|o| *o != key_of[p]) => {
                                    "partial; another named person of that name in its sector"
                                        .to_string()
                                }
                                Some(_) => {
                                    if m && std::env::var("DIAG_ONLY").is_ok() {
                                        let o = if p == x { y } else { x };
                                        let g = l.comparisons.gamma(&list[p], &list[o]);
                                        println!(
                                            "only-named miss: {} ~ {} | {}",
                                            shape(&list[p]),
                                            shape(&list[o]),
                                            l.comparisons.describe(&g)
                                        );
                                    }
                                    "partial; the only named person of that name in its sector"
                                        .to_string()
                                }
                            }
                        }
                    }
                };
                bump(&mut by_knowable, class, m);
            }
        }
        biggest.push((n, miss_here, k));
    }
    println!(
        "true pairs {tot}; candidates {blocked} (blocking recall {:.4}); missed {missed}, of which not candidates {missed_unblocked}",
        blocked as f64 / tot as f64
    );
    show("truth cluster size", by_size, 10);
    show("roles/name parts", by_roles, 20);
    show("shapes", by_shape, 30);
    show("sources", by_src, 20);
    show(
        "what the partial record of a pair can be known by",
        by_knowable,
        10,
    );
    biggest.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!("== truth clusters with most missed pairs: size missed");
    for (n, m, k) in biggest.iter().take(15) {
        println!("{n:5} {m:7} {k}");
    }
}
