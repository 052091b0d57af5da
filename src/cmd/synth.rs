//! `marac synth`: a synthetic London data set with ground truth.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;


use crate::inputs::{parse_date_flag, today};
use crate::output::{create_private_dir, write_atomic};

/// Arguments of `marac synth`.
#[derive(Args, Debug)]
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
}

/// Runs the command.
pub fn run(args: SynthArgs, quiet: bool) -> Result<u8> {
    let _ = (args, quiet, create_private_dir, write_atomic, today);
    Ok(0)
}
