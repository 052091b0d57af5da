//! Workbooks read directly: a named sheet, a header below title rows, dates
//! typed as dates, as Excel serial numbers and as text.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::{Ingest, IngestError, IngestOptions, Ingester, InputFormat, Profile};

/// The council's profile: the second sheet, the header on row 3.
pub(super) const COUNCIL_PROFILE: &str = r#"
name = "council"
sheet = "ASB cases"
header_row = 3
[columns]
incident_id = "Case Ref"
reported_at = "Date Received"
occurred_at = "Incident Date"
kind = "Type"
victim_last_name = "Surname"
victim_dob = "DOB"
harm = "Harm"
easting = "Easting"
northing = "Northing"
children_present = "Children"
[constants]
source = "council-asb"
[values.kind]
"Noise nuisance" = "asb"
"Hate incident" = "hate"
[dates]
formats = ["%d/%m/%Y"]
"#;

/// A council workbook: a notes sheet first, then "ASB cases" with two
/// title rows, the header on row 3, and rows whose dates are typed dates,
/// serial numbers and day-first text; its last row repeats the first's id.
pub(super) fn council_xlsx() -> Vec<u8> {
    council_workbook(true)
}

/// The council workbook, with or without its last row (a repeated id).
pub(super) fn council_workbook(repeated_id: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Exported weekly").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("ASB cases").unwrap();
    sheet
        .write_string(0, 0, "Council ASB cases, week 47")
        .unwrap();
    let header = [
        "Case Ref",
        "Date Received",
        "Incident Date",
        "Type",
        "Surname",
        "DOB",
        "Harm",
        "Easting",
        "Northing",
        "Children",
        "Officer",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    // Row 4: typed dates everywhere.
    sheet.write_string(3, 0, "ASB-101").unwrap();
    sheet
        .write_datetime_with_format(3, 1, day(2026, 11, 16), &date)
        .unwrap();
    sheet
        .write_datetime_with_format(3, 2, day(2026, 11, 14).and_hms(22, 30, 0).unwrap(), &when)
        .unwrap();
    sheet.write_string(3, 3, "Noise nuisance").unwrap();
    sheet.write_string(3, 4, "Zebedee-Quarrington").unwrap();
    sheet
        .write_datetime_with_format(3, 5, day(1941, 2, 27), &date)
        .unwrap();
    sheet.write_number(3, 6, 3.0).unwrap();
    sheet.write_number(3, 7, 529_090.0).unwrap();
    sheet.write_number(3, 8, 181_680.5).unwrap();
    sheet.write_boolean(3, 9, true).unwrap();
    sheet.write_string(3, 10, "PC Example").unwrap();
    // Row 5: Excel serial numbers, unformatted (2026-11-17; 2026-11-15
    // 18:00; 1958-07-03).
    sheet.write_string(4, 0, "ASB-102").unwrap();
    sheet.write_number(4, 1, 46_343.0).unwrap();
    sheet.write_number(4, 2, 46_341.75).unwrap();
    sheet.write_string(4, 3, "Hate incident").unwrap();
    sheet.write_number(4, 5, 21_369.0).unwrap();
    sheet.write_string(4, 9, "no").unwrap();
    // Row 6 is blank. Row 7: dates as day-first text; a date of birth that
    // is no date.
    sheet.write_string(6, 0, "ASB-103").unwrap();
    sheet.write_string(6, 1, "18/11/2026").unwrap();
    sheet.write_string(6, 2, " 17/11/2026 ").unwrap();
    sheet.write_string(6, 3, "noise NUISANCE").unwrap();
    sheet.write_string(6, 4, "Okafor").unwrap();
    sheet.write_string(6, 5, "31/02/1990").unwrap();
    // Row 8: a kind the profile does not map. Row 9: ASB-101 again.
    sheet.write_string(7, 0, "ASB-104").unwrap();
    sheet.write_number(7, 1, 46_344.0).unwrap();
    sheet.write_string(7, 3, "Graffiti").unwrap();
    if repeated_id {
        sheet.write_string(8, 0, "ASB-101").unwrap();
        sheet.write_number(8, 1, 46_344.0).unwrap();
        sheet.write_string(8, 3, "Noise nuisance").unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn council() -> Profile {
    Profile::from_toml("council.toml", COUNCIL_PROFILE).unwrap()
}

fn read(name: &str, bytes: &[u8], profile: &Profile) -> Result<Ingest, IngestError> {
    let mut ing = Ingester::new(IngestOptions::default());
    ing.add_bytes_as(name, bytes, InputFormat::Workbook, profile)?;
    Ok(ing.finish())
}

#[test]
fn a_council_workbook_reads_row_by_row() {
    let out = read("council.xlsx", &council_xlsx(), &council()).unwrap();
    assert_eq!(
        (out.read(), out.accepted(), out.rejected()),
        (5, 3, 2),
        "{:?}",
        out.rejects
    );
    assert_eq!(out.files[0].sheet.as_deref(), Some("ASB cases"));
    let rows: Vec<String> = out
        .incidents
        .iter()
        .map(|i| {
            let v = i.victim.as_ref();
            format!(
                "{} {} {} {} {:?} {:?} {:?} {:?} {:?} line {}",
                i.id,
                i.kind.as_str(),
                i.reported.to_canonical(),
                i.occurred.map(|o| o.to_canonical()).unwrap_or_default(),
                v.and_then(|v| v.dob),
                i.harm,
                i.bng.map(|b| (b.easting, b.northing)),
                i.children_present,
                i.area.as_deref(),
                i.origin.line,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "ASB-101 asb 2026-11-16 2026-11-14T22:30:00 Some(1941-02-27) Some(3) \
             Some((529090.0, 181680.5)) Some(true) Some(\"Westminster\") line 4",
            "ASB-102 hate 2026-11-17 2026-11-15T18:00:00 Some(1958-07-03) None None \
             Some(false) None line 5",
            "ASB-103 asb 2026-11-18 2026-11-17 None None None None None line 7",
        ]
    );
    let lines = |d: &[crate::Diagnostic]| d.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(
        lines(&out.rejects),
        [
            "council.xlsx:ASB cases!8: kind: unknown value 'Graffiti'; accepted: asb, dispute, safeguarding, hate, crime",
            "council.xlsx:ASB cases!9: incident_id: duplicate incident_id 'ASB-101', first seen at council.xlsx:ASB cases!4",
        ]
    );
    assert_eq!(
        lines(&out.warnings),
        [
            "council.xlsx:ASB cases!3: columns not in the schema are ignored: Officer",
            "council.xlsx:ASB cases!7: victim_dob: not a real date in a known format (YYYY-MM-DD, DD/MM/YYYY …); treated as missing",
        ]
    );
    // JSON names the sheet apart; a CSV's diagnostics have no sheet key.
    let json = serde_json::to_value(&out.rejects[0]).unwrap();
    assert_eq!(json["sheet"], "ASB cases");
    assert_eq!(json["line"], 8);
    assert_eq!(out.rejects[0].at(), "ASB cases!8");
}

#[test]
fn the_same_workbook_gives_the_same_incidents_on_any_thread_count() {
    let bytes = council_xlsx();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| read("c.xlsx", &bytes, &council()).unwrap());
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| read("c.xlsx", &bytes, &council()).unwrap());
    assert_eq!(one.incidents, four.incidents);
    assert_eq!(one.rejects, four.rejects);
    assert_eq!(one.warnings, four.warnings);
}

#[test]
fn sheet_and_header_problems_are_input_errors() {
    let bytes = council_xlsx();
    let with = |extra: &str| {
        Profile::from_toml("p", &COUNCIL_PROFILE.replace("header_row = 3", extra)).unwrap()
    };
    let err = |p: &Profile| read("council.xlsx", &bytes, p).unwrap_err().to_string();
    let p = Profile::from_toml(
        "p",
        &COUNCIL_PROFILE.replace("sheet = \"ASB cases\"", "sheet = \"Cases\""),
    )
    .unwrap();
    assert_eq!(
        err(&p),
        "council.xlsx:1: no sheet 'Cases' in the workbook; its sheets: Notes, ASB cases"
    );
    // The sheet's name is matched ignoring case.
    let p = Profile::from_toml(
        "p",
        &COUNCIL_PROFILE.replace("sheet = \"ASB cases\"", "sheet = \"asb CASES\""),
    )
    .unwrap();
    assert_eq!(read("council.xlsx", &bytes, &p).unwrap().accepted(), 3);
    // The header is not on row 2, and the sheet ends at row 9.
    assert_eq!(
        err(&with("header_row = 2")),
        "council.xlsx:ASB cases!2: no header in row 2: the row is empty"
    );
    assert_eq!(
        err(&with("header_row = 40")),
        "council.xlsx:ASB cases!40: no header in row 40: the sheet ends at row 9"
    );
    // Row 1 as the header: the title, so the required columns are missing.
    assert!(err(&with("header_row = 1")).starts_with(
        "council.xlsx:ASB cases!1: incident_id: required column is missing \
         (mapped from column 'Case Ref' by profile council); columns found: Council ASB cases, week 47"
    ));
    // The first sheet by default.
    let p = Profile::from_toml("p", &COUNCIL_PROFILE.replace("sheet = \"ASB cases\"", "")).unwrap();
    assert_eq!(
        err(&p),
        "council.xlsx:Notes!3: no header in row 3: the sheet ends at row 1"
    );
}

#[test]
fn damaged_workbooks_are_input_errors_never_panics() {
    let bytes = council_xlsx();
    let profile = council();
    let expected = "not a readable workbook (damaged, password-protected, or not an \
                    .xlsx, .xlsm, .xlsb, .xls or .ods file)";
    for garbage in [
        &b""[..],
        b"PK\x03\x04",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        b"incident_id,source\n",
        &bytes[..bytes.len() / 2],
        &bytes[..bytes.len() - 30],
    ] {
        let e = read("bad.xlsx", garbage, &profile).unwrap_err();
        assert_eq!(e.to_string(), format!("bad.xlsx:1: {expected}"));
    }
    // Bytes flipped through the archive: an error or a reading, never a panic.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % b.len() as u64) as usize;
            b[at] = (seed >> 32) as u8;
        }
        if let Ok(out) = read("fuzz.xlsx", &b, &profile) {
            assert_eq!(out.read(), out.accepted() + out.rejected());
        }
    }
}

#[test]
fn workbook_extensions_and_content_sniffing() {
    use std::path::Path;
    for name in ["a.xlsx", "b.XLS", "c.ods", "d.xlsm", "e.xlsb"] {
        assert_eq!(
            InputFormat::from_path(Path::new(name)),
            InputFormat::Workbook
        );
    }
    assert_eq!(InputFormat::sniff(&council_xlsx()), InputFormat::Workbook);
    assert_eq!(InputFormat::sniff(b"{\"a\":1}"), InputFormat::JsonLines);
    assert_eq!(InputFormat::sniff(b"PKa,b\n"), InputFormat::Csv);
}

#[test]
fn directories_list_workbooks_but_not_lock_files() {
    let dir = std::env::temp_dir().join(format!("marac-ingest-wb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in [
        "b.csv", "a.xlsx", "~$a.xlsx", "c.ods", "d.jsonl", "e.txt", "f.xls",
    ] {
        std::fs::write(dir.join(f), b"x").unwrap();
    }
    let found = crate::expand_inputs(std::slice::from_ref(&dir)).unwrap();
    let names: Vec<String> = found
        .iter()
        .map(|s| match s {
            crate::InputSource::File(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
            crate::InputSource::Stdin => "-".into(),
        })
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(names, ["a.xlsx", "b.csv", "c.ods", "d.jsonl", "f.xls"]);
}

/// An OpenDocument workbook (fixtures/ingest, made with odfpy): typed
/// dates, a serial number and text dates, on its second sheet.
#[test]
fn an_opendocument_workbook_reads_as_an_excel_one() {
    let bytes = include_bytes!("../../../../fixtures/ingest/asc-referrals.ods");
    assert_eq!(InputFormat::sniff(bytes), InputFormat::Workbook);
    let profile = Profile::from_toml(
        "asc.toml",
        r#"
sheet = "Referrals"
header_row = 2
[columns]
incident_id = "Referral ID"
reported_at = "Date Received"
victim_last_name = "Client Surname"
victim_dob = "Client DOB"
harm = "Harm"
children_present = "Children"
borough = "Borough"
[constants]
source = "adult-social-care"
kind = "safeguarding"
[dates]
formats = ["%d/%m/%Y"]
"#,
    )
    .unwrap();
    let out = read("asc-referrals.ods", bytes, &profile).unwrap();
    assert_eq!((out.read(), out.accepted(), out.rejected()), (3, 3, 0));
    let rows: Vec<String> = out
        .incidents
        .iter()
        .map(|i| {
            format!(
                "{} {} {:?} {:?} {:?} {}",
                i.id,
                i.reported.to_canonical(),
                i.victim.as_ref().and_then(|v| v.dob),
                i.harm,
                i.children_present,
                i.bcu
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "ASC-1 2026-11-16 Some(1939-05-04) Some(4) Some(true) Central South",
            "ASC-2 2026-11-17 Some(1939-05-04) Some(2) Some(false) Central South",
            "ASC-3 2026-11-18 None None None Central South",
        ]
    );
    let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["asc-referrals.ods:Referrals!5: harm: '7' is not a whole number from 1 to 5; treated as missing"]
    );
}
