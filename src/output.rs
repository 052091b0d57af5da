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
///
/// A symbolic link is followed (the link is kept, its target written). A
/// target that exists and is not a regular file (a device such as
/// `/dev/null`, a named pipe) is written to in place: renaming over it
/// would replace the device with a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    // A symbolic link is followed, so the link stays and what it points to
    // is written (`/dev/stdout` → `/proc/self/fd/1` → a file or a pipe).
    let resolved;
    let path = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            resolved = fs::canonicalize(path)
                .with_context(|| format!("{}: cannot follow the link", path.display()))?;
            resolved.as_path()
        }
        _ => path,
    };
    if let Ok(meta) = fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            return OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|mut f| f.write_all(bytes))
                .with_context(|| format!("{}: cannot write", path.display()));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let p = p.clone();
            std::thread::spawn(move || fs::read(&p).unwrap())
        };
        write_atomic(&p, b"pack").unwrap();
        assert_eq!(reader.join().unwrap(), b"pack");
        assert!(
            fs::metadata(&p).unwrap().file_type().is_fifo(),
            "still a pipe"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_kept_and_its_target_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pack-2026-11-27.md");
        fs::write(&target, b"old").unwrap();
        let link = dir.path().join("latest.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }
}
