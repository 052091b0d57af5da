//! `marac demo`: the whole pipeline on the embedded synthetic fixture.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use marac_ingest::{IngestOptions, Ingester, InputFormat};
use marac_pipeline::{MeetingPlan, Packer, Week};
use marac_risk::{Referrals, RiskConfig};

use crate::cmd::agenda::{render, PackFormat};
use crate::output::{create_private_dir, emit, write_atomic};

/// The embedded fixture: `marac synth --seed 7 --incidents 2000 --end 2026-11-20`.
pub const FIXTURE: &[u8] = include_bytes!("../../fixtures/demo/incidents.csv");
/// The date the fixture was generated up to; the demo runs as of it.
pub const FIXTURE_AS_OF: &str = "2026-11-20";
/// The demo's meeting date.
pub const DEMO_MEETING: &str = "2026-11-27";
/// A fixed, public key for the demo's case references (real runs use a
/// local secret, `--key`).
const DEMO_KEY: &[u8] = b"marac demo key: synthetic data only";

/// Arguments of `marac demo`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct DemoArgs {
    /// Also write the HTML meeting pack of every BCU into this directory.
    #[arg(long, value_name = "DIR")]
    html: Option<PathBuf>,
    /// The BCU whose agenda is printed (default: the one with most eligible cases).
    #[arg(long, value_name = "NAME")]
    bcu: Option<String>,
}

/// Runs the command.
pub fn run(args: DemoArgs, quiet: bool) -> Result<u8> {
    let as_of = NaiveDate::parse_from_str(FIXTURE_AS_OF, "%Y-%m-%d")?;
    let meeting = NaiveDate::parse_from_str(DEMO_MEETING, "%Y-%m-%d")?;
    let opts = IngestOptions {
        as_of: Some(as_of),
        ..IngestOptions::default()
    };
    let areas = opts.areas.clone();
    let mut ing = Ingester::new(opts);
    ing.add_bytes("fixtures/demo/incidents.csv", FIXTURE, InputFormat::Csv)?;
    let ingest = ing.finish();
    let mentions = marac_pipeline::link(&ingest.incidents, &marac_link::rules::Rules::default());
    let (referrals, config) = (Referrals::default(), RiskConfig::default());
    let week = Week {
        incidents: &ingest.incidents,
        mentions: &mentions,
        areas: &areas,
        referrals: &referrals,
        config: &config,
        as_of,
    };
    let decisions = week
        .decide(None, DEMO_KEY)
        .map_err(crate::cmd::pipeline_err)?;
    let scan = &decisions.scan;
    let persons: std::collections::BTreeSet<&str> =
        mentions.iter().map(|m| m.person_id.as_str()).collect();
    let eligible = scan.persons.iter().filter(|p| p.marac_eligible).count();
    if !quiet {
        eprintln!(
            "marac: demo: {} records ingested ({} rejected); {} mentions linked into {} persons; {} victims scanned, {} MARAC-eligible",
            ingest.read(),
            ingest.rejected(),
            mentions.len(),
            persons.len(),
            scan.persons.len(),
            eligible
        );
    }
    let packer = Packer::new(&week, &decisions, MeetingPlan::on(meeting, None));
    let bcu = match &args.bcu {
        Some(name) => areas
            .resolve_bcu(name)
            .map(|b| b.name.to_string())
            .ok_or_else(|| crate::input_error(format!("--bcu {name}: no such BCU")))?,
        None => {
            let mut per: BTreeMap<&str, usize> = BTreeMap::new();
            for p in scan.persons.iter().filter(|p| p.marac_eligible) {
                *per.entry(p.bcu.as_str()).or_default() += 1;
            }
            per.iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(b, _)| b.to_string())
                .unwrap_or_else(|| "Central North".into())
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- marac demo: synthetic London ({} incidents, {} agencies), records up to {as_of}; every name in it is invented. -->\n",
        ingest.accepted(),
        ingest.incidents.iter().map(|i| &*i.source).collect::<std::collections::BTreeSet<_>>().len()
    );
    out.push_str(&render(&packer.pack(&bcu), PackFormat::Md, &areas)?);
    emit(None, out.as_bytes())?;
    if let Some(dir) = &args.html {
        create_private_dir(dir)?;
        for b in areas.bcus() {
            let pack = packer.pack(&b.name);
            let code = b.code.as_deref().unwrap_or("X");
            let path = dir.join(format!("marac-pack-{code}-{meeting}.html"));
            write_atomic(&path, render(&pack, PackFormat::Html, &areas)?.as_bytes())?;
        }
        if !quiet {
            eprintln!(
                "marac: demo: HTML packs of {} BCUs written to {}",
                areas.bcus().len(),
                dir.display()
            );
        }
    }
    Ok(0)
}
