//! One module per subcommand. The weekly pipeline itself (linkage, scan,
//! case references, repeat MARAC, agenda sections, packs) is the
//! `marac-pipeline` crate: the commands here read files and flags, call it,
//! and write what it returns.
pub mod agenda;
pub mod demo;
pub mod hotspots;
pub mod init;
pub mod link;
pub mod link_workbench;
pub mod profiles;
pub mod register;
pub mod run;
pub mod scan;
pub mod serve;
pub mod synth;
pub mod validate;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use marac_geo::Areas;
use marac_ingest::Ingest;
use marac_pipeline::{PersonMention, Week};
use marac_risk::{Referrals, RiskConfig};

use crate::project::path_setting;
use crate::InputArgs;

/// Everything a week's decision is made from, as read from files and flags.
pub struct WeekInputs {
    /// The ingested records.
    pub ingest: Ingest,
    /// The areas they were placed in.
    pub areas: Areas,
    /// The linked person mentions (`--persons`, or linkage with `--rules`).
    pub mentions: Vec<PersonMention>,
    /// `--refer`.
    pub referrals: Referrals,
    /// `--config`.
    pub config: RiskConfig,
}

/// The flags that say how a week is linked and scored (shared by `scan`
/// and `agenda`).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct WeekArgs {
    /// Person mentions from `marac link` (incident_id,role,person_id) instead of linking here.
    #[arg(long, value_name = "persons.csv")]
    pub persons: Option<PathBuf>,
    /// Clerical labels when linking here (docs/LABELS.md): a `match` always joins, a `not a match` never ends up in one person; `--labels register`: the register's labels.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "persons")]
    pub labels: Option<PathBuf>,
    /// Linkage rules when linking here: a FILE.toml, or `default` / `deterministic`.
    #[arg(long, value_name = "FILE.toml")]
    pub rules: Option<String>,
    /// Risk weights, windows and thresholds (default: the shipped config/default.toml).
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Professional referrals: one incident id or person id a line (`#` comments).
    #[arg(long, value_name = "FILE")]
    pub refer: Option<PathBuf>,
}

impl WeekInputs {
    /// Reads the configuration, the records and the mentions (linking them
    /// here unless `--persons` is given). `register` is the command's case
    /// register, which `--labels register` reads.
    pub fn read(
        input: &InputArgs,
        week: &WeekArgs,
        register: Option<&Path>,
        as_of: NaiveDate,
        quiet: bool,
    ) -> Result<Self> {
        let areas = crate::inputs::load_areas(input.areas.as_deref())?;
        Self::read_in(input, week, register, areas, as_of, quiet)
    }

    /// [`WeekInputs::read`] with areas already loaded (by a command that
    /// checked a `--bcu` against them first).
    pub fn read_in(
        input: &InputArgs,
        week: &WeekArgs,
        register: Option<&Path>,
        areas: Areas,
        as_of: NaiveDate,
        quiet: bool,
    ) -> Result<Self> {
        // Flags first, then the project file's settings.
        let project = crate::project::current()?;
        let config = path_setting(week.config.as_deref(), |p| p.config.as_deref())?;
        let refer = path_setting(week.refer.as_deref(), |p| p.refer.as_deref())?;
        let rules = week
            .rules
            .clone()
            .or_else(|| project.and_then(|p| p.rules.as_deref().map(|r| p.resolve_rules(r))));
        let config = scan::load_config(config.as_deref())?;
        let referrals = scan::load_referrals(refer.as_deref())?;
        let labels = match week_labels(week)? {
            None => None,
            Some(LabelSpec::File(p)) => Some(link::read_labels(&p, quiet)?),
            Some(LabelSpec::Register) => {
                let path = register.ok_or_else(|| {
                    crate::input_error(
                        "--labels register: give --register FILE (the register holding the labels)",
                    )
                })?;
                let reg = register::open_at(path, None)?;
                let labels = register::labels_of(&reg.labels().map_err(register::reg_err)?);
                if !quiet {
                    eprintln!(
                        "marac: read {} labels from the register {}",
                        labels.len(),
                        path.display()
                    );
                }
                Some(labels)
            }
        };
        let (ingest, areas) = crate::inputs::load_in(input, areas, Some(as_of), quiet)?;
        let stage = crate::progress::Progress::stage(quiet, "linking persons");
        let mentions = scan::person_rows(
            &ingest.incidents,
            week.persons.as_deref(),
            rules.as_deref(),
            labels.as_deref(),
            quiet,
        )?;
        stage.finish();
        Ok(WeekInputs {
            ingest,
            areas,
            mentions,
            referrals,
            config,
        })
    }

    /// The week as the pipeline takes it.
    pub fn week(&self, as_of: NaiveDate) -> Week<'_> {
        Week {
            incidents: &self.ingest.incidents,
            mentions: &self.mentions,
            areas: &self.areas,
            referrals: &self.referrals,
            config: &self.config,
            as_of,
        }
    }
}

/// Where a week's labels come from.
enum LabelSpec {
    /// A labels CSV file.
    File(PathBuf),
    /// The command's case register.
    Register,
}

/// `--labels`, else the project's `labels` (a path relative to the project
/// file, or `register`).
fn week_labels(week: &WeekArgs) -> Result<Option<LabelSpec>> {
    let register = Path::new("register");
    let from_project = crate::project::current()?.and_then(|p| p.labels.as_deref());
    if week.labels.as_deref().or(from_project) == Some(register) {
        return Ok(Some(LabelSpec::Register));
    }
    Ok(path_setting(week.labels.as_deref(), |p| p.labels.as_deref())?.map(LabelSpec::File))
}

/// Maps a pipeline error to the exit code policy (register input errors exit 2).
pub fn pipeline_err(e: marac_pipeline::PipelineError) -> anyhow::Error {
    match e {
        marac_pipeline::PipelineError::Register(e) => register::reg_err(e),
    }
}
