//! A compact copy of what pair comparisons read, for speed.
//!
//! A [`Mention`] is a few hundred bytes with its names, postcodes and
//! address words on the heap; comparing millions of candidate pairs that
//! point at random mentions spent most of its time waiting for memory. Here
//! every value a comparison reads is numbered once (equal numbers are equal
//! values, numbered in order of first appearance, so the result does not
//! depend on threads) and packed into one small [`Hot`] per mention; the
//! strings that string similarities need sit in small tables by number,
//! which stay in cache. [`crate::compare::ComparisonSet::gamma_hot`] gives
//! exactly the levels of [`crate::compare::ComparisonSet::gamma`] (tested
//! on every candidate pair of a synthetic set).

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::hash::FxMap;
use crate::normalise::Mention;

/// Flag: a first name (or initial) was recorded.
pub const FIRST: u8 = 1;
/// Flag: the first name is only an initial.
pub const INITIAL_ONLY: u8 = 2;
/// Flag: a last name was recorded.
pub const LAST: u8 = 4;
/// Flag: the last name is double-barrelled (has parts).
pub const PARTS: u8 = 8;
/// Flag: the incident has a point.
pub const POINT: u8 = 16;

/// The compared values of one mention, numbered (0 = missing).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hot {
    /// Number of the folded first name (initials included).
    pub first: u32,
    /// Number of the folded last name.
    pub last: u32,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// Numbers of the postcode, its sector and its district.
    pub postcode: [u32; 3],
    /// Numbers of the context area's postcode, sector and district.
    pub area: [u32; 3],
    /// The incident's point (when [`POINT`]).
    pub point: [f32; 2],
    /// Hash of the borough, and whether there is one.
    pub borough: Option<u32>,
    /// Number of the phone.
    pub phone: u32,
    /// Numbers of the house number, the flat and the street words.
    pub address: [u32; 3],
    /// [`FIRST`], [`INITIAL_ONLY`], [`LAST`], [`PARTS`], [`POINT`].
    pub flags: u8,
}

/// The compact mentions and the tables behind their numbers.
#[derive(Debug, Default)]
pub struct HotSet {
    /// One per mention, in mention order.
    pub hot: Vec<Hot>,
    /// First names by number (index 0 is empty).
    pub first_names: Vec<Box<str>>,
    /// Nickname-table ids of each first name, by number.
    pub formal: Vec<Box<[u16]>>,
    /// Last names by number.
    pub last_names: Vec<Box<str>>,
    /// Street words by number.
    pub streets: Vec<Box<[u64]>>,
    /// The same street words as text, by number.
    pub street_words: Vec<Box<str>>,
    /// The counterpart person of each mention, in mention order: a copy
    /// small enough to stay in cache when the second pass compares only this.
    pub counterparts: Vec<Option<u32>>,
}

/// Numbers the values `key` gives, in order of first appearance from 1 (0
/// where there is none); also returns the first mention of each number.
fn number<'m, K: std::hash::Hash + Eq>(
    list: &'m [Mention],
    key: impl Fn(&'m Mention) -> Option<K>,
) -> (Vec<u32>, Vec<usize>) {
    let mut map: FxMap<K, u32> = FxMap::default();
    let mut firsts = Vec::new();
    let ids = list
        .iter()
        .enumerate()
        .map(|(i, m)| match key(m) {
            None => 0,
            Some(k) => {
                let n = map.len() as u32 + 1;
                *map.entry(k).or_insert_with(|| {
                    firsts.push(i);
                    n
                })
            }
        })
        .collect();
    (ids, firsts)
}

/// Numbers of a postcode field: the postcode, its sector and its district.
/// Sectors and districts are numbered over the distinct postcodes only.
fn number_postcodes(
    list: &[Mention],
    field: impl Fn(&Mention) -> Option<&marac_model::Postcode>,
) -> [Vec<u32>; 3] {
    let (codes, firsts) = number(list, |m| field(m).map(|p| (p.is_uk(), p.as_str())));
    let distinct: Vec<&marac_model::Postcode> =
        firsts.iter().filter_map(|&i| field(&list[i])).collect();
    let part = |f: fn(&marac_model::Postcode) -> Option<&str>| -> Vec<u32> {
        let mut map: FxMap<&str, u32> = FxMap::default();
        let by_code: Vec<u32> = std::iter::once(0)
            .chain(distinct.iter().map(|p| match f(p) {
                None => 0,
                Some(s) => {
                    let n = map.len() as u32 + 1;
                    *map.entry(s).or_insert(n)
                }
            }))
            .collect();
        codes.iter().map(|&c| by_code[c as usize]).collect()
    };
    let sectors = part(|p| p.sector());
    let districts = part(|p| p.district());
    [codes, sectors, districts]
}

impl HotSet {
    /// Numbers and packs some mentions (each kind of value is numbered in
    /// its own task; the numbers do not depend on the threads).
    pub fn build(list: &[Mention]) -> HotSet {
        type Numbered = (Vec<u32>, Vec<usize>);
        let (codes, tasks): (Vec<[Vec<u32>; 3]>, Vec<Numbered>) = rayon::join(
            || {
                [0, 1]
                    .into_par_iter()
                    .map(|t| match t {
                        0 => number_postcodes(list, |m| m.postcode.as_ref()),
                        _ => number_postcodes(list, |m| m.area.as_ref()),
                    })
                    .collect()
            },
            || {
                // 0 first name, 1 last name, 2 phone, 3 house, 4 flat, 5 street.
                (0..6usize)
                    .into_par_iter()
                    .map(|task| match task {
                        0 => number(list, |m| {
                            (!m.first.name.is_empty()).then_some(&*m.first.name)
                        }),
                        1 => number(list, |m| (!m.last.name.is_empty()).then_some(&*m.last.name)),
                        2 => number(list, |m| m.phone.as_deref()),
                        3 => number(list, |m| m.address.house.as_deref()),
                        4 => number(list, |m| m.address.flat.as_deref()),
                        _ => number(list, |m| {
                            (!m.address.street.is_empty()).then_some(&*m.address.street)
                        }),
                    })
                    .collect()
            },
        );
        let id = |t: usize, i: usize| tasks[t].0[i];
        let pc = |f: usize, i: usize| [codes[f][0][i], codes[f][1][i], codes[f][2][i]];
        let hot = list
            .par_iter()
            .enumerate()
            .map(|(i, m)| {
                let mut flags = 0;
                if !m.first.name.is_empty() {
                    flags |= FIRST;
                    if m.first.initial_only {
                        flags |= INITIAL_ONLY;
                    }
                }
                if !m.last.name.is_empty() {
                    flags |= LAST;
                    if !m.last.parts.is_empty() {
                        flags |= PARTS;
                    }
                }
                if m.point.is_some() {
                    flags |= POINT;
                }
                Hot {
                    first: id(0, i),
                    last: id(1, i),
                    dob: m.dob,
                    postcode: pc(0, i),
                    area: pc(1, i),
                    point: m.point.unwrap_or_default(),
                    borough: m.borough,
                    phone: id(2, i),
                    address: [id(3, i), id(4, i), id(5, i)],
                    flags,
                }
            })
            .collect();
        let firsts = &tasks[0].1;
        HotSet {
            hot,
            first_names: std::iter::once(Box::from(""))
                .chain(firsts.iter().map(|&i| list[i].first.name.clone()))
                .collect(),
            formal: std::iter::once(Box::from([]))
                .chain(firsts.iter().map(|&i| list[i].first.formal.clone()))
                .collect(),
            last_names: std::iter::once(Box::from(""))
                .chain(tasks[1].1.iter().map(|&i| list[i].last.name.clone()))
                .collect(),
            streets: std::iter::once(Box::from([]))
                .chain(tasks[5].1.iter().map(|&i| list[i].address.street.clone()))
                .collect(),
            street_words: std::iter::once(Box::from(""))
                .chain(tasks[5].1.iter().map(|&i| list[i].address.words.clone()))
                .collect(),
            counterparts: list.iter().map(|m| m.counterpart).collect(),
        }
    }

    /// Sets the counterparts again (after a first pass).
    pub fn set_counterparts(&mut self, list: &[Mention]) {
        self.counterparts = list.iter().map(|m| m.counterpart).collect();
    }

    /// The first name of a mention.
    #[inline]
    pub fn first_name(&self, h: &Hot) -> &str {
        &self.first_names[h.first as usize]
    }

    /// The last name of a mention.
    #[inline]
    pub fn last_name(&self, h: &Hot) -> &str {
        &self.last_names[h.last as usize]
    }
}
