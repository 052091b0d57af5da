//! `marac agenda`: the meeting pack of one BCU, or of each BCU.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use marac_agenda::render::{csv, html_pack, markdown, MapData};
use marac_agenda::{
    build_pack, redact, Hotspot, Pack, PackIndex, PackInput, PreviousHearing, RepeatLocation,
    ReviewDays,
};
use marac_geo::Areas;
use marac_model::{Incident, Role};
use marac_risk::Scan;

use crate::cmd::scan::{load_config, load_referrals, person_rows, run_scan};
use crate::inputs::{load, load_areas, parse_date_flag, today};
use crate::output::{create_private_dir, emit, write_atomic};
use crate::{input_error, InputArgs};

/// Pack formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackFormat {
    /// Markdown.
    Md,
    /// Self-contained HTML with an SVG map (prints cleanly to PDF).
    Html,
    /// JSON, schema marac-pack/1 (docs/PACK.md).
    Json,
    /// CSV case list.
    Csv,
}

impl PackFormat {
    fn ext(self) -> &'static str {
        match self {
            PackFormat::Md => "md",
            PackFormat::Html => "html",
            PackFormat::Json => "json",
            PackFormat::Csv => "csv",
        }
    }
}

/// Arguments of `marac agenda`.
#[derive(Args, Debug)]
pub struct AgendaArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Records up to this date (default: today).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// The meeting date (default: 7 days after --as-of).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    meeting: Option<NaiveDate>,
    /// The BCU (name or code), or `all` for one pack per BCU.
    #[arg(long, value_name = "NAME|all")]
    bcu: String,
    /// Pack format.
    #[arg(long, value_enum, default_value = "md")]
    format: PackFormat,
    /// Remove names, dates of birth, addresses, phones, full postcodes and summaries.
    #[arg(long)]
    redact: bool,
    /// The case register: previous hearings, actions to review, stable case references.
    #[arg(long, value_name = "FILE")]
    register: Option<PathBuf>,
    /// Who is running this (for the register's audit trail; default: the login name).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// The local secret that keys case references (created, 0600, if missing;
    /// default: the register's `FILE.key` with --register, else `marac.key`).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Person mentions from `marac link` instead of linking here.
    #[arg(long, value_name = "persons.csv")]
    persons: Option<PathBuf>,
    /// Linkage rules when linking here: a FILE.toml, or `default` / `deterministic`.
    #[arg(long, value_name = "FILE.toml")]
    rules: Option<String>,
    /// Risk configuration (default: the shipped one).
    #[arg(long, value_name = "FILE.toml")]
    config: Option<PathBuf>,
    /// Professional referrals: one incident or person id a line.
    #[arg(long, value_name = "FILE")]
    refer: Option<PathBuf>,
    /// The chair's name, printed on the pack.
    #[arg(long, value_name = "NAME")]
    chair: Option<String>,
    /// Days to the review date for high-risk cases.
    #[arg(long, default_value_t = 14)]
    review_high_days: i64,
    /// Days to the review date for other cases.
    #[arg(long, default_value_t = 28)]
    review_other_days: i64,
    /// Output directory (one file per BCU); without it one pack goes to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The login name, for the audit trail.
pub fn user_name(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Everything the packs of one run share.
pub struct PackContext<'a> {
    /// The areas (for BCU codes, boroughs and the map).
    pub areas: &'a Areas,
    /// All incidents.
    pub incidents: &'a [Incident],
    /// Who is victim and suspect where, built once for every pack.
    pub index: &'a PackIndex<'a>,
    /// The scan.
    pub scan: &'a Scan,
    /// person_id -> case reference.
    pub case_refs: BTreeMap<String, String>,
    /// case_ref -> last hearing.
    pub hearings: BTreeMap<String, PreviousHearing>,
    /// Open actions per BCU.
    pub actions: BTreeMap<String, Vec<marac_agenda::ActionToReview>>,
    /// Meeting date.
    pub meeting: NaiveDate,
    /// Review periods.
    pub review: ReviewDays,
    /// Chair.
    pub chair: Option<String>,
}

/// Case references by the keyed hash of each person's earliest mention.
pub fn keyed_case_refs(
    secret: &[u8],
    areas: &Areas,
    incidents: &[Incident],
    rows: &[(String, Role, String)],
) -> BTreeMap<String, String> {
    let by_id: HashMap<&str, &Incident> = incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut earliest: BTreeMap<&str, (NaiveDate, &str, Role)> = BTreeMap::new();
    for (iid, role, pid) in rows {
        let Some(inc) = by_id.get(iid.as_str()) else {
            continue;
        };
        let key = (inc.reported.date, iid.as_str(), *role);
        earliest
            .entry(pid.as_str())
            .and_modify(|e| {
                if (key.0, key.1) < (e.0, e.1) {
                    *e = key;
                }
            })
            .or_insert(key);
    }
    earliest
        .into_iter()
        .map(|(pid, (_, iid, role))| {
            let code = by_id
                .get(iid)
                .and_then(|i| areas.resolve_bcu(&i.bcu))
                .and_then(|b| b.code.as_deref().map(str::to_string))
                .unwrap_or_else(|| "UN".into());
            let mention = format!("{iid}|{}", role.as_str());
            (
                pid.to_string(),
                marac_register::case_ref(secret, &code, &mention),
            )
        })
        .collect()
}

/// The hot spots (Gi*, 250 m cells, 500 m band, hot classes only) and repeat
/// locations of one BCU over the year to the scan date.
fn bcu_hotspots(
    incidents: &[Incident],
    bcu: &str,
    as_of: NaiveDate,
) -> (Vec<Hotspot>, Vec<RepeatLocation>) {
    crate::cmd::hotspot_summary(incidents, bcu, as_of)
}

/// Builds the pack of one BCU.
pub fn pack_for(ctx: &PackContext<'_>, bcu_name: &str) -> Pack {
    let bcu = ctx.areas.bcus().iter().find(|b| &*b.name == bcu_name);
    let (hotspots, repeat_locations) = bcu_hotspots(ctx.incidents, bcu_name, ctx.scan.as_of);
    let mut notes = Vec::new();
    if ctx.areas.is_approximate() {
        notes.push(
            "Borough and BCU placement uses marac's approximate London boundaries; pass real boundaries with --areas for edge cases."
                .to_string(),
        );
    }
    if repeat_locations.iter().any(|r| r.snap_point) {
        notes.push(
            "data.police.uk coordinates are anonymised snap points, each standing for at least eight addresses: a repeat location there is not a victim's home."
                .to_string(),
        );
    }
    let input = PackInput {
        meeting_date: ctx.meeting,
        bcu: bcu_name,
        bcu_code: bcu.and_then(|b| b.code.as_deref()),
        boroughs: bcu
            .map(|b| b.areas.iter().map(|a| a.to_string()).collect())
            .unwrap_or_default(),
        incidents: ctx.incidents,
        index: ctx.index,
        scan: ctx.scan,
        case_refs: &ctx.case_refs,
        hearings: &ctx.hearings,
        actions: ctx.actions.get(bcu_name).cloned().unwrap_or_default(),
        hotspots,
        repeat_locations,
        review: ctx.review,
        notes,
    };
    let mut pack = build_pack(&input);
    pack.meeting.chair = ctx.chair.clone();
    pack
}

/// The area outlines of a BCU for the map.
pub fn map_of(areas: &Areas, bcu: &str) -> MapData {
    MapData {
        areas: areas
            .areas()
            .iter()
            .filter(|a| &*a.bcu == bcu)
            .map(|a| (a.name.to_string(), a.polygon.clone()))
            .collect(),
    }
}

/// Renders a pack.
pub fn render(pack: &Pack, format: PackFormat, areas: &Areas) -> Result<String> {
    Ok(match format {
        PackFormat::Md => markdown(pack),
        PackFormat::Html => html_pack(pack, &map_of(areas, &pack.meeting.bcu)),
        PackFormat::Json => {
            let mut s = serde_json::to_string_pretty(pack)?;
            s.push('\n');
            s
        }
        PackFormat::Csv => csv(pack),
    })
}

/// Runs the command.
pub fn run(args: AgendaArgs, quiet: bool) -> Result<u8> {
    let as_of = args.as_of.unwrap_or_else(today);
    let meeting = args.meeting.unwrap_or(as_of + chrono::Duration::days(7));
    if meeting < as_of {
        return Err(input_error(format!(
            "--meeting {meeting} is before --as-of {as_of}"
        )));
    }
    let areas = load_areas(args.input.areas.as_deref())?;
    let bcus: Vec<String> = if args.bcu.eq_ignore_ascii_case("all") {
        areas.bcus().iter().map(|b| b.name.to_string()).collect()
    } else {
        let b = areas
            .resolve_bcu(&args.bcu)
            .ok_or_else(|| input_error(format!("--bcu {}: no such BCU", args.bcu)))?;
        vec![b.name.to_string()]
    };
    if bcus.len() > 1 && args.out.is_none() {
        return Err(input_error(
            "--bcu all writes one pack per BCU: give --out DIR",
        ));
    }
    let cfg = load_config(args.config.as_deref())?;
    let referrals = load_referrals(args.refer.as_deref())?;
    let ingest = load(&args.input, Some(as_of), quiet)?;
    let rows = person_rows(
        &ingest.incidents,
        args.persons.as_deref(),
        args.rules.as_deref(),
    )?;
    let scan = run_scan(&ingest.incidents, &rows, &referrals, &cfg, as_of);
    let key_path = match (&args.key, &args.register) {
        (Some(k), _) => k.clone(),
        (None, Some(r)) => marac_register::default_secret_path(r),
        (None, None) => PathBuf::from("marac.key"),
    };
    let secret =
        marac_register::load_or_create_secret(&key_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut case_refs = keyed_case_refs(&secret, &areas, &ingest.incidents, &rows);
    let mut hearings = BTreeMap::new();
    let mut actions = BTreeMap::new();
    if let Some(path) = &args.register {
        let user = user_name(args.user.as_deref());
        let view = crate::cmd::register_view(
            path,
            &user,
            &ingest.incidents,
            &rows,
            &case_refs,
            &bcus,
            &areas,
        )?;
        case_refs = view.case_refs;
        hearings = view.hearings;
        actions = view.actions;
    }
    let index = PackIndex::new(&ingest.incidents, &rows);
    let ctx = PackContext {
        areas: &areas,
        incidents: &ingest.incidents,
        index: &index,
        scan: &scan,
        case_refs,
        hearings,
        actions,
        meeting,
        review: ReviewDays {
            high: args.review_high_days,
            other: args.review_other_days,
        },
        chair: args.chair.clone(),
    };
    if let Some(dir) = &args.out {
        create_private_dir(dir)?;
    }
    for name in &bcus {
        let mut pack = pack_for(&ctx, name);
        if args.redact {
            pack = redact(pack);
        }
        let text = render(&pack, args.format, &areas)?;
        match &args.out {
            None => emit(None, text.as_bytes())?,
            Some(dir) => {
                let path = pack_path(dir, &pack, args.format, args.redact);
                write_atomic(&path, text.as_bytes())?;
                if !quiet {
                    eprintln!("marac: {} cases -> {}", pack.cases.len(), path.display());
                }
            }
        }
    }
    Ok(0)
}

/// `DIR/marac-pack-CN-2026-11-27[-redacted].md`.
fn pack_path(dir: &Path, pack: &Pack, format: PackFormat, redacted: bool) -> PathBuf {
    let code = pack.meeting.bcu_code.clone().unwrap_or_else(|| {
        pack.meeting
            .bcu
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    });
    dir.join(format!(
        "marac-pack-{code}-{}{}.{}",
        pack.meeting.date,
        if redacted { "-redacted" } else { "" },
        format.ext()
    ))
}
