//! `marac serve`: the meeting console (crate `marac-server`) on this
//! machine. This module only turns flags and the project file into the
//! console's settings and gives it the two things that touch files: reading
//! the week (the same `WeekInputs` as `scan`, `agenda` and `run`) and
//! writing a recorded meeting's packs (the same renderers and file policy
//! as `run`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use marac_pipeline::Records;
use marac_server::{Console, Settings};

use crate::cmd::agenda::{pack_path, render, PackFormat};
use crate::cmd::register::reg_err;
use crate::cmd::{WeekArgs, WeekInputs};
use crate::inputs::{load_areas, parse_date_flag};
use crate::output::{create_private_dir, write_atomic};
use crate::project::path_setting;
use crate::{input_error, InputArgs};

/// Arguments of `marac serve`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
pub struct ServeArgs {
    /// The case register (default: the project's `register`, else marac.db). Must exist: `marac register init` or `marac run` creates it.
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// The week's inputs: a folder (every *.csv, *.jsonl and workbook, each read with the profile its header matches) or a file, `PATH=PROFILE` for one profile; repeatable (default: the project's [[sources]]).
    #[arg(long, value_name = "DIR")]
    inputs: Vec<String>,
    /// Column mapping of inputs without `=PROFILE` (default: the one profile each header matches).
    #[arg(long, value_name = "NAME|FILE")]
    profile: Option<String>,
    /// Area boundaries instead of the embedded London boroughs.
    #[arg(long, value_name = "FILE.geojson")]
    areas: Option<PathBuf>,
    #[command(flatten)]
    week: WeekArgs,
    /// Address and port to listen on (port 0: any free port, printed on start).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Allow an address other than loopback. The console must then sit behind a TLS proxy (cookies are marked Secure).
    #[arg(long)]
    allow_remote: bool,
    /// Mark cookies Secure (the console is reached through a TLS proxy on this machine).
    #[arg(long)]
    secure_cookies: bool,
    /// The scan date of the week shown (default: today).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    as_of: Option<chrono::NaiveDate>,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, value_name = "N", default_value_t = 30)]
    idle_minutes: u32,
    /// The secret that keys case references (default: the project's `key`, else the register's FILE.key).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The chair's name printed on packs unless the meeting names one (default: the project's `chair`).
    #[arg(long, value_name = "NAME")]
    chair: Option<String>,
    /// Folder for the packs of recorded meetings (default: the project's `out`, else `packs`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs the console until Ctrl-C.
pub fn run(args: ServeArgs, quiet: bool) -> Result<u8> {
    if !args.bind.ip().is_loopback() && !args.allow_remote {
        return Err(input_error(format!(
            "--bind {}: not a loopback address; the console holds special-category personal data, so it listens on 127.0.0.1 unless --allow-remote is given (and then it must sit behind TLS)",
            args.bind
        )));
    }
    let project = crate::project::current()?;
    let register = path_setting(args.register.as_deref(), |p| p.register.as_deref())?
        .unwrap_or_else(|| PathBuf::from("marac.db"));
    // Open once now, so that a missing or foreign register stops here.
    marac_register::Register::open(&register, "console").map_err(reg_err)?;
    let key = path_setting(args.key.as_deref(), |p| p.key.as_deref())?
        .unwrap_or_else(|| marac_register::default_secret_path(&register));
    let secret = marac_register::load_or_create_secret(&key).map_err(reg_err)?;
    let out = path_setting(args.out.as_deref(), |p| p.out.as_deref())?
        .unwrap_or_else(|| PathBuf::from("packs"));
    let chair = args
        .chair
        .clone()
        .or_else(|| project.and_then(|p| p.chair.clone()));
    let input = InputArgs {
        inputs: args.inputs.clone(),
        profile: args.profile.clone(),
        areas: args.areas.clone(),
        rejects: None,
        warnings: None,
        strict: false,
    };
    // Read the inputs' list now: no inputs and no project is a usage error.
    crate::inputs::input_specs(&input)?;
    let areas = load_areas(args.areas.as_deref())?;

    let mut settings = Settings::new(register, secret);
    settings.idle = chrono::Duration::minutes(i64::from(args.idle_minutes.max(1)));
    settings.secure_cookies = args.secure_cookies || args.allow_remote;
    settings.as_of = args.as_of;
    settings.chair = chair;

    let week = args.week.clone();
    let load = Box::new(move |as_of| {
        let areas = load_areas(input.areas.as_deref()).map_err(|e| format!("{e:#}"))?;
        let w =
            WeekInputs::read_in(&input, &week, areas, as_of, true).map_err(|e| format!("{e:#}"))?;
        Ok(Records {
            incidents: w.ingest.incidents,
            mentions: w.mentions,
            areas: w.areas,
            referrals: w.referrals,
            config: w.config,
        })
    });
    let write_packs = Box::new(
        move |full: &marac_agenda::Pack, redacted: &marac_agenda::Pack| {
            let go = || -> Result<Vec<String>> {
                create_private_dir(&out)?;
                let mut written = Vec::new();
                for (pack, format, is_redacted) in [
                    (full, PackFormat::Html, false),
                    (full, PackFormat::Json, false),
                    (redacted, PackFormat::Html, true),
                ] {
                    let path = pack_path(&out, pack, format, is_redacted);
                    write_atomic(&path, render(pack, format, &areas)?.as_bytes())?;
                    written.push(path.display().to_string());
                }
                Ok(written)
            };
            go().map_err(|e| format!("{e:#}"))
        },
    );
    let console = Console::new(settings, load, write_packs);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("--bind {}", args.bind))?;
        let local = listener.local_addr()?;
        {
            eprintln!("marac: serving the meeting console on http://{local}/ (Ctrl-C stops it)");
            if args.allow_remote {
                eprintln!(
                    "marac: --allow-remote: put the console behind a TLS proxy (see README, \"The meeting console\"); never serve it over plain HTTP beyond this machine"
                );
            }
        }
        let log: Option<marac_server::RequestLog> = if quiet {
            None
        } else {
            Some(Arc::new(|line: &str| eprintln!("marac: serve: {line}")))
        };
        marac_server::serve(console, listener, log)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    Ok(0)
}
