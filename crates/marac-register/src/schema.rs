//! Schema, migrations and the version check.
//!
//! The schema version is `PRAGMA user_version`; `PRAGMA application_id`
//! marks the file as a marac register. Migrations run in order, all in one
//! `BEGIN IMMEDIATE` transaction, so a register is at one version or the
//! next, never in between.

use std::fs::{self, OpenOptions};
use std::io;
#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::RegisterError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 4;

/// `PRAGMA application_id` of a marac register ("MRAC").
pub(crate) const APPLICATION_ID: i64 = 0x4D52_4143;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    include_str!("sql/v1.sql"),
    include_str!("sql/v2.sql"),
    include_str!("sql/v3.sql"),
    include_str!("sql/v4.sql"),
];

/// How long a writer waits for another writer's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

fn io_err(path: &Path, source: io::Error) -> RegisterError {
    RegisterError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates the register file with mode 0600; refuses a non-empty existing file.
pub(crate) fn create_file(path: &Path) -> Result<(), RegisterError> {
    match fs::metadata(path) {
        Ok(m) if !m.is_file() || m.len() > 0 => Err(RegisterError::Exists(path.to_path_buf())),
        Ok(_) => {
            #[cfg(unix)]
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))
                .map_err(|e| io_err(path, e))?;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut opts = OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            opts.mode(0o600);
            opts.open(path).map(drop).map_err(|e| io_err(path, e))
        }
        Err(e) => Err(io_err(path, e)),
    }
}

/// Opens an existing file read-write (never creates it), with the busy timeout.
fn raw_connect(path: &Path) -> Result<Connection, RegisterError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| not_a_db(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Sets the connection's modes: WAL journal, foreign keys, full sync.
fn configure(conn: &Connection) -> Result<(), RegisterError> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RegisterError::Invalid(format!(
            "the register needs WAL journal mode (got {mode}); is it on a network file system?"
        )));
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
    Ok(())
}

/// Opens a freshly created file for `init`.
pub(crate) fn connect(path: &Path) -> Result<Connection, RegisterError> {
    let conn = raw_connect(path)?;
    configure(&conn)?;
    Ok(conn)
}

/// Maps SQLite's "not a database" to [`RegisterError::NotARegister`].
fn not_a_db(path: &Path, e: rusqlite::Error) -> RegisterError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => RegisterError::NotARegister(path.to_path_buf()),
        _ => RegisterError::Sqlite(e),
    }
}

/// Opens an existing register and checks it before anything is written:
/// returns the connection and the schema version found.
pub(crate) fn open_checked(path: &Path) -> Result<(Connection, i64), RegisterError> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(RegisterError::NotARegister(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(RegisterError::Missing(path.to_path_buf()))
        }
        Err(e) => return Err(io_err(path, e)),
    }
    let conn = raw_connect(path)?;
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| not_a_db(path, e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_a_db(path, e))?;
    if app != APPLICATION_ID || version < 1 {
        return Err(RegisterError::NotARegister(path.to_path_buf()));
    }
    if version > SCHEMA_VERSION {
        return Err(RegisterError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    configure(&conn)?;
    Ok((conn, version))
}

/// Brings the schema to [`SCHEMA_VERSION`] in one transaction. Returns the
/// version migrated from, or `None` when nothing was needed.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    expected: i64,
) -> Result<Option<i64>, RegisterError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated.
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(RegisterError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(None);
    }
    if found == 0 {
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 || expected != 0 {
            return Err(RegisterError::NotARegister(path.to_path_buf()));
        }
    }
    for sql in &MIGRATIONS[found.max(0) as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
    ))?;
    tx.commit()?;
    Ok(Some(found))
}
