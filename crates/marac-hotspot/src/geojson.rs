//! RFC 7946 GeoJSON output: WGS84 longitude-latitude, 6 decimals (about
//! 0.1 m), closed rings, exterior rings counter-clockwise (the right-hand
//! rule), for QGIS and ArcGIS.
//!
//! ```
//! use marac_hotspot::geojson::{feature_collection, point_feature, polygon_feature};
//! use marac_hotspot::grid::Grid;
//! let g = Grid::covering(&[[530_000.0, 180_000.0]], 250.0, 0).unwrap();
//! let f = polygon_feature(&g.square(0), serde_json::Map::new());
//! let text = feature_collection(vec![f, point_feature([530_000.0, 180_000.0], serde_json::Map::new())]);
//! assert!(marac_hotspot::geojson::check_rfc7946(&text).is_empty());
//! ```

use geo::Polygon;
use marac_geo::bng_to_wgs84;
use marac_model::Bng;
use serde_json::{json, Map, Value};

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A BNG point as a `[lon, lat]` position.
pub fn position(p: [f64; 2]) -> [f64; 2] {
    let ll = bng_to_wgs84(Bng {
        easting: p[0],
        northing: p[1],
    });
    [round6(ll.lon), round6(ll.lat)]
}

/// Twice the signed area of a ring (positive: counter-clockwise).
pub fn ring_signed_area2(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

fn ring(coords: impl Iterator<Item = [f64; 2]>, ccw: bool) -> Vec<[f64; 2]> {
    let mut r: Vec<[f64; 2]> = coords.map(position).collect();
    r.dedup();
    if r.first() != r.last() {
        if let Some(&f) = r.first() {
            r.push(f);
        }
    }
    if (ring_signed_area2(&r) > 0.0) != ccw {
        r.reverse();
    }
    r
}

/// A Polygon feature from a BNG polygon: exterior counter-clockwise, holes
/// clockwise, in WGS84.
pub fn polygon_feature(poly: &Polygon<f64>, properties: Map<String, Value>) -> Value {
    let mut rings = vec![ring(poly.exterior().coords().map(|c| [c.x, c.y]), true)];
    for hole in poly.interiors() {
        rings.push(ring(hole.coords().map(|c| [c.x, c.y]), false));
    }
    json!({
        "type": "Feature",
        "geometry": { "type": "Polygon", "coordinates": rings },
        "properties": properties,
    })
}

/// A Point feature from a BNG point.
pub fn point_feature(p: [f64; 2], properties: Map<String, Value>) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": position(p) },
        "properties": properties,
    })
}

/// A FeatureCollection as text: one feature per line, a trailing newline.
pub fn feature_collection(features: Vec<Value>) -> String {
    feature_collection_with(&Map::new(), features)
}

/// A FeatureCollection as text with foreign members (RFC 7946 §6.1: what
/// the file is, e.g. that it was filtered), written on the first line after
/// `type`, in key order; one feature per line, a trailing newline.
///
/// ```
/// use marac_hotspot::geojson::feature_collection_with;
/// let mut about = serde_json::Map::new();
/// about.insert("marac".into(), serde_json::json!({"filter": "significant_only"}));
/// assert_eq!(
///     feature_collection_with(&about, vec![]),
///     "{\"type\":\"FeatureCollection\",\"marac\":{\"filter\":\"significant_only\"},\"features\":[\n]}\n"
/// );
/// ```
pub fn feature_collection_with(members: &Map<String, Value>, features: Vec<Value>) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",");
    for (k, v) in members {
        if k == "type" || k == "features" {
            continue;
        }
        s.push_str(&Value::from(k.as_str()).to_string());
        s.push(':');
        s.push_str(&v.to_string());
        s.push(',');
    }
    s.push_str("\"features\":[");
    for (i, f) in features.iter().enumerate() {
        s.push_str(if i == 0 { "\n" } else { ",\n" });
        s.push_str(&f.to_string());
    }
    s.push_str("\n]}\n");
    s
}

/// Problems that make a FeatureCollection text not RFC 7946 as `marac`
/// writes it (for tests): not JSON, positions out of range or not lon-lat
/// within Greater London's neighbourhood, open rings, clockwise exteriors.
pub fn check_rfc7946(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    if v["type"] != "FeatureCollection" {
        problems.push("not a FeatureCollection".into());
    }
    let pos_ok = |p: &Value| -> bool {
        let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
            return false;
        };
        p.as_array().is_some_and(|a| a.len() == 2)
            && (-1.0..=0.8).contains(&lon)
            && (51.0..=52.0).contains(&lat)
    };
    for (i, f) in v["features"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let g = &f["geometry"];
        match g["type"].as_str() {
            Some("Point") => {
                if !pos_ok(&g["coordinates"]) {
                    problems.push(format!("feature {i}: bad position {}", g["coordinates"]));
                }
            }
            Some("Polygon") => {
                for (k, r) in g["coordinates"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let pts = r.as_array().map(Vec::as_slice).unwrap_or(&[]);
                    if pts.len() < 4 || pts.first() != pts.last() {
                        problems.push(format!("feature {i}: ring {k} not closed or too short"));
                    }
                    if !pts.iter().all(pos_ok) {
                        problems.push(format!("feature {i}: ring {k} has a bad position"));
                    }
                    let xy: Vec<[f64; 2]> = pts
                        .iter()
                        .map(|p| [p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0)])
                        .collect();
                    let a = ring_signed_area2(&xy);
                    if (k == 0 && a <= 0.0) || (k > 0 && a >= 0.0) {
                        problems.push(format!("feature {i}: ring {k} wound the wrong way"));
                    }
                }
            }
            other => problems.push(format!("feature {i}: unexpected geometry {other:?}")),
        }
        if !f["properties"].is_object() {
            problems.push(format!("feature {i}: no properties object"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dbscan::hull;

    #[test]
    fn output_is_rfc7946_and_parses_with_the_geojson_crate() {
        // A triangle hull given clockwise in BNG, a degenerate two-point hull,
        // a grid cell and a point, around Camden.
        let tri = hull(
            &[
                [529_000.0, 184_000.0],
                [529_000.0, 184_300.0],
                [529_400.0, 184_000.0],
            ],
            10.0,
        );
        let two = hull(&[[529_000.0, 184_000.0], [529_050.0, 184_000.0]], 10.0);
        let cell = crate::grid::Grid::covering(&[[529_100.0, 184_100.0]], 250.0, 0)
            .unwrap()
            .square(0);
        let mut cw = cell.clone();
        cw.exterior_mut(|r| r.0.reverse());
        let mut props = Map::new();
        props.insert("count".into(), json!(3));
        let text = feature_collection(vec![
            polygon_feature(&tri, props.clone()),
            polygon_feature(&two, props.clone()),
            polygon_feature(&cell, props.clone()),
            polygon_feature(&cw, props.clone()),
            point_feature([529_000.0, 184_000.0], props),
        ]);
        assert_eq!(check_rfc7946(&text), Vec::<String>::new());
        let parsed: geojson::GeoJson = text.parse().expect("geojson crate parses it");
        let geojson::GeoJson::FeatureCollection(fc) = parsed else {
            panic!("not a collection")
        };
        assert_eq!(fc.features.len(), 5);
        // lon, lat order: Camden is about (-0.14, 51.54).
        let v: Value = serde_json::from_str(&text).unwrap();
        let p = &v["features"][4]["geometry"]["coordinates"];
        assert!((p[0].as_f64().unwrap() + 0.15).abs() < 0.05, "{p}");
        assert!((p[1].as_f64().unwrap() - 51.54).abs() < 0.05, "{p}");
        // The checker catches a clockwise ring and lat-lon order.
        let mut swapped = v.clone();
        swapped["features"][4]["geometry"]["coordinates"] = json!([p[1], p[0]]);
        assert!(!check_rfc7946(&swapped.to_string()).is_empty());
        let mut reversed = v.clone();
        if let Some(r) = reversed["features"][2]["geometry"]["coordinates"][0].as_array_mut() {
            r.reverse();
        }
        assert!(!check_rfc7946(&reversed.to_string()).is_empty());
    }
}
