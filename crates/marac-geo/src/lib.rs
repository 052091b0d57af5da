//! Geography for `marac`: WGS84 <-> British National Grid conversion, areas
//! (boroughs) and BCUs, and placing a point in an area.
//!
//! * [`wgs84_to_bng`] / [`bng_to_wgs84`]: the Ordnance Survey's Helmert +
//!   Transverse Mercator method, good to a few metres (see [`bng`]).
//! * [`in_great_britain_wgs84`] / [`in_great_britain_bng`]: rough sanity
//!   checks for coordinates.
//! * [`Areas`]: a set of areas grouped into BCUs, with name resolution and
//!   point-in-polygon placement. [`Areas::london`] is an embedded,
//!   **approximate** London default (12 Met BCUs, 32 boroughs, plus the City
//!   of London); real boundaries come from a GeoJSON file
//!   ([`Areas::from_geojson_path`], the `--areas` option).
//!
//! ```
//! use marac_geo::{wgs84_to_bng, Areas};
//! use marac_model::LatLon;
//!
//! let london = Areas::london();
//! assert!(london.is_approximate());
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
mod london;

pub use areas::{Area, AreaError, AreaId, Areas, Bcu, FeatureProblem};
pub use bng::{bng_to_wgs84, in_great_britain_bng, in_great_britain_wgs84, wgs84_to_bng};
