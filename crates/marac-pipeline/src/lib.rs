//! The weekly MARAC run as a library: the one copy of the pipeline that every
//! front end (the `marac` commands, the web console to come) calls.
//!
//! ```text
//! incidents ──link()──▶ PersonMention rows ──Week::decide()──▶ Decisions
//!   (scan + case references + repeat MARAC + agenda section per person)
//!   ──Packer::pack()──▶ one Pack per BCU (+ the unplaced list in each)
//! ```
//!
//! Architecture invariant: this is the only place where case references,
//! repeat MARAC and a person's place on the agenda are decided. Every person
//! that [`Week::decide`] makes MARAC-eligible has exactly one agenda section
//! in [`Decisions::sections`], and so appears in exactly one pack of a run
//! over every BCU — or, when none of the person's incidents is placed in a
//! BCU, in the `unplaced` list that every pack shows — with the same case
//! reference as in the scan. No I/O beyond the register handle the caller
//! passes in, no printing.
//!
//! ```
//! use marac_pipeline::{link, Week};
//! use marac_risk::{Referrals, RiskConfig};
//! let incidents: Vec<marac_model::Incident> = Vec::new();
//! let mentions = link(&incidents, &marac_link::rules::Rules::default());
//! let areas = marac_geo::Areas::london();
//! let (referrals, config) = (Referrals::default(), RiskConfig::default());
//! let week = Week {
//!     incidents: &incidents,
//!     mentions: &mentions,
//!     areas: &areas,
//!     referrals: &referrals,
//!     config: &config,
//!     as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
//! };
//! let d = week.decide(None, b"local secret").unwrap();
//! assert!(d.scan.persons.is_empty() && d.sections.is_empty());
//! ```

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use chrono::{Duration, NaiveDate};
use marac_agenda::{
    build_pack, ActionToReview, Hotspot, Pack, PackIndex, PackInput, PreviousHearing,
    RepeatLocation, ReviewDays, Section,
};
use marac_geo::Areas;
use marac_model::{Incident, IncidentKind, Role};
use marac_register::{Changes, Hearing, PersonMentions, Register, RegisterError, ScanEntry};
use marac_risk::{Flag, Referrals, RiskConfig, Scan};
use rayon::prelude::*;

pub use marac_model::PersonMention;

/// What can go wrong in the pipeline: only the register can fail.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The register refused or failed.
    #[error(transparent)]
    Register(#[from] RegisterError),
}

/// Links the incidents' persons with the given rules.
pub fn link(incidents: &[Incident], rules: &marac_link::rules::Rules) -> Vec<PersonMention> {
    marac_link::link(incidents, rules).mention_rows()
}

/// [`link`] with clerical labels (a `match` always joins, a `not a match`
/// never ends up in one person; see [`marac_link::link_with`]), also
/// returning the linkage's counts (what became of the labels among them).
pub fn link_labelled(
    incidents: &[Incident],
    rules: &marac_link::rules::Rules,
    labels: &[marac_link::labels::Label],
) -> (Vec<PersonMention>, marac_link::Stats) {
    let linkage = marac_link::link_with(incidents, rules, labels);
    (linkage.mention_rows(), linkage.stats)
}

/// One week's records and settings: everything a decision is made from,
/// except the register.
pub struct Week<'a> {
    /// Every incident read (any order).
    pub incidents: &'a [Incident],
    /// The linked person mentions.
    pub mentions: &'a [PersonMention],
    /// The areas: BCU names and codes.
    pub areas: &'a Areas,
    /// Professional referrals.
    pub referrals: &'a Referrals,
    /// Risk weights, windows and thresholds.
    pub config: &'a RiskConfig,
    /// The scan date.
    pub as_of: NaiveDate,
}

/// A week's records, owned: what a long-running front end (the web console)
/// keeps between requests, and lends as a [`Week`].
pub struct Records {
    /// Every incident read (any order).
    pub incidents: Vec<Incident>,
    /// The linked person mentions.
    pub mentions: Vec<PersonMention>,
    /// The areas the incidents were placed in.
    pub areas: Areas,
    /// Professional referrals.
    pub referrals: Referrals,
    /// Risk weights, windows and thresholds.
    pub config: RiskConfig,
}

impl Records {
    /// The records as a week scanned on `as_of`.
    pub fn week(&self, as_of: NaiveDate) -> Week<'_> {
        Week {
            incidents: &self.incidents,
            mentions: &self.mentions,
            areas: &self.areas,
            referrals: &self.referrals,
            config: &self.config,
            as_of,
        }
    }
}

/// The week's decisions: the one answer to "who goes to which meeting, under
/// which reference, in which section".
#[derive(Debug, Clone)]
pub struct Decisions {
    /// The risk scan, with `repeat_marac` applied (flag, eligibility route
    /// `repeat_marac`, `marac_eligible`).
    pub scan: Scan,
    /// person_id → case reference, for every scanned victim.
    pub case_refs: BTreeMap<String, String>,
    /// case reference → the last hearing on or before the scan date.
    pub hearings: BTreeMap<String, PreviousHearing>,
    /// person_id → agenda section, for exactly the MARAC-eligible persons.
    pub sections: BTreeMap<String, Section>,
    /// BCU name → open actions from the register (empty without one).
    pub actions: BTreeMap<String, Vec<ActionToReview>>,
}

/// The agenda section of an eligible case, from its last hearing: a hearing
/// within the 12 months to `as_of` with a new incident since is a repeat
/// MARAC ([`marac_register::is_repeat_marac`], the one rule); without a new
/// incident the case is listed for review only; otherwise it is new.
///
/// ```
/// use chrono::NaiveDate;
/// use marac_agenda::Section;
/// use marac_register::Hearing;
/// let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let h = Hearing { date: d("2026-10-01"), meeting_ref: "CN-2026-10-01".into(), level: "high".into() };
/// let as_of = d("2026-11-20");
/// assert_eq!(marac_pipeline::section_of(Some(&h), as_of, d("2026-11-02")), Section::RepeatCase);
/// assert_eq!(marac_pipeline::section_of(Some(&h), as_of, d("2026-09-30")), Section::NoNewIncident);
/// assert_eq!(marac_pipeline::section_of(None, as_of, d("2026-11-02")), Section::NewReferral);
/// ```
pub fn section_of(last: Option<&Hearing>, as_of: NaiveDate, latest_incident: NaiveDate) -> Section {
    match last {
        Some(_) if marac_register::is_repeat_marac(last, as_of, latest_incident) => {
            Section::RepeatCase
        }
        Some(h) if marac_register::heard_within_year(h, as_of) => Section::NoNewIncident,
        _ => Section::NewReferral,
    }
}

/// A BCU's short code: from the areas, else the initials of its name.
pub fn bcu_code(areas: &Areas, bcu: &str) -> String {
    if let Some(code) = areas.resolve_bcu(bcu).and_then(|b| b.code.clone()) {
        return code.to_string();
    }
    let initials: String = bcu
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_ascii_alphanumeric()))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if initials.is_empty() {
        "XX".into()
    } else {
        initials
    }
}

/// The code in the reference of a person none of whose incidents is placed.
pub const UNPLACED_CODE: &str = "UN";

impl Week<'_> {
    /// The risk scan alone (no register).
    pub fn scan(&self) -> Scan {
        let (mentions, person_ids) = marac_risk::mentions_from_rows(self.incidents, self.mentions);
        marac_risk::scan(
            self.incidents,
            &mentions,
            &person_ids,
            self.referrals,
            self.config,
            self.as_of,
        )
    }

    /// Scans, and decides every victim's case reference, repeat MARAC and
    /// agenda section.
    ///
    /// A case reference is proposed as the keyed hash ([`marac_register::case_ref`]
    /// with `secret`) of the person's earliest victim mention on or before
    /// the scan date (by date, then incident id), prefixed with the code of
    /// the BCU of their earliest placed such incident ([`UNPLACED_CODE`]
    /// when none is): so it does not change as later incidents arrive or
    /// the victim moves BCU. (Without a register, a record dated earlier
    /// than any seen before, or a first placed incident for a person placed
    /// nowhere, still changes it; the register keeps references whatever
    /// arrives.) With a register, a
    /// person whose mentions the register already knows keeps that case's
    /// reference (merges and splits are recorded there), and the hearings and
    /// open actions come from it; without one, references are the proposals
    /// (a clash of two hashes gets `-2`, `-3`, … in mention order).
    pub fn decide(
        &self,
        register: Option<&mut Register>,
        secret: &[u8],
    ) -> Result<Decisions, PipelineError> {
        let mut scan = self.scan();
        let by_id: HashMap<&str, &Incident> = self
            .incidents
            .par_iter()
            .map(|i| (i.id.as_str(), i))
            .collect();
        // Every victim mention with its date, grouped by person (one sorted
        // list, not a vector per person): person -> its slice, earliest first.
        let mut dated: Vec<(&str, NaiveDate, &str)> = self
            .mentions
            .par_iter()
            .filter(|m| m.role == Role::Victim)
            .filter_map(|m| {
                // Only what the scan sees: records after the scan date do
                // not make or change a reference.
                by_id
                    .get(m.incident_id.as_str())
                    .filter(|i| i.reported.date <= self.as_of)
                    .map(|i| {
                        (
                            m.person_id.as_str(),
                            i.reported.date,
                            m.incident_id.as_str(),
                        )
                    })
            })
            .collect();
        dated.par_sort_unstable();
        dated.dedup();
        let pairs: Vec<(NaiveDate, &str)> = dated.iter().map(|&(_, d, i)| (d, i)).collect();
        let mut victim_mentions: HashMap<&str, &[(NaiveDate, &str)]> = HashMap::default();
        let mut start = 0;
        for k in 1..=dated.len() {
            if k == dated.len() || dated[k].0 != dated[start].0 {
                victim_mentions.insert(dated[start].0, &pairs[start..k]);
                start = k;
            }
        }
        // The proposal for each scanned victim, in scan order.
        // BCU codes, resolved once per BCU name (not once per person).
        let mut codes: HashMap<&str, String> = HashMap::default();
        for b in self.incidents.iter().filter_map(Incident::placed_bcu) {
            if !codes.contains_key(b) {
                codes.insert(b, bcu_code(self.areas, b));
            }
        }
        // The proposal for each scanned victim, in scan order: (person,
        // proposed reference, earliest victim mention).
        let proposals: Vec<Proposal<'_>> = scan
            .persons
            .par_iter()
            .map(|p| {
                let list: &[(NaiveDate, &str)] = victim_mentions
                    .get(p.person_id.as_str())
                    .copied()
                    .unwrap_or_default();
                let code = list
                    .iter()
                    .find_map(|(_, iid)| by_id.get(iid).and_then(|i| i.placed_bcu()))
                    .and_then(|b| codes.get(b))
                    .map(String::as_str)
                    .unwrap_or(UNPLACED_CODE);
                let proposed = match list.first() {
                    Some((_, iid)) => marac_register::case_ref(
                        secret,
                        code,
                        &PersonMentions::mention_key(iid, Role::Victim),
                    ),
                    None => format!("PERSON-{}", p.person_id),
                };
                Proposal {
                    person_id: p.person_id.as_str(),
                    proposed,
                    mentions: list,
                }
            })
            .collect();

        let mut hearings = BTreeMap::new();
        let mut last: HashMap<String, Hearing> = HashMap::default();
        let mut actions = BTreeMap::new();
        let case_refs = match register {
            None => dedup_refs(&proposals),
            Some(reg) => {
                let bcu_by_person: HashMap<&str, &str> = scan
                    .persons
                    .iter()
                    .map(|p| (p.person_id.as_str(), p.bcu.as_str()))
                    .collect();
                let bcu_of = |key: &str| -> String {
                    bcu_by_person
                        .get(key)
                        .copied()
                        .or_else(|| by_id.get(key).and_then(|i| i.placed_bcu()))
                        .filter(|b| *b != marac_model::UNASSIGNED)
                        .unwrap_or_default()
                        .to_string()
                };
                let proposed_of: HashMap<&str, &str> = proposals
                    .iter()
                    .map(|p| (p.person_id, p.proposed.as_str()))
                    .collect();
                let propose = |pm: &PersonMentions| -> String {
                    proposed_of
                        .get(pm.person_id.as_str())
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| format!("PERSON-{}", pm.person_id))
                };
                let persons: Vec<PersonMentions> = proposals
                    .iter()
                    .map(|p| PersonMentions {
                        person_id: p.person_id.to_string(),
                        mentions: p
                            .mentions
                            .iter()
                            .map(|(_, iid)| (iid.to_string(), Role::Victim))
                            .collect(),
                    })
                    .collect();
                let refs = reg.resolve_case_refs(&bcu_of, &persons, &propose)?;
                for r in refs.values() {
                    if let Some(h) = reg.last_hearing_as_of(r, self.as_of)? {
                        hearings.insert(
                            r.clone(),
                            PreviousHearing {
                                date: h.date,
                                meeting_ref: h.meeting_ref.clone(),
                            },
                        );
                        last.insert(r.clone(), h);
                    }
                }
                for b in self.areas.bcus() {
                    let rows = reg.open_actions(&b.name)?;
                    actions.insert(
                        b.name.to_string(),
                        rows.into_iter()
                            .map(|a| ActionToReview {
                                action_id: a.id,
                                case_ref: a.case_ref,
                                owner: a.owner,
                                text: a.text,
                                due: a.due,
                                status: a.status.as_str().to_string(),
                                reason: a.reason.map(|r| r.as_str().to_string()),
                            })
                            .collect(),
                    );
                }
                refs
            }
        };

        let mut sections = BTreeMap::new();
        for p in &mut scan.persons {
            // The person's victim mentions up to the scan date, earliest
            // first: the last is the latest incident.
            let latest = victim_mentions
                .get(p.person_id.as_str())
                .and_then(|list| list.last())
                .map(|(date, _)| *date);
            let hearing = case_refs.get(&p.person_id).and_then(|r| last.get(r));
            let section = latest.map(|l| section_of(hearing, self.as_of, l));
            if section == Some(Section::RepeatCase) {
                if !p.flags.contains(&Flag::RepeatMarac) {
                    p.flags.push(Flag::RepeatMarac);
                    p.flags.sort();
                }
                if !p.eligible_by.contains(&"repeat_marac") {
                    p.eligible_by.push("repeat_marac");
                }
                p.marac_eligible = true;
            }
            if p.marac_eligible {
                sections.insert(p.person_id.clone(), section.unwrap_or(Section::NewReferral));
            }
        }
        Ok(Decisions {
            scan,
            case_refs,
            hearings,
            sections,
            actions,
        })
    }
}

/// A person's proposed case reference and victim mentions (date, incident
/// id), earliest first.
struct Proposal<'a> {
    person_id: &'a str,
    proposed: String,
    mentions: &'a [(NaiveDate, &'a str)],
}

/// References without a register: the proposals, a clash numbered `-2`,
/// `-3`, … in the order of the persons' earliest mentions.
fn dedup_refs(proposals: &[Proposal<'_>]) -> BTreeMap<String, String> {
    let mut order: Vec<&Proposal<'_>> = proposals.iter().collect();
    order.par_sort_unstable_by(|a, b| {
        a.proposed
            .cmp(&b.proposed)
            .then(a.mentions.first().cmp(&b.mentions.first()))
            .then(a.person_id.cmp(b.person_id))
    });
    let mut refs = Vec::with_capacity(order.len());
    let mut k = 0;
    while k < order.len() {
        // One run of equal proposals: the first keeps it, the others are numbered.
        let mut end = k + 1;
        while end < order.len() && order[end].proposed == order[k].proposed {
            end += 1;
        }
        for (n, p) in order[k..end].iter().enumerate() {
            let r = if n == 0 {
                p.proposed.clone()
            } else {
                format!("{}-{}", p.proposed, n + 1)
            };
            refs.push((p.person_id.to_string(), r));
        }
        k = end;
    }
    refs.into_iter().collect()
}

impl Decisions {
    /// The register's rows for this scan: every scanned victim with its
    /// reference, level, score and flags.
    pub fn scan_entries(&self) -> Vec<ScanEntry> {
        self.scan
            .persons
            .iter()
            .filter_map(|p| {
                self.case_refs.get(&p.person_id).map(|r| ScanEntry {
                    case_ref: r.clone(),
                    person_id: p.person_id.clone(),
                    bcu: p.bcu.clone(),
                    level: p.level.as_str().to_string(),
                    score: p.score,
                    flags: p.flags.iter().map(|f| f.as_str().to_string()).collect(),
                })
            })
            .collect()
    }

    /// Saves the scan in the register (the weekly history), first computing
    /// what changed since the previous saved scan when `changes` is set.
    pub fn save_scan(
        &self,
        register: &mut Register,
        changes: bool,
    ) -> Result<Option<Changes>, PipelineError> {
        let entries = self.scan_entries();
        let c = if changes {
            Some(register.changes_since(self.scan.as_of, &entries)?)
        } else {
            None
        };
        register.save_scan(self.scan.as_of, &entries)?;
        Ok(c)
    }

    /// The eligible persons placed in no BCU (in every pack's unplaced list).
    pub fn unplaced(&self) -> Vec<&str> {
        self.scan
            .persons
            .iter()
            .filter(|p| {
                p.bcu == marac_model::UNASSIGNED && self.sections.contains_key(&p.person_id)
            })
            .map(|p| p.person_id.as_str())
            .collect()
    }
}

/// What a meeting adds to the week's decisions.
#[derive(Debug, Clone)]
pub struct MeetingPlan {
    /// The meeting date.
    pub date: NaiveDate,
    /// Review periods.
    pub review: ReviewDays,
    /// The chair, printed on the pack.
    pub chair: Option<String>,
}

impl MeetingPlan {
    /// A meeting on `date` with the default review periods.
    pub fn on(date: NaiveDate, chair: Option<String>) -> MeetingPlan {
        MeetingPlan {
            date,
            review: ReviewDays::default(),
            chair,
        }
    }
}

/// Builds the packs of one run; the index of mentions is built once and
/// shared by every BCU's pack.
pub struct Packer<'a> {
    week: &'a Week<'a>,
    decisions: &'a Decisions,
    index: PackIndex<'a>,
    plan: MeetingPlan,
}

impl<'a> Packer<'a> {
    /// Prepares the packs of a week.
    pub fn new(week: &'a Week<'a>, decisions: &'a Decisions, plan: MeetingPlan) -> Self {
        Packer {
            week,
            decisions,
            index: PackIndex::new(week.incidents, week.mentions),
            plan,
        }
    }

    /// The pack of one BCU (by its name in the areas).
    pub fn pack(&self, bcu_name: &str) -> Pack {
        let areas = self.week.areas;
        let bcu = areas.bcus().iter().find(|b| &*b.name == bcu_name);
        let (hotspots, repeat_locations) = hotspot_summary(
            self.week.incidents,
            areas,
            bcu_name,
            self.decisions.scan.as_of,
        );
        let mut notes = Vec::new();
        // The licence of the embedded London boundaries (the map is drawn
        // from them) asks for this wherever they are shown.
        if let Some(attribution) = areas.attribution() {
            notes.push(format!("Borough boundaries: {attribution}"));
        }
        if repeat_locations.iter().any(|r| r.snap_point) {
            notes.push(
                "data.police.uk coordinates are anonymised snap points, each standing for at least eight addresses: a repeat location there is not a victim's home."
                    .to_string(),
            );
        }
        let input = PackInput {
            meeting_date: self.plan.date,
            bcu: bcu_name,
            bcu_code: bcu.and_then(|b| b.code.as_deref()),
            boroughs: bcu
                .map(|b| b.areas.iter().map(|a| a.to_string()).collect())
                .unwrap_or_default(),
            incidents: self.week.incidents,
            index: &self.index,
            scan: &self.decisions.scan,
            case_refs: &self.decisions.case_refs,
            hearings: &self.decisions.hearings,
            sections: &self.decisions.sections,
            actions: self
                .decisions
                .actions
                .get(bcu_name)
                .cloned()
                .unwrap_or_default(),
            hotspots,
            repeat_locations,
            review: self.plan.review,
            notes,
        };
        let mut pack = build_pack(&input);
        pack.meeting.chair = self.plan.chair.clone();
        pack
    }
}

/// Kinds that count towards the pack's hot spots (crime context is excluded:
/// the MARAC looks at ASB, disputes and hate).
const PACK_HOTSPOT_KINDS: &[IncidentKind] =
    &[IncidentKind::Asb, IncidentKind::Dispute, IncidentKind::Hate];

/// Gi* hot cells (250 m cells, 500 m band, hot classes only; most
/// confident first, then most incidents) and repeat locations (5 or more
/// incidents) of one BCU over the 365 days to `as_of`, for the pack. Each
/// is described by its borough and the most frequent street names of its
/// incidents ([`marac_hotspot::describe`]).
pub fn hotspot_summary(
    incidents: &[Incident],
    areas: &Areas,
    bcu: &str,
    as_of: NaiveDate,
) -> (Vec<Hotspot>, Vec<RepeatLocation>) {
    use marac_hotspot::{describe::whereabouts, gistar::gi_star, repeat, Event};
    let start = as_of - Duration::days(365);
    let selected: Vec<(&Incident, Event)> = incidents
        .iter()
        .filter(|i| &*i.bcu == bcu && i.reported.date >= start && i.reported.date <= as_of)
        .filter(|i| PACK_HOTSPOT_KINDS.contains(&i.kind))
        .filter_map(|i| Event::of(i).map(|e| (i, e)))
        .collect();
    let points: Vec<[f64; 2]> = selected.iter().map(|(_, e)| e.xy()).collect();
    let mut hotspots = Vec::new();
    if points.len() >= 3 {
        if let Ok(g) = gi_star(&points, 250.0, 500.0) {
            let mut in_cell: HashMap<usize, Vec<&Incident>> = HashMap::default();
            for ((i, _), p) in selected.iter().zip(&points) {
                if let Some(c) = g.grid.cell_of(*p) {
                    in_cell.entry(c).or_default().push(i);
                }
            }
            let mut hot: Vec<_> = g.cells.iter().filter(|c| c.class.is_hot()).collect();
            hot.sort_by(|a, b| {
                b.class
                    .confidence()
                    .cmp(&a.class.confidence())
                    .then(b.count.cmp(&a.count))
                    .then(a.index.cmp(&b.index))
            });
            for c in hot {
                let members = in_cell.get(&c.index).map(Vec::as_slice).unwrap_or(&[]);
                let w = whereabouts(members.iter().copied(), [c.x, c.y], areas);
                hotspots.push(Hotspot {
                    method: "gistar".into(),
                    class: c.class.as_str().into(),
                    x: c.x,
                    y: c.y,
                    count: u64::from(c.count),
                    size_m: 250.0,
                    borough: w.borough,
                    location_names: w.names,
                });
            }
        }
    }
    let (mut keys, mut events, mut placed) = (Vec::new(), Vec::new(), Vec::new());
    for (i, e) in &selected {
        if let Some(k) = repeat::place_key(i) {
            keys.push(k);
            events.push(*e);
            placed.push(*i);
        }
    }
    let repeat_locations = repeat::repeat_locations(&keys, &events, 5)
        .into_iter()
        .map(|p| {
            let w = whereabouts(p.members.iter().map(|&m| placed[m]), p.centroid, areas);
            RepeatLocation {
                place: p.label.clone(),
                x: p.centroid[0],
                y: p.centroid[1],
                count: p.summary.count as u64,
                kinds: p
                    .summary
                    .kinds
                    .iter()
                    .map(|(k, n)| (k.as_str().to_string(), *n as u64))
                    .collect(),
                first: p.summary.first.unwrap_or(as_of),
                last: p.summary.last.unwrap_or(as_of),
                snap_point: p.snap_point,
                borough: w.borough,
                location_names: w.names,
            }
        })
        .collect();
    (hotspots, repeat_locations)
}

/// What the pack's map of a BCU is drawn on: every area (the BCU's marked
/// `focus`; the map shows the others where they fall in its frame) and the
/// boundaries' attribution.
pub fn pack_map<'a>(areas: &'a Areas, bcu: &str) -> marac_agenda::render::MapData<'a> {
    marac_agenda::render::MapData {
        areas: marac_render::map::areas_of(areas, bcu),
        attribution: areas.attribution(),
    }
}

#[cfg(test)]
mod tests;
