//! `marac profiles`: the built-in input profiles.

use std::fmt::Write as _;

use anyhow::Result;
use clap::Args;
use marac_ingest::profile::{builtin, builtin_names, BUILTINS};

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
        None => {
            let width = BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
            let mut s = String::new();
            for b in BUILTINS {
                let _ = writeln!(s, "{:width$}  {}", b.name, b.about);
            }
            s
        }
        Some(name) => match builtin(name) {
            Some(b) => b.toml.to_string(),
            None => {
                return Err(input_error(format!(
                    "no built-in profile '{name}' ({})",
                    builtin_names()
                )))
            }
        },
    };
    emit(None, text.as_bytes())?;
    Ok(0)
}
