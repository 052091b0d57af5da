//! Linkage for `marac`: person mentions from every agency's records are
//! linked into persons, incident locations and homes into places, and both
//! into a graph of incidents, persons and places that the risk stage reads
//! (repeat victims, case networks, serial perpetrators).
//!
//! The pipeline, one module per concern:
//! 1. [`normalise`] — every victim and suspect with any detail becomes a
//!    [`normalise::Mention`] with folded names, nickname ids, DOB, postcode,
//!    address tokens and phone digits;
//! 2. [`block`] — candidate pairs are the union of configurable blocking rules;
//! 3. [`compare`] — each field of a pair is compared into agreement levels;
//! 4. [`score`] — Fellegi-Sunter weights: u from random pairs, m by EM,
//!    term-frequency adjustment, match probability; or deterministic rules
//!    ([`expr`]);
//! 5. [`cluster`] — union-find in a fixed order with a chaining guard, and
//!    clerical [`labels`]: a `match` always joins, a `not a match` never ends
//!    up in one person ([`link_with`]);
//! 6. [`place`] and [`graph`] — places and the petgraph graph;
//! 7. [`eval`] — pairwise and B-cubed precision and recall against ground
//!    truth, or estimated from a labelled sample.
//!
//! Everything is driven by a [`rules::Rules`] file; the defaults are
//! `rules/default.toml`. The result does not depend on the number of threads.
//!
//! ```
//! use marac_ingest::{Ingester, IngestOptions, InputFormat};
//! use marac_link::{link, rules::Rules};
//! let csv = "incident_id,source,kind,reported_at,borough,victim_first_name,victim_last_name,victim_dob,victim_address,victim_postcode\n\
//!            A1,met-police,asb,2026-01-02,Camden,Margaret,O'Neill,1958-07-03,12 High St,NW1 0NE\n\
//!            A2,camden-housing,asb,2026-02-02,Camden,Peggy,Oneil,,Flat 1 12 High Street,NW1 0NE\n\
//!            A3,camden-asc,safeguarding,2026-03-02,Camden,M.,O'NEILL,1958-07-03,12 High Street,NW1 0NE\n\
//!            A4,met-police,asb,2026-03-05,Camden,Kwame,Mensah,1990-01-01,3 Mill Lane,NW1 0NE\n";
//! let mut ing = Ingester::new(IngestOptions::default());
//! ing.add_bytes("x.csv", csv.as_bytes(), InputFormat::Csv).unwrap();
//! let incidents = ing.finish().incidents;
//! let linkage = link(&incidents, &Rules::default());
//! let ids: Vec<String> = linkage.rows().map(|r| r.person_id).collect();
//! assert_eq!(ids, ["P000001", "P000001", "P000001", "P000002"]);
//! ```

use std::time::Instant;

use marac_model::{Incident, PersonMention, Role};
use rayon::prelude::*;

pub mod attach;
pub mod block;
pub mod cluster;
pub mod compare;
pub mod eval;
pub mod expr;
pub mod graph;
pub mod hash;
pub mod hot;
pub mod jw;
pub mod labels;
pub mod normalise;
pub mod place;
pub mod profile;
pub mod report;
pub mod review;
pub mod rules;
pub mod score;

use block::pack;
use block::{candidate_pairs, unpack};
use cluster::{cluster_apart, edge_order, Clusters, Edge};
use compare::{ComparisonSet, Gamma, NULL};
use expr::PairFacts;
use labels::{Label, LabelKind};
use normalise::{Mention, Mentions};
use review::{Band, Candidate};
use rules::{Mode, Rules};
use score::{patterns, Model, Scorer};

/// The stable id of a person number (`P000001` for 0).
pub fn person_id(n: u32) -> String {
    format!("P{:06}", n as u64 + 1)
}

/// Counts and timings of a run; no personal values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Person mentions linked.
    pub mentions: usize,
    /// Candidate pairs after blocking (deduplicated).
    pub candidate_pairs: usize,
    /// Candidate pairs per blocking rule, before deduplication.
    pub per_rule: Vec<(String, u64)>,
    /// Pair comparisons made (candidates plus the random u sample).
    pub comparisons: u64,
    /// The decision threshold (probability; 1 for deterministic rules).
    pub threshold: f64,
    /// The threshold as a match weight in bits (probabilistic mode).
    pub threshold_weight: Option<f64>,
    /// Pairs at or above the threshold, or matched by a rule or reference.
    pub links: usize,
    /// Merges refused by the chaining guard.
    pub refused: usize,
    /// Merges refused because `not a match` labels hold the two persons
    /// apart (in clustering's last pass and in attachment).
    pub refused_by_labels: usize,
    /// What became of the labels given.
    pub labels: LabelStats,
    /// Partial persons attached to an identified person.
    pub attached: usize,
    /// Persons found.
    pub persons: usize,
    /// Fill rate and distinct values of each compared field.
    pub fields: Vec<profile::FieldProfile>,
    /// The model's expected number of matching pairs among the candidate
    /// pairs (the sum of their match probabilities; probabilistic mode).
    pub expected_matches: Option<f64>,
    /// The model's estimate of the matching pairs among all pairs of
    /// mentions (EM's λ over all pairs, from the training sessions), when
    /// the rules train in sessions. `expected_matches` over this is the
    /// share of all matches the blocking found.
    pub matches_all_pairs: Option<f64>,
    /// Each veto with how often near-certain matches hold it and whether it
    /// stayed a wall (see [`rules::RulesFile::veto_max_share`]).
    pub vetoes: Vec<VetoStat>,
    /// How each EM run of the final model went (the last pass's training
    /// sessions, then λ over all candidate pairs; probabilistic mode).
    pub em_runs: Vec<score::EmRun>,
    /// Seconds per stage.
    pub timings: Vec<(&'static str, f64)>,
}

/// What became of the clerical labels given to [`link_with`]; no personal
/// values (incident ids and roles only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelStats {
    /// Labels given.
    pub given: usize,
    /// Pairs labelled `match` whose two records are both linked here.
    pub matches: usize,
    /// Pairs labelled `not a match` whose two records are both linked here.
    pub not_matches: usize,
    /// Pairs labelled differently (neither label used).
    pub conflicting: usize,
    /// Pairs labelled `unsure` (not used).
    pub unsure: usize,
    /// Pairs naming a record that is not linked here (not in the input, or
    /// with no detail to link on).
    pub unknown: usize,
    /// `match` labels not kept because `not a match` labels hold their
    /// records apart, each said as a conflict (the `not a match` wins).
    pub overruled: Vec<String>,
    /// The comparisons whose m came from the labelled matches
    /// (`[training] from_labels`).
    pub m_from_labels: Vec<String>,
}

impl LabelStats {
    /// Pairs used: labelled `match` or `not a match`, both records linked here.
    pub fn used(&self) -> usize {
        self.matches + self.not_matches
    }
}

/// The labelled pairs of mentions, each `(a, b)` with `a < b`, sorted.
#[derive(Debug, Clone, Default)]
struct LabelPairs {
    matches: Vec<(u32, u32)>,
    apart: Vec<(u32, u32)>,
}

/// What the data said of one veto.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VetoStat {
    /// The veto's expression.
    pub text: String,
    /// The share of near-certain matches (pairs agreeing on every other
    /// identity field) that show the level the veto is about (`None`: the
    /// veto names no level, or no such pair).
    pub share: Option<f64>,
    /// How many near-certain matches the share is taken over.
    pub evidence: u64,
    /// Whether the near-certain matches are those the model's weight over
    /// the other identity fields makes near-certain (odds of 999 to 1 over
    /// all pairs), because fewer than twenty pairs agree at the top level on
    /// three of them (a file with few identity fields, e.g. no postcode).
    pub by_weight: bool,
    /// Whether it stayed a wall (else the comparisons' weights price it).
    pub active: bool,
}

/// A pair that linked (or would have, but for the chaining guard).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// First mention (index into [`Linkage::mentions`]).
    pub a: u32,
    /// Second mention.
    pub b: u32,
    /// Match weight in bits (0 for deterministic decisions).
    pub weight: f64,
    /// Match probability (1 for deterministic decisions).
    pub probability: f64,
    /// Agreement levels of the pair.
    pub gamma: Gamma,
    /// Why it linked: `reference`, a rule number, or the model.
    pub reason: Reason,
    /// Refused by the chaining guard or by labels.
    pub refused: bool,
    /// Refused because `not a match` labels hold the two persons apart.
    pub held_apart: bool,
}

/// Why a pair linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Same reference within one source.
    Reference,
    /// Deterministic rule number (1-based).
    Rule(usize),
    /// Match probability at or above the threshold.
    Model,
    /// A partial record attached to the one identified person it fits
    /// (see [`attach`]).
    Attach,
    /// Labelled `match` by a person.
    Label,
}

/// The result of linking persons.
#[derive(Debug)]
pub struct Linkage<'a> {
    /// The incidents linked.
    pub incidents: &'a [Incident],
    /// The mentions, in canonical order (incident id, victim first).
    pub mentions: Mentions,
    /// Persons of mentions.
    pub clusters: Clusters,
    /// Linking pairs, in mention order.
    pub decisions: Vec<Decision>,
    /// The comparisons used.
    pub comparisons: ComparisonSet,
    /// The trained model (probabilistic mode).
    pub model: Option<Model>,
    /// Counts and timings.
    pub stats: Stats,
    /// Warnings (oversized blocks, EM not converging); no personal values.
    pub warnings: Vec<String>,
    /// The mention of each incident's victim and suspect.
    pub incident_mentions: Vec<[Option<u32>; 2]>,
    /// The candidate pairs of the last pass kept by [`link_keeping`] (in
    /// its band, or decided by a reference), then the attachments won by
    /// a close margin ([`review::Candidate::runner_up`]); empty from
    /// [`link`] and [`link_with`].
    pub kept: Vec<Candidate>,
}

impl<'a> Linkage<'a> {
    /// The person number of an incident's victim or suspect, if recorded.
    pub fn person_of(&self, incident: usize, role: Role) -> Option<u32> {
        let slot = match role {
            Role::Victim => 0,
            Role::Suspect => 1,
        };
        let m = self.incident_mentions.get(incident)?[slot]?;
        Some(self.clusters.person_of[m as usize])
    }

    /// One [`PersonMention`] per person mention, in canonical order
    /// (incident id, victim first): the output of `marac link`, and the
    /// shape the risk scan, the register and the agenda take.
    pub fn rows(&self) -> impl Iterator<Item = PersonMention> + '_ {
        self.mentions
            .list
            .iter()
            .zip(&self.clusters.person_of)
            .map(|(m, p)| PersonMention {
                incident_id: self.incidents[m.incident as usize].id.clone(),
                role: m.role.unwrap_or(Role::Victim),
                person_id: person_id(*p),
            })
    }

    /// [`Linkage::rows`], collected.
    pub fn mention_rows(&self) -> Vec<PersonMention> {
        self.rows().collect()
    }

    /// `field=level;…` for a decision, prefixed by what decided it.
    pub fn decided_by(&self, d: &Decision) -> String {
        let levels = self.comparisons.describe(&d.gamma);
        let mut out = match d.reason {
            Reason::Reference => "reference=same".to_string(),
            Reason::Rule(n) => format!("rule={n}"),
            Reason::Model => String::new(),
            Reason::Attach => "attach=unique".to_string(),
            Reason::Label => "label=match".to_string(),
        };
        if !levels.is_empty() {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(&levels);
        }
        if d.held_apart {
            out.push_str(";label=not_a_match");
        } else if d.refused {
            out.push_str(";guard=refused");
        }
        out
    }
}

struct Facts<'s> {
    set: &'s ComparisonSet,
    g: &'s Gamma,
    a: &'s Mention,
    b: &'s Mention,
}

impl PairFacts for Facts<'_> {
    fn level(&self, field: &str) -> Option<&'static str> {
        let k = self.set.position(field)?;
        let l = self.g[k];
        (l != NULL).then(|| self.set.list[k].levels()[l as usize])
    }
    fn similarity(&self, field: &str) -> Option<f64> {
        let k = self.set.position(field)?;
        self.set.list[k].similarity(self.a, self.b)
    }
    fn same_reference(&self) -> bool {
        same_reference(self.a, self.b)
    }
}

/// Both mentions hold the same reference from the same source.
pub fn same_reference(a: &Mention, b: &Mention) -> bool {
    a.source == b.source && a.reference.is_some() && a.reference == b.reference
}

/// A number per (source, reference) in order of first appearance, so that
/// equal numbers are [`same_reference`]; `u32::MAX` without a reference.
fn reference_ids(list: &[Mention]) -> Vec<u32> {
    let mut ids: hash::FxMap<(u32, &str), u32> = hash::FxMap::default();
    list.iter()
        .map(|m| match &m.reference {
            Some(r) => {
                let n = ids.len() as u32;
                *ids.entry((m.source, r)).or_insert(n)
            }
            None => u32::MAX,
        })
        .collect()
}

fn vetoed(vetoes: &[(String, expr::Expr)], facts: &Facts<'_>) -> bool {
    vetoes.iter().any(|(_, e)| e.eval(facts))
}

/// Whether one of the rules' vetoes holds for a pair with levels `g`.
pub fn pair_vetoed(
    rules: &Rules,
    set: &ComparisonSet,
    g: &Gamma,
    a: &Mention,
    b: &Mention,
) -> bool {
    vetoed(&rules.vetoes, &Facts { set, g, a, b })
}

/// Links the person mentions of some incidents into persons.
pub fn link<'a>(incidents: &'a [Incident], rules: &Rules) -> Linkage<'a> {
    link_full(incidents, rules, &[], None)
}

/// [`link`], also keeping in [`Linkage::kept`] the candidate pairs whose
/// match weight lies in `band` (probabilistic mode): for the review queue
/// and the model report, which need pairs that did not link. [`link`]
/// keeps none, so the ordinary run pays nothing for them.
pub fn link_keeping<'a>(
    incidents: &'a [Incident],
    rules: &Rules,
    band: Option<Band>,
) -> Linkage<'a> {
    link_full(incidents, rules, &[], band)
}

/// Each mention by its record: (incident id, role) → mention index.
pub fn mention_index<'i>(
    incidents: &'i [Incident],
    list: &[Mention],
) -> hash::FxMap<(&'i str, Role), u32> {
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            let id = incidents[m.incident as usize].id.as_str();
            ((id, m.role.unwrap_or(Role::Victim)), i as u32)
        })
        .collect()
}

/// `INC-1/victim`: a mention as messages name it (no personal value).
fn side_of(incidents: &[Incident], m: &Mention) -> String {
    format!(
        "{}/{}",
        incidents[m.incident as usize].id,
        m.role.unwrap_or(Role::Victim)
    )
}

/// The labels as pairs of mentions, and what became of them.
fn resolve_labels(
    incidents: &[Incident],
    mentions: &Mentions,
    labels: &[Label],
) -> (LabelPairs, LabelStats) {
    let usable = labels::usable(labels);
    let mut stats = LabelStats {
        given: labels.len(),
        conflicting: usable.conflicting,
        unsure: usable.unsure,
        ..LabelStats::default()
    };
    let mut pairs = LabelPairs::default();
    if usable.pairs.is_empty() {
        return (pairs, stats);
    }
    let index = mention_index(incidents, &mentions.list);
    for (a, b, kind) in &usable.pairs {
        let (Some(&i), Some(&j)) = (
            index.get(&(a.0.as_str(), a.1)),
            index.get(&(b.0.as_str(), b.1)),
        ) else {
            stats.unknown += 1;
            continue;
        };
        let p = (i.min(j), i.max(j));
        match kind {
            LabelKind::Match => {
                stats.matches += 1;
                pairs.matches.push(p);
            }
            _ => {
                stats.not_matches += 1;
                pairs.apart.push(p);
            }
        }
    }
    pairs.matches.sort_unstable();
    pairs.apart.sort_unstable();
    (pairs, stats)
}

/// [`link`] with clerical labels: a `match` always joins the two records'
/// persons (blocked together or not); a `not a match` never lets them end up
/// in one person, whatever chain of other links would (the merge that would
/// is refused, in clustering's passes and in attachment; see [`cluster`]).
/// A `match` label that would join records labelled apart is overruled (the
/// `not a match` wins) and said in [`LabelStats::overruled`]. With
/// `[training] from_labels`, the labelled matches also give m.
///
/// Pairs labelled differently, `unsure` labels and labels naming a record
/// not linked here are not used (counted in [`Stats::labels`]). The result
/// does not depend on the order of the labels.
pub fn link_with<'a>(incidents: &'a [Incident], rules: &Rules, labels: &[Label]) -> Linkage<'a> {
    link_full(incidents, rules, labels, None)
}

/// [`link_with`] and [`link_keeping`] in one.
pub fn link_full<'a>(
    incidents: &'a [Incident],
    rules: &Rules,
    labels: &[Label],
    band: Option<Band>,
) -> Linkage<'a> {
    let mut stats = Stats::default();
    let mut warnings = Vec::new();
    let t = Instant::now();
    let mut mentions = Mentions::from_incidents(incidents);
    let mut incident_mentions = vec![[None, None]; incidents.len()];
    for (i, m) in mentions.list.iter().enumerate() {
        let slot = usize::from(m.role == Some(Role::Suspect));
        incident_mentions[m.incident as usize][slot] = Some(i as u32);
    }
    stats.mentions = mentions.len();
    stats.fields = profile::field_profile(&mentions.list);
    stats.timings.push(("normalise", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let mut hot = hot::HotSet::build(&mentions.list);
    stats.timings.push(("pack", t.elapsed().as_secs_f64()));
    let (label_pairs, label_stats) = resolve_labels(incidents, &mentions, labels);
    stats.labels = label_stats;

    let mut settings = rules.file.comparisons;
    let second = settings.counterpart.enabled;
    settings.counterpart.enabled = false;
    let mut last: Prev;
    let (mut clusters, mut decisions, mut set, mut model, first) = pass(
        &mentions,
        &hot,
        rules,
        ComparisonSet::from_settings(&settings),
        &rules.file.blocking.rules,
        None,
        // Pairs are kept from the last pass only.
        if second { None } else { band },
        &label_pairs,
        &mut stats,
        &mut warnings,
    );
    if second {
        // Second pass: who the other party of each incident is, as found by
        // the first pass, becomes a comparison and a blocking key.
        for m in mentions.list.iter_mut() {
            let slots = incident_mentions[m.incident as usize];
            let other = match m.role {
                Some(Role::Suspect) => slots[0],
                _ => slots[1],
            };
            m.counterpart = other.map(|o| clusters.person_of[o as usize]);
        }
        hot.set_counterparts(&mentions.list);
        let block_rules = vec![rules::BlockRule {
            name: "counterpart".into(),
            keys: vec![rules::KeyPart::Counterpart],
            subblock: vec![rules::KeyPart::FirstInitial],
            partial: false,
            max_block: None,
        }];
        let timings = std::mem::take(&mut stats.timings);
        let prev;
        (clusters, decisions, set, model, prev) = pass(
            &mentions,
            &hot,
            rules,
            ComparisonSet::from_settings(&rules.file.comparisons),
            &block_rules,
            Some(&first),
            band,
            &label_pairs,
            &mut stats,
            &mut warnings,
        );
        let second: Vec<(&'static str, f64)> = std::mem::take(&mut stats.timings);
        stats.timings = timings;
        stats
            .timings
            .extend(second.into_iter().map(|(n, t)| (pass2_name(n), t)));
        last = prev;
    } else {
        last = first;
    }
    let mut kept = std::mem::take(&mut last.kept);
    if rules.file.attach.enabled {
        if let Some(mdl) = &model {
            let t = Instant::now();
            let (attached, refused) = attach_partial(
                &mentions,
                rules,
                &set,
                mdl,
                &last,
                &mut clusters,
                &mut decisions,
                &stats.vetoes,
                &label_pairs.apart,
                band.is_some().then_some(&mut kept),
            );
            stats.attached = attached;
            stats.refused_by_labels += refused;
            stats.persons = clusters.persons;
            stats.timings.push(("attach", t.elapsed().as_secs_f64()));
        }
    }
    for &(m, apart) in &last.overruled {
        let name = |(a, b): (u32, u32)| {
            let list = &mentions.list;
            format!(
                "{} – {}",
                side_of(incidents, &list[a as usize]),
                side_of(incidents, &list[b as usize])
            )
        };
        stats.labels.overruled.push(format!(
            "match label {} not kept: it would put {}, labelled not a match, in one person; the not a match wins",
            name(m),
            name(apart)
        ));
    }
    Linkage {
        incidents,
        mentions,
        clusters,
        decisions,
        comparisons: set,
        model,
        stats,
        warnings,
        incident_mentions,
        kept,
    }
}

/// The union of two sorted lists without duplicates, and for each element
/// of it, its index in `old` (`u32::MAX` when it is only in `new`).
fn merge_sorted(old: &[u64], new: &[u64]) -> (Vec<u64>, Vec<u32>) {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let mut from = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let take_old = j == new.len() || (i < old.len() && old[i] <= new[j]);
        if take_old {
            if j < new.len() && old[i] == new[j] {
                j += 1;
            }
            out.push(old[i]);
            from.push(i as u32);
            i += 1;
        } else {
            if out.last() != Some(&new[j]) {
                out.push(new[j]);
                from.push(u32::MAX);
            }
            j += 1;
        }
    }
    (out, from)
}

/// The candidate pairs and agreement levels of a first pass, reused by the second.
struct Prev {
    pairs: Vec<u64>,
    gammas: Vec<Gamma>,
    /// Match weights of the pairs (probabilistic mode; else empty).
    weights: Vec<f64>,
    /// u and coverage per comparison (probabilistic mode; else empty).
    u: (Vec<Vec<f64>>, Vec<f64>),
    per_rule: Vec<(String, u64)>,
    /// `match` labels the pass did not keep, each with the `not a match`
    /// pair that held its records apart.
    overruled: Vec<((u32, u32), (u32, u32))>,
    /// The pairs kept for [`link_keeping`].
    kept: Vec<Candidate>,
}

/// One linkage pass: blocking, comparisons, scoring or rules, clustering.
///
/// With `prev`, `block_rules` are only the extra rules of this pass: the
/// candidates are the previous ones plus theirs, and the previous pairs'
/// levels are reused (only the `counterpart` level is computed again).
#[allow(clippy::too_many_arguments)]
fn pass(
    mentions: &Mentions,
    hot: &hot::HotSet,
    rules: &Rules,
    set: ComparisonSet,
    block_rules: &[rules::BlockRule],
    prev: Option<&Prev>,
    band: Option<Band>,
    labels: &LabelPairs,
    stats: &mut Stats,
    warnings: &mut Vec<String>,
) -> (Clusters, Vec<Decision>, ComparisonSet, Option<Model>, Prev) {
    let t = Instant::now();
    let mut blocked = candidate_pairs(&mentions.list, block_rules, rules.file.blocking.max_block);
    // Where each candidate was in the previous pass (u32::MAX: new).
    let mut reuse: Vec<u32> = Vec::new();
    if let Some(p) = prev {
        (blocked.pairs, reuse) = merge_sorted(&p.pairs, &blocked.pairs);
        let mut per_rule = p.per_rule.clone();
        per_rule.append(&mut blocked.per_rule);
        blocked.per_rule = per_rule;
    }
    warnings.extend(blocked.warnings.iter().cloned());
    stats.candidate_pairs = blocked.len();
    stats.per_rule = blocked.per_rule.clone();
    stats.timings.push(("block", t.elapsed().as_secs_f64()));

    let t = Instant::now();
    let list = &mentions.list;
    let cp = set.position("counterpart");
    let gammas: Vec<Gamma> = blocked
        .pairs
        .par_iter()
        .enumerate()
        .map(|(n, p)| {
            let (i, j) = unpack(*p);
            match (prev, reuse.get(n), cp) {
                (Some(pv), Some(&k), Some(c)) if k != u32::MAX => {
                    // Only the counterpart is new: read it from the small
                    // array, not the whole compact mentions.
                    let mut g = pv.gammas[k as usize];
                    g[c] = compare::counterpart_level(hot.counterparts[i], hot.counterparts[j]);
                    g
                }
                _ => set.gamma_hot(hot, list, i, j),
            }
        })
        .collect();
    stats.comparisons = gammas.len() as u64;
    // The levels of the pairs labelled match (blocked together or not).
    let label_gammas: Vec<Gamma> = labels
        .matches
        .iter()
        .map(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            match blocked.pairs.binary_search(&pack(a, b)) {
                Ok(k) => gammas[k],
                Err(_) => set.gamma_hot(hot, list, a, b),
            }
        })
        .collect();
    stats.timings.push(("compare", t.elapsed().as_secs_f64()));

    let override_refs = rules.file.reference_override;
    let mut model = None;
    let mut weights: Vec<f64> = Vec::new();
    let mut u_cover = (Vec::new(), Vec::new());
    // Match weights of the pairs labelled match (probabilistic mode).
    let mut label_weights = vec![0.0; labels.matches.len()];
    let mut kept = Vec::new();
    // (pair index, weight, reason)
    let mut picked: Vec<(usize, f64, Reason)>;
    match rules.file.mode {
        Mode::Probabilistic => {
            let t = Instant::now();
            let (u, cover, sampled) = estimate_u(&set, mentions, hot, rules, prev);
            u_cover = (u.clone(), cover.clone());
            stats.comparisons += sampled;
            stats
                .timings
                .push(("estimate_u", t.elapsed().as_secs_f64()));
            let t = Instant::now();
            let pats = patterns(&gammas);
            let mut prior_m: Vec<Vec<f64>> =
                set.list.iter().map(|c| c.prior_m().to_vec()).collect();
            // m of the comparisons the labelled matches hold, held in EM.
            let mut fixed = vec![false; set.list.len()];
            if rules.file.training.from_labels {
                let from = score::m_from_labels(
                    &label_gammas,
                    &prior_m,
                    rules.file.training.from_labels_min,
                );
                let mut names = Vec::new();
                for (x, m) in from.into_iter().enumerate() {
                    if let Some(m) = m {
                        prior_m[x] = m;
                        fixed[x] = true;
                        names.push(set.list[x].name().to_string());
                    }
                }
                if prev.is_none() && names.is_empty() {
                    warnings.push(format!(
                        "[training] from_labels: no comparison is held by {} labelled matches \
                         ({} given); m is EM's",
                        rules.file.training.from_labels_min,
                        labels.matches.len()
                    ));
                }
                stats.labels.m_from_labels = names;
            }
            let sessions: Vec<Vec<usize>> = rules
                .file
                .training
                .sessions
                .iter()
                .map(|s| {
                    s.split('+')
                        .filter_map(|f| set.position(f.trim()))
                        .collect::<Vec<usize>>()
                })
                .filter(|v| !v.is_empty())
                .collect();
            let mdl = if sessions.is_empty() {
                let (mut mdl, run) = score::em_fixed_traced(
                    &pats,
                    &prior_m,
                    &u,
                    &fixed,
                    false,
                    &rules.file.training,
                );
                mdl.set_population(gammas.len(), list.len());
                stats.em_runs = vec![run];
                mdl
            } else {
                let train = |u: &[Vec<f64>]| {
                    score::train_sessions(
                        &pats,
                        &sessions,
                        &prior_m,
                        &fixed,
                        u,
                        &cover,
                        list.len(),
                        &rules.file.training,
                    )
                };
                let (mut mdl, mut notes, mut runs) = train(&u);
                if rules.file.training.u_excludes_matches {
                    // Once: λ over all pairs comes from the sessions, and
                    // the corrected u barely moves it again.
                    (mdl, notes, runs) =
                        train(&score::u_without_matches(&u, &mdl.m, mdl.lambda_all));
                }
                warnings.extend(notes);
                stats.em_runs = runs;
                mdl
            };
            if !mdl.converged {
                warnings.push(format!(
                    "EM did not converge in {} iterations; the last estimates are used",
                    mdl.iterations
                ));
            }
            stats.timings.push(("em", t.elapsed().as_secs_f64()));
            let t = Instant::now();
            let scorer = Scorer::new(&set, &mdl, mentions.totals, rules.file.training.clone());
            // Compact per-mention inputs, so scoring reads two small arrays
            // instead of two whole mentions per pair.
            let adj: Vec<[f64; 2]> = list.par_iter().map(|m| scorer.adjustments(m)).collect();
            let refs = reference_ids(list);
            weights = blocked
                .pairs
                .par_iter()
                .zip(&gammas)
                .map(|(p, g)| scorer.weight_with(g, &adj[unpack(*p).0]))
                .collect();
            label_weights = label_gammas
                .iter()
                .zip(&labels.matches)
                .map(|(g, &(a, _))| scorer.weight_with(g, &adj[a as usize]))
                .collect();
            let probs: Vec<f64> = weights.par_iter().map(|w| mdl.probability(*w)).collect();
            let expected = expected_matches(&probs);
            stats.expected_matches = Some(expected);
            if !sessions.is_empty() {
                let n = list.len() as f64;
                stats.matches_all_pairs = Some(mdl.lambda_all * n * (n - 1.0) / 2.0);
            }
            let threshold = rules
                .file
                .threshold
                .unwrap_or_else(|| best_expected_f1(&probs, expected));
            drop(probs);
            let min_w = mdl.weight_for(threshold);
            stats.threshold = threshold;
            stats.threshold_weight = Some(min_w);
            // Learned once, in the first pass (the second only adds the
            // counterpart, which is not an identity field).
            if prev.is_none() {
                stats.vetoes = learn_vetoes(rules, &set, &gammas, &mdl);
            }
            let walls: Vec<(String, expr::Expr)> = rules
                .vetoes
                .iter()
                .zip(&stats.vetoes)
                .filter(|(_, v)| v.active)
                .map(|(x, _)| x.clone())
                .collect();
            picked = blocked
                .pairs
                .par_iter()
                .zip(&gammas)
                .zip(&weights)
                .enumerate()
                .filter_map(|(k, ((p, g), &w))| {
                    let (i, j) = unpack(*p);
                    if override_refs && refs[i] != u32::MAX && refs[i] == refs[j] {
                        Some((k, w, Reason::Reference))
                    } else if w >= min_w && {
                        let (a, b) = (&list[i], &list[j]);
                        !vetoed(&walls, &Facts { set: &set, g, a, b })
                    } {
                        Some((k, w, Reason::Model))
                    } else {
                        None
                    }
                })
                .collect();
            if let Some(band) = band {
                kept = review::keep(
                    &blocked.pairs,
                    &gammas,
                    &weights,
                    band.weights(&mdl, min_w),
                    |i, j| override_refs && refs[i] != u32::MAX && refs[i] == refs[j],
                    |i, j, g| {
                        let (a, b) = (&list[i], &list[j]);
                        vetoed(&walls, &Facts { set: &set, g, a, b })
                    },
                );
            }
            stats.timings.push(("score", t.elapsed().as_secs_f64()));
            model = Some(mdl);
        }
        Mode::Deterministic => {
            let t = Instant::now();
            stats.threshold = 1.0;
            picked = blocked
                .pairs
                .par_iter()
                .zip(&gammas)
                .enumerate()
                .filter_map(|(k, (p, g))| {
                    let (i, j) = unpack(*p);
                    let (a, b) = (&list[i], &list[j]);
                    if override_refs && same_reference(a, b) {
                        return Some((k, 0.0, Reason::Reference));
                    }
                    let facts = Facts { set: &set, g, a, b };
                    if vetoed(&rules.vetoes, &facts) {
                        return None;
                    }
                    rules
                        .expressions
                        .iter()
                        .position(|(_, e)| e.eval(&facts))
                        .map(|r| (k, 0.0, Reason::Rule(r + 1)))
                })
                .collect();
            stats.timings.push(("rules", t.elapsed().as_secs_f64()));
        }
    }

    let t = Instant::now();
    // A pair labelled match is decided by its label alone.
    if !labels.matches.is_empty() {
        picked.retain(|(k, _, _)| {
            let (a, b) = unpack(blocked.pairs[*k]);
            labels.matches.binary_search(&(a as u32, b as u32)).is_err()
        });
    }
    // Only labels and reference overrides are absolute; rule and model
    // matches are guarded. Labels go first.
    let edges: Vec<Edge> = picked
        .iter()
        .map(|(k, w, reason)| {
            let (a, b) = unpack(blocked.pairs[*k]);
            Edge {
                a: a as u32,
                b: b as u32,
                weight: *w,
                forced: *reason == Reason::Reference,
                label: false,
            }
        })
        .chain(
            labels
                .matches
                .iter()
                .zip(&label_weights)
                .map(|(&(a, b), &weight)| Edge {
                    a,
                    b,
                    weight,
                    forced: true,
                    label: true,
                }),
        )
        .collect();
    // Sort the edges themselves (not indices into them: fewer cache misses).
    let mut keyed: Vec<(Edge, u32)> = edges.iter().copied().zip(0u32..).collect();
    keyed.par_sort_unstable_by(|x, y| edge_order(&x.0, &y.0));
    let order: Vec<u32> = keyed.iter().map(|x| x.1).collect();
    let sorted: Vec<Edge> = keyed.into_iter().map(|x| x.0).collect();
    let min_weight = match rules.file.mode {
        Mode::Probabilistic => stats.threshold_weight,
        Mode::Deterministic => None,
    };
    let guard = guard_settings(rules, &stats.vetoes);
    let clusters = cluster_apart(&mentions.list, &sorted, &guard, min_weight, &labels.apart);
    let mut refused = vec![false; edges.len()];
    for (pos, &x) in order.iter().enumerate() {
        refused[x as usize] = clusters.refused[pos];
    }
    let mut held_apart = vec![false; edges.len()];
    let mut overruled = Vec::new();
    for &(pos, pair) in &clusters.held_apart {
        let x = order[pos] as usize;
        held_apart[x] = true;
        if x >= picked.len() {
            overruled.push((labels.matches[x - picked.len()], pair));
        }
    }
    overruled.sort_unstable();
    let label_decisions = labels
        .matches
        .iter()
        .zip(&label_gammas)
        .zip(&label_weights)
        .map(|((&(a, b), g), &w)| (a, b, w, *g, Reason::Label));
    let mut decisions: Vec<Decision> = picked
        .iter()
        .map(|(k, w, reason)| {
            let (a, b) = unpack(blocked.pairs[*k]);
            (a as u32, b as u32, *w, gammas[*k], *reason)
        })
        .chain(label_decisions)
        .enumerate()
        .map(|(x, (a, b, w, gamma, reason))| {
            let probability = match (&model, reason) {
                (Some(m), Reason::Model) => m.probability(w),
                (Some(m), Reason::Reference) => m.probability(w).max(1.0),
                _ => 1.0,
            };
            Decision {
                a,
                b,
                weight: w,
                probability,
                gamma,
                reason,
                refused: refused[x],
                held_apart: held_apart[x],
            }
        })
        .collect();
    if !labels.matches.is_empty() {
        decisions.sort_by_key(|d| (d.a, d.b));
    }
    stats.links = decisions.len();
    stats.refused = clusters.refusals;
    stats.refused_by_labels = clusters.held_apart.len();
    stats.persons = clusters.persons;
    stats.timings.push(("cluster", t.elapsed().as_secs_f64()));
    let prev = Prev {
        pairs: blocked.pairs,
        gammas,
        weights,
        u: u_cover,
        per_rule: blocked.per_rule,
        overruled,
        kept,
    };
    (clusters, decisions, set, model, prev)
}

/// The sum of the candidate pairs' match probabilities, in millionths so
/// that it does not depend on the thread count.
fn expected_matches(probs: &[f64]) -> f64 {
    probs
        .par_iter()
        .map(|p| (p * 1e6).round() as u64)
        .sum::<u64>() as f64
        / 1e6
}

/// Lowest and highest threshold [`best_expected_f1`] chooses.
///
/// The floor is 0.8, not 0.5: the model's probabilities are overconfident
/// where many different people look alike (synthetic London at a million
/// incidents: linking at 0.5 gives F1 0.901, at 0.8 0.915, at 0.9 0.919),
/// and an expected F1 computed from them would go too low.
const AUTO_THRESHOLD: (f64, f64) = (0.8, 0.99);

/// The match probability threshold that maximises the expected F1 of the
/// candidate pairs under the model's own probabilities: linking the pairs
/// of probability at least t, the expected true links are the sum of their
/// probabilities, the expected matches the sum over all candidates, so the
/// expected F1 is 2·Σ_{p ≥ t} p / (#{p ≥ t} + Σ p), `total` being Σ p
/// ([`expected_matches`]). Kept within 0.8–0.99.
///
/// Linking one more pair of probability p raises that expected F1 exactly
/// when p is above half of it, so the unconstrained optimum sits near
/// p ≈ F1/2 (≈ 0.45–0.5 on every data set measured) and, with the floor,
/// the chosen threshold is in practice the floor: the model's own
/// probabilities cannot argue for more caution. A calibrated model would.
fn best_expected_f1(probs: &[f64], total: f64) -> f64 {
    // Only pairs at or above the lowest threshold can be chosen; all count
    // in the expected number of matches (summed in millionths, so the sum
    // does not depend on the thread count).
    let mut p: Vec<f64> = probs
        .par_iter()
        .copied()
        .filter(|&p| p >= AUTO_THRESHOLD.0)
        .collect();
    p.par_sort_unstable_by(|a, b| b.total_cmp(a));
    let (mut best, mut best_f1, mut tp) = (AUTO_THRESHOLD.1, -1.0, 0.0);
    for (k, &pk) in p.iter().enumerate() {
        tp += pk;
        // A threshold links every pair tied with it: score it at the last
        // pair of each run of equal probabilities.
        if p.get(k + 1) == Some(&pk) {
            continue;
        }
        let f1 = 2.0 * tp / ((k + 1) as f64 + total);
        if f1 > best_f1 {
            best_f1 = f1;
            best = pk;
        }
    }
    best.clamp(AUTO_THRESHOLD.0, AUTO_THRESHOLD.1)
}

/// The identity fields whose agreement makes a pair a near-certain match
/// when a veto is learned.
const IDENTITY: &[&str] = &["first_name", "last_name", "dob", "postcode", "address"];

/// Match weight over all pairs (prior included) from which the other
/// identity fields alone make a pair a near-certain match: odds of 999 to 1.
const NEAR_CERTAIN_BITS: f64 = 9.965;

/// Fewest near-certain pairs a veto is learned from; with fewer it stays a wall.
const MIN_EVIDENCE: u64 = 20;

/// Learns each veto from the data. For a veto about a level (its
/// [`expr::Expr::primary_level`], e.g. `first_name` = `else`), the evidence
/// is the candidate pairs that agree at the top level on every other
/// identity field they both hold (at least three of them, the date of birth
/// among them — both names for the date-of-birth veto — so that a
/// household sharing a surname and an address is no evidence) and hold the
/// veto's field: near-certain matches. The share of them whose field shows
/// the veto's level is how often this data's matches contradict there: a
/// typo-ridden file (FEBRL) shows it often, a world where those pairs are
/// twins or a father and son shows it seldom. The veto stays a wall while
/// the share is at most [`rules::RulesFile::veto_max_share`] or there are
/// fewer than twenty such pairs; a veto about no level (e.g.
/// `missing(first_name)`) is always a wall.
fn learn_vetoes(
    rules: &Rules,
    set: &ComparisonSet,
    gammas: &[Gamma],
    mdl: &Model,
) -> Vec<VetoStat> {
    let identity: Vec<usize> = IDENTITY.iter().filter_map(|f| set.position(f)).collect();
    let lw = mdl.level_weights();
    let prior = (mdl.lambda_all / (1.0 - mdl.lambda_all)).log2();
    let pos = |f: &str| set.position(f);
    rules
        .vetoes
        .iter()
        .map(|(text, e)| {
            let target = e.primary_level().and_then(|(field, value)| {
                let k = set.position(field)?;
                let l = set.list[k].levels().iter().position(|x| *x == value)?;
                Some((k, l as u8))
            });
            // (held, evidence) among pairs near-certain by agreement, then
            // among pairs near-certain by agreement or by weight.
            let (mut strict, mut loose) = ((0u64, 0u64), (0u64, 0u64));
            if let Some((k, l)) = target {
                let anchors: Vec<usize> = if Some(k) == pos("dob") {
                    [pos("first_name"), pos("last_name")]
                        .into_iter()
                        .flatten()
                        .collect()
                } else {
                    pos("dob").into_iter().collect()
                };
                (strict, loose) = gammas
                    .par_iter()
                    .map(|g| {
                        let none = ((0, 0), (0, 0));
                        // Identity, not a household: the date of birth
                        // agrees (for the dob veto, both names do).
                        if g[k] == NULL || !anchors.iter().all(|&a| a == k || g[a] == 0) {
                            return none;
                        }
                        let others = identity.iter().filter(|&&o| o != k && g[o] != NULL);
                        let (n, top, w) = others.fold((0, true, prior), |(n, top, w), &o| {
                            (n + 1, top && g[o] == 0, w + lw[o][usize::from(g[o])])
                        });
                        let hit = (u64::from(g[k] == l), 1);
                        if n >= 3 && top {
                            (hit, hit)
                        } else if w >= NEAR_CERTAIN_BITS {
                            ((0, 0), hit)
                        } else {
                            none
                        }
                    })
                    .reduce(
                        || ((0, 0), (0, 0)),
                        |a, b| {
                            (
                                (a.0 .0 + b.0 .0, a.0 .1 + b.0 .1),
                                (a.1 .0 + b.1 .0, a.1 .1 + b.1 .1),
                            )
                        },
                    );
            }
            // Agreement on three identity fields is the better witness; the
            // model's weight stands in where the data hold too few fields.
            let by_weight = strict.1 < MIN_EVIDENCE;
            let (held, evidence) = if by_weight { loose } else { strict };
            let share = (evidence > 0).then(|| held as f64 / evidence as f64);
            VetoStat {
                text: text.clone(),
                share,
                evidence,
                by_weight,
                active: match (rules.file.veto_max_share, share) {
                    (Some(max), Some(s)) if evidence >= MIN_EVIDENCE => s <= max,
                    _ => true,
                },
            }
        })
        .collect()
}

/// Whether the data dropped a veto about the date of birth (see
/// [`learn_vetoes`]): then conflicting dates are typos, not two people, for
/// the chaining guard and for attachment too.
fn dob_veto_dropped(rules: &Rules, learned: &[VetoStat]) -> bool {
    rules
        .vetoes
        .iter()
        .zip(learned)
        .any(|((_, e), v)| !v.active && e.primary_level().map(|l| l.0) == Some("dob"))
}

/// The chaining guard's settings for this data: a relaxed date-of-birth
/// veto relaxes the guard's date-of-birth check (in such data, conflicting
/// dates are typos, not two people).
pub fn guard_settings(rules: &Rules, learned: &[VetoStat]) -> rules::ClusterSettings {
    let mut guard = rules.file.cluster;
    if dob_veto_dropped(rules, learned) {
        guard.refuse_conflicting_dob = false;
    }
    guard
}

/// Attaches partial persons (see [`attach`]) and records each attachment
/// as a decision; returns how many were attached and how many were refused
/// because `not a match` labels (`apart`, pairs of mentions) hold persons
/// apart. `learned` are the vetoes as the first pass learned them. With
/// `close`, the attachments won by a close margin are added to it
/// ([`review::close_attachment`]).
#[allow(clippy::too_many_arguments)]
fn attach_partial(
    mentions: &Mentions,
    rules: &Rules,
    set: &ComparisonSet,
    model: &Model,
    last: &Prev,
    clusters: &mut Clusters,
    decisions: &mut Vec<Decision>,
    learned: &[VetoStat],
    apart: &[(u32, u32)],
    close: Option<&mut Vec<Candidate>>,
) -> (usize, usize) {
    let list = &mentions.list;
    // An attachment veto that the data dropped as a pair veto is dropped
    // here too: the contradiction it names is a typo in this data.
    let walls: Vec<(String, expr::Expr)> = rules
        .attach_vetoes
        .iter()
        .filter(|(text, _)| !learned.iter().any(|v| !v.active && v.text == *text))
        .cloned()
        .collect();
    let vetoed = |k: usize| {
        let (i, j) = unpack(last.pairs[k]);
        let facts = Facts {
            set,
            g: &last.gammas[k],
            a: &list[i],
            b: &list[j],
        };
        vetoed(&walls, &facts)
    };
    // The labelled pairs as pairs of persons.
    let mut apart: Vec<(u32, u32)> = apart
        .iter()
        .map(|&(a, b)| {
            let (p, q) = (
                clusters.person_of[a as usize],
                clusters.person_of[b as usize],
            );
            (p.min(q), p.max(q))
        })
        .collect();
    apart.sort_unstable();
    apart.dedup();
    let params = attach::Params {
        min_weight: rules.file.attach.min_weight,
        margin: rules.file.attach.margin,
        singletons: rules.file.attach.singletons,
        dobs_conflict: !dob_veto_dropped(rules, learned),
        vetoed: &vetoed,
        apart: &apart,
    };
    let found = attach::find(list, clusters, &last.pairs, &last.weights, &params);
    let (found, refused) = attach::keep_apart(found, clusters.persons, &apart);
    if let Some(close) = close {
        close.extend(found.iter().filter_map(|a| {
            let (i, j) = unpack(last.pairs[a.pair]);
            review::close_attachment(a, i, j, last.gammas[a.pair], params.margin)
        }));
    }
    for a in &found {
        let (i, j) = unpack(last.pairs[a.pair]);
        decisions.push(Decision {
            a: i as u32,
            b: j as u32,
            weight: a.weight,
            probability: model.probability(a.weight),
            gamma: last.gammas[a.pair],
            reason: Reason::Attach,
            refused: false,
            held_apart: false,
        });
    }
    decisions.sort_by_key(|d| (d.a, d.b));
    attach::apply(clusters, &found);
    (found.len(), refused)
}

/// u and coverage from random pairs. A second pass draws the same random
/// pairs as the first, whose values have not changed but for the
/// counterpart: only that comparison is counted again.
fn estimate_u(
    set: &ComparisonSet,
    mentions: &Mentions,
    hot: &hot::HotSet,
    rules: &Rules,
    prev: Option<&Prev>,
) -> (Vec<Vec<f64>>, Vec<f64>, u64) {
    let t = &rules.file.training;
    let reuse = prev.filter(|p| {
        p.u.0.len() + 1 == set.list.len() && set.position("counterpart") == Some(p.u.0.len())
    });
    match reuse {
        Some(p) => {
            let cp = ComparisonSet::of(vec![Box::new(compare::CounterpartCmp)]);
            let (u, cover, n) = score::estimate_u_cover(&cp, &mentions.list, Some(hot), t);
            let mut all = p.u.clone();
            all.0.extend(u);
            all.1.extend(cover);
            (all.0, all.1, n)
        }
        None => score::estimate_u_cover(set, &mentions.list, Some(hot), t),
    }
}

fn pass2_name(n: &'static str) -> &'static str {
    match n {
        "block" => "block2",
        "compare" => "compare2",
        "estimate_u" => "estimate_u2",
        "em" => "em2",
        "score" => "score2",
        "rules" => "rules2",
        "cluster" => "cluster2",
        other => other,
    }
}

#[cfg(test)]
mod tests;
