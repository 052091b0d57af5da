//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through calamine:
//! one sheet, its header row, and each row below it as the cell texts the
//! row parser reads, as a CSV export of the sheet would hold them.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{open_workbook_auto_from_rs, Data, ExcelDateTime, ExcelDateTimeType, Range, Reader};

use crate::IngestError;

/// How a cell becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// As written: strings trimmed, whole numbers without `.0`, cells typed
    /// as dates in ISO 8601.
    Text,
    /// A report date column: a number is an Excel serial date
    /// (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` when it has a time of day).
    DateTime,
    /// A date of birth column: a number is an Excel serial date, and only
    /// the date is kept.
    Date,
}

/// A sheet that could not be opened, or has no header where the profile
/// says.
#[derive(Debug)]
pub(crate) struct SheetError {
    /// The sheet, once known.
    pub sheet: Option<String>,
    /// The row concerned (1 for the workbook as a whole).
    pub line: u64,
    pub reason: String,
}

impl SheetError {
    pub fn into_ingest_error(self, file: &Arc<str>) -> IngestError {
        let sheet = self.sheet.map(|s| Arc::from(s.as_str()));
        let at = crate::At {
            file,
            sheet: sheet.as_ref(),
            line: self.line,
        };
        at.error(None, self.reason)
    }
}

/// One sheet of a workbook, with the position of its header.
pub(crate) struct Sheet {
    /// The sheet's name as the workbook spells it.
    pub name: String,
    /// The header's row number (1-based, as the spreadsheet shows it).
    pub header_line: u64,
    range: Range<Data>,
    /// Absolute index (0-based) of the range's first row.
    first_row: u32,
}

/// The sheet a profile asks for: exactly as spelt, else ignoring case and
/// surrounding spaces; no name asks for the first.
fn pick_sheet(names: &[String], wanted: Option<&str>) -> Result<String, SheetError> {
    let Some(first) = names.first() else {
        return Err(SheetError {
            sheet: None,
            line: 1,
            reason: "the workbook has no sheets".into(),
        });
    };
    let Some(wanted) = wanted else {
        return Ok(first.clone());
    };
    let folded = wanted.trim().to_lowercase();
    names
        .iter()
        .find(|n| *n == wanted)
        .or_else(|| names.iter().find(|n| n.trim().to_lowercase() == folded))
        .cloned()
        .ok_or_else(|| SheetError {
            sheet: None,
            line: 1,
            reason: format!(
                "no sheet '{wanted}' in the workbook; its sheets: {}",
                names.join(", ")
            ),
        })
}

impl Sheet {
    /// Opens a workbook's sheet (`None`: the first) and finds its header on
    /// row `header_row` (1-based).
    pub fn open(bytes: &[u8], sheet: Option<&str>, header_row: u32) -> Result<Sheet, SheetError> {
        // The reader parses untrusted archives and XML: should it ever
        // panic on a damaged file, that file is an input error, not a crash.
        let opened = std::panic::catch_unwind(|| Self::open_unguarded(bytes, sheet, header_row));
        opened.unwrap_or_else(|_| Err(unreadable(None)))
    }

    fn open_unguarded(
        bytes: &[u8],
        sheet: Option<&str>,
        header_row: u32,
    ) -> Result<Sheet, SheetError> {
        let mut book =
            open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| unreadable(None))?;
        let name = pick_sheet(&book.sheet_names(), sheet)?;
        let range = book
            .worksheet_range(&name)
            .map_err(|_| unreadable(Some(&name)))?;
        let header_line = u64::from(header_row.max(1));
        let no_header = |why: &str| SheetError {
            sheet: Some(name.clone()),
            line: header_line,
            reason: format!("no header in row {header_line}: {why}"),
        };
        let Some((first_row, _)) = range.start() else {
            return Err(no_header("the sheet is empty"));
        };
        let sheet = Sheet {
            name: name.clone(),
            header_line,
            range,
            first_row,
        };
        match sheet.row(header_line) {
            Some(cells) if !is_blank(cells) => Ok(sheet),
            _ => Err(no_header(&match sheet.last_line() {
                Some(last) if last < header_line => format!("the sheet ends at row {last}"),
                _ => "the row is empty".to_string(),
            })),
        }
    }

    /// The cells of a 1-based row, when the used range holds it.
    fn row(&self, line: u64) -> Option<&[Data]> {
        let index = usize::try_from(line.checked_sub(1 + u64::from(self.first_row))?).ok()?;
        self.range.rows().nth(index)
    }

    /// The last row of the used range (1-based).
    fn last_line(&self) -> Option<u64> {
        self.range.end().map(|(r, _)| u64::from(r) + 1)
    }

    /// The header's cells as trimmed text.
    pub fn header_texts(&self) -> Vec<String> {
        self.row(self.header_line)
            .unwrap_or(&[])
            .iter()
            .map(|c| cell_text(c, CellKind::Text))
            .collect()
    }

    /// The rows below the header with their row numbers, blank rows left
    /// out (as a CSV reader skips blank lines); every row is as wide as the
    /// header.
    pub fn data_rows(&self) -> impl Iterator<Item = (u64, &[Data])> + '_ {
        let skip =
            usize::try_from(self.header_line - u64::from(self.first_row)).unwrap_or(usize::MAX);
        let first = u64::from(self.first_row) + 1;
        self.range
            .rows()
            .enumerate()
            .skip(skip)
            .filter(|(_, cells)| !is_blank(cells))
            .map(move |(i, cells)| (first + i as u64, cells))
    }
}

fn unreadable(sheet: Option<&str>) -> SheetError {
    SheetError {
        sheet: sheet.map(str::to_string),
        line: 1,
        reason: match sheet {
            None => "not a readable workbook (damaged, password-protected, or not an \
                     .xlsx, .xlsm, .xlsb, .xls or .ods file)"
                .into(),
            Some(s) => format!("sheet '{s}' cannot be read (a damaged workbook?)"),
        },
    }
}

/// Whether every cell of a row is empty or blank text.
fn is_blank(cells: &[Data]) -> bool {
    cells.iter().all(|c| match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// The text of a cell, as the row parser expects it.
pub(crate) fn cell_text(cell: &Data, kind: CellKind) -> String {
    let serial = |v: f64| {
        let dt = ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false);
        datetime_text(&dt, kind).unwrap_or_else(|| number_text(v))
    };
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) if kind != CellKind::Text => serial(*i as f64),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if kind != CellKind::Text => serial(*f),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            datetime_text(dt, kind).unwrap_or_else(|| number_text(dt.as_f64()))
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) if kind == CellKind::Date => {
            s.split_once('T').map_or(s.as_str(), |(d, _)| d).to_string()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// An Excel date-time as ISO 8601: `YYYY-MM-DD` when it has no time of day
/// (or the column holds dates of birth), `YYYY-MM-DDTHH:MM:SS` otherwise,
/// and `HH:MM:SS` for a time alone (below 1: a time column joined to a
/// date column). `None` outside Excel's dates (below 0, after 9999).
fn datetime_text(dt: &ExcelDateTime, kind: CellKind) -> Option<String> {
    let v = dt.as_f64();
    if !(0.0..2_958_466.0).contains(&v) {
        return None;
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if v < 1.0 {
        return (kind != CellKind::Date).then(|| format!("{h:02}:{mi:02}:{s:02}"));
    }
    if kind == CellKind::Date || (h, mi, s) == (0, 0, 0) {
        Some(format!("{y:04}-{mo:02}-{d:02}"))
    } else {
        Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"))
    }
}

/// A number as a spreadsheet shows it: whole numbers without a decimal
/// point, others to at most 15 significant digits (so a stored
/// 0.30000000000000004 reads 0.3).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let shown: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(51.5074), "51.5074");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-0.1278), "-0.1278");
        assert_eq!(number_text(530_123.5), "530123.5");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn serial_dates() {
        let text = |v: f64, k| cell_text(&Data::Float(v), k);
        // 45235 is 2023-11-05 (days since 1899-12-30).
        assert_eq!(text(45235.0, CellKind::DateTime), "2023-11-05");
        assert_eq!(text(45235.5, CellKind::DateTime), "2023-11-05T12:00:00");
        assert_eq!(text(45235.4375, CellKind::DateTime), "2023-11-05T10:30:00");
        assert_eq!(text(45235.4375, CellKind::Date), "2023-11-05");
        assert_eq!(cell_text(&Data::Int(21_369), CellKind::Date), "1958-07-03");
        assert_eq!(text(0.75, CellKind::DateTime), "18:00:00");
        assert_eq!(text(0.75, CellKind::Date), "0.75");
        assert_eq!(text(-5.0, CellKind::DateTime), "-5");
        assert_eq!(text(45235.0, CellKind::Text), "45235");
        // 10:30 stored a hair under the minute still reads 10:30:00.
        assert_eq!(
            text(45235.0 + 0.4375 - 1e-11, CellKind::DateTime),
            "2023-11-05T10:30:00"
        );
    }

    #[test]
    fn typed_cells() {
        let dt = ExcelDateTime::new(45235.25, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(dt), CellKind::Text),
            "2023-11-05T06:00:00"
        );
        let iso = Data::DateTimeIso("1958-07-03T00:00:00".into());
        assert_eq!(cell_text(&iso, CellKind::Date), "1958-07-03");
        assert_eq!(cell_text(&iso, CellKind::Text), "1958-07-03T00:00:00");
        assert_eq!(cell_text(&Data::Bool(true), CellKind::Text), "true");
        assert_eq!(
            cell_text(&Data::String("  a b ".into()), CellKind::Text),
            "a b"
        );
        assert_eq!(cell_text(&Data::Empty, CellKind::DateTime), "");
    }
}
