//! Fast canonical CSV rows: the same bytes as writing
//! [`Incident::canonical_fields`] with the `csv` crate's default writer
//! (fields quoted only when they hold a comma, a double quote, CR or LF;
//! quotes doubled; `\n` line ends), without allocating 32 strings per row.
//! A test checks the two agree.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use marac_model::{DatePrecision, Incident, PersonDetails, Postcode, RecordDate};

/// Whether a field holds a byte that forces quoting: `,` `"` CR or LF
/// (eight bytes at a time).
fn needs_quote(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has = |x: u64, c: u8| {
        let v = x ^ (ONES * c as u64);
        v.wrapping_sub(ONES) & !v & HIGH != 0
    };
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let x = u64::from_le_bytes(b);
        if has(x, b',') || has(x, b'"') || has(x, b'\n') || has(x, b'\r') {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Appends one field (with its leading comma unless it is the first).
fn field(out: &mut Vec<u8>, first: bool, s: &[u8]) {
    if !first {
        out.push(b',');
    }
    if needs_quote(s) {
        out.push(b'"');
        for &b in s {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s);
    }
}

fn digits(out: &mut Vec<u8>, n: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = buf.len() - i;
    for _ in len..width {
        out.push(b'0');
    }
    out.extend_from_slice(&buf[i..]);
}

fn date(out: &mut Vec<u8>, d: NaiveDate) {
    let y = d.year();
    if (0..=9999).contains(&y) {
        digits(out, y as u32, 4);
    } else {
        // Outside the range the model ever produces; keep chrono's form.
        out.extend_from_slice(format!("{:04}", y).as_bytes());
    }
    out.push(b'-');
    digits(out, d.month(), 2);
    out.push(b'-');
    digits(out, d.day(), 2);
}

fn time(out: &mut Vec<u8>, t: NaiveTime) {
    digits(out, t.hour(), 2);
    out.push(b':');
    digits(out, t.minute(), 2);
    out.push(b':');
    digits(out, t.second(), 2);
}

fn record_date(out: &mut Vec<u8>, r: &RecordDate) {
    match (r.precision, r.time) {
        (DatePrecision::Month, _) => {
            let y = r.date.year();
            if (0..=9999).contains(&y) {
                digits(out, y as u32, 4);
            } else {
                out.extend_from_slice(format!("{:04}", y).as_bytes());
            }
            out.push(b'-');
            digits(out, r.date.month(), 2);
        }
        (DatePrecision::Day, None) => date(out, r.date),
        (DatePrecision::Day, Some(t)) => {
            date(out, r.date);
            out.push(b'T');
            time(out, t);
        }
    }
}

fn text(out: &mut Vec<u8>, s: &Option<String>) {
    field(out, false, s.as_deref().unwrap_or("").as_bytes());
}

fn postcode(out: &mut Vec<u8>, p: &Option<Postcode>) {
    field(
        out,
        false,
        p.as_ref().map(|p| p.as_str()).unwrap_or("").as_bytes(),
    );
}

/// Appends one incident as a CSV record, with its line end.
pub(crate) fn write_row(out: &mut Vec<u8>, inc: &Incident, buf: &mut String) {
    let empty = PersonDetails::default();
    let v = inc.victim.as_deref().unwrap_or(&empty);
    let s = inc.suspect.as_deref().unwrap_or(&empty);
    field(out, true, inc.id.as_bytes());
    field(out, false, inc.source.as_bytes());
    field(out, false, inc.kind.as_str().as_bytes());
    // Dates, kind and numbers never need quoting.
    out.push(b',');
    record_date(out, &inc.reported);
    out.push(b',');
    if let Some(o) = &inc.occurred {
        record_date(out, o);
    }
    field(out, false, inc.area.as_deref().unwrap_or("").as_bytes());
    match (inc.wgs84, inc.bng) {
        (Some(ll), _) => {
            buf.clear();
            let _ = write!(buf, ",{:.6},{:.6},,", ll.lat, ll.lon);
            out.extend_from_slice(buf.as_bytes());
        }
        (None, Some(b)) => {
            buf.clear();
            let _ = write!(buf, ",,,{:.0},{:.0}", b.easting, b.northing);
            out.extend_from_slice(buf.as_bytes());
        }
        (None, None) => out.extend_from_slice(b",,,,"),
    }
    text(out, &inc.location_text);
    postcode(out, &inc.postcode);
    for (p, victim) in [(v, true), (s, false)] {
        text(out, &p.reference);
        text(out, &p.first_name);
        text(out, &p.last_name);
        out.push(b',');
        if let Some(d) = p.dob {
            date(out, d);
        }
        text(out, &p.address);
        postcode(out, &p.postcode);
        if victim {
            text(out, &p.phone);
        }
    }
    out.push(b',');
    for (i, x) in inc.vulnerabilities.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(x.as_str().as_bytes());
    }
    out.push(b',');
    for (i, x) in inc.hate_strands.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(x.as_str().as_bytes());
    }
    text(out, &inc.category);
    out.push(b',');
    if let Some(h) = inc.harm {
        digits(out, h as u32, 1);
    }
    field(
        out,
        false,
        match inc.children_present {
            Some(true) => b"yes",
            Some(false) => b"no",
            None => b"",
        },
    );
    text(out, &inc.summary);
    text(out, &inc.outcome);
    out.push(b'\n');
}
