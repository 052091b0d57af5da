//! Each input read with its own profile gives what it gives read alone.

use crate::{Ingest, IngestOptions, Ingester, InputFormat, Profile};

const CANONICAL: &str = "\
incident_id,source,kind,reported_at,borough,victim_last_name,victim_dob
C1,met-police,asb,2026-11-02,Camden,Okafor,1958-07-03
C2,met-police,burglary,2026-11-03,Camden,,
C3,met-police,hate,2026-11-04,Hackney,Okafor,03/07/1958
";

/// A housing export: its own column names, day-first dates, its own kind
/// values, derived ids for rows without a reference, truth from a column.
const HOUSING_PROFILE: &str = r#"
name = "housing"
ignore_unknown_columns = true
non_uk_postcodes = true
[columns]
incident_id = "Case Ref"
reported_at = "Date Logged"
kind = "Type"
victim_last_name = "Surname"
victim_dob = "DOB"
victim_postcode = "Post Code"
borough = "Area"
[constants]
source = "housing"
[values.kind]
"Neighbour nuisance" = "asb"
"Neighbour dispute" = "dispute"
[dates]
formats = ["%d/%m/%Y"]
dob_formats = ["%d %m %Y"]
[derive_id]
from = ["Date Logged", "Surname"]
prefix = "h-"
[truth]
column = "Tenant"
"#;

const HOUSING: &str = "\
Case Ref,Date Logged,Type,Surname,DOB,Post Code,Area,Tenant
H1,03/11/2026,Neighbour nuisance,Okafor,03 07 1958,2119,Camden,t-9
H2,04/11/2026,Noise,Smith,,,Hackney,t-3
,05/11/2026,Neighbour dispute,Smith,,,Hackney,t-3
,05/11/2026,Neighbour dispute,Smith,,,Hackney,
";

fn housing() -> Profile {
    Profile::from_toml("housing.toml", HOUSING_PROFILE).expect("parses")
}

fn alone(name: &str, body: &str, profile: Profile) -> Ingest {
    let mut ing = Ingester::new(IngestOptions {
        profile,
        ..IngestOptions::default()
    });
    ing.add_bytes(name, body.as_bytes(), InputFormat::Csv)
        .expect("readable");
    ing.finish()
}

#[test]
fn two_layouts_in_one_run_read_as_each_alone() {
    let canonical = alone("police.csv", CANONICAL, Profile::canonical());
    let housing_alone = alone("housing.csv", HOUSING, housing());
    // The housing file needs its profile: read with the canonical one it
    // is refused at its header.
    let mut wrong = Ingester::new(IngestOptions::default());
    let e = wrong
        .add_bytes("housing.csv", HOUSING.as_bytes(), InputFormat::Csv)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("housing.csv:1: incident_id: required column is missing"),
        "{e}"
    );

    // One run: the canonical file with the options' profile, the housing
    // file with its own; then the other way round.
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes("police.csv", CANONICAL.as_bytes(), InputFormat::Csv)
        .unwrap();
    ing.add_bytes_as(
        "housing.csv",
        HOUSING.as_bytes(),
        InputFormat::Csv,
        &housing(),
    )
    .unwrap();
    let both = ing.finish();
    let mut ing = Ingester::new(IngestOptions {
        profile: housing(),
        ..IngestOptions::default()
    });
    ing.add_bytes("housing.csv", HOUSING.as_bytes(), InputFormat::Csv)
        .unwrap();
    ing.add_bytes_as(
        "police.csv",
        CANONICAL.as_bytes(),
        InputFormat::Csv,
        &Profile::canonical(),
    )
    .unwrap();
    let reversed = ing.finish();

    let cat = |a: &Ingest, b: &Ingest| -> Ingest {
        Ingest {
            incidents: [a.incidents.clone(), b.incidents.clone()].concat(),
            rejects: [a.rejects.clone(), b.rejects.clone()].concat(),
            warnings: [a.warnings.clone(), b.warnings.clone()].concat(),
            files: [a.files.clone(), b.files.clone()].concat(),
            truth: Vec::new(),
        }
    };
    for (run, expected) in [
        (&both, cat(&canonical, &housing_alone)),
        (&reversed, cat(&housing_alone, &canonical)),
    ] {
        assert_eq!(run.incidents, expected.incidents);
        assert_eq!(run.rejects, expected.rejects);
        assert_eq!(run.warnings, expected.warnings);
        assert_eq!(run.files, expected.files);
        for f in &run.files {
            assert_eq!(f.read, f.accepted + f.rejected, "{}", f.file);
        }
    }
    // Exact figures: 3 read, 2 accepted (C2's kind) and 4 read, 3 accepted
    // (H2's kind is in no value map).
    let counts: Vec<(u64, u64, u64)> = both
        .files
        .iter()
        .map(|f| (f.read, f.accepted, f.rejected))
        .collect();
    assert_eq!(counts, [(3, 2, 1), (4, 3, 1)]);
    let ids: Vec<&str> = both.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids[..3], ["C1", "C3", "H1"]);
    // Identical rows without a reference: the same derived key, numbered.
    assert!(
        ids[3].starts_with("h-") && ids[3].ends_with("-1"),
        "{}",
        ids[3]
    );
    assert_eq!(ids[4], format!("{}2", &ids[3][..ids[3].len() - 1]));
    let rejects: Vec<String> = both.rejects.iter().map(ToString::to_string).collect();
    assert_eq!(
        rejects,
        [
            "police.csv:3: kind: unknown value 'burglary'; accepted: asb, dispute, safeguarding, hate, crime",
            "housing.csv:3: kind: unknown value 'Noise'; accepted: asb, dispute, safeguarding, hate, crime",
        ]
    );
    // Date formats and postcodes follow each input's profile: the housing
    // file's own date of birth format, its postcode kept without a warning.
    let dob = |k: usize| both.incidents[k].victim.as_ref().and_then(|v| v.dob);
    assert_eq!(dob(2), chrono::NaiveDate::from_ymd_opt(1958, 7, 3));
    assert_eq!(dob(0), dob(1));
    assert!(both.warnings.iter().all(|w| !w.reason.contains("postcode")));
    // Truth: none for the canonical file's incidents, the housing column's
    // keys for the others (empty for the last row).
    let t = |s: &str| Some(s.to_string());
    assert_eq!(both.truth, [None, None, t("t-9"), t("t-3"), None]);
    assert_eq!(reversed.truth, [t("t-9"), t("t-3"), None, None, None]);
    assert_eq!(housing_alone.truth, [t("t-9"), t("t-3"), None]);
    assert!(canonical.truth.is_empty());
}

#[test]
fn a_duplicate_id_across_profiles_names_the_first() {
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes("police.csv", CANONICAL.as_bytes(), InputFormat::Csv)
        .unwrap();
    let again = HOUSING.replace("H1,", "C3,");
    ing.add_bytes_as(
        "housing.csv",
        again.as_bytes(),
        InputFormat::Csv,
        &housing(),
    )
    .unwrap();
    let out = ing.finish();
    assert_eq!(
        out.rejects[1].to_string(),
        "housing.csv:2: incident_id: duplicate incident_id 'C3', first seen at police.csv:4"
    );
    assert_eq!(out.read(), out.accepted() + out.rejected());
}
