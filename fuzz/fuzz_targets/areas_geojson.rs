#![no_main]
//! areas_geojson: any text as an `--areas` GeoJSON file; a file that reads
//! must place points without panicking.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(areas) = marac_geo::Areas::from_geojson_str(text) {
        for p in [[530_000.0, 180_000.0], [0.0, 0.0], [f64::NAN, 1.0]] {
            let _ = areas.place(marac_model::Bng { easting: p[0], northing: p[1] });
        }
    }
});
