//! Attaching partial records to the one person they fit.
//!
//! A record with only a surname ("Mrs Hollis, 12 High St") or only a first
//! name ("a man called Dean") cannot name a person on its own: at one
//! address a surname names a household, and in one street a first name may
//! be several people. Pair by pair such records stay below the threshold or
//! are held back by the vetoes. But the linked persons around them are
//! evidence too: when exactly one *identified* person (someone recorded
//! somewhere with a first name and a surname) fits the partial record, and
//! no other identified person comes close, the record is that person's.
//! When two household members fit equally well, it stays apart.
//!
//! The unit attached is a *partial person*: a person of the pair-by-pair
//! clustering none of whose mentions holds both a full first name and a
//! surname. For each, every candidate pair with an identified person is
//! scored with the pass's model; pairs a veto of `[attach]` holds (a clear
//! contradiction) do not count, and a person whose dates of birth or
//! references conflict with the partial person's never fits. The best
//! person fits when its best pair reaches `min_weight` bits and beats the
//! best pair of every other identified person by `margin` bits.
//!
//! Decisions are made from the clustering before any attachment (so the
//! order of partial persons does not matter), and only identified persons
//! receive: there are no chains.
//!
//! `not a match` labels hold here too: a person labelled apart from the
//! partial person never fits it, and [`keep_apart`] refuses, in order of
//! partial person, an attachment that would put two records labelled apart
//! in one person through other attachments (two partial persons labelled
//! apart fitting the same person: the second is refused).

use rayon::prelude::*;

use crate::block::unpack;
use crate::cluster::{dobs_conflict, refs_conflict, Clusters, Forest};
use crate::hash::hash_str;
use crate::normalise::Mention;

/// Whether a mention names a person on its own: a full first name (not an
/// initial) and a surname.
pub fn identifying(m: &Mention) -> bool {
    !m.first.name.is_empty() && !m.first.initial_only && !m.last.name.is_empty()
}

/// One partial person attached to an identified one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attachment {
    /// The partial person (number in the clustering before attachment).
    pub from: u32,
    /// The identified person it joins.
    pub to: u32,
    /// The best pair between them (index into the candidate pairs).
    pub pair: usize,
    /// Its weight.
    pub weight: f64,
    /// The best pair's weight of the next identified person that fits
    /// (`-inf`: no other comes within reach); the lead is `weight - runner_up`.
    pub runner_up: f64,
}

/// Attachment settings, already resolved.
pub struct Params<'v> {
    /// Weakest best pair that fits.
    pub min_weight: f64,
    /// Bits by which the best person must beat the next.
    pub margin: f64,
    /// Whether identified persons of one mention attach too.
    pub singletons: bool,
    /// Whether conflicting dates of birth keep a person from fitting
    /// (false where the data's dates of birth carry typos).
    pub dobs_conflict: bool,
    /// Whether a pair is held (a contradiction): `vetoed(pair index)`.
    pub vetoed: &'v (dyn Fn(usize) -> bool + Sync),
    /// Pairs of persons (smaller number first, sorted) labelled `not a
    /// match`: neither ever fits the other.
    pub apart: &'v [(u32, u32)],
}

/// Finds the attachments of partial persons, in order of partial person.
///
/// `pairs` are the candidate pairs (packed, see [`crate::block::pack`]),
/// `weights` their match weights.
pub fn find(
    mentions: &[Mention],
    clusters: &Clusters,
    pairs: &[u64],
    weights: &[f64],
    params: &Params<'_>,
) -> Vec<Attachment> {
    let persons = clusters.persons;
    let person_of = &clusters.person_of;
    let mut ident = vec![false; persons];
    let mut size = vec![0u32; persons];
    for (m, &p) in mentions.iter().zip(person_of) {
        if identifying(m) {
            ident[p as usize] = true;
        }
        size[p as usize] += 1;
    }
    // Who may attach to whom: a partial person to an identified one; with
    // `singletons`, an identified person of one mention to an identified
    // person of several.
    let role = |from: u32, to: u32| {
        let (f, t) = (from as usize, to as usize);
        if !ident[t] {
            return false;
        }
        !ident[f] || (params.singletons && size[f] == 1 && size[t] >= 2)
    };
    // Only pairs between a partial and an identified person that could
    // matter: weight within the margin of the minimum.
    let floor = params.min_weight - params.margin;
    let mut cand: Vec<(u32, u32, f64, usize)> = pairs
        .par_iter()
        .zip(weights)
        .enumerate()
        .filter_map(|(k, (&p, &w))| {
            if w < floor {
                return None;
            }
            let (i, j) = unpack(p);
            let (pi, pj) = (person_of[i], person_of[j]);
            let (from, to) = if role(pi, pj) {
                (pi, pj)
            } else if role(pj, pi) {
                (pj, pi)
            } else {
                return None;
            };
            if (params.vetoed)(k) {
                return None;
            }
            Some((from, to, w, k))
        })
        .collect();
    if cand.is_empty() {
        return Vec::new();
    }
    // Per (partial, identified): the best pair (strongest, then first).
    cand.par_sort_unstable_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.cmp(&y.1))
            .then(y.2.total_cmp(&x.2))
            .then(x.3.cmp(&y.3))
    });
    cand.dedup_by(|later, first| later.0 == first.0 && later.1 == first.1);

    // Dates of birth and references per person, for the conflict check.
    let mut dobs: Vec<Vec<chrono::NaiveDate>> = vec![Vec::new(); persons];
    let mut refs: Vec<Vec<(u32, u64)>> = vec![Vec::new(); persons];
    for (m, &p) in mentions.iter().zip(person_of) {
        if let Some(d) = m.dob {
            let v = &mut dobs[p as usize];
            if !v.contains(&d) {
                v.push(d);
            }
        }
        if let Some(r) = m.reference.as_deref() {
            let r = (m.source, hash_str(r));
            let v = &mut refs[p as usize];
            if !v.contains(&r) {
                v.push(r);
            }
        }
    }
    let conflict = |a: u32, b: u32| {
        (params.dobs_conflict && dobs_conflict(&dobs[a as usize], &dobs[b as usize]))
            || refs_conflict(&refs[a as usize], &refs[b as usize])
            || params.apart.binary_search(&(a.min(b), a.max(b))).is_ok()
    };

    let mut out = Vec::new();
    for group in cand.chunk_by(|x, y| x.0 == y.0) {
        // Strongest first; ties by person number (fixed).
        let mut best: Option<&(u32, u32, f64, usize)> = None;
        let mut second = f64::NEG_INFINITY;
        for c in group.iter().filter(|c| !conflict(c.0, c.1)) {
            match best {
                Some(b) if c.2 > b.2 => {
                    second = second.max(b.2);
                    best = Some(c);
                }
                Some(_) => second = second.max(c.2),
                None => best = Some(c),
            }
        }
        if let Some(b) = best {
            if b.2 >= params.min_weight && b.2 - second >= params.margin {
                out.push(Attachment {
                    from: b.0,
                    to: b.1,
                    pair: b.3,
                    weight: b.2,
                    runner_up: second,
                });
            }
        }
    }
    out
}

/// The attachments that put no two persons labelled `not a match` (`apart`,
/// pairs of person numbers) in one person, taken in the order given (of
/// partial person), each joining what the ones kept before it joined; and
/// how many were refused.
pub fn keep_apart(
    found: Vec<Attachment>,
    persons: usize,
    apart: &[(u32, u32)],
) -> (Vec<Attachment>, usize) {
    if apart.is_empty() {
        return (found, 0);
    }
    let mut f = Forest::apart_only(persons, apart);
    let before = found.len();
    let kept: Vec<Attachment> = found
        .into_iter()
        .filter(|a| {
            let (ra, rb) = (f.find(a.from), f.find(a.to));
            if ra == rb {
                return true;
            }
            if f.held_apart(ra, rb).is_some() {
                return false;
            }
            f.union(ra, rb);
            true
        })
        .collect();
    let refused = before - kept.len();
    (kept, refused)
}

/// Applies attachments: the partial persons' mentions join their
/// identified persons, and persons are numbered again in order of first
/// mention (so ids stay stable for the same input).
pub fn apply(clusters: &mut Clusters, attachments: &[Attachment]) {
    if attachments.is_empty() {
        return;
    }
    let mut target: Vec<u32> = (0..clusters.persons as u32).collect();
    for a in attachments {
        target[a.from as usize] = a.to;
    }
    // A partial person may attach to a single mention that attaches in
    // turn (never further: receivers of single mentions have several).
    for p in 0..target.len() {
        let mut t = target[p];
        while target[t as usize] != t {
            t = target[t as usize];
        }
        target[p] = t;
    }
    let mut number = vec![u32::MAX; clusters.persons];
    let mut next = 0u32;
    for p in clusters.person_of.iter_mut() {
        let t = target[*p as usize] as usize;
        if number[t] == u32::MAX {
            number[t] = next;
            next += 1;
        }
        *p = number[t];
    }
    clusters.persons = next as usize;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn att(from: u32, to: u32) -> Attachment {
        Attachment {
            from,
            to,
            pair: 0,
            weight: 20.0,
            runner_up: f64::NEG_INFINITY,
        }
    }

    #[test]
    fn attachments_never_join_persons_labelled_apart() {
        // Partial persons 0 and 1, labelled apart, both fit person 2: the
        // second is refused. Person 3 fits 4; 4 (now with 3) fits 2, which
        // holds 0, labelled apart from 3: refused too.
        let found = vec![att(0, 2), att(1, 2), att(3, 4), att(4, 2)];
        let (kept, refused) = keep_apart(found.clone(), 5, &[(0, 1), (0, 3)]);
        assert_eq!(kept, vec![att(0, 2), att(3, 4)]);
        assert_eq!(refused, 2);
        assert_eq!(keep_apart(found.clone(), 5, &[]), (found, 0));
    }

    #[test]
    fn attachments_follow_a_chain_and_persons_are_numbered_again() {
        // Persons: 0 (partial), 1 (one full record), 2 (several), 3.
        let mut c = Clusters {
            person_of: vec![3, 0, 1, 2, 2, 3],
            persons: 4,
            ..Default::default()
        };
        // The partial person joins the single record, which joins person 2.
        apply(&mut c, &[att(0, 1), att(1, 2)]);
        assert_eq!(c.person_of, vec![0, 1, 1, 1, 1, 0]);
        assert_eq!(c.persons, 2);
        // No attachments: nothing changes.
        let before = c.clone();
        apply(&mut c, &[]);
        assert_eq!(c, before);
    }
}
