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
    /// The counterpart person.
    pub counterpart: Option<u32>,
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
}

/// Numbers values in order of first appearance, from 1.
struct Numbering<K> {
    map: FxMap<K, u32>,
}

impl<K: std::hash::Hash + Eq> Numbering<K> {
    fn new() -> Self {
        Numbering {
            map: FxMap::default(),
        }
    }
    /// The number of `k` and whether it is new.
    fn number(&mut self, k: K) -> (u32, bool) {
        let n = self.map.len() as u32 + 1;
        let mut new = false;
        let v = *self.map.entry(k).or_insert_with(|| {
            new = true;
            n
        });
        (v, new)
    }
}

impl HotSet {
    /// Numbers and packs some mentions.
    pub fn build<'m>(list: &'m [Mention]) -> HotSet {
        let mut set = HotSet {
            hot: Vec::with_capacity(list.len()),
            first_names: vec![Box::from("")],
            formal: vec![Box::from([])],
            last_names: vec![Box::from("")],
            streets: vec![Box::from([])],
        };
        let mut first: Numbering<&'m str> = Numbering::new();
        let mut last: Numbering<&'m str> = Numbering::new();
        let mut codes: Numbering<(bool, &'m str)> = Numbering::new();
        let mut sectors: Numbering<&'m str> = Numbering::new();
        let mut districts: Numbering<&'m str> = Numbering::new();
        let mut phones: Numbering<&'m str> = Numbering::new();
        let mut houses: Numbering<&'m str> = Numbering::new();
        let mut flats: Numbering<&'m str> = Numbering::new();
        let mut streets: Numbering<&'m [u64]> = Numbering::new();
        let mut pc = |p: Option<&'m marac_model::Postcode>| -> [u32; 3] {
            match p {
                None => [0; 3],
                Some(p) => [
                    codes.number((p.is_uk(), p.as_str())).0,
                    p.sector().map_or(0, |s| sectors.number(s).0),
                    p.district().map_or(0, |s| districts.number(s).0),
                ],
            }
        };
        for m in list {
            let mut h = Hot {
                dob: m.dob,
                borough: m.borough,
                counterpart: m.counterpart,
                ..Hot::default()
            };
            if !m.first.name.is_empty() {
                h.flags |= FIRST;
                if m.first.initial_only {
                    h.flags |= INITIAL_ONLY;
                }
                let (n, new) = first.number(&m.first.name);
                if new {
                    set.first_names.push(m.first.name.clone());
                    set.formal.push(m.first.formal.clone());
                }
                h.first = n;
            }
            if !m.last.name.is_empty() {
                h.flags |= LAST;
                if !m.last.parts.is_empty() {
                    h.flags |= PARTS;
                }
                let (n, new) = last.number(&m.last.name);
                if new {
                    set.last_names.push(m.last.name.clone());
                }
                h.last = n;
            }
            h.postcode = pc(m.postcode.as_ref());
            h.area = pc(m.area.as_ref());
            if let Some(p) = m.point {
                h.flags |= POINT;
                h.point = p;
            }
            h.phone = m.phone.as_deref().map_or(0, |p| phones.number(p).0);
            let a = &m.address;
            h.address = [
                a.house.as_deref().map_or(0, |x| houses.number(x).0),
                a.flat.as_deref().map_or(0, |x| flats.number(x).0),
                if a.street.is_empty() {
                    0
                } else {
                    let (n, new) = streets.number(&a.street);
                    if new {
                        set.streets.push(a.street.clone());
                    }
                    n
                },
            ];
            set.hot.push(h);
        }
        set
    }

    /// Sets the counterparts again (after a first pass).
    pub fn set_counterparts(&mut self, list: &[Mention]) {
        self.hot
            .par_iter_mut()
            .zip(list)
            .for_each(|(h, m)| h.counterpart = m.counterpart);
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
