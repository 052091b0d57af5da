//! Hotspot methods of `marac`, run per BCU on incidents with coordinates in
//! British National Grid metres.
//!
//! One module per method, each a plain function with a worked example:
//!
//! * [`dbscan`]: density-based clusters, scikit-learn's definition, on an
//!   rstar R*-tree ([`dbscan::dbscan`]), summarised as convex hulls.
//! * [`gistar`]: Getis-Ord Gi* on a regular grid with binary distance-band
//!   weights, two-sided normal p-values and Benjamini–Hochberg classes as
//!   ArcGIS's Hot Spot Analysis labels them ([`gistar::gi_star`]).
//! * [`kde`]: quartic (biweight) kernel density per km² on a grid
//!   ([`kde::kde`]), with ArcGIS's default search radius when no bandwidth
//!   is given.
//! * [`describe`]: where a group of incidents is, in words: its borough
//!   and the most frequent street names of its locations
//!   ([`describe::whereabouts`]).
//! * [`repeat`]: repeat locations (the same normalised place), flagging
//!   data.police.uk snap points ([`repeat::repeat_locations`]).
//! * [`knox`]: the Knox near-repeat test as Ratcliffe's Near Repeat
//!   Calculator prints it, by Euclidean or Manhattan distance, with Monte
//!   Carlo permutations in parallel ([`knox::knox`]).
//! * [`pai`]: the Predictive Accuracy Index of each method on a train/test
//!   split ([`pai::evaluate`]).
//! * [`geojson`]: RFC 7946 output helpers (WGS84, lon-lat, counter-clockwise
//!   exterior rings).
//!
//! Every function is deterministic: the same input gives the same output
//! whatever the number of rayon threads. Bad parameters (zero or non-finite
//! sizes, grids too large to hold) are [`HotspotError`]s, never panics.
//!
//! ```
//! use marac_hotspot::dbscan::dbscan;
//! // Three points 10 m apart and one far away.
//! let pts = [[0.0, 0.0], [10.0, 0.0], [20.0, 0.0], [500.0, 500.0]];
//! let labels = dbscan(&pts, 10.0, 2).unwrap();
//! assert_eq!(labels, vec![0, 0, 0, -1]);
//!
//! use marac_hotspot::gistar::gi_star;
//! let grid = gi_star(&pts, 100.0, 100.0).unwrap();
//! assert_eq!(grid.cells.len(), 36); // a 6 × 6 bounding box of 100 m cells
//! ```

use chrono::NaiveDate;
use marac_model::{Incident, IncidentKind};

pub mod dbscan;
pub mod describe;
pub mod geojson;
pub mod gistar;
pub mod grid;
pub mod kde;
pub mod knox;
pub mod pai;
pub mod repeat;
pub mod stats;

/// Why a hotspot method could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HotspotError {
    /// A parameter is out of range (zero, negative or not finite).
    #[error("invalid parameter: {0}")]
    Parameter(String),
    /// The grid or the pair list would be too large to hold.
    #[error("too large: {0}")]
    TooLarge(String),
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, HotspotError>;

/// One incident as the hotspot methods see it: a position in BNG metres, a
/// date, a kind, and its index in the caller's list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Easting, metres.
    pub x: f64,
    /// Northing, metres.
    pub y: f64,
    /// Reported date.
    pub date: NaiveDate,
    /// Incident kind.
    pub kind: IncidentKind,
}

impl Event {
    /// The event of an incident with finite BNG coordinates, else `None`.
    pub fn of(incident: &Incident) -> Option<Event> {
        let b = incident.bng?;
        if !(b.easting.is_finite() && b.northing.is_finite()) {
            return None;
        }
        Some(Event {
            x: b.easting,
            y: b.northing,
            date: incident.reported.date,
            kind: incident.kind,
        })
    }

    /// The position as an `[x, y]` array.
    pub fn xy(&self) -> [f64; 2] {
        [self.x, self.y]
    }
}

/// Counts per kind, in canonical kind order, and the date range of a group
/// of events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupSummary {
    /// Number of events.
    pub count: usize,
    /// Events per kind (only kinds present), canonical kind order.
    pub kinds: Vec<(IncidentKind, usize)>,
    /// Earliest date.
    pub first: Option<NaiveDate>,
    /// Latest date.
    pub last: Option<NaiveDate>,
}

impl GroupSummary {
    /// Summarises events.
    pub fn of<'a>(events: impl IntoIterator<Item = &'a Event>) -> GroupSummary {
        let mut per = [0usize; 16];
        let mut s = GroupSummary::default();
        for e in events {
            s.count += 1;
            if let Some(c) = per.get_mut(e.kind.index()) {
                *c += 1;
            }
            s.first = Some(s.first.map_or(e.date, |d| d.min(e.date)));
            s.last = Some(s.last.map_or(e.date, |d| d.max(e.date)));
        }
        s.kinds = IncidentKind::ALL
            .iter()
            .filter_map(|k| per.get(k.index()).filter(|&&c| c > 0).map(|&c| (*k, c)))
            .collect();
        s
    }

    /// Kinds as `asb:3;hate:1`.
    pub fn kinds_text(&self) -> String {
        let parts: Vec<String> = self.kinds.iter().map(|(k, c)| format!("{k}:{c}")).collect();
        parts.join(";")
    }

    /// Kinds as a JSON object `{"asb": 3, "hate": 1}`.
    pub fn kinds_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, c) in &self.kinds {
            m.insert(k.as_str().to_string(), serde_json::Value::from(*c as u64));
        }
        serde_json::Value::Object(m)
    }
}

/// Checks that a length parameter is finite and positive.
pub(crate) fn positive(name: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(HotspotError::Parameter(format!(
            "{name} must be a positive number of metres, got {v}"
        )))
    }
}
