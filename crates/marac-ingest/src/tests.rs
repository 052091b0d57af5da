//! Profile features on small inputs: joined columns, postcodes of another
//! country, truth read from the input.

use crate::{IngestOptions, Ingester, InputFormat, Profile};

mod drafts;
mod per_input;
mod recognition;
mod workbooks;

fn ingest(profile: &str, name: &str, body: &str) -> crate::Ingest {
    let profile = Profile::from_toml("t.toml", profile).expect("profile parses");
    let mut ing = Ingester::new(IngestOptions {
        profile,
        ..IngestOptions::default()
    });
    let format = InputFormat::from_path(std::path::Path::new(name));
    ing.add_bytes(name, body.as_bytes(), format)
        .expect("input readable");
    ing.finish()
}

const JOIN: &str = r#"
ignore_unknown_columns = true
[columns]
incident_id = "id"
[join]
victim_address = ["no", "street", "town"]
[constants]
source = "test"
kind = "crime"
reported_at = "2000-01-01"
"#;

#[test]
fn join_skips_empty_parts_and_missing_columns() {
    // Header names are matched trimmed ("id, no, street").
    let out = ingest(
        JOIN,
        "j.csv",
        "id, no, street, town\nA,12 , high street,camden\nB,,  low road ,\nC,,,\n",
    );
    assert_eq!(out.rejected(), 0);
    let addr: Vec<Option<&str>> = out
        .incidents
        .iter()
        .map(|i| i.victim.as_ref().and_then(|v| v.address.as_deref()))
        .collect();
    assert_eq!(
        addr,
        [Some("12 high street camden"), Some("low road"), None]
    );
    // A column missing from the file is left out of the join.
    let out = ingest(JOIN, "k.csv", "id,street\nA,high street\n");
    let v = out.incidents[0].victim.as_ref().unwrap();
    assert_eq!(v.address.as_deref(), Some("high street"));
    // JSON Lines joins keys the same way.
    let out = ingest(
        JOIN,
        "l.jsonl",
        "{\"id\":\"A\",\"no\":7,\"street\":\"mill lane\"}\n",
    );
    let v = out.incidents[0].victim.as_ref().unwrap();
    assert_eq!(v.address.as_deref(), Some("7 mill lane"));
}

#[test]
fn join_errors_name_the_problem() {
    let e = Profile::from_toml("x.toml", "[join]\nvictim_name = [\"a\"]\n").unwrap_err();
    assert!(
        e.to_string().starts_with(
            "profile x.toml: [join] names 'victim_name', which is not a canonical field"
        ),
        "{e}"
    );
    let e = Profile::from_toml("x.toml", "[join]\nvictim_address = []\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "profile x.toml: [join] victim_address: names no column"
    );
    let e = Profile::from_toml(
        "x.toml",
        "[join]\nvictim_address = [\"a\"]\n[columns]\nvictim_address = \"b\"\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "profile x.toml: victim_address is in both [join] and [columns]; a field is read from one place"
    );
}

#[test]
fn a_required_joined_field_names_its_columns_when_missing() {
    let p = "[join]\nincident_id = [\"a\", \"b\"]\n[constants]\nsource = \"s\"\nkind = \"asb\"\nreported_at = \"2000-01-01\"\n";
    let profile = Profile::from_toml("j", p).unwrap();
    let mut ing = Ingester::new(IngestOptions {
        profile,
        ..IngestOptions::default()
    });
    let e = ing
        .add_bytes("m.csv", b"c\n1\n", InputFormat::Csv)
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "incident_id: required column is missing (joined from columns a, b by profile j)"
        ),
        "{e}"
    );
}

#[test]
fn non_uk_postcodes_are_kept_without_a_warning_per_row() {
    let body = "id,victim_postcode\nA,2119\nB,SW1A1AA\n";
    let uk = ingest(JOIN, "p.csv", body);
    assert_eq!(uk.warnings.len(), 1, "{:?}", uk.warnings);
    assert!(uk.warnings[0].reason.starts_with("not a UK postcode"));
    let foreign = ingest(&format!("non_uk_postcodes = true\n{JOIN}"), "p.csv", body);
    assert!(foreign.warnings.is_empty(), "{:?}", foreign.warnings);
    let pc = |o: &crate::Ingest, k: usize| {
        o.incidents[k]
            .victim
            .as_ref()
            .and_then(|v| v.postcode.clone())
            .map(|p| p.as_str().to_string())
    };
    assert_eq!(pc(&foreign, 0).as_deref(), Some("2119"));
    // A UK postcode is still normalised.
    assert_eq!(pc(&foreign, 1).as_deref(), Some("SW1A 1AA"));
}

const TRUTH: &str = r#"
ignore_unknown_columns = true
[columns]
incident_id = "rec_id"
victim_last_name = "surname"
[constants]
source = "test"
kind = "crime"
reported_at = "2000-01-01"
[truth]
column = "rec_id"
pattern = "^rec-(\\d+)-"
"#;

#[test]
fn truth_keys_come_from_the_input() {
    let out = ingest(
        TRUTH,
        "t.csv",
        "rec_id, surname\nrec-7-org, a\nrec-7-dup-0, b\nrec-12-dup-3,c\nother,d\n,e\n",
    );
    // The row without an id is rejected and has no truth entry.
    assert_eq!((out.accepted(), out.rejected()), (4, 1));
    assert_eq!(
        out.truth,
        [Some("7".into()), Some("7".into()), Some("12".into()), None]
    );
    let w: Vec<String> = out.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        w,
        [
            "t.csv:5: truth: column 'rec_id' does not match the profile's [truth] pattern; \
          the record's true person is unknown (a person of its own in link eval)"
        ]
    );
    // A whole column, without a pattern.
    let p = TRUTH.replace(
        "column = \"rec_id\"\npattern = \"^rec-(\\\\d+)-\"",
        "column = \"cluster\"",
    );
    let out = ingest(&p, "c.csv", "rec_id,cluster\nA, 3\nB,3\nC,\n");
    assert_eq!(out.truth, [Some("3".into()), Some("3".into()), None]);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0]
        .reason
        .starts_with("column 'cluster' is empty"));
    // A missing column: one warning at the header, no key.
    let out = ingest(&p, "m.csv", "rec_id\nA\nB\n");
    assert_eq!(out.truth, [None, None]);
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].line, 1);
    // Without [truth], nothing is kept.
    let out = ingest(JOIN, "n.csv", "id\nA\n");
    assert!(out.truth.is_empty());
}

#[test]
fn truth_errors_name_the_problem() {
    let e = Profile::from_toml("x.toml", "[truth]\ncolumn = \"a\"\npattern = \"(\"\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("profile x.toml: [truth] pattern is not a regular expression"),
        "{e}"
    );
    let e = Profile::from_toml("x.toml", "[truth]\npattern = \"a\"\n").unwrap_err();
    assert!(e.to_string().contains("missing field `column`"), "{e}");
}

/// A borough the record names wins; coordinates more than 250 m outside it
/// keep the record there and warn, naming no coordinate.
#[test]
fn a_borough_that_disagrees_with_the_coordinates_wins_with_a_warning() {
    let csv = "incident_id,source,kind,reported_at,borough,lat,lon\n\
               A1,council-asb,asb,2026-11-02,Camden,51.539,-0.1426\n\
               A2,council-asb,asb,2026-11-02,LB Camden,51.5472,-0.0553\n\
               A3,council-asb,asb,2026-11-02,Camden,51.5196,-0.1385\n\
               A4,council-asb,asb,2026-11-02,Narnia,51.5472,-0.0553\n\
               A5,council-asb,asb,2026-11-02,Hackney,,\n";
    let out = ingest("", "week.csv", csv);
    assert_eq!((out.read(), out.accepted(), out.rejected()), (5, 5, 0));
    let placed: Vec<(&str, &str)> = out
        .incidents
        .iter()
        .map(|i| (i.area.as_deref().unwrap_or("-"), &*i.bcu))
        .collect();
    assert_eq!(
        placed,
        [
            ("Camden", "Central North"),
            // Hackney Central's coordinates, but the record says Camden.
            ("Camden", "Central North"),
            // 60 m over the line into Westminster: consistent enough.
            ("Camden", "Central North"),
            // An unknown borough: the coordinates decide.
            ("Hackney", "Central East"),
            ("Hackney", "Central East"),
        ]
    );
    let warnings: Vec<String> = out.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "week.csv:3: borough: the coordinates lie more than 250 m outside Camden; placed in Camden, as the record names it",
            "week.csv:5: borough: unknown area 'Narnia'; placed by coordinates instead",
        ]
    );
    // Placed by their borough, never counted as near a boundary.
    assert_eq!(out.near_boundary(), 0);
}

/// Placed by coordinates: a point within 20 m of another BCU's boundary is
/// counted as near it; a point on the Thames goes to the nearest borough
/// with a warning on the field the coordinates came from.
#[test]
fn coordinates_near_a_bcu_edge_are_counted_and_river_points_placed() {
    let csv = "incident_id,source,kind,reported_at,lat,lon,easting,northing\n\
               B1,met-police,crime,2026-11-02,51.539,-0.1426,,\n\
               B2,met-police,crime,2026-11-02,51.5196,-0.1377,,\n\
               B3,met-police,crime,2026-11-02,51.5196,-0.1380,,\n\
               B4,met-police,crime,2026-11-02,51.50085,-0.1205,,\n\
               B5,met-police,crime,2026-11-02,,,530554,179665\n\
               B6,met-police,crime,2026-11-02,51.4543,-0.9781,,\n";
    let out = ingest("", "cad.csv", csv);
    assert_eq!(out.accepted(), 6);
    let placed: Vec<&str> = out
        .incidents
        .iter()
        .map(|i| i.area.as_deref().unwrap_or("unassigned"))
        .collect();
    assert_eq!(
        placed,
        [
            "Camden",
            "Camden",
            "Westminster",
            "Lambeth",
            "Lambeth",
            "unassigned"
        ]
    );
    // Cleveland Street, either side of the Camden–Westminster line.
    assert_eq!(out.near_boundary(), 2);
    assert_eq!(out.files[0].near_boundary, 2);
    let warnings: Vec<String> = out.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "cad.csv:5: lat: the coordinates lie in no area (on a river, or just past the edge); placed in the nearest, Lambeth, within 250 m",
            "cad.csv:6: easting: the coordinates lie in no area (on a river, or just past the edge); placed in the nearest, Lambeth, within 250 m",
        ]
    );
}

/// Reads `body` with the canonical profile.
fn canonical(body: &[u8], format: InputFormat) -> crate::Ingest {
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes("big", body, format).unwrap();
    ing.finish()
}

#[test]
fn a_field_or_row_too_large_is_rejected_and_counted() {
    let head = "incident_id,source,kind,reported_at,borough,summary\n";
    let long = "x".repeat(crate::MAX_FIELD_BYTES + 1);
    let body = format!("{head}A1,met,asb,2026-01-01,Camden,short\nA2,met,asb,2026-01-02,Camden,{long}\nA3,met,asb,2026-01-03,Camden,ok\n");
    let out = canonical(body.as_bytes(), InputFormat::Csv);
    assert_eq!((out.read(), out.accepted(), out.rejected()), (3, 2, 1));
    assert_eq!(
        out.rejects[0].to_string(),
        "big:3: field 6 holds 65537 bytes, more than the limit of 65536"
    );
    // A record over 1 MiB in all (many fields of fine size) is rejected unparsed.
    let wide = "y".repeat(60_000);
    let big_row = vec![wide.as_str(); 20].join(" ");
    let body = format!("{head}B1,met,asb,2026-01-01,Camden,\"{big_row}\"\n");
    let out = canonical(body.as_bytes(), InputFormat::Csv);
    assert_eq!((out.read(), out.accepted(), out.rejected()), (1, 0, 1));
    assert!(out.rejects[0].to_string().contains("more than the limit"));
    // JSON Lines: a line over 1 MiB, and a key over 64 KiB.
    let huge = format!(
        "{{\"incident_id\":\"J1\",\"summary\":\"{}\"}}\n",
        "z".repeat(crate::MAX_ROW_BYTES)
    );
    let key = format!("{{\"incident_id\":\"J2\",\"source\":\"met\",\"kind\":\"asb\",\"reported_at\":\"2026-01-01\",\"summary\":\"{long}\"}}\n");
    let out = canonical(format!("{huge}{key}").as_bytes(), InputFormat::JsonLines);
    assert_eq!((out.read(), out.accepted(), out.rejected()), (2, 0, 2));
    assert_eq!(
        out.rejects[0].to_string(),
        format!(
            "big:1: line of {} bytes, more than the limit of 1048576",
            huge.trim_end().len()
        )
    );
    assert_eq!(
        out.rejects[1].to_string(),
        "big:2: key \"summary\" holds 65537 bytes, more than the limit of 65536"
    );
}
