//! `marac validate` on the corpus of bad inputs under tests/data/bad.

use crate::util::{reject_lines, run, validate_json, warning_lines};

#[test]
fn impossible_calendar_date_is_rejected_with_its_line() {
    let (code, v, _) = validate_json(&["bad/bad_date.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        reject_lines(&v),
        ["bad/bad_date.csv:2: reported_at: invalid date '2023-02-30': not a calendar date"]
    );
    assert_eq!(
        (v["read"].as_u64(), v["accepted"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn unknown_kind_lists_the_accepted_spellings() {
    let (code, v, _) = validate_json(&["bad/bad_kind.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        reject_lines(&v),
        ["bad/bad_kind.csv:2: kind: unknown value 'burglary'; accepted: asb, dispute, safeguarding, hate, crime"]
    );
    assert_eq!(v["by_kind"]["dispute"], 1, "kind is case-insensitive");
}

#[test]
fn missing_required_fields_are_named() {
    let (_, v, _) = validate_json(&["bad/missing_required.csv"]);
    assert_eq!(
        reject_lines(&v),
        [
            "bad/missing_required.csv:2: source: required field is missing or empty",
            "bad/missing_required.csv:3: incident_id: required field is missing or empty",
            "bad/missing_required.csv:4: reported_at: required field is missing or empty",
        ]
    );
    assert_eq!(v["accepted"], 1);
}

#[test]
fn unclosed_quote_is_an_error_with_its_line_not_a_panic() {
    let (code, v, _) = validate_json(&["bad/bad_quote.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        reject_lines(&v),
        ["bad/bad_quote.csv:3: expected 10 fields as in the header, found 3; the record runs to line 4 (an unclosed quote?)"]
    );
    assert_eq!(
        (v["read"].as_u64(), v["accepted"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn short_row_is_rejected() {
    let (_, v, _) = validate_json(&["bad/short_row.csv"]);
    assert_eq!(
        reject_lines(&v),
        ["bad/short_row.csv:2: expected 10 fields as in the header, found 4"]
    );
}

#[test]
fn invalid_utf8_rejects_a_required_field_and_drops_an_optional_one() {
    let (_, v, _) = validate_json(&["bad/invalid_utf8.csv"]);
    assert_eq!(
        reject_lines(&v),
        ["bad/invalid_utf8.csv:4: source: invalid UTF-8 at byte 8 of the field"]
    );
    assert_eq!(
        warning_lines(&v),
        ["bad/invalid_utf8.csv:2: borough: invalid UTF-8 at byte 5 of the field; treated as missing"]
    );
    assert_eq!(v["accepted"], 2);
}

#[test]
fn invalid_optional_fields_keep_the_row_and_warn() {
    let (code, v, _) = validate_json(&["bad/optional_invalid.csv"]);
    assert_eq!(code, 0, "warnings alone do not fail validation");
    assert_eq!(v["accepted"], 2);
    assert_eq!(
        warning_lines(&v),
        [
            "bad/optional_invalid.csv:2: lat: coordinates outside Great Britain; treated as missing",
            "bad/optional_invalid.csv:2: victim_dob: not a real date in a known format (YYYY-MM-DD, DD/MM/YYYY …); treated as missing",
            "bad/optional_invalid.csv:2: victim_postcode: not a UK postcode; kept as written for exact comparison only",
            "bad/optional_invalid.csv:2: harm: '9' is not a whole number from 1 to 5; treated as missing",
            "bad/optional_invalid.csv:3: borough: unknown area 'Narnia'; placed by coordinates instead",
        ]
    );
    // Placed by coordinates (Camden Town) after the unknown borough name.
    assert_eq!(v["by_bcu"]["Central North"], 2);
}

#[test]
fn duplicate_ids_across_files_name_both_places() {
    let (code, v, _) = validate_json(&["bad/dup_a.csv", "bad/dup_b.csv"]);
    assert_eq!(code, 2);
    assert_eq!(
        reject_lines(&v),
        ["bad/dup_b.csv:3: incident_id: duplicate incident_id 'X1', first seen at bad/dup_a.csv:2"]
    );
    assert_eq!(v["read"], 4);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let (code, v, _) = validate_json(&["bad/bom_crlf.csv"]);
    assert_eq!(code, 0);
    assert_eq!(v["accepted"], 2);
    assert!(warning_lines(&v).is_empty());
    assert_eq!(v["by_kind"]["hate"], 1);
}

#[test]
fn json_lines_errors_have_lines() {
    let (_, v, _) = validate_json(&["bad/bad.jsonl"]);
    assert_eq!(
        reject_lines(&v),
        [
            "bad/bad.jsonl:2: invalid JSON: unexpected end of line (an unclosed string or brace?) at column 42",
            "bad/bad.jsonl:3: expected a JSON object",
        ]
    );
    assert_eq!(
        warning_lines(&v),
        ["bad/bad.jsonl:5: borough: expected a string, number or list, found an object; treated as missing"]
    );
    assert_eq!(v["accepted"], 3);
    assert_eq!(v["read"], 5, "the blank line is not a record");
}

#[test]
fn missing_required_column_is_an_input_error() {
    // Without a profile, the header is recognised: it matches none.
    let r = run(&["validate", "bad-header/no_kind_column.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        "marac: error: bad-header/no_kind_column.csv: the header matches none of the profiles \
         tried (canonical, police-uk, febrl, splink-fake); name the one to read it with \
         (closest: canonical, which lacks columns kind)"
    );
    // Read with the canonical profile, the missing column is named.
    let r = run(&["validate", "bad-header/no_kind_column.csv=canonical"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        "marac: error: bad-header/no_kind_column.csv:1: kind: required column is missing; columns found: incident_id, source, reported_at"
    );
}

#[test]
fn strict_stops_at_the_first_bad_row() {
    let r = run(&["validate", "--strict", "bad/bad_kind.csv"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        "marac: error: bad/bad_kind.csv:2: kind: unknown value 'burglary'; accepted: asb, dispute, safeguarding, hate, crime (--strict stops at the first rejected row)"
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn a_directory_reads_every_input_in_name_order_and_rejects_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    let r = run(&[
        "validate",
        "--format",
        "json",
        "--rejects",
        rejects.to_str().unwrap(),
        "bad",
    ]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let files = crate::util::input_files(&v);
    assert_eq!(files.first(), Some(&"bad/bad.jsonl"));
    assert!(files.windows(2).all(|w| w[0] < w[1]), "sorted by name");
    assert_eq!(
        v["read"].as_u64().unwrap(),
        v["accepted"].as_u64().unwrap() + v["rejected"].as_u64().unwrap()
    );
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(text.lines().next(), Some("file,line,field,severity,reason"));
    assert_eq!(
        text.lines().count() as u64,
        1 + v["rejected"].as_u64().unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&rejects).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(r.stderr.contains("rejected line(s) written to"));
}

#[test]
fn no_names_or_dates_of_birth_reach_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.csv");
    std::fs::write(
        &f,
        "incident_id,source,kind,reported_at,victim_first_name,victim_last_name,victim_dob,victim_postcode\n\
         P1,housing,asb,2024-01-05,Oyelaran,Zebedee,1901-13-45,ZZ99 9ZZZ\n",
    )
    .unwrap();
    let r = run(&["validate", f.to_str().unwrap()]);
    for secret in ["Oyelaran", "Zebedee", "1901-13-45", "ZZ99"] {
        assert!(
            !r.stderr.contains(secret),
            "{secret} leaked to stderr: {}",
            r.stderr
        );
        assert!(!r.stdout.contains(secret), "{secret} leaked to the report");
    }
}

#[test]
fn police_uk_profile_reads_a_street_level_file() {
    let (code, v, _) = validate_json(&[
        "--profile",
        "police-uk",
        "police-uk/2017-02-sample-street.csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["read"], 6);
    assert_eq!(v["accepted"], 6);
    assert_eq!(v["by_kind"]["asb"], 3);
    assert_eq!(v["by_kind"]["crime"], 3);
    // Borough from the LSOA name, not the force: a Camden LSOA in a City of London file.
    assert_eq!(v["by_bcu"]["Central North"], 2);
    assert_eq!(v["by_bcu"]["City of London"], 3);
    assert_eq!(
        v["by_bcu"]["unassigned"], 1,
        "No Location row is kept, unassigned"
    );
    assert_eq!(v["by_source"]["city-of-london-police"], 6);
    assert_eq!(v["by_month"]["2017-02"], 6);
}

#[test]
fn areas_file_replaces_london_and_outside_is_unassigned() {
    let (code, v, _) = validate_json(&["--areas", "areas/two-towns.geojson", "areas/leeds.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        v["by_bcu"]["Riverside"], 3,
        "two by coordinates, one by area name"
    );
    assert_eq!(
        v["by_bcu"]["unassigned"], 1,
        "London is outside these areas: counted, not dropped"
    );
    let r = run(&[
        "validate",
        "--areas",
        "areas/missing.geojson",
        "areas/leeds.csv",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn standard_input_is_read_as_json_lines_or_csv() {
    let jsonl = "{\"incident_id\":\"S1\",\"source\":\"housing\",\"kind\":\"asb\",\"reported_at\":\"2026-01-05\",\"borough\":\"RBKC\"}\n";
    let out = crate::util::marac()
        .args(["validate", "--format", "json", "--as-of", "2026-11-20", "-"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["inputs"][0]["file"], "<stdin>");
    assert_eq!(
        v["by_bcu"]["Central West"], 1,
        "RBKC is Kensington and Chelsea"
    );
    let csv = "incident_id,source,kind,reported_at\nS2,housing,dispute,2026-01-05\n";
    let out = crate::util::marac()
        .args(["validate", "--format", "json", "--as-of", "2026-11-20", "-"])
        .write_stdin(csv)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["by_kind"]["dispute"], 1);
}

/// Records placed by their coordinates within 20 m of another BCU's
/// boundary are counted as `near_boundary`, in JSON and in Markdown; a
/// record whose borough and coordinates disagree keeps its borough, with a
/// warning that quotes no coordinate.
#[test]
fn records_on_a_bcu_edge_are_counted_and_disagreements_warned() {
    let (code, v, stderr) = validate_json(&["placement/edges.csv"]);
    assert_eq!(code, 0);
    assert_eq!(v["accepted"], 6);
    // E2 and E3, either side of Cleveland Street (Camden | Westminster);
    // E4 names its borough, so it is not counted.
    assert_eq!(v["near_boundary"], 2);
    assert_eq!(v["inputs"][0]["near_boundary"], 2);
    assert_eq!(v["by_bcu"]["Central North"], 4);
    assert_eq!(v["by_bcu"]["Central West"], 1);
    assert_eq!(
        v["by_bcu"]["Central South"], 1,
        "Westminster Bridge: Lambeth"
    );
    assert_eq!(
        warning_lines(&v),
        [
            "placement/edges.csv:6: borough: the coordinates lie more than 250 m outside Camden; placed in Camden, as the record names it",
            "placement/edges.csv:7: lat: the coordinates lie in no area (on a river, or just past the edge); placed in the nearest, Lambeth, within 250 m",
        ]
    );
    for secret in ["51.5", "-0.1"] {
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
        for w in warning_lines(&v) {
            assert!(!w.contains(secret), "{secret} in {w}");
        }
    }
    let md = run(&["validate", "--as-of", "2026-11-20", "placement/edges.csv"]);
    assert_eq!(md.code, 0);
    assert!(
        md.stdout.contains(
            "Near a BCU boundary: 2 (placed by their coordinates within 20 m of another BCU's boundary: check which BCU they belong to)."
        ),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| placement/edges.csv | 6 | 6 | 0 | 2 | 2 |"),
        "{}",
        md.stdout
    );
}
