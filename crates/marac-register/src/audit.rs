//! The audit trail: who wrote what, when (UTC). Details hold commands, ids
//! and counts only, never names, summaries or other personal details.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::{now_utc, Register, RegisterError};

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    /// Entry id.
    pub id: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who (`--user`).
    pub user: String,
    /// What command.
    pub command: String,
    /// Ids and counts.
    pub detail: String,
}

/// Appends an entry on a connection or inside a transaction.
pub(crate) fn write(
    conn: &Connection,
    user: &str,
    command: &str,
    detail: &str,
) -> Result<(), RegisterError> {
    conn.execute(
        "INSERT INTO audit (at, user, command, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now_utc(), user, command, detail],
    )?;
    Ok(())
}

impl Register {
    /// Appends an audit entry for a write done outside a transaction.
    pub(crate) fn audit(&self, command: &str, detail: &str) -> Result<(), RegisterError> {
        write(&self.conn, &self.user, command, detail)
    }

    /// The audit trail, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditRow>, RegisterError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, at, user, command, detail FROM audit ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    user: r.get(2)?,
                    command: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
