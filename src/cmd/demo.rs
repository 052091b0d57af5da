//! `marac demo`: the pipeline on the embedded synthetic fixture.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use marac_ingest::{IngestOptions, Ingester, InputFormat, Summary};
use marac_model::IncidentKind;

use crate::cmd::validate::md_cell;
use crate::output::emit;

/// The embedded fixture: `marac synth --seed 7 --incidents 2000 --end 2026-11-20`.
pub const FIXTURE: &[u8] = include_bytes!("../../fixtures/demo/incidents.csv");
/// The date the fixture was generated up to; the demo runs as of it.
pub const FIXTURE_AS_OF: &str = "2026-11-20";

/// Arguments of `marac demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {}

/// Runs the command.
pub fn run(_args: DemoArgs, quiet: bool) -> Result<u8> {
    let as_of = NaiveDate::parse_from_str(FIXTURE_AS_OF, "%Y-%m-%d")?;
    let mut ing = Ingester::new(IngestOptions {
        as_of: Some(as_of),
        ..IngestOptions::default()
    });
    ing.add_bytes("fixtures/demo/incidents.csv", FIXTURE, InputFormat::Csv)?;
    let ingest = ing.finish();
    if !quiet {
        eprintln!(
            "marac: demo fixture: read {}, accepted {}, rejected {}",
            ingest.read(),
            ingest.accepted(),
            ingest.rejected()
        );
    }
    let summary = Summary::of(&ingest.incidents);
    let mut by_bcu: BTreeMap<&str, [u64; 5]> = BTreeMap::new();
    for i in &ingest.incidents {
        by_bcu.entry(&i.bcu).or_default()[i.kind.index()] += 1;
    }
    let mut out = String::new();
    let _ = writeln!(out, "# marac demo: synthetic London, as of {as_of}\n");
    let _ = writeln!(
        out,
        "Ingested {} records from {} agencies ({} accepted, {} rejected).\n",
        ingest.read(),
        summary.by_source.len(),
        ingest.accepted(),
        ingest.rejected()
    );
    let _ = write!(out, "| BCU |");
    for k in IncidentKind::ALL {
        let _ = write!(out, " {k} |");
    }
    let _ = writeln!(
        out,
        " total |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (bcu, counts) in &by_bcu {
        let _ = write!(out, "| {} |", md_cell(bcu));
        for c in counts {
            let _ = write!(out, " {c} |");
        }
        let _ = writeln!(out, " {} |", counts.iter().sum::<u64>());
    }
    // Link and scan: the coordinator's weekly job on the fixture.
    let rows = crate::cmd::link_rows(&ingest.incidents);
    let result = crate::cmd::scan::run_scan(
        &ingest.incidents,
        &rows,
        &marac_risk::Referrals::default(),
        &marac_risk::RiskConfig::default(),
        as_of,
    );
    let persons: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    let eligible: Vec<&marac_risk::PersonRisk> =
        result.persons.iter().filter(|p| p.marac_eligible).collect();
    let _ = writeln!(
        out,
        "\nLinked {} person mentions into {} persons; scanned {} victims: {} MARAC-eligible.",
        rows.len(),
        persons.len(),
        result.persons.len(),
        eligible.len()
    );
    // The BCU with the most eligible cases gets its agenda printed.
    let mut per_bcu: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &eligible {
        *per_bcu.entry(p.bcu.as_str()).or_default() += 1;
    }
    let Some((bcu, _)) = per_bcu
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
    else {
        emit(None, out.as_bytes())?;
        return Ok(0);
    };
    let _ = writeln!(
        out,
        "\n## Community MARAC agenda: {} BCU, cases as of {as_of}\n",
        md_cell(bcu)
    );
    let _ = writeln!(
        out,
        "OFFICIAL-SENSITIVE. Persons are shown by pseudonymous id only.\n"
    );
    let _ = writeln!(
        out,
        "| # | person | score | level | flags | victim incidents | eligible by |"
    );
    let _ = writeln!(out, "| ---: | --- | ---: | --- | --- | ---: | --- |");
    for (n, p) in eligible.iter().filter(|p| p.bcu == *bcu).enumerate() {
        let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            n + 1,
            md_cell(&p.person_id),
            p.score,
            p.level.as_str(),
            flags.join(", "),
            p.incidents.len(),
            p.eligible_by.join(", ")
        );
    }
    emit(None, out.as_bytes())?;
    Ok(0)
}
