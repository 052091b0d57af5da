//! The project file, `marac.toml`: a Community MARAC's sources, settings and
//! where its packs go, so the weekly job is one command (`marac run`) and
//! every command that reads incidents can be given no inputs.
//!
//! Found as `--project FILE`, or `marac.toml` in the working folder. Paths in
//! it are relative to the folder that holds it. The file's grammar is
//! documented in docs/PROJECT.md and by `marac init`, which writes a
//! commented starting file ([`TEMPLATE`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::Result;
use serde::Deserialize;

use crate::input_error;

/// The project file's name in the working folder.
pub const FILE_NAME: &str = "marac.toml";

/// One source of records: a file, a folder or a glob, and how to read it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A file, a folder (its *.csv, *.jsonl and workbooks) or a glob
    /// (`exports/housing-*.csv`), relative to the project file.
    pub path: String,
    /// A built-in profile name or a profile TOML file (relative to the
    /// project file); none: recognised by the file's header.
    #[serde(default)]
    pub profile: Option<String>,
}

/// What `marac.toml` holds.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The MARAC's name, printed in `marac run`'s summary.
    #[serde(default)]
    pub name: Option<String>,
    /// The BCUs (names or codes) this MARAC covers; empty: every BCU.
    #[serde(default)]
    pub bcus: Vec<String>,
    /// Area boundaries (GeoJSON) instead of the embedded London ones.
    #[serde(default)]
    pub areas: Option<PathBuf>,
    /// Linkage rules: a FILE.toml, `default` or `deterministic`.
    #[serde(default)]
    pub rules: Option<String>,
    /// Risk weights, windows and thresholds (TOML).
    #[serde(default)]
    pub config: Option<PathBuf>,
    /// Professional referrals (one incident or person id a line).
    #[serde(default)]
    pub refer: Option<PathBuf>,
    /// Clerical labels for linkage (docs/LABELS.md): a CSV file, or
    /// `register` for the register's labels.
    #[serde(default)]
    pub labels: Option<PathBuf>,
    /// The case register (`marac run` saves each scan in it).
    #[serde(default)]
    pub register: Option<PathBuf>,
    /// The secret that keys case references (default: the register's `FILE.key`).
    #[serde(default)]
    pub key: Option<PathBuf>,
    /// Where `marac run` writes packs, scan and reports.
    #[serde(default)]
    pub out: Option<PathBuf>,
    /// A folder of profile TOML files, candidates for header recognition
    /// beside the built-in ones (default `profiles`, when it exists).
    #[serde(default)]
    pub profiles: Option<PathBuf>,
    /// The chair's name, printed on the packs.
    #[serde(default)]
    pub chair: Option<String>,
    /// The records' sources.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// The folder the project file is in (paths are relative to it).
    #[serde(skip)]
    pub dir: PathBuf,
    /// The project file itself.
    #[serde(skip)]
    pub file: PathBuf,
}

/// `--project`, set once by `main`.
static FLAG: OnceLock<Option<PathBuf>> = OnceLock::new();
/// The project, read at most once.
static LOADED: OnceLock<Result<Option<Project>, String>> = OnceLock::new();

/// Records `--project` (call once, before any command runs).
pub fn set_flag(path: Option<PathBuf>) {
    let _ = FLAG.set(path);
}

/// The project of this run: `--project FILE`, else `marac.toml` in the
/// working folder when there is one, else none. An unreadable or invalid
/// file is an input error.
pub fn current() -> Result<Option<&'static Project>> {
    let loaded = LOADED.get_or_init(|| {
        let given = FLAG.get().cloned().flatten();
        let path = match given {
            Some(p) => p,
            None => {
                let p = PathBuf::from(FILE_NAME);
                if !p.is_file() {
                    return Ok(None);
                }
                p
            }
        };
        Project::load(&path).map(Some).map_err(|e| format!("{e:#}"))
    });
    match loaded {
        Ok(p) => Ok(p.as_ref()),
        Err(e) => Err(input_error(e.clone())),
    }
}

/// A path setting: the flag when given, else the project's own (resolved
/// against its folder), else none.
pub fn path_setting(
    flag: Option<&Path>,
    pick: impl Fn(&Project) -> Option<&Path>,
) -> Result<Option<PathBuf>> {
    if let Some(f) = flag {
        return Ok(Some(f.to_path_buf()));
    }
    Ok(current()?.and_then(|p| pick(p).map(|x| p.resolve(x))))
}

impl Project {
    /// Reads and checks a project file.
    pub fn load(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| input_error(format!("--project {}: {e}", path.display())))?;
        Project::parse(path, &text)
    }

    /// Parses a project file's text; `path` names it in errors and anchors
    /// its relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Project> {
        let mut p: Project = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |r| {
                text[..r.start.min(text.len())].matches('\n').count() + 1
            });
            input_error(format!("{}:{line}: {}", path.display(), e.message()))
        })?;
        p.file = path.to_path_buf();
        p.dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        for (n, s) in p.sources.iter().enumerate() {
            if s.path.trim().is_empty() {
                return Err(input_error(format!(
                    "{}: sources[{}]: path is empty",
                    path.display(),
                    n + 1
                )));
            }
        }
        Ok(p)
    }

    /// A path of the file, resolved against the project's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() || self.dir == Path::new(".") {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// A profile spec of the file: a built-in name stays as it is, a file is
    /// resolved against the project's folder.
    pub fn resolve_profile(&self, spec: &str) -> String {
        self.resolve_spec(spec, marac_ingest::Profile::builtin(spec).is_some())
    }

    /// A rules spec of the file: `default` and `deterministic` stay, a file
    /// is resolved against the project's folder.
    pub fn resolve_rules(&self, spec: &str) -> String {
        self.resolve_spec(spec, matches!(spec, "default" | "deterministic"))
    }

    /// A spec that is either a built-in name (kept) or a file (resolved).
    fn resolve_spec(&self, spec: &str, builtin: bool) -> String {
        if builtin {
            spec.to_string()
        } else {
            self.resolve(Path::new(spec)).display().to_string()
        }
    }

    /// The folder of project profiles (candidates for header recognition),
    /// when it exists.
    pub fn profiles_dir(&self) -> Option<PathBuf> {
        let d = self.resolve(self.profiles.as_deref().unwrap_or(Path::new("profiles")));
        d.is_dir().then_some(d)
    }

    /// Each source expanded to its paths (a glob to the files it matches,
    /// sorted), each with the source's profile.
    pub fn inputs(&self) -> Result<Vec<(PathBuf, Option<String>)>> {
        if self.sources.is_empty() {
            return Err(input_error(format!(
                "{}: no [[sources]]: give input files, or add a [[sources]] table",
                self.file.display()
            )));
        }
        let mut out = Vec::new();
        for s in &self.sources {
            let profile = s.profile.as_deref().map(|p| self.resolve_profile(p));
            let full = self.resolve(Path::new(&s.path));
            let pattern = full.display().to_string();
            if s.path.contains(['*', '?', '[']) {
                let mut found: Vec<PathBuf> = glob::glob(&pattern)
                    .map_err(|e| {
                        input_error(format!(
                            "{}: source {}: not a valid pattern: {e}",
                            self.file.display(),
                            s.path
                        ))
                    })?
                    .filter_map(std::result::Result::ok)
                    .filter(|p| p.is_file())
                    .collect();
                found.sort();
                if found.is_empty() {
                    return Err(input_error(format!(
                        "{}: source {}: no file matches",
                        self.file.display(),
                        s.path
                    )));
                }
                out.extend(found.into_iter().map(|p| (p, profile.clone())));
            } else {
                out.push((full, profile));
            }
        }
        Ok(out)
    }
}

/// The commented starting project file `marac init` writes.
pub const TEMPLATE: &str = r#"# marac.toml: a Community MARAC's project file (docs/PROJECT.md).
# Every command run in this folder reads it; `marac run --as-of DATE
# --meeting DATE` does the week with it. Paths are relative to this file.

# The MARAC's name, printed in `marac run`'s summary.
name = "Community MARAC"

# The BCUs this MARAC covers (names or codes, e.g. "Central North" or "CN");
# leave empty for every BCU.
bcus = []

# Where `marac run` writes the validation report, persons, scan and packs.
out = "packs"

# The case register: stable case references, repeat MARAC, weekly changes.
# Create it once with `marac register init --register marac.db`.
register = "marac.db"

# Optional settings (uncomment to use):
# areas = "boundaries.geojson"   # instead of the embedded London boroughs
# rules = "linkage.toml"         # linkage rules (default: built in)
# config = "risk.toml"           # risk weights and thresholds
# refer = "referrals.txt"        # professional referrals, one id a line
# labels = "labels.csv"          # clerical labels for linkage, or "register"
# key = "marac.key"              # keys case references (default: marac.db.key)
# chair = "A. Chair"             # printed on the packs
# profiles = "profiles"          # your own profiles, recognised by header

# One [[sources]] table per agency export: `path` is a file, a folder (its
# *.csv, *.jsonl, *.xlsx, *.xls, *.ods) or a glob; `profile` is a built-in
# profile (`marac profiles` lists them) or a profile file. Without a
# profile, a file is read with the one profile its header matches.
# `marac profiles draft FILE` writes a starting profile for a new layout.

[[sources]]
path = "exports/police"
profile = "police-uk"

# [[sources]]
# path = "exports/council-asb.xlsx"
# profile = "profiles/council-asb.toml"

# [[sources]]
# path = "exports/housing-*.csv"
# profile = "profiles/housing.toml"

# [[sources]]
# path = "exports/adult-social-care.jsonl"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_its_paths_are_relative_to_the_file() {
        let p = Project::parse(Path::new("week/marac.toml"), TEMPLATE).unwrap();
        assert_eq!(p.name.as_deref(), Some("Community MARAC"));
        assert_eq!(p.sources.len(), 1);
        assert_eq!(p.sources[0].profile.as_deref(), Some("police-uk"));
        assert_eq!(p.dir, PathBuf::from("week"));
        assert_eq!(
            p.resolve(p.register.as_deref().unwrap()),
            PathBuf::from("week/marac.db")
        );
        assert_eq!(p.resolve_profile("police-uk"), "police-uk");
        assert_eq!(
            p.resolve_profile("profiles/housing.toml"),
            "week/profiles/housing.toml"
        );
    }

    #[test]
    fn unknown_keys_and_empty_paths_are_input_errors() {
        let e = Project::parse(Path::new("marac.toml"), "registr = \"x.db\"\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("marac.toml:1: unknown field `registr`, expected one of"),
            "{e}"
        );
        let e = Project::parse(Path::new("marac.toml"), "[[sources]]\npath = \" \"\n").unwrap_err();
        assert_eq!(e.to_string(), "marac.toml: sources[1]: path is empty");
    }
}
