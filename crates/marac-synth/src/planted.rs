//! Planted patterns: people and places whose records a risk scan or a
//! hotspot method as of the end date must find.

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use marac_model::{Bng, HateStrand, IncidentKind, SplitMix64, Vulnerability};

use crate::render::{Agency, Draft, Named, Place};
use crate::tables::REPEAT_PLACES;
use crate::world::{Weighted, World};
use crate::Pattern;

/// Who or what a planted row is about.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    Person(u32),
    Hotspot(usize),
    Location(usize),
}

/// One planted row before keys are formatted.
pub(crate) struct Spec {
    pub key: Key,
    pub pattern: Pattern,
    pub bcu: Arc<str>,
    /// Serial perpetrator victims name their suspect in the detail.
    pub suspect: Option<u32>,
    pub detail: String,
}

/// Everything planted.
pub(crate) struct Plan {
    /// Person-pattern incidents (victims fixed).
    pub drafts: Vec<Draft>,
    /// Place-pattern incidents; the victim (reporter) is chosen later from
    /// people with no other incident, preferably in the given borough, with
    /// the given chance (anonymous reports otherwise).
    pub place_drafts: Vec<(Draft, u16, f64)>,
    pub specs: Vec<Spec>,
    pub reserved: Vec<bool>,
}

const DISABILITIES: [Vulnerability; 5] = [
    Vulnerability::PhysicalDisability,
    Vulnerability::LearningDisability,
    Vulnerability::MentalHealth,
    Vulnerability::SensoryImpairment,
    Vulnerability::Autism,
];

fn days_back(end: NaiveDate, n: u64) -> NaiveDate {
    end.checked_sub_days(Days::new(n)).unwrap_or(end)
}

/// `n` dates between `lo` and `hi` days before `end` (inclusive), ascending.
fn dates(end: NaiveDate, n: usize, lo: u64, hi: u64, rng: &mut SplitMix64) -> Vec<NaiveDate> {
    let mut back: Vec<u64> = (0..n).map(|_| lo + rng.below(hi - lo + 1)).collect();
    back.sort_unstable_by(|a, b| b.cmp(a));
    back.into_iter().map(|b| days_back(end, b)).collect()
}

fn shuffle<T>(v: &mut [T], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// A uniformly chosen string; `items` must not be empty.
fn one_of(rng: &mut SplitMix64, items: &[&'static str]) -> &'static str {
    items[rng.below(items.len() as u64) as usize]
}

fn category(kind: IncidentKind, rng: &mut SplitMix64) -> &'static str {
    match kind {
        IncidentKind::Asb => one_of(
            rng,
            &[
                "noise",
                "nuisance",
                "verbal_abuse",
                "harassment",
                "intimidation",
                "criminal_damage",
            ],
        ),
        IncidentKind::Dispute => one_of(
            rng,
            &["noise", "nuisance", "verbal_abuse", "harassment", "threats"],
        ),
        IncidentKind::Hate => one_of(rng, &["verbal_abuse", "harassment", "threats", "assault"]),
        IncidentKind::Safeguarding => one_of(rng, &["neglect", "financial_abuse", "harassment"]),
        IncidentKind::Crime => one_of(rng, &["theft", "criminal_damage"]),
    }
}

struct Planter<'w> {
    world: &'w mut World,
    reserved: Vec<bool>,
    rng: SplitMix64,
    end: NaiveDate,
    drafts: Vec<Draft>,
    specs: Vec<Spec>,
}

impl Planter<'_> {
    /// A fresh adult not yet planted, whose household has nobody planted,
    /// optionally in a given borough; reserves them.
    fn person(&mut self, borough: Option<usize>, max_age: i32) -> Option<u32> {
        for _ in 0..200 {
            let p = match borough {
                Some(b) => self.world.random_in_borough(b, &mut self.rng)?,
                None => self.rng.below(self.world.persons.len() as u64) as u32,
            };
            let hh = self.world.households[self.world.persons[p as usize].household as usize]
                .persons
                .clone();
            if hh.clone().any(|q| self.reserved[q as usize]) || self.world.age(p) > max_age {
                continue;
            }
            self.reserved[p as usize] = true;
            return Some(p);
        }
        None
    }

    /// Makes sure `p` has a vulnerability (a disability when asked).
    fn vulnerable(&mut self, p: u32, disability: bool) {
        let age = self.world.age(p);
        let person = &mut self.world.persons[p as usize];
        if disability {
            if !person.vulns.has_disability() {
                person.vulns.insert(*self.rng.pick(&DISABILITIES));
            }
        } else if person.vulns.is_empty() {
            let v = if age >= 75 {
                Vulnerability::OlderPerson
            } else {
                *self.rng.pick(&[
                    Vulnerability::MentalHealth,
                    Vulnerability::PhysicalDisability,
                    Vulnerability::LearningDisability,
                    Vulnerability::SensoryImpairment,
                    Vulnerability::Autism,
                    Vulnerability::SubstanceMisuse,
                ])
            };
            person.vulns.insert(v);
        }
    }

    /// Someone outside `v`'s household to be the other party: a neighbour on
    /// the same street, else someone in the borough, else anyone.
    fn other_party(&mut self, v: u32) -> Option<u32> {
        let hh = self.world.persons[v as usize].household;
        let b = self.world.borough_of(v);
        for k in 0..30 {
            let p = match k {
                0..=9 => self.world.neighbour(hh, &mut self.rng),
                10..=19 => self.world.random_in_borough(b, &mut self.rng),
                _ => Some(self.rng.below(self.world.persons.len() as u64) as u32),
            };
            if let Some(p) = p {
                if self.world.persons[p as usize].household != hh {
                    return Some(p);
                }
            }
        }
        None
    }

    fn tenant(&self, p: u32) -> bool {
        self.world.household_of(p).social_tenant
    }

    /// Agencies that could record an ASB or dispute report by `p`.
    fn asb_agencies(&self, p: u32) -> Vec<Agency> {
        let mut v = vec![Agency::Police, Agency::Council];
        if self.tenant(p) {
            v.push(Agency::Housing);
        }
        v
    }

    fn bcu_of(&self, p: u32) -> Arc<str> {
        self.world.map.boroughs[self.world.borough_of(p)]
            .bcu
            .clone()
    }

    fn draft(&mut self, agency: Agency, kind: IncidentKind, date: NaiveDate, victim: u32) -> Draft {
        let mut d = Draft::new(agency, kind, date, category(kind, &mut self.rng));
        d.victim = Some(victim);
        d.place = Place::Home {
            household: self.world.persons[victim as usize].household,
        };
        d
    }

    fn asb_or_dispute(&mut self, agency: Agency) -> IncidentKind {
        if agency == Agency::VictimSupport || self.rng.chance(0.6) {
            IncidentKind::Asb
        } else {
            IncidentKind::Dispute
        }
    }

    fn push_victim_spec(&mut self, p: u32, pattern: Pattern, detail: String) {
        let bcu = self.bcu_of(p);
        self.specs.push(Spec {
            key: Key::Person(p),
            pattern,
            bcu,
            suspect: None,
            detail,
        });
    }

    fn repeat_victim(&mut self, room: usize) -> usize {
        if room < 4 {
            return 0;
        }
        let Some(v) = self.person(None, 120) else {
            return 0;
        };
        self.vulnerable(v, false);
        let n = (4 + self.rng.below(5) as usize).min(room);
        let mut pool = self.asb_agencies(v);
        pool.push(Agency::VictimSupport);
        pool.push(Agency::SocialCare);
        shuffle(&mut pool, &mut self.rng);
        let nemesis = self.other_party(v);
        let ds = dates(self.end, n, 0, 355, &mut self.rng);
        let forced = self.rng.below(n as u64) as usize;
        let mut agencies = std::collections::BTreeSet::new();
        for (i, date) in ds.into_iter().enumerate() {
            let agency = if i < 2 {
                pool[i]
            } else {
                *self.rng.pick(&pool)
            };
            agencies.insert(agency);
            let kind = match agency {
                Agency::SocialCare => IncidentKind::Safeguarding,
                Agency::Police if self.rng.chance(0.1) => IncidentKind::Hate,
                a => self.asb_or_dispute(a),
            };
            let mut d = self.draft(agency, kind, date, v);
            if kind != IncidentKind::Safeguarding && self.rng.chance(0.6) {
                d.suspect = nemesis;
            }
            if kind == IncidentKind::Hate {
                d.hate.insert(HateStrand::Race);
            }
            d.force_vulns = i == forced;
            self.drafts.push(d);
        }
        self.push_victim_spec(
            v,
            Pattern::RepeatVictim,
            format!("incidents={n};agencies={}", agencies.len()),
        );
        n
    }

    fn escalation(&mut self, room: usize) -> usize {
        if room < 4 {
            return 0;
        }
        let Some(v) = self.person(None, 120) else {
            return 0;
        };
        self.vulnerable(v, false);
        let n = (4 + self.rng.below(3) as usize).min(room);
        // Shrinking gaps: each about 0.6 of the one before, all inside 118 days.
        let last_back = self.rng.below(5);
        let g0 = 38.0 + self.rng.next_f64() * 10.0;
        let mut gaps: Vec<u64> = Vec::new();
        let mut g = g0;
        for _ in 1..n {
            let mut gi = g.round().max(1.0) as u64;
            if let Some(&prev) = gaps.last() {
                if gi >= prev {
                    gi = prev.saturating_sub(1).max(1);
                }
            }
            gaps.push(gi);
            g *= 0.6;
        }
        let total: u64 = gaps.iter().sum();
        let first_back = (last_back + total).min(118);
        let mut back = first_back;
        let mut backs = vec![back];
        for gi in &gaps {
            back = back.saturating_sub(*gi).max(last_back);
            backs.push(back);
        }
        let top = 4 + self.rng.below(2) as u8;
        let nemesis = self.other_party(v);
        let pool = self.asb_agencies(v);
        let forced = self.rng.below(n as u64) as usize;
        for (i, b) in backs.into_iter().enumerate() {
            let date = days_back(self.end, b);
            let agency = *self.rng.pick(&pool);
            let kind = self.asb_or_dispute(agency);
            let stage = i * 3 / n;
            let cat = match stage {
                0 => *self.rng.pick(&["noise", "nuisance", "verbal_abuse"]),
                1 => *self
                    .rng
                    .pick(&["harassment", "intimidation", "verbal_abuse"]),
                _ => *self.rng.pick(&["threats", "criminal_damage", "assault"]),
            };
            let harm = 1 + ((top - 1) as usize * i / (n - 1)) as u8;
            let mut d = self.draft(agency, kind, date, v);
            d.category = if i == n - 1 { "assault" } else { cat };
            d.harm = Some(harm);
            d.suspect = nemesis;
            d.force_vulns = i == forced;
            self.drafts.push(d);
        }
        self.push_victim_spec(
            v,
            Pattern::Escalation,
            format!("incidents={n};max_harm={top}"),
        );
        n
    }

    fn hidden_disability_hate(&mut self, room: usize) -> usize {
        if room < 5 {
            return 0;
        }
        let Some(v) = self.person(None, 120) else {
            return 0;
        };
        self.vulnerable(v, true);
        let Some(suspect) = self.other_party(v) else {
            self.reserved[v as usize] = false;
            return 0;
        };
        // The suspect is never anyone's planted victim.
        self.reserved[suspect as usize] = true;
        let via_strand = self.rng.chance(0.5);
        let via_asc = self.rng.chance(0.5);
        let extra = usize::from(!via_strand) + usize::from(via_asc);
        let n = (3 + self.rng.below(3) as usize).min(room - extra);
        let pool = self.asb_agencies(v);
        let ds = dates(self.end, n, 0, 330, &mut self.rng);
        let strand_at = self.rng.below(n as u64) as usize;
        let named_at = self.rng.below(n as u64) as usize;
        for (i, date) in ds.into_iter().enumerate() {
            let agency = *self.rng.pick(&pool);
            let kind = self.asb_or_dispute(agency);
            let mut d = self.draft(agency, kind, date, v);
            d.category = *self.rng.pick(&[
                "verbal_abuse",
                "harassment",
                "criminal_damage",
                "intimidation",
            ]);
            d.suspect = Some(suspect);
            if i == named_at {
                d.named = Named::Full;
            } else if self.rng.chance(0.5) {
                d.named = Named::Always;
            }
            if via_strand && i == strand_at {
                d.hate.insert(HateStrand::Disability);
            }
            d.hint = self.rng.chance(0.5);
            d.force_vulns = !via_asc && i == 0;
            self.drafts.push(d);
        }
        if via_asc {
            let date = days_back(self.end, self.rng.below(300));
            let mut d = self.draft(Agency::SocialCare, IncidentKind::Safeguarding, date, v);
            d.category = "harassment";
            d.force_vulns = true;
            self.drafts.push(d);
        }
        let mut total = n + usize::from(via_asc);
        if !via_strand {
            // The same suspect in a recorded hate incident against someone else.
            let b = self.world.borough_of(v);
            if let Some(other) = self.person(Some(b), 120) {
                let date = days_back(self.end, self.rng.below(330));
                let mut d = self.draft(Agency::Police, IncidentKind::Hate, date, other);
                d.category = "verbal_abuse";
                d.suspect = Some(suspect);
                d.named = Named::Full;
                d.hate.insert(HateStrand::Disability);
                self.drafts.push(d);
                total += 1;
            } else {
                // No one to be the other victim: perceive the strand instead.
                if let Some(d) = self
                    .drafts
                    .iter_mut()
                    .rev()
                    .find(|d| d.victim == Some(v) && d.kind != IncidentKind::Safeguarding)
                {
                    d.hate.insert(HateStrand::Disability);
                }
            }
        }
        self.push_victim_spec(
            v,
            Pattern::HiddenDisabilityHate,
            format!(
                "incidents={n};evidence={}",
                if via_strand {
                    "disability_strand"
                } else {
                    "suspect_in_hate_incident"
                }
            ),
        );
        total
    }

    fn serial_perpetrator(&mut self, room: usize) -> usize {
        if room < 9 {
            return 0;
        }
        // Mostly men, as recorded ASB perpetrators mostly are.
        let mut found = None;
        for _ in 0..20 {
            let Some(s) = self.person(None, 60) else {
                break;
            };
            if self.world.persons[s as usize].male || self.rng.chance(0.2) {
                found = Some(s);
                break;
            }
            self.reserved[s as usize] = false;
        }
        let Some(s) = found else {
            return 0;
        };
        let b = self.world.borough_of(s);
        let k = (3 + self.rng.below(2) as usize).min(room / 3);
        let mut victims = Vec::new();
        let s_hh = self.world.persons[s as usize].household;
        for _ in 0..k {
            // Prefer neighbours on the suspect's street, then the borough.
            let mut found = None;
            for _ in 0..10 {
                if let Some(p) = self.world.neighbour(s_hh, &mut self.rng) {
                    let hh = self.world.households
                        [self.world.persons[p as usize].household as usize]
                        .persons
                        .clone();
                    if !hh.clone().any(|q| self.reserved[q as usize]) {
                        self.reserved[p as usize] = true;
                        found = Some(p);
                        break;
                    }
                }
            }
            let p = match found {
                Some(p) => Some(p),
                None => self.person(Some(b), 120),
            };
            if let Some(p) = p {
                victims.push(p);
            }
        }
        if victims.len() < 3 {
            for p in victims {
                self.reserved[p as usize] = false;
            }
            self.reserved[s as usize] = false;
            return 0;
        }
        let mut used = 0;
        let budget_each = room / victims.len();
        let mut counts = Vec::new();
        for &v in &victims {
            self.vulnerable(v, false);
            let n = (3 + self.rng.below(2) as usize).min(budget_each);
            let pool = self.asb_agencies(v);
            let ds = dates(self.end, n, 0, 340, &mut self.rng);
            let forced = self.rng.below(n as u64) as usize;
            for (i, date) in ds.into_iter().enumerate() {
                let agency = *self.rng.pick(&pool);
                let kind = self.asb_or_dispute(agency);
                let mut d = self.draft(agency, kind, date, v);
                d.suspect = Some(s);
                d.named = if i == 0 {
                    Named::Full
                } else if self.rng.chance(0.6) {
                    Named::Always
                } else {
                    Named::Maybe
                };
                d.force_vulns = i == forced;
                self.drafts.push(d);
            }
            used += n;
            counts.push(n);
        }
        let bcu = self.bcu_of(s);
        self.specs.push(Spec {
            key: Key::Person(s),
            pattern: Pattern::SerialPerpetrator,
            bcu,
            suspect: None,
            detail: format!("victims={};incidents={used}", victims.len()),
        });
        for (v, n) in victims.into_iter().zip(counts) {
            let bcu = self.bcu_of(v);
            self.specs.push(Spec {
                key: Key::Person(v),
                pattern: Pattern::SerialPerpetratorVictim,
                bcu,
                suspect: Some(s),
                detail: format!("incidents={n}"),
            });
        }
        used
    }

    fn no_safeguarding_referral(&mut self, room: usize) -> usize {
        if room < 3 {
            return 0;
        }
        let Some(v) = self.person(None, 120) else {
            return 0;
        };
        self.vulnerable(v, false);
        let n = (3 + self.rng.below(3) as usize).min(room);
        let mut pool = self.asb_agencies(v);
        pool.push(Agency::VictimSupport);
        let nemesis = self.other_party(v);
        let ds = dates(self.end, n, 0, 330, &mut self.rng);
        let forced = self.rng.below(n as u64) as usize;
        for (i, date) in ds.into_iter().enumerate() {
            let agency = *self.rng.pick(&pool);
            let kind = self.asb_or_dispute(agency);
            let mut d = self.draft(agency, kind, date, v);
            if self.rng.chance(0.5) {
                d.suspect = nemesis;
            }
            d.force_vulns = i == forced;
            self.drafts.push(d);
        }
        self.push_victim_spec(v, Pattern::NoSafeguardingReferral, format!("incidents={n}"));
        n
    }

    fn asb_case_review(&mut self, room: usize) -> usize {
        if room < 3 {
            return 0;
        }
        let Some(v) = self.person(None, 120) else {
            return 0;
        };
        self.vulnerable(v, false);
        let n = (3 + self.rng.below(3) as usize).min(room);
        let pool = self.asb_agencies(v);
        let nemesis = self.other_party(v);
        let ds = dates(self.end, n, 0, 178, &mut self.rng);
        let forced = self.rng.below(n as u64) as usize;
        for (i, date) in ds.into_iter().enumerate() {
            let agency = *self.rng.pick(&pool);
            let mut d = self.draft(agency, IncidentKind::Asb, date, v);
            if self.rng.chance(0.5) {
                d.suspect = nemesis;
            }
            d.force_vulns = i == forced;
            self.drafts.push(d);
        }
        self.push_victim_spec(v, Pattern::AsbCaseReview, format!("incidents={n}"));
        n
    }
}

/// A person living in borough `b` (else anywhere) not yet planted, now
/// reserved so that they have no other incident.
fn reserve_reporter(
    world: &World,
    reserved: &mut [bool],
    b: usize,
    rng: &mut SplitMix64,
) -> Option<u32> {
    for k in 0..200 {
        let p = if k < 100 {
            world.random_in_borough(b, rng)?
        } else {
            rng.below(world.persons.len() as u64) as u32
        };
        if !reserved[p as usize] {
            reserved[p as usize] = true;
            return Some(p);
        }
    }
    None
}

/// Plans every planted pattern for `m` incidents; returns the plan and the
/// number of incidents it uses.
pub(crate) fn plan(world: &mut World, seed: u64, m: usize) -> (Plan, usize) {
    let end = world.end;
    let mut planter = Planter {
        reserved: vec![false; world.persons.len()],
        world,
        rng: SplitMix64::fork(seed, crate::tag::PLANT),
        end,
        drafts: Vec::new(),
        specs: Vec::new(),
    };
    let per_pattern = if m >= 200 { (m / 500).max(1) } else { 1 };
    let cap = if m >= 200 { m * 3 / 10 } else { m / 2 };
    let mut used = 0usize;
    for _ in 0..per_pattern {
        for k in 0..6 {
            let room = cap.saturating_sub(used);
            used += match k {
                0 => planter.repeat_victim(room),
                1 => planter.asb_case_review(room),
                2 => planter.no_safeguarding_referral(room),
                3 => planter.escalation(room),
                4 => planter.hidden_disability_hate(room),
                _ => planter.serial_perpetrator(room),
            };
        }
    }

    // Places: hotspots and repeat locations.
    let mut place_drafts = Vec::new();
    let hotspots = if m >= 1000 { (m / 20_000).max(2) } else { 0 };
    let repeat_locations = if m >= 1000 {
        (m / 20_000).max(2)
    } else if m >= 200 {
        1
    } else {
        0
    };
    let place_cap = m * 2 / 5;
    let map = &planter.world.map;
    let mut bcus: Vec<Arc<str>> = Vec::new();
    for b in &map.boroughs {
        if !bcus.contains(&b.bcu) {
            bcus.push(b.bcu.clone());
        }
    }
    let mut rng = SplitMix64::fork(seed, crate::tag::PLACES);
    shuffle(&mut bcus, &mut rng);
    let world = &*planter.world;
    let mut placed = 0usize;
    for attempt in 0..hotspots + bcus.len() {
        if placed == hotspots {
            break;
        }
        let n = 30 + rng.below(51) as usize;
        if used + n > place_cap {
            break;
        }
        let bcu = &bcus[attempt % bcus.len()];
        let members: Vec<usize> = (0..map.boroughs.len())
            .filter(|&b| &map.boroughs[b].bcu == bcu)
            .collect();
        if members.is_empty() {
            continue;
        }
        let w = Weighted::new(members.iter().map(|&b| map.boroughs[b].info.population));
        let b = members[w.pick(&mut rng)];
        // A centre whose whole disc lies inside the borough, named after
        // one of the borough's streets.
        let mut centre = None;
        for _ in 0..200 {
            let c = map.sample(b, &mut rng);
            let ok = (0..8).all(|k| {
                let a = k as f64 * std::f64::consts::FRAC_PI_4;
                map.inside(
                    b,
                    Bng {
                        easting: c.easting + 160.0 * a.cos(),
                        northing: c.northing + 160.0 * a.sin(),
                    },
                )
            });
            if ok {
                let streets = if world.streets_by_borough[b].is_empty() {
                    &world.town_centres[b]
                } else {
                    &world.streets_by_borough[b]
                };
                let name = match streets.is_empty() {
                    true => "High Street".to_string(),
                    false => world.streets[*rng.pick(streets) as usize].name(),
                };
                centre = Some((c, name));
                break;
            }
        }
        let Some((c, street)) = centre else {
            continue;
        };
        let wend = days_back(end, rng.below(8));
        let len = 60 + rng.below(61);
        let texts: [Arc<str>; 6] = [
            Arc::from(format!("{street} estate")),
            Arc::from(format!("outside the shops, {street}")),
            Arc::from(format!("bus stop on {street}")),
            Arc::from(format!("alleyway off {street}")),
            Arc::from(format!("{street} car park")),
            Arc::from(format!("playground by {street}")),
        ];
        for _ in 0..n {
            let r = 140.0 * rng.next_f64().sqrt();
            let a = rng.next_f64() * std::f64::consts::TAU;
            let p = map.offset_or(b, c, r * a.cos(), r * a.sin(), c);
            let agency = if rng.chance(0.55) {
                Agency::Police
            } else {
                Agency::Council
            };
            let date = days_back(wend, rng.below(len + 1));
            let cat = *rng.pick(&[
                "nuisance",
                "nuisance",
                "noise",
                "intimidation",
                "criminal_damage",
                "verbal_abuse",
                "harassment",
                "threats",
            ]);
            let mut d = Draft::new(agency, IncidentKind::Asb, date, cat);
            d.place = Place::Point {
                p,
                borough: b as u16,
                text: rng.pick(&texts).clone(),
                postcode: None,
                exact: true,
            };
            d.force_coords = true;
            place_drafts.push((d, b as u16, 0.75));
        }
        used += n;
        planter.specs.push(Spec {
            key: Key::Hotspot(placed),
            pattern: Pattern::Hotspot,
            bcu: map.boroughs[b].bcu.clone(),
            suspect: None,
            detail: format!(
                "easting={:.0};northing={:.0};radius_m=150;incidents={n}",
                c.easting, c.northing
            ),
        });
        placed += 1;
    }
    for j in 0..repeat_locations {
        let n = 8 + rng.below(7) as usize;
        if used + n > place_cap || world.households.is_empty() {
            break;
        }
        let h = rng.below(world.households.len() as u64) as u32;
        let hh = &world.households[h as usize];
        let street = &world.streets[hh.street as usize];
        let b = street.borough as usize;
        let text: Arc<str> = match &hh.block {
            Some(block) => Arc::from(format!("main entrance, {block}, {}", street.name())),
            None => Arc::from(format!(
                "outside {}, {} {}",
                rng.pick(REPEAT_PLACES),
                hh.number,
                street.name()
            )),
        };
        let pc = hh.pc.clone();
        for _ in 0..n {
            let agency = if rng.chance(0.6) {
                Agency::Police
            } else {
                Agency::Council
            };
            let date = days_back(end, rng.below(360));
            let cat = *rng.pick(&[
                "nuisance",
                "intimidation",
                "verbal_abuse",
                "criminal_damage",
                "noise",
            ]);
            let mut d = Draft::new(agency, IncidentKind::Asb, date, cat);
            d.place = Place::Point {
                p: hh.point,
                borough: b as u16,
                text: text.clone(),
                postcode: Some(pc.clone()),
                exact: true,
            };
            d.force_coords = true;
            // Each report from a different person, with no other incident.
            d.victim = reserve_reporter(world, &mut planter.reserved, b, &mut rng);
            place_drafts.push((d, b as u16, 0.0));
        }
        used += n;
        planter.specs.push(Spec {
            key: Key::Location(j),
            pattern: Pattern::RepeatLocation,
            bcu: map.boroughs[b].bcu.clone(),
            suspect: None,
            detail: format!(
                "easting={:.0};northing={:.0};incidents={n}",
                hh.point.easting, hh.point.northing
            ),
        });
    }
    let Planter {
        reserved,
        drafts,
        specs,
        ..
    } = planter;
    (
        Plan {
            drafts,
            place_drafts,
            specs,
            reserved,
        },
        used,
    )
}
