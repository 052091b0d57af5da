//! `marac profiles`: the built-in input profiles, and `profiles draft`, a
//! starting profile for an agency's export.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};
use marac_ingest::draft::{draft, SAMPLE_ROWS};
use marac_ingest::profile::{builtin, builtin_names, slug, BUILTINS};
use marac_ingest::{read_table, InputFormat, InputSource, Layout};

use crate::input_error;
use crate::output::emit;

/// Arguments of `marac profiles`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    command: Option<ProfilesCommand>,
    /// Print this built-in profile as TOML (a starting point for your own).
    name: Option<String>,
}

#[derive(Subcommand, Debug)]
enum ProfilesCommand {
    /// Draft a profile for an export from its header and first 1,000 rows: columns mapped by name, the values of coded columns listed to map; never prints a personal value.
    Draft(DraftArgs),
}

/// Arguments of `marac profiles draft`.
#[derive(Args, Debug)]
struct DraftArgs {
    /// The export: CSV, JSON Lines or a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods); `-` is standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the profile to this file (owner-only permissions) instead of standard output.
    #[arg(long, value_name = "PROFILE.toml")]
    out: Option<PathBuf>,
    /// The workbook's sheet (default: the first); written into the draft.
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// The header's row (a CSV's line), 1-based; rows above it are ignored. Written into the draft.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..))]
    header_row: u32,
    /// The profile's name (default: the file's name without its extension).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

/// Runs the command.
pub fn run(args: ProfilesArgs, quiet: bool) -> Result<u8> {
    if let Some(ProfilesCommand::Draft(d)) = args.command {
        return run_draft(d, quiet);
    }
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

fn run_draft(args: DraftArgs, quiet: bool) -> Result<u8> {
    let src = if args.file.as_os_str() == "-" {
        InputSource::Stdin
    } else {
        InputSource::File(args.file.clone())
    };
    let bytes = src.read().map_err(|e| input_error(e.to_string()))?;
    let format = src.format(&bytes);
    if args.sheet.is_some() && format != InputFormat::Workbook {
        return Err(input_error(format!(
            "--sheet: {} is not a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods)",
            src.name()
        )));
    }
    let layout = Layout {
        sheet: args.sheet.as_deref(),
        header_row: args.header_row,
    };
    let table = read_table(&src.name(), &bytes, format, layout, SAMPLE_ROWS)
        .map_err(|e| input_error(e.to_string()))?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => Some(args.file.as_path())
            .filter(|p| p.as_os_str() != "-")
            .and_then(Path::file_stem)
            .map(|s| slug(&s.to_string_lossy(), '-'))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "draft".into()),
    };
    let d = draft(&table, &name, &src.name());
    emit(args.out.as_deref(), d.toml.as_bytes())?;
    if !quiet {
        // Counts only: a draft's figures never carry a value of the export.
        eprintln!(
            "marac: profile '{name}' drafted from {} row{} of {}: {} column{} read, {} not read, \
             {} value{} to map{}; fill in its TODOs, then try it with `marac validate --profile`",
            d.rows,
            if d.rows == 1 { "" } else { "s" },
            src.name(),
            d.mapped,
            if d.mapped == 1 { "" } else { "s" },
            d.unmapped,
            d.values_to_map,
            if d.values_to_map == 1 { "" } else { "s" },
            match &args.out {
                Some(p) => format!(" (written to {})", p.display()),
                None => String::new(),
            }
        );
    }
    Ok(0)
}
