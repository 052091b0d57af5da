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
