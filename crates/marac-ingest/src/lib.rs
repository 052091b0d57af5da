//! Ingest: agency exports in, validated and placed incidents out, with a
//! diagnostic for every row that was rejected or kept with a field dropped.
//!
//! Reads canonical CSV (RFC 4180, UTF-8, optional BOM, CRLF or LF), JSON
//! Lines and workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`: one sheet
//! each), from files, directories (every `*.csv`, `*.jsonl` and workbook,
//! sorted by name) or standard input, through a [`Profile`] that maps other
//! column names and values onto the canonical fields. Each input may have a
//! profile of its own ([`Ingester::add_source_as`]); [`recognise()`] finds the
//! one whose columns a header has, and [`draft`] writes a starting profile
//! for an export. Ingest never fails because of one row: it returns the
//! incidents plus diagnostics (the counts always add up: read = accepted +
//! rejected), unless `strict` asks it to stop at the first bad row.
//!
//! ```
//! use marac_ingest::{Ingester, IngestOptions, InputFormat};
//! let csv = "incident_id,source,kind,reported_at,borough\n\
//!            A1,met-police,asb,2026-11-02,Camden\n\
//!            A2,met-police,burglary,2026-11-03,Camden\n";
//! let mut ing = Ingester::new(IngestOptions::default());
//! ing.add_bytes("week.csv", csv.as_bytes(), InputFormat::Csv).unwrap();
//! let out = ing.finish();
//! assert_eq!((out.read(), out.accepted(), out.rejected()), (2, 1, 1));
//! assert_eq!(&*out.incidents[0].bcu, "Central North");
//! assert_eq!(
//!     out.rejects[0].to_string(),
//!     "week.csv:3: kind: unknown value 'burglary'; accepted: asb, dispute, safeguarding, hate, crime"
//! );
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use csv::ByteRecord;
use marac_geo::Areas;
use marac_model::{Incident, FIELDS};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

pub mod diag;
pub mod draft;
pub mod header;
pub mod profile;
pub mod recognise;
mod row;
#[cfg(test)]
mod tests;
pub mod values;
mod workbook;

pub use diag::{Diagnostic, Severity};
use header::HeaderIndex;
pub use header::{read_header, read_table, Layout, Table};
pub use profile::{Profile, ProfileError};
pub use recognise::{recognise, recognise_input, HeaderFit, RecogniseError};
pub use row::BOROUGH_MISMATCH_M;
use row::{process_row, Ctx, Plan, RawRow, RowCache, RowOutcome, Source};

/// How to read and check the inputs of one run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Column and value mapping of the inputs read without a profile of
    /// their own ([`Ingester::add_source`], [`Ingester::add_bytes`]).
    pub profile: Profile,
    /// Areas and BCUs to place incidents in.
    pub areas: Areas,
    /// Dates after this are flagged (kept, with a warning).
    pub as_of: Option<NaiveDate>,
    /// Stop at the first rejected row.
    pub strict: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            profile: Profile::canonical(),
            areas: Areas::london(),
            as_of: None,
            strict: false,
        }
    }
}

/// The format of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
    /// A spreadsheet workbook (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`),
    /// whatever its extension says: the reader tells them apart by content.
    Workbook,
}

/// File extensions read as workbooks (lower case, without the dot).
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// The lower-cased extension of a path.
fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

impl InputFormat {
    /// The format a file name's extension implies (`.jsonl`, `.ndjson`, a
    /// workbook's, or else CSV).
    pub fn from_path(path: &Path) -> InputFormat {
        match extension(path).as_deref() {
            Some("jsonl") | Some("ndjson") => InputFormat::JsonLines,
            Some(e) if WORKBOOK_EXTENSIONS.contains(&e) => InputFormat::Workbook,
            _ => InputFormat::Csv,
        }
    }

    /// Guesses from the content: a workbook when it starts as a ZIP
    /// (`.xlsx`, `.ods`) or OLE (`.xls`) container does, JSON Lines when the
    /// first non-blank byte is `{`, else CSV.
    pub fn sniff(bytes: &[u8]) -> InputFormat {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            return InputFormat::Workbook;
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => InputFormat::JsonLines,
            _ => InputFormat::Csv,
        }
    }
}

/// Counts for one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileCounts {
    /// Input name.
    pub file: String,
    /// The sheet read, for a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Records read (header excluded).
    pub read: u64,
    /// Records accepted.
    pub accepted: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Warnings (rows kept with a field dropped, and file notes).
    pub warnings: u64,
    /// Accepted records placed by their coordinates within
    /// [`marac_geo::NEAR_BOUNDARY_M`] of the boundary of another BCU: they
    /// may belong to that BCU.
    pub near_boundary: u64,
}

/// The result of ingesting every input of a run.
#[derive(Debug, Clone, Default)]
pub struct Ingest {
    /// Accepted incidents, in input order.
    pub incidents: Vec<Incident>,
    /// One diagnostic per rejected row, in input order.
    pub rejects: Vec<Diagnostic>,
    /// Warnings about kept rows and about files, in input order.
    pub warnings: Vec<Diagnostic>,
    /// Counts per input, in the order read.
    pub files: Vec<FileCounts>,
    /// The true person key of each incident's victim, in the order of
    /// `incidents`, when the profile of any input read has a `[truth]`
    /// column (`None` where a row gave none, and for every row of an input
    /// whose profile has no `[truth]`); empty when none has.
    pub truth: Vec<Option<String>>,
}

impl Ingest {
    /// Records read across all inputs.
    pub fn read(&self) -> u64 {
        self.files.iter().map(|f| f.read).sum()
    }
    /// Records accepted.
    pub fn accepted(&self) -> u64 {
        self.files.iter().map(|f| f.accepted).sum()
    }
    /// Records rejected.
    pub fn rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
    /// Accepted records placed by their coordinates near another BCU's
    /// boundary ([`FileCounts::near_boundary`]).
    pub fn near_boundary(&self) -> u64 {
        self.files.iter().map(|f| f.near_boundary).sum()
    }
}

/// An input that cannot be read at all, or the first bad row under `strict`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The input as a whole is unusable (header problems, an unreadable
    /// workbook or a missing sheet, a directory with no inputs).
    #[error("{0}")]
    Input(Diagnostic),
    /// `strict` stopped at this row.
    #[error("{0}")]
    Strict(Diagnostic),
    /// No profile, or more than one, fits the input's header
    /// ([`recognise_input`]).
    #[error("{file}: {error}")]
    Unrecognised {
        /// The input name.
        file: String,
        /// Which candidates were tried and why none or several fit.
        error: Box<RecogniseError>,
    },
}

/// One input to read: a path or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl InputSource {
    /// The name diagnostics use: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            InputSource::File(p) => p.display().to_string(),
            InputSource::Stdin => "<stdin>".into(),
        }
    }

    /// Every byte of the input.
    pub fn read(&self) -> Result<Vec<u8>, IngestError> {
        let io = |source| IngestError::Io {
            path: self.name(),
            source,
        };
        let too_big = || {
            io(std::io::Error::other(format!(
                "larger than {} GiB, the most one input may hold; split the export (a folder of files is read as one input set)",
                MAX_INPUT_BYTES >> 30
            )))
        };
        let mut buf = Vec::new();
        match self {
            InputSource::Stdin => {
                std::io::stdin()
                    .take(MAX_INPUT_BYTES + 1)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
            }
            InputSource::File(p) => {
                let f = std::fs::File::open(p).map_err(io)?;
                if f.metadata().map_err(io)?.len() > MAX_INPUT_BYTES {
                    return Err(too_big());
                }
                f.take(MAX_INPUT_BYTES + 1)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
            }
        }
        if buf.len() as u64 > MAX_INPUT_BYTES {
            return Err(too_big());
        }
        Ok(buf)
    }

    /// The input's format: by a file's extension; standard input's from
    /// its first bytes ([`InputFormat::sniff`]).
    pub fn format(&self, bytes: &[u8]) -> InputFormat {
        match self {
            InputSource::File(p) => InputFormat::from_path(p),
            InputSource::Stdin => InputFormat::sniff(bytes),
        }
    }
}

/// Whether a directory entry is an input: `*.csv`, `*.jsonl` or a
/// workbook, but not the lock file (`~$name.xlsx`) a spreadsheet program
/// leaves beside a workbook it has open.
fn is_input_file(path: &Path) -> bool {
    let lock = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("~$"));
    !lock
        && path.is_file()
        && extension(path)
            .is_some_and(|e| e == "csv" || e == "jsonl" || WORKBOOK_EXTENSIONS.contains(&&*e))
}

/// Expands paths: directories become their `*.csv`, `*.jsonl` and workbook
/// (`*.xlsx`, `*.xlsm`, `*.xlsb`, `*.xls`, `*.ods`) files, sorted by name;
/// `-` is standard input.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<InputSource>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(InputSource::Stdin);
            continue;
        }
        let io = |source| IngestError::Io {
            path: p.display().to_string(),
            source,
        };
        let meta = std::fs::metadata(p).map_err(io)?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| is_input_file(f))
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(IngestError::Input(Diagnostic {
                    file: Arc::from(p.display().to_string()),
                    sheet: None,
                    line: 0,
                    field: None,
                    severity: Severity::Rejected,
                    reason: "directory holds no *.csv, *.jsonl or workbook \
                             (*.xlsx, *.xlsm, *.xlsb, *.xls, *.ods) files"
                        .into(),
                }));
            }
            out.extend(files.into_iter().map(InputSource::File));
        } else {
            out.push(InputSource::File(p.clone()));
        }
    }
    Ok(out)
}

/// Reads inputs one after another, each with its own profile or the
/// options' one, checking ids across all of them.
#[derive(Debug)]
pub struct Ingester {
    opts: IngestOptions,
    /// Duplicate-id and derived-id state, and the result so far.
    st: MergeState,
}

/// What merging outcomes in input order needs.
#[derive(Debug, Default)]
struct MergeState {
    /// Ids seen so far, by hash: the index in `out.incidents` of the first
    /// incident with that id hash (the duplicate check runs once per row, in
    /// order, so it stores no copy of the id).
    seen: rustc_hash::FxHashMap<u64, usize>,
    /// Ids whose hash is that of another, earlier id (in practice never).
    seen_collided: rustc_hash::FxHashMap<String, usize>,
    /// Occurrences of each derived-id key in the current file.
    derived_counter: HashMap<u64, u32>,
    /// An input read so far had a profile with `[truth]`: `out.truth` holds
    /// one entry per incident.
    truth_on: bool,
    out: Ingest,
}

/// What reading one input needs besides the merge state: its profile and
/// the run's areas, date and strictness.
#[derive(Clone, Copy)]
struct Reading<'a> {
    ctx: Ctx<'a>,
    strict: bool,
}

impl<'a> Reading<'a> {
    fn new(opts: &'a IngestOptions, profile: &'a Profile) -> Self {
        Reading {
            ctx: Ctx {
                profile,
                areas: &opts.areas,
                as_of: opts.as_of,
            },
            strict: opts.strict,
        }
    }

    fn profile(&self) -> &'a Profile {
        self.ctx.profile
    }
}

/// The largest field a record may hold (64 KiB): a longer one rejects its
/// row with a diagnostic, so no single value can fill memory or a pack.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The largest record (a CSV record or a JSON Lines line, 1 MiB): a longer
/// one is rejected without being parsed.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// The largest input read (4 GiB; an input is read whole): a larger one is
/// an input error asking for the export to be split.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Rows validated in one parallel batch (JSON Lines, workbooks).
const BATCH: usize = 16_384;

/// Target size of one CSV chunk parsed and validated as a unit.
const CHUNK: usize = 1 << 20;

/// CSV chunks processed in parallel before their outcomes are merged.
const WINDOW: usize = 16;

impl Ingester {
    /// A new run.
    pub fn new(opts: IngestOptions) -> Self {
        Ingester {
            opts,
            st: MergeState::default(),
        }
    }

    /// Reads one input source with the options' profile.
    pub fn add_source(&mut self, src: &InputSource) -> Result<(), IngestError> {
        let Ingester { opts, st } = self;
        st.add_source(Reading::new(opts, &opts.profile), src)
    }

    /// Reads one input source with a profile of its own: everything the
    /// profile decides (columns, sheet and header row, value maps, derived
    /// ids, `[truth]`, `non_uk_postcodes` …) follows it for this input only.
    pub fn add_source_as(
        &mut self,
        src: &InputSource,
        profile: &Profile,
    ) -> Result<(), IngestError> {
        let Ingester { opts, st } = self;
        st.add_source(Reading::new(opts, profile), src)
    }

    /// Reads one input held in memory with the options' profile; `name` is
    /// used in diagnostics.
    pub fn add_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: InputFormat,
    ) -> Result<(), IngestError> {
        let Ingester { opts, st } = self;
        st.add_bytes(Reading::new(opts, &opts.profile), name, bytes, format)
    }

    /// Reads one input held in memory with a profile of its own (as
    /// [`Ingester::add_source_as`]); `name` is used in diagnostics.
    pub fn add_bytes_as(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: InputFormat,
        profile: &Profile,
    ) -> Result<(), IngestError> {
        let Ingester { opts, st } = self;
        st.add_bytes(Reading::new(opts, profile), name, bytes, format)
    }

    /// Everything read so far.
    pub fn finish(self) -> Ingest {
        self.st.out
    }
}

/// Where a diagnostic about an input as a whole points: its header's line
/// (row), in a workbook's sheet.
#[derive(Clone, Copy)]
struct At<'a> {
    file: &'a Arc<str>,
    sheet: Option<&'a Arc<str>>,
    line: u64,
}

impl At<'_> {
    fn diag(self, field: Option<&str>, severity: Severity, reason: String) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            sheet: self.sheet.cloned(),
            line: self.line,
            field: field.map(str::to_string),
            severity,
            reason,
        }
    }

    /// The input cannot be read.
    fn error(self, field: Option<&str>, reason: String) -> IngestError {
        IngestError::Input(self.diag(field, Severity::Rejected, reason))
    }
}

/// A rejected row, with no field named.
fn row_error(file: &Arc<str>, line: u64, reason: String) -> Diagnostic {
    Diagnostic {
        file: file.clone(),
        sheet: None,
        line,
        field: None,
        severity: Severity::Rejected,
        reason,
    }
}

/// The outcome of a row that could not be read at all.
fn failed_row(line: u64, d: Diagnostic) -> RowOutcome {
    RowOutcome {
        line,
        incident: None,
        reject: Some(d),
        warnings: Vec::new(),
        derive_key: None,
        id_hash: 0,
        truth: None,
        near_boundary: false,
    }
}

impl MergeState {
    fn add_source(&mut self, r: Reading<'_>, src: &InputSource) -> Result<(), IngestError> {
        let bytes = src.read()?;
        self.add_bytes(r, &src.name(), &bytes, src.format(&bytes))
    }

    fn add_bytes(
        &mut self,
        r: Reading<'_>,
        name: &str,
        bytes: &[u8],
        format: InputFormat,
    ) -> Result<(), IngestError> {
        let file: Arc<str> = Arc::from(name);
        // Derived ids count identical rows within one file, so reading the
        // same file twice yields duplicate ids, as it should.
        self.derived_counter.clear();
        if r.profile().truth.is_some() && !self.truth_on {
            // The incidents of earlier inputs had no truth to give.
            self.truth_on = true;
            self.out.truth.resize(self.out.incidents.len(), None);
        }
        self.out.files.push(FileCounts {
            file: name.to_string(),
            ..FileCounts::default()
        });
        match format {
            InputFormat::Csv | InputFormat::JsonLines => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                // Reserve for the rows this input will probably add (address
                // space only: pages are touched as rows arrive), so a million
                // incidents do not move through repeated reallocation.
                self.out.incidents.reserve(body.len() / 160);
                self.seen.reserve(body.len() / 160);
                if format == InputFormat::Csv {
                    self.add_csv(r, &file, body)
                } else {
                    self.add_jsonl(r, &file, body)
                }
            }
            InputFormat::Workbook => self.add_workbook(r, &file, bytes),
        }
    }

    fn add_csv(&mut self, r: Reading<'_>, file: &Arc<str>, body: &[u8]) -> Result<(), IngestError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let header_row = u64::from(r.profile().header_row);
        let at = |line| At {
            file,
            sheet: None,
            line,
        };
        let mut header = ByteRecord::new();
        // Records that start above the profile's header row are skipped.
        let header_line = loop {
            match rdr.read_byte_record(&mut header) {
                Ok(true) => {
                    let line = header::record_line(body, header.position());
                    if line >= header_row {
                        break line;
                    }
                }
                Ok(false) => {
                    let reason = if header_row == 1 {
                        "empty input: no header row".to_string()
                    } else {
                        format!("no header row: the input ends before line {header_row}")
                    };
                    return Err(at(header_row).error(None, reason));
                }
                Err(e) => {
                    let line = e.position().map_or(header_row, |p| p.line());
                    return Err(at(line).error(None, format!("unreadable header: {e}")));
                }
            }
        };
        let names: Vec<String> = match header
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(v) => v.into_iter().map(|s| s.trim().to_string()).collect(),
            Err(_) => return Err(at(header_line).error(None, "header: invalid UTF-8".into())),
        };
        let plan = self.csv_plan(r.profile(), at(header_line), &names)?;
        let width = names.len();

        // The body after the header is cut into chunks at record boundaries
        // (a newline outside any quoted field, found by a scan that follows
        // the CSV grammar's quoting exactly), so chunks parse and validate in
        // parallel; outcomes are merged in input order, so the result is the
        // same as reading the file in one pass, for any number of threads.
        let header_pos = rdr.position().clone();
        let rest = &body[(header_pos.byte() as usize).min(body.len())..];
        let starts = chunk_starts(rest, CHUNK);
        let mut chunks: Vec<(usize, usize, u64)> = starts
            .iter()
            .zip(starts.iter().skip(1).chain(std::iter::once(&rest.len())))
            .map(|(&s, &e)| (s, e, 0))
            .collect();
        let newlines: Vec<u64> = chunks
            .par_iter()
            .map(|&(s, e, _)| count_newlines(&rest[s..e]))
            .collect();
        // Line number of each chunk's first byte, less one.
        let mut line_base = header_pos.line() - 1;
        for (c, n) in chunks.iter_mut().zip(newlines) {
            c.2 = line_base;
            line_base += n;
        }
        // Each window is parsed while the one before is merged.
        let ctx = &r.ctx;
        let mut pending: Vec<Vec<RowOutcome>> = Vec::new();
        for window in chunks.chunks(WINDOW) {
            let (merged, parts) = rayon::join(
                || {
                    pending
                        .drain(..)
                        .try_for_each(|outcomes| self.merge(r, outcomes))
                },
                || {
                    window
                        .par_iter()
                        .map(|&(s, e, base)| {
                            parse_chunk(&rest[s..e], base, width, file, &plan, ctx)
                        })
                        .collect::<Vec<_>>()
                },
            );
            merged?;
            pending = parts;
        }
        pending
            .into_iter()
            .try_for_each(|outcomes| self.merge(r, outcomes))
    }

    fn add_jsonl(
        &mut self,
        r: Reading<'_>,
        file: &Arc<str>,
        body: &[u8],
    ) -> Result<(), IngestError> {
        let mut lines: Vec<(u64, &[u8])> = Vec::new();
        for (i, l) in body.split(|b| *b == b'\n').enumerate() {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            if l.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            lines.push((i as u64 + 1, l));
        }
        // Keys are looked up as the first object spells them: a profile's
        // column matches a key ignoring case and surrounding spaces, as in
        // a CSV header.
        let first_keys: Vec<String> = lines
            .iter()
            .find_map(|(_, l)| serde_json::from_slice::<serde_json::Map<String, Value>>(l).ok())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let index = HeaderIndex::new(&first_keys);
        let key = |name: &str| {
            Source::Key(match index.find(name) {
                Some(i) => first_keys[i].clone(),
                None => name.to_string(),
            })
        };
        let p = r.profile();
        let plan = Plan {
            fields: FIELDS
                .iter()
                .map(|f| match (p.constants.get(*f), p.joins.get(*f)) {
                    (Some(c), _) => Source::Const(c.clone()),
                    (None, Some(keys)) => Source::Join(keys.iter().map(|k| key(k)).collect()),
                    (None, None) => key(p.column_for(f)),
                })
                .collect(),
            derive_from: p
                .derive_id
                .iter()
                .flat_map(|d| d.from.iter().map(|c| key(c)))
                .collect(),
            truth: match &p.truth {
                Some(t) => key(&t.column),
                None => Source::Absent,
            },
        };
        for chunk in lines.chunks(BATCH) {
            let ctx = &r.ctx;
            let outcomes: Vec<RowOutcome> = chunk
                .par_iter()
                .map_init(RowCache::default, |cache, (line, text)| {
                    let reject = |reason: String| failed_row(*line, row_error(file, *line, reason));
                    if text.len() > MAX_ROW_BYTES {
                        return reject(format!(
                            "line of {} bytes, more than the limit of {MAX_ROW_BYTES}",
                            text.len()
                        ));
                    }
                    match serde_json::from_slice::<Value>(text) {
                        Ok(Value::Object(obj)) => {
                            let long = obj.iter().find_map(|(k, v)| {
                                v.as_str()
                                    .filter(|t| t.len() > MAX_FIELD_BYTES)
                                    .map(|t| (k.chars().take(40).collect::<String>(), t.len()))
                            });
                            match long {
                                Some((k, n)) => reject(format!(
                                    "key {k:?} holds {n} bytes, more than the limit of {MAX_FIELD_BYTES}"
                                )),
                                None => process_row(&RawRow::Json(&obj), &plan, ctx, file, *line, cache),
                            }
                        }
                        Ok(_) => reject("expected a JSON object".into()),
                        Err(e) => reject(format!("invalid JSON: {}", json_reason(&e))),
                    }
                })
                .collect();
            self.merge(r, outcomes)?;
        }
        Ok(())
    }

    /// Reads the profile's sheet: its header row as a CSV header, each row
    /// below it as a record of cell texts (dates in date columns as ISO
    /// text), validated in parallel batches merged in order.
    fn add_workbook(
        &mut self,
        r: Reading<'_>,
        file: &Arc<str>,
        bytes: &[u8],
    ) -> Result<(), IngestError> {
        let p = r.profile();
        let sheet = workbook::Sheet::open(bytes, p.sheet.as_deref(), p.header_row)
            .map_err(|e| e.into_ingest_error(file))?;
        let sheet_name: Arc<str> = Arc::from(sheet.name.as_str());
        if let Some(fc) = self.out.files.last_mut() {
            fc.sheet = Some(sheet.name.clone());
        }
        let names = sheet.header_texts();
        let at = At {
            file,
            sheet: Some(&sheet_name),
            line: sheet.header_line,
        };
        let plan = self.csv_plan(p, at, &names)?;
        // How each column's cells become text: as dates in the columns of
        // date fields (Excel serial numbers included).
        let mut kinds = vec![workbook::CellKind::Text; names.len()];
        for (field, kind) in [
            (row::f::REPORTED_AT, workbook::CellKind::DateTime),
            (row::f::OCCURRED_AT, workbook::CellKind::DateTime),
            (row::f::VICTIM + 3, workbook::CellKind::Date),
            (row::f::SUSPECT + 3, workbook::CellKind::Date),
        ] {
            for i in plan.fields[field].columns() {
                if let Some(k) = kinds.get_mut(i) {
                    *k = kind;
                }
            }
        }
        let rows: Vec<(u64, &[calamine::Data])> = sheet.data_rows().collect();
        self.out.incidents.reserve(rows.len());
        self.seen.reserve(rows.len());
        for chunk in rows.chunks(BATCH) {
            let ctx = &r.ctx;
            let outcomes: Vec<RowOutcome> = chunk
                .par_iter()
                .map_init(
                    || (RowCache::default(), ByteRecord::new()),
                    |(cache, rec), &(line, cells)| {
                        rec.clear();
                        for (cell, kind) in cells.iter().zip(&kinds) {
                            rec.push_field(workbook::cell_text(cell, *kind).as_bytes());
                        }
                        match oversized(rec) {
                            Some(reason) => failed_row(line, row_error(file, line, reason)),
                            None => process_row(&RawRow::csv(rec), &plan, ctx, file, line, cache),
                        }
                    },
                )
                .collect();
            self.merge(r, outcomes)?;
        }
        Ok(())
    }

    /// Resolves each canonical field to a column of the header (names
    /// matched trimmed, and ignoring case when no name matches exactly), a
    /// constant or absence. `line` is the header's line (row).
    fn csv_plan(
        &mut self,
        profile: &Profile,
        at: At<'_>,
        names: &[String],
    ) -> Result<Plan, IngestError> {
        let index = HeaderIndex::new(names);
        let mut used = vec![false; names.len()];
        let mut fields = Vec::with_capacity(FIELDS.len());
        for field in FIELDS {
            if let Some(c) = profile.constants.get(*field) {
                fields.push(Source::Const(c.clone()));
                continue;
            }
            if let Some(cols) = profile.joins.get(*field) {
                let parts: Vec<Source> = cols
                    .iter()
                    .filter_map(|c| {
                        let i = index.find(c)?;
                        used[i] = true;
                        Some(Source::Column(i))
                    })
                    .collect();
                fields.push(if parts.is_empty() {
                    Source::Absent
                } else {
                    Source::Join(parts)
                });
                continue;
            }
            match index.find(profile.column_for(field)) {
                Some(i) => {
                    used[i] = true;
                    fields.push(Source::Column(i));
                }
                None => fields.push(Source::Absent),
            }
        }
        let mut derive_from = Vec::new();
        if let Some(d) = &profile.derive_id {
            for c in &d.from {
                match index.find(c) {
                    Some(i) => {
                        used[i] = true;
                        derive_from.push(Source::Column(i));
                    }
                    None => {
                        return Err(at.error(
                            Some(c),
                            format!(
                                "column '{c}' that profile {} derives ids from is missing",
                                profile.name
                            ),
                        ))
                    }
                }
            }
        }
        let mut truth = Source::Absent;
        if let Some(t) = &profile.truth {
            match index.find(&t.column) {
                Some(i) => {
                    used[i] = true;
                    truth = Source::Column(i);
                }
                None => self.file_warning(at.diag(
                    Some("truth"),
                    Severity::Warning,
                    format!(
                        "column '{}' that profile {} reads the true persons from is missing; \
                         this input's records are persons of their own in link eval",
                        t.column, profile.name
                    ),
                )),
            }
        }
        for (i, field) in FIELDS.iter().enumerate().take(4) {
            let derivable = i == 0 && profile.derive_id.is_some();
            if matches!(fields[i], Source::Absent) && !derivable {
                let col = profile.column_for(field);
                let hint = if let Some(cols) = profile.joins.get(*field) {
                    format!(
                        " (joined from columns {} by profile {})",
                        cols.join(", "),
                        profile.name
                    )
                } else if col == *field {
                    String::new()
                } else {
                    format!(" (mapped from column '{col}' by profile {})", profile.name)
                };
                return Err(at.error(
                    Some(field),
                    format!(
                        "required column is missing{hint}; columns found: {}",
                        names.join(", ")
                    ),
                ));
            }
        }
        if !profile.ignore_unknown_columns {
            let unknown: Vec<&str> = names
                .iter()
                .zip(&used)
                .filter(|(n, u)| !**u && !n.is_empty())
                .map(|(n, _)| n.as_str())
                .collect();
            if !unknown.is_empty() {
                self.file_warning(at.diag(
                    None,
                    Severity::Warning,
                    format!(
                        "columns not in the schema are ignored: {}",
                        unknown.join(", ")
                    ),
                ));
            }
        }
        Ok(Plan {
            fields,
            derive_from,
            truth,
        })
    }

    /// A warning about the current input as a whole.
    fn file_warning(&mut self, d: Diagnostic) {
        self.out.warnings.push(d);
        if let Some(fc) = self.out.files.last_mut() {
            fc.warnings += 1;
        }
    }

    /// The index of the first incident with an id, if there is one.
    fn first_with_id(&self, hash: u64, id: &str) -> Option<usize> {
        let &i = self.seen.get(&hash)?;
        if self.out.incidents[i].id == id {
            return Some(i);
        }
        self.seen_collided.get(id).copied()
    }

    /// Where an accepted incident was read: `file:line`, or for a row of a
    /// workbook `file:sheet!row`. Incidents are stored in input order, so
    /// the input is the one whose accepted rows span the index.
    fn origin_text(&self, index: usize) -> String {
        let origin = &self.out.incidents[index].origin;
        let mut before = 0u64;
        let sheet = self
            .out
            .files
            .iter()
            .find_map(|f| {
                {
                    before += f.accepted;
                    (index as u64) < before
                }
                .then_some(f.sheet.as_deref())
            })
            .flatten();
        match sheet {
            Some(s) => format!("{}:{s}!{}", origin.file, origin.line),
            None => origin.to_string(),
        }
    }

    /// Adds a batch of outcomes of the current input in input order:
    /// derived ids, duplicate ids, counts, and the strict stop.
    fn merge(&mut self, r: Reading<'_>, outcomes: Vec<RowOutcome>) -> Result<(), IngestError> {
        let Some(fc_index) = self.out.files.len().checked_sub(1) else {
            return Ok(());
        };
        // Rows of a workbook are placed by sheet and row.
        let sheet: Option<Arc<str>> = self.out.files[fc_index].sheet.as_deref().map(Arc::from);
        let placed = |mut d: Diagnostic| {
            if sheet.is_some() {
                d.sheet.clone_from(&sheet);
            }
            d
        };
        let prefix = r
            .profile()
            .derive_id
            .as_ref()
            .map(|d| d.prefix.as_str())
            .unwrap_or("");
        let mut derived_seen: HashMap<u64, u32> = std::mem::take(&mut self.derived_counter);
        for o in outcomes {
            let fc = &mut self.out.files[fc_index];
            fc.read += 1;
            fc.warnings += o.warnings.len() as u64;
            self.out.warnings.extend(o.warnings.into_iter().map(placed));
            let truth = o.truth;
            let near_boundary = o.near_boundary;
            let reject = match (o.incident, o.reject) {
                (Some(mut inc), None) => {
                    if let Some(key) = o.derive_key {
                        let n = derived_seen.entry(key).or_insert(0);
                        *n += 1;
                        inc.id = format!("{prefix}{key:016x}-{n}");
                    }
                    let hash = match o.derive_key {
                        Some(_) => row::id_hash(&inc.id),
                        None => o.id_hash,
                    };
                    match self.first_with_id(hash, &inc.id) {
                        Some(first) => Some(placed(Diagnostic {
                            file: inc.origin.file.clone(),
                            sheet: None,
                            line: o.line,
                            field: Some("incident_id".into()),
                            severity: Severity::Rejected,
                            reason: format!(
                                "duplicate incident_id '{}', first seen at {}",
                                inc.id,
                                self.origin_text(first)
                            ),
                        })),
                        None => {
                            let index = self.out.incidents.len();
                            match self.seen.entry(hash) {
                                std::collections::hash_map::Entry::Vacant(v) => {
                                    v.insert(index);
                                }
                                std::collections::hash_map::Entry::Occupied(_) => {
                                    self.seen_collided.insert(inc.id.clone(), index);
                                }
                            }
                            self.out.incidents.push(inc);
                            if self.truth_on {
                                self.out.truth.push(truth);
                            }
                            let fc = &mut self.out.files[fc_index];
                            fc.accepted += 1;
                            fc.near_boundary += u64::from(near_boundary);
                            None
                        }
                    }
                }
                (_, Some(d)) => Some(placed(d)),
                (None, None) => None,
            };
            if let Some(d) = reject {
                self.out.files[fc_index].rejected += 1;
                if r.strict {
                    self.derived_counter = derived_seen;
                    return Err(IngestError::Strict(d));
                }
                self.out.rejects.push(d);
            }
        }
        self.derived_counter = derived_seen;
        Ok(())
    }
}

/// Offsets in `rest` (which starts at a record boundary) where chunks of
/// about `target` bytes start: 0, then the byte after a newline that lies
/// outside every quoted field, as the CSV reader (quote `"`, doubled quotes
/// as escapes, no escape character) would see it. A quote opens a quoted
/// field only at the start of a field (start of input, or after `,`, `\n`
/// or `\r` outside quotes); elsewhere it is a literal byte. After an unclosed
/// quote no further chunk starts, so such a record always stays whole.
fn chunk_starts(rest: &[u8], target: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let len = rest.len();
    let target = target.max(1);
    let mut next = target;
    // Scan position; the reader is outside any quoted field here.
    let mut i = 0;
    while i < len {
        let q = find_byte(rest, i, b'"').unwrap_or(len);
        // Every newline in i..q is a record terminator.
        while next < q {
            let from = next.max(i);
            match find_byte(&rest[..q], from, b'\n') {
                Some(nl) => {
                    // The reader stops right after the first terminator byte
                    // of a record (`\r` of `\r\n`) and skips blank lines at
                    // the start of the next read, which then takes its line
                    // number from where the record ended: cut there too.
                    let mut k = nl;
                    while k > 0 && matches!(rest[k - 1], b'\r' | b'\n') {
                        k -= 1;
                    }
                    let s = k + 1;
                    if k > 0 && s < len && starts.last().is_some_and(|&l| s > l) {
                        starts.push(s);
                        next = s + target;
                    } else {
                        next = nl + 1;
                    }
                }
                None => break,
            }
        }
        if q >= len {
            break;
        }
        let at_field_start = q == 0 || matches!(rest[q - 1], b',' | b'\n' | b'\r');
        if !at_field_start {
            i = q + 1;
            continue;
        }
        // Inside a quoted field: find the closing quote ("" is an escape).
        let mut j = q + 1;
        loop {
            match find_byte(rest, j, b'"') {
                None => return starts,
                Some(c) if rest.get(c + 1) == Some(&b'"') => j = c + 2,
                Some(c) => {
                    i = c + 1;
                    break;
                }
            }
        }
    }
    starts
}

/// The first index at or after `from` holding `byte`.
fn find_byte(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    let tail = hay.get(from..)?;
    let mut base = from;
    // Blocks compared without early exit vectorise; then find the byte.
    for block in tail.chunks(32) {
        if block.iter().fold(false, |acc, &b| acc | (b == byte)) {
            return block.iter().position(|&b| b == byte).map(|k| base + k);
        }
        base += block.len();
    }
    None
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b == b'\n')).sum()
}

/// Parses and validates one chunk of CSV records; `line_base` is the line
/// number of the chunk's first byte less one.
fn parse_chunk(
    chunk: &[u8],
    line_base: u64,
    width: usize,
    file: &Arc<str>,
    plan: &Plan,
    ctx: &Ctx<'_>,
) -> Vec<RowOutcome> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(chunk);
    let mut cache = RowCache::default();
    // A copy of the name for this chunk's rows (same text): threads do not
    // contend on one reference count per row.
    let file: &Arc<str> = &Arc::from(&**file);
    let mut rec = ByteRecord::new();
    let mut out = Vec::with_capacity(chunk.len() / 200 + 1);
    loop {
        let line = line_base + rdr.position().line();
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let start = rec.position().map(|p| line_base + p.line()).unwrap_or(line);
                let end_line = line_base + rdr.position().line();
                if let Some(reason) = oversized(&rec) {
                    out.push(failed_row(start, row_error(file, start, reason)));
                } else if rec.len() != width {
                    let spans = if end_line > start + 1 {
                        format!(
                            "; the record runs to line {} (an unclosed quote?)",
                            end_line - 1
                        )
                    } else {
                        String::new()
                    };
                    let reason = format!(
                        "expected {width} fields as in the header, found {}{spans}",
                        rec.len()
                    );
                    out.push(failed_row(start, row_error(file, start, reason)));
                } else {
                    out.push(process_row(
                        &RawRow::csv(&rec),
                        plan,
                        ctx,
                        file,
                        start,
                        &mut cache,
                    ));
                }
            }
            Err(e) => {
                let at = e.position().map(|p| line_base + p.line()).unwrap_or(line);
                let reason = format!("unreadable record: {}", csv_reason(&e));
                out.push(failed_row(at, row_error(file, at, reason)));
                if e.is_io_error() {
                    break;
                }
            }
        }
    }
    out
}

/// Why a record is too large to keep ([`MAX_ROW_BYTES`], [`MAX_FIELD_BYTES`]).
fn oversized(rec: &ByteRecord) -> Option<String> {
    let total = rec.as_slice().len();
    if total > MAX_ROW_BYTES {
        return Some(format!(
            "record of {total} bytes, more than the limit of {MAX_ROW_BYTES}"
        ));
    }
    rec.iter()
        .enumerate()
        .find(|(_, f)| f.len() > MAX_FIELD_BYTES)
        .map(|(i, f)| {
            format!(
                "field {} holds {} bytes, more than the limit of {MAX_FIELD_BYTES}",
                i + 1,
                f.len()
            )
        })
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".into(),
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        _ => "malformed CSV".into(),
    }
}

/// serde_json's message without the input text (it never quotes it, but
/// keep only the category and the column, which is all a user needs).
fn json_reason(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Eof => "unexpected end of line (an unclosed string or brace?)",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Io => "read error",
    };
    format!("{what} at column {}", e.column())
}

/// Figures a coordinator checks before a scan: counts by kind, source, BCU
/// and month of report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Incidents by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Incidents by source agency.
    pub by_source: BTreeMap<String, u64>,
    /// Incidents by BCU (`unassigned` included).
    pub by_bcu: BTreeMap<String, u64>,
    /// Incidents by month reported (`YYYY-MM`).
    pub by_month: BTreeMap<String, u64>,
}

impl Summary {
    /// Counts a set of incidents.
    pub fn of(incidents: &[Incident]) -> Summary {
        // Count on borrowed keys first (a million rows, a few dozen keys),
        // then build the sorted maps once.
        let mut kind: rustc_hash::FxHashMap<&'static str, u64> = Default::default();
        let mut source: rustc_hash::FxHashMap<&str, u64> = Default::default();
        let mut bcu: rustc_hash::FxHashMap<&str, u64> = Default::default();
        let mut month: rustc_hash::FxHashMap<(i32, u32), u64> = Default::default();
        for i in incidents {
            *kind.entry(i.kind.as_str()).or_default() += 1;
            *source.entry(&i.source).or_default() += 1;
            *bcu.entry(&i.bcu).or_default() += 1;
            let d = i.reported.date;
            *month.entry((d.year(), d.month())).or_default() += 1;
        }
        fn sorted<K: ToString>(m: rustc_hash::FxHashMap<K, u64>) -> BTreeMap<String, u64> {
            m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
        }
        Summary {
            by_kind: sorted(kind),
            by_source: sorted(source),
            by_bcu: sorted(bcu),
            by_month: month
                .into_iter()
                .map(|((y, m), v)| (format!("{y:04}-{m:02}"), v))
                .collect(),
        }
    }
}

#[cfg(test)]
mod chunk_tests {
    use super::*;
    use proptest::prelude::*;

    type Rec = (u64, u64, Vec<Vec<u8>>);

    fn read_all(bytes: &[u8], line_base: u64) -> Vec<Rec> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).expect("slice") {
            let start = line_base + rec.position().expect("pos").line();
            let end = line_base + rdr.position().line();
            out.push((start, end, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// Chunked reading gives the records and line numbers of one pass.
    fn same_as_one_pass(input: &[u8], target: usize) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut header = ByteRecord::new();
        let _ = rdr.read_byte_record(&mut header);
        let pos = rdr.position().clone();
        let rest = &input[pos.byte() as usize..];
        let whole = read_all(rest, pos.line() - 1);
        // The one-pass reader, continued after the header.
        let mut cont = Vec::new();
        let mut rec = ByteRecord::new();
        while rdr.read_byte_record(&mut rec).expect("slice") {
            let start = rec.position().expect("pos").line();
            cont.push((
                start,
                rdr.position().line(),
                rec.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(),
            ));
        }
        assert_eq!(whole, cont);
        let starts = chunk_starts(rest, target);
        let mut chunked = Vec::new();
        let mut base = pos.line() - 1;
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(rest.len());
            chunked.extend(read_all(&rest[s..e], base));
            base += count_newlines(&rest[s..e]);
        }
        assert_eq!(chunked, cont, "target {target}");
    }

    #[test]
    fn chunks_split_only_between_records() {
        for input in [
            &b"a,b\n1,2\n\"x\ny\",3\n4,\"5\"\"\n\"\n\n\n6,7\r\n8,9\r\r\n"[..],
            b"a,b\r\n\"q\"\"\",1\r\nz\"\n,\"\nw\n",
            b"a,b\n\"unclosed\n1,2\n3,4\n",
            b"a,b\n1\"2,\"3\n4\"\n5,6\n",
            b"\"a\nb\",c\n1,2\n",
            b"a",
            b"",
        ] {
            for t in 1..12 {
                same_as_one_pass(input, t);
            }
        }
    }

    proptest! {
        #[test]
        fn chunks_match_one_pass(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b"a"[..]), Just(&b","[..]), Just(&b"\""[..]), Just(&b"\n"[..]),
                    Just(&b"\r"[..]), Just(&b"\r\n"[..]), Just(&b"\"\""[..]), Just(&b" "[..]),
                    Just(&b"\xc3\xa9"[..]), Just(&b"\xff"[..]),
                ],
                0..80,
            ),
            t in 1usize..10,
        ) {
            let input: Vec<u8> = parts.concat();
            same_as_one_pass(&input, t);
        }
    }
}

#[cfg(test)]
mod robustness_tests {
    //! No input makes ingest panic, and the counts always add up.
    use super::*;
    use proptest::prelude::*;

    /// A header of canonical fields, then rows made of bytes that stress
    /// every parser: quotes, separators, line ends, non-UTF-8, digits,
    /// dashes, the letters of kinds and dates.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        let alphabet: Vec<u8> = b"\",\r\n;-:T0123456789asbhetdicrmpoluy .\xff\xc3\xa9{}[]".to_vec();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..600)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn csv_never_panics_and_counts_add_up(rows in body(), strict in any::<bool>()) {
            let mut input = b"incident_id,source,kind,reported_at,victim_dob,lat,lon,harm,vulnerabilities\n".to_vec();
            input.extend_from_slice(&rows);
            let mut ing = Ingester::new(IngestOptions { strict, ..IngestOptions::default() });
            let result = ing.add_bytes("p.csv", &input, InputFormat::Csv);
            let out = ing.finish();
            prop_assert_eq!(out.read(), out.accepted() + out.rejected());
            prop_assert_eq!(out.rejects.len() as u64 + u64::from(result.is_err()), out.rejected());
            prop_assert_eq!(out.incidents.len() as u64, out.accepted());
        }

        #[test]
        fn json_lines_never_panic_and_counts_add_up(rows in body()) {
            let mut input = b"{\"incident_id\":\"a\",\"source\":\"x\",\"kind\":\"asb\",\"reported_at\":\"2024-01-01\"}\n".to_vec();
            input.extend_from_slice(&rows);
            let mut ing = Ingester::new(IngestOptions::default());
            ing.add_bytes("p.jsonl", &input, InputFormat::JsonLines).expect("lenient mode never stops");
            let out = ing.finish();
            prop_assert_eq!(out.read(), out.accepted() + out.rejected());
            prop_assert_eq!(out.rejects.len() as u64, out.rejected());
        }
    }
}
