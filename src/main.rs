//! `marac`: the command-line tool of the Community MARAC engine.
//!
//! Thin by design: it parses flags, reads inputs through `marac-ingest`, calls
//! the library crates, and decides where output goes (stdout or `--out`,
//! written atomically with owner-only permissions). All domain logic lives in
//! the `marac-*` crates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod cmd;
mod inputs;
mod output;
mod progress;
mod project;

/// Exit code for usage and input errors.
pub const EXIT_INPUT: u8 = 2;
/// Exit code for runtime errors.
pub const EXIT_RUNTIME: u8 = 1;

/// An error caused by the user's input or flags (exit 2).
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for InputError {}

/// What the `--help` of every command that places records in, or draws, the
/// embedded London boundaries ends with: the attribution their licence (Open
/// Government Licence v3.0) asks for.
pub fn boundaries_note() -> String {
    format!(
        "London borough boundaries (embedded; Open Government Licence v3.0): {}",
        marac_geo::LONDON_ATTRIBUTION
    )
}

/// Shorthand for an input error.
pub fn input_error(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(InputError(msg.into()))
}

#[derive(Parser, Debug)]
#[command(
    name = "marac",
    version,
    about = "Community MARAC engine: links ASB, dispute, safeguarding and hate records across agencies, \
             scores repeat and high-risk victims, finds hotspots per BCU, prints the MARAC agenda",
    after_help = format!(
        "Exit status: 0 success, 1 runtime error, 2 usage or input error.\n\
         Input schema, profiles and data protection: see README.md and docs/INPUT.md.\n\n{}",
        boundaries_note()
    )
)]
struct Cli {
    /// Print nothing on standard error but errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// The project file (default: marac.toml in the working folder, when there is one).
    #[arg(long, global = true, value_name = "FILE")]
    project: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a week's exports before a scan: counts by kind, source, BCU and month, and every rejected row.
    Validate(cmd::validate::ValidateArgs),
    /// Weekly risk scan: one entry per victim, highest risk first, with flags and every point explained.
    Scan(cmd::scan::ScanArgs),
    /// The MARAC meeting pack of one BCU or of each: agenda, case summaries, actions, hotspot map.
    Agenda(cmd::agenda::AgendaArgs),
    /// Write a synthetic, realistic London data set with ground truth.
    Synth(cmd::synth::SynthArgs),
    /// Run the pipeline on the embedded synthetic fixture and print what it finds.
    Demo(cmd::demo::DemoArgs),
    /// List the built-in input profiles, print one as TOML, or draft one for an export (`profiles draft FILE`).
    Profiles(cmd::profiles::ProfilesArgs),
    /// Hotspots per BCU: DBSCAN clusters, Gi* hot cells, kernel density, repeat locations, near-repeat (Knox) test; `eval` compares them.
    Hotspots(cmd::hotspots::HotspotsArgs),
    /// Link victims and suspects across agencies into persons (`link eval` measures it against ground truth).
    Link(cmd::link::LinkArgs),
    /// The case register (SQLite): record meetings, actions, case history, figures, retention.
    Register(cmd::register::RegisterArgs),
    /// The week in one command, from the project file: validate, link, scan with the register, full and redacted packs per BCU.
    Run(cmd::run::RunArgs),
    /// Write a commented starting project file (marac.toml).
    Init(cmd::init::InitArgs),
    /// The meeting console: a local web app for chairs, coordinators and partner agencies over the register.
    Serve(cmd::serve::ServeArgs),
}

/// Options shared by every command that reads incident records.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Input files or directories (every *.csv, *.jsonl and workbook, sorted by name); `-` is standard input. `PATH=PROFILE` reads one input with its own profile. None: the project's [[sources]].
    #[arg(value_name = "INPUT[=PROFILE]")]
    pub inputs: Vec<String>,
    /// Column mapping of inputs without `=PROFILE`: a built-in profile (`marac profiles` lists them) or a profile FILE.toml. Default: the one profile each file's header matches.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Area boundaries (GeoJSON polygons with `area` and `bcu` properties) instead of the embedded London boroughs.
    #[arg(long, value_name = "FILE.geojson")]
    pub areas: Option<PathBuf>,
    /// Write every rejected row (file, line, field, reason) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Write every warning (row kept, a field treated as missing) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub warnings: Option<PathBuf>,
    /// Stop with exit 2 at the first rejected row.
    #[arg(long)]
    pub strict: bool,
}

/// Output formats for reports.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = cli.quiet;
    project::set_flag(cli.project);
    let result = match cli.command {
        Command::Validate(a) => cmd::validate::run(a, quiet),
        Command::Scan(a) => cmd::scan::run(a, quiet),
        Command::Agenda(a) => cmd::agenda::run(a, quiet),
        Command::Synth(a) => cmd::synth::run(a, quiet),
        Command::Demo(a) => cmd::demo::run(a, quiet),
        Command::Profiles(a) => cmd::profiles::run(a, quiet),
        Command::Hotspots(a) => cmd::hotspots::run(a, quiet),
        Command::Link(a) => cmd::link::run(a, quiet),
        Command::Register(a) => cmd::register::run(a, quiet),
        Command::Run(a) => cmd::run::run(a, quiet),
        Command::Init(a) => cmd::init::run(a, quiet),
        Command::Serve(a) => cmd::serve::run(a, quiet),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = if e.downcast_ref::<InputError>().is_some() {
                EXIT_INPUT
            } else {
                EXIT_RUNTIME
            };
            eprintln!("marac: error: {e:#}");
            ExitCode::from(code)
        }
    }
}
