//! `marac hotspots`: spatial hotspots per BCU (DBSCAN, Gi*, KDE, repeat
//! locations), the Knox near-repeat test, and `hotspots eval` (PAI of each
//! method on a train/test split). The methods live in `marac-hotspot`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use clap::{Args, Subcommand, ValueEnum};
use marac_geo::Areas;
use marac_hotspot::{
    dbscan, describe::whereabouts, geojson as gj, gistar, grid::Grid, kde, knox, pai, repeat,
    Event, GroupSummary, HotspotError,
};
use marac_model::{Incident, IncidentKind, UNASSIGNED};
use marac_render::hotspot::{
    self as hmd, date, f6, fp, r6, whereabouts_text, Section, SNAP_CAVEAT,
};
use marac_render::map::{self, GiKey, Map, MapCell, MapCluster, Marker, Surface};
use marac_render::CsvDoc;
use serde_json::{json, Map as JsonMap, Value};

use crate::inputs::{load, load_areas, parse_date_flag};
use crate::output::{emit, write_atomic};
use crate::{input_error, InputArgs};

/// Arguments of `marac hotspots`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = crate::boundaries_note()
)]
pub struct HotspotsArgs {
    #[command(subcommand)]
    sub: Option<HotspotsSub>,
    /// Method.
    #[arg(long, value_enum)]
    method: Option<Method>,
    #[command(flatten)]
    common: Common,
}

#[derive(Subcommand, Debug)]
enum HotspotsSub {
    /// Predictive Accuracy Index of every method on a train/test split.
    Eval(EvalArgs),
}

/// Arguments of `marac hotspots eval`.
#[derive(Args, Debug)]
#[command(after_help = crate::boundaries_note())]
struct EvalArgs {
    /// Train on incidents reported up to this date (inclusive).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    train_until: NaiveDate,
    /// Test on incidents reported after --train-until up to this date (inclusive).
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    test_until: NaiveDate,
    /// Share of the study grid each method may predict.
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    area_share: f64,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct Common {
    #[command(flatten)]
    input: InputArgs,
    /// BCU by name or code (`Central North`, `CN`, `cn bcu`), or `all` for each BCU in turn.
    #[arg(long, default_value = "all", value_name = "NAME|all")]
    bcu: String,
    /// Only these kinds (comma-separated), e.g. `asb,hate`.
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    kinds: Vec<String>,
    /// Only incidents reported on or after this date.
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    since: Option<NaiveDate>,
    /// Only incidents reported on or before this date.
    #[arg(long, value_parser = parse_date_flag, value_name = "DATE")]
    until: Option<NaiveDate>,
    /// dbscan: neighbourhood radius, metres.
    #[arg(long, default_value_t = 100.0, value_name = "METRES")]
    eps: f64,
    /// dbscan: points within eps (itself included) that make a core point.
    #[arg(long, default_value_t = 5, value_name = "K")]
    min_points: usize,
    /// dbscan: also write `incident_id,cluster` (-1 for noise) to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    labels: Option<PathBuf>,
    /// gistar, kde, eval: grid cell size, metres.
    #[arg(long, default_value_t = 250.0, value_name = "METRES")]
    cell: f64,
    /// gistar: distance band between cell centres, metres.
    #[arg(long, default_value_t = 500.0, value_name = "METRES")]
    band: f64,
    /// gistar: write only the cells that are hot or cold spots at --confidence or more (GeoJSON,
    /// JSON and CSV; the GeoJSON says so in its `marac` member): a small file QGIS opens quickly.
    #[arg(long)]
    significant_only: bool,
    /// gistar --significant-only: the lowest confidence kept, percent (default 90: every hot and
    /// cold class).
    #[arg(long, value_enum, value_name = "PERCENT")]
    confidence: Option<Confidence>,
    /// kde: bandwidth (search radius), metres (default: ArcGIS's rule).
    #[arg(long, value_name = "METRES")]
    bandwidth: Option<f64>,
    /// repeat-locations: incidents a place needs.
    #[arg(long, default_value_t = 3, value_name = "N")]
    min: usize,
    /// near-repeat: space band boundaries, metres.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0,100,200,400",
        value_name = "METRES,…"
    )]
    space_bands: Vec<f64>,
    /// near-repeat: time band boundaries, days.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0,7,14,30",
        value_name = "DAYS,…"
    )]
    time_bands: Vec<i64>,
    /// near-repeat: Monte Carlo permutations.
    #[arg(long, default_value_t = 999, value_name = "N")]
    iterations: usize,
    /// near-repeat: seed of the permutations.
    #[arg(long, default_value_t = 1, value_name = "S")]
    seed: u64,
    /// near-repeat: how the distance between two incidents is measured: euclidean (straight
    /// line, the default) or manhattan (|Δx| + |Δy|, the Near Repeat Calculator's default).
    #[arg(long, value_enum, value_name = "METRIC")]
    distance: Option<DistanceArg>,
    /// Output format (default: geojson; md for near-repeat and eval). svg and html draw a map
    /// (dbscan, gistar, kde, repeat-locations): svg one BCU's, html a page with each BCU's map
    /// and table.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the result here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Dbscan,
    Gistar,
    Kde,
    RepeatLocations,
    NearRepeat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Confidence {
    #[value(name = "90")]
    C90,
    #[value(name = "95")]
    C95,
    #[value(name = "99")]
    C99,
}

impl Confidence {
    fn percent(self) -> u8 {
        match self {
            Confidence::C90 => 90,
            Confidence::C95 => 95,
            Confidence::C99 => 99,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DistanceArg {
    Euclidean,
    Manhattan,
}

impl From<DistanceArg> for knox::Distance {
    fn from(d: DistanceArg) -> Self {
        match d {
            DistanceArg::Euclidean => knox::Distance::Euclidean,
            DistanceArg::Manhattan => knox::Distance::Manhattan,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// RFC 7946 GeoJSON (WGS84) for QGIS.
    Geojson,
    /// CSV.
    Csv,
    /// Markdown, a short table per BCU.
    Md,
    /// JSON (near-repeat and eval; the same as geojson for the spatial methods).
    Json,
    /// A map of one BCU (SVG): borough outlines and names, key, scale bar, north arrow,
    /// attribution.
    Svg,
    /// A self-contained HTML page: each BCU's map and table.
    Html,
}

impl Format {
    /// Whether the format is a map.
    fn is_map(self) -> bool {
        matches!(self, Format::Svg | Format::Html)
    }
}

/// The incidents of one BCU that count: with coordinates, in input order.
struct BcuSet<'a> {
    name: Arc<str>,
    incidents: Vec<&'a Incident>,
    events: Vec<Event>,
}

fn lib_err(e: HotspotError) -> anyhow::Error {
    input_error(e.to_string())
}

/// Runs the command.
pub fn run(args: HotspotsArgs, quiet: bool) -> Result<u8> {
    match args.sub {
        Some(HotspotsSub::Eval(e)) => run_eval(e, quiet),
        None => {
            let method = args.method.ok_or_else(|| {
                input_error(
                    "--method is required: dbscan, gistar, kde, repeat-locations or near-repeat",
                )
            })?;
            run_method(method, args.common, quiet)
        }
    }
}

/// Loads, filters and groups incidents per BCU.
fn prepare<'a>(
    c: &Common,
    incidents: &'a [Incident],
    bcus: &[Arc<str>],
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    quiet: bool,
) -> Result<Vec<BcuSet<'a>>> {
    let mut kinds = Vec::new();
    for k in &c.kinds {
        if k.trim().is_empty() {
            continue;
        }
        kinds.push(IncidentKind::parse(k).map_err(|e| input_error(format!("--kinds: {e}")))?);
    }
    let mut sets: Vec<BcuSet<'a>> = bcus
        .iter()
        .map(|b| BcuSet {
            name: b.clone(),
            incidents: Vec::new(),
            events: Vec::new(),
        })
        .collect();
    let index: HashMap<&str, usize> = bcus.iter().enumerate().map(|(i, b)| (&**b, i)).collect();
    let (mut no_coords, mut outside) = (0usize, 0usize);
    for inc in incidents {
        let d = inc.reported.date;
        if (!kinds.is_empty() && !kinds.contains(&inc.kind))
            || since.is_some_and(|s| d < s)
            || until.is_some_and(|u| d > u)
        {
            continue;
        }
        let Some(e) = Event::of(inc) else {
            // Counted whatever their BCU: without coordinates, a record
            // often has no BCU either.
            no_coords += 1;
            continue;
        };
        let Some(&i) = index.get(&*inc.bcu) else {
            if &*inc.bcu == UNASSIGNED {
                outside += 1;
            }
            continue;
        };
        sets[i].incidents.push(inc);
        sets[i].events.push(e);
    }
    if !quiet {
        let with: usize = sets.iter().map(|s| s.events.len()).sum();
        eprintln!(
            "marac: hotspots: {with} incident(s) with coordinates in {} BCU(s); {no_coords} selected incident(s) had no coordinates and were left out",
            sets.len()
        );
        if outside > 0 {
            eprintln!("marac: hotspots: {outside} incident(s) with coordinates outside every BCU were left out");
        }
    }
    Ok(sets)
}

fn bcu_list(c: &Common, areas: &Areas) -> Result<Vec<Arc<str>>> {
    if c.bcu.trim().eq_ignore_ascii_case("all") {
        return Ok(areas.bcus().iter().map(|b| b.name.clone()).collect());
    }
    match areas.resolve_bcu(&c.bcu) {
        Some(b) => Ok(vec![b.name.clone()]),
        None => {
            let names: Vec<String> = areas
                .bcus()
                .iter()
                .map(|b| match &b.code {
                    Some(code) => format!("{} ({code})", b.name),
                    None => b.name.to_string(),
                })
                .collect();
            Err(input_error(format!(
                "--bcu {}: no such BCU; known: {}, or all",
                c.bcu,
                names.join(", ")
            )))
        }
    }
}

fn props(pairs: Vec<(&str, Value)>) -> JsonMap<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn summary_props(s: &GroupSummary) -> Vec<(&'static str, Value)> {
    vec![
        ("count", json!(s.count)),
        ("kinds", s.kinds_json()),
        ("first", json!(date(s.first))),
        ("last", json!(date(s.last))),
    ]
}

fn run_method(method: Method, c: Common, quiet: bool) -> Result<u8> {
    let format = c.format.unwrap_or(match method {
        Method::NearRepeat => Format::Md,
        _ => Format::Geojson,
    });
    if method == Method::NearRepeat && (format == Format::Geojson || format.is_map()) {
        return Err(input_error(
            "near-repeat has no geometry: use --format md, csv or json",
        ));
    }
    if c.labels.is_some() && method != Method::Dbscan {
        return Err(input_error("--labels is for --method dbscan"));
    }
    if c.distance.is_some() && method != Method::NearRepeat {
        return Err(input_error("--distance is for --method near-repeat"));
    }
    if c.significant_only && method != Method::Gistar {
        return Err(input_error("--significant-only is for --method gistar"));
    }
    if c.confidence.is_some() && !c.significant_only {
        return Err(input_error(
            "--confidence is for --significant-only (--method gistar)",
        ));
    }
    let areas = load_areas(c.input.areas.as_deref())?;
    let bcus = bcu_list(&c, &areas)?;
    if format == Format::Svg && bcus.len() != 1 {
        return Err(input_error(
            "--format svg draws one BCU's map: give --bcu NAME, or use --format html for a page with every BCU's map",
        ));
    }
    let ingest = load(&c.input, None, quiet)?;
    let sets = prepare(&c, &ingest.incidents, &bcus, c.since, c.until, quiet)?;
    let stage = crate::progress::Progress::stage(quiet, "finding hotspots");
    let text = match method {
        Method::Dbscan => run_dbscan(&c, &sets, format, &areas)?,
        Method::Gistar => run_gistar(&c, &sets, format, &areas)?,
        Method::Kde => run_kde(&c, &sets, format, &areas)?,
        Method::RepeatLocations => run_repeat(&c, &sets, format, &areas, quiet)?,
        Method::NearRepeat => run_knox(&c, &sets, format)?,
    };
    stage.finish();
    emit(c.out.as_deref(), &text)?;
    Ok(0)
}

/// The filters of a run, for its reports.
fn filters(c: &Common) -> hmd::Filters<'_> {
    hmd::Filters {
        kinds: &c.kinds,
        since: c.since,
        until: c.until,
    }
}

/// The report's title and filters in Markdown.
fn md_header(title: &str, c: &Common) -> String {
    hmd::header(title, &filters(c))
}

/// Where some incidents are, in words (see `marac_hotspot::describe`).
fn where_text<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    centre: [f64; 2],
    areas: &Areas,
) -> String {
    let w = whereabouts(incidents, centre, areas);
    whereabouts_text(w.borough.as_deref(), &w.names)
}

/// Where some of a BCU's incidents (`members`, indices in the set) are.
fn members_where(set: &BcuSet<'_>, members: &[usize], centre: [f64; 2], areas: &Areas) -> String {
    where_text(members.iter().map(|&i| set.incidents[i]), centre, areas)
}

/// The incidents of a BCU in each cell of a grid.
fn cell_members<'a>(grid: &Grid, set: &BcuSet<'a>) -> HashMap<usize, Vec<&'a Incident>> {
    let mut cells: HashMap<usize, Vec<&Incident>> = HashMap::new();
    for (inc, e) in set.incidents.iter().zip(&set.events) {
        if let Some(i) = grid.cell_of(e.xy()) {
            cells.entry(i).or_default().push(inc);
        }
    }
    cells
}

/// The Markdown and map outputs of a spatial method: a section per BCU
/// and, for `--format svg|html`, its map.
struct Report<'a> {
    title: String,
    c: &'a Common,
    format: Format,
    areas: &'a Areas,
    parts: Vec<(Section, String)>,
    caveat: bool,
}

impl<'a> Report<'a> {
    fn new(title: String, c: &'a Common, format: Format, areas: &'a Areas) -> Self {
        Report {
            title,
            c,
            format,
            areas,
            parts: Vec::new(),
            caveat: false,
        }
    }

    /// Adds a BCU's section and, when the format is a map, the map that
    /// `layers` fills in on the BCU's base map.
    fn push<'m>(&mut self, set: &BcuSet<'_>, section: Section, layers: impl FnOnce(&mut Map<'m>))
    where
        'a: 'm,
    {
        let svg = if self.format.is_map() {
            let id = if self.format == Format::Svg {
                "map".to_string()
            } else {
                format!("map-{}", self.parts.len() + 1)
            };
            let areas: &'m Areas = self.areas;
            let mut m = Map {
                id,
                title: format!("{}: {}", set.name, self.title),
                period: period(self.c, set),
                areas: map::areas_of(areas, &set.name),
                attribution: areas.attribution(),
                ..Map::default()
            };
            layers(&mut m);
            map::svg(&m)
        } else {
            String::new()
        };
        self.parts.push((section, svg));
    }

    /// The report in its format (Markdown, SVG or HTML).
    fn into_bytes(self) -> Vec<u8> {
        match self.format {
            Format::Svg => {
                let mut svg = self
                    .parts
                    .into_iter()
                    .next()
                    .map(|p| p.1)
                    .unwrap_or_default();
                svg.push('\n');
                svg.into_bytes()
            }
            Format::Html => {
                hmd::html_page(&self.title, &filters(self.c), &self.parts, self.caveat).into_bytes()
            }
            _ => {
                let mut md = md_header(&self.title, self.c);
                for (section, _) in &self.parts {
                    section.markdown(&mut md);
                }
                if self.caveat {
                    hmd::snap_caveat(&mut md);
                }
                md.into_bytes()
            }
        }
    }
}

/// The period a BCU's map shows: the `--since` and `--until` given, else
/// the first and last report dates of its incidents.
fn period(c: &Common, set: &BcuSet<'_>) -> String {
    let first = c.since.or(set.events.iter().map(|e| e.date).min());
    let last = c.until.or(set.events.iter().map(|e| e.date).max());
    let kinds = if c.kinds.is_empty() {
        "Incidents".to_string()
    } else {
        format!("Incidents of kinds {}", c.kinds.join(", "))
    };
    match (first, last) {
        (Some(a), Some(b)) => format!("{kinds} reported {a} to {b}"),
        _ => "No incidents with coordinates".to_string(),
    }
}

/// The output in the chosen format, from the method's GeoJSON features, CSV
/// and report.
fn formatted(
    format: Format,
    features: Vec<Value>,
    csv: CsvDoc,
    report: Report<'_>,
) -> Result<Vec<u8>> {
    formatted_with(format, &JsonMap::new(), features, csv, report)
}

/// [`formatted`], with foreign members of the GeoJSON FeatureCollection.
fn formatted_with(
    format: Format,
    members: &JsonMap<String, Value>,
    features: Vec<Value>,
    csv: CsvDoc,
    report: Report<'_>,
) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Geojson | Format::Json => {
            gj::feature_collection_with(members, features).into_bytes()
        }
        Format::Csv => csv.finish()?,
        Format::Md | Format::Svg | Format::Html => report.into_bytes(),
    })
}

fn run_dbscan(c: &Common, sets: &[BcuSet<'_>], format: Format, areas: &Areas) -> Result<Vec<u8>> {
    let mut features = Vec::new();
    let mut labels_doc = CsvDoc::new(&["incident_id", "cluster"])?;
    let mut csv = CsvDoc::new(&[
        "bcu", "cluster", "count", "kinds", "first", "last", "x", "y",
    ])?;
    let mut report = Report::new(
        format!(
            "DBSCAN clusters (eps {} m, min points {})",
            c.eps, c.min_points
        ),
        c,
        format,
        areas,
    );
    let mut offset = 0i32;
    for set in sets {
        let xy: Vec<[f64; 2]> = set.events.iter().map(Event::xy).collect();
        let labels = dbscan::dbscan(&xy, c.eps, c.min_points).map_err(lib_err)?;
        let clusters = dbscan::clusters(&set.events, &labels);
        for (inc, &l) in set.incidents.iter().zip(&labels) {
            let g = if l < 0 { -1 } else { l + offset };
            labels_doc.row([inc.id.clone(), g.to_string()])?;
        }
        let noise = labels.iter().filter(|&&l| l < 0).count();
        let wheres: Vec<String> = clusters
            .iter()
            .map(|cl| members_where(set, &cl.members, cl.centroid, areas))
            .collect();
        let section = hmd::dbscan_bcu(
            &set.name,
            set.events.len(),
            &clusters,
            offset,
            noise,
            &wheres,
        );
        report.push(set, section, |m| {
            m.clusters = clusters
                .iter()
                .map(|cl| MapCluster {
                    number: cl.id + offset,
                    hull: cl.hull.clone(),
                })
                .collect();
            if clusters.is_empty() {
                m.note = Some("No clusters.".into());
            }
        });
        for cl in &clusters {
            let id = cl.id + offset;
            let s = &cl.summary;
            let mut p = vec![("bcu", json!(&*set.name)), ("cluster", json!(id))];
            p.extend(summary_props(s));
            features.push(gj::polygon_feature(&cl.hull, props(p)));
            csv.row([
                set.name.to_string(),
                id.to_string(),
                s.count.to_string(),
                s.kinds_text(),
                date(s.first),
                date(s.last),
                format!("{:.0}", cl.centroid[0]),
                format!("{:.0}", cl.centroid[1]),
            ])?;
        }
        offset += clusters.len() as i32;
    }
    if let Some(p) = &c.labels {
        write_atomic(p, &labels_doc.finish()?)?;
    }
    formatted(format, features, csv, report)
}

fn run_gistar(c: &Common, sets: &[BcuSet<'_>], format: Format, areas: &Areas) -> Result<Vec<u8>> {
    let mut features = Vec::new();
    let mut csv = CsvDoc::new(&["bcu", "x", "y", "count", "gi_z", "p", "class"])?;
    let mut report = Report::new(
        format!(
            "Getis-Ord Gi* hot spots ({} m cells, {} m band, FDR corrected)",
            c.cell, c.band
        ),
        c,
        format,
        areas,
    );
    // --significant-only: the lowest confidence a written cell has.
    let floor = c
        .significant_only
        .then(|| c.confidence.map_or(90, Confidence::percent));
    let (mut cells, mut written) = (0usize, 0usize);
    for set in sets {
        if set.events.is_empty() {
            report.push(set, hmd::no_incidents(&set.name), |m| {
                m.gi_key = GiKey::HotAndCold;
            });
            continue;
        }
        let xy: Vec<[f64; 2]> = set.events.iter().map(Event::xy).collect();
        let g = gistar::gi_star(&xy, c.cell, c.band).map_err(lib_err)?;
        cells += g.cells.len();
        let mut drawn = Vec::new();
        for cell in &g.cells {
            if floor.is_some_and(|f| !cell.class.significant_at(f)) {
                continue;
            }
            written += 1;
            if cell.class.confidence().is_some() {
                drawn.push(MapCell {
                    x: cell.x,
                    y: cell.y,
                    size: c.cell,
                    class: cell.class,
                });
            }
            if matches!(format, Format::Geojson | Format::Json) {
                let p = props(vec![
                    ("bcu", json!(&*set.name)),
                    ("x", json!(cell.x)),
                    ("y", json!(cell.y)),
                    ("count", json!(cell.count)),
                    ("gi_z", json!(r6(cell.z))),
                    ("p", json!(fp(cell.p).parse::<f64>()?)),
                    ("class", json!(cell.class.as_str())),
                ]);
                features.push(gj::polygon_feature(&g.grid.square(cell.index), p));
            }
            if format == Format::Csv {
                csv.row([
                    set.name.to_string(),
                    format!("{}", cell.x),
                    format!("{}", cell.y),
                    cell.count.to_string(),
                    f6(cell.z),
                    fp(cell.p),
                    cell.class.as_str().to_string(),
                ])?;
            }
        }
        let members = cell_members(&g.grid, set);
        let section = hmd::gistar_bcu(&set.name, set.events.len(), &g, |cell| {
            let m = members.get(&cell.index).map(Vec::as_slice).unwrap_or(&[]);
            where_text(m.iter().copied(), [cell.x, cell.y], areas)
        });
        report.push(set, section, |m| {
            m.gi_key = GiKey::HotAndCold;
            if drawn.is_empty() {
                m.note = Some("No significant hot or cold spots.".into());
            }
            m.cells = drawn;
        });
    }
    let mut members = JsonMap::new();
    if let Some(f) = floor {
        members.insert(
            "marac".into(),
            json!({
                "method": "gistar",
                "filter": "significant_only",
                "min_confidence": f,
                "cells": cells,
                "cells_written": written,
                "note": format!(
                    "filtered: only the {written} of {cells} cells that are hot or cold spots at {f} % confidence or more (FDR corrected) are written"
                ),
            }),
        );
    }
    formatted_with(format, &members, features, csv, report)
}

fn run_kde(c: &Common, sets: &[BcuSet<'_>], format: Format, areas: &Areas) -> Result<Vec<u8>> {
    let mut features = Vec::new();
    let mut csv = CsvDoc::new(&["bcu", "x", "y", "density_per_km2", "bandwidth_m"])?;
    let mut report = Report::new(
        format!(
            "Quartic kernel density ({} m cells, incidents per km²)",
            c.cell
        ),
        c,
        format,
        areas,
    );
    for set in sets {
        if set.events.is_empty() {
            report.push(set, hmd::no_incidents(&set.name), |_| {});
            continue;
        }
        let xy: Vec<[f64; 2]> = set.events.iter().map(Event::xy).collect();
        let k = kde::kde(&xy, c.cell, c.bandwidth).map_err(lib_err)?;
        let bw = r6(k.bandwidth);
        let cells: Vec<usize> = (0..k.density.len())
            .filter(|&i| k.density[i] > 0.0)
            .collect();
        for &i in &cells {
            let [x, y] = k.grid.centre(i);
            match format {
                Format::Csv => csv.row([
                    set.name.to_string(),
                    format!("{x}"),
                    format!("{y}"),
                    f6(k.density[i]),
                    format!("{bw}"),
                ])?,
                Format::Geojson | Format::Json => features.push(gj::polygon_feature(
                    &k.grid.square(i),
                    props(vec![
                        ("bcu", json!(&*set.name)),
                        ("x", json!(x)),
                        ("y", json!(y)),
                        ("density_per_km2", json!(r6(k.density[i]))),
                        ("bandwidth_m", json!(bw)),
                    ]),
                )),
                _ => {}
            }
        }
        let members = cell_members(&k.grid, set);
        let section = hmd::kde_bcu(&set.name, set.events.len(), &k, &cells, |i| {
            let m = members.get(&i).map(Vec::as_slice).unwrap_or(&[]);
            where_text(m.iter().copied(), k.grid.centre(i), areas)
        });
        report.push(set, section, |m| {
            m.surface = Some(Surface {
                grid: &k.grid,
                values: &k.density,
            });
        });
    }
    formatted(format, features, csv, report)
}

fn run_repeat(
    c: &Common,
    sets: &[BcuSet<'_>],
    format: Format,
    areas: &Areas,
    quiet: bool,
) -> Result<Vec<u8>> {
    let mut features = Vec::new();
    let mut csv = CsvDoc::new(&[
        "bcu",
        "place",
        "count",
        "kinds",
        "first",
        "last",
        "snap_point",
        "x",
        "y",
    ])?;
    let mut report = Report::new(
        format!("Repeat locations (at least {} incidents)", c.min),
        c,
        format,
        areas,
    );
    for set in sets {
        let keys: Vec<repeat::PlaceKey> = set.incidents.iter().map(|i| place_key(i)).collect();
        let places = repeat::repeat_locations(&keys, &set.events, c.min);
        let wheres: Vec<String> = places
            .iter()
            .map(|pl| members_where(set, &pl.members, pl.centroid, areas))
            .collect();
        let section = hmd::repeat_bcu(&set.name, set.events.len(), &places, &wheres);
        report.push(set, section, |m| {
            m.markers = places
                .iter()
                .enumerate()
                .map(|(i, pl)| Marker {
                    number: i + 1,
                    x: pl.centroid[0],
                    y: pl.centroid[1],
                    snap: pl.snap_point,
                    title: format!("{}: {} incidents", pl.label, pl.summary.count),
                })
                .collect();
            if places.is_empty() {
                m.note = Some("No repeat locations.".into());
            }
        });
        for pl in &places {
            report.caveat |= pl.snap_point;
            let s = &pl.summary;
            let mut p = vec![
                ("bcu", json!(&*set.name)),
                ("place", json!(pl.label)),
                ("snap_point", json!(pl.snap_point)),
            ];
            p.extend(summary_props(s));
            features.push(gj::point_feature(pl.centroid, props(p)));
            csv.row([
                set.name.to_string(),
                pl.label.clone(),
                s.count.to_string(),
                s.kinds_text(),
                date(s.first),
                date(s.last),
                pl.snap_point.to_string(),
                format!("{:.0}", pl.centroid[0]),
                format!("{:.0}", pl.centroid[1]),
            ])?;
        }
    }
    if report.caveat && !quiet {
        eprintln!("marac: hotspots: caveat: {SNAP_CAVEAT}");
    }
    formatted(format, features, csv, report)
}

/// The place of an incident for repeat locations; an incident without one
/// is a place of its own.
fn place_key(i: &Incident) -> repeat::PlaceKey {
    repeat::place_key(i).unwrap_or_else(|| repeat::PlaceKey {
        key: format!("id:{}", i.id),
        alt: None,
        label: String::new(),
        snap: false,
    })
}

fn run_knox(c: &Common, sets: &[BcuSet<'_>], format: Format) -> Result<Vec<u8>> {
    let params = knox::KnoxParams {
        distance: c.distance.map_or(knox::Distance::default(), Into::into),
        space_bands: c.space_bands.clone(),
        time_bands: c.time_bands.clone(),
        iterations: c.iterations,
        seed: c.seed,
    };
    let mut csv = CsvDoc::new(&[
        "bcu",
        "distance",
        "space_band",
        "space_min_m",
        "space_min_inclusive",
        "space_max_m",
        "space_max_inclusive",
        "time_band",
        "time_min_days",
        "time_max_days",
        "observed",
        "expected",
        "knox_ratio",
        "p",
    ])?;
    let mut md = md_header(
        &format!(
            "Near repeat (Knox test, {} distance, {} permutations, seed {})",
            params.distance.title(),
            c.iterations,
            c.seed
        ),
        c,
    );
    hmd::knox_key(&mut md, params.distance);
    let mut json_bcus = Vec::new();
    for set in sets {
        let xy: Vec<[f64; 2]> = set.events.iter().map(Event::xy).collect();
        let days: Vec<i64> = set
            .events
            .iter()
            .map(|e| e.date.num_days_from_ce() as i64)
            .collect();
        let t = knox::knox(&xy, &days, &params).map_err(lib_err)?;
        let cols = t.time_bands.len();
        hmd::knox_bcu(&mut md, &set.name, &t);
        let mut rows = Vec::new();
        for (r, sb) in t.space_bands.iter().enumerate() {
            for (k, tb) in t.time_bands.iter().enumerate() {
                let cell = &t.cells[r * cols + k];
                let opt = |v: Option<String>| v.unwrap_or_default();
                csv.row([
                    set.name.to_string(),
                    t.distance.as_str().to_string(),
                    sb.label.clone(),
                    format!("{}", sb.min_m),
                    sb.min_inclusive.to_string(),
                    opt(sb.max_m.map(|m| format!("{m}"))),
                    opt(sb.max_m.map(|_| "true".to_string())),
                    tb.label.clone(),
                    tb.min_days.to_string(),
                    opt(tb.max_days.map(|d| d.to_string())),
                    cell.observed.to_string(),
                    f6(cell.expected),
                    cell.ratio.map(f6).unwrap_or_default(),
                    f6(cell.p),
                ])?;
                rows.push(json!({
                    "space_band": sb.label,
                    "space_min_m": sb.min_m,
                    "space_min_inclusive": sb.min_inclusive,
                    "space_max_m": sb.max_m,
                    "space_max_inclusive": sb.max_m.map(|_| true),
                    "time_band": tb.label,
                    "time_min_days": tb.min_days,
                    "time_max_days": tb.max_days,
                    "observed": cell.observed,
                    "expected": r6(cell.expected),
                    "knox_ratio": cell.ratio.map(r6),
                    "p": r6(cell.p),
                }));
            }
        }
        json_bcus.push(json!({
            "bcu": &*set.name,
            "incidents": t.events,
            "close_pairs": t.close_pairs,
            "cells": rows,
        }));
    }
    Ok(match format {
        Format::Csv => csv.finish()?,
        Format::Md => md.into_bytes(),
        _ => {
            let v = json!({
                "method": "near-repeat",
                "distance": params.distance.as_str(),
                "band_bounds": hmd::KNOX_BOUNDS,
                "space_bands": c.space_bands,
                "time_bands": c.time_bands,
                "iterations": c.iterations,
                "seed": c.seed,
                "bcus": json_bcus,
            });
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s.into_bytes()
        }
    })
}

fn run_eval(e: EvalArgs, quiet: bool) -> Result<u8> {
    let c = &e.common;
    if e.test_until <= e.train_until {
        return Err(input_error("--test-until must be after --train-until"));
    }
    if c.until.is_some() {
        return Err(input_error(
            "hotspots eval: use --train-until and --test-until instead of --until",
        ));
    }
    if c.distance.is_some() || c.significant_only || c.confidence.is_some() {
        return Err(input_error(
            "--distance, --significant-only and --confidence are for one method, not hotspots eval",
        ));
    }
    let format = c.format.unwrap_or(Format::Md);
    if format == Format::Geojson || format.is_map() {
        return Err(input_error(
            "hotspots eval has no geometry: use --format md, json or csv",
        ));
    }
    let bcus = bcu_list(c, &load_areas(c.input.areas.as_deref())?)?;
    let ingest = load(&c.input, None, quiet)?;
    let sets = prepare(
        c,
        &ingest.incidents,
        &bcus,
        c.since,
        Some(e.test_until),
        quiet,
    )?;
    let params = pai::EvalParams {
        cell: c.cell,
        area_share: e.area_share,
        eps: c.eps,
        min_points: c.min_points,
        band: c.band,
        bandwidth: c.bandwidth,
        min_repeat: c.min,
    };
    let mut md = md_header(
        &format!(
            "Predictive Accuracy Index: trained to {}, tested ({}, {}], area budget {} of the study grid ({} m cells)",
            e.train_until, e.train_until, e.test_until, e.area_share, c.cell
        ),
        c,
    );
    let mut csv = CsvDoc::new(&[
        "bcu",
        "method",
        "cells",
        "total_cells",
        "area_share",
        "hits",
        "test_incidents",
        "hit_rate",
        "pai",
    ])?;
    let mut out = Vec::new();
    for set in &sets {
        let (mut train, mut train_keys, mut test) = (Vec::new(), Vec::new(), Vec::new());
        for (inc, ev) in set.incidents.iter().zip(&set.events) {
            if ev.date <= e.train_until {
                train.push(*ev);
                train_keys.push(place_key(inc));
            } else {
                test.push(*ev);
            }
        }
        if train.is_empty() && test.is_empty() {
            hmd::eval_bcu(&mut md, &set.name, 0, 0, None);
            out.push(json!({"bcu": &*set.name, "train": 0, "test": 0, "methods": []}));
            continue;
        }
        let rows = pai::evaluate(&train, &train_keys, &test, &params).map_err(lib_err)?;
        hmd::eval_bcu(&mut md, &set.name, train.len(), test.len(), Some(&rows));
        let mut jrows = Vec::new();
        for r in &rows {
            csv.row([
                set.name.to_string(),
                r.method.to_string(),
                r.cells.to_string(),
                r.total_cells.to_string(),
                f6(r.area_share),
                r.hits.to_string(),
                r.test_incidents.to_string(),
                r.hit_rate.map(f6).unwrap_or_default(),
                r.pai.map(f6).unwrap_or_default(),
            ])?;
            jrows.push(json!({
                "method": r.method,
                "cells": r.cells,
                "total_cells": r.total_cells,
                "area_share": r6(r.area_share),
                "hits": r.hits,
                "test_incidents": r.test_incidents,
                "hit_rate": r.hit_rate.map(r6),
                "pai": r.pai.map(r6),
            }));
        }
        out.push(
            json!({"bcu": &*set.name, "train": train.len(), "test": test.len(), "methods": jrows}),
        );
    }
    let text = match format {
        Format::Csv => csv.finish()?,
        Format::Md => md.into_bytes(),
        _ => {
            let v = json!({
                "train_until": e.train_until.to_string(),
                "test_until": e.test_until.to_string(),
                "area_share": e.area_share,
                "cell_m": c.cell,
                "bcus": out,
            });
            let mut s = serde_json::to_string_pretty(&v)?;
            s.push('\n');
            s.into_bytes()
        }
    };
    emit(c.out.as_deref(), &text)?;
    Ok(0)
}
