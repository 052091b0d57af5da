//! Profiles recognised by their header.

use super::workbooks::{council_xlsx, COUNCIL_PROFILE};
use crate::{
    read_header, read_table, recognise, recognise_input, HeaderFit, IngestError, IngestOptions,
    Ingester, InputFormat, Layout, Profile, RecogniseError,
};

fn header(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

const POLICE_UK: &[&str] = &[
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
];

#[test]
fn each_builtin_recognises_its_own_header() {
    let all = Profile::builtins();
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["canonical", "police-uk", "febrl", "splink-fake"]);
    let febrl = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, \
                 postcode, state, date_of_birth, soc_sec_id";
    let febrl: Vec<&str> = febrl.split(',').collect();
    for (cols, expected) in [
        (marac_model::FIELDS, "canonical"),
        // Only the required columns, and a few optional ones, in any case.
        (
            &["incident_id", "source", "kind", "reported_at"][..],
            "canonical",
        ),
        (
            &[
                "Reported_At",
                " kind",
                "SOURCE",
                "incident_id",
                "victim_dob",
                "borough",
            ],
            "canonical",
        ),
        (POLICE_UK, "police-uk"),
        (&febrl, "febrl"),
        (
            &[
                "unique_id",
                "first_name",
                "surname",
                "dob",
                "city",
                "email",
                "cluster",
            ],
            "splink-fake",
        ),
    ] {
        let got = recognise(&header(cols), &all).map(|p| p.name.as_str());
        assert_eq!(got, Ok(expected), "{cols:?}");
    }
}

#[test]
fn a_header_matching_none_names_every_candidate_and_the_closest() {
    let all = Profile::builtins();
    // A canonical export with a column of its own.
    let e = recognise(
        &header(&["incident_id", "source", "kind", "reported_at", "Officer"]),
        &all,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the header matches none of the profiles tried (canonical, police-uk, febrl, \
         splink-fake); name the one to read it with (closest: canonical, which does not read \
         columns Officer)"
    );
    // A police file without its month.
    let without: Vec<&str> = POLICE_UK
        .iter()
        .copied()
        .filter(|c| *c != "Month")
        .collect();
    let e = recognise(&header(&without), &all).unwrap_err();
    assert_eq!(
        e,
        RecogniseError::NoMatch {
            candidates: ["canonical", "police-uk", "febrl", "splink-fake"]
                .map(String::from)
                .to_vec(),
            closest: Some((
                "police-uk".into(),
                HeaderFit {
                    missing: vec!["Month".into()],
                    ..HeaderFit::default()
                }
            )),
        }
    );
    assert!(e
        .to_string()
        .ends_with("(closest: police-uk, which lacks columns Month)"));
    assert_eq!(
        recognise(&header(&["a"]), &[]).unwrap_err().to_string(),
        "no profile to recognise the header with"
    );
}

#[test]
fn a_header_matching_two_profiles_names_both() {
    let housing = Profile::from_toml(
        "housing.toml",
        "ignore_unknown_columns = true\n[columns]\nincident_id = \"Case Ref\"\n\
         reported_at = \"Date Logged\"\n[constants]\nsource = \"housing\"\nkind = \"asb\"\n",
    )
    .unwrap();
    let council = Profile::from_toml(
        "council.toml",
        "name = \"council\"\nignore_unknown_columns = true\n[columns]\nincident_id = \"case ref\"\n\
         reported_at = \"Date Logged\"\nvictim_last_name = \"Surname\"\n\
         [constants]\nsource = \"council\"\nkind = \"asb\"\n",
    )
    .unwrap();
    let candidates = [Profile::canonical(), housing, council];
    let h = header(&["Case Ref", "Date Logged", "Surname", "Notes"]);
    let e = recognise(&h, &candidates).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the header matches several profiles (housing.toml, council); name the one to read it with"
    );
    // Without the surname only the housing profile fits.
    let h = header(&["Case Ref", "Date Logged", "Notes"]);
    assert_eq!(recognise(&h, &candidates).unwrap().name, "housing.toml");
}

#[test]
fn inputs_are_recognised_where_each_profile_puts_its_header() {
    let council = Profile::from_toml("council.toml", COUNCIL_PROFILE).unwrap();
    let mut candidates = Profile::builtins();
    candidates.push(council);
    // The council's workbook has a column its profile does not read.
    let xlsx = council_xlsx();
    let e = recognise_input("c.xlsx", &xlsx, InputFormat::Workbook, &candidates).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("(closest: council, which does not read columns Officer)"),
        "{e}"
    );
    // Told to ignore it, it matches: the canonical profile looks at the
    // first sheet's first row, the council's at row 3 of "ASB cases".
    let ignoring = COUNCIL_PROFILE.replace(
        "header_row = 3",
        "header_row = 3\nignore_unknown_columns = true",
    );
    candidates[4] = Profile::from_toml("council.toml", &ignoring).unwrap();
    let p = recognise_input("c.xlsx", &xlsx, InputFormat::Workbook, &candidates).unwrap();
    assert_eq!(p.name, "council");
    let canonical_csv = b"incident_id,source,kind,reported_at\nA,x,asb,2026-01-01\n";
    let p = recognise_input("w.csv", canonical_csv, InputFormat::Csv, &candidates).unwrap();
    assert_eq!(p.name, "canonical");
    let jsonl = b"{\"incident_id\":\"A\",\"source\":\"x\",\"kind\":\"asb\",\"reported_at\":\"2026-01-01\"}\n";
    let p = recognise_input("w.jsonl", jsonl, InputFormat::JsonLines, &candidates).unwrap();
    assert_eq!(p.name, "canonical");
    // None fits: the error names the input and the candidates.
    let e = recognise_input("x.csv", b"a,b\n1,2\n", InputFormat::Csv, &candidates).unwrap_err();
    assert!(matches!(e, IngestError::Unrecognised { .. }));
    assert!(
        e.to_string().starts_with(
            "x.csv: the header matches none of the profiles tried (canonical, police-uk, \
             febrl, splink-fake, council)"
        ),
        "{e}"
    );
    // Without the council's profile, the closest candidate is one whose
    // sheet was there to read.
    let e = recognise_input("c.xlsx", &xlsx, InputFormat::Workbook, &candidates[..4]).unwrap_err();
    assert!(
        e.to_string().ends_with("(closest: canonical, which lacks columns incident_id, source, kind, reported_at and does not read columns Exported weekly)"),
        "{e}"
    );
    // An input unreadable wherever any candidate looks is its own error.
    let e = recognise_input(
        "bad.xlsx",
        b"PK\x03\x04",
        InputFormat::Workbook,
        &candidates,
    )
    .unwrap_err();
    assert!(matches!(e, IngestError::Input(_)), "{e}");
}

#[test]
fn headers_and_samples_of_each_format() {
    let csv = "\u{feff}Export of 20/11/2026\n\nCase Ref , Type\nA,Noise\nB\nC,Hate,extra\n";
    let layout = Layout {
        sheet: None,
        header_row: 3,
    };
    let t = read_table("h.csv", csv.as_bytes(), InputFormat::Csv, layout, 10).unwrap();
    assert_eq!(t.header, ["Case Ref", "Type"]);
    assert_eq!(t.rows, [["A", "Noise"], ["B", ""], ["C", "Hate"]]);
    let t = read_table("h.csv", csv.as_bytes(), InputFormat::Csv, layout, 1).unwrap();
    assert_eq!(t.rows.len(), 1);
    let jsonl = "{\"b\":1,\"a\":[\"x\",\"y\"]}\nnot json\n{\"c\":true,\"a\":null}\n";
    let t = read_table(
        "h.jsonl",
        jsonl.as_bytes(),
        InputFormat::JsonLines,
        Layout::default(),
        5,
    )
    .unwrap();
    assert_eq!(t.header, ["b", "a", "c"]);
    assert_eq!(t.rows, [["1", "x;y", ""], ["", "", "yes"]]);
    // The header alone: the first object's keys, in its order.
    assert_eq!(
        read_header(
            "h.jsonl",
            jsonl.as_bytes(),
            InputFormat::JsonLines,
            Layout::default()
        )
        .unwrap(),
        ["b", "a"]
    );
    let council = Profile::from_toml("council.toml", COUNCIL_PROFILE).unwrap();
    let t = read_table(
        "c.xlsx",
        &council_xlsx(),
        InputFormat::Workbook,
        Layout::of(&council),
        2,
    )
    .unwrap();
    assert_eq!(t.sheet.as_deref(), Some("ASB cases"));
    assert_eq!(t.header_row, 3);
    assert_eq!(
        t.header[..3],
        ["Case Ref", "Date Received", "Incident Date"]
    );
    // Typed dates become ISO text, serial numbers stay numbers here.
    assert_eq!(t.rows[0][1..3], ["2026-11-16", "2026-11-14T22:30:00"]);
    assert_eq!(t.rows[1][1..3], ["46343", "46341.75"]);
    let e = read_header("e.csv", b"a\n", InputFormat::Csv, layout).unwrap_err();
    assert_eq!(
        e.to_string(),
        "e.csv:3: no header row: the input ends before line 3"
    );
}

#[test]
fn a_csv_header_below_title_lines() {
    let profile = Profile::from_toml("t", "header_row = 3\n").unwrap();
    let csv = "Weekly export,,,\n\"run on\nTuesday\",,,\nincident_id,source,kind,reported_at\nA,x,asb,2026-11-02\nB,x,nope,2026-11-02\n";
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes_as("t.csv", csv.as_bytes(), InputFormat::Csv, &profile)
        .unwrap();
    let out = ing.finish();
    assert_eq!((out.read(), out.accepted()), (2, 1));
    // Line numbers count every line above (the quoted title spans two).
    assert_eq!(out.incidents[0].origin.line, 5);
    assert_eq!(out.rejects[0].line, 6);
    let mut ing = Ingester::new(IngestOptions::default());
    let e = ing
        .add_bytes_as("t.csv", b"a\nb\n", InputFormat::Csv, &profile)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.csv:3: no header row: the input ends before line 3"
    );
    let e = Profile::from_toml("t", "header_row = 0\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "profile t: header_row = 0: a row number from 1"
    );
}
