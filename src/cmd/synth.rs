//! `marac synth`: a synthetic London data set with ground truth.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use marac_synth::{generate, write_incidents_csv, write_planted_csv, write_truth_csv, SynthConfig};

use crate::inputs::{parse_date_flag, today};
use crate::output::{create_private_dir, write_atomic};

/// Arguments of `marac synth`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct SynthArgs {
    /// Random seed: the same seed, size and end date give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of incidents to write.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=50_000_000))]
    incidents: u64,
    /// Last report date (default: today); reports span the two years up to it.
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    end: Option<NaiveDate>,
    /// Output directory: incidents.csv, truth.csv, planted.csv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Also write the week as the agencies export it, each in its own layout
    /// (data.police.uk CSV, a council Excel workbook, a housing CSV, adult
    /// social care JSON Lines, police CAD canonical), with their profiles, a
    /// marac.toml listing them, and the same records in the canonical layout
    /// (same-records-canonical.csv).
    #[arg(long)]
    layouts: bool,
}

/// Runs the command.
pub fn run(args: SynthArgs, quiet: bool) -> Result<u8> {
    let cfg = SynthConfig {
        seed: args.seed,
        incidents: args.incidents as usize,
        end: args.end.unwrap_or_else(today),
    };
    let stage = crate::progress::Progress::stage(quiet, "generating");
    let data = generate(&cfg);
    create_private_dir(&args.out)?;
    let mut buf = Vec::new();
    write_incidents_csv(&mut buf, &data.incidents)?;
    write_atomic(&args.out.join("incidents.csv"), &buf)?;
    buf.clear();
    write_truth_csv(&mut buf, &data.truth)?;
    write_atomic(&args.out.join("truth.csv"), &buf)?;
    buf.clear();
    write_planted_csv(&mut buf, &data.planted)?;
    write_atomic(&args.out.join("planted.csv"), &buf)?;
    if args.layouts {
        for (rel, bytes) in marac_synth::layouts::agency_exports(&data.incidents)? {
            let path = args.out.join(&rel);
            if let Some(dir) = path.parent() {
                create_private_dir(dir)?;
            }
            write_atomic(&path, &bytes)?;
        }
    }
    stage.finish();
    if !quiet {
        eprintln!(
            "marac: wrote {} incidents, {} truth rows, {} planted patterns to {} (seed {}, end {})",
            data.incidents.len(),
            data.truth.len(),
            data.planted.len(),
            args.out.display(),
            cfg.seed,
            cfg.end
        );
    }
    Ok(0)
}
