//! An input's header and first rows as text, without validating anything:
//! what header recognition ([`crate::recognise_input`]) and profile drafts
//! ([`crate::draft`]) read.

use std::collections::HashMap;
use std::sync::Arc;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::workbook::{cell_text, CellKind, Sheet};
use crate::{At, IngestError, InputFormat, Profile};

/// Column names looked up as the readers do: trimmed, and ignoring case
/// when no name matches exactly; the first of equal names wins.
pub(crate) struct HeaderIndex<'a> {
    exact: HashMap<&'a str, usize>,
    folded: HashMap<String, usize>,
}

/// A column name as compared ignoring case: trimmed, lower case.
pub(crate) fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

impl<'a> HeaderIndex<'a> {
    pub fn new(names: &'a [String]) -> Self {
        let mut exact = HashMap::with_capacity(names.len());
        let mut folded = HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            exact.entry(n.trim()).or_insert(i);
            folded.entry(fold(n)).or_insert(i);
        }
        HeaderIndex { exact, folded }
    }

    /// The index of a column.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.exact
            .get(name.trim())
            .or_else(|| self.folded.get(&fold(name)))
            .copied()
    }
}

/// The line a CSV record's first field is on. The reader dates a record
/// from where it began reading, before the blank lines it skips; count them.
pub(crate) fn record_line(body: &[u8], pos: Option<&csv::Position>) -> u64 {
    let Some(pos) = pos else { return 1 };
    let mut line = pos.line();
    let rest = body.get(pos.byte() as usize..).unwrap_or(&[]);
    let mut bytes = rest
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .peekable();
    while let Some(b) = bytes.next() {
        // `\r\n` is one line end, a lone `\r` another.
        if *b == b'\n' || bytes.peek() != Some(&&b'\n') {
            line += 1;
        }
    }
    line
}

/// Where an input's header is: a profile's `sheet` and `header_row`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout<'a> {
    /// The workbook sheet (`None`: the first).
    pub sheet: Option<&'a str>,
    /// The header's row (CSV: line), 1-based.
    pub header_row: u32,
}

impl Default for Layout<'_> {
    fn default() -> Self {
        Layout {
            sheet: None,
            header_row: 1,
        }
    }
}

impl<'a> Layout<'a> {
    /// The layout a profile reads.
    pub fn of(profile: &'a Profile) -> Layout<'a> {
        Layout {
            sheet: profile.sheet.as_deref(),
            header_row: profile.header_row,
        }
    }
}

/// An input's header and first rows, every cell as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names, trimmed, in the input's order (JSON Lines: the keys
    /// in the order they first appear).
    pub header: Vec<String>,
    /// Rows, each as wide as the header (missing cells empty).
    pub rows: Vec<Vec<String>>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The header's row (CSV: line), 1-based; 1 for JSON Lines.
    pub header_row: u32,
}

/// The header of an input where `layout` puts it: a CSV header (trimmed),
/// the keys of the first JSON object, or a workbook sheet's header row.
pub fn read_header(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    layout: Layout<'_>,
) -> Result<Vec<String>, IngestError> {
    read_table(name, bytes, format, layout, 0).map(|t| t.header)
}

/// The header and the first `max_rows` rows of an input, as text (a
/// workbook's cells as [`crate::Ingester`] reads them, but with no column
/// known to hold dates, so serial numbers stay numbers). Nothing is
/// validated; a CSV's invalid UTF-8 is replaced.
pub fn read_table(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    layout: Layout<'_>,
    max_rows: usize,
) -> Result<Table, IngestError> {
    let file: Arc<str> = Arc::from(name);
    let header_row = layout.header_row.max(1);
    let mut table = match format {
        InputFormat::Csv => csv_table(&file, bytes, header_row, max_rows)?,
        InputFormat::JsonLines => json_table(&file, bytes, max_rows)?,
        InputFormat::Workbook => {
            let sheet = Sheet::open(bytes, layout.sheet, header_row)
                .map_err(|e| e.into_ingest_error(&file))?;
            let rows = sheet
                .data_rows()
                .take(max_rows)
                .map(|(_, cells)| cells.iter().map(|c| cell_text(c, CellKind::Text)).collect())
                .collect();
            Table {
                header: sheet.header_texts(),
                rows,
                sheet: Some(sheet.name),
                header_row,
            }
        }
    };
    let width = table.header.len();
    for row in &mut table.rows {
        row.resize(width, String::new());
    }
    Ok(table)
}

fn csv_table(
    file: &Arc<str>,
    bytes: &[u8],
    header_row: u32,
    max_rows: usize,
) -> Result<Table, IngestError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let text = |rec: &csv::ByteRecord| -> Vec<String> {
        rec.iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    };
    let mut rec = csv::ByteRecord::new();
    let mut header = None;
    let mut rows = Vec::new();
    let mut failed = None;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            // A sample stops at the first unreadable record.
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
        if header.is_none() {
            if record_line(body, rec.position()) >= u64::from(header_row) {
                header = Some(text(&rec));
            }
            continue;
        }
        if rows.len() >= max_rows {
            break;
        }
        rows.push(text(&rec));
    }
    let Some(header) = header else {
        let at = At {
            file,
            sheet: None,
            line: u64::from(header_row),
        };
        return Err(at.error(
            None,
            match failed {
                Some(e) => format!("unreadable header: {e}"),
                None => format!("no header row: the input ends before line {header_row}"),
            },
        ));
    };
    Ok(Table {
        header,
        rows,
        sheet: None,
        header_row,
    })
}

/// A JSON object's members in the order written.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A JSON value as the row parser reads it.
fn json_text(v: &Value) -> String {
    match v {
        Value::Null | Value::Object(_) => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
        Value::Array(items) => items.iter().map(json_text).collect::<Vec<_>>().join(";"),
    }
}

fn json_table(file: &Arc<str>, bytes: &[u8], max_rows: usize) -> Result<Table, IngestError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut header: Vec<String> = Vec::new();
    let mut objects: Vec<Ordered> = Vec::new();
    // The header is the first object's keys; sampled rows add any others.
    for line in body.split(|b| *b == b'\n') {
        if objects.len() >= max_rows.max(1) {
            break;
        }
        if let Ok(obj) = serde_json::from_slice::<Ordered>(line) {
            objects.push(obj);
        }
    }
    if objects.is_empty() {
        let at = At {
            file,
            sheet: None,
            line: 1,
        };
        return Err(at.error(None, "no JSON object to read the keys from".into()));
    }
    for obj in &objects {
        for (k, _) in &obj.0 {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
        if max_rows == 0 {
            break;
        }
    }
    let rows = objects
        .iter()
        .take(max_rows)
        .map(|obj| {
            header
                .iter()
                .map(|k| {
                    obj.0
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| json_text(v))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Ok(Table {
        header: header.iter().map(|h| h.trim().to_string()).collect(),
        rows,
        sheet: None,
        header_row: 1,
    })
}
