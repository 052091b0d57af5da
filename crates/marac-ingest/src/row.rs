//! One input row -> one validated, placed incident, or a reject; with warnings.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use csv::ByteRecord;
use marac_geo::Areas;
use marac_model::{
    Bng, HateStrandSet, Incident, IncidentKind, LatLon, Origin, PersonDetails, Postcode,
    VulnerabilitySet, FIELDS, UNASSIGNED,
};
use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Severity};
use crate::profile::{slug, Profile};
use crate::values::{parse_dob, parse_number, parse_record_date, parse_yes_no};

/// How far, in metres, a record's coordinates may lie outside the borough
/// it names before a warning says they disagree. Boundary streets, snap
/// points and geocoding put many records a few metres to a few dozen metres
/// over the line; a few hundred metres means the borough or the coordinates
/// are wrong. The record keeps the borough it names either way.
pub const BOROUGH_MISMATCH_M: f64 = 250.0;

/// Index of each canonical field in [`FIELDS`].
pub(crate) mod f {
    pub const INCIDENT_ID: usize = 0;
    pub const SOURCE: usize = 1;
    pub const KIND: usize = 2;
    pub const REPORTED_AT: usize = 3;
    pub const OCCURRED_AT: usize = 4;
    pub const BOROUGH: usize = 5;
    pub const LAT: usize = 6;
    pub const LON: usize = 7;
    pub const EASTING: usize = 8;
    pub const NORTHING: usize = 9;
    pub const LOCATION_TEXT: usize = 10;
    pub const POSTCODE: usize = 11;
    pub const VICTIM: usize = 12;
    pub const SUSPECT: usize = 19;
    pub const VULNERABILITIES: usize = 25;
    pub const HATE_STRANDS: usize = 26;
    pub const CATEGORY: usize = 27;
    pub const HARM: usize = 28;
    pub const CHILDREN_PRESENT: usize = 29;
    pub const SUMMARY: usize = 30;
    pub const OUTCOME: usize = 31;
}

/// Where a canonical field's value comes from in one input.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A CSV column by index.
    Column(usize),
    /// A JSON object key.
    Key(String),
    /// A constant from the profile.
    Const(String),
    /// Several sources whose values are joined with single spaces (`[join]`).
    Join(Vec<Source>),
    /// Not present in this input.
    Absent,
}

impl Source {
    /// The columns a source reads (a column, or a join's columns).
    pub fn columns(&self) -> Vec<usize> {
        match self {
            Source::Column(i) => vec![*i],
            Source::Join(parts) => parts.iter().flat_map(Source::columns).collect(),
            _ => Vec::new(),
        }
    }
}

/// The resolved sources of every canonical field for one input.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub fields: Vec<Source>,
    pub derive_from: Vec<Source>,
    /// The profile's `[truth]` column.
    pub truth: Source,
}

/// A raw row: a CSV record or a JSON object.
pub(crate) enum RawRow<'a> {
    /// The record, and its text when all of it is valid UTF-8 (then every
    /// field is, as each field boundary is a character boundary).
    Csv(&'a ByteRecord, Option<&'a str>),
    Json(&'a Map<String, Value>),
}

impl<'a> RawRow<'a> {
    /// A CSV record, checked for UTF-8 once as a whole.
    pub fn csv(rec: &'a ByteRecord) -> RawRow<'a> {
        let text = std::str::from_utf8(rec.as_slice()).ok().filter(|t| {
            (0..rec.len()).all(|i| {
                rec.range(i)
                    .is_some_and(|r| t.is_char_boundary(r.start) && t.is_char_boundary(r.end))
            })
        });
        RawRow::Csv(rec, text)
    }

    /// The raw text of a source, or why it cannot be read.
    fn get(&self, src: &'a Source) -> Result<Option<Cow<'a, str>>, String> {
        match (self, src) {
            (_, Source::Absent) => Ok(None),
            (_, Source::Const(c)) => Ok(Some(Cow::Borrowed(c.as_str()))),
            (_, Source::Join(parts)) => {
                let mut joined = String::new();
                for part in parts {
                    let Some(v) = self.get(part)? else { continue };
                    let v = trim(&v);
                    if !v.is_empty() {
                        if !joined.is_empty() {
                            joined.push(' ');
                        }
                        joined.push_str(v);
                    }
                }
                Ok((!joined.is_empty()).then_some(Cow::Owned(joined)))
            }
            (RawRow::Csv(rec, Some(text)), Source::Column(i)) => {
                Ok(rec.range(*i).and_then(|r| text.get(r)).map(Cow::Borrowed))
            }
            (RawRow::Csv(rec, None), Source::Column(i)) => match rec.get(*i) {
                None => Ok(None),
                Some(bytes) => match std::str::from_utf8(bytes) {
                    Ok(s) => Ok(Some(Cow::Borrowed(s))),
                    Err(e) => Err(format!(
                        "invalid UTF-8 at byte {} of the field",
                        e.valid_up_to() + 1
                    )),
                },
            },
            (RawRow::Json(obj), Source::Key(k)) => match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(Cow::Borrowed(s.as_str()))),
                Some(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
                Some(Value::Bool(b)) => Ok(Some(Cow::Borrowed(if *b { "yes" } else { "no" }))),
                Some(Value::Array(items)) => {
                    let mut parts = Vec::with_capacity(items.len());
                    for it in items {
                        match it {
                            Value::String(s) => parts.push(s.clone()),
                            _ => return Err("expected a list of strings".into()),
                        }
                    }
                    Ok(Some(Cow::Owned(parts.join(";"))))
                }
                Some(Value::Object(_)) => {
                    Err("expected a string, number or list, found an object".into())
                }
            },
            _ => Ok(None),
        }
    }
}

/// What became of one row.
pub(crate) struct RowOutcome {
    pub line: u64,
    pub incident: Option<Incident>,
    pub reject: Option<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Hash of the derive-id columns, when the id must be derived.
    pub derive_key: Option<u64>,
    /// [`id_hash`] of the incident's id (when not derived).
    pub id_hash: u64,
    /// The true person key (`[truth]` of the profile), when known.
    pub truth: Option<String>,
    /// Placed by its coordinates within [`marac_geo::NEAR_BOUNDARY_M`] of
    /// another BCU's boundary.
    pub near_boundary: bool,
}

/// The hash the duplicate-id check files ids under.
pub(crate) fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// Read-only context shared by every row of an input.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub profile: &'a Profile,
    pub areas: &'a Areas,
    pub as_of: Option<NaiveDate>,
}

/// Per-thread memo of values that repeat across rows (agency slugs, area
/// names), so a million rows do not slugify and resolve the same strings
/// a million times.
#[derive(Default)]
pub(crate) struct RowCache {
    sources: Vec<(String, Arc<str>)>,
    unassigned: Option<Arc<str>>,
    areas: rustc_hash::FxHashMap<String, Option<marac_geo::AreaId>>,
    /// This cache's own copies of area and BCU names (same text), so that
    /// threads do not contend on one reference count per row.
    placed: rustc_hash::FxHashMap<marac_geo::AreaId, (Arc<str>, Arc<str>)>,
}

impl RowCache {
    fn names(&mut self, areas: &Areas, id: marac_geo::AreaId) -> (Arc<str>, Arc<str>) {
        let (name, bcu) = self.placed.entry(id).or_insert_with(|| {
            let a = areas.area(id);
            (Arc::from(&*a.name), Arc::from(&*a.bcu))
        });
        (name.clone(), bcu.clone())
    }
}

struct Builder<'r, 'a> {
    cache: &'r mut RowCache,
    row: &'r RawRow<'a>,
    plan: &'a Plan,
    ctx: &'r Ctx<'r>,
    file: &'r Arc<str>,
    line: u64,
    warnings: Vec<Diagnostic>,
    /// Set by [`Builder::place`].
    near_boundary: bool,
}

type Reject = Diagnostic;

impl<'r, 'a> Builder<'r, 'a> {
    fn diag(&self, field: &str, severity: Severity, reason: String) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            sheet: None,
            line: self.line,
            field: Some(field.to_string()),
            severity,
            reason,
        }
    }

    fn warn(&mut self, field: &str, reason: String) {
        let d = self.diag(field, Severity::Warning, reason);
        self.warnings.push(d);
    }

    /// The mapped, trimmed value of a field; `Err` when unreadable.
    fn value(&self, idx: usize) -> Result<Option<Cow<'a, str>>, String> {
        let field = FIELDS[idx];
        let raw = match self.row.get(&self.plan.fields[idx])? {
            None => return Ok(None),
            Some(r) => r,
        };
        let mut v: Cow<'a, str> = match raw {
            Cow::Borrowed(b) => Cow::Borrowed(trim(b)),
            Cow::Owned(o) => Cow::Owned(trim(&o).to_string()),
        };
        if v.is_empty() {
            return Ok(None);
        }
        let profile = self.ctx.profile;
        let mut mapped = false;
        if !profile.transforms.is_empty() {
            if let Some(t) = profile.transforms.get(field) {
                v = Cow::Owned(t.apply(&v));
                mapped = true;
            }
        }
        if !profile.values.is_empty() {
            if let Some(map) = profile.values.get(field) {
                let key = v.to_lowercase();
                if let Some(m) = map.map.get(&key) {
                    v = Cow::Owned(m.clone());
                    mapped = true;
                } else if let Some(d) = &map.default {
                    v = Cow::Owned(d.clone());
                    mapped = true;
                }
            }
        }
        // Unmapped, `v` is trimmed and not empty.
        if mapped && v.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(v))
    }

    /// A required field: missing or unreadable rejects the row.
    fn required(&self, idx: usize) -> Result<Cow<'a, str>, Reject> {
        let field = FIELDS[idx];
        match self.value(idx) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(self.diag(
                field,
                Severity::Rejected,
                "required field is missing or empty".into(),
            )),
            Err(reason) => Err(self.diag(field, Severity::Rejected, reason)),
        }
    }

    /// An optional field: unreadable warns and counts as missing.
    fn optional(&mut self, idx: usize) -> Option<Cow<'a, str>> {
        match self.value(idx) {
            Ok(v) => v,
            Err(reason) => {
                self.warn(FIELDS[idx], format!("{reason}; treated as missing"));
                None
            }
        }
    }

    fn optional_string(&mut self, idx: usize) -> Option<String> {
        self.optional(idx).map(Cow::into_owned)
    }

    fn postcode(&mut self, idx: usize) -> Option<Postcode> {
        let raw = self.optional(idx)?;
        let p = Postcode::parse(&raw);
        if !p.is_uk() && !self.ctx.profile.non_uk_postcodes {
            self.warn(
                FIELDS[idx],
                "not a UK postcode; kept as written for exact comparison only".into(),
            );
        }
        Some(p)
    }

    fn person(&mut self, base: usize, reported: NaiveDate) -> Option<Box<PersonDetails>> {
        // Field order from `base`: ref, first, last, dob, address, postcode, phone
        // (suspects have no phone column; FIELDS has six suspect fields).
        let is_victim = base == f::VICTIM;
        let reference = self.optional_string(base);
        let first_name = self.optional_string(base + 1);
        let last_name = self.optional_string(base + 2);
        let dob = match self.optional(base + 3) {
            None => None,
            Some(s) => match parse_dob(&s, &self.ctx.profile.dob_formats, reported) {
                Ok(d) => Some(d),
                Err(reason) => {
                    self.warn(FIELDS[base + 3], reason);
                    None
                }
            },
        };
        let address = self.optional_string(base + 4);
        let postcode = self.postcode(base + 5);
        let phone = if is_victim {
            self.optional_string(base + 6)
        } else {
            None
        };
        let p = PersonDetails {
            reference,
            first_name,
            last_name,
            dob,
            address,
            postcode,
            phone,
        };
        (!p.is_empty()).then(|| Box::new(p))
    }

    /// The record's coordinates, both ways round, and the field they were
    /// read from (`easting` when a grid reference was given, else `lat`).
    fn coordinates(&mut self) -> (Option<LatLon>, Option<Bng>, &'static str) {
        let lat = self.optional(f::LAT);
        let lon = self.optional(f::LON);
        let mut wgs = None;
        match (
            lat.as_deref().map(parse_number),
            lon.as_deref().map(parse_number),
        ) {
            (None, None) => {}
            (Some(Some(lat)), Some(Some(lon))) => {
                let p = LatLon { lat, lon };
                if marac_geo::in_great_britain_wgs84(p) {
                    wgs = Some(p);
                } else {
                    self.warn(
                        "lat",
                        "coordinates outside Great Britain; treated as missing".into(),
                    );
                }
            }
            (Some(None), _) | (_, Some(None)) => {
                self.warn(
                    "lat",
                    "lat/lon is not a number; coordinates treated as missing".into(),
                );
            }
            _ => self.warn(
                "lat",
                "only one of lat and lon is given; coordinates treated as missing".into(),
            ),
        }
        let e = self.optional(f::EASTING);
        let n = self.optional(f::NORTHING);
        let mut bng = None;
        match (
            e.as_deref().map(parse_number),
            n.as_deref().map(parse_number),
        ) {
            (None, None) => {}
            (Some(Some(easting)), Some(Some(northing))) => {
                let p = Bng { easting, northing };
                if marac_geo::in_great_britain_bng(p) {
                    bng = Some(p);
                } else {
                    self.warn(
                        "easting",
                        "grid reference outside Great Britain; treated as missing".into(),
                    );
                }
            }
            (Some(None), _) | (_, Some(None)) => {
                self.warn(
                    "easting",
                    "easting/northing is not a number; treated as missing".into(),
                );
            }
            _ => self.warn(
                "easting",
                "only one of easting and northing is given; treated as missing".into(),
            ),
        }
        match (wgs, bng) {
            (Some(w), None) => (Some(w), Some(marac_geo::wgs84_to_bng(w)), "lat"),
            (None, Some(b)) => (Some(marac_geo::bng_to_wgs84(b)), Some(b), "easting"),
            (w, b) => (w, b, if b.is_some() { "easting" } else { "lat" }),
        }
    }

    fn build(&mut self) -> Result<(Incident, Option<u64>), Reject> {
        let mut derive_key = None;
        let id = match self.value(f::INCIDENT_ID) {
            Ok(Some(v)) => v.into_owned(),
            Ok(None) if self.ctx.profile.derive_id.is_some() => {
                derive_key = Some(self.derive_hash()?);
                String::new()
            }
            Ok(None) => {
                return Err(self.diag(
                    "incident_id",
                    Severity::Rejected,
                    "required field is missing or empty".into(),
                ))
            }
            Err(reason) => return Err(self.diag("incident_id", Severity::Rejected, reason)),
        };
        let source_raw = self.required(f::SOURCE)?;
        let source = match self
            .cache
            .sources
            .iter()
            .find(|(raw, _)| *raw == *source_raw)
        {
            Some((_, slugged)) => slugged.clone(),
            None => {
                let slugged = slug(&source_raw, '-');
                if slugged.is_empty() {
                    return Err(self.diag(
                        "source",
                        Severity::Rejected,
                        "no letters or digits in the agency name".into(),
                    ));
                }
                let arc: Arc<str> = Arc::from(slugged.as_str());
                if self.cache.sources.len() < 64 {
                    self.cache
                        .sources
                        .push((source_raw.to_string(), arc.clone()));
                }
                arc
            }
        };
        let kind_raw = self.required(f::KIND)?;
        let kind = IncidentKind::parse(&kind_raw)
            .map_err(|e| self.diag("kind", Severity::Rejected, e.to_string()))?;
        let reported_raw = self.required(f::REPORTED_AT)?;
        let reported = parse_record_date(&reported_raw, &self.ctx.profile.date_formats)
            .map_err(|r| self.diag("reported_at", Severity::Rejected, r))?;
        if let Some(as_of) = self.ctx.as_of {
            if reported.date > as_of {
                self.warn(
                    "reported_at",
                    format!(
                        "{} is after --as-of {as_of}; kept, but not counted in any window",
                        reported.to_canonical()
                    ),
                );
            }
        }
        let occurred = match self.optional(f::OCCURRED_AT) {
            None => None,
            Some(s) => match parse_record_date(&s, &self.ctx.profile.date_formats) {
                Ok(d) if d.date > reported.date => {
                    self.warn(
                        "occurred_at",
                        "after reported_at; treated as missing".into(),
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(r) => {
                    self.warn("occurred_at", format!("{r}; treated as missing"));
                    None
                }
            },
        };
        let borough = self.optional(f::BOROUGH);
        let (wgs84, bng, coordinates_field) = self.coordinates();
        let location_text = self.optional_string(f::LOCATION_TEXT);
        let postcode = self.postcode(f::POSTCODE);
        let victim = self.person(f::VICTIM, reported.date);
        let suspect = self.person(f::SUSPECT, reported.date);
        let vulnerabilities = match self.optional(f::VULNERABILITIES) {
            None => VulnerabilitySet::EMPTY,
            Some(s) => self.set_list(&s, "vulnerabilities", VulnerabilitySet::parse_list, |t| {
                marac_model::Vulnerability::parse(t).map(|v| [v].into_iter().collect())
            }),
        };
        let hate_strands = match self.optional(f::HATE_STRANDS) {
            None => HateStrandSet::EMPTY,
            Some(s) => self.set_list(&s, "hate_strands", HateStrandSet::parse_list, |t| {
                marac_model::HateStrand::parse(t).map(|v| [v].into_iter().collect())
            }),
        };
        let category = self
            .optional(f::CATEGORY)
            .map(|c| slug(&c, '_'))
            .filter(|c| !c.is_empty());
        let harm = match self.optional(f::HARM) {
            None => None,
            Some(h) => match h.trim().parse::<u8>() {
                Ok(v @ 1..=5) => Some(v),
                _ => {
                    self.warn(
                        "harm",
                        format!("'{h}' is not a whole number from 1 to 5; treated as missing"),
                    );
                    None
                }
            },
        };
        let children_present = match self.optional(f::CHILDREN_PRESENT) {
            None => None,
            Some(s) => match parse_yes_no(&s) {
                Some(b) => Some(b),
                None => {
                    self.warn(
                        "children_present",
                        format!("'{s}' is not yes or no; treated as missing"),
                    );
                    None
                }
            },
        };
        let summary = self.optional_string(f::SUMMARY);
        let outcome = self.optional_string(f::OUTCOME);

        let mut incident = Incident {
            id,
            source,
            kind,
            reported,
            occurred,
            area: None,
            bcu: self
                .cache
                .unassigned
                .get_or_insert_with(|| Arc::from(UNASSIGNED))
                .clone(),
            wgs84,
            bng,
            location_text,
            postcode,
            victim,
            suspect,
            vulnerabilities,
            hate_strands,
            category,
            harm,
            children_present,
            summary,
            outcome,
            snapped: self.ctx.profile.snapped_coordinates,
            origin: Origin {
                file: self.file.clone(),
                line: self.line,
            },
        };
        self.place(&mut incident, borough.as_deref(), coordinates_field);
        Ok((incident, derive_key))
    }

    /// Parses a `;` list, keeping the known items and warning about the rest.
    fn set_list<S: Copy + Default + PartialEq + Union>(
        &mut self,
        s: &str,
        field: &str,
        whole: impl Fn(&str) -> Result<S, marac_model::UnknownValue>,
        one: impl Fn(&str) -> Result<S, marac_model::UnknownValue>,
    ) -> S {
        match whole(s) {
            Ok(set) => set,
            Err(_) => {
                let mut set = S::default();
                for part in s.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
                    match one(part) {
                        Ok(v) => set = set.union_with(v),
                        Err(e) => self.warn(field, format!("{e}; that item is left out")),
                    }
                }
                set
            }
        }
    }

    /// Places the incident in an area and its BCU. A borough the record
    /// names wins; when its coordinates lie more than
    /// [`BOROUGH_MISMATCH_M`] outside that borough, the record stays there
    /// and a warning says so (never quoting the coordinates). Without a
    /// known borough, the coordinates decide ([`Areas::place`]): a point in
    /// no area but near one is placed in the nearest, with a warning on
    /// `coordinates_field`; a point near another BCU's boundary sets
    /// `near_boundary`.
    fn place(&mut self, inc: &mut Incident, borough: Option<&str>, coordinates_field: &str) {
        let areas = self.ctx.areas;
        if let Some(name) = borough {
            let resolved = match self.cache.areas.get(name) {
                Some(r) => *r,
                None => {
                    let r = areas.resolve_area(name);
                    if self.cache.areas.len() < 4096 {
                        self.cache.areas.insert(name.to_string(), r);
                    }
                    r
                }
            };
            if let Some(id) = resolved {
                let (name, bcu) = self.cache.names(areas, id);
                if inc
                    .bng
                    .is_some_and(|p| areas.distance_to_area(p, id) > BOROUGH_MISMATCH_M)
                {
                    self.warn(
                        "borough",
                        format!(
                            "the coordinates lie more than {BOROUGH_MISMATCH_M} m outside {name}; \
                             placed in {name}, as the record names it"
                        ),
                    );
                }
                inc.area = Some(name);
                inc.bcu = bcu;
                return;
            }
            self.warn(
                "borough",
                format!("unknown area '{name}'; placed by coordinates instead"),
            );
        }
        let Some(placed) = inc.bng.and_then(|p| areas.place(p)) else {
            return;
        };
        let (name, bcu) = self.cache.names(areas, placed.area);
        if placed.nearest {
            self.warn(
                coordinates_field,
                format!(
                    "the coordinates lie in no area (on a river, or just past the edge); \
                     placed in the nearest, {name}, within {} m",
                    marac_geo::NEAREST_AREA_M
                ),
            );
        }
        inc.area = Some(name);
        inc.bcu = bcu;
        self.near_boundary = placed.near_boundary;
    }

    /// The true person key of the row, when the profile names a `[truth]`
    /// column; a value that gives none warns (never quoting it).
    fn truth_key(&mut self) -> Option<String> {
        let t = self.ctx.profile.truth.as_ref()?;
        if matches!(self.plan.truth, Source::Absent) {
            // The whole column is missing: one warning for the file, at its header.
            return None;
        }
        let why = match self.row.get(&self.plan.truth) {
            Ok(Some(v)) if !trim(&v).is_empty() => match t.key(trim(&v)) {
                Some(k) => return Some(k),
                None => "does not match the profile's [truth] pattern".to_string(),
            },
            Ok(_) => "is empty".to_string(),
            Err(reason) => reason,
        };
        self.warn(
            "truth",
            format!(
                "column '{}' {why}; the record's true person is unknown (a person of its own in link eval)",
                t.column
            ),
        );
        None
    }

    fn derive_hash(&self) -> Result<u64, Reject> {
        let mut h = Fnv64::new();
        for src in &self.plan.derive_from {
            let v = self.row.get(src).map_err(|r| {
                self.diag(
                    "incident_id",
                    Severity::Rejected,
                    format!("cannot derive an id: {r}"),
                )
            })?;
            h.write(v.as_deref().unwrap_or("").trim().as_bytes());
            h.write(&[0x1f]);
        }
        Ok(h.finish())
    }
}

/// `str::trim`, with a fast answer for text that starts and ends with an
/// ASCII character that is not whitespace (most values).
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l))
            if f.is_ascii()
                && l.is_ascii()
                && !char::from(f).is_whitespace()
                && !char::from(l).is_whitespace() =>
        {
            s
        }
        _ => s.trim(),
    }
}

/// Sets that can be unioned (vulnerabilities, hate strands).
pub(crate) trait Union {
    fn union_with(self, other: Self) -> Self;
}
impl Union for VulnerabilitySet {
    fn union_with(self, other: Self) -> Self {
        self.union(other)
    }
}
impl Union for HateStrandSet {
    fn union_with(self, other: Self) -> Self {
        self.union(other)
    }
}

/// FNV-1a, 64 bit: a fixed, documented hash for derived ids that must stay
/// the same across releases and platforms.
pub(crate) struct Fnv64(u64);
impl Fnv64 {
    pub fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Validates one row.
pub(crate) fn process_row(
    row: &RawRow<'_>,
    plan: &Plan,
    ctx: &Ctx<'_>,
    file: &Arc<str>,
    line: u64,
    cache: &mut RowCache,
) -> RowOutcome {
    let mut b = Builder {
        cache,
        row,
        plan,
        ctx,
        file,
        line,
        warnings: Vec::new(),
        near_boundary: false,
    };
    match b.build() {
        Ok((incident, derive_key)) => RowOutcome {
            truth: b.truth_key(),
            id_hash: if derive_key.is_none() {
                id_hash(&incident.id)
            } else {
                0
            },
            line,
            incident: Some(incident),
            reject: None,
            warnings: b.warnings,
            derive_key,
            near_boundary: b.near_boundary,
        },
        Err(reject) => RowOutcome {
            line,
            incident: None,
            reject: Some(reject),
            warnings: b.warnings,
            derive_key: None,
            id_hash: 0,
            truth: None,
            near_boundary: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_indices_match_the_canonical_order() {
        assert_eq!(FIELDS[f::INCIDENT_ID], "incident_id");
        assert_eq!(FIELDS[f::BOROUGH], "borough");
        assert_eq!(FIELDS[f::POSTCODE], "postcode");
        assert_eq!(FIELDS[f::VICTIM], "victim_ref");
        assert_eq!(FIELDS[f::VICTIM + 6], "victim_phone");
        assert_eq!(FIELDS[f::SUSPECT], "suspect_ref");
        assert_eq!(FIELDS[f::SUSPECT + 5], "suspect_postcode");
        assert_eq!(FIELDS[f::VULNERABILITIES], "vulnerabilities");
        assert_eq!(FIELDS[f::OUTCOME], "outcome");
        assert_eq!(FIELDS.len(), 32);
    }

    #[test]
    fn fast_trim_is_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a",
            "a\u{b}",
            "\u{85}a",
            "a\u{a0}",
            "é",
            " é ",
            "\u{1c}a\u{1f}",
            "\ta\r\n",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn fnv_reference_values() {
        // Published FNV-1a 64 test vectors.
        let mut h = Fnv64::new();
        assert_eq!(h.finish(), 0xcbf2_9ce4_8422_2325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
