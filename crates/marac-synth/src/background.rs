//! Background incidents: ordinary one-off and occasional repeat reports by
//! the population, and police context crime around town centres.

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use marac_model::{HateStrand, HateStrandSet, IncidentKind, SplitMix64};

use crate::render::{Agency, Draft, Place};
use crate::world::{Weighted, World};

/// A date in the two years up to `end`, with a summer peak.
pub(crate) fn seasonal_date(end: NaiveDate, rng: &mut SplitMix64) -> NaiveDate {
    for _ in 0..16 {
        let d = end
            .checked_sub_days(Days::new(rng.below(730)))
            .unwrap_or(end);
        let phase = (d.ordinal() as f64 - 196.0) / 365.0 * std::f64::consts::TAU;
        let w = 1.0 + 0.3 * phase.cos();
        if rng.next_f64() * 1.3 < w {
            return d;
        }
    }
    end
}

/// How many background incidents a person reports as victim.
pub(crate) fn victim_count(vulnerable: bool, rng: &mut SplitMix64) -> u8 {
    let r = rng.below(100);
    let n = match r {
        0..=14 => 0,
        15..=56 => 1,
        57..=80 => 2,
        81..=91 => 3,
        92..=96 => 4,
        97..=98 => 5,
        _ => 6 + rng.below(3) as u8,
    };
    // Vulnerable people who report often are the cases a Community MARAC
    // should hear: they are planted on purpose, so the background keeps
    // them rare.
    if vulnerable && n > 2 && !rng.chance(0.04) {
        2
    } else {
        n
    }
}

fn pick_kind(vulnerable: bool, rng: &mut SplitMix64) -> IncidentKind {
    let r = rng.next_f64();
    if vulnerable {
        match r {
            x if x < 0.40 => IncidentKind::Safeguarding,
            x if x < 0.70 => IncidentKind::Asb,
            x if x < 0.90 => IncidentKind::Dispute,
            _ => IncidentKind::Hate,
        }
    } else {
        match r {
            x if x < 0.62 => IncidentKind::Asb,
            x if x < 0.94 => IncidentKind::Dispute,
            _ => IncidentKind::Hate,
        }
    }
}

fn pick_agency(kind: IncidentKind, tenant: bool, rng: &mut SplitMix64) -> Agency {
    let r = rng.next_f64();
    match kind {
        IncidentKind::Safeguarding => Agency::SocialCare,
        IncidentKind::Hate => {
            if r < 0.8 {
                Agency::Police
            } else {
                Agency::VictimSupport
            }
        }
        IncidentKind::Crime => Agency::Police,
        IncidentKind::Asb => match (tenant, r) {
            (true, x) if x < 0.35 => Agency::Police,
            (true, x) if x < 0.75 => Agency::Council,
            (true, _) => Agency::Housing,
            (false, x) if x < 0.45 => Agency::Police,
            (false, _) => Agency::Council,
        },
        IncidentKind::Dispute => match (tenant, r) {
            (true, x) if x < 0.2 => Agency::Police,
            (true, x) if x < 0.6 => Agency::Council,
            (true, _) => Agency::Housing,
            (false, x) if x < 0.3 => Agency::Police,
            (false, _) => Agency::Council,
        },
    }
}

fn weighted_pick<T: Copy>(items: &[(T, u32)], rng: &mut SplitMix64) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut x = rng.below(total.max(1) as u64) as u32;
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[0].0
}

fn pick_category(kind: IncidentKind, rng: &mut SplitMix64) -> &'static str {
    match kind {
        IncidentKind::Asb => weighted_pick(
            &[
                ("noise", 25),
                ("nuisance", 25),
                ("verbal_abuse", 15),
                ("intimidation", 10),
                ("criminal_damage", 10),
                ("harassment", 10),
                ("threats", 3),
                ("assault", 2),
            ],
            rng,
        ),
        IncidentKind::Dispute => weighted_pick(
            &[
                ("noise", 30),
                ("nuisance", 15),
                ("verbal_abuse", 20),
                ("harassment", 15),
                ("threats", 8),
                ("criminal_damage", 7),
                ("assault", 5),
            ],
            rng,
        ),
        IncidentKind::Hate => weighted_pick(
            &[
                ("verbal_abuse", 40),
                ("harassment", 20),
                ("threats", 15),
                ("assault", 10),
                ("criminal_damage", 8),
                ("online", 7),
            ],
            rng,
        ),
        IncidentKind::Safeguarding => weighted_pick(
            &[
                ("neglect", 35),
                ("financial_abuse", 30),
                ("harassment", 10),
                ("assault", 10),
                ("theft", 5),
                ("threats", 5),
                ("online", 5),
            ],
            rng,
        ),
        IncidentKind::Crime => weighted_pick(
            &[
                ("theft", 50),
                ("criminal_damage", 20),
                ("assault", 20),
                ("threats", 10),
            ],
            rng,
        ),
    }
}

fn hate_strands(rng: &mut SplitMix64) -> HateStrandSet {
    let mut h = HateStrandSet::EMPTY;
    h.insert(weighted_pick(
        &[
            (HateStrand::Race, 50),
            (HateStrand::Religion, 18),
            (HateStrand::SexualOrientation, 14),
            (HateStrand::Disability, 8),
            (HateStrand::Transgender, 4),
            (HateStrand::Other, 6),
        ],
        rng,
    ));
    if rng.chance(0.1) {
        h.insert(HateStrand::Religion);
    }
    h
}

/// The background incident of person `p` (the `k`-th of theirs).
pub(crate) fn victim_draft(world: &World, seed: u64, p: u32, rng: &mut SplitMix64) -> Draft {
    let person = &world.persons[p as usize];
    let h = person.household;
    let hh = &world.households[h as usize];
    let b = world.streets[hh.street as usize].borough as usize;
    // Stable per-person traits: when their trouble peaks, who with.
    let mut prng = SplitMix64::fork(seed, crate::tag::PERSON | p as u64);
    let peak = prng.below(730);
    let clustered = prng.chance(0.6);
    let nemesis = world.neighbour(h, &mut prng);

    let vulnerable = !person.vulns.is_empty();
    let kind = pick_kind(vulnerable, rng);
    let agency = pick_agency(kind, hh.social_tenant, rng);
    let category = pick_category(kind, rng);
    let date = if clustered {
        let back = (peak as f64 + rng.normal() * 60.0).clamp(0.0, 729.0) as u64;
        world
            .end
            .checked_sub_days(Days::new(back))
            .unwrap_or(world.end)
    } else {
        seasonal_date(world.end, rng)
    };
    let mut d = Draft::new(agency, kind, date, category);
    d.victim = Some(p);
    d.place = match kind {
        IncidentKind::Hate if rng.chance(0.5) => town_centre_place(world, b, rng),
        IncidentKind::Asb | IncidentKind::Dispute if rng.chance(0.25) => {
            // Outside a neighbour's home.
            let street = &world.streets[hh.street as usize];
            let n = street.households.len() as u64;
            Place::Home {
                household: street.households.start + rng.below(n) as u32,
            }
        }
        _ => Place::Home { household: h },
    };
    if agency == Agency::VictimSupport && rng.chance(0.5) {
        d.place = Place::Nowhere;
    }
    d.suspect = match kind {
        IncidentKind::Asb | IncidentKind::Dispute => match rng.below(10) {
            0..=4 => nemesis,
            5 | 6 => world.neighbour(h, rng),
            _ => None,
        },
        IncidentKind::Hate if rng.chance(0.55) => world.random_in_borough(b, rng),
        IncidentKind::Safeguarding
            if matches!(category, "financial_abuse" | "neglect" | "assault")
                && hh.persons.len() > 1
                && rng.chance(0.45) =>
        {
            let mut s = world.random_member(h, rng);
            if s == p {
                s = if s + 1 < hh.persons.end {
                    s + 1
                } else {
                    hh.persons.start
                };
            }
            (s != p).then_some(s)
        }
        _ => None,
    };
    if d.suspect == Some(p) {
        d.suspect = None;
    }
    match kind {
        IncidentKind::Hate => d.hate = hate_strands(rng),
        IncidentKind::Asb | IncidentKind::Dispute if rng.chance(0.007) => {
            d.hate = hate_strands(rng);
        }
        _ => {}
    }
    d
}

fn town_centre_place(world: &World, b: usize, rng: &mut SplitMix64) -> Place {
    let tcs = &world.town_centres[b];
    let streets = if tcs.is_empty() {
        &world.streets_by_borough[b]
    } else {
        tcs
    };
    if streets.is_empty() {
        return Place::Nowhere;
    }
    let s = &world.streets[*rng.pick(streets) as usize];
    let c = s.anchor;
    let p = world
        .map
        .offset_or(b, c, rng.normal() * 130.0, rng.normal() * 130.0, c);
    let text: Arc<str> = match rng.below(4) {
        0 => Arc::from(format!("On or near {}", s.name())),
        1 => Arc::from(format!("outside the station, {}", s.name())),
        2 => Arc::from(format!("{} {}", s.stem, s.suffix_abbr).trim().to_string()),
        _ => Arc::from(s.name()),
    };
    Place::Point {
        p,
        borough: b as u16,
        text,
        postcode: None,
        exact: false,
    }
}

/// A police context crime record near a town centre.
pub(crate) fn crime_draft(world: &World, weights: &Weighted, rng: &mut SplitMix64) -> Draft {
    let mut b = weights.pick(rng);
    if world.streets_by_borough[b].is_empty() {
        b = (0..world.streets_by_borough.len())
            .find(|&i| !world.streets_by_borough[i].is_empty())
            .unwrap_or(0);
    }
    let date = seasonal_date(world.end, rng);
    let mut d = Draft::new(
        Agency::Police,
        IncidentKind::Crime,
        date,
        pick_category(IncidentKind::Crime, rng),
    );
    d.place = town_centre_place(world, b, rng);
    d
}

/// Crime weights per borough: residents times a town-centre factor.
pub(crate) fn crime_weights(world: &World) -> Weighted {
    Weighted::new(
        world
            .map
            .boroughs
            .iter()
            .map(|b| b.info.population * b.info.crime_factor),
    )
}
