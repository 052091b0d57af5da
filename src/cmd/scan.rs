//! `marac scan`: the coordinator's weekly risk scan.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Args;
use marac_model::{Incident, PersonMention, Role};
use marac_risk::{Referrals, RiskConfig};

use crate::cmd::{pipeline_err, WeekArgs, WeekInputs};
use crate::inputs::{parse_date_flag, today};
use crate::output::emit;
use crate::{input_error, InputArgs, ReportFormat};
use marac_render::CsvDoc;

/// Arguments of `marac scan`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = crate::boundaries_note()
)]
pub struct ScanArgs {
    #[command(subcommand)]
    sub: Option<ScanSub>,
    #[command(flatten)]
    input: InputArgs,
    /// The scan date: windows count back from it, both ends included (default: today).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[command(flatten)]
    week: WeekArgs,
    /// Only persons in this BCU (name or code).
    #[arg(long, value_name = "NAME")]
    bcu: Option<String>,
    /// Print one person's full chronology and every point, instead of the list.
    #[arg(long, value_name = "PERSON_ID")]
    explain: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: ReportFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Save the scan in this case register (stable case references; flags `repeat_marac` cases).
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// Print what changed since the previous scan saved in the register (md or json) instead of the list.
    #[arg(long, requires = "register")]
    since_last: bool,
    /// Who runs the scan, for the register's audit trail (default: $USER or $LOGNAME).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
enum ScanSub {
    /// Recall and precision of MARAC eligibility and of each flag against planted patterns (`marac synth`).
    Eval(EvalArgs),
}

/// Arguments of `marac scan eval`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
struct EvalArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The scan date (the synth `--end`).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    as_of: NaiveDate,
    /// Ground truth `incident_id,role,person_key`.
    #[arg(long, value_name = "truth.csv")]
    truth: PathBuf,
    /// Planted patterns `person_key,pattern,…`.
    #[arg(long, value_name = "planted.csv")]
    planted: PathBuf,
    /// Person mentions from `marac link` instead of linking here.
    #[arg(long, value_name = "persons.csv")]
    persons: Option<PathBuf>,
    /// Linkage rules when linking here: a FILE.toml, or `default` / `deterministic`.
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<String>,
    /// Risk configuration.
    #[arg(long, value_name = "FILE.toml")]
    config: Option<PathBuf>,
    /// Write here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

fn run_eval(args: EvalArgs, quiet: bool) -> Result<u8> {
    let t = std::time::Instant::now();
    let week = WeekArgs {
        persons: args.persons,
        rules: args.rules,
        config: args.config,
        ..WeekArgs::default()
    };
    let inputs = WeekInputs::read(&args.input, &week, None, args.as_of, quiet)?;
    let link_s = t.elapsed().as_secs_f64();
    let rows = &inputs.mentions;
    let t = std::time::Instant::now();
    let result = inputs.week(args.as_of).scan();
    let scan_s = t.elapsed().as_secs_f64();
    let truth = read_persons(&args.truth)?;
    let mut rdr = csv::Reader::from_path(&args.planted)
        .map_err(|e| input_error(format!("{}: {e}", args.planted.display())))?;
    let mut planted = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| input_error(format!("{}: {e}", args.planted.display())))?;
        if let (Some(k), Some(p)) = (rec.get(0), rec.get(1)) {
            planted.push((k.to_string(), p.to_string()));
        }
    }
    let e = marac_risk::evaluate_planted(&result, rows, &truth, &planted);
    let mut v = serde_json::to_value(&e)?;
    v["link_seconds"] = serde_json::json!((link_s * 1000.0).round() / 1000.0);
    v["scan_seconds"] = serde_json::json!((scan_s * 1000.0).round() / 1000.0);
    let mut text = serde_json::to_string_pretty(&v)?;
    text.push('\n');
    emit(args.out.as_deref(), text.as_bytes())?;
    Ok(0)
}

/// Reads `incident_id,role,person_id` rows.
pub fn read_persons(path: &std::path::Path) -> Result<Vec<PersonMention>> {
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| input_error(format!("{}:{line}: {e}", path.display())))?;
        let (Some(iid), Some(role), Some(pid)) = (rec.get(0), rec.get(1), rec.get(2)) else {
            return Err(input_error(format!(
                "{}:{line}: expected incident_id,role,person_id",
                path.display()
            )));
        };
        let role = Role::parse(role)
            .map_err(|e| input_error(format!("{}:{line}: role: {e}", path.display())))?;
        rows.push(PersonMention::new(iid, role, pid));
    }
    Ok(rows)
}

/// The scan as JSON; with a register's references, each person carries
/// its stable `case_ref`.
pub fn scan_json(
    result: &marac_risk::Scan,
    refs: Option<&std::collections::BTreeMap<String, String>>,
) -> Result<Vec<u8>> {
    let mut s = match refs {
        None => serde_json::to_string_pretty(result).context("json")?,
        Some(refs) => {
            let mut v = serde_json::to_value(result).context("json")?;
            if let Some(list) = v["persons"].as_array_mut() {
                for p in list {
                    let r = p["person_id"].as_str().and_then(|id| refs.get(id)).cloned();
                    if let (Some(r), Some(obj)) = (r, p.as_object_mut()) {
                        obj.insert("case_ref".into(), serde_json::Value::String(r));
                    }
                }
            }
            serde_json::to_string_pretty(&v).context("json")?
        }
    };
    s.push('\n');
    Ok(s.into_bytes())
}

/// Links the incidents' persons: from `--persons`, or by linkage with
/// `--rules` (default: the built-in rules) and the labels, if any (what
/// became of them on standard error unless `quiet`).
pub fn person_rows(
    incidents: &[Incident],
    persons: Option<&std::path::Path>,
    rules: Option<&str>,
    labels: Option<&[marac_link::labels::Label]>,
    quiet: bool,
) -> Result<Vec<PersonMention>> {
    let rules = match persons {
        Some(p) => return read_persons(p),
        None => crate::cmd::link::load_rules(rules)?,
    };
    match labels {
        None => Ok(marac_pipeline::link(incidents, &rules)),
        Some(labels) => {
            let (rows, stats) = marac_pipeline::link_labelled(incidents, &rules, labels);
            if !quiet {
                crate::cmd::link::report_labels(&stats);
            }
            Ok(rows)
        }
    }
}

/// Loads `--refer FILE` (none: no referrals).
pub fn load_referrals(path: Option<&std::path::Path>) -> Result<Referrals> {
    match path {
        None => Ok(Referrals::default()),
        Some(p) => std::fs::read_to_string(p)
            .map(|text| Referrals::parse(&text))
            .map_err(|e| input_error(format!("{}: {e}", p.display()))),
    }
}

/// Loads `--config` or the default.
pub fn load_config(path: Option<&std::path::Path>) -> Result<RiskConfig> {
    match path {
        None => Ok(RiskConfig::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| input_error(format!("{}: {e}", p.display())))?;
            RiskConfig::from_toml(&p.display().to_string(), &text)
                .map_err(|e| input_error(e.to_string()))
        }
    }
}

/// Runs the command.
pub fn run(args: ScanArgs, quiet: bool) -> Result<u8> {
    if let Some(ScanSub::Eval(e)) = args.sub {
        return run_eval(e, quiet);
    }
    let as_of = args.as_of.unwrap_or_else(today);
    let inputs = WeekInputs::read(
        &args.input,
        &args.week,
        args.register.as_deref(),
        as_of,
        quiet,
    )?;
    let bcu_filter = match &args.bcu {
        None => None,
        Some(name) if name.eq_ignore_ascii_case("all") => None,
        Some(name) => {
            let bcu = inputs
                .areas
                .resolve_bcu(name)
                .ok_or_else(|| input_error(format!("--bcu {name}: no such BCU")))?;
            Some(bcu.name.to_string())
        }
    };
    let week = inputs.week(as_of);
    let ingest = &inputs.ingest;
    let rows = &inputs.mentions;
    let stage = crate::progress::Progress::stage(quiet, "scoring");
    // With a register: stable case references, repeat MARAC, the scan saved.
    let (mut result, register) = match &args.register {
        None => (week.scan(), None),
        Some(path) => {
            let mut reg = crate::cmd::register::open_at(path, args.user.as_deref())?;
            let secret =
                marac_register::load_or_create_secret(&marac_register::default_secret_path(path))
                    .map_err(crate::cmd::register::reg_err)?;
            let d = week.decide(Some(&mut reg), &secret).map_err(pipeline_err)?;
            let changes = d
                .save_scan(&mut reg, args.since_last)
                .map_err(pipeline_err)?;
            (d.scan, Some((d.case_refs, changes)))
        }
    };
    stage.finish();
    if let Some(b) = &bcu_filter {
        result.persons.retain(|p| &p.bcu == b);
    }
    if !quiet {
        let eligible = result.persons.iter().filter(|p| p.marac_eligible).count();
        eprintln!(
            "marac: scanned {} victims as of {as_of}: {eligible} MARAC-eligible",
            result.persons.len()
        );
    }
    if let Some(pid) = &args.explain {
        let p = result
            .persons
            .iter()
            .find(|p| &p.person_id == pid)
            .ok_or_else(|| {
                input_error(format!(
                    "--explain {pid}: no victim with that person id in this scan"
                ))
            })?;
        let text = marac_render::scan::explain(p, &ingest.incidents, rows, &result);
        emit(args.out.as_deref(), text.as_bytes())?;
        return Ok(0);
    }
    if let Some(mut changes) = register.as_ref().and_then(|r| r.1.clone()) {
        if let Some(b) = &bcu_filter {
            for list in [
                &mut changes.new_high,
                &mut changes.risen,
                &mut changes.new_flags,
                &mut changes.closed,
            ] {
                list.retain(|c| &c.bcu == b);
            }
        }
        let bytes = match args.format {
            ReportFormat::Md => marac_render::register::changes_md(&changes).into_bytes(),
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&changes).context("json")?;
                s.push('\n');
                s.into_bytes()
            }
            ReportFormat::Csv => return Err(input_error("--since-last: --format md or json")),
        };
        emit(args.out.as_deref(), &bytes)?;
        return Ok(0);
    }
    let bytes = match args.format {
        ReportFormat::Json => scan_json(&result, register.as_ref().map(|r| &r.0))?,
        ReportFormat::Csv => {
            let mut doc = CsvDoc::new(&[
                "person_id",
                "bcu",
                "score",
                "level",
                "marac_eligible",
                "flags",
                "incidents",
            ])?;
            for p in &result.persons {
                let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
                doc.row([
                    p.person_id.clone(),
                    p.bcu.clone(),
                    p.score.to_string(),
                    p.level.as_str().to_string(),
                    p.marac_eligible.to_string(),
                    flags.join(";"),
                    p.incidents.join(";"),
                ])?;
            }
            doc.finish()?
        }
        ReportFormat::Md => marac_render::scan::markdown(&result).into_bytes(),
    };
    emit(args.out.as_deref(), &bytes)?;
    Ok(0)
}
