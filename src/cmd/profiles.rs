//! `marac profiles`: the built-in input profiles.

use anyhow::Result;
use clap::Args;

use crate::input_error;
use crate::output::emit;

/// Arguments of `marac profiles`.
#[derive(Args, Debug)]
pub struct ProfilesArgs {
    /// Print this built-in profile as TOML (a starting point for your own).
    name: Option<String>,
}

/// Runs the command.
pub fn run(args: ProfilesArgs) -> Result<u8> {
    let text = match args.name.as_deref() {
        None => "canonical  the canonical schema (README.md, docs/INPUT.md); the default\n\
                 police-uk  data.police.uk street-level CSV\n"
            .to_string(),
        Some("police-uk") => marac_ingest::profile::POLICE_UK_TOML.to_string(),
        Some("canonical") => {
            "# The canonical profile maps every field to the column of the same name.\n".to_string()
        }
        Some(other) => {
            return Err(input_error(format!(
                "no built-in profile '{other}' (canonical, police-uk)"
            )))
        }
    };
    emit(None, text.as_bytes())?;
    Ok(0)
}
