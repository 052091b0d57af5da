//! `marac init`: a commented starting project file.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::input_error;
use crate::output::write_atomic;
use crate::project::{Project, FILE_NAME, TEMPLATE};

/// Arguments of `marac init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(long, value_name = "FILE", default_value = FILE_NAME)]
    out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub fn run(args: InitArgs, quiet: bool) -> Result<u8> {
    if args.out.exists() && !args.force {
        return Err(input_error(format!(
            "{} exists; --force replaces it",
            args.out.display()
        )));
    }
    // What is written must be what `marac run` reads.
    Project::parse(&args.out, TEMPLATE)?;
    write_atomic(&args.out, TEMPLATE.as_bytes())?;
    if !quiet {
        eprintln!(
            "marac: wrote {}: list your exports under [[sources]], create the register \
             (marac register init --register marac.db), then run \
             `marac run --as-of DATE --meeting DATE`",
            args.out.display()
        );
    }
    Ok(0)
}
