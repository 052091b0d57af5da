//! Agencies and how each writes an incident: which fields it fills, how
//! often, and with what noise. A [`Draft`] (the true event) is rendered into
//! an [`Incident`] (the agency's record of it).

use std::sync::Arc;

use chrono::{Days, NaiveDate, NaiveTime};
use marac_model::{
    Bng, HateStrandSet, Incident, IncidentKind, Origin, PersonDetails, Postcode, RecordDate,
    SplitMix64, VulnerabilitySet,
};

use crate::map::to_wgs84;
use crate::noise;
use crate::tables::{outcomes, summaries, DISABILITY_HINTS};
use crate::world::{Person, World};

/// A recording agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Agency {
    Police,
    Council,
    Housing,
    SocialCare,
    VictimSupport,
}

impl Agency {
    pub const ALL: [Agency; 5] = [
        Agency::Police,
        Agency::Council,
        Agency::Housing,
        Agency::SocialCare,
        Agency::VictimSupport,
    ];

    pub fn slug(self) -> &'static str {
        self.profile().slug
    }

    pub fn prefix(self) -> &'static str {
        self.profile().prefix
    }

    pub fn profile(self) -> &'static Profile {
        match self {
            Agency::Police => &POLICE,
            Agency::Council => &COUNCIL,
            Agency::Housing => &HOUSING,
            Agency::SocialCare => &SOCIAL_CARE,
            Agency::VictimSupport => &VICTIM_SUPPORT,
        }
    }
}

/// How coordinates are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coords {
    LatLon,
    Grid,
}

/// Field completeness and noise for one agency.
pub(crate) struct Profile {
    pub slug: &'static str,
    pub prefix: &'static str,
    /// Victim: chance of first name, last name, DOB, address, postcode, phone.
    pub v_first: f64,
    pub v_last: f64,
    pub v_dob: f64,
    pub v_addr: f64,
    pub v_pc: f64,
    pub v_phone: f64,
    /// Whether the agency keeps its own stable person reference.
    pub reference: Option<&'static str>,
    /// Chance a suspect known to the victim is identified in the record.
    pub s_named: f64,
    pub s_dob: f64,
    pub s_addr: f64,
    /// Names written in upper case (whole record).
    pub upper: f64,
    /// Accents stripped from names.
    pub ascii: f64,
    pub coords: Coords,
    pub coord_rate: f64,
    /// Metres of jitter of a recorded point (geocoding, map clicks).
    pub jitter: f64,
    pub loc_text: f64,
    pub loc_pc: f64,
    pub borough: f64,
    pub time: f64,
    pub occurred: f64,
    pub harm: f64,
    pub children: f64,
    pub summary: f64,
    pub outcome: f64,
    /// Chance a true vulnerability is recorded on an incident.
    pub vulns: f64,
}

static POLICE: Profile = Profile {
    slug: "met-police",
    prefix: "MPS",
    v_first: 0.97,
    v_last: 0.99,
    v_dob: 0.85,
    v_addr: 0.6,
    v_pc: 0.6,
    v_phone: 0.45,
    reference: None,
    s_named: 0.55,
    s_dob: 0.55,
    s_addr: 0.45,
    upper: 0.3,
    ascii: 0.8,
    coords: Coords::LatLon,
    coord_rate: 0.95,
    jitter: 12.0,
    loc_text: 0.6,
    loc_pc: 0.3,
    borough: 0.93,
    time: 0.95,
    occurred: 0.85,
    harm: 0.95,
    children: 0.75,
    summary: 0.97,
    outcome: 0.8,
    vulns: 0.35,
};

static COUNCIL: Profile = Profile {
    slug: "council-asb",
    prefix: "CAS",
    v_first: 0.9,
    v_last: 0.95,
    v_dob: 0.25,
    v_addr: 0.6,
    v_pc: 0.5,
    v_phone: 0.55,
    reference: None,
    s_named: 0.45,
    s_dob: 0.1,
    s_addr: 0.6,
    upper: 0.03,
    ascii: 0.6,
    coords: Coords::Grid,
    coord_rate: 0.7,
    jitter: 25.0,
    loc_text: 0.95,
    loc_pc: 0.4,
    borough: 1.0,
    time: 0.0,
    occurred: 0.5,
    harm: 0.85,
    children: 0.4,
    summary: 0.95,
    outcome: 0.7,
    vulns: 0.25,
};

static HOUSING: Profile = Profile {
    slug: "housing",
    prefix: "HSG",
    v_first: 0.98,
    v_last: 1.0,
    v_dob: 0.1,
    v_addr: 1.0,
    v_pc: 1.0,
    v_phone: 0.7,
    reference: Some("HT"),
    s_named: 0.6,
    s_dob: 0.05,
    s_addr: 0.8,
    upper: 0.1,
    ascii: 0.5,
    coords: Coords::Grid,
    coord_rate: 0.0,
    jitter: 0.0,
    loc_text: 0.8,
    loc_pc: 0.8,
    borough: 1.0,
    time: 0.0,
    occurred: 0.3,
    harm: 0.7,
    children: 0.8,
    summary: 0.9,
    outcome: 0.8,
    vulns: 0.4,
};

static SOCIAL_CARE: Profile = Profile {
    slug: "adult-social-care",
    prefix: "ASC",
    v_first: 1.0,
    v_last: 1.0,
    v_dob: 1.0,
    v_addr: 0.9,
    v_pc: 0.95,
    v_phone: 0.5,
    reference: Some("AS"),
    s_named: 0.5,
    s_dob: 0.3,
    s_addr: 0.5,
    upper: 0.0,
    ascii: 0.2,
    coords: Coords::LatLon,
    coord_rate: 0.05,
    jitter: 0.0,
    loc_text: 0.2,
    loc_pc: 0.0,
    borough: 1.0,
    time: 0.5,
    occurred: 0.6,
    harm: 0.9,
    children: 0.5,
    summary: 0.95,
    outcome: 0.9,
    vulns: 1.0,
};

static VICTIM_SUPPORT: Profile = Profile {
    slug: "victim-support",
    prefix: "VSU",
    v_first: 0.95,
    v_last: 0.9,
    v_dob: 0.3,
    v_addr: 0.3,
    v_pc: 0.7,
    v_phone: 0.9,
    reference: None,
    s_named: 0.3,
    s_dob: 0.0,
    s_addr: 0.1,
    upper: 0.0,
    ascii: 0.3,
    coords: Coords::LatLon,
    coord_rate: 0.0,
    jitter: 0.0,
    loc_text: 0.5,
    loc_pc: 0.2,
    borough: 0.5,
    time: 0.0,
    occurred: 0.4,
    harm: 0.6,
    children: 0.3,
    summary: 0.9,
    outcome: 0.6,
    vulns: 0.4,
};

/// Per-mention name noise rates (the same for every agency).
pub(crate) mod rates {
    pub const NICKNAME: f64 = 0.05;
    pub const VARIANT: f64 = 0.03;
    pub const PUNCTUATION: f64 = 0.3;
    pub const TYPO: f64 = 0.025;
    pub const TRANSPOSE: f64 = 0.015;
    pub const INITIAL: f64 = 0.03;
    pub const TITLE: f64 = 0.02;
    pub const SWAP: f64 = 0.015;
    pub const LOWER: f64 = 0.005;
    pub const FLAT_DROPPED: f64 = 0.05;
    pub const ABBREVIATE: f64 = 0.3;
    pub const ADDRESS_TYPO: f64 = 0.02;
}

/// Whether the suspect is named.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// As the agency's profile decides.
    Maybe,
    /// Always (planted evidence that must be there).
    Always,
    /// Always, with first and last name (planted evidence to link on).
    Full,
}

/// Where an incident happened.
#[derive(Clone)]
pub(crate) enum Place {
    /// At or outside a household's home (the victim's, or a neighbour's).
    Home { household: u32 },
    /// A fixed point with its description.
    Point {
        p: Bng,
        borough: u16,
        text: Arc<str>,
        postcode: Option<Postcode>,
        /// Written exactly as given (no jitter).
        exact: bool,
    },
    /// Nowhere recorded; the borough is the victim's.
    Nowhere,
}

/// The true event before an agency writes it down.
#[derive(Clone)]
pub(crate) struct Draft {
    pub agency: Agency,
    pub kind: IncidentKind,
    pub date: NaiveDate,
    pub victim: Option<u32>,
    pub suspect: Option<u32>,
    pub named: Named,
    pub place: Place,
    pub category: &'static str,
    /// A harm level that is always written (planted escalation).
    pub harm: Option<u8>,
    pub hate: HateStrandSet,
    /// Record the victim's vulnerabilities for certain.
    pub force_vulns: bool,
    /// Add a disability hint to the summary.
    pub hint: bool,
    /// Always write the coordinates (planted places).
    pub force_coords: bool,
    /// Reported time of day, set by [`Draft::finish`].
    pub time: Option<NaiveTime>,
    /// Seed of the stream that renders this draft, set by [`Draft::finish`].
    pub seed: u64,
}

impl Draft {
    pub fn new(
        agency: Agency,
        kind: IncidentKind,
        date: NaiveDate,
        category: &'static str,
    ) -> Draft {
        Draft {
            agency,
            kind,
            date,
            victim: None,
            suspect: None,
            named: Named::Maybe,
            place: Place::Nowhere,
            category,
            harm: None,
            hate: HateStrandSet::EMPTY,
            force_vulns: false,
            hint: false,
            force_coords: false,
            time: None,
            seed: 0,
        }
    }

    /// Decides what must be known before sorting: the reported time,
    /// whether the suspect is named (else dropped), and the render seed.
    pub fn finish(&mut self, rng: &mut SplitMix64) {
        let prof = self.agency.profile();
        self.time = if rng.chance(prof.time) {
            Some(reported_time(rng))
        } else {
            None
        };
        if self.suspect.is_some() {
            let named = match self.named {
                Named::Always | Named::Full => true,
                Named::Maybe => rng.chance(prof.s_named),
            };
            if !named || self.suspect == self.victim {
                self.suspect = None;
            }
        }
        self.seed = rng.next_u64();
    }

    /// Sort key within a day: seconds after midnight of the reported time.
    pub fn secs(&self) -> u32 {
        use chrono::Timelike;
        self.time
            .map(|t| t.num_seconds_from_midnight())
            .unwrap_or(0)
    }
}

/// Shared strings for every incident.
pub(crate) struct Interned {
    pub slugs: Vec<Arc<str>>,
    pub origin: Arc<str>,
}

impl Interned {
    pub fn new() -> Interned {
        Interned {
            slugs: Agency::ALL.iter().map(|a| Arc::from(a.slug())).collect(),
            origin: Arc::from("synth"),
        }
    }
}

fn harm_for(category: &str, rng: &mut SplitMix64) -> u8 {
    let (lo, span) = match category {
        "noise" | "nuisance" => (1, 2),
        "verbal_abuse" | "online" => (1, 3),
        "harassment" | "intimidation" | "theft" => (2, 2),
        "criminal_damage" => (2, 2),
        "threats" | "neglect" | "financial_abuse" => (2, 3),
        "assault" => (3, 3),
        _ => (1, 3),
    };
    // Skewed to the low end of the range.
    let r = rng.next_f64();
    lo + ((r * r) * span as f64) as u8
}

fn reported_time(rng: &mut SplitMix64) -> NaiveTime {
    // Evening peak: a mixture of a day-time uniform and an evening bump.
    let h = if rng.chance(0.55) {
        8 + rng.below(12)
    } else {
        (18 + rng.below(8)) % 24
    };
    NaiveTime::from_hms_opt(h as u32, rng.below(60) as u32, rng.below(60) as u32)
        .unwrap_or(NaiveTime::MIN)
}

/// Renders one finished draft as `draft.agency` records it, with the id
/// and line it will have. The draft's own seed drives every choice, so
/// the result does not depend on the order drafts are rendered in.
pub(crate) fn render(
    world: &World,
    seed: u64,
    d: &Draft,
    id: String,
    line: u64,
    interned: &Interned,
) -> Incident {
    let rng = &mut SplitMix64::new(d.seed);
    let prof = d.agency.profile();
    let start = world
        .end
        .checked_sub_days(Days::new(729))
        .unwrap_or(world.end);
    let upper_names = rng.chance(prof.upper);

    // When.
    let time = d.time;
    let reported = RecordDate {
        date: d.date,
        time,
        precision: Default::default(),
    };
    let occurred = if rng.chance(prof.occurred) {
        let back = match rng.below(10) {
            0..=5 => 0,
            6 | 7 => 1,
            8 => 2,
            _ => 2 + rng.below(6),
        };
        let od = d
            .date
            .checked_sub_days(Days::new(back))
            .unwrap_or(d.date)
            .max(start);
        Some(RecordDate {
            date: od,
            time: if time.is_some() && rng.chance(0.7) {
                Some(reported_time(rng))
            } else {
                None
            },
            precision: Default::default(),
        })
        .map(|mut r| {
            // An occurred time later than the report on the same day is
            // not possible: drop it.
            if r.date == d.date && r.time.is_some() && r.time > time {
                r.time = None;
            }
            r
        })
    } else {
        None
    };

    // Where.
    let victim_borough = d.victim.map(|v| world.borough_of(v));
    let (point, place_borough, loc_text, loc_pc) = match &d.place {
        Place::Home { household } => {
            let hh = &world.households[*household as usize];
            let street = &world.streets[hh.street as usize];
            let b = street.borough as usize;
            let p = if prof.jitter > 0.0 {
                world.map.offset_or(
                    b,
                    hh.point,
                    rng.normal() * prof.jitter * 0.5,
                    rng.normal() * prof.jitter * 0.5,
                    hh.point,
                )
            } else {
                hh.point
            };
            let text = home_text(world, *household, d.agency, rng);
            (Some(p), b, Some(text), Some(&hh.pc))
        }
        Place::Point {
            p,
            borough,
            text,
            postcode,
            exact,
        } => {
            let b = *borough as usize;
            let q = if !*exact && prof.jitter > 0.0 {
                world.map.offset_or(
                    b,
                    *p,
                    rng.normal() * prof.jitter * 0.3,
                    rng.normal() * prof.jitter * 0.3,
                    *p,
                )
            } else {
                *p
            };
            (Some(q), b, Some(text.to_string()), postcode.as_ref())
        }
        Place::Nowhere => (None, victim_borough.unwrap_or(0), None, None),
    };
    let borough = &world.map.boroughs[place_borough];
    let (wgs84, bng) = match point {
        Some(p) if d.force_coords || rng.chance(prof.coord_rate) => match prof.coords {
            Coords::LatLon => (Some(to_wgs84(p)), Some(p)),
            Coords::Grid => (None, Some(p)),
        },
        _ => (None, None),
    };
    let area = if rng.chance(prof.borough) || (wgs84.is_none() && bng.is_none() && rng.chance(0.8))
    {
        if !borough.variants.is_empty() && rng.chance(0.05) {
            Some(Arc::from(*rng.pick(&borough.variants)))
        } else {
            Some(borough.name.clone())
        }
    } else {
        None
    };
    let location_text = loc_text.filter(|_| rng.chance(prof.loc_text));
    let postcode = loc_pc
        .filter(|_| rng.chance(prof.loc_pc))
        .map(|p| noise::noisy_postcode(p, rng));

    // Who.
    let mut victim_details = d.victim.map(|v| {
        let mut det = person_details(world, seed, v, prof, true, upper_names, rng);
        if det.is_empty() {
            det.last_name = Some(world.persons[v as usize].last.to_string());
        }
        Box::new(det)
    });
    let suspect_details = d.suspect.map(|s| {
        let mut det = person_details(world, seed, s, prof, false, upper_names, rng);
        if d.named == Named::Full {
            let person = &world.persons[s as usize];
            det.first_name
                .get_or_insert_with(|| person.first.to_string());
            det.last_name.get_or_insert_with(|| person.last.to_string());
        }
        if det.is_empty() {
            det.last_name = Some(world.persons[s as usize].last.to_string());
        }
        Box::new(det)
    });
    if let Some(det) = victim_details.as_mut() {
        if det.is_empty() {
            det.last_name = Some("Unknown".into());
        }
    }

    // What.
    let vulns = match d.victim {
        Some(v) => {
            let truth = world.persons[v as usize].vulns;
            let mut rec = VulnerabilitySet::EMPTY;
            if !truth.is_empty() && (d.force_vulns || rng.chance(prof.vulns)) {
                for x in truth.iter() {
                    if d.force_vulns || d.agency == Agency::SocialCare || rng.chance(0.7) {
                        rec.insert(x);
                    }
                }
                if rec.is_empty() {
                    if let Some(x) = truth.iter().next() {
                        rec.insert(x);
                    }
                }
            }
            rec
        }
        None => VulnerabilitySet::EMPTY,
    };
    let harm = match d.harm {
        Some(h) => Some(h),
        None => {
            let h = harm_for(d.category, rng);
            rng.chance(prof.harm).then_some(h)
        }
    };
    let children_present = match d.victim {
        Some(v) if rng.chance(prof.children) => Some(world.household_of(v).children),
        _ => None,
    };
    let summary = if rng.chance(prof.summary) {
        let mut s = rng.pick(summaries(d.kind, d.category)).to_string();
        if d.hint {
            s.push(' ');
            let hint: &&str = rng.pick(DISABILITY_HINTS);
            s.push_str(hint);
        }
        if d.hate.contains(marac_model::HateStrand::Disability) {
            s.push_str(" Caller believes this is because of their disability.");
        } else if !d.hate.is_empty() {
            s.push_str(" Caller perceives it as hostility towards them.");
        }
        Some(s)
    } else {
        None
    };
    let outcome = rng
        .chance(prof.outcome)
        .then(|| rng.pick(outcomes(prof.slug)).to_string());
    let category = Some(d.category.to_string());

    Incident {
        id,
        source: interned.slugs[d.agency as usize].clone(),
        kind: d.kind,
        reported,
        occurred,
        area,
        bcu: borough.bcu.clone(),
        wgs84,
        bng,
        location_text,
        postcode,
        victim: victim_details,
        suspect: suspect_details,
        vulnerabilities: vulns,
        hate_strands: d.hate,
        category,
        harm,
        children_present,
        summary,
        outcome,
        snapped: false,
        origin: Origin {
            file: interned.origin.clone(),
            line,
        },
    }
}

/// The free-text location for an incident at a home.
fn home_text(world: &World, h: u32, agency: Agency, rng: &mut SplitMix64) -> String {
    let hh = &world.households[h as usize];
    let street = &world.streets[hh.street as usize];
    let short = rng.chance(0.5);
    let sname = if short && !street.suffix_abbr.is_empty() {
        format!("{} {}", street.stem, street.suffix_abbr)
    } else {
        street.name()
    };
    match agency {
        Agency::Housing => match (&hh.block, rng.below(3)) {
            (Some(block), 0) => format!("communal stairwell, {block}"),
            (_, 1) => "at the property".to_string(),
            _ => format!("communal area, {} {}", hh.number, sname),
        },
        Agency::SocialCare => "home address".to_string(),
        _ => match (&hh.block, rng.below(5)) {
            (Some(block), 0) => format!("outside {block}, {sname}"),
            (_, 0 | 1) => format!("outside {} {}", hh.number, sname),
            (_, 2) => format!("rear of {} {}", hh.number, sname),
            (_, 3) => sname,
            _ => format!("{} {}", hh.number, sname),
        },
    }
}

/// One person's details as an agency writes them.
fn person_details(
    world: &World,
    seed: u64,
    p: u32,
    prof: &Profile,
    victim: bool,
    upper_names: bool,
    rng: &mut SplitMix64,
) -> PersonDetails {
    let person = &world.persons[p as usize];
    let hh = &world.households[person.household as usize];
    let mut det = PersonDetails::default();

    // Which fields this record has.
    let (has_first, has_last, has_dob, has_addr, has_pc, has_phone) = if victim {
        (
            rng.chance(prof.v_first),
            rng.chance(prof.v_last),
            rng.chance(prof.v_dob),
            rng.chance(prof.v_addr),
            rng.chance(prof.v_pc),
            person.has_phone && rng.chance(prof.v_phone),
        )
    } else {
        // Suspects: a full name, or only a first name, or only a surname.
        // A recorded date of birth means the suspect was identified (a
        // records check), and such a record holds the full name.
        let shape = rng.below(100);
        let addr = rng.chance(prof.s_addr);
        let dob = rng.chance(prof.s_dob);
        (
            shape < 88 || dob,
            !(72..88).contains(&shape) || dob,
            dob,
            addr,
            addr && rng.chance(0.6),
            false,
        )
    };

    if let Some(prefix) = prof.reference {
        let tenant = hh.social_tenant;
        if prefix == "HT" && (victim || (tenant && rng.chance(0.6))) {
            det.reference = Some(format!("HT{:07}", scramble(p, seed, 1)));
        } else if prefix == "AS" && victim {
            det.reference = Some(format!("{:07}", scramble(p, seed, 2)));
        }
    }

    let (mut first, mut last) = names(person, prof, rng);
    if rng.chance(rates::SWAP) {
        std::mem::swap(&mut first, &mut last);
    }
    if upper_names {
        first = noise::upper(&first);
        last = noise::upper(&last);
    } else if rng.chance(rates::LOWER) {
        first = first.to_lowercase();
        last = last.to_lowercase();
    } else if prof.slug == "housing" && rng.chance(0.1) {
        last = noise::upper(&last);
    }
    if has_first && !first.is_empty() {
        det.first_name = Some(first);
    }
    if has_last && !last.is_empty() {
        det.last_name = Some(last);
    }
    if has_dob {
        det.dob = Some(noise::noisy_dob(person.dob, rng));
    }
    if has_addr {
        let a = address(world, person.household, rng);
        det.address = Some(if upper_names { noise::upper(&a) } else { a });
    }
    if has_pc {
        det.postcode = Some(noise::noisy_postcode(&hh.pc, rng));
    }
    if has_phone {
        det.phone = Some(noise::noisy_phone(&noise::phone_number(p, seed), rng));
    }
    det
}

/// A stable per-person agency reference number (7 digits), unique per
/// person: a bijection on `0..9_000_000`.
fn scramble(p: u32, seed: u64, salt: u64) -> u64 {
    let offset = SplitMix64::fork(seed, salt).below(9_000_000);
    1_000_000 + (p as u64 * 7_368_787 + offset) % 9_000_000
}

/// First and last name as written, before case changes and swaps.
fn names(person: &Person, prof: &Profile, rng: &mut SplitMix64) -> (String, String) {
    let mut first: String = if rng.chance(rates::NICKNAME) {
        noise::nickname(person.first, rng).unwrap_or_else(|| person.first.to_string())
    } else {
        person.first.to_string()
    };
    let mut last = person.last.to_string();
    if rng.chance(rates::VARIANT) {
        if let Some(v) = noise::variant(&first, rng) {
            first = v.to_string();
        }
    }
    if rng.chance(rates::VARIANT) {
        if let Some(v) = noise::variant(&last, rng) {
            last = v.to_string();
        }
    }
    if (noise::has_diacritics(&first) || noise::has_diacritics(&last)) && rng.chance(prof.ascii) {
        first = noise::strip_diacritics(&first);
        last = noise::strip_diacritics(&last);
    }
    if noise::has_punctuation(&last) && rng.chance(rates::PUNCTUATION) {
        last = noise::mangle_punctuation(&last, rng);
    }
    if noise::has_punctuation(&first) && rng.chance(rates::PUNCTUATION) {
        first = noise::mangle_punctuation(&first, rng);
    }
    if rng.chance(rates::TYPO) {
        first = noise::typo(&first, rng);
    }
    if rng.chance(rates::TYPO) {
        last = noise::typo(&last, rng);
    }
    if rng.chance(rates::TRANSPOSE) {
        first = noise::transpose(&first, rng);
    }
    if rng.chance(rates::TRANSPOSE) {
        last = noise::transpose(&last, rng);
    }
    if rng.chance(rates::INITIAL) {
        if let Some(c) = first.chars().next() {
            first = if rng.chance(0.5) {
                format!("{c}.")
            } else {
                c.to_string()
            };
        }
    }
    if rng.chance(rates::TITLE) {
        let title = if person.male {
            "Mr"
        } else {
            *rng.pick(&["Mrs", "Ms", "Miss"])
        };
        first = if rng.chance(0.6) {
            format!("{title} {first}")
        } else {
            title.to_string()
        };
    }
    (first, last)
}

/// A home address as written: flat and number formats vary, suffixes are
/// abbreviated, words mistyped, a flat dropped, "London" or the postcode
/// appended.
pub(crate) fn address(world: &World, h: u32, rng: &mut SplitMix64) -> String {
    let hh = &world.households[h as usize];
    let street = &world.streets[hh.street as usize];
    let suffix = if rng.chance(rates::ABBREVIATE) && !street.suffix_abbr.is_empty() {
        street.suffix_abbr
    } else {
        street.suffix
    };
    let mut stem = street.stem.to_string();
    if rng.chance(rates::ADDRESS_TYPO) {
        stem = noise::typo(&stem, rng);
    }
    let sname = format!("{stem} {suffix}");
    let flat = if hh.flat > 0 && !rng.chance(rates::FLAT_DROPPED) {
        Some(hh.flat)
    } else {
        None
    };
    let n = hh.number;
    let mut s = match (flat, &hh.block) {
        (Some(f), Some(block)) => match rng.below(4) {
            0 => format!("{f} {block}, {sname}"),
            1 => format!("Flat {f} {block}, {sname}"),
            _ => format!("Flat {f}, {block}, {sname}"),
        },
        (None, Some(block)) => format!("{block}, {sname}"),
        (Some(f), None) => match rng.below(10) {
            0..=4 => format!("Flat {f}, {n} {sname}"),
            5 | 6 => format!("{n} {sname}, Flat {f}"),
            7 => format!("{n} {sname} Flat {f}"),
            8 => format!("Flat {f} {n} {sname}"),
            _ => format!("{f}/{n} {sname}"),
        },
        (None, None) => format!("{n} {sname}"),
    };
    match rng.below(20) {
        0..=2 => s.push_str(", London"),
        3 => {
            s.push_str(", London ");
            s.push_str(&hh.postcode);
        }
        _ => {}
    }
    s
}
