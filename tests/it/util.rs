//! Test harness: run the `marac` binary on files under `tests/data`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `marac` binary, with a fixed environment.
pub fn marac() -> Command {
    let mut c = Command::cargo_bin("marac").expect("binary built");
    c.env_remove("RAYON_NUM_THREADS");
    c
}

/// A file under `tests/data`.
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Output of a command: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a command from `tests/data` (so file names in messages are short).
pub fn run(args: &[&str]) -> Run {
    let out = marac()
        .current_dir(data(""))
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `validate --format json` and returns the parsed report and code.
pub fn validate_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["validate", "--format", "json", "--as-of", "2026-11-20"];
    all.extend_from_slice(args);
    let r = run(&all);
    let v: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", r.stdout, r.stderr));
    let read = v["read"].as_u64().unwrap();
    let accepted = v["accepted"].as_u64().unwrap();
    let rejected = v["rejected"].as_u64().unwrap();
    assert_eq!(read, accepted + rejected, "counts add up");
    assert_eq!(v["rejects"].as_array().unwrap().len() as u64, rejected);
    (r.code, v, r.stderr)
}

/// The input file names of a validation JSON report, in the order read.
pub fn input_files(v: &serde_json::Value) -> Vec<&str> {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect()
}

/// The rejects of a JSON report as "file:line: field: reason" lines.
pub fn reject_lines(v: &serde_json::Value) -> Vec<String> {
    lines(&v["rejects"])
}

/// The warnings of a JSON report as lines.
pub fn warning_lines(v: &serde_json::Value) -> Vec<String> {
    lines(&v["warning_list"])
}

fn lines(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let field = d["field"]
                .as_str()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            format!(
                "{}:{}: {}{}",
                d["file"].as_str().unwrap(),
                d["line"],
                field,
                d["reason"].as_str().unwrap()
            )
        })
        .collect()
}

/// Runs `marac` in a folder; returns exit code, stdout, stderr.
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_in_with(dir, args, None)
}

/// [`run_in`] with `stdin` written to the command's standard input.
pub fn run_in_with(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = marac();
    cmd.current_dir(dir).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_string());
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A synthetic week of 3,000 records as the agencies export it
/// (`marac synth --layouts`), written into `dir`.
pub fn synth_week(dir: &Path, seed: &str) {
    let (code, _, err) = run_in(
        dir,
        &[
            "synth",
            "--seed",
            seed,
            "--incidents",
            "3000",
            "--end",
            "2026-11-20",
            "--out",
            ".",
            "--layouts",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

/// Makes a register in `dir` and its console users `(name, role, agency)`
/// through the command line, each with `password` on standard input.
pub fn register_with_users(
    dir: &Path,
    register: &str,
    users: &[(&str, &str, Option<&str>)],
    password: &str,
) {
    let (code, _, err) = run_in(dir, &["register", "init", "--register", register]);
    assert_eq!(code, 0, "{err}");
    for (name, role, agency) in users {
        let mut args = vec![
            "register",
            "user",
            "add",
            name,
            "--role",
            role,
            "--password-stdin",
            "--register",
            register,
        ];
        if let Some(a) = agency {
            args.extend(["--agency", a]);
        }
        let (code, _, err) = run_in_with(dir, &args, Some(&format!("{password}\n")));
        assert_eq!(code, 0, "{err}");
    }
}
