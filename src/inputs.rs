//! Reading the inputs of a command: profile, areas, ingest, diagnostics files
//! and the summary on standard error.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use marac_geo::Areas;
use marac_ingest::{
    expand_inputs, Diagnostic, Ingest, IngestError, IngestOptions, Ingester, Profile,
};
use marac_render::CsvDoc;

use crate::output::write_atomic;
use crate::{input_error, InputArgs};

/// How many diagnostics are printed on stderr when no file is asked for.
const SHOWN_ON_STDERR: usize = 10;

/// Parses `--as-of` and other date flags.
pub fn parse_date_flag(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

/// Today's date, the default for `--as-of`.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Loads a profile by built-in name or TOML file.
pub fn load_profile(spec: &str) -> Result<Profile> {
    if let Some(p) = Profile::builtin(spec) {
        return Ok(p);
    }
    let path = Path::new(spec);
    if !path.exists() {
        return Err(input_error(format!(
            "profile {spec}: not a built-in profile ({}) nor a file",
            marac_ingest::profile::builtin_names()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| input_error(format!("{spec}: {e}")))?;
    Profile::from_toml(spec, &text).map_err(|e| input_error(e.to_string()))
}

/// Loads `--areas`, else the project's `areas`, else the embedded London
/// boundaries.
pub fn load_areas(path: Option<&Path>) -> Result<Areas> {
    match crate::project::path_setting(path, |p| p.areas.as_deref())? {
        None => Ok(Areas::london()),
        Some(p) => Areas::from_geojson_path(&p).map_err(|e| input_error(e.to_string())),
    }
}

/// One input as given: a path (or `-`) and its own profile, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// The file, folder or `-`.
    pub path: PathBuf,
    /// `PATH=PROFILE`'s profile, or the project source's.
    pub profile: Option<String>,
}

/// Splits `PATH=PROFILE`. A path that exists as written is a path, even
/// with `=` in its name; otherwise the text after the last `=` is the
/// profile (a built-in name or a TOML file).
pub fn parse_input(raw: &str) -> InputSpec {
    if raw == "-" || Path::new(raw).exists() {
        return InputSpec {
            path: PathBuf::from(raw),
            profile: None,
        };
    }
    match raw.rsplit_once('=') {
        Some((path, profile)) if !path.is_empty() && !profile.is_empty() => InputSpec {
            path: PathBuf::from(path),
            profile: Some(profile.to_string()),
        },
        _ => InputSpec {
            path: PathBuf::from(raw),
            profile: None,
        },
    }
}

/// The inputs of a command: those given, else the project's sources.
pub fn input_specs(args: &InputArgs) -> Result<Vec<InputSpec>> {
    if !args.inputs.is_empty() {
        return Ok(args.inputs.iter().map(|r| parse_input(r)).collect());
    }
    match crate::project::current()? {
        Some(p) => Ok(p
            .inputs()?
            .into_iter()
            .map(|(path, profile)| InputSpec { path, profile })
            .collect()),
        None => Err(input_error(format!(
            "no inputs: give INPUT files or folders, or run where a {} lists [[sources]] (or --project FILE)",
            crate::project::FILE_NAME
        ))),
    }
}

/// Reads every input; prints the summary on stderr unless quiet.
pub fn load(args: &InputArgs, as_of: Option<NaiveDate>, quiet: bool) -> Result<Ingest> {
    load_with_areas(args, as_of, quiet).map(|(ingest, _)| ingest)
}

/// Reads every input and returns the areas they were placed in too.
pub fn load_with_areas(
    args: &InputArgs,
    as_of: Option<NaiveDate>,
    quiet: bool,
) -> Result<(Ingest, Areas)> {
    load_in(args, load_areas(args.areas.as_deref())?, as_of, quiet)
}

/// Reads every input, placing incidents in areas the caller has loaded.
pub fn load_in(
    args: &InputArgs,
    areas: Areas,
    as_of: Option<NaiveDate>,
    quiet: bool,
) -> Result<(Ingest, Areas)> {
    load_profiled(args, areas, as_of, quiet).map(|(i, a, _)| (i, a))
}

/// [`load_in`], also returning the name of the profile each input file was
/// read with (in the order read).
pub fn load_profiled(
    args: &InputArgs,
    areas: Areas,
    as_of: Option<NaiveDate>,
    quiet: bool,
) -> Result<(Ingest, Areas, Vec<String>)> {
    let specs = input_specs(args)?;
    let opts = IngestOptions {
        profile: Profile::canonical(),
        areas: areas.clone(),
        as_of,
        strict: args.strict,
    };
    let mut profiles: Vec<(String, Profile)> = Vec::new();
    let mut used = Vec::new();
    let mut ing = Ingester::new(opts);
    let mut sources = Vec::new();
    for spec in &specs {
        let found = expand_inputs(std::slice::from_ref(&spec.path))
            .map_err(|e| input_error(e.to_string()))?;
        sources.extend(found.into_iter().map(|src| (src, spec)));
    }
    let bar = crate::progress::Progress::items(quiet, "reading", sources.len() as u64);
    let mut candidates: Option<Vec<Profile>> = None;
    for (src, spec) in &sources {
        let name = src.name();
        let bytes = src.read().map_err(|e| input_error(e.to_string()))?;
        let format = src.format(&bytes);
        let profile = match spec.profile.as_deref().or(args.profile.as_deref()) {
            Some(spec) => cached(&mut profiles, spec)?,
            None => {
                if candidates.is_none() {
                    candidates = Some(recognition_candidates()?);
                }
                let list = candidates.as_deref().unwrap_or_default();
                marac_ingest::recognise_input(&name, &bytes, format, list)
                    .map_err(|e| input_error(e.to_string()))?
                    .clone()
            }
        };
        used.push(profile.name.clone());
        match ing.add_bytes_as(&name, &bytes, format, &profile) {
            Ok(()) => {}
            Err(IngestError::Strict(d)) => {
                return Err(input_error(format!(
                    "{d} (--strict stops at the first rejected row)"
                )));
            }
            Err(e) => return Err(input_error(e.to_string())),
        }
        bar.inc();
    }
    bar.finish();
    let mut ingest = ing.finish();
    // Canonical order (incident ids are unique in a run): every stage after
    // this sees the same records in the same order, however the rows and
    // files came.
    canonical_order(&mut ingest);
    if let Some(p) = &args.rejects {
        write_diagnostics(p, &ingest.rejects)?;
    }
    if let Some(p) = &args.warnings {
        write_diagnostics(p, &ingest.warnings)?;
    }
    if !quiet {
        report(&ingest, args);
    }
    Ok((ingest, areas, used))
}

/// A profile by spec, loaded once per run.
fn cached(cache: &mut Vec<(String, Profile)>, spec: &str) -> Result<Profile> {
    if let Some((_, p)) = cache.iter().find(|(s, _)| s == spec) {
        return Ok(p.clone());
    }
    let p = load_profile(spec)?;
    cache.push((spec.to_string(), p.clone()));
    Ok(p)
}

/// The profiles a header is recognised among: the built-in ones, then
/// every `*.toml` of the project's profiles folder (sorted by name).
fn recognition_candidates() -> Result<Vec<Profile>> {
    let mut list = Profile::builtins();
    let Some(dir) = crate::project::current()?.and_then(|p| p.profiles_dir()) else {
        return Ok(list);
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| input_error(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in files {
        list.push(load_profile(&f.display().to_string())?);
    }
    Ok(list)
}

/// Writes diagnostics as CSV: `file,line,field,severity,reason`.
pub fn write_diagnostics(path: &Path, diags: &[Diagnostic]) -> Result<()> {
    let mut doc = CsvDoc::new(&["file", "line", "field", "severity", "reason"])?;
    for d in diags {
        doc.row([
            d.file.to_string(),
            d.at(),
            d.field.clone().unwrap_or_default(),
            match d.severity {
                marac_ingest::Severity::Rejected => "rejected".to_string(),
                marac_ingest::Severity::Warning => "warning".to_string(),
            },
            d.reason.clone(),
        ])?;
    }
    write_atomic(path, &doc.finish()?)
}

/// The ingest summary on stderr. Diagnostics never hold personal values.
fn report(ingest: &Ingest, args: &InputArgs) {
    eprintln!(
        "marac: read {} records from {} input{}: {} accepted, {} rejected, {} warnings",
        ingest.read(),
        ingest.files.len(),
        if ingest.files.len() == 1 { "" } else { "s" },
        ingest.accepted(),
        ingest.rejected(),
        ingest.warnings.len()
    );
    for (what, list, file) in [
        ("rejected", &ingest.rejects, &args.rejects),
        ("warning", &ingest.warnings, &args.warnings),
    ] {
        if list.is_empty() {
            continue;
        }
        match file {
            Some(p) => eprintln!(
                "marac: {} {what} line(s) written to {}",
                list.len(),
                p.display()
            ),
            None => {
                for d in list.iter().take(SHOWN_ON_STDERR) {
                    eprintln!("marac: {what}: {d}");
                }
                if list.len() > SHOWN_ON_STDERR {
                    let flag = if what == "rejected" {
                        "--rejects"
                    } else {
                        "--warnings"
                    };
                    eprintln!(
                        "marac: … and {} more; {flag} FILE writes them all",
                        list.len() - SHOWN_ON_STDERR
                    );
                }
            }
        }
    }
}

/// Puts the incidents in id order (ids are unique within a run), carrying
/// each incident's truth key (`Ingest::truth`, parallel to the incidents)
/// along with it. Sorts indices, then moves each incident once.
fn canonical_order(ingest: &mut Ingest) {
    use rayon::slice::ParallelSliceMut;
    let incidents = &ingest.incidents;
    if incidents.windows(2).all(|w| w[0].id <= w[1].id) {
        return;
    }
    let mut order: Vec<u32> = (0..incidents.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| incidents[a as usize].id.cmp(&incidents[b as usize].id));
    let mut slots: Vec<Option<marac_model::Incident>> = std::mem::take(&mut ingest.incidents)
        .into_iter()
        .map(Some)
        .collect();
    ingest.incidents = order
        .iter()
        .filter_map(|&i| slots[i as usize].take())
        .collect();
    if ingest.truth.len() == slots.len() {
        let mut truth: Vec<Option<Option<String>>> = std::mem::take(&mut ingest.truth)
            .into_iter()
            .map(Some)
            .collect();
        ingest.truth = order
            .iter()
            .filter_map(|&i| truth[i as usize].take())
            .collect();
    }
}
