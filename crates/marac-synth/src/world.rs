//! The synthetic population: streets with postcodes in each borough,
//! households at addresses on them, and the people living there.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate};
use marac_model::{Bng, Postcode, SplitMix64, Vulnerability, VulnerabilitySet};
use rayon::prelude::*;

use crate::map::{round, Map};
use crate::tables::{
    first_names, surnames, Group, BLOCK_SUFFIXES, INWARD_LETTERS, STREET_STEMS, STREET_SUFFIXES,
    TOWN_CENTRE_STREETS,
};
use crate::tag;

/// A weighted choice table (cumulative weights, binary search).
pub(crate) struct Weighted {
    cum: Vec<f64>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Weighted { cum }
    }

    /// Zipf-like weights `1 / (rank + 2)^s` for `n` items.
    pub fn zipf(n: usize, s: f64) -> Weighted {
        Weighted::new((0..n).map(|i| 1.0 / ((i + 2) as f64).powf(s)))
    }

    pub fn pick(&self, rng: &mut SplitMix64) -> usize {
        let total = self.cum.last().copied().unwrap_or(0.0);
        let x = rng.next_f64() * total;
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}

/// Name sampling tables per origin group.
pub(crate) struct NameTables {
    groups: Weighted,
    surnames: Vec<Weighted>,
    /// Per group: (male indices, male weights, female indices, female weights).
    firsts: Vec<[(Vec<usize>, Weighted); 2]>,
}

impl NameTables {
    pub fn new() -> NameTables {
        let groups = Weighted::new(Group::ALL.iter().map(|g| g.weight()));
        let surnames_w = Group::ALL
            .iter()
            .map(|g| Weighted::zipf(surnames(*g).len(), 0.9))
            .collect();
        let firsts = Group::ALL
            .iter()
            .map(|g| {
                let all = first_names(*g);
                let by_sex = |male: bool| {
                    let idx: Vec<usize> = (0..all.len()).filter(|&i| all[i].1 == male).collect();
                    let w = Weighted::zipf(idx.len(), 0.7);
                    (idx, w)
                };
                [by_sex(true), by_sex(false)]
            })
            .collect();
        NameTables {
            groups,
            surnames: surnames_w,
            firsts,
        }
    }

    pub fn group(&self, rng: &mut SplitMix64) -> Group {
        Group::ALL[self.groups.pick(rng)]
    }

    pub fn surname(&self, g: Group, rng: &mut SplitMix64) -> &'static str {
        let gi = g as usize;
        surnames(g)[self.surnames[gi].pick(rng)]
    }

    pub fn first(&self, g: Group, male: bool, rng: &mut SplitMix64) -> &'static str {
        let g = if rng.chance(g.british_first_name_chance()) {
            Group::British
        } else {
            g
        };
        let (idx, w) = &self.firsts[g as usize][usize::from(!male)];
        if idx.is_empty() {
            return if male { "John" } else { "Mary" };
        }
        first_names(g)[idx[w.pick(rng)]].0
    }
}

/// A street: a name in a borough, a line of homes and its postcode units.
pub(crate) struct Street {
    pub borough: u16,
    pub stem: &'static str,
    pub suffix: &'static str,
    pub suffix_abbr: &'static str,
    /// Whether it is a town-centre street (shops, stations, context crime).
    pub town_centre: bool,
    pub anchor: Bng,
    pub households: std::ops::Range<u32>,
}

impl Street {
    pub fn name(&self) -> String {
        format!("{} {}", self.stem, self.suffix)
    }
}

/// A household: one address shared by its members.
pub(crate) struct Household {
    pub street: u32,
    pub number: u16,
    /// Flat number, 0 when the home is a house.
    pub flat: u16,
    /// The named block the flat is in, if any.
    pub block: Option<Box<str>>,
    pub postcode: Box<str>,
    /// The same postcode, parsed once.
    pub pc: Postcode,
    pub point: Bng,
    pub social_tenant: bool,
    pub children: bool,
    pub persons: std::ops::Range<u32>,
}

/// One true person.
#[derive(Clone)]
pub(crate) struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub male: bool,
    pub dob: NaiveDate,
    pub household: u32,
    pub vulns: VulnerabilitySet,
    pub has_phone: bool,
}

/// The whole synthetic population.
pub(crate) struct World {
    pub map: Map,
    pub streets: Vec<Street>,
    pub households: Vec<Household>,
    pub persons: Vec<Person>,
    /// Street indices per borough.
    pub streets_by_borough: Vec<Vec<u32>>,
    /// Town-centre street indices per borough.
    pub town_centres: Vec<Vec<u32>>,
    pub end: NaiveDate,
}

/// Mean persons per street, used to size the street list.
const PERSONS_PER_STREET: usize = 52;
/// Town-centre streets per borough.
const TOWN_CENTRES_PER_BOROUGH: usize = 6;

impl World {
    pub fn build(seed: u64, target_persons: usize, end: NaiveDate) -> World {
        let map = Map::london();
        let names = NameTables::new();
        let nb = map.boroughs.len();
        let weights = Weighted::new(map.boroughs.iter().map(|b| b.info.population));
        let n_streets = target_persons.div_ceil(PERSONS_PER_STREET).max(1);
        let small = target_persons < 20_000;
        let suffix_w = Weighted::new(STREET_SUFFIXES.iter().map(|s| s.1));

        // Street names and boroughs: a serial pass (it avoids duplicate names
        // within a borough); anchors are sampled in parallel below.
        let mut specs: Vec<(u16, &'static str, &'static str, &'static str, bool)> = Vec::new();
        let mut used: HashSet<(u16, &'static str, &'static str)> = HashSet::new();
        let mut rng = SplitMix64::fork(seed, tag::STREETS);
        for b in 0..nb {
            for &(stem, suffix) in TOWN_CENTRE_STREETS.iter().take(TOWN_CENTRES_PER_BOROUGH) {
                used.insert((b as u16, stem, suffix));
                specs.push((b as u16, stem, suffix, abbr(suffix), true));
            }
        }
        for _ in 0..n_streets {
            let b = weights.pick(&mut rng) as u16;
            let mut chosen = None;
            for _ in 0..8 {
                let stem = *rng.pick(STREET_STEMS);
                let suf = &STREET_SUFFIXES[suffix_w.pick(&mut rng)];
                if used.insert((b, stem, suf.0)) {
                    chosen = Some((stem, suf.0, suf.2));
                    break;
                }
            }
            let (stem, suffix, sa) = chosen.unwrap_or(("Albion", "Road", "Rd"));
            specs.push((b, stem, suffix, sa, false));
        }

        // Each street's homes and people, from its own stream.
        let built: Vec<(Bng, Vec<Household>, Vec<Person>)> = specs
            .par_iter()
            .enumerate()
            .map(|(i, spec)| {
                let mut rng = SplitMix64::fork(seed, tag::HOUSEHOLDS | i as u64);
                build_street(&map, &names, spec.0 as usize, spec.4, small, end, &mut rng)
            })
            .collect();

        let mut streets = Vec::with_capacity(specs.len());
        let mut households = Vec::new();
        let mut persons = Vec::new();
        for (i, ((b, stem, suffix, sa, tc), (anchor, hhs, ps))) in
            specs.into_iter().zip(built).enumerate()
        {
            let h0 = households.len() as u32;
            let p_base = persons.len() as u32;
            for mut hh in hhs {
                hh.street = i as u32;
                hh.persons = (hh.persons.start + p_base)..(hh.persons.end + p_base);
                households.push(hh);
            }
            let h1 = households.len() as u32;
            for mut p in ps {
                p.household += h0;
                persons.push(p);
            }
            streets.push(Street {
                borough: b,
                stem,
                suffix,
                suffix_abbr: sa,
                town_centre: tc,
                anchor,
                households: h0..h1,
            });
        }
        let mut streets_by_borough = vec![Vec::new(); nb];
        let mut town_centres = vec![Vec::new(); nb];
        for (i, s) in streets.iter().enumerate() {
            if s.town_centre {
                town_centres[s.borough as usize].push(i as u32);
            }
            if !s.households.is_empty() {
                streets_by_borough[s.borough as usize].push(i as u32);
            }
        }
        World {
            map,
            streets,
            households,
            persons,
            streets_by_borough,
            town_centres,
            end,
        }
    }

    pub fn household_of(&self, p: u32) -> &Household {
        &self.households[self.persons[p as usize].household as usize]
    }

    pub fn street_of_household(&self, h: u32) -> &Street {
        &self.streets[self.households[h as usize].street as usize]
    }

    pub fn borough_of(&self, p: u32) -> usize {
        self.street_of_household(self.persons[p as usize].household)
            .borough as usize
    }

    /// Age in whole years at the end date.
    pub fn age(&self, p: u32) -> i32 {
        age_at(self.persons[p as usize].dob, self.end)
    }

    /// A random adult living on the same street as household `h`, in
    /// another household; falls back to anyone in the same borough.
    pub fn neighbour(&self, h: u32, rng: &mut SplitMix64) -> Option<u32> {
        let street = self.street_of_household(h);
        let range = street.households.clone();
        if range.len() > 1 {
            for _ in 0..4 {
                let other = range.start + rng.below(range.len() as u64) as u32;
                if other != h {
                    return Some(self.random_member(other, rng));
                }
            }
        }
        self.random_in_borough(street.borough as usize, rng)
    }

    /// A random person living in borough `b`.
    pub fn random_in_borough(&self, b: usize, rng: &mut SplitMix64) -> Option<u32> {
        let streets = &self.streets_by_borough[b];
        if streets.is_empty() {
            return None;
        }
        let s = &self.streets[*rng.pick(streets) as usize];
        let h = s.households.start + rng.below(s.households.len() as u64) as u32;
        Some(self.random_member(h, rng))
    }

    pub fn random_member(&self, h: u32, rng: &mut SplitMix64) -> u32 {
        let r = &self.households[h as usize].persons;
        r.start + rng.below(r.len() as u64) as u32
    }
}

pub(crate) fn age_at(dob: NaiveDate, at: NaiveDate) -> i32 {
    let mut age = at.year() - dob.year();
    if (at.month(), at.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

pub(crate) fn abbr(suffix: &str) -> &'static str {
    STREET_SUFFIXES
        .iter()
        .find(|s| s.0 == suffix)
        .map(|s| s.2)
        .unwrap_or(match suffix {
            "Broadway" => "Bdwy",
            _ => "",
        })
}

/// A date of birth for someone `age` years old at `at`.
fn dob_for_age(age: i32, at: NaiveDate, rng: &mut SplitMix64) -> NaiveDate {
    let days = age as u64 * 365 + age as u64 / 4 + rng.below(365);
    at.checked_sub_days(Days::new(days)).unwrap_or(at)
}

fn random_postcode(district: &str, sector: u8, rng: &mut SplitMix64) -> String {
    let a = INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char;
    let b = INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char;
    format!("{district} {sector}{a}{b}")
}

fn build_street(
    map: &Map,
    names: &NameTables,
    b: usize,
    town_centre: bool,
    small: bool,
    end: NaiveDate,
    rng: &mut SplitMix64,
) -> (Bng, Vec<Household>, Vec<Person>) {
    let borough = &map.boroughs[b];
    let anchor = map.sample(b, rng);
    let angle = rng.next_f64() * std::f64::consts::PI;
    let (dx, dy) = (angle.cos(), angle.sin());
    let district = *rng.pick(borough.info.districts);
    let sector = rng.below(10) as u8;
    let n_units = 1 + rng.below(3) as usize;
    let units: Vec<String> = (0..n_units)
        .map(|_| random_postcode(district, sector, rng))
        .collect();
    let n_hh = if town_centre {
        // Flats above shops; none at all in small data sets, where the six
        // town centres per borough would outnumber the homes.
        if small {
            0
        } else {
            rng.below(4) as usize
        }
    } else {
        8 + rng.below(31) as usize
    };
    let step = if rng.chance(0.5) { 2 } else { 1 };
    let mut number = 1 + rng.below(if step == 2 { 3 } else { 6 }) as u16;
    let mut households = Vec::with_capacity(n_hh);
    let mut persons = Vec::new();
    let mut made = 0usize;
    while made < n_hh {
        // A building: a house, or flats (converted house or a named block).
        let flats = if rng.chance(borough.info.flats) {
            if rng.chance(0.25) {
                6 + rng.below(20) as u16
            } else {
                2 + rng.below(3) as u16
            }
        } else {
            0
        };
        let block: Option<Box<str>> = if flats >= 6 && rng.chance(0.6) {
            Some(
                format!("{} {}", rng.pick(STREET_STEMS), rng.pick(BLOCK_SUFFIXES)).into_boxed_str(),
            )
        } else {
            None
        };
        let t = (households.len() as f64 - n_hh as f64 / 2.0) * 9.0;
        let side = if number.is_multiple_of(2) { 8.0 } else { -8.0 };
        let building = map.offset_or(b, anchor, t * dx - side * dy, t * dy + side * dx, anchor);
        let unit = &units[(households.len() * n_units / n_hh).min(n_units - 1)];
        for f in 0..flats.max(1) {
            if made >= n_hh && f > 0 {
                break;
            }
            let point = if flats > 0 {
                // Flats share the building's point, with small offsets.
                map.offset_or(
                    b,
                    building,
                    (rng.next_f64() - 0.5) * 6.0,
                    (rng.next_f64() - 0.5) * 6.0,
                    building,
                )
            } else {
                building
            };
            let social = rng.chance(if flats > 0 {
                borough.info.social * 1.5
            } else {
                borough.info.social * 0.5
            });
            let first_person = persons.len() as u32;
            let children = fill_household(
                names,
                &mut persons,
                households.len() as u32,
                flats > 0,
                end,
                rng,
            );
            households.push(Household {
                street: 0,
                number,
                flat: if flats > 0 { f + 1 } else { 0 },
                block: block.clone(),
                postcode: unit.clone().into_boxed_str(),
                pc: Postcode::parse(unit),
                point,
                social_tenant: social,
                children,
                persons: first_person..persons.len() as u32,
            });
            made += 1;
        }
        number += step;
    }
    (round(anchor), households, persons)
}

/// Adds a household's members; returns whether children live there.
fn fill_household(
    names: &NameTables,
    persons: &mut Vec<Person>,
    hh: u32,
    flat: bool,
    end: NaiveDate,
    rng: &mut SplitMix64,
) -> bool {
    let start = persons.len();
    let group = names.group(rng);
    let surname = names.surname(group, rng);
    let add = |persons: &mut Vec<Person>,
               first: &'static str,
               last: &'static str,
               male: bool,
               dob: NaiveDate| {
        persons.push(Person {
            first,
            last,
            male,
            dob,
            household: hh,
            vulns: VulnerabilitySet::EMPTY,
            has_phone: false,
        });
    };
    let mut children = false;
    if flat && rng.chance(0.12) {
        // A house share: unrelated adults.
        let n = 2 + rng.below(3);
        for _ in 0..n {
            let g = names.group(rng);
            let male = rng.chance(0.5);
            let age = 20 + rng.below(22) as i32;
            add(
                persons,
                names.first(g, male, rng),
                names.surname(g, rng),
                male,
                dob_for_age(age, end, rng),
            );
        }
    } else {
        let head_age = 19 + (rng.next_f64().powf(1.5) * 76.0) as i32;
        let head_male = rng.chance(0.5);
        let head_first = names.first(group, head_male, rng);
        add(
            persons,
            head_first,
            surname,
            head_male,
            dob_for_age(head_age, end, rng),
        );
        let size_roll = rng.next_f64();
        let partner = head_age >= 22 && size_roll > 0.32;
        if partner {
            let male = if rng.chance(0.94) {
                !head_male
            } else {
                head_male
            };
            let last = if rng.chance(0.72) {
                surname
            } else if rng.chance(0.6) {
                names.surname(group, rng)
            } else {
                let g = names.group(rng);
                names.surname(g, rng)
            };
            let age = (head_age + (rng.normal() * 4.0) as i32).clamp(18, 99);
            add(
                persons,
                names.first(group, male, rng),
                last,
                male,
                dob_for_age(age, end, rng),
            );
        }
        if (25..=55).contains(&head_age) && rng.chance(0.45) {
            children = true;
        }
        // Adult children still at home.
        if head_age >= 40 && rng.chance(if partner { 0.45 } else { 0.3 }) {
            let n = 1 + rng.below(3) as usize;
            let mut first_child_dob: Option<NaiveDate> = None;
            for k in 0..n {
                let male = rng.chance(0.5);
                let age = (head_age - 22 - rng.below(14) as i32).max(18);
                let mut dob = dob_for_age(age, end, rng);
                let mut first = names.first(group, male, rng);
                if let Some(twin) = first_child_dob {
                    if k == 1 && rng.chance(0.05) {
                        // Twins: same date of birth, different first names.
                        dob = twin;
                    }
                }
                if male && head_male && rng.chance(0.06) {
                    // Named after his father.
                    first = head_first;
                }
                for _ in 0..4 {
                    if !persons[start..]
                        .iter()
                        .any(|p| p.first == first && p.dob == dob)
                    {
                        break;
                    }
                    first = names.first(group, male, rng);
                }
                add(persons, first, surname, male, dob);
                first_child_dob.get_or_insert(dob);
            }
        }
    }
    // Vulnerabilities, phones.
    let size = persons.len() - start;
    for p in &mut persons[start..] {
        let age = age_at(p.dob, end);
        let mut v = VulnerabilitySet::EMPTY;
        if age >= 75 && rng.chance(0.85) {
            v.insert(Vulnerability::OlderPerson);
        }
        let phys = if age >= 70 { 0.10 } else { 0.03 };
        for (vuln, rate) in [
            (Vulnerability::PhysicalDisability, phys),
            (Vulnerability::LearningDisability, 0.015),
            (Vulnerability::MentalHealth, 0.05),
            (
                Vulnerability::SensoryImpairment,
                if age >= 75 { 0.05 } else { 0.012 },
            ),
            (Vulnerability::Autism, 0.01),
            (Vulnerability::SubstanceMisuse, 0.02),
            (Vulnerability::Other, 0.005),
        ] {
            if rng.chance(rate) {
                v.insert(vuln);
            }
        }
        if !v.is_empty() && size == 1 {
            v.insert(Vulnerability::LivesAlone);
        }
        p.vulns = v;
        p.has_phone = rng.chance(if age >= 80 { 0.6 } else { 0.9 });
    }
    children
}
