//! Case references: the keyed hash of a brand-new case, the local secret,
//! and keeping references stable through merges and splits of linked persons.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use marac_model::Role;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use sha2::Sha256;

use crate::{audit, now_utc, Register, RegisterError};

/// One linked person as the register sees it: the mentions
/// (`incident_id`, role) that make it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMentions {
    /// The person's id in this week's linkage (not stable week to week).
    pub person_id: String,
    /// The person's mentions.
    pub mentions: Vec<(String, Role)>,
}

impl PersonMentions {
    /// The canonical mention text `incident_id|role` used by [`case_ref`].
    pub fn mention_key(incident_id: &str, role: Role) -> String {
        format!("{incident_id}|{}", role.as_str())
    }
}

/// The reference of a brand-new case: `bcu_code` + `-` + the first 8 hex
/// digits (upper case) of HMAC-SHA256(`secret`, `earliest_mention`), where the
/// earliest mention is `incident_id|role` (see [`PersonMentions::mention_key`]).
/// It reveals nothing without the secret.
///
/// ```
/// let r = marac_register::case_ref(b"local secret", "CN", "HSG-2|victim");
/// assert!(r.starts_with("CN-") && r.len() == 11);
/// assert_eq!(r, marac_register::case_ref(b"local secret", "CN", "HSG-2|victim"));
/// ```
pub fn case_ref(secret: &[u8], bcu_code: &str, earliest_mention: &str) -> String {
    // HMAC accepts keys of any length; the error branch cannot happen.
    let hex = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(earliest_mention.as_bytes());
            let out = mac.finalize().into_bytes();
            out.iter().take(4).map(|b| format!("{b:02X}")).collect()
        }
        Err(_) => String::from("00000000"),
    };
    format!("{bcu_code}-{hex}")
}

/// Where the secret of a register lives by default: next to it, `FILE.key`.
pub fn default_secret_path(register: &Path) -> PathBuf {
    let mut s = register.as_os_str().to_os_string();
    s.push(".key");
    PathBuf::from(s)
}

/// Reads the local secret, or creates it: 32 random bytes in a new file with
/// owner-only permissions (0600).
pub fn load_or_create_secret(path: &Path) -> Result<Vec<u8>, RegisterError> {
    let io_err = |source: io::Error| RegisterError::Io {
        path: path.to_path_buf(),
        source,
    };
    let read = |path: &Path| -> Result<Vec<u8>, RegisterError> {
        let bytes = fs::read(path).map_err(io_err)?;
        if bytes.len() < 16 {
            return Err(RegisterError::Invalid(format!(
                "{}: the secret file holds {} bytes; expected 32 (delete it only if no case references were made with it)",
                path.display(),
                bytes.len()
            )));
        }
        Ok(bytes)
    };
    if path.exists() {
        return read(path);
    }
    let mut secret = vec![0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| io_err(io::Error::other(format!("no random numbers: {e}"))))?;
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    opts.mode(0o600);
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(&secret)
                .and_then(|_| f.sync_all())
                .map_err(io_err)?;
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read(path),
        Err(e) => Err(io_err(e)),
    }
}

/// A person during resolution.
struct Work {
    person_id: String,
    mentions: Vec<(String, Role)>,
    /// Existing cases touched, with the number of this person's mentions in each.
    touched: BTreeMap<String, usize>,
}

/// The BCU of a person: `bcu_of(person_id)`, else `bcu_of(incident_id)` of
/// its mentions, last first, until one is not empty.
fn bcu_for(bcu_of: &dyn Fn(&str) -> String, w: &Work) -> String {
    let b = bcu_of(&w.person_id);
    if !b.trim().is_empty() {
        return b;
    }
    w.mentions
        .iter()
        .rev()
        .map(|(iid, _)| bcu_of(iid))
        .find(|b| !b.trim().is_empty())
        .unwrap_or_default()
}

impl Register {
    /// Gives every person a stable case reference and records it.
    ///
    /// Each person is its mentions (`incident_id`, role). A person sharing
    /// mentions with an existing case keeps that case's reference. A person
    /// overlapping two or more cases takes the **oldest** reference and a
    /// merge is recorded (the other cases' mentions and open actions move to
    /// it). An existing case whose mentions now fall into two or more persons
    /// keeps its reference for the person holding most of them (ties: the
    /// first person in `persons`); each other part gets a new reference and a
    /// split is recorded. A brand-new case gets `proposed(person)` (the keyed
    /// hash, see [`case_ref`]), with `-2`, `-3` … appended if that reference is
    /// taken. `bcu_of` names the case's BCU: it is called with the person id
    /// and, if that gives an empty string, with the person's incident ids
    /// (last mention first) until one gives a BCU; so either a person → BCU
    /// or an incident → BCU lookup works.
    ///
    /// Runs in one transaction. Returns person id → case reference.
    pub fn resolve_case_refs(
        &mut self,
        bcu_of: &dyn Fn(&str) -> String,
        persons: &[PersonMentions],
        proposed: &dyn Fn(&PersonMentions) -> String,
    ) -> Result<BTreeMap<String, String>, RegisterError> {
        let user = self.user.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_utc();

        // Each mention belongs to one person: the first that claims it.
        let mut claimed: HashMap<(String, Role), usize> = HashMap::new();
        let mut work: Vec<Work> = Vec::with_capacity(persons.len());
        {
            let mut lookup = tx.prepare(
                "SELECT case_ref FROM case_mentions WHERE incident_id = ?1 AND role = ?2",
            )?;
            for (i, p) in persons.iter().enumerate() {
                let mut mentions = Vec::new();
                let mut touched = BTreeMap::new();
                for (iid, role) in &p.mentions {
                    let key = (iid.clone(), *role);
                    if claimed.contains_key(&key) {
                        continue;
                    }
                    claimed.insert(key, i);
                    mentions.push((iid.clone(), *role));
                    let case: Option<String> = lookup
                        .query_row(params![iid, role.as_str()], |r| r.get(0))
                        .optional()?;
                    if let Some(c) = case {
                        *touched.entry(c).or_insert(0) += 1;
                    }
                }
                work.push(Work {
                    person_id: p.person_id.clone(),
                    mentions,
                    touched,
                });
            }
        }

        // The owner of each touched case: the person with most of its mentions.
        let mut owner: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, w) in work.iter().enumerate() {
            for (c, &n) in &w.touched {
                let e = owner.entry(c.clone()).or_insert((i, n));
                if n > e.1 {
                    *e = (i, n);
                }
            }
        }
        // Case age: (created, rowid).
        let mut age: BTreeMap<String, (String, i64)> = BTreeMap::new();
        {
            let mut stmt = tx.prepare("SELECT created, rowid FROM cases WHERE case_ref = ?1")?;
            for c in owner.keys() {
                let a: (String, i64) = stmt.query_row([c], |r| Ok((r.get(0)?, r.get(1)?)))?;
                age.insert(c.clone(), a);
            }
        }

        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut result = BTreeMap::new();
        let (mut new_cases, mut merges, mut splits) = (0usize, 0usize, 0usize);
        for (i, w) in work.iter().enumerate() {
            let mut owned: Vec<&String> = w
                .touched
                .keys()
                .filter(|c| owner.get(*c).map(|o| o.0) == Some(i))
                .collect();
            owned.sort_by(|a, b| age.get(*a).cmp(&age.get(*b)).then_with(|| a.cmp(b)));
            let bcu = bcu_for(bcu_of, w);
            let case = match owned.first() {
                Some(&oldest) => {
                    let oldest = oldest.clone();
                    for &m in &owned[1..] {
                        let moved = tx.execute(
                            "UPDATE case_mentions SET case_ref = ?1 WHERE case_ref = ?2",
                            params![oldest, m],
                        )?;
                        tx.execute(
                            "UPDATE actions SET case_ref = ?1 WHERE case_ref = ?2 AND status = 'open'",
                            params![oldest, m],
                        )?;
                        tx.execute(
                            "UPDATE cases SET merged_into = ?1 WHERE case_ref = ?2 OR merged_into = ?2",
                            params![oldest, m],
                        )?;
                        tx.execute(
                            "INSERT INTO case_events (at, kind, case_ref, other_ref, mentions) VALUES (?1, 'merge', ?2, ?3, ?4)",
                            params![now, oldest, m, moved as i64],
                        )?;
                        merges += 1;
                    }
                    tx.execute(
                        "UPDATE cases SET bcu = ?1, person_key = ?2, merged_into = NULL WHERE case_ref = ?3",
                        params![bcu, w.person_id, oldest],
                    )?;
                    oldest
                }
                None => {
                    let pm = PersonMentions {
                        person_id: w.person_id.clone(),
                        mentions: w.mentions.clone(),
                    };
                    let base = proposed(&pm);
                    let base = if base.trim().is_empty() {
                        format!("PERSON-{}", w.person_id)
                    } else {
                        base
                    };
                    let mut candidate = base.clone();
                    let mut n = 1;
                    let mut exists =
                        tx.prepare_cached("SELECT 1 FROM cases WHERE case_ref = ?1")?;
                    while taken.contains(&candidate)
                        || exists
                            .query_row([&candidate], |_| Ok(()))
                            .optional()?
                            .is_some()
                    {
                        n += 1;
                        candidate = format!("{base}-{n}");
                    }
                    tx.execute(
                        "INSERT INTO cases (case_ref, bcu, created, person_key) VALUES (?1, ?2, ?3, ?4)",
                        params![candidate, bcu, now, w.person_id],
                    )?;
                    new_cases += 1;
                    candidate
                }
            };
            // Parts of other persons' cases that come to this one: splits.
            for (c, &n) in &w.touched {
                if owner.get(c).map(|o| o.0) != Some(i) {
                    tx.execute(
                        "INSERT INTO case_events (at, kind, case_ref, other_ref, mentions) VALUES (?1, 'split', ?2, ?3, ?4)",
                        params![now, c, case, n as i64],
                    )?;
                    splits += 1;
                }
            }
            {
                let mut up = tx.prepare_cached(
                    "INSERT INTO case_mentions (incident_id, role, case_ref) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (incident_id, role) DO UPDATE SET case_ref = excluded.case_ref",
                )?;
                for (iid, role) in &w.mentions {
                    up.execute(params![iid, role.as_str(), case])?;
                }
            }
            taken.insert(case.clone());
            result.insert(w.person_id.clone(), case);
        }
        audit::write(
            &tx,
            &user,
            "resolve_case_refs",
            &format!(
                "persons {}, new cases {new_cases}, merges {merges}, splits {splits}",
                persons.len()
            ),
        )?;
        tx.commit()?;
        Ok(result)
    }
}
