//! Every input a fuzz target ever crashed on (`fuzz/regressions/TARGET/*`),
//! replayed on stable through the same call the target makes, so that
//! `cargo test --workspace` keeps each fixed crash fixed. The targets
//! themselves (`fuzz/fuzz_targets/`) need nightly; see `fuzz/README.md`.

use std::path::PathBuf;

use marac_ingest::{IngestOptions, Ingester, InputFormat, Profile};

fn ingest(bytes: &[u8], format: InputFormat, profile: &str) {
    let profile = Profile::builtin(profile).expect("built-in profile");
    let mut ing = Ingester::new(IngestOptions::default());
    if ing.add_bytes_as("fuzz", bytes, format, &profile).is_ok() {
        let out = ing.finish();
        assert_eq!(out.read(), out.accepted() + out.rejected(), "rows lost");
        assert_eq!(out.rejects.len() as u64, out.rejected());
        assert_eq!(out.incidents.len() as u64, out.accepted());
    }
}

/// Runs one input through the call of the fuzz target `target`.
fn replay(target: &str, data: &[u8]) {
    let text = std::str::from_utf8(data).ok();
    match target {
        "ingest_csv" => ingest(data, InputFormat::Csv, "canonical"),
        "ingest_jsonl" => ingest(data, InputFormat::JsonLines, "canonical"),
        "ingest_police_uk" => ingest(data, InputFormat::Csv, "police-uk"),
        "profile_toml" => {
            if let Some(t) = text {
                let _ = Profile::from_toml("fuzz.toml", t);
            }
        }
        "areas_geojson" => {
            if let Some(t) = text {
                if let Ok(areas) = marac_geo::Areas::from_geojson_str(t) {
                    for p in [[530_000.0, 180_000.0], [0.0, 0.0], [f64::NAN, 1.0]] {
                        let _ = areas.place(marac_model::Bng {
                            easting: p[0],
                            northing: p[1],
                        });
                    }
                }
            }
        }
        "rules_toml" => {
            if let Some(t) = text {
                let _ = marac_link::rules::Rules::from_toml("fuzz.toml", t);
            }
        }
        "risk_config_toml" => {
            if let Some(t) = text {
                let _ = marac_risk::RiskConfig::from_toml("fuzz.toml", t);
            }
        }
        "pack_json" => {
            if let Some(t) = text {
                let _ = marac_register::validate_pack(t);
            }
        }
        "labels_csv" => {
            if let Some(t) = text {
                if let Ok(f) = marac_link::labels::parse("fuzz.csv", t) {
                    assert_eq!(f.read, f.accepted() + f.unlabelled + f.rejected.len());
                }
            }
        }
        "server_form" => {
            let _ = marac_server::form_pairs(data);
        }
        "server_cookie" => {
            if let Some(t) = text {
                for name in ["marac_session", "marac_login"] {
                    if let Some(v) = marac_server::cookie_value(t, name) {
                        assert!(!v.is_empty() && v.len() <= 128);
                    }
                }
            }
        }
        other => panic!("fuzz/regressions/{other}: no such fuzz target"),
    }
}

#[test]
fn every_crash_the_fuzzers_found_stays_fixed() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    let mut targets: Vec<_> = std::fs::read_dir(&root)
        .expect("fuzz/regressions exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    targets.sort();
    for dir in targets {
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            replay(&target, &data);
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression inputs found under {}",
        root.display()
    );
}
