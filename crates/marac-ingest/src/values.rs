//! Parsing of single values: report dates, dates of birth, numbers, flags.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use marac_model::{DatePrecision, RecordDate};

/// Earliest and latest years accepted for any date.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

fn in_range(d: NaiveDate) -> bool {
    use chrono::Datelike;
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

/// Parses a report date: ISO 8601 date, RFC 3339 date-time, an ISO local
/// date-time, or one of the profile's extra formats (a format without a day
/// gives month precision).
pub fn parse_record_date(s: &str, extra: &[String]) -> Result<RecordDate, String> {
    let s = s.trim();
    let day = |date: NaiveDate, time: Option<NaiveTime>| RecordDate {
        date,
        time,
        precision: DatePrecision::Day,
    };
    // Fast paths first: a plain YYYY-MM-DD, then chrono's FromStr parsers
    // (ISO 8601 without a format string to interpret; ingest reads a
    // million of these).
    if let Some(d) = plain_iso_date(s) {
        return checked(day(d, None));
    }
    if let Some(dt) = plain_iso_datetime(s) {
        return checked(day(dt.date(), Some(dt.time())));
    }
    if let Ok(d) = s.parse::<NaiveDate>() {
        return checked(day(d, None));
    }
    if !s.ends_with('Z') && s.get(19..).is_some_and(|t| !t.contains(['+', '-'])) {
        if let Ok(dt) = s.parse::<NaiveDateTime>() {
            return checked(day(dt.date(), Some(dt.time())));
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        // The local date and time as written: a report dated 23:30+01:00 on
        // the 1st was made on the 1st, whatever UTC says.
        let local = dt.naive_local();
        return checked(day(local.date(), Some(local.time())));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return checked(day(dt.date(), Some(dt.time())));
        }
    }
    for f in extra {
        if let Some(d) = parse_with_format(s, f) {
            return checked(d);
        }
    }
    Err(date_reason(s, extra))
}

/// `YYYY-MM-DD` exactly (ten ASCII characters), when a real date; what
/// chrono's `NaiveDate` parser gives for such text.
fn plain_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// `YYYY-MM-DDTHH:MM:SS` exactly, when real; what the ISO local date-time
/// path below gives for such text (leap seconds are left to that path).
fn plain_iso_datetime(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = plain_iso_date(s.get(..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(date.and_time(time))
}

fn checked(d: RecordDate) -> Result<RecordDate, String> {
    if in_range(d.date) {
        Ok(d)
    } else {
        Err(format!("year outside {MIN_YEAR}-{MAX_YEAR}"))
    }
}

/// Parses with one chrono format; formats without a day give month precision.
fn parse_with_format(s: &str, f: &str) -> Option<RecordDate> {
    let has_day = f.contains("%d") || f.contains("%e") || f.contains("%j");
    if !has_day {
        let d = NaiveDate::parse_from_str(&format!("{s}-01"), &format!("{f}-%d")).ok()?;
        return Some(RecordDate {
            date: d,
            time: None,
            precision: DatePrecision::Month,
        });
    }
    if f.contains("%H") {
        let dt = NaiveDateTime::parse_from_str(s, f).ok()?;
        return Some(RecordDate {
            date: dt.date(),
            time: Some(dt.time()),
            precision: DatePrecision::Day,
        });
    }
    NaiveDate::parse_from_str(s, f).ok().map(RecordDate::day)
}

/// Explains why a date did not parse: an impossible calendar date, or a format.
fn date_reason(s: &str, extra: &[String]) -> String {
    let b = s.as_bytes();
    let iso_shape = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if iso_shape {
        return format!("invalid date '{s}': not a calendar date");
    }
    let mut expected = String::from("YYYY-MM-DD or an RFC 3339 date-time");
    for f in extra {
        expected.push_str(&format!(" or '{f}'"));
    }
    format!("invalid date '{s}': expected {expected}")
}

/// Formats agencies use for dates of birth, tried in order (UK day-first).
const DOB_FORMATS: &[&str] = &[
    "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%Y%m%d", "%Y/%m/%d",
];

/// Parses a date of birth; `reported` bounds it (nobody is born after the report).
///
/// Reasons never quote the value: a date of birth identifies a person.
pub fn parse_dob(s: &str, extra: &[String], reported: NaiveDate) -> Result<NaiveDate, String> {
    let d = dob_date(s, extra).ok_or_else(|| {
        "not a real date in a known format (YYYY-MM-DD, DD/MM/YYYY …); treated as missing"
            .to_string()
    })?;
    if d > reported {
        return Err("after the report date; treated as missing".into());
    }
    if reported.signed_duration_since(d).num_days() > 120 * 366 {
        return Err("more than 120 years before the report; treated as missing".into());
    }
    Ok(d)
}

/// The date a date of birth's text names, in the first format that reads
/// it (ISO 8601, the UK formats, then `extra`), with no check of its range.
pub(crate) fn dob_date(s: &str, extra: &[String]) -> Option<NaiveDate> {
    let s = s.trim();
    let fast = plain_iso_date(s).or_else(|| s.parse::<NaiveDate>().ok());
    fast.into_iter()
        .chain(
            DOB_FORMATS
                .iter()
                .copied()
                .chain(extra.iter().map(String::as_str))
                .filter_map(|f| NaiveDate::parse_from_str(s, f).ok()),
        )
        .next()
}

/// Parses a finite number.
pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses `yes`/`no` and common spellings.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn report_dates() {
        assert_eq!(
            parse_record_date("2026-11-20", &[]).unwrap(),
            RecordDate::day(d(2026, 11, 20))
        );
        let r = parse_record_date("2026-11-20T23:30:00+01:00", &[]).unwrap();
        assert_eq!(r.date, d(2026, 11, 20));
        assert_eq!(r.time, NaiveTime::from_hms_opt(23, 30, 0));
        assert_eq!(
            parse_record_date("2026-11-20 08:15", &[]).unwrap().date,
            d(2026, 11, 20)
        );
        let m = parse_record_date("2017-02", &["%Y-%m".into()]).unwrap();
        assert_eq!((m.date, m.precision), (d(2017, 2, 1), DatePrecision::Month));
        let uk = parse_record_date("03/07/2024", &["%d/%m/%Y".into()]).unwrap();
        assert_eq!(uk.date, d(2024, 7, 3));
    }

    #[test]
    fn plain_iso_dates_as_chrono_reads_them() {
        for s in [
            "2026-11-20",
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "9999-12-31",
            "2026-13-01",
            "2026-00-10",
            "2026-1-100",
            "2026-11-2x",
            "+2026-11-2",
            "2026/11/20",
        ] {
            // None falls back to chrono; Some must be what chrono gives.
            let chrono = s.parse::<NaiveDate>().ok();
            assert!(
                plain_iso_date(s).is_none() || plain_iso_date(s) == chrono,
                "{s}"
            );
            if s.len() == 10 && chrono.is_none() {
                assert_eq!(plain_iso_date(s), None, "{s}");
            }
        }
    }

    #[test]
    fn plain_iso_datetimes_as_chrono_reads_them() {
        for s in [
            "2026-11-20T08:15:00",
            "2024-02-29T23:59:59",
            "2023-02-29T10:00:00",
            "2026-11-20T24:00:00",
            "2026-11-20T10:60:00",
            "2026-11-20T10:00:60",
            "2026-11-20 08:15:00",
            "2026-11-20T8:15:000",
            "2026-11-20t08:15:00",
        ] {
            let chrono = s.parse::<NaiveDateTime>().ok();
            assert!(
                plain_iso_datetime(s).is_none() || plain_iso_datetime(s) == chrono,
                "{s}"
            );
            if chrono.is_none() {
                assert_eq!(plain_iso_datetime(s), None, "{s}");
            }
        }
        assert!(plain_iso_datetime("2026-11-20T08:15:00").is_some());
    }

    #[test]
    fn report_date_errors() {
        assert_eq!(
            parse_record_date("2023-02-30", &[]).unwrap_err(),
            "invalid date '2023-02-30': not a calendar date"
        );
        assert_eq!(
            parse_record_date("last tuesday", &[]).unwrap_err(),
            "invalid date 'last tuesday': expected YYYY-MM-DD or an RFC 3339 date-time"
        );
        assert_eq!(
            parse_record_date("1850-01-01", &[]).unwrap_err(),
            "year outside 1900-2100"
        );
    }

    #[test]
    fn dates_of_birth() {
        let rep = d(2026, 1, 1);
        for s in [
            "1958-07-03",
            "03/07/1958",
            "3 Jul 1958",
            "03.07.1958",
            "19580703",
        ] {
            assert_eq!(parse_dob(s, &[], rep).unwrap(), d(1958, 7, 3), "{s}");
        }
        assert!(parse_dob("1958-02-30", &[], rep)
            .unwrap_err()
            .starts_with("not a real date"));
        assert_eq!(
            parse_dob("2030-01-01", &[], rep).unwrap_err(),
            "after the report date; treated as missing"
        );
        assert!(parse_dob("1890-01-01", &[], rep).is_err());
    }
}
