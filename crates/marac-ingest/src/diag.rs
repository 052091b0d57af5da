//! Diagnostics: what was wrong with an input, where, and what was done.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// Whether the row was rejected or kept with a field treated as missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row was rejected: a required field was missing or invalid.
    Rejected,
    /// The row was kept; the named field was treated as SPEC says.
    Warning,
}

/// One finding about one input row (or the file's header, line 1).
///
/// Displayed on one line as `file:line: field: reason`; for a row of a
/// workbook, `file:sheet!row: field: reason`, where `row` is the sheet's
/// row number as the spreadsheet shows it.
///
/// The reason never quotes the value of a personal field (names, dates of
/// birth, addresses, postcodes, coordinates, free text): see
/// [`marac_model::is_personal_field`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Input name as given (`<stdin>` for standard input).
    pub file: Arc<str>,
    /// The sheet, for a row of a workbook (then `line` is its row number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<Arc<str>>,
    /// 1-based line where the record starts (a workbook's row number).
    pub line: u64,
    /// The canonical field (or source column) concerned, if any.
    pub field: Option<String>,
    /// Rejected or warning.
    pub severity: Severity,
    /// What is wrong, in words a coordinator can act on.
    pub reason: String,
}

impl Diagnostic {
    /// Where in the file: the line (`14`), or for a workbook the sheet and
    /// row (`ASB cases!14`). What a rejects file's `line` column can hold.
    pub fn at(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{sheet}!{}", self.line),
            None => self.line.to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.at())?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.reason)
    }
}
