//! Areas (boroughs), the BCUs that group them, and placing a point in an area.
//!
//! An [`Areas`] value is either the embedded London default
//! ([`Areas::london`]: the 33 London local authorities at full resolution,
//! grouped into the Met's 12 BCUs and the City of London) or a set of
//! boundaries loaded from GeoJSON ([`Areas::from_geojson_path`], the command
//! line's `--areas FILE.geojson`).
//!
//! # Placing a point
//!
//! [`Areas::locate`] finds the area whose polygon holds a point, through a
//! spatial index that reads only the edges near the point, whatever the
//! number of vertices (see `index.rs`). [`Areas::place`] is what a record's
//! coordinates decide: the area holding the point or, for a point in no
//! area (the tidal Thames, which the London boundaries leave out, or just
//! outside the edge), the nearest area within [`NEAREST_AREA_M`]; and
//! whether the point lies within [`NEAR_BOUNDARY_M`] of the boundary of an
//! area of another BCU ([`Placement::near_boundary`]).
//! [`Areas::distance_to_area`] measures how far a point is from a named area
//! (for records whose borough and coordinates disagree).
//!
//! # The GeoJSON area file
//!
//! A `FeatureCollection` whose features are `Polygon` or `MultiPolygon`
//! geometries with these properties:
//!
//! | property   | required | meaning                                   |
//! |------------|----------|-------------------------------------------|
//! | `area`     | yes      | area name, e.g. `Camden`                  |
//! | `bcu`      | yes      | the BCU the area belongs to               |
//! | `bcu_code` | no       | short BCU code, e.g. `CN`                 |
//!
//! A string member `attribution` beside `features` is the notice the
//! boundaries' licence asks for: maps and packs drawn from them carry it
//! ([`Areas::attribution`]).
//!
//! Names are trimmed; `unassigned` is reserved for points outside every area
//! ([`marac_model::UNASSIGNED`]) and rejected as an area or BCU name.
//!
//! Positions are `[longitude, latitude]` in WGS84, as RFC 7946 requires, and
//! must lie roughly in Great Britain; they are converted to British National
//! Grid on load. As an exception, a file carrying the legacy member
//! `"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}`
//! (as ogr2ogr and QGIS write for National Grid exports) is read as National
//! Grid metres directly. Any region of Great Britain works, not only London.
//!
//! Several features may carry the same `area` name (compared after
//! normalisation, see [`Areas::resolve_area`]); their polygons are merged into
//! one area. Areas are numbered in order of first appearance, and BCUs are
//! listed in order of first appearance.
//!
//! Errors name the file (when loading from a path), the feature by its
//! **0-based** index in the `features` array (as `jq '.features[3]'` or a
//! QGIS feature id would), and the reason, for example
//! `areas.geojson: feature 3: property 'bcu' is missing`.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use geo::{Coord, LineString, MultiPolygon, Polygon};
use marac_model::{Bng, LatLon};

use crate::bng::{in_great_britain_bng, wgs84_to_bng};
use crate::index::Index;

/// Index of an area in [`Areas::areas`]; stable for a given [`Areas`] value.
pub type AreaId = u32;

/// One area (a London borough, or an area from an `--areas` file).
#[derive(Debug, Clone)]
pub struct Area {
    /// Canonical area name, e.g. `Kensington and Chelsea`.
    pub name: Arc<str>,
    /// Name of the BCU the area belongs to (equal to one [`Bcu::name`]).
    pub bcu: Arc<str>,
    /// Boundary in British National Grid metres.
    pub polygon: MultiPolygon<f64>,
}

/// A Basic Command Unit: a named group of areas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bcu {
    /// BCU name, e.g. `Central North`.
    pub name: Arc<str>,
    /// Short code, e.g. `CN`, when known.
    pub code: Option<Arc<str>>,
    /// Names of the BCU's areas, in area order.
    pub areas: Vec<Arc<str>>,
}

/// How close to an area of another BCU, in metres, a placed point counts as
/// [`Placement::near_boundary`]: the accuracy of the boundary data at a
/// point. The embedded boundaries are full-resolution Ordnance Survey lines,
/// but many borough boundaries run down the middle of a street, where
/// data.police.uk snap points and geocoded addresses sit, and a National
/// Grid point converted from WGS84 with the Helmert method (see [`crate::bng`])
/// can be a few metres from the OS answer. 20 m covers a street's half-width
/// plus those few metres, so an incident this close to another BCU may
/// belong to it.
pub const NEAR_BOUNDARY_M: f64 = 20.0;

/// How far from every area, in metres, a point may be and still be placed
/// in the nearest ([`Areas::place`]). The London boundaries stop at mean
/// high water, so the tidal Thames (about 250 m wide in the centre, its
/// bridges and piers included) lies in no borough; an incident recorded
/// there belongs to the nearest bank's borough. Past 250 m a point is too
/// far from any area to guess.
pub const NEAREST_AREA_M: f64 = 250.0;

/// Where a record's coordinates put it ([`Areas::place`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The area holding the point, or the nearest area when `nearest`.
    pub area: AreaId,
    /// The point lies in no area; `area` is the nearest, within
    /// [`NEAREST_AREA_M`].
    pub nearest: bool,
    /// The boundary of an area of another BCU lies within
    /// [`NEAR_BOUNDARY_M`] of the point, so that it may belong there.
    pub near_boundary: bool,
}

/// Everything behind the [`Areas`] handle, shared by its clones.
struct Inner {
    areas: Vec<Area>,
    bcus: Vec<Bcu>,
    /// Normalised area names (and, for London, spelling variants) -> area.
    area_names: HashMap<String, AreaId>,
    /// Normalised BCU names and codes -> index in `bcus`.
    bcu_names: HashMap<String, usize>,
    /// Points to areas.
    index: Index,
    attribution: Option<Arc<str>>,
}

/// A set of areas and BCUs with a spatial index for placing points.
///
/// Cheap to clone: the data sit behind an [`Arc`].
#[derive(Clone)]
pub struct Areas {
    inner: Arc<Inner>,
}

impl fmt::Debug for Areas {
    // The polygons would swamp any log line; the counts identify the set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Areas")
            .field("areas", &self.inner.areas.len())
            .field("bcus", &self.inner.bcus.len())
            .field("attribution", &self.inner.attribution)
            .finish()
    }
}

/// Why an area file could not be loaded.
///
/// Every message names the file (for [`Areas::from_geojson_path`]) and, for
/// problems with one feature, its 0-based index in the `features` array.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AreaError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
    /// The text is not valid JSON.
    #[error("{}invalid JSON: {message}", file_prefix(.file))]
    Json {
        /// The file, when loading from a path.
        file: Option<PathBuf>,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The JSON is not a GeoJSON `FeatureCollection`.
    #[error("{}expected a GeoJSON FeatureCollection, found {found}", file_prefix(.file))]
    NotFeatureCollection {
        /// The file, when loading from a path.
        file: Option<PathBuf>,
        /// What was found instead.
        found: String,
    },
    /// The collection has no features.
    #[error("{}the FeatureCollection has no features", file_prefix(.file))]
    Empty {
        /// The file, when loading from a path.
        file: Option<PathBuf>,
    },
    /// One feature is unusable.
    #[error("{}feature {index}: {problem}", file_prefix(.file))]
    Feature {
        /// The file, when loading from a path.
        file: Option<PathBuf>,
        /// 0-based index of the feature in the `features` array.
        index: usize,
        /// What is wrong with it.
        problem: FeatureProblem,
    },
}

/// `"path: "` or nothing, to prefix an error message.
fn file_prefix(file: &Option<PathBuf>) -> String {
    match file {
        Some(path) => format!("{}: ", path.display()),
        None => String::new(),
    }
}

/// What is wrong with one feature of an area file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FeatureProblem {
    /// The value is not a valid GeoJSON Feature.
    #[error("not a valid GeoJSON Feature: {0}")]
    NotAFeature(String),
    /// The feature has no geometry (missing or `null`).
    #[error("the feature has no geometry")]
    NoGeometry,
    /// The geometry is neither a Polygon nor a MultiPolygon.
    #[error("geometry is a {0}; expected a Polygon or MultiPolygon")]
    NotPolygon(&'static str),
    /// A required property is absent or `null`.
    #[error("property '{0}' is missing")]
    MissingProperty(&'static str),
    /// A required property is an empty or blank string.
    #[error("property '{0}' is empty")]
    EmptyProperty(&'static str),
    /// A property is not a string.
    #[error("property '{0}' is not a string")]
    NotAString(&'static str),
    /// The geometry has no polygons (an empty MultiPolygon).
    #[error("the geometry is empty")]
    EmptyGeometry,
    /// An area or BCU name is the reserved word for "outside every area".
    #[error("property '{0}' may not be '{unassigned}', which marac reserves for points outside every area", unassigned = marac_model::UNASSIGNED)]
    ReservedName(&'static str),
    /// A polygon ring has fewer than three distinct positions.
    #[error("a polygon ring has fewer than 3 distinct positions")]
    DegenerateRing,
    /// A position is not a WGS84 longitude/latitude in Great Britain.
    #[error(
        "position [{x}, {y}] is not a [longitude, latitude] in Great Britain \
         (GeoJSON positions are WGS84 longitude first; for British National Grid \
         declare \"crs\" EPSG:27700)"
    )]
    OutsideGreatBritain {
        /// First ordinate as written.
        x: f64,
        /// Second ordinate as written.
        y: f64,
    },
    /// A National Grid position (file declared EPSG:27700) is off the grid.
    #[error("position [{x}, {y}] is outside the British National Grid")]
    OutsideGrid {
        /// Easting as written.
        x: f64,
        /// Northing as written.
        y: f64,
    },
    /// The area already appeared in a different BCU.
    #[error("area '{area}' is in BCU '{bcu}' here but in BCU '{earlier}' in an earlier feature")]
    ConflictingBcu {
        /// The area name.
        area: String,
        /// The BCU named by this feature.
        bcu: String,
        /// The BCU named earlier.
        earlier: String,
    },
    /// The BCU already appeared with a different code.
    #[error("BCU '{bcu}' has code '{code}' here but '{earlier}' in an earlier feature")]
    ConflictingBcuCode {
        /// The BCU name.
        bcu: String,
        /// The code given by this feature.
        code: String,
        /// The code given earlier.
        earlier: String,
    },
}

/// A finite National Grid point as a geo coordinate.
fn coord(p: Bng) -> Option<Coord<f64>> {
    (p.easting.is_finite() && p.northing.is_finite()).then_some(Coord {
        x: p.easting,
        y: p.northing,
    })
}

/// Lower case, `&` as `and`, apostrophes dropped, other punctuation as a
/// space, runs of spaces collapsed, trimmed.
pub(crate) fn normalise_basic(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut gap = false;
    for c in raw.chars() {
        match c {
            // "King's" and "Kings" should meet, so apostrophes vanish.
            '\'' | '\u{2019}' => {}
            '&' => {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str("and");
                gap = true;
            }
            c if c.is_alphanumeric() => {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.extend(c.to_lowercase());
            }
            _ => gap = true,
        }
    }
    out
}

/// [`normalise_basic`] plus removal of council-style decorations:
/// "London Borough of", "Royal Borough of", "The", "LB", and trailing
/// "Council" and "Borough".
pub(crate) fn normalise_area(raw: &str) -> String {
    const PREFIXES: &[&str] = &["london borough of ", "royal borough of ", "the ", "lb "];
    const SUFFIXES: &[&str] = &[" council", " borough"];
    let mut s = normalise_basic(raw);
    // Decorations can stack ("The London Borough of Camden Borough Council").
    loop {
        let before = s.len();
        for p in PREFIXES {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest.to_string();
            }
        }
        for x in SUFFIXES {
            if let Some(rest) = s.strip_suffix(x) {
                s = rest.to_string();
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Normalised BCU name or code, with an optional trailing "BCU" or "Area"
/// removed (tried after the exact form, see [`Areas::resolve_bcu`]).
fn bcu_key_variants(raw: &str) -> [Option<String>; 2] {
    let exact = normalise_basic(raw);
    let stripped = exact
        .strip_suffix(" bcu")
        .or_else(|| exact.strip_suffix(" area"))
        .map(str::to_string);
    [Some(exact), stripped]
}

impl Areas {
    /// Builds the lookup tables and the spatial index. `aliases` are extra
    /// (spelling, canonical area name) pairs; `attribution` is the notice the
    /// boundaries' licence requires, if any.
    pub(crate) fn build(
        areas: Vec<Area>,
        bcus: Vec<Bcu>,
        aliases: &[(&str, &str)],
        attribution: Option<Arc<str>>,
    ) -> Areas {
        let mut area_names: HashMap<String, AreaId> = HashMap::new();
        for (id, area) in (0..).zip(&areas) {
            // The first area wins a clash, matching "first in input order".
            area_names.entry(normalise_basic(&area.name)).or_insert(id);
            area_names.entry(normalise_area(&area.name)).or_insert(id);
        }
        for (alias, canonical) in aliases {
            let target = area_names.get(&normalise_basic(canonical)).copied();
            if let Some(id) = target {
                area_names.entry(normalise_area(alias)).or_insert(id);
            }
        }
        let mut bcu_names = HashMap::new();
        for (i, bcu) in bcus.iter().enumerate() {
            bcu_names.entry(normalise_basic(&bcu.name)).or_insert(i);
        }
        // Codes second, so that a name always beats another BCU's code.
        for (i, bcu) in bcus.iter().enumerate() {
            if let Some(code) = &bcu.code {
                bcu_names.entry(normalise_basic(code)).or_insert(i);
            }
        }
        let area_bcu = areas
            .iter()
            .map(|a| {
                bcus.iter()
                    .position(|b| b.name == a.bcu)
                    .unwrap_or(usize::MAX)
            })
            .collect();
        let index = Index::new(&areas, area_bcu);
        Areas {
            inner: Arc::new(Inner {
                areas,
                bcus,
                area_names,
                bcu_names,
                index,
                attribution,
            }),
        }
    }

    /// The embedded London default: the 32 boroughs in the Metropolitan
    /// Police's 12 BCUs, plus the City of London as its own area and BCU.
    ///
    /// The boundaries are the real ones, at full resolution: the London
    /// Datastore's statistical boundary files (boroughs clipped to mean high
    /// water, 48,543 vertices), under the Open Government Licence v3.0; see
    /// [`LONDON_ATTRIBUTION`](crate::LONDON_ATTRIBUTION), which anyone
    /// showing them must carry. The tidal Thames belongs to no borough: a
    /// point on the river is in no area. `--areas FILE.geojson`
    /// ([`Areas::from_geojson_path`]) replaces them for any region. Built
    /// once per process (a few milliseconds); clones share it.
    ///
    /// Area order: the boroughs in BCU table order (Central West first,
    /// West last), then the City of London. BCU order is the same: the 12 Met
    /// BCUs, then `City of London`.
    pub fn london() -> Areas {
        static LONDON: OnceLock<Areas> = OnceLock::new();
        LONDON.get_or_init(crate::london::build).clone()
    }

    /// Builds the embedded London default afresh, shared with nothing: what
    /// the first [`Areas::london`] of a process costs. For the benchmark
    /// (`benches/geo.rs`); everything else uses [`Areas::london`].
    #[doc(hidden)]
    pub fn london_uncached() -> Areas {
        crate::london::build()
    }

    /// Loads areas from GeoJSON text; see the [module docs](self) for the
    /// format. Error messages carry no file name.
    pub fn from_geojson_str(text: &str) -> Result<Areas, AreaError> {
        parse_geojson(text, None)
    }

    /// Loads areas from a GeoJSON file; see the [module docs](self) for the
    /// format. Error messages start with the path as given.
    pub fn from_geojson_path(path: &Path) -> Result<Areas, AreaError> {
        let text = std::fs::read_to_string(path).map_err(|error| AreaError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        parse_geojson(&text, Some(path))
    }

    /// All areas, indexed by [`AreaId`].
    pub fn areas(&self) -> &[Area] {
        &self.inner.areas
    }

    /// One area.
    ///
    /// # Panics
    ///
    /// If `id` did not come from this `Areas` (or one built from the same
    /// data), i.e. is not below `self.areas().len()`.
    pub fn area(&self, id: AreaId) -> &Area {
        &self.inner.areas[id as usize]
    }

    /// All BCUs, in a stable order: for London the Met BCU table order
    /// (Central West, Central North, Central East, Central South, North,
    /// North West, North East, East, South East, South, South West, West)
    /// then City of London; for a GeoJSON file, order of first appearance.
    pub fn bcus(&self) -> &[Bcu] {
        &self.inner.bcus
    }

    /// Finds an area by name, case-insensitively, ignoring punctuation and
    /// repeated spaces, with `&` read as `and`, and without decorations such
    /// as "London Borough of", "Royal Borough of" and a trailing "Council"
    /// or "Borough".
    ///
    /// The London default also knows common variants: `RBKC`, `K&C`,
    /// `LBHF`, `H&F`, `Barking`, `Richmond`, `Kingston`, `City`, `City of
    /// Westminster`, `Westminster City Council`, the misspelling `Haringay`
    /// and more. Areas from a GeoJSON file match by their normalised `area`
    /// name only.
    ///
    /// ```
    /// let london = marac_geo::Areas::london();
    /// let id = london.resolve_area("Royal Borough of Kensington & Chelsea").unwrap();
    /// assert_eq!(&*london.area(id).name, "Kensington and Chelsea");
    /// assert_eq!(london.resolve_area("Narnia"), None);
    /// ```
    pub fn resolve_area(&self, raw: &str) -> Option<AreaId> {
        let names = &self.inner.area_names;
        names
            .get(&normalise_basic(raw))
            .or_else(|| names.get(&normalise_area(raw)))
            .copied()
    }

    /// The area containing a National Grid point, if any.
    ///
    /// A point inside an area's interior (geo's `Contains` semantics) wins;
    /// a point exactly on a boundary goes to the first area, in area order,
    /// whose boundary it is on; where areas overlap, the first in area order
    /// wins. Non-finite input gives `None`. A point on the tidal Thames is in
    /// no London borough: [`Areas::place`] places it in the nearest.
    ///
    /// ```
    /// use marac_geo::{wgs84_to_bng, Areas};
    /// use marac_model::LatLon;
    /// let london = Areas::london();
    /// let bank = wgs84_to_bng(LatLon { lat: 51.5133, lon: -0.0890 });
    /// let id = london.locate(bank).unwrap();
    /// assert_eq!(&*london.area(id).name, "City of London");
    /// ```
    pub fn locate(&self, p: Bng) -> Option<AreaId> {
        self.inner.index.locate(coord(p)?)
    }

    /// Where a record's coordinates put it: the area holding the point
    /// ([`Areas::locate`]) or, when none does, the nearest area within
    /// [`NEAREST_AREA_M`] (`nearest` is then set; ties go to the first area);
    /// and whether the boundary of an area of another BCU lies within
    /// [`NEAR_BOUNDARY_M`] (`near_boundary`). `None` for a point farther than
    /// that from every area, and for non-finite input.
    ///
    /// ```
    /// use marac_geo::{wgs84_to_bng, Areas};
    /// use marac_model::LatLon;
    /// let london = Areas::london();
    /// let at = |lat, lon| london.place(wgs84_to_bng(LatLon { lat, lon })).unwrap();
    /// let name = |p: marac_geo::Placement| &*london.area(p.area).name;
    /// // Camden Town, well inside Camden.
    /// let p = at(51.539, -0.1426);
    /// assert_eq!((name(p), p.nearest, p.near_boundary), ("Camden", false, false));
    /// // Cleveland Street, Fitzrovia: the street is the Camden–Westminster
    /// // boundary, and so that of Central North and Central West.
    /// let p = at(51.5196, -0.1377);
    /// assert_eq!((name(p), p.nearest, p.near_boundary), ("Camden", false, true));
    /// // Westminster Bridge, over the Thames (in no borough): the nearest
    /// // bank's borough.
    /// let bridge = LatLon { lat: 51.50085, lon: -0.1205 };
    /// assert_eq!(london.locate(wgs84_to_bng(bridge)), None);
    /// let p = at(bridge.lat, bridge.lon);
    /// assert_eq!((name(p), p.nearest), ("Lambeth", true));
    /// ```
    pub fn place(&self, p: Bng) -> Option<Placement> {
        let c = coord(p)?;
        let index = &self.inner.index;
        let (area, nearest) = match index.locate(c) {
            Some(area) => (area, false),
            None => (index.nearest_area(c, NEAREST_AREA_M)?.0, true),
        };
        Some(Placement {
            area,
            nearest,
            near_boundary: index.near_other_bcu(c, area),
        })
    }

    /// Distance in metres from `p` to area `id`: 0 inside it or on its
    /// boundary, else to the nearest point of its boundary. Infinite for
    /// non-finite input or an unknown id.
    ///
    /// ```
    /// use marac_geo::{wgs84_to_bng, Areas};
    /// use marac_model::LatLon;
    /// let london = Areas::london();
    /// let camden = london.resolve_area("Camden").unwrap();
    /// let hackney = london.resolve_area("Hackney").unwrap();
    /// let camden_town = wgs84_to_bng(LatLon { lat: 51.539, lon: -0.1426 });
    /// assert_eq!(london.distance_to_area(camden_town, camden), 0.0);
    /// assert!(london.distance_to_area(camden_town, hackney) > 2_000.0);
    /// ```
    pub fn distance_to_area(&self, p: Bng, id: AreaId) -> f64 {
        coord(p).map_or(f64::INFINITY, |c| self.inner.index.distance_to_area(c, id))
    }

    /// Finds a BCU by name or code, case-insensitively and ignoring
    /// punctuation, with an optional trailing "BCU" or "Area": `central
    /// north`, `CN`, `Central North BCU`, `East Area` and `ea` all work for
    /// London.
    ///
    /// ```
    /// let london = marac_geo::Areas::london();
    /// assert_eq!(&*london.resolve_bcu("Central North BCU").unwrap().name, "Central North");
    /// assert_eq!(london.resolve_bcu("col").unwrap().code.as_deref(), Some("CoL"));
    /// ```
    pub fn resolve_bcu(&self, raw: &str) -> Option<&Bcu> {
        bcu_key_variants(raw)
            .into_iter()
            .flatten()
            .find_map(|key| self.inner.bcu_names.get(&key))
            .and_then(|&i| self.inner.bcus.get(i))
    }

    /// The notice the boundaries' licence requires wherever they are shown
    /// (a map, a document): [`LONDON_ATTRIBUTION`](crate::LONDON_ATTRIBUTION)
    /// for the embedded London default; for areas loaded from GeoJSON, the
    /// file's own `attribution` member (a string beside `features`), else
    /// `None` (the file's owner knows their terms).
    pub fn attribution(&self) -> Option<&str> {
        self.inner.attribution.as_deref()
    }

    /// The spatial index, for its tests.
    #[cfg(test)]
    pub(crate) fn inner_index(&self) -> &Index {
        &self.inner.index
    }
}

/// An area being assembled from one or more features.
struct AreaBuilder {
    name: Arc<str>,
    bcu: usize,
    polygons: Vec<Polygon<f64>>,
}

/// A BCU being assembled.
struct BcuBuilder {
    name: Arc<str>,
    code: Option<Arc<str>>,
    areas: Vec<usize>,
}

/// How the file's positions are to be read.
#[derive(Clone, Copy)]
enum Crs {
    /// RFC 7946 `[longitude, latitude]`.
    Wgs84,
    /// Legacy `crs` member naming EPSG:27700: `[easting, northing]`.
    BritishNationalGrid,
}

fn parse_geojson(text: &str, file: Option<&Path>) -> Result<Areas, AreaError> {
    let file = || file.map(Path::to_path_buf);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| AreaError::Json {
        file: file(),
        message: e.to_string(),
    })?;
    let serde_json::Value::Object(mut top) = value else {
        return Err(AreaError::NotFeatureCollection {
            file: file(),
            found: json_kind(&value).to_string(),
        });
    };
    match top.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(AreaError::NotFeatureCollection {
                file: file(),
                found: format!("type '{other}'"),
            })
        }
        None => {
            return Err(AreaError::NotFeatureCollection {
                file: file(),
                found: "an object without a 'type'".to_string(),
            })
        }
    }
    let attribution: Option<Arc<str>> = top
        .get("attribution")
        .and_then(|a| a.as_str())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(Arc::from);
    let crs = match top.get("crs") {
        Some(crs) if crs.to_string().contains("27700") => Crs::BritishNationalGrid,
        _ => Crs::Wgs84,
    };
    let features = match top.remove("features") {
        Some(serde_json::Value::Array(features)) => features,
        Some(other) => {
            return Err(AreaError::NotFeatureCollection {
                file: file(),
                found: format!(
                    "a FeatureCollection whose 'features' is {}",
                    json_kind(&other)
                ),
            })
        }
        None => {
            return Err(AreaError::NotFeatureCollection {
                file: file(),
                found: "a FeatureCollection without 'features'".to_string(),
            })
        }
    };
    if features.is_empty() {
        return Err(AreaError::Empty { file: file() });
    }

    let mut areas: Vec<AreaBuilder> = Vec::new();
    let mut area_index: HashMap<String, usize> = HashMap::new();
    let mut bcus: Vec<BcuBuilder> = Vec::new();
    let mut bcu_index: HashMap<String, usize> = HashMap::new();

    for (index, value) in features.into_iter().enumerate() {
        let fail = |problem| AreaError::Feature {
            file: file(),
            index,
            problem,
        };
        let feature: geojson::Feature = serde_json::from_value(value)
            .map_err(|e| fail(FeatureProblem::NotAFeature(e.to_string())))?;
        let props = feature.properties.as_ref();
        let area_name = required_string(props, "area").map_err(fail)?;
        let bcu_name = required_string(props, "bcu").map_err(fail)?;
        let bcu_code = optional_string(props, "bcu_code").map_err(fail)?;
        let geometry = feature
            .geometry
            .as_ref()
            .ok_or_else(|| fail(FeatureProblem::NoGeometry))?;
        let polygons = convert_geometry(&geometry.value, crs).map_err(fail)?;
        if polygons.is_empty() {
            return Err(fail(FeatureProblem::EmptyGeometry));
        }
        for (key, name) in [("area", &area_name), ("bcu", &bcu_name)] {
            if normalise_basic(name) == marac_model::UNASSIGNED {
                return Err(fail(FeatureProblem::ReservedName(key)));
            }
        }

        let bcu_key = normalise_basic(&bcu_name);
        let bcu = match bcu_index.get(&bcu_key) {
            Some(&i) => i,
            None => {
                bcus.push(BcuBuilder {
                    name: Arc::from(bcu_name.as_str()),
                    code: None,
                    areas: Vec::new(),
                });
                bcu_index.insert(bcu_key, bcus.len() - 1);
                bcus.len() - 1
            }
        };
        if let (Some(code), Some(b)) = (bcu_code, bcus.get_mut(bcu)) {
            match &b.code {
                Some(earlier) if normalise_basic(earlier) != normalise_basic(&code) => {
                    return Err(fail(FeatureProblem::ConflictingBcuCode {
                        bcu: b.name.to_string(),
                        code,
                        earlier: earlier.to_string(),
                    }))
                }
                Some(_) => {}
                None => b.code = Some(Arc::from(code.as_str())),
            }
        }

        let area_key = normalise_basic(&area_name);
        match area_index.get(&area_key) {
            Some(&i) => {
                let Some(area) = areas.get_mut(i) else {
                    continue;
                };
                if area.bcu != bcu {
                    let earlier = bcus.get(area.bcu).map(|b| b.name.to_string());
                    return Err(fail(FeatureProblem::ConflictingBcu {
                        area: area.name.to_string(),
                        bcu: bcu_name,
                        earlier: earlier.unwrap_or_default(),
                    }));
                }
                area.polygons.extend(polygons);
            }
            None => {
                areas.push(AreaBuilder {
                    name: Arc::from(area_name.as_str()),
                    bcu,
                    polygons,
                });
                area_index.insert(area_key, areas.len() - 1);
                if let Some(b) = bcus.get_mut(bcu) {
                    b.areas.push(areas.len() - 1);
                }
            }
        }
    }

    let bcus: Vec<Bcu> = bcus
        .into_iter()
        .map(|b| Bcu {
            areas: b
                .areas
                .iter()
                .filter_map(|&i| areas.get(i).map(|a| a.name.clone()))
                .collect(),
            name: b.name,
            code: b.code,
        })
        .collect();
    let areas = areas
        .into_iter()
        .map(|a| Area {
            name: a.name,
            bcu: bcus
                .get(a.bcu)
                .map(|b| b.name.clone())
                .unwrap_or_else(|| Arc::from(marac_model::UNASSIGNED)),
            polygon: MultiPolygon(a.polygons),
        })
        .collect();
    Ok(Areas::build(areas, bcus, &[], attribution))
}

/// A short description of a JSON value's kind, for messages.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Reads a string property, trimmed; absent, `null` or blank is `None`.
fn optional_string(
    props: Option<&geojson::JsonObject>,
    key: &'static str,
) -> Result<Option<String>, FeatureProblem> {
    match props.and_then(|p| p.get(key)) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(_) => Err(FeatureProblem::NotAString(key)),
    }
}

/// Reads a required, non-blank string property, trimmed.
fn required_string(
    props: Option<&geojson::JsonObject>,
    key: &'static str,
) -> Result<String, FeatureProblem> {
    match props.and_then(|p| p.get(key)) {
        None | Some(serde_json::Value::Null) => Err(FeatureProblem::MissingProperty(key)),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => {
            Err(FeatureProblem::EmptyProperty(key))
        }
        _ => optional_string(props, key)?.ok_or(FeatureProblem::MissingProperty(key)),
    }
}

/// Converts a Polygon or MultiPolygon to National Grid polygons.
fn convert_geometry(
    value: &geojson::GeometryValue,
    crs: Crs,
) -> Result<Vec<Polygon<f64>>, FeatureProblem> {
    match value {
        geojson::GeometryValue::Polygon { coordinates } => {
            Ok(vec![convert_polygon(coordinates, crs)?])
        }
        geojson::GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .map(|p| convert_polygon(p, crs))
            .collect(),
        other => Err(FeatureProblem::NotPolygon(other.type_name())),
    }
}

fn convert_polygon(rings: &geojson::PolygonType, crs: Crs) -> Result<Polygon<f64>, FeatureProblem> {
    let mut converted = rings.iter().map(|ring| convert_ring(ring, crs));
    let exterior = converted.next().ok_or(FeatureProblem::DegenerateRing)??;
    let interiors = converted.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn convert_ring(ring: &[geojson::Position], crs: Crs) -> Result<LineString<f64>, FeatureProblem> {
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ring.len());
    for position in ring {
        // geojson guarantees at least two ordinates; extra ones (height) are ignored.
        let (x, y) = match position.as_slice() {
            [x, y, ..] => (*x, *y),
            _ => (f64::NAN, f64::NAN),
        };
        coords.push(convert_position(x, y, crs)?);
    }
    // A closing repeat of the first position does not count as distinct.
    let mut distinct = coords.clone();
    distinct.dedup();
    if distinct.len() > 1 && distinct.first() == distinct.last() {
        distinct.pop();
    }
    if distinct.len() < 3 {
        return Err(FeatureProblem::DegenerateRing);
    }
    // geo closes the ring if the file left it open.
    Ok(LineString::new(coords))
}

fn convert_position(x: f64, y: f64, crs: Crs) -> Result<Coord<f64>, FeatureProblem> {
    match crs {
        Crs::Wgs84 => {
            // A rectangle only: a boundary may legitimately run out to sea,
            // so the Ireland cut-out of `in_great_britain_wgs84` is not applied.
            let ok = (-8.7..=1.8).contains(&x) && (49.8..=61.0).contains(&y);
            if !ok {
                return Err(FeatureProblem::OutsideGreatBritain { x, y });
            }
            let p = wgs84_to_bng(LatLon { lat: y, lon: x });
            Ok(Coord {
                x: p.easting,
                y: p.northing,
            })
        }
        Crs::BritishNationalGrid => {
            if !in_great_britain_bng(Bng {
                easting: x,
                northing: y,
            }) {
                return Err(FeatureProblem::OutsideGrid { x, y });
            }
            Ok(Coord { x, y })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two adjacent squares in central Reading (not London, on purpose),
    /// sharing the meridian -0.97 as an edge, plus a second, detached part of
    /// the West area given as a separate MultiPolygon feature.
    const TWO_AREAS: &str = r#"{
      "type": "FeatureCollection",
      "features": [
        {"type": "Feature",
         "properties": {"area": "West Side", "bcu": "Thames Valley West", "bcu_code": "TVW"},
         "geometry": {"type": "Polygon", "coordinates": [[[-0.99, 51.44], [-0.97, 51.44], [-0.97, 51.46], [-0.99, 51.46], [-0.99, 51.44]]]}},
        {"type": "Feature",
         "properties": {"area": "East Side", "bcu": "Thames Valley East"},
         "geometry": {"type": "Polygon", "coordinates": [[[-0.97, 51.44], [-0.95, 51.44], [-0.95, 51.46], [-0.97, 51.46], [-0.97, 51.44]]]}},
        {"type": "Feature",
         "properties": {"area": "west  side", "bcu": "thames valley west"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[[[-1.10, 51.40], [-1.08, 51.40], [-1.08, 51.42], [-1.10, 51.40]]]]}}
      ]
    }"#;

    fn at(areas: &Areas, lat: f64, lon: f64) -> Option<&str> {
        areas
            .locate(wgs84_to_bng(LatLon { lat, lon }))
            .map(|id| &*areas.area(id).name)
    }

    #[test]
    fn loads_and_locates_a_small_collection() {
        let areas = Areas::from_geojson_str(TWO_AREAS).expect("valid");
        assert_eq!(areas.attribution(), None);
        assert_eq!(areas.areas().len(), 2);
        let west = &areas.areas()[0];
        assert_eq!(
            (&*west.name, &*west.bcu),
            ("West Side", "Thames Valley West")
        );
        assert_eq!(
            west.polygon.0.len(),
            2,
            "the third feature merges into West Side"
        );

        let bcus: Vec<(&str, Option<&str>, usize)> = areas
            .bcus()
            .iter()
            .map(|b| (&*b.name, b.code.as_deref(), b.areas.len()))
            .collect();
        assert_eq!(
            bcus,
            [
                ("Thames Valley West", Some("TVW"), 1),
                ("Thames Valley East", None, 1)
            ]
        );

        assert_eq!(at(&areas, 51.45, -0.98), Some("West Side"));
        assert_eq!(at(&areas, 51.45, -0.96), Some("East Side"));
        assert_eq!(at(&areas, 51.405, -1.085), Some("West Side"));
        assert_eq!(at(&areas, 51.45, -0.90), None);
        assert_eq!(at(&areas, 51.5074, -0.1278), None);
        assert_eq!(
            areas.locate(Bng {
                easting: f64::NAN,
                northing: 170_000.0
            }),
            None
        );

        assert_eq!(areas.resolve_area("west side"), Some(0));
        assert_eq!(areas.resolve_area("EAST-SIDE"), Some(1));
        assert_eq!(areas.resolve_area("East Side Council"), Some(1));
        assert_eq!(areas.resolve_area("Camden"), None);
        assert_eq!(
            areas.resolve_bcu("tvw").map(|b| &*b.name),
            Some("Thames Valley West")
        );
        assert_eq!(
            areas
                .resolve_bcu("Thames Valley East BCU")
                .map(|b| &*b.name),
            Some("Thames Valley East")
        );
    }

    /// A point exactly on the shared edge goes to the first area in input
    /// order, whichever way round the file lists them.
    #[test]
    fn shared_boundary_goes_to_the_first_area() {
        let areas = Areas::from_geojson_str(TWO_AREAS).expect("valid");
        let east = &areas.area(1).polygon.0[0];
        // A vertex of the East square that is also a West vertex.
        let shared = east.exterior().0[0];
        let p = Bng {
            easting: shared.x,
            northing: shared.y,
        };
        assert_eq!(areas.locate(p), Some(0));

        let v: serde_json::Value = serde_json::from_str(TWO_AREAS).expect("json");
        let mut swapped = v.clone();
        if let Some(f) = swapped["features"].as_array_mut() {
            f.swap(0, 1);
        }
        let areas = Areas::from_geojson_str(&swapped.to_string()).expect("valid");
        assert_eq!(&*areas.area(0).name, "East Side");
        assert_eq!(areas.locate(p), Some(0));
    }

    #[test]
    fn reads_national_grid_when_the_crs_says_so() {
        let text = r#"{"type": "FeatureCollection",
          "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
          "features": [{"type": "Feature", "properties": {"area": "Box", "bcu": "B"},
            "geometry": {"type": "Polygon", "coordinates": [[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 181000], [530000, 180000]]]}}]}"#;
        let areas = Areas::from_geojson_str(text).expect("valid");
        let p = Bng {
            easting: 530_500.0,
            northing: 180_500.0,
        };
        assert_eq!(areas.locate(p), Some(0));
        assert_eq!(areas.attribution(), None, "no attribution member");
    }

    #[test]
    fn a_file_carries_its_own_attribution() {
        let text = r#"{"type": "FeatureCollection", "attribution": "  Boundaries © Example Council 2026 ",
          "features": [{"type": "Feature", "properties": {"area": "Box", "bcu": "B"},
            "geometry": {"type": "Polygon", "coordinates": [[[-0.99, 51.44], [-0.97, 51.44], [-0.97, 51.46], [-0.99, 51.44]]]}}]}"#;
        let areas = Areas::from_geojson_str(text).expect("valid");
        assert_eq!(
            areas.attribution(),
            Some("Boundaries © Example Council 2026")
        );
        let blank = text.replace("  Boundaries © Example Council 2026 ", " ");
        assert_eq!(Areas::from_geojson_str(&blank).unwrap().attribution(), None);
    }

    fn error(text: &str) -> String {
        match Areas::from_geojson_str(text) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(e) => e.to_string(),
        }
    }

    const TRIANGLE: &str = r#"{"type": "Polygon", "coordinates": [[[-0.99, 51.44], [-0.97, 51.44], [-0.97, 51.46], [-0.99, 51.44]]]}"#;

    /// A collection of two valid features followed by one built from
    /// `properties` and `geometry` (so the interesting one is feature 2).
    fn feature(properties: &str, geometry: &str) -> String {
        let ok = format!(
            r#"{{"type": "Feature", "properties": {{"area": "A", "bcu": "B"}}, "geometry": {TRIANGLE}}}"#
        );
        format!(
            r#"{{"type": "FeatureCollection", "features": [{ok}, {ok}, {{"type": "Feature", "properties": {properties}, "geometry": {geometry}}}]}}"#
        )
    }

    #[test]
    fn errors_name_the_feature_and_the_reason() {
        let props = r#"{"area": "A", "bcu": "B"}"#;
        let cases = [
            (feature(r#"{"area": "A"}"#, TRIANGLE), "feature 2: property 'bcu' is missing"),
            (feature(r#"{"bcu": "B"}"#, TRIANGLE), "feature 2: property 'area' is missing"),
            (feature(r#"{"area": null, "bcu": "B"}"#, TRIANGLE), "feature 2: property 'area' is missing"),
            (feature(r#"{"area": " ", "bcu": "B"}"#, TRIANGLE), "feature 2: property 'area' is empty"),
            (feature(r#"{"area": "A", "bcu": ""}"#, TRIANGLE), "feature 2: property 'bcu' is empty"),
            (feature(r#"{"area": 7, "bcu": "B"}"#, TRIANGLE), "feature 2: property 'area' is not a string"),
            (feature(r#"{"area": "A", "bcu": "B", "bcu_code": 3}"#, TRIANGLE), "feature 2: property 'bcu_code' is not a string"),
            (feature("null", TRIANGLE), "feature 2: property 'area' is missing"),
            (feature(props, "null"), "feature 2: the feature has no geometry"),
            (
                feature(props, r#"{"type": "Point", "coordinates": [-0.98, 51.45]}"#),
                "feature 2: geometry is a Point; expected a Polygon or MultiPolygon",
            ),
            (
                feature(props, r#"{"type": "LineString", "coordinates": [[-0.98, 51.45], [-0.97, 51.45]]}"#),
                "feature 2: geometry is a LineString",
            ),
            (
                feature(props, r#"{"type": "GeometryCollection", "geometries": []}"#),
                "feature 2: geometry is a GeometryCollection",
            ),
            (
                feature(props, r#"{"type": "Polygon", "coordinates": [[[-0.99, 51.44], [-0.97, 51.44], [-0.99, 51.44]]]}"#),
                "feature 2: a polygon ring has fewer than 3 distinct positions",
            ),
            (
                feature(props, r#"{"type": "MultiPolygon", "coordinates": []}"#),
                "feature 2: the geometry is empty",
            ),
            (
                feature(r#"{"area": "Unassigned", "bcu": "B"}"#, TRIANGLE),
                "feature 2: property 'area' may not be 'unassigned'",
            ),
            (
                feature(r#"{"area": "A", "bcu": "unassigned"}"#, TRIANGLE),
                "feature 2: property 'bcu' may not be 'unassigned'",
            ),
            (
                feature(props, r#"{"type": "Polygon", "coordinates": []}"#),
                "feature 2: a polygon ring has fewer than 3 distinct positions",
            ),
            (
                feature(props, r#"{"type": "Polygon", "coordinates": [[[51.44, -0.99], [51.44, -0.97], [51.46, -0.97], [51.44, -0.99]]]}"#),
                "feature 2: position [51.44, -0.99] is not a [longitude, latitude] in Great Britain",
            ),
            (
                feature(props, r#"{"type": "Polygon", "coordinates": [[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]]}"#),
                "feature 2: position [530000, 180000] is not a [longitude, latitude]",
            ),
            (
                feature(r#"{"area": "A", "bcu": "Other"}"#, TRIANGLE),
                "feature 2: area 'A' is in BCU 'Other' here but in BCU 'B' in an earlier feature",
            ),
            (
                feature(r#"{"area": "A", "bcu": "B", "bcu_code": "X"}"#, TRIANGLE),
                // The first two features gave no code, so X is accepted.
                "",
            ),
        ];
        for (text, want) in cases {
            if want.is_empty() {
                assert!(Areas::from_geojson_str(&text).is_ok(), "{text}");
                continue;
            }
            let got = error(&text);
            assert!(got.starts_with(want), "got {got:?}, want {want:?}");
        }
        // A feature that is not a Feature at all.
        let text = r#"{"type": "FeatureCollection", "features": [{"type": "Polygon", "coordinates": []}]}"#;
        assert!(
            error(text).starts_with("feature 0: not a valid GeoJSON Feature"),
            "{}",
            error(text)
        );
        let text = r#"{"type": "FeatureCollection", "features": [42]}"#;
        assert!(error(text).starts_with("feature 0: not a valid GeoJSON Feature"));
        // Conflicting BCU codes.
        let a = format!(
            r#"{{"type": "Feature", "properties": {{"area": "A", "bcu": "B", "bcu_code": "X"}}, "geometry": {TRIANGLE}}}"#
        );
        let b = format!(
            r#"{{"type": "Feature", "properties": {{"area": "C", "bcu": "B", "bcu_code": "Y"}}, "geometry": {TRIANGLE}}}"#
        );
        let text = format!(r#"{{"type": "FeatureCollection", "features": [{a}, {b}]}}"#);
        assert_eq!(
            error(&text),
            "feature 1: BCU 'B' has code 'Y' here but 'X' in an earlier feature"
        );
    }

    #[test]
    fn errors_for_the_whole_document() {
        assert!(error("").starts_with("invalid JSON: "));
        assert!(error("{\"type\": ").starts_with("invalid JSON: "));
        assert!(error("[1, 2]").starts_with("expected a GeoJSON FeatureCollection, found an array"));
        assert_eq!(
            error(r#"{"type": "Feature", "geometry": null, "properties": {}}"#),
            "expected a GeoJSON FeatureCollection, found type 'Feature'"
        );
        assert_eq!(
            error(r#"{"features": []}"#),
            "expected a GeoJSON FeatureCollection, found an object without a 'type'"
        );
        assert_eq!(
            error(r#"{"type": "FeatureCollection"}"#),
            "expected a GeoJSON FeatureCollection, found a FeatureCollection without 'features'"
        );
        assert_eq!(
            error(r#"{"type": "FeatureCollection", "features": {}}"#),
            "expected a GeoJSON FeatureCollection, found a FeatureCollection whose 'features' is an object"
        );
        assert_eq!(
            error(r#"{"type": "FeatureCollection", "features": []}"#),
            "the FeatureCollection has no features"
        );
    }

    #[test]
    fn path_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("marac-geo-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("areas.geojson");
        std::fs::write(&path, feature(r#"{"area": "A"}"#, TRIANGLE)).expect("write");
        let err = Areas::from_geojson_path(&path).expect_err("missing bcu");
        assert_eq!(
            err.to_string(),
            format!("{}: feature 2: property 'bcu' is missing", path.display())
        );

        std::fs::write(&path, "not json").expect("write");
        let err = Areas::from_geojson_path(&path).expect_err("bad json");
        assert!(err
            .to_string()
            .starts_with(&format!("{}: invalid JSON: ", path.display())));

        std::fs::write(&path, TWO_AREAS).expect("write");
        let areas = Areas::from_geojson_path(&path).expect("valid");
        assert_eq!(areas.areas().len(), 2);

        let missing = dir.join("nope.geojson");
        let err = Areas::from_geojson_path(&missing).expect_err("missing file");
        assert!(err
            .to_string()
            .starts_with(&format!("{}: cannot read the file: ", missing.display())));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let texts = [
            "null",
            "0",
            "\"x\"",
            "{}",
            r#"{"type": 5}"#,
            r#"{"type": "FeatureCollection", "features": [null]}"#,
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature"}]}"#,
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"area": "A", "bcu": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[1e308, 1e308], [1, 2], [3]]]}}]}"#,
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"area": "A", "bcu": "B"}, "geometry": {"type": "MultiPolygon", "coordinates": []}}]}"#,
            r#"{"type": "FeatureCollection", "crs": {"properties": {"name": "EPSG:27700"}}, "features": [{"type": "Feature", "properties": {"area": "A", "bcu": "B"}, "geometry": {"type": "Polygon", "coordinates": [[[-1, -1], [2, 2], [3, 1], [-1, -1]]]}}]}"#,
        ];
        for text in texts {
            let _ = Areas::from_geojson_str(text);
        }
    }

    #[test]
    fn areas_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Areas>();
        assert_send_sync::<AreaError>();
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalise_basic("  Kensington & Chelsea "),
            "kensington and chelsea"
        );
        assert_eq!(normalise_basic("K&C"), "k and c");
        assert_eq!(
            normalise_basic("Kingston-upon-Thames"),
            "kingston upon thames"
        );
        assert_eq!(normalise_basic("King’s Cross"), "kings cross");
        assert_eq!(
            normalise_area("The London Borough of Camden Borough Council"),
            "camden"
        );
        assert_eq!(normalise_area("Council"), "council");
    }
}
