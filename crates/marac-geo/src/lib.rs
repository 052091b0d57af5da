//! Geography for `marac`: WGS84 <-> British National Grid conversion, areas
//! (boroughs) and BCUs, and placing a point in an area.
//!
//! * [`wgs84_to_bng`] / [`bng_to_wgs84`]: the Ordnance Survey's Helmert +
//!   Transverse Mercator method, good to a few metres (see [`bng`]).
//! * [`in_great_britain_wgs84`] / [`in_great_britain_bng`]: rough sanity
//!   checks for coordinates.
//! * [`Areas`]: a set of areas grouped into BCUs, with name resolution and
//!   point placement. [`Areas::london`] is the embedded London default: the
//!   real boundaries of the 32 boroughs and the City of London at full
//!   resolution (Open Government Licence v3.0: whoever shows them carries
//!   [`LONDON_ATTRIBUTION`]), in the Met's 12 BCUs plus the City; other
//!   boundaries come from a GeoJSON file ([`Areas::from_geojson_path`], the
//!   `--areas` option).
//!
//! ```
//! use marac_geo::{wgs84_to_bng, Areas, LONDON_ATTRIBUTION};
//! use marac_model::LatLon;
//!
//! let london = Areas::london();
//! assert_eq!(london.attribution(), Some(LONDON_ATTRIBUTION));
//!
//! // Camden Town
//! let p = wgs84_to_bng(LatLon { lat: 51.539, lon: -0.1426 });
//! let id = london.locate(p).expect("inside London");
//! let area = london.area(id);
//! assert_eq!(&*area.name, "Camden");
//! assert_eq!(&*area.bcu, "Central North");
//!
//! // Names as agencies write them.
//! assert_eq!(london.resolve_area("LB Camden"), Some(id));
//! assert_eq!(london.resolve_bcu("CN").map(|b| &*b.name), Some("Central North"));
//!
//! // Reading is not in London.
//! assert_eq!(london.locate(wgs84_to_bng(LatLon { lat: 51.4543, lon: -0.9781 })), None);
//! ```

pub mod areas;
pub mod bng;
mod index;
mod london;
mod packed;

pub use areas::{
    Area, AreaError, AreaId, Areas, Bcu, FeatureProblem, Placement, NEAREST_AREA_M, NEAR_BOUNDARY_M,
};
pub use bng::{bng_to_wgs84, in_great_britain_bng, in_great_britain_wgs84, wgs84_to_bng};
pub use london::LONDON_ATTRIBUTION;
