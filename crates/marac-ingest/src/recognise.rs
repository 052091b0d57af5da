//! Which profile reads an input, recognised from its header.
//!
//! A profile **matches** a header when
//!
//! 1. every column it names is in the header: its `[columns]` values, its
//!    `[join]` parts, its `[derive_id] from` columns and its `[truth]`
//!    column;
//! 2. every required field (`incident_id`, `source`, `kind`, `reported_at`)
//!    it does not map, join or set as a constant is in the header under its
//!    own name (`incident_id` need not be, with `[derive_id]`);
//! 3. unless it says `ignore_unknown_columns = true`, it reads every column
//!    of the header (a column it names, or a canonical field's own name for
//!    a field it leaves unmapped); columns with an empty name do not count.
//!
//! Names are compared trimmed and ignoring case, as the readers look them
//! up. So the canonical profile matches a header of canonical field names
//! holding at least the four required ones, whichever optional fields it
//! has; `police-uk` matches a data.police.uk street file whatever else it
//! holds. An input is read with the one candidate that matches; none, or
//! several, is an error that names them.
//!
//! ```
//! use marac_ingest::{recognise, Profile};
//! let header: Vec<String> = ["incident_id", "source", "kind", "reported_at", "borough"]
//!     .map(String::from)
//!     .to_vec();
//! let all = Profile::builtins();
//! assert_eq!(recognise(&header, &all).unwrap().name, "canonical");
//! let e = recognise(&header[..3], &all).unwrap_err();
//! assert!(e.to_string().starts_with("the header matches none of the profiles tried"));
//! ```

use std::fmt;

use crate::header::{fold, read_header, HeaderIndex, Layout};
use crate::{IngestError, InputFormat, Profile};

/// How a header fits one profile; it matches when nothing is missing,
/// unknown or unreadable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderFit {
    /// Columns the profile reads that the header lacks, as the profile
    /// names them.
    pub missing: Vec<String>,
    /// Header columns the profile would not read (only for a profile that
    /// does not ignore unknown columns).
    pub unknown: Vec<String>,
    /// Why no header could be read where the profile puts it (a workbook
    /// without the profile's sheet, say).
    pub unreadable: Option<String>,
}

impl HeaderFit {
    /// How `header` fits `profile` (rules in the module documentation).
    pub fn of(profile: &Profile, header: &[String]) -> HeaderFit {
        let index = HeaderIndex::new(header);
        let named = named_columns(profile);
        let mut missing: Vec<String> = named
            .iter()
            .filter(|c| index.find(c).is_none())
            .map(|c| c.to_string())
            .collect();
        let defaults = default_columns(profile);
        for (i, field) in marac_model::FIELDS.iter().enumerate().take(4) {
            let derivable = i == 0 && profile.derive_id.is_some();
            if defaults.contains(field) && !derivable && index.find(field).is_none() {
                missing.push(field.to_string());
            }
        }
        let mut unknown = Vec::new();
        if !profile.ignore_unknown_columns {
            let known: Vec<String> = named
                .iter()
                .chain(defaults.iter())
                .map(|c| fold(c))
                .collect();
            unknown = header
                .iter()
                .filter(|h| !h.trim().is_empty() && !known.contains(&fold(h)))
                .cloned()
                .collect();
        }
        HeaderFit {
            missing,
            unknown,
            unreadable: None,
        }
    }

    /// Whether the profile matches.
    pub fn matches(&self) -> bool {
        self.missing.is_empty() && self.unknown.is_empty() && self.unreadable.is_none()
    }

    /// How far from a match: unreadable is furthest.
    fn distance(&self) -> usize {
        match self.unreadable {
            Some(_) => usize::MAX,
            None => self.missing.len() + self.unknown.len(),
        }
    }
}

/// The columns a profile names: `[columns]` values, `[join]` parts,
/// `[derive_id] from` and the `[truth]` column, each once (ignoring case),
/// in that order.
fn named_columns(profile: &Profile) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let all = profile
        .columns
        .iter()
        .filter(|(f, _)| !profile.constants.contains_key(*f))
        .map(|(_, c)| c.as_str())
        .chain(profile.joins.values().flatten().map(String::as_str))
        .chain(
            profile
                .derive_id
                .iter()
                .flat_map(|d| d.from.iter().map(String::as_str)),
        )
        .chain(profile.truth.iter().map(|t| t.column.as_str()));
    for c in all {
        if !out.iter().any(|o| fold(o) == fold(c)) {
            out.push(c);
        }
    }
    out
}

/// The canonical fields a profile reads from a column of their own name:
/// those it neither maps, joins nor sets.
fn default_columns(profile: &Profile) -> Vec<&'static str> {
    marac_model::FIELDS
        .iter()
        .copied()
        .filter(|f| {
            !profile.columns.contains_key(*f)
                && !profile.joins.contains_key(*f)
                && !profile.constants.contains_key(*f)
        })
        .collect()
}

/// No candidate, or more than one, matches a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecogniseError {
    /// Several candidates match: the input must name its profile.
    Several {
        /// The names of the matching candidates, in candidate order.
        matching: Vec<String>,
    },
    /// No candidate matches.
    NoMatch {
        /// Every candidate's name, in candidate order.
        candidates: Vec<String>,
        /// The candidate nearest to a match (fewest missing and unknown
        /// columns; the first of equals), and how it fits.
        closest: Option<(String, HeaderFit)>,
    },
}

impl std::error::Error for RecogniseError {}

/// Names for a message: all of them up to eight, else the first six and
/// how many more.
fn listed(names: &[String]) -> String {
    if names.len() <= 8 {
        return names.join(", ");
    }
    format!("{} and {} more", names[..6].join(", "), names.len() - 6)
}

impl fmt::Display for RecogniseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecogniseError::Several { matching } => write!(
                f,
                "the header matches several profiles ({}); name the one to read it with",
                matching.join(", ")
            ),
            RecogniseError::NoMatch { candidates, .. } if candidates.is_empty() => {
                f.write_str("no profile to recognise the header with")
            }
            RecogniseError::NoMatch {
                candidates,
                closest,
            } => {
                write!(
                    f,
                    "the header matches none of the profiles tried ({}); name the one to read it with",
                    candidates.join(", ")
                )?;
                let Some((name, fit)) = closest else {
                    return Ok(());
                };
                if let Some(why) = &fit.unreadable {
                    return write!(f, " (closest: {name}, but {why})");
                }
                let mut parts = Vec::new();
                if !fit.missing.is_empty() {
                    parts.push(format!("lacks columns {}", listed(&fit.missing)));
                }
                if !fit.unknown.is_empty() {
                    parts.push(format!("does not read columns {}", listed(&fit.unknown)));
                }
                write!(f, " (closest: {name}, which {})", parts.join(" and "))
            }
        }
    }
}

/// Picks the candidate whose fit matches.
fn pick<'a>(candidates: &'a [Profile], fits: &[HeaderFit]) -> Result<&'a Profile, RecogniseError> {
    let matching: Vec<&Profile> = candidates
        .iter()
        .zip(fits)
        .filter(|(_, fit)| fit.matches())
        .map(|(p, _)| p)
        .collect();
    match matching[..] {
        [one] => Ok(one),
        [] => Err(RecogniseError::NoMatch {
            candidates: candidates.iter().map(|p| p.name.clone()).collect(),
            closest: candidates
                .iter()
                .zip(fits)
                .min_by_key(|(_, fit)| fit.distance())
                .map(|(p, fit)| (p.name.clone(), fit.clone())),
        }),
        _ => Err(RecogniseError::Several {
            matching: matching.iter().map(|p| p.name.clone()).collect(),
        }),
    }
}

/// The one candidate that matches a header (rules in the module
/// documentation); none or several is an error naming them.
pub fn recognise<'a>(
    header: &[String],
    candidates: &'a [Profile],
) -> Result<&'a Profile, RecogniseError> {
    let fits: Vec<HeaderFit> = candidates
        .iter()
        .map(|p| HeaderFit::of(p, header))
        .collect();
    pick(candidates, &fits)
}

/// The one candidate that matches an input's header, each candidate
/// reading the header where it puts it (a workbook's `sheet`, a CSV's or
/// workbook's `header_row`). An input that cannot be read at all is an
/// [`IngestError::Input`]; no match or several, [`IngestError::Unrecognised`].
pub fn recognise_input<'a>(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    candidates: &'a [Profile],
) -> Result<&'a Profile, IngestError> {
    // Each layout's header, read once, in the order first asked for.
    let mut headers: Vec<(Layout<'_>, Result<Vec<String>, IngestError>)> = Vec::new();
    let mut fits = Vec::with_capacity(candidates.len());
    for p in candidates {
        let layout = match format {
            InputFormat::JsonLines => Layout::default(),
            InputFormat::Csv => Layout {
                sheet: None,
                header_row: p.header_row,
            },
            InputFormat::Workbook => Layout::of(p),
        };
        let k = match headers.iter().position(|(l, _)| *l == layout) {
            Some(k) => k,
            None => {
                headers.push((layout, read_header(name, bytes, format, layout)));
                headers.len() - 1
            }
        };
        fits.push(match &headers[k].1 {
            Ok(h) => HeaderFit::of(p, h),
            Err(e) => HeaderFit {
                unreadable: Some(match e {
                    IngestError::Input(d) => d.reason.clone(),
                    other => other.to_string(),
                }),
                ..HeaderFit::default()
            },
        });
    }
    // Unreadable wherever any candidate looks: the input's own error.
    if headers.iter().all(|(_, h)| h.is_err()) {
        if let Some((_, Err(e))) = headers.into_iter().next() {
            return Err(e);
        }
    }
    pick(candidates, &fits).map_err(|error| IngestError::Unrecognised {
        file: name.to_string(),
        error: Box::new(error),
    })
}
