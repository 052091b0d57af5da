//! Clerical labels of record pairs: a person looked at two records
//! (incident id and role each) and said `match`, `not a match` or `unsure`.
//! Linkage reads them (`--labels register`): a match always joins, a not a
//! match never ends up in one person. Each label keeps who labelled it and
//! when; a pair is stored once. Imports and exports are in the audit trail
//! with counts only.

use marac_model::{LabelKind, Role};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::audit::write as audit;
use crate::{now_utc, Register, RegisterError};

/// One side of a labelled pair: an incident id and a role.
pub type LabelSide = (String, Role);

/// A labelled pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRow {
    /// The left record.
    pub left: LabelSide,
    /// The right record.
    pub right: LabelSide,
    /// What was said of the pair.
    pub kind: LabelKind,
    /// Who said it.
    pub labeller: String,
    /// When (UTC, RFC 3339, or as the imported file wrote it); empty on
    /// import: now.
    pub labelled_at: String,
}

impl LabelRow {
    /// The pair with its smaller side first, as stored.
    fn sides(&self) -> (&LabelSide, &LabelSide) {
        if self.left <= self.right {
            (&self.left, &self.right)
        } else {
            (&self.right, &self.left)
        }
    }

    /// `INC-1/victim – INC-2/suspect` (ids and roles only).
    pub fn describe(&self) -> String {
        let (a, b) = self.sides();
        format!("{}/{} – {}/{}", a.0, a.1, b.0, b.1)
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LabelImport {
    /// Pairs not labelled before.
    pub added: usize,
    /// Pairs already labelled the same way (left as they were).
    pub unchanged: usize,
    /// Pairs labelled differently before, replaced (with `replace`).
    pub replaced: usize,
}

fn kind_of(s: &str) -> Result<LabelKind, RegisterError> {
    match LabelKind::parse(s) {
        Ok(Some(k)) => Ok(k),
        _ => Err(RegisterError::Corrupt(format!("'{s}' is not a label"))),
    }
}

fn role_of(s: &str) -> Result<Role, RegisterError> {
    Role::parse(s).map_err(|_| RegisterError::Corrupt(format!("'{s}' is not a role")))
}

impl Register {
    /// Imports labels in one transaction. A pair already labelled the same
    /// way is left as it is; a pair labelled differently in the register
    /// refuses the whole import (nothing is written) unless `replace`, and
    /// so does a pair labelled differently within `labels`. Audited with
    /// counts.
    pub fn import_labels(
        &mut self,
        labels: &[LabelRow],
        replace: bool,
    ) -> Result<LabelImport, RegisterError> {
        // Within the import: one label a pair.
        let mut batch: Vec<&LabelRow> = labels.iter().collect();
        batch.sort_by(|x, y| x.sides().cmp(&y.sides()));
        for w in batch.windows(2) {
            if w[0].sides() == w[1].sides() && w[0].kind != w[1].kind {
                return Err(RegisterError::Invalid(format!(
                    "labels import: pair {} is labelled both {} and {}; nothing was imported",
                    w[0].describe(),
                    w[0].kind,
                    w[1].kind
                )));
            }
        }
        batch.dedup_by(|x, y| x.sides() == y.sides());
        let now = now_utc();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = LabelImport::default();
        let mut differ: Vec<(String, LabelKind, LabelKind)> = Vec::new();
        {
            let mut get = tx.prepare(
                "SELECT label FROM labels WHERE incident_l = ?1 AND role_l = ?2 \
                 AND incident_r = ?3 AND role_r = ?4",
            )?;
            let mut put = tx.prepare(
                "INSERT OR REPLACE INTO labels \
                 (incident_l, role_l, incident_r, role_r, label, labeller, labelled_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for l in batch {
                let (a, b) = l.sides();
                let key = params![a.0, a.1.as_str(), b.0, b.1.as_str()];
                let old: Option<String> = get.query_row(key, |r| r.get(0)).optional()?;
                let old = old.as_deref().map(kind_of).transpose()?;
                match old {
                    Some(k) if k == l.kind => {
                        done.unchanged += 1;
                        continue;
                    }
                    Some(k) => {
                        differ.push((l.describe(), k, l.kind));
                        done.replaced += 1;
                    }
                    None => done.added += 1,
                }
                let at = if l.labelled_at.trim().is_empty() {
                    now.as_str()
                } else {
                    l.labelled_at.trim()
                };
                put.execute(params![
                    a.0,
                    a.1.as_str(),
                    b.0,
                    b.1.as_str(),
                    l.kind.as_str(),
                    l.labeller,
                    at
                ])?;
            }
        }
        if !replace && !differ.is_empty() {
            let (pair, there, here) = &differ[0];
            return Err(RegisterError::Invalid(format!(
                "labels import: {} pair{} already labelled differently in the register \
                 (first: {pair} is labelled {there} there, {here} here); nothing was imported; \
                 give --replace to replace them",
                differ.len(),
                if differ.len() == 1 { " is" } else { "s are" },
            )));
        }
        audit(
            &tx,
            &self.user,
            "labels import",
            &format!(
                "labels: {} given, {} added, {} unchanged, {} replaced",
                labels.len(),
                done.added,
                done.unchanged,
                done.replaced
            ),
        )?;
        tx.commit()?;
        Ok(done)
    }

    /// Every label, in pair order (for linkage; not audited).
    pub fn labels(&self) -> Result<Vec<LabelRow>, RegisterError> {
        let mut stmt = self.conn.prepare(
            "SELECT incident_l, role_l, incident_r, role_r, label, labeller, labelled_at \
             FROM labels ORDER BY incident_l, role_l, incident_r, role_r",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(il, rl, ir, rr, label, labeller, labelled_at)| {
                Ok(LabelRow {
                    left: (il, role_of(&rl)?),
                    right: (ir, role_of(&rr)?),
                    kind: kind_of(&label)?,
                    labeller,
                    labelled_at,
                })
            })
            .collect()
    }

    /// Every label, for export; the export is audited with its count.
    pub fn export_labels(&mut self) -> Result<Vec<LabelRow>, RegisterError> {
        let rows = self.labels()?;
        self.audit("labels export", &format!("labels: {}", rows.len()))?;
        Ok(rows)
    }
}
