//! Blocking: candidate pairs are the union of pairs that agree on the key of
//! at least one blocking rule, deduplicated across rules.
//!
//! A block larger than the cap is split by the rule's `subblock` keys, or
//! skipped; either way a warning names the rule, the block size and a hash
//! of the key (never the key itself: it is personal data).

use rayon::prelude::*;

use crate::normalise::Mention;
use crate::rules::{BlockRule, KeyPart};

/// How many oversized-block warnings are listed one by one per rule.
const WARNINGS_PER_RULE: usize = 5;

/// The result of blocking.
#[derive(Debug, Clone, Default)]
pub struct Blocked {
    /// Candidate pairs `(i, j)` with `i < j`, sorted and unique, packed as `i << 32 | j`.
    pub pairs: Vec<u64>,
    /// Pairs each rule generated (before deduplication), by rule.
    pub per_rule: Vec<(String, u64)>,
    /// Warnings about oversized blocks.
    pub warnings: Vec<String>,
}

impl Blocked {
    /// The number of candidate pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
    /// Whether there are no candidate pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Unpacks a pair.
#[inline]
pub fn unpack(p: u64) -> (usize, usize) {
    ((p >> 32) as usize, (p & 0xffff_ffff) as usize)
}

/// Packs a pair (smaller index first).
#[inline]
pub fn pack(i: usize, j: usize) -> u64 {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    ((a as u64) << 32) | b as u64
}

/// The bytes of one key part of a mention, or `None` when it is missing.
fn part_bytes(m: &Mention, part: KeyPart, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    match part {
        KeyPart::Postcode => match &m.postcode {
            Some(p) => buf.extend_from_slice(p.as_str().as_bytes()),
            None => return false,
        },
        KeyPart::Sector => match m.postcode.as_ref().and_then(|p| p.sector()) {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => return false,
        },
        KeyPart::District => match m.postcode.as_ref().and_then(|p| p.district()) {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => return false,
        },
        KeyPart::Dob => match m.dob {
            Some(d) => buf.extend_from_slice(&chrono::Datelike::num_days_from_ce(&d).to_le_bytes()),
            None => return false,
        },
        KeyPart::BirthYear => match m.dob {
            Some(d) => buf.extend_from_slice(&chrono::Datelike::year(&d).to_le_bytes()),
            None => return false,
        },
        KeyPart::LastSoundex => {
            if m.last.soundex[0] == 0 {
                return false;
            }
            buf.extend_from_slice(&m.last.soundex);
        }
        KeyPart::LastName => {
            if m.last.name.is_empty() {
                return false;
            }
            buf.extend_from_slice(m.last.name.as_bytes());
        }
        KeyPart::NameSoundexes => {
            if m.last.soundex[0] == 0 || m.first.initial_only || m.first.name.is_empty() {
                return false;
            }
            let first = crate::normalise::soundex(&m.first.name);
            if first[0] == 0 {
                return false;
            }
            let (x, y) = if first <= m.last.soundex {
                (first, m.last.soundex)
            } else {
                (m.last.soundex, first)
            };
            buf.extend_from_slice(&x);
            buf.extend_from_slice(&y);
        }
        KeyPart::FirstInitial => match m.first.initial() {
            Some(c) => buf.extend_from_slice(c.to_string().as_bytes()),
            None => return false,
        },
        KeyPart::FirstFormal => {
            if m.first.name.is_empty() || m.first.initial_only {
                return false;
            }
            match m.first.formal.first() {
                Some(id) => {
                    buf.push(1);
                    buf.extend_from_slice(&id.to_le_bytes());
                }
                None => buf.extend_from_slice(m.first.name.as_bytes()),
            }
        }
        KeyPart::Reference => match &m.reference {
            Some(r) => {
                buf.extend_from_slice(&m.source.to_le_bytes());
                buf.extend_from_slice(r.as_bytes());
            }
            None => return false,
        },
        KeyPart::Phone => match &m.phone {
            Some(p) => buf.extend_from_slice(p.as_bytes()),
            None => return false,
        },
        KeyPart::HouseNumber => match &m.address.house {
            Some(h) => buf.extend_from_slice(h.as_bytes()),
            None => return false,
        },
        KeyPart::Counterpart => match m.counterpart {
            Some(c) => buf.extend_from_slice(&c.to_le_bytes()),
            None => return false,
        },
        KeyPart::AreaSector => match m.area.as_ref().and_then(|p| p.sector()) {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => return false,
        },
        KeyPart::AreaDistrict => match m.area.as_ref().and_then(|p| p.district()) {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => return false,
        },
        KeyPart::Cell => match m.point {
            Some([e, n]) => {
                buf.extend_from_slice(&((e / 1000.0).floor() as i32).to_le_bytes());
                buf.extend_from_slice(&((n / 1000.0).floor() as i32).to_le_bytes());
            }
            None => return false,
        },
        KeyPart::Borough => match m.borough {
            Some(b) => buf.extend_from_slice(&b.to_le_bytes()),
            None => return false,
        },
        KeyPart::Address => match m.address.key() {
            Some(k) => buf.extend_from_slice(&k.to_le_bytes()),
            None => return false,
        },
    }
    true
}

/// The hash of one key part of every mention (0 when missing), each
/// computed once however many rules use the part.
struct PartHashes {
    parts: Vec<(KeyPart, Vec<u64>)>,
}

impl PartHashes {
    fn new(mentions: &[Mention], rules: &[BlockRule]) -> PartHashes {
        let mut used: Vec<KeyPart> = Vec::new();
        for p in rules.iter().flat_map(|r| r.keys.iter().chain(&r.subblock)) {
            if !used.contains(p) {
                used.push(*p);
            }
        }
        let parts = used
            .into_iter()
            .map(|part| {
                let hashes = mentions
                    .par_iter()
                    .map_init(Vec::new, |buf, m| {
                        if part_bytes(m, part, buf) {
                            // Never 0, which stands for a missing part.
                            crate::hash::hash_parts(&[buf]) | 1
                        } else {
                            0
                        }
                    })
                    .collect();
                (part, hashes)
            })
            .collect();
        PartHashes { parts }
    }

    fn of(&self, part: KeyPart) -> &[u64] {
        self.parts
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, h)| h.as_slice())
            .unwrap_or(&[])
    }

    /// The key of mention `i` under some parts (`None` if a part is missing).
    fn key(&self, cols: &[&[u64]], i: usize) -> Option<u64> {
        use std::hash::Hasher;
        let mut h = crate::hash::FxHasher::default();
        for c in cols {
            let x = *c.get(i)?;
            if x == 0 {
                return None;
            }
            h.write_u64(x);
        }
        Some(h.finish())
    }
}

fn key_names(parts: &[KeyPart]) -> String {
    parts
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

/// Every pair of a block; with `partial`, only pairs in which at least one
/// member is partial (`partial[i]`).
fn emit_block(members: &[u32], partial: Option<&[bool]>, out: &mut Vec<u64>) {
    for (x, &i) in members.iter().enumerate() {
        for &j in &members[x + 1..] {
            if partial.is_none_or(|p| p[i as usize] || p[j as usize]) {
                out.push(pack(i as usize, j as usize));
            }
        }
    }
}

/// Groups sorted `(key, index)` entries into runs of equal keys.
fn runs(entries: &[(u64, u32)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    while s < entries.len() {
        let mut e = s + 1;
        while e < entries.len() && entries[e].0 == entries[s].0 {
            e += 1;
        }
        out.push((s, e));
        s = e;
    }
    out
}

/// A hash of everything that identifies a mention — first and last name,
/// date of birth, postcode, address and phone, as normalised — when it has
/// a first name, a last name and a date of birth or an address; `0`
/// otherwise. Two mentions with the same non-zero hash are the same record
/// of a person, written again (the same victim reporting week after week).
pub fn identity_hash(m: &Mention) -> u64 {
    if m.first.name.is_empty()
        || m.first.initial_only
        || m.last.name.is_empty()
        || (m.dob.is_none() && !m.address.present)
    {
        return 0;
    }
    let dob = m.dob.map(|d| d.to_string()).unwrap_or_default();
    let address = m.address.key().unwrap_or(0).to_le_bytes();
    let h = crate::hash::hash_parts(&[
        m.first.name.as_bytes(),
        m.last.name.as_bytes(),
        dob.as_bytes(),
        m.postcode
            .as_ref()
            .map(|p| p.as_str())
            .unwrap_or("")
            .as_bytes(),
        &address,
        m.phone.as_deref().unwrap_or("").as_bytes(),
    ]);
    h.max(1)
}

/// An oversized block collapsed by identity: when the members' distinct
/// identities ([`identity_hash`]) fit the cap, the first member of each
/// identity (in mention order) pairs with the other distinct ones, and
/// every other member pairs only with the first of its own identity. A
/// person with thousands of identical records then costs one pair a
/// record, not a skipped block. The pairs and the number of distinct
/// identities; `None` when even those are over the cap.
fn collapse_identical(
    members: &[u32],
    ident: &[u64],
    max_block: usize,
) -> Option<(Vec<(u32, u32)>, usize)> {
    let mut by_identity: Vec<(u64, u32)> = members
        .iter()
        .map(|&i| match ident[i as usize] {
            // No identity: a group of its own.
            0 => (u64::MAX - i as u64, i),
            h => (h, i),
        })
        .collect();
    by_identity.sort_unstable();
    let groups = runs(&by_identity);
    if groups.len() > max_block || groups.len() == members.len() {
        return None;
    }
    let heads: Vec<u32> = groups.iter().map(|&(s, _)| by_identity[s].1).collect();
    let mut out = Vec::new();
    for (x, &a) in heads.iter().enumerate() {
        for &b in &heads[x + 1..] {
            out.push((a, b));
        }
    }
    for &(s, e) in &groups {
        let head = by_identity[s].1;
        for &(_, i) in &by_identity[s + 1..e] {
            out.push((head, i));
        }
    }
    Some((out, groups.len()))
}

/// The candidate pairs of some mentions under some rules.
pub fn candidate_pairs(mentions: &[Mention], rules: &[BlockRule], max_block: usize) -> Blocked {
    let mut all: Vec<u64> = Vec::new();
    let mut per_rule = Vec::new();
    let mut warnings = Vec::new();
    let partial: Vec<bool> = if rules.iter().any(|r| r.partial) {
        mentions
            .par_iter()
            .map(|m| !crate::attach::identifying(m))
            .collect()
    } else {
        Vec::new()
    };
    let hashes = PartHashes::new(mentions, rules);
    // Identities, computed only if some block is oversized.
    let mut ident: Vec<u64> = Vec::new();
    for rule in rules {
        let only = rule.partial.then_some(partial.as_slice());
        let cols: Vec<&[u64]> = rule.keys.iter().map(|p| hashes.of(*p)).collect();
        let sub_cols: Vec<&[u64]> = rule.subblock.iter().map(|p| hashes.of(*p)).collect();
        let mut entries: Vec<(u64, u32)> = (0..mentions.len())
            .into_par_iter()
            .filter_map(|i| hashes.key(&cols, i).map(|k| (k, i as u32)))
            .collect();
        entries.par_sort_unstable();
        let groups = runs(&entries);
        // Oversized blocks, handled one by one (rare), in key order.
        let mut oversized = 0usize;
        let mut sub_entries: Vec<Vec<u32>> = Vec::new();
        let mut collapsed_pairs: Vec<u64> = Vec::new();
        let rare = rule.max_block.unwrap_or(usize::MAX).min(max_block);
        for &(s, e) in &groups {
            let n = e - s;
            if n <= max_block || rule.max_block.is_some() {
                continue;
            }
            oversized += 1;
            let key_hash = entries[s].0;
            if ident.is_empty() {
                ident = mentions.par_iter().map(identity_hash).collect();
            }
            let members: Vec<u32> = entries[s..e].iter().map(|x| x.1).collect();
            let collapsed = collapse_identical(&members, &ident, max_block);
            let action = if let Some((pairs, distinct)) = collapsed {
                collapsed_pairs.extend(
                    pairs
                        .into_iter()
                        .filter(|&(a, b)| only.is_none_or(|p| p[a as usize] || p[b as usize]))
                        .map(|(a, b)| pack(a as usize, b as usize)),
                );
                let s = if distinct == 1 { "" } else { "s" };
                format!("{distinct} distinct record{s}: each copy compared once with the first")
            } else if rule.subblock.is_empty() {
                "skipped".to_string()
            } else {
                let mut sub: Vec<(u64, u32)> = entries[s..e]
                    .iter()
                    .filter_map(|&(_, i)| hashes.key(&sub_cols, i as usize).map(|k| (k, i)))
                    .collect();
                sub.sort_unstable();
                let mut dropped = 0usize;
                for (a, b) in runs(&sub) {
                    if b - a <= max_block {
                        sub_entries.push(sub[a..b].iter().map(|x| x.1).collect());
                    } else {
                        dropped += b - a;
                    }
                }
                if dropped == 0 {
                    format!("sub-blocked by {}", key_names(&rule.subblock))
                } else {
                    format!(
                        "sub-blocked by {}; {dropped} mentions in sub-blocks still over the cap skipped",
                        key_names(&rule.subblock)
                    )
                }
            };
            if oversized <= WARNINGS_PER_RULE {
                warnings.push(format!(
                    "blocking rule '{}': block of {n} mentions over the cap of {max_block} (key #{:016x}): {action}",
                    rule.name, key_hash
                ));
            }
        }
        if oversized > WARNINGS_PER_RULE {
            warnings.push(format!(
                "blocking rule '{}': {} more blocks over the cap of {max_block}",
                rule.name,
                oversized - WARNINGS_PER_RULE
            ));
        }
        let mut pairs: Vec<u64> = groups
            .par_iter()
            .filter(|(s, e)| e - s >= 2 && e - s <= rare)
            .flat_map_iter(|&(s, e)| {
                let members: Vec<u32> = entries[s..e].iter().map(|x| x.1).collect();
                let mut out = Vec::new();
                emit_block(&members, only, &mut out);
                out
            })
            .collect();
        for members in &sub_entries {
            emit_block(members, only, &mut pairs);
        }
        pairs.append(&mut collapsed_pairs);
        per_rule.push((rule.name.clone(), pairs.len() as u64));
        all.append(&mut pairs);
    }
    all.par_sort_unstable();
    all.dedup();
    Blocked {
        pairs: all,
        per_rule,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use marac_model::{PersonDetails, Postcode, Role};

    fn m(first: &str, last: &str, pc: &str) -> Mention {
        let p = PersonDetails {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            postcode: Some(Postcode::parse(pc)),
            ..Default::default()
        };
        Mention::from_details(0, Role::Victim, 0, &p)
    }

    fn rule(name: &str, keys: &[KeyPart], sub: &[KeyPart]) -> BlockRule {
        BlockRule {
            name: name.into(),
            keys: keys.to_vec(),
            subblock: sub.to_vec(),
            partial: false,
            max_block: None,
        }
    }

    #[test]
    fn union_of_rules_is_deduplicated() {
        let ms = vec![
            m("Ann", "Smith", "E1 6AN"),
            m("Anne", "Smyth", "E1 6AN"),
            m("Bob", "Jones", "N1 9GU"),
            m("Alan", "Smith", "N1 9GU"),
        ];
        let rules = vec![
            rule("postcode", &[KeyPart::Postcode], &[]),
            rule(
                "surname",
                &[KeyPart::LastSoundex, KeyPart::FirstInitial],
                &[],
            ),
        ];
        let b = candidate_pairs(&ms, &rules, 100);
        let pairs: Vec<(usize, usize)> = b.pairs.iter().map(|p| unpack(*p)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 3), (1, 3), (2, 3)]);
        assert_eq!(
            b.per_rule,
            vec![("postcode".to_string(), 2), ("surname".to_string(), 3)]
        );
        assert!(b.warnings.is_empty());
    }

    #[test]
    fn oversized_blocks_warn_without_personal_values() {
        let ms: Vec<Mention> = (0..6)
            .map(|i| m(if i % 2 == 0 { "Ann" } else { "Bob" }, "Oyelaran", "E1 6AN"))
            .collect();
        let skip = candidate_pairs(&ms, &[rule("postcode", &[KeyPart::Postcode], &[])], 4);
        assert!(skip.pairs.is_empty());
        assert_eq!(skip.warnings.len(), 1);
        let w = &skip.warnings[0];
        assert!(
            w.starts_with("blocking rule 'postcode': block of 6 mentions over the cap of 4 (key #"),
            "{w}"
        );
        assert!(
            !w.contains("E1") && !w.to_lowercase().contains("oyelaran"),
            "{w}"
        );
        let sub = candidate_pairs(
            &ms,
            &[rule(
                "postcode",
                &[KeyPart::Postcode],
                &[KeyPart::FirstInitial],
            )],
            4,
        );
        assert_eq!(sub.pairs.len(), 6, "two sub-blocks of three");
        assert!(
            sub.warnings[0].ends_with("sub-blocked by first_initial"),
            "{}",
            sub.warnings[0]
        );
    }

    #[test]
    fn name_soundexes_pair_swapped_names() {
        let ms = vec![
            m("Wei", "Zhang", "E1 6AN"),
            m("Zhang", "Wei", "N1 9GU"),
            m("Wei", "Chang", "E1 6AN"),
            m("W.", "Zhang", "E1 6AN"),
            m("", "Zhang", "E1 6AN"),
            m("Way", "Zang", "SE1 7PB"),
        ];
        let b = candidate_pairs(&ms, &[rule("names", &[KeyPart::NameSoundexes], &[])], 100);
        let pairs: Vec<(usize, usize)> = b.pairs.iter().map(|p| unpack(*p)).collect();
        // Zhang/Zang and Wei/Way share codes (Z520, W000) in either order;
        // Chang (C520) does not, and an initial or a missing name is no key.
        assert_eq!(pairs, vec![(0, 1), (0, 5), (1, 5)]);
    }

    #[test]
    fn partial_rules_pair_only_records_lacking_a_name_part() {
        let mut ms = vec![
            m("Ann", "Smith", "E1 6AN"),
            m("Alan", "Smith", "E1 6AN"),
            m("", "Smith", "E1 6AN"),
            m("Ann", "", "E1 6AN"),
        ];
        ms.push(m("Ann", "Smith", "N1 9GU"));
        let mut r = rule("pc", &[KeyPart::Postcode], &[]);
        let all = candidate_pairs(&ms, std::slice::from_ref(&r), 100);
        assert_eq!(all.len(), 6);
        r.partial = true;
        let b = candidate_pairs(&ms, &[r], 100);
        let pairs: Vec<(usize, usize)> = b.pairs.iter().map(|p| unpack(*p)).collect();
        // Ann Smith ~ Alan Smith (both full names) is not a pair.
        assert_eq!(pairs, vec![(0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        assert_eq!(b.per_rule, vec![("pc".to_string(), 5)]);
    }

    #[test]
    fn an_oversized_block_of_identical_records_collapses_to_one_pair_a_copy() {
        use marac_model::{PersonDetails, Role};
        let person = |first: &str| PersonDetails {
            first_name: Some(first.into()),
            last_name: Some("Okafor".into()),
            dob: chrono::NaiveDate::from_ymd_opt(1961, 3, 4),
            ..PersonDetails::default()
        };
        // 400 copies of one record and 3 of another, in one block of 403
        // (same surname and date of birth): over a cap of 300.
        let mut ms: Vec<Mention> = (0..400)
            .map(|i| Mention::from_details(i, Role::Victim, 0, &person("Ada")))
            .collect();
        ms.extend((400..403).map(|i| Mention::from_details(i, Role::Victim, 0, &person("Bo"))));
        let rule = BlockRule {
            name: "dob_surname".into(),
            keys: vec![KeyPart::Dob, KeyPart::LastName],
            subblock: vec![],
            partial: false,
            max_block: None,
        };
        let b = candidate_pairs(&ms, &[rule], 300);
        // The two firsts pair with each other; 399 + 2 copies with their first.
        assert_eq!(b.pairs.len(), 1 + 399 + 2);
        assert!(b.pairs.contains(&pack(0, 400)));
        assert!(b.pairs.contains(&pack(0, 399)));
        assert!(b.pairs.contains(&pack(400, 402)));
        assert!(
            !b.pairs.contains(&pack(1, 2)),
            "copies are not compared with each other"
        );
        assert_eq!(b.warnings.len(), 1);
        let w = &b.warnings[0];
        assert!(
            w.starts_with(
                "blocking rule 'dob_surname': block of 403 mentions over the cap of 300 (key #"
            ) && w.ends_with("): 2 distinct records: each copy compared once with the first"),
            "{w}"
        );
        // Distinct records over the cap are still skipped.
        let many: Vec<Mention> = (0..301)
            .map(|i| Mention::from_details(i, Role::Victim, 0, &person(&format!("N{i}x"))))
            .collect();
        let rule = BlockRule {
            name: "dob_surname".into(),
            keys: vec![KeyPart::Dob, KeyPart::LastName],
            subblock: vec![],
            partial: false,
            max_block: None,
        };
        assert!(candidate_pairs(&many, &[rule], 300).pairs.is_empty());
    }
}
