//! Ingest: agency exports in, validated and placed incidents out, with a
//! diagnostic for every row that was rejected or kept with a field dropped.
//!
//! Reads canonical CSV (RFC 4180, UTF-8, optional BOM, CRLF or LF) and JSON
//! Lines, from files, directories (every `*.csv` and `*.jsonl`, sorted by name)
//! or standard input, through a [`Profile`] that maps other column names and
//! values onto the canonical fields. Ingest never fails because of one row:
//! it returns the incidents plus diagnostics (the counts always add up:
//! read = accepted + rejected), unless `strict` asks it to stop at the first
//! bad row.
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
use marac_model::{Incident, Origin, FIELDS};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

pub mod diag;
pub mod profile;
mod row;
pub mod values;

pub use diag::{Diagnostic, Severity};
pub use profile::{Profile, ProfileError};
use row::{process_row, Ctx, Plan, RawRow, RowCache, RowOutcome, Source};

/// How to read and check the inputs of one run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Column and value mapping.
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
}

impl InputFormat {
    /// The format a file name's extension implies (`.jsonl`, `.ndjson` or CSV).
    pub fn from_path(path: &Path) -> InputFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl") | Some("ndjson") => InputFormat::JsonLines,
            _ => InputFormat::Csv,
        }
    }

    /// Guesses from the content: JSON Lines when the first non-blank byte is `{`.
    pub fn sniff(bytes: &[u8]) -> InputFormat {
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
    /// Records read (header excluded).
    pub read: u64,
    /// Records accepted.
    pub accepted: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Warnings (rows kept with a field dropped, and file notes).
    pub warnings: u64,
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
    /// The input as a whole is unusable (header problems, a directory with no inputs).
    #[error("{0}")]
    Input(Diagnostic),
    /// `strict` stopped at this row.
    #[error("{0}")]
    Strict(Diagnostic),
}

/// One input to read: a path or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

/// Expands paths: directories become their `*.csv` and `*.jsonl` files,
/// sorted by name; `-` is standard input.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<InputSource>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(InputSource::Stdin);
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|source| IngestError::Io {
            path: p.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| IngestError::Io {
                    path: p.display().to_string(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && matches!(
                            f.extension()
                                .and_then(|e| e.to_str())
                                .map(str::to_ascii_lowercase)
                                .as_deref(),
                            Some("csv") | Some("jsonl")
                        )
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(IngestError::Input(Diagnostic {
                    file: Arc::from(p.display().to_string()),
                    line: 0,
                    field: None,
                    severity: Severity::Rejected,
                    reason: "directory holds no *.csv or *.jsonl files".into(),
                }));
            }
            out.extend(files.into_iter().map(InputSource::File));
        } else {
            out.push(InputSource::File(p.clone()));
        }
    }
    Ok(out)
}

/// Reads inputs one after another, checking ids across all of them.
#[derive(Debug)]
pub struct Ingester {
    opts: IngestOptions,
    /// Ids seen so far (Fx hashing: the duplicate check runs once per row, in order).
    seen: rustc_hash::FxHashMap<String, Origin>,
    /// Occurrences of each derived-id key in the current file.
    derived_counter: HashMap<u64, u32>,
    out: Ingest,
}

/// Rows validated in one parallel batch.
const BATCH: usize = 16_384;

impl Ingester {
    /// A new run.
    pub fn new(opts: IngestOptions) -> Self {
        Ingester {
            opts,
            seen: rustc_hash::FxHashMap::default(),
            derived_counter: HashMap::new(),
            out: Ingest::default(),
        }
    }

    /// Reads one input source.
    pub fn add_source(&mut self, src: &InputSource) -> Result<(), IngestError> {
        match src {
            InputSource::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|source| IngestError::Io {
                        path: "<stdin>".into(),
                        source,
                    })?;
                let fmt = InputFormat::sniff(&buf);
                self.add_bytes("<stdin>", &buf, fmt)
            }
            InputSource::File(p) => {
                let bytes = std::fs::read(p).map_err(|source| IngestError::Io {
                    path: p.display().to_string(),
                    source,
                })?;
                self.add_bytes(&p.display().to_string(), &bytes, InputFormat::from_path(p))
            }
        }
    }

    /// Reads one input held in memory; `name` is used in diagnostics.
    pub fn add_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: InputFormat,
    ) -> Result<(), IngestError> {
        let file: Arc<str> = Arc::from(name);
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // Derived ids count identical rows within one file, so reading the
        // same file twice yields duplicate ids, as it should.
        self.derived_counter.clear();
        self.out.files.push(FileCounts {
            file: name.to_string(),
            ..FileCounts::default()
        });
        // Reserve for the rows this input will probably add (address space
        // only: pages are touched as rows arrive), so a million incidents do
        // not move through repeated reallocation.
        self.out.incidents.reserve(body.len() / 160);
        match format {
            InputFormat::Csv => self.add_csv(&file, body),
            InputFormat::JsonLines => self.add_jsonl(&file, body),
        }
    }

    /// Everything read so far.
    pub fn finish(self) -> Ingest {
        self.out
    }

    fn file_error(file: &Arc<str>, line: u64, field: Option<&str>, reason: String) -> IngestError {
        IngestError::Input(Diagnostic {
            file: file.clone(),
            line,
            field: field.map(str::to_string),
            severity: Severity::Rejected,
            reason,
        })
    }

    fn add_csv(&mut self, file: &Arc<str>, body: &[u8]) -> Result<(), IngestError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let mut header = ByteRecord::new();
        match rdr.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Self::file_error(
                    file,
                    1,
                    None,
                    "empty input: no header row".into(),
                ))
            }
            Err(e) => {
                return Err(Self::file_error(
                    file,
                    1,
                    None,
                    format!("unreadable header: {e}"),
                ))
            }
        }
        let names: Vec<String> = match header
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(v) => v.into_iter().map(|s| s.trim().to_string()).collect(),
            Err(_) => {
                return Err(Self::file_error(
                    file,
                    1,
                    None,
                    "header: invalid UTF-8".into(),
                ))
            }
        };
        let plan = self.csv_plan(file, &names)?;
        let width = names.len();

        // Parse records sequentially (the CSV grammar is sequential) into a
        // pool of reused records, validate them in parallel batches, merge in
        // input order.
        let mut pool: Vec<ByteRecord> = Vec::new();
        let mut meta: Vec<(u64, Option<Diagnostic>)> = Vec::with_capacity(BATCH);
        loop {
            let filled = meta.len();
            if filled == pool.len() {
                pool.push(ByteRecord::new());
            }
            let line = rdr.position().line();
            let rec = &mut pool[filled];
            match rdr.read_byte_record(rec) {
                Ok(false) => break,
                Ok(true) => {
                    let start = rec.position().map(|p| p.line()).unwrap_or(line);
                    let end_line = rdr.position().line();
                    if rec.len() != width {
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
                        meta.push((start, Some(Self::row_error(file, start, reason))));
                    } else {
                        meta.push((start, None));
                    }
                }
                Err(e) => {
                    let at = e.position().map(|p| p.line()).unwrap_or(line);
                    let reason = format!("unreadable record: {}", csv_reason(&e));
                    meta.push((at, Some(Self::row_error(file, at, reason))));
                    if e.is_io_error() {
                        break;
                    }
                }
            }
            if meta.len() >= BATCH {
                self.flush_csv(file, &plan, &pool[..meta.len()], &meta)?;
                meta.clear();
            }
        }
        let n = meta.len();
        self.flush_csv(file, &plan, &pool[..n], &meta)
    }

    fn row_error(file: &Arc<str>, line: u64, reason: String) -> Diagnostic {
        Diagnostic {
            file: file.clone(),
            line,
            field: None,
            severity: Severity::Rejected,
            reason,
        }
    }

    fn flush_csv(
        &mut self,
        file: &Arc<str>,
        plan: &Plan,
        records: &[ByteRecord],
        meta: &[(u64, Option<Diagnostic>)],
    ) -> Result<(), IngestError> {
        let ctx = Ctx {
            profile: &self.opts.profile,
            areas: &self.opts.areas,
            as_of: self.opts.as_of,
        };
        let outcomes: Vec<RowOutcome> = records
            .par_iter()
            .zip(meta.par_iter())
            .map_init(RowCache::default, |cache, (rec, (line, err))| match err {
                None => process_row(&RawRow::Csv(rec), plan, &ctx, file, *line, cache),
                Some(d) => RowOutcome {
                    line: *line,
                    incident: None,
                    reject: Some(d.clone()),
                    warnings: Vec::new(),
                    derive_key: None,
                },
            })
            .collect();
        self.merge(outcomes)
    }

    fn add_jsonl(&mut self, file: &Arc<str>, body: &[u8]) -> Result<(), IngestError> {
        let mut lines: Vec<(u64, &[u8])> = Vec::new();
        for (i, l) in body.split(|b| *b == b'\n').enumerate() {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            if l.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            lines.push((i as u64 + 1, l));
        }
        let plan = Plan {
            fields: FIELDS
                .iter()
                .map(|f| match self.opts.profile.constants.get(*f) {
                    Some(c) => Source::Const(c.clone()),
                    None => Source::Key(self.opts.profile.column_for(f).to_string()),
                })
                .collect(),
            derive_from: self
                .opts
                .profile
                .derive_id
                .iter()
                .flat_map(|d| d.from.iter().map(|c| Source::Key(c.clone())))
                .collect(),
        };
        for chunk in lines.chunks(BATCH) {
            let ctx = Ctx {
                profile: &self.opts.profile,
                areas: &self.opts.areas,
                as_of: self.opts.as_of,
            };
            let outcomes: Vec<RowOutcome> = chunk
                .par_iter()
                .map_init(RowCache::default, |cache, (line, text)| {
                    let reject = |reason: String| RowOutcome {
                        line: *line,
                        incident: None,
                        reject: Some(Diagnostic {
                            file: file.clone(),
                            line: *line,
                            field: None,
                            severity: Severity::Rejected,
                            reason,
                        }),
                        warnings: Vec::new(),
                        derive_key: None,
                    };
                    match serde_json::from_slice::<Value>(text) {
                        Ok(Value::Object(obj)) => {
                            process_row(&RawRow::Json(&obj), &plan, &ctx, file, *line, cache)
                        }
                        Ok(_) => reject("expected a JSON object".into()),
                        Err(e) => reject(format!("invalid JSON: {}", json_reason(&e))),
                    }
                })
                .collect();
            self.merge(outcomes)?;
        }
        Ok(())
    }

    /// Resolves each canonical field to a CSV column, constant or absence.
    fn csv_plan(&mut self, file: &Arc<str>, names: &[String]) -> Result<Plan, IngestError> {
        let profile = &self.opts.profile;
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .rev()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut used = vec![false; names.len()];
        let mut fields = Vec::with_capacity(FIELDS.len());
        for field in FIELDS {
            if let Some(c) = profile.constants.get(*field) {
                fields.push(Source::Const(c.clone()));
                continue;
            }
            let col = profile.column_for(field);
            match index.get(col) {
                Some(&i) => {
                    used[i] = true;
                    fields.push(Source::Column(i));
                }
                None => fields.push(Source::Absent),
            }
        }
        let mut derive_from = Vec::new();
        if let Some(d) = &profile.derive_id {
            for c in &d.from {
                match index.get(c.as_str()) {
                    Some(&i) => {
                        used[i] = true;
                        derive_from.push(Source::Column(i));
                    }
                    None => {
                        return Err(Self::file_error(
                            file,
                            1,
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
        for (i, field) in FIELDS.iter().enumerate().take(4) {
            let derivable = i == 0 && profile.derive_id.is_some();
            if matches!(fields[i], Source::Absent) && !derivable {
                let col = profile.column_for(field);
                let hint = if col == *field {
                    String::new()
                } else {
                    format!(" (mapped from column '{col}' by profile {})", profile.name)
                };
                return Err(Self::file_error(
                    file,
                    1,
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
                self.out.warnings.push(Diagnostic {
                    file: file.clone(),
                    line: 1,
                    field: None,
                    severity: Severity::Warning,
                    reason: format!(
                        "columns not in the schema are ignored: {}",
                        unknown.join(", ")
                    ),
                });
                if let Some(fc) = self.out.files.last_mut() {
                    fc.warnings += 1;
                }
            }
        }
        Ok(Plan {
            fields,
            derive_from,
        })
    }

    /// Adds a batch of outcomes in input order: derived ids, duplicate ids,
    /// counts, and the strict stop.
    fn merge(&mut self, outcomes: Vec<RowOutcome>) -> Result<(), IngestError> {
        let Some(fc_index) = self.out.files.len().checked_sub(1) else {
            return Ok(());
        };
        let mut derived_seen: HashMap<u64, u32> = std::mem::take(&mut self.derived_counter);
        for o in outcomes {
            let fc = &mut self.out.files[fc_index];
            fc.read += 1;
            fc.warnings += o.warnings.len() as u64;
            self.out.warnings.extend(o.warnings);
            let reject = match (o.incident, o.reject) {
                (Some(mut inc), None) => {
                    if let Some(key) = o.derive_key {
                        let n = derived_seen.entry(key).or_insert(0);
                        *n += 1;
                        let prefix = self
                            .opts
                            .profile
                            .derive_id
                            .as_ref()
                            .map(|d| d.prefix.as_str())
                            .unwrap_or("");
                        inc.id = format!("{prefix}{key:016x}-{n}");
                    }
                    match self.seen.get(&inc.id) {
                        Some(first) => Some(Diagnostic {
                            file: inc.origin.file.clone(),
                            line: o.line,
                            field: Some("incident_id".into()),
                            severity: Severity::Rejected,
                            reason: format!(
                                "duplicate incident_id '{}', first seen at {first}",
                                inc.id
                            ),
                        }),
                        None => {
                            self.seen.insert(inc.id.clone(), inc.origin.clone());
                            self.out.incidents.push(inc);
                            self.out.files[fc_index].accepted += 1;
                            None
                        }
                    }
                }
                (_, Some(d)) => Some(d),
                (None, None) => None,
            };
            if let Some(d) = reject {
                self.out.files[fc_index].rejected += 1;
                if self.opts.strict {
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
        let mut s = Summary::default();
        for i in incidents {
            *s.by_kind.entry(i.kind.as_str().to_string()).or_default() += 1;
            *s.by_source.entry(i.source.to_string()).or_default() += 1;
            *s.by_bcu.entry(i.bcu.to_string()).or_default() += 1;
            let d = i.reported.date;
            *s.by_month
                .entry(format!("{:04}-{:02}", d.year(), d.month()))
                .or_default() += 1;
        }
        s
    }
}
