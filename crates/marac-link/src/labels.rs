//! Clerical labels: pairs of records a person has looked at and called the
//! same person (`match`), two people (`not a match`) or `unsure`.
//!
//! Two CSV layouts are read (docs/LABELS.md):
//! - the review layout: for each side of a pair the record's incident id and
//!   role (the first two columns whose names contain `incident` — of them
//!   those containing `id` too, when two do — then the first two containing
//!   `role`: left side first) and a `label` column
//!   (`match`, `not a match`, `unsure`; empty: unlabelled), with optional
//!   `labeller` and `labelled_at` columns; other columns are ignored;
//! - Splink's clerical labels (`unique_id_l`, `unique_id_r`,
//!   `clerical_match_score`): the unique id is the incident id, the role is
//!   the victim, a score of at least 0.5 is a match, below it not a match.
//!
//! Parsing never fails because of one row: a row that cannot be read is
//! rejected with its line, column and reason (never the value of a personal
//! field; incident ids and roles are quoted), and read = accepted +
//! unlabelled + rejected. A pair labelled twice with different labels is a
//! conflict: both lines are reported and neither label is used.
//!
//! No I/O: the caller reads the file and passes its text.

use std::collections::BTreeMap;
use std::fmt;

pub use marac_model::LabelKind;
use marac_model::Role;

/// One side of a labelled pair: an incident id and a role.
pub type Side = (String, Role);

/// One label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The left record.
    pub left: Side,
    /// The right record.
    pub right: Side,
    /// What was said of the pair.
    pub kind: LabelKind,
    /// Who said it, when known.
    pub labeller: Option<String>,
    /// When (as written), when known.
    pub at: Option<String>,
}

impl Label {
    /// The pair with its sides in a fixed order (the smaller side first), so
    /// that a pair labelled left–right and right–left is one pair.
    pub fn pair(&self) -> (Side, Side) {
        if self.left <= self.right {
            (self.left.clone(), self.right.clone())
        } else {
            (self.right.clone(), self.left.clone())
        }
    }

    /// `INC-1/victim – INC-2/suspect`: how messages name the pair (ids and
    /// roles only).
    pub fn describe(&self) -> String {
        let (a, b) = self.pair();
        format!("{}/{} – {}/{}", a.0, a.1, b.0, b.1)
    }
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The column, by its header name (none for a row-level problem).
    pub column: Option<String>,
    /// Why (never a personal value).
    pub reason: String,
}

/// A pair labelled with different labels: neither is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The pair, as [`Label::describe`] names it.
    pub pair: String,
    /// Each line that labels it, with its label, in line order.
    pub lines: Vec<(usize, LabelKind)>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|(n, k)| format!("line {n} says {k}"))
            .collect();
        write!(
            f,
            "pair {} is labelled differently ({}); neither label is used",
            self.pair,
            lines.join(", ")
        )
    }
}

/// A whole file that cannot be read as labels (its header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct LabelsError {
    /// The file name.
    pub file: String,
    /// What is wrong.
    pub reason: String,
}

/// The labels of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelFile {
    /// The file name, for messages.
    pub file: String,
    /// Which layout was read: `review` or `splink`.
    pub layout: &'static str,
    /// Every label read, in file order.
    pub labels: Vec<Label>,
    /// The line of each label.
    pub lines: Vec<usize>,
    /// Data rows read.
    pub read: usize,
    /// Rows with an empty label (no label yet).
    pub unlabelled: usize,
    /// Rows that could not be read.
    pub rejected: Vec<Rejected>,
    /// Pairs labelled with different labels (neither used).
    pub conflicts: Vec<Conflict>,
}

impl LabelFile {
    /// Rows accepted as labels (`read = accepted + unlabelled + rejected`).
    pub fn accepted(&self) -> usize {
        self.labels.len()
    }

    /// `file:line: column: reason` of a rejected row.
    pub fn reject_line(&self, r: &Rejected) -> String {
        match &r.column {
            Some(c) => format!("{}:{}: {c}: {}", self.file, r.line, r.reason),
            None => format!("{}:{}: {}", self.file, r.line, r.reason),
        }
    }
}

/// Where the columns of a layout are.
enum Layout {
    Review {
        incident: [usize; 2],
        role: [usize; 2],
        label: usize,
        labeller: Option<usize>,
        at: Option<usize>,
    },
    Splink {
        id: [usize; 2],
        score: usize,
    },
}

fn find(headers: &[String], name: &str) -> Option<usize> {
    headers.iter().position(|h| h == name)
}

/// The first two columns whose names contain `part`; of them, those that
/// also contain `id` besides `part` when two do (`incident_id_l` before
/// `incident_date_l`).
fn first_two(headers: &[String], part: &str) -> Option<[usize; 2]> {
    let two = |also: &str| {
        let mut it = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.contains(part) && h.replace(part, "").contains(also))
            .map(|(i, _)| i);
        Some([it.next()?, it.next()?])
    };
    two("id").or_else(|| two(""))
}

fn layout(file: &str, headers: &[String]) -> Result<Layout, LabelsError> {
    let err = |reason: String| LabelsError {
        file: file.to_string(),
        reason,
    };
    if let (Some(l), Some(r), Some(score)) = (
        find(headers, "unique_id_l"),
        find(headers, "unique_id_r"),
        find(headers, "clerical_match_score"),
    ) {
        return Ok(Layout::Splink { id: [l, r], score });
    }
    let label = find(headers, "label");
    let incident = first_two(headers, "incident");
    let role = first_two(headers, "role");
    match (incident, role, label) {
        (Some(incident), Some(role), Some(label)) => Ok(Layout::Review {
            incident,
            role,
            label,
            labeller: find(headers, "labeller"),
            at: find(headers, "labelled_at"),
        }),
        _ => Err(err(
            "not a labels file: expected two columns naming an incident, two naming a role and a \
             `label` column (left side first), or Splink's unique_id_l, unique_id_r and \
             clerical_match_score"
                .to_string(),
        )),
    }
}

/// Reads labels from the text of a CSV file named `file`.
///
/// ```
/// use marac_link::labels::{parse, LabelKind};
/// let csv = "incident_id_l,role_l,incident_id_r,role_r,label\n\
///            A1,victim,A2,victim,match\n\
///            A1,victim,A3,suspect,not a match\n\
///            A2,victim,A3,victim,\n";
/// let f = parse("labels.csv", csv).unwrap();
/// assert_eq!((f.read, f.accepted(), f.unlabelled), (3, 2, 1));
/// assert_eq!(f.labels[1].kind, LabelKind::NotMatch);
/// ```
pub fn parse(file: &str, text: &str) -> Result<LabelFile, LabelsError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| LabelsError {
            file: file.to_string(),
            reason: format!("cannot read the header: {e}"),
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let layout = layout(file, &headers)?;
    let mut out = LabelFile {
        file: file.to_string(),
        layout: match layout {
            Layout::Review { .. } => "review",
            Layout::Splink { .. } => "splink",
        },
        ..LabelFile::default()
    };
    let name = |c: usize| headers[c].clone();
    for rec in rdr.records() {
        out.read += 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(out.read + 1, |p| p.line() as usize);
                out.rejected.push(Rejected {
                    line,
                    column: None,
                    reason: "not a CSV row".into(),
                });
                continue;
            }
        };
        let line = rec.position().map_or(out.read + 1, |p| p.line() as usize);
        let reject = |c: usize, reason: String| Rejected {
            line,
            column: Some(name(c)),
            reason,
        };
        let cell = |c: usize| rec.get(c).unwrap_or("").trim();
        let id = |c: usize| {
            let v = cell(c);
            if v.is_empty() {
                Err(reject(c, "empty incident id".into()))
            } else {
                Ok(v.to_string())
            }
        };
        let parsed: Result<Option<Label>, Rejected> = match &layout {
            Layout::Review {
                incident,
                role,
                label,
                labeller,
                at,
            } => (|| {
                let kind = LabelKind::parse(cell(*label)).map_err(|_| {
                    reject(
                        *label,
                        "not a label: match, not a match, unsure, or empty".into(),
                    )
                })?;
                let Some(kind) = kind else {
                    return Ok(None);
                };
                let role_of = |c: usize| {
                    Role::parse(cell(c)).map_err(|_| {
                        reject(c, format!("role '{}' is not victim or suspect", cell(c)))
                    })
                };
                let left = (id(incident[0])?, role_of(role[0])?);
                let right = (id(incident[1])?, role_of(role[1])?);
                let text =
                    |c: &Option<usize>| c.map(cell).filter(|v| !v.is_empty()).map(str::to_string);
                Ok(Some(Label {
                    left,
                    right,
                    kind,
                    labeller: text(labeller),
                    at: text(at),
                }))
            })(),
            Layout::Splink { id: ids, score } => (|| {
                let v = cell(*score);
                if v.is_empty() {
                    return Ok(None);
                }
                let s: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.0..=1.0).contains(s))
                    .ok_or_else(|| reject(*score, "not a score between 0 and 1".into()))?;
                Ok(Some(Label {
                    left: (id(ids[0])?, Role::Victim),
                    right: (id(ids[1])?, Role::Victim),
                    kind: if s >= 0.5 {
                        LabelKind::Match
                    } else {
                        LabelKind::NotMatch
                    },
                    labeller: None,
                    at: None,
                }))
            })(),
        };
        match parsed {
            Ok(Some(l)) if l.left == l.right => out.rejected.push(Rejected {
                line,
                column: None,
                reason: "a record labelled against itself".into(),
            }),
            Ok(Some(l)) => {
                out.labels.push(l);
                out.lines.push(line);
            }
            Ok(None) => out.unlabelled += 1,
            Err(r) => out.rejected.push(r),
        }
    }
    out.conflicts = conflicts(&out.labels, &out.lines);
    Ok(out)
}

/// The pairs labelled with different labels, in pair order, each with the
/// lines (or, without `lines`, the 1-based positions) that label it.
pub fn conflicts(labels: &[Label], lines: &[usize]) -> Vec<Conflict> {
    let mut by_pair: BTreeMap<(Side, Side), Vec<(usize, LabelKind)>> = BTreeMap::new();
    for (n, l) in labels.iter().enumerate() {
        let line = lines.get(n).copied().unwrap_or(n + 1);
        by_pair.entry(l.pair()).or_default().push((line, l.kind));
    }
    by_pair
        .into_iter()
        .filter(|(_, v)| v.iter().any(|x| x.1 != v[0].1))
        .map(|((a, b), lines)| Conflict {
            pair: format!("{}/{} – {}/{}", a.0, a.1, b.0, b.1),
            lines,
        })
        .collect()
}

/// The labels to use, from [`usable`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usable {
    /// One label a pair, `match` or `not a match`, in pair order.
    pub pairs: Vec<(Side, Side, LabelKind)>,
    /// Pairs labelled differently (neither label used).
    pub conflicting: usize,
    /// Pairs labelled `unsure` (not used).
    pub unsure: usize,
}

/// The labels to use: one per pair (a pair labelled twice the same way
/// counts once), pairs labelled differently left out (see [`conflicts`]),
/// `unsure` left out; in pair order, so that the result does not depend on
/// the order of the rows.
pub fn usable(labels: &[Label]) -> Usable {
    let mut by_pair: BTreeMap<(Side, Side), Vec<LabelKind>> = BTreeMap::new();
    for l in labels {
        by_pair.entry(l.pair()).or_default().push(l.kind);
    }
    let mut out = Usable::default();
    for ((a, b), kinds) in by_pair {
        if kinds.iter().any(|k| *k != kinds[0]) {
            out.conflicting += 1;
        } else if kinds[0] == LabelKind::Unsure {
            out.unsure += 1;
        } else {
            out.pairs.push((a, b, kinds[0]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_layout_counts_add_up_and_rejects_name_line_and_column() {
        let csv = "incident_id_l,role_l,incident_id_r,role_r,label,score,labeller\n\
                   A1,victim,A2,victim,match,0.9,ann\n\
                   A1,victim,A3,witness,match,0.9,ann\n\
                   A1,victim,A4,suspect,maybe,0.9,ann\n\
                   ,victim,A4,suspect,unsure,0.9,ann\n\
                   A2,victim,A2,victim,match,0.9,ann\n\
                   A5,suspect,A6,victim,Not_A_Match,0.1,\n\
                   A5,suspect,A7,victim,,0.1,\n";
        let f = parse("l.csv", csv).unwrap();
        assert_eq!(f.layout, "review");
        assert_eq!(f.read, 7);
        assert_eq!(
            f.read,
            f.accepted() + f.unlabelled + f.rejected.len(),
            "counts add up"
        );
        assert_eq!((f.accepted(), f.unlabelled, f.rejected.len()), (2, 1, 4));
        let lines: Vec<String> = f.rejected.iter().map(|r| f.reject_line(r)).collect();
        assert_eq!(
            lines,
            [
                "l.csv:3: role_r: role 'witness' is not victim or suspect",
                "l.csv:4: label: not a label: match, not a match, unsure, or empty",
                "l.csv:5: incident_id_l: empty incident id",
                "l.csv:6: a record labelled against itself",
            ]
        );
        assert_eq!(f.labels[0].labeller.as_deref(), Some("ann"));
        assert_eq!(f.labels[1].kind, LabelKind::NotMatch);
        assert_eq!(f.labels[1].labeller, None);
        assert_eq!(f.lines, [2, 7]);
    }

    #[test]
    fn splink_layout_reads_scores_as_victim_pairs() {
        let csv =
            "unique_id_l,source_dataset_l,unique_id_r,source_dataset_r,clerical_match_score\n\
                   0,fake_1000,1,fake_1000,1.0\n\
                   0,fake_1000,4,fake_1000,0.0\n\
                   2,fake_1000,4,fake_1000,0.5\n\
                   2,fake_1000,5,fake_1000,1.5\n";
        let f = parse("s.csv", csv).unwrap();
        assert_eq!(f.layout, "splink");
        let kinds: Vec<LabelKind> = f.labels.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [LabelKind::Match, LabelKind::NotMatch, LabelKind::Match]
        );
        assert_eq!(f.labels[0].left, ("0".to_string(), Role::Victim));
        assert_eq!(
            f.reject_line(&f.rejected[0]),
            "s.csv:5: clerical_match_score: not a score between 0 and 1"
        );
    }

    #[test]
    fn incident_id_columns_win_over_other_incident_columns() {
        let csv =
            "incident_date_l,incident_id_l,role_l,incident_date_r,incident_id_r,role_r,label\n\
                   2026-01-01,A1,victim,2026-02-01,A2,suspect,match\n";
        let f = parse("d.csv", csv).unwrap();
        assert_eq!(f.labels[0].left, ("A1".to_string(), Role::Victim));
        assert_eq!(f.labels[0].right, ("A2".to_string(), Role::Suspect));
    }

    #[test]
    fn a_header_without_the_columns_is_an_error() {
        let e = parse("x.csv", "a,b,label\n1,2,match\n").unwrap_err();
        assert!(e.to_string().starts_with("x.csv: not a labels file"), "{e}");
    }

    #[test]
    fn a_pair_labelled_differently_is_a_conflict_and_neither_is_used() {
        let csv = "incident_l,role_l,incident_r,role_r,label\n\
                   A1,victim,A2,victim,match\n\
                   B1,victim,B2,victim,match\n\
                   A2,victim,A1,victim,not a match\n\
                   B2,victim,B1,victim,match\n\
                   C1,victim,C2,victim,unsure\n";
        let f = parse("c.csv", csv).unwrap();
        assert_eq!(f.conflicts.len(), 1);
        assert_eq!(
            f.conflicts[0].to_string(),
            "pair A1/victim – A2/victim is labelled differently (line 2 says match, \
             line 4 says not a match); neither label is used"
        );
        let u = usable(&f.labels);
        assert_eq!((u.conflicting, u.unsure), (1, 1));
        // B1–B2 twice the same way counts once; unsure is not used.
        assert_eq!(u.pairs.len(), 1);
        assert_eq!(u.pairs[0].0 .0, "B1");
        assert_eq!(u.pairs[0].2, LabelKind::Match);
    }
}
