//! Output policy: where results go, and how files are written.
//!
//! Every file `marac` writes holds special-category personal data, so it is
//! written atomically (a temporary file in the same directory, synced, then
//! renamed over the target) with owner-only permissions (0600; directories
//! 0700). A reader never sees half a file, and nobody else on the machine can
//! read it.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes `bytes` to `path` atomically with mode 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .into_owned();
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        opts.mode(0o600);
        match opts.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("{}: cannot create a temporary file", dir.display()))
            }
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|_| file.sync_all())
        .and_then(|_| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}

/// Creates a directory (and parents) with mode 0700 if it does not exist.
pub fn create_private_dir(path: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(path)
        .with_context(|| format!("{}: cannot create directory", path.display()))
}

/// Sends a result to `--out PATH` (atomically) or to standard output.
pub fn emit(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) if p.as_os_str() != "-" => write_atomic(p, bytes),
        _ => {
            let mut stdout = io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                // A closed pipe (`marac scan | head`) is not an error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            }
        }
    }
}

/// Neutralises a CSV cell that a spreadsheet would run as a formula: a cell
/// starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`.
/// A plain number (`-1`, `-0.5`) is left alone: it is data, not a formula.
pub fn csv_safe(cell: &str) -> String {
    // One rule for every CSV marac writes: the agenda's renderer owns it.
    marac_agenda::render::csv_cell(cell)
}

/// Builds a CSV document in memory, neutralising formula cells.
pub struct CsvDoc {
    w: csv::Writer<Vec<u8>>,
}

impl CsvDoc {
    /// A document with a header row.
    pub fn new(header: &[&str]) -> Result<Self> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header)?;
        Ok(CsvDoc { w })
    }

    /// Adds a row; each cell is neutralised.
    pub fn row<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| csv_safe(c.as_ref())).collect();
        self.w.write_record(&cells)?;
        Ok(())
    }

    /// The document's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("+44 20"), "'+44 20");
        assert_eq!(csv_safe("-1"), "-1");
        assert_eq!(csv_safe("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0");
        assert_eq!(csv_safe("@SUM"), "'@SUM");
        assert_eq!(csv_safe("\tx"), "'\tx");
        assert_eq!(csv_safe("plain"), "plain");
        assert_eq!(csv_safe(""), "");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_and_replaced_whole() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pack.md");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }
}
