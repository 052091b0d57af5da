//! Synthetic, realistic London incident data with ground truth, for testing
//! and benchmarking `marac`'s linkage, risk scan and hotspot methods.
//!
//! [`generate`] builds a population, has several agencies record incidents
//! about it, plants the patterns a Community MARAC should find, and returns
//! the records with the truth behind them. The `marac synth` command writes
//! the three tables with [`write_incidents_csv`], [`write_truth_csv`] and
//! [`write_planted_csv`].
//!
//! ```
//! use marac_synth::{generate, SynthConfig};
//! let cfg = SynthConfig {
//!     seed: 7,
//!     incidents: 300,
//!     end: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
//! };
//! let data = generate(&cfg);
//! assert_eq!(data.incidents.len(), 300);
//! assert!(!data.planted.is_empty());
//! let mut csv = Vec::new();
//! marac_synth::write_incidents_csv(&mut csv, &data.incidents).unwrap();
//! assert!(csv.starts_with(b"incident_id,source,kind,"));
//! ```
//!
//! # The model
//!
//! **Places.** The 32 boroughs and the City, with their Met BCU, come from
//! `marac_geo::Areas::london()` (the real boundaries). Each borough gets
//! streets in proportion to its population: a name from about 150 London
//! street stems and 19 suffixes (Road, Street, Avenue, Close, Gardens, Lane,
//! Court, Way, Grove, Terrace …), a postcode district from a table of 3–6
//! real districts of that borough (Camden NW1/NW3/NW5/WC1H/NW6, Hackney
//! E5/E8/E9/N16, Croydon CR0/CR2/CR7/CR4 …), a sector digit and 1–3 units
//! (`N16 7AB`: inward letters from `ABDEFGHJLNPQRSTUWXYZ`), and a line of
//! homes through a random point inside the borough polygon. Each borough
//! also has six town-centre streets (High Street, Station Road …) where
//! context crime concentrates. Every point is in whole BNG metres, at least
//! 3 m inside its borough.
//!
//! **People.** About `incidents / 2.5` adults (at least 300) in households:
//! houses or flats (converted houses, or named blocks such as "Nelson House"), with a share
//! of social tenants by borough. A household draws an origin group with
//! London-like weights (British, Irish, South Asian, West African, Somali,
//! Caribbean, Eastern European, Turkish, East Asian, Portuguese/Brazilian,
//! Arabic, Greek Cypriot, Italian), then a surname (about 470, Zipf-weighted
//! so Smith, Jones, Patel, Khan repeat and rare names are rare) and first
//! names by sex (about 330, some second-generation families taking British
//! first names). Partners usually share the surname; adult children live
//! with older parents; 5 % of sibling pairs are twins (same surname, address
//! and date of birth, different first names); 6 % of sons share their
//! father's first name. House shares hold unrelated adults. Vulnerabilities
//! follow age (older person from 75, more physical and sensory impairment)
//! plus base rates of a few per cent for mental health, disabilities, autism
//! and substance misuse; lives-alone is added for vulnerable people living
//! alone.
//!
//! **Agencies** (source slugs) record the same person differently:
//!
//! | source | kinds | what it fills |
//! | --- | --- | --- |
//! | `met-police` | asb, dispute, hate, crime | DOB 85 %, lat/lon 95 %, time of day, location text 60 %, names in UPPER CASE in 30 % of records |
//! | `council-asb` | asb, dispute | easting/northing 70 %, free-text location ("outside 12 High St") 95 %, DOB 25 % |
//! | `housing` | asb, dispute (tenants only) | address and postcode always, phone 70 %, DOB 10 %, a tenancy reference `HT…` stable per person |
//! | `adult-social-care` | safeguarding | DOB and vulnerabilities always, address 90 %, a stable client number, lat/lon 5 % |
//! | `victim-support` | hate, asb | phone 90 %, postcode 70 %, DOB 30 %, often no location |
//!
//! Ids are per agency and chronological: `MPS-000123`, `CAS-…`, `HSG-…`,
//! `ASC-…`, `VSU-…`.
//!
//! **Recording noise** per mention (every agency): nickname for the formal
//! first name 5 % (a common one from [`marac_model::nicknames`], the table
//! linkage reads: [`nickname_pairs`]), spelling or transliteration variant
//! 3 % (Mohammed/Mohammad, Chowdhury/Choudhury), accents stripped (police
//! 80 %, council 60 %), apostrophes, hyphens and inner spaces dropped or
//! changed in 30 % of names that have them ("O'Neill" to "ONeill", "O
//! Neill", "Oneill"), one typo (substitution, deletion or insertion) 2.5 %
//! per name, adjacent letters transposed 1.5 % per name, first name cut to
//! an initial 3 % ("M." or "M"), a title 2 % ("Mrs Margaret", or "Mrs"
//! alone), first and last name swapped 1.5 %, lower case 0.5 %. Dates of
//! birth: day and month swapped 2 % (when both are 12 or less), year off by
//! one 1.5 %, last two year digits swapped 0.5 %, day off by one 1 %, or
//! missing at the agency's rate. Addresses: suffix abbreviated 30 % (Road to
//! Rd), flat formats varied ("Flat 3, 12 High Street", "12 High St, Flat 3",
//! "12 High Street Flat 3", "3/12 High St"), flat dropped 5 %, street typo
//! 2 %, ", London" or the postcode appended 20 %. Postcodes: one inward
//! letter wrong 1 %, inward letters transposed 0.4 %, truncated (so invalid,
//! kept as written) 0.3 %; no case or spacing errors, since
//! [`marac_model::Postcode`] normalises every valid postcode and they would
//! not survive into the canonical CSV. Phones: five formats and a mistyped
//! digit 1 %. Suspects are named only at the agency's rate (police 55 %,
//! council 45 %, housing 60 %) and then often partially (first name only
//! 16 %, surname only 12 %); a suspect with no details is no suspect at all,
//! with no truth row.
//!
//! **Background.** A quarter of the incidents are police `crime` context
//! records with no persons, scattered (σ ≈ 130 m) around town-centre streets
//! weighted by population and a town-centre factor (Westminster and the City
//! highest). Agencies write the borough name (5 % in another spelling that
//! `marac_geo` resolves, such as "RBKC"). The rest are ordinary reports:
//! each person reports 0 (15 %), 1 (42 %), 2 (24 %), 3 (11 %), 4 (5 %), 5
//! (2 %) or 6–8 (1 %) incidents over two years, often clustered in one
//! episode with the same neighbour as suspect. Vulnerable people report
//! asb/dispute/hate and are the subject of safeguarding referrals; they are
//! kept to at most two background incidents (bar 4 %), so background people
//! who are MARAC-eligible (3+ incidents in a year and a recorded
//! vulnerability) stay rare. Categories, harm (mostly 1–2), children
//! present, bland invented summaries and outcomes vary by kind and agency;
//! hate strands appear on 0.7 % of background ASB and disputes. Dates span
//! the 730 days up to the end date, with a summer peak.
//!
//! **Planted patterns** (one row each in `planted.csv`; about one per 500
//! incidents per person pattern, at least one each from 200 incidents, fewer
//! below that as room allows; all within windows ending at the end date):
//!
//! * `repeat_victim`: 4–8 incidents in the last 355 days across at least two
//!   agencies, with a vulnerability;
//! * `escalation`: 4–6 incidents in the last 118 days with shrinking gaps,
//!   harm rising from 1 to 4 or 5, categories from noise/nuisance/verbal
//!   abuse to threats/criminal damage/assault;
//! * `hidden_disability_hate`: a disabled victim (disability recorded by
//!   adult social care or on an ASB record) with 3–5 asb/dispute incidents
//!   by one neighbour in the last 330 days, and either a disability hate
//!   strand perceived on one of them or the same neighbour named in a `hate`
//!   incident against someone else; never a `hate` record themselves;
//! * `serial_perpetrator` (the suspect) and `serial_perpetrator_victim` (each
//!   of 3–4 vulnerable neighbours, 3–4 incidents each naming the suspect);
//! * `no_safeguarding_referral`: 3–5 incidents, a vulnerability, no
//!   safeguarding record;
//! * `asb_case_review`: 3–5 `asb` incidents in the last 178 days;
//! * `hotspot` (`H0001` …): one per 20,000 incidents, at least two from 1,000
//!   incidents, in different BCUs: 30–80 ASB reports within 140 m of a centre
//!   over two to four months;
//! * `repeat_location` (`L0001` …): one from 200 incidents, at least two
//!   from 1,000: 8–14 ASB reports, each from a different person with no other
//!   incident, at one exact point (a shop front or a block's entrance) in the
//!   last year.
//!
//! Hotspot reports name a reporter in three cases out of four, someone with
//! no other incident. Planted people have no background incidents. Every
//! planted victim has a vulnerability recorded on at least one of their
//! incidents and 3+ victim incidents in the 365 days to the end date.
//! Person keys are `P` and at least six digits; `detail` holds
//! `incidents=…` and, per pattern, `agencies=…`, `max_harm=…`,
//! `evidence=disability_strand|suspect_in_hate_incident`, `suspect=P…`,
//! `victims=…`, or `easting=…;northing=…;radius_m=150` for places.
//!
//! **Determinism.** Only [`SplitMix64`] is used, forked per street, per
//! person and per fixed-size chunk of incidents; each incident is first
//! drafted (who, when, where, with its own render seed), drafts are sorted,
//! and each is then rendered from its own seed in output order. So the
//! output is the same bytes for the same `(seed, incidents, end)` whatever
//! the number of threads.
//!
//! **Speed.** One million incidents take about 7.5 s of CPU to generate and
//! write, 4.3–4.6 s on two cores (`examples/synth_timing.rs`; peak memory
//! about 1.3 GB); [`write_incidents_csv`] formats
//! rows in parallel with a writer that produces exactly the bytes of
//! [`Incident::canonical_fields`] through the `csv` crate.

use std::io::{self, Write};

use chrono::NaiveDate;
use marac_model::{Incident, Role, SplitMix64, FIELDS};
use rayon::prelude::*;

mod background;
mod csvout;
pub mod layouts;
mod map;
mod noise;
mod planted;
mod render;
mod tables;
mod world;

use render::{Draft, Interned};

/// Labels for forked random streams (high bits; low bits carry an index).
pub(crate) mod tag {
    pub const STREETS: u64 = 1 << 56;
    pub const HOUSEHOLDS: u64 = 2 << 56;
    pub const PERSON: u64 = 3 << 56;
    pub const COUNTS: u64 = 4 << 56;
    pub const PLANT: u64 = 5 << 56;
    pub const PLACES: u64 = 6 << 56;
    pub const BACKGROUND: u64 = 7 << 56;
    pub const CRIME: u64 = 8 << 56;
    pub const DRAFT: u64 = 9 << 56;
    pub const REPORTERS: u64 = 10 << 56;
}

/// Every nickname the synthetic data may write for a first name it
/// generates, as `(nickname, first name)`, both as written (`("Bob",
/// "Robert")`).
pub fn nickname_pairs() -> Vec<(String, &'static str)> {
    let mut firsts: Vec<&'static str> = tables::Group::ALL
        .iter()
        .flat_map(|g| tables::first_names(*g).iter().map(|f| f.0))
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    firsts
        .into_iter()
        .flat_map(|first| {
            noise::nicknames_of(first)
                .iter()
                .map(move |nick| (nick.clone(), first))
        })
        .collect()
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Exact number of incidents to produce.
    pub incidents: usize,
    /// Last reported date; reports span the two years up to it.
    pub end: NaiveDate,
}

/// One person mention's true identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// The incident.
    pub incident_id: String,
    /// Victim or suspect.
    pub role: Role,
    /// The true person (`P000123`).
    pub person_key: String,
}

/// A planted pattern a scan or hotspot method should find.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    /// 3+ victim incidents in a year.
    RepeatVictim,
    /// Rising harm and frequency in the last four months.
    Escalation,
    /// ASB or disputes against a disabled person that look like hate.
    HiddenDisabilityHate,
    /// One suspect, 3+ victims in a year (the suspect's row).
    SerialPerpetrator,
    /// A victim of a serial perpetrator.
    SerialPerpetratorVictim,
    /// Vulnerable repeat victim with no safeguarding referral.
    NoSafeguardingReferral,
    /// 3+ ASB incidents in six months: an ASB Case Review trigger.
    AsbCaseReview,
    /// A dense spatial cluster of ASB reports.
    Hotspot,
    /// One address or point with many reports from different people.
    RepeatLocation,
}

impl Pattern {
    /// Every pattern.
    pub const ALL: [Pattern; 9] = [
        Pattern::RepeatVictim,
        Pattern::Escalation,
        Pattern::HiddenDisabilityHate,
        Pattern::SerialPerpetrator,
        Pattern::SerialPerpetratorVictim,
        Pattern::NoSafeguardingReferral,
        Pattern::AsbCaseReview,
        Pattern::Hotspot,
        Pattern::RepeatLocation,
    ];

    /// The name written in `planted.csv`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Pattern::RepeatVictim => "repeat_victim",
            Pattern::Escalation => "escalation",
            Pattern::HiddenDisabilityHate => "hidden_disability_hate",
            Pattern::SerialPerpetrator => "serial_perpetrator",
            Pattern::SerialPerpetratorVictim => "serial_perpetrator_victim",
            Pattern::NoSafeguardingReferral => "no_safeguarding_referral",
            Pattern::AsbCaseReview => "asb_case_review",
            Pattern::Hotspot => "hotspot",
            Pattern::RepeatLocation => "repeat_location",
        }
    }

    /// Parses the name written in `planted.csv`.
    pub fn parse(s: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// Whether the row's key is a person (`P…`) rather than a place.
    pub fn is_person(&self) -> bool {
        !matches!(self, Pattern::Hotspot | Pattern::RepeatLocation)
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of `planted.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedRow {
    /// A person key (`P000123`), a hotspot (`H0001`) or a location (`L0001`).
    pub person_key: String,
    /// The pattern.
    pub pattern: Pattern,
    /// The BCU of the person's home or of the place.
    pub bcu: String,
    /// Short facts, `key=value` separated by `;`.
    pub detail: String,
}

/// A generated data set.
#[derive(Debug, Clone, Default)]
pub struct SynthData {
    /// The incidents, sorted by reported date then id.
    pub incidents: Vec<Incident>,
    /// Who each person mention truly is, in incident order.
    pub truth: Vec<TruthRow>,
    /// The planted patterns.
    pub planted: Vec<PlantedRow>,
}

/// Background victim incidents rendered per random stream.
const CHUNK: usize = 2048;

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A fixed pseudo-random permutation of `0..n`: `i -> (i * mult + off) % n`.
fn permutation(n: u64, rng: &mut SplitMix64) -> impl Fn(u64) -> u64 {
    let n = n.max(1);
    let mult = [1_000_003u64, 998_244_353, 2_147_483_647, 104_729, 7_919, 1]
        .into_iter()
        .find(|&c| gcd(c % n, n) == 1 || n == 1)
        .unwrap_or(1);
    let off = rng.below(n);
    move |i| ((i as u128 * mult as u128 + off as u128) % n as u128) as u64
}

/// Generates `cfg.incidents` incidents with their truth and planted rows.
///
/// Deterministic in `(seed, incidents, end)`, independent of thread count.
pub fn generate(cfg: &SynthConfig) -> SynthData {
    let m = cfg.incidents;
    if m == 0 {
        return SynthData::default();
    }
    let seed = cfg.seed;
    let target_persons = (m * 2 / 5).max(300);
    let mut world = world::World::build(seed, target_persons, cfg.end);
    let (plan, planted_used) = planted::plan(&mut world, seed, m);
    let world = world;
    let n_persons = world.persons.len();

    let crime = ((m as f64 * 0.25).round() as usize).min(m - planted_used.min(m));
    let background = m - planted_used.min(m) - crime;

    // How many background incidents each person reports, then the slots
    // (one per incident) in a fixed pseudo-random order of persons.
    let counts: Vec<u8> = (0..n_persons)
        .into_par_iter()
        .map(|p| {
            if plan.reserved[p] {
                0
            } else {
                let mut rng = SplitMix64::fork(seed, tag::COUNTS | p as u64);
                background::victim_count(!world.persons[p].vulns.is_empty(), &mut rng)
            }
        })
        .collect();
    let mut order_rng = SplitMix64::fork(seed, tag::REPORTERS);
    let perm = permutation(n_persons as u64, &mut order_rng);
    let mut slots: Vec<Option<u32>> = Vec::with_capacity(background);
    let mut used = vec![false; n_persons];
    'fill: for i in 0..n_persons as u64 {
        let p = perm(i) as usize;
        for _ in 0..counts[p] {
            if slots.len() >= background {
                break 'fill;
            }
            slots.push(Some(p as u32));
            used[p] = true;
        }
    }
    // Short of reports (tiny populations): more from non-vulnerable people,
    // then anonymous reports.
    let mut pass = 0;
    while slots.len() < background && pass < 8 {
        for i in 0..n_persons as u64 {
            let p = perm(i) as usize;
            if slots.len() >= background {
                break;
            }
            if !plan.reserved[p] && world.persons[p].vulns.is_empty() {
                slots.push(Some(p as u32));
                used[p] = true;
            }
        }
        pass += 1;
    }
    while slots.len() < background {
        slots.push(None);
    }

    // Reporters for planted places: people with no other incident.
    let mut pools: Vec<Vec<u32>> = vec![Vec::new(); world.map.boroughs.len()];
    for i in 0..n_persons as u64 {
        let p = perm(i) as u32;
        if !used[p as usize] && !plan.reserved[p as usize] {
            pools[world.borough_of(p)].push(p);
        }
    }
    let mut place_drafts = plan.place_drafts;
    let mut rep_rng = SplitMix64::fork(seed, tag::REPORTERS | 1);
    for (d, b, chance) in &mut place_drafts {
        if rep_rng.chance(*chance) {
            d.victim = pools[*b as usize].pop().or_else(|| {
                // None left in the borough: someone from the largest pool.
                let (_, pool) = pools
                    .iter_mut()
                    .enumerate()
                    .max_by_key(|(i, p)| (p.len(), std::cmp::Reverse(*i)))?;
                pool.pop()
            });
        }
    }

    let world = &world;

    // Every incident as a finished draft: small, so sorting is cheap, and
    // rendering afterwards in output order keeps each row's strings close
    // together in memory for the writer.
    let background_drafts: Vec<Vec<Draft>> = slots
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(ci, chunk)| {
            let mut rng = SplitMix64::fork(seed, tag::BACKGROUND | ci as u64);
            chunk
                .iter()
                .map(|slot| {
                    let mut d = match slot {
                        Some(p) => background::victim_draft(world, seed, *p, &mut rng),
                        None => {
                            let p = rng.below(world.persons.len() as u64) as u32;
                            let mut d = background::victim_draft(world, seed, p, &mut rng);
                            d.victim = None;
                            d.suspect = None;
                            d
                        }
                    };
                    d.finish(&mut rng);
                    d
                })
                .collect()
        })
        .collect();
    let weights = background::crime_weights(world);
    let crime_drafts: Vec<Vec<Draft>> = (0..crime.div_ceil(CHUNK))
        .into_par_iter()
        .map(|ci| {
            let mut rng = SplitMix64::fork(seed, tag::CRIME | ci as u64);
            let n = CHUNK.min(crime - ci * CHUNK);
            (0..n)
                .map(|_| {
                    let mut d = background::crime_draft(world, &weights, &mut rng);
                    d.finish(&mut rng);
                    d
                })
                .collect()
        })
        .collect();
    let mut drafts: Vec<Draft> = Vec::with_capacity(m);
    for part in background_drafts.into_iter().chain(crime_drafts) {
        drafts.extend(part);
    }
    let mut rng = SplitMix64::fork(seed, tag::DRAFT);
    for mut d in plan
        .drafts
        .into_iter()
        .chain(place_drafts.into_iter().map(|(d, _, _)| d))
    {
        d.finish(&mut rng);
        drafts.push(d);
    }
    drafts.truncate(m);

    // Ids per agency in time order; then the output order (date, id).
    let mut order: Vec<(NaiveDate, u32, u64, u32)> = drafts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.date, d.secs(), d.seed, i as u32))
        .collect();
    order.par_sort_unstable();
    let mut per_agency = [0usize; 5];
    for d in &drafts {
        per_agency[d.agency as usize] += 1;
    }
    let width = per_agency
        .iter()
        .map(|n| n.to_string().len())
        .max()
        .unwrap_or(1)
        .max(6);
    let mut next = [0u32; 5];
    let mut final_order: Vec<(NaiveDate, &'static str, u32, u32)> = order
        .iter()
        .map(|&(date, _, _, i)| {
            let agency = drafts[i as usize].agency;
            let k = agency as usize;
            next[k] += 1;
            (date, agency.prefix(), next[k], i)
        })
        .collect();
    drop(order);
    final_order.par_sort_unstable();
    let id_of = |prefix: &str, seq: u32| format!("{prefix}-{seq:0width$}");

    let interned = Interned::new();
    let incidents: Vec<Incident> = final_order
        .par_iter()
        .enumerate()
        .map(|(line, &(_, prefix, seq, i))| {
            render::render(
                world,
                seed,
                &drafts[i as usize],
                id_of(prefix, seq),
                line as u64 + 2,
                &interned,
            )
        })
        .collect();

    let key_width = n_persons.to_string().len().max(6);
    let key = |p: u32| format!("P{:0key_width$}", p + 1);
    let truth: Vec<TruthRow> = final_order
        .par_chunks(8192)
        .map(|c| {
            let mut rows = Vec::with_capacity(c.len() + c.len() / 2);
            for &(_, prefix, seq, i) in c {
                let d = &drafts[i as usize];
                for (who, role) in [(d.victim, Role::Victim), (d.suspect, Role::Suspect)] {
                    if let Some(p) = who {
                        rows.push(TruthRow {
                            incident_id: id_of(prefix, seq),
                            role,
                            person_key: key(p),
                        });
                    }
                }
            }
            rows
        })
        .collect::<Vec<_>>()
        .concat();
    let planted = plan
        .specs
        .iter()
        .map(|s| PlantedRow {
            person_key: match s.key {
                planted::Key::Person(p) => key(p),
                planted::Key::Hotspot(j) => format!("H{:04}", j + 1),
                planted::Key::Location(j) => format!("L{:04}", j + 1),
            },
            pattern: s.pattern.clone(),
            bcu: s.bcu.to_string(),
            detail: match s.suspect {
                Some(sp) => format!("suspect={};{}", key(sp), s.detail),
                None => s.detail.clone(),
            },
        })
        .collect();
    SynthData {
        incidents,
        truth,
        planted,
    }
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// Writes incidents as canonical CSV (header [`FIELDS`], RFC 4180).
///
/// Rows are formatted in parallel in fixed chunks and written in order, so
/// the bytes never depend on the number of threads.
pub fn write_incidents_csv<W: Write>(mut w: W, incidents: &[Incident]) -> io::Result<()> {
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(FIELDS).map_err(csv_err)?;
    w.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
    const ROWS: usize = 4096;
    for batch in incidents.chunks(ROWS * 32) {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(ROWS)
            .map(|rows| {
                let mut out = Vec::with_capacity(rows.len() * 300);
                let mut buf = String::new();
                for inc in rows {
                    csvout::write_row(&mut out, inc, &mut buf);
                }
                out
            })
            .collect();
        for part in parts {
            w.write_all(&part)?;
        }
    }
    w.flush()
}

/// Writes `truth.csv`: `incident_id,role,person_key`.
pub fn write_truth_csv<W: Write>(w: W, truth: &[TruthRow]) -> io::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(["incident_id", "role", "person_key"])
        .map_err(csv_err)?;
    for t in truth {
        wr.write_record([
            t.incident_id.as_str(),
            t.role.as_str(),
            t.person_key.as_str(),
        ])
        .map_err(csv_err)?;
    }
    wr.flush()
}

/// Writes `planted.csv`: `person_key,pattern,bcu,detail`.
pub fn write_planted_csv<W: Write>(w: W, planted: &[PlantedRow]) -> io::Result<()> {
    let mut wr = csv::Writer::from_writer(w);
    wr.write_record(["person_key", "pattern", "bcu", "detail"])
        .map_err(csv_err)?;
    for p in planted {
        wr.write_record([
            p.person_key.as_str(),
            p.pattern.as_str(),
            p.bcu.as_str(),
            p.detail.as_str(),
        ])
        .map_err(csv_err)?;
    }
    wr.flush()
}

#[cfg(test)]
mod tests;
