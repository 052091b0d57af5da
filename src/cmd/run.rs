//! `marac run`: the coordinator's week in one command, from the project
//! file (`marac.toml`): read and validate every source, link, scan with the
//! register (stable references, repeat MARAC, what changed since last
//! week), and write the full and the redacted pack of each BCU.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use marac_agenda::redact;
use marac_pipeline::{MeetingPlan, Packer};
use marac_register::Register;

use crate::cmd::agenda::{bcu_names, pack_path, render, MeetingDates, PackFormat};
use crate::cmd::register::{open_at, reg_err};
use crate::cmd::{pipeline_err, WeekArgs, WeekInputs};
use crate::inputs::load_areas;
use crate::output::{create_private_dir, write_atomic};
use crate::progress::Progress;
use crate::project::path_setting;
use crate::{input_error, InputArgs};

/// Arguments of `marac run`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    dates: MeetingDates,
    #[command(flatten)]
    week: WeekArgs,
    /// The case register (default: the project's `register`; created if missing).
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// The secret that keys case references (default: the project's `key`, else the register's FILE.key).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Who runs the week, for the register's audit trail (default: the login name).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// BCUs (names or codes, comma-separated; default: the project's `bcus`, else every BCU).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',')]
    bcu: Vec<String>,
    /// The chair's name, printed on the packs (default: the project's `chair`).
    #[arg(long, value_name = "NAME")]
    chair: Option<String>,
    /// Output folder (default: the project's `out`, else `packs`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// What `marac run` writes, all in the output folder, named by date:
/// `validation-AS_OF.md`, `persons-AS_OF.csv`, `scan-AS_OF.json`, and per
/// BCU the full pack (HTML and JSON) and the redacted pack (HTML).
pub fn run(args: RunArgs, quiet: bool) -> Result<u8> {
    let project = crate::project::current()?;
    let (as_of, meeting) = args.dates.resolve()?;
    let out = path_setting(args.out.as_deref(), |p| p.out.as_deref())?
        .unwrap_or_else(|| PathBuf::from("packs"));
    let register_path = path_setting(args.register.as_deref(), |p| p.register.as_deref())?
        .ok_or_else(|| {
            input_error(
                "marac run keeps the case register: give --register FILE or `register` in marac.toml",
            )
        })?;
    let key_path = path_setting(args.key.as_deref(), |p| p.key.as_deref())?
        .unwrap_or_else(|| marac_register::default_secret_path(&register_path));
    let chair = args
        .chair
        .clone()
        .or_else(|| project.and_then(|p| p.chair.clone()));

    let areas = load_areas(args.input.areas.as_deref())?;
    let wanted: Vec<String> = if args.bcu.is_empty() {
        project.map(|p| p.bcus.clone()).unwrap_or_default()
    } else {
        args.bcu.clone()
    };
    let bcus = bcu_names(&areas, &wanted, "BCU")?;

    // Read, validate, link.
    let inputs = WeekInputs::read_in(
        &args.input,
        &args.week,
        Some(&register_path),
        areas,
        as_of,
        quiet,
    )?;
    create_private_dir(&out)?;
    let validation = crate::cmd::validate::report(&inputs.ingest, as_of);
    let validation_path = out.join(format!("validation-{as_of}.md"));
    write_atomic(
        &validation_path,
        marac_render::validate::markdown(&validation).as_bytes(),
    )?;
    let persons_path = out.join(format!("persons-{as_of}.csv"));
    write_atomic(
        &persons_path,
        &crate::cmd::link::persons_csv(inputs.mentions.iter().cloned())?,
    )?;

    // Scan with the register.
    let stage = Progress::stage(quiet, "scanning");
    let mut reg = if register_path.exists() {
        open_at(&register_path, args.user.as_deref())?
    } else {
        let r = Register::init(
            &register_path,
            &crate::cmd::register::user_name(args.user.as_deref()),
        )
        .map_err(reg_err)?;
        if !quiet {
            eprintln!("marac: created register {}", register_path.display());
        }
        r
    };
    let secret = marac_register::load_or_create_secret(&key_path).map_err(reg_err)?;
    let week = inputs.week(as_of);
    let decisions = week.decide(Some(&mut reg), &secret).map_err(pipeline_err)?;
    let changes = decisions
        .save_scan(&mut reg, true)
        .map_err(pipeline_err)?
        .unwrap_or_default();
    let scan_path = out.join(format!("scan-{as_of}.json"));
    write_atomic(
        &scan_path,
        &crate::cmd::scan::scan_json(&decisions.scan, Some(&decisions.case_refs))?,
    )?;
    stage.finish();

    // Packs.
    let packer = Packer::new(&week, &decisions, MeetingPlan::on(meeting, chair));
    let bar = Progress::items(quiet, "writing packs", bcus.len() as u64);
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for name in &bcus {
        let pack = packer.pack(name);
        listed.insert(name.clone(), pack.cases.len());
        for format in [PackFormat::Html, PackFormat::Json] {
            let text = render(&pack, format, &inputs.areas)?;
            write_atomic(&pack_path(&out, &pack, format, false), text.as_bytes())?;
        }
        let redacted = redact(pack);
        let text = render(&redacted, PackFormat::Html, &inputs.areas)?;
        write_atomic(
            &pack_path(&out, &redacted, PackFormat::Html, true),
            text.as_bytes(),
        )?;
        bar.inc();
    }
    bar.finish();

    if !quiet {
        let summary = &validation.summary;
        let join = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(name) = project.and_then(|p| p.name.as_deref()) {
            eprintln!("marac: run: {name}, as of {as_of}, meeting {meeting}");
        }
        eprintln!(
            "marac: run: records by source: {}",
            join(&summary.by_source)
        );
        eprintln!("marac: run: records by kind: {}", join(&summary.by_kind));
        eprintln!(
            "marac: run: {} rejected rows (see {})",
            validation.rejected,
            validation_path.display()
        );
        for (bcu, n) in &listed {
            let s = if *n == 1 { "" } else { "s" };
            eprintln!("marac: run: {bcu}: {n} case{s} on the agenda");
        }
        let covered = |c: &&marac_register::ChangeRow| bcus.contains(&c.bcu);
        eprintln!(
            "marac: run: since the last scan{}: {} new high risk, {} risen",
            changes
                .previous_as_of
                .map(|d| format!(" ({d})"))
                .unwrap_or_else(|| " (none saved)".into()),
            changes.new_high.iter().filter(covered).count(),
            changes.risen.iter().filter(covered).count()
        );
        eprintln!(
            "marac: run: wrote {}, {}, {} and {} packs in {}",
            validation_path.display(),
            persons_path.display(),
            scan_path.display(),
            bcus.len() * 3,
            out.display()
        );
    }
    Ok(0)
}
