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
/// The reason never quotes the value of a personal field (names, dates of
/// birth, addresses, postcodes, coordinates, free text): see
/// [`marac_model::is_personal_field`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Input name as given (`<stdin>` for standard input).
    pub file: Arc<str>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The canonical field (or source column) concerned, if any.
    pub field: Option<String>,
    /// Rejected or warning.
    pub severity: Severity,
    /// What is wrong, in words a coordinator can act on.
    pub reason: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.reason)
    }
}
