//! Building a pack from the scan, the linked mentions and the register's view.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use marac_model::{Incident, PersonMention, Role};
use marac_risk::{Flag, Level, PersonRisk, Scan};

use crate::pack::*;

/// Days to the review date by level (SafeLives: high 14, medium 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDays {
    /// Days after the meeting for high-risk cases.
    pub high: i64,
    /// Days after the meeting for other cases.
    pub other: i64,
}

impl Default for ReviewDays {
    fn default() -> Self {
        ReviewDays {
            high: 14,
            other: 28,
        }
    }
}

/// Everything a pack is built from. Plain data: the caller reads files and
/// the register; this crate does no I/O.
pub struct PackInput<'a> {
    /// Meeting date.
    pub meeting_date: NaiveDate,
    /// BCU name.
    pub bcu: &'a str,
    /// BCU code.
    pub bcu_code: Option<&'a str>,
    /// Boroughs of the BCU.
    pub boroughs: Vec<String>,
    /// Every incident read.
    pub incidents: &'a [Incident],
    /// The index of incidents and person mentions.
    pub index: &'a PackIndex<'a>,
    /// The risk scan (all BCUs).
    pub scan: &'a Scan,
    /// person_id -> case reference (for every scanned person).
    pub case_refs: &'a BTreeMap<String, String>,
    /// case reference -> last hearing, from the register.
    pub hearings: &'a BTreeMap<String, PreviousHearing>,
    /// person_id -> agenda section, for every person to be listed: the
    /// caller's one decision (marac-pipeline's `Decisions::sections`). A
    /// scanned person without a section is not listed.
    pub sections: &'a BTreeMap<String, Section>,
    /// Open actions of the BCU, from the register.
    pub actions: Vec<ActionToReview>,
    /// Hot spots of the BCU.
    pub hotspots: Vec<Hotspot>,
    /// Repeat locations of the BCU.
    pub repeat_locations: Vec<RepeatLocation>,
    /// Review periods.
    pub review: ReviewDays,
    /// Notes to print with the pack.
    pub notes: Vec<String>,
}

/// Initials of a name: `Ann Lee` -> `A.L.`; unknown -> `?`.
pub fn initials(first: Option<&str>, last: Option<&str>) -> String {
    let i = |s: Option<&str>| {
        s.and_then(|s| s.trim().chars().find(|c| c.is_alphabetic()))
            .map(|c| c.to_uppercase().collect::<String>() + ".")
    };
    match (i(first), i(last)) {
        (None, None) => "?".into(),
        (a, b) => format!("{}{}", a.unwrap_or_default(), b.unwrap_or_default()),
    }
}

/// Who is victim and suspect in which incident, built once per run and
/// shared by the packs of every BCU.
pub struct PackIndex<'a> {
    by_id: HashMap<&'a str, &'a Incident>,
    /// person -> incidents where victim
    victim_in: HashMap<&'a str, Vec<&'a str>>,
    /// incident -> suspects
    suspects_of: HashMap<&'a str, Vec<&'a str>>,
    /// person -> incidents where suspect
    suspect_in: HashMap<&'a str, Vec<&'a str>>,
    /// incident -> victims
    victims_of: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> PackIndex<'a> {
    /// Indexes incidents and person mentions.
    pub fn new(incidents: &'a [Incident], mentions: &'a [PersonMention]) -> Self {
        let mut l = PackIndex {
            by_id: incidents.iter().map(|i| (i.id.as_str(), i)).collect(),
            victim_in: HashMap::new(),
            suspects_of: HashMap::new(),
            suspect_in: HashMap::new(),
            victims_of: HashMap::new(),
        };
        for m in mentions {
            let (iid, pid) = (m.incident_id.as_str(), m.person_id.as_str());
            match m.role {
                Role::Victim => {
                    l.victim_in.entry(pid).or_default().push(iid);
                    l.victims_of.entry(iid).or_default().push(pid);
                }
                Role::Suspect => {
                    l.suspect_in.entry(pid).or_default().push(iid);
                    l.suspects_of.entry(iid).or_default().push(pid);
                }
            }
        }
        l
    }
}

/// Builds the pack of one BCU.
pub fn build_pack(input: &PackInput<'_>) -> Pack {
    let l = input.index;
    let as_of = input.scan.as_of;
    let in_bcu: Vec<&PersonRisk> = input
        .scan
        .persons
        .iter()
        .filter(|p| p.bcu == input.bcu)
        .collect();

    let listed = |p: &&PersonRisk| input.sections.get(&p.person_id).copied();
    let case_of = |p: &PersonRisk, section: Section| {
        let case_ref = input
            .case_refs
            .get(&p.person_id)
            .cloned()
            .unwrap_or_else(|| p.person_id.clone());
        let hearing = input.hearings.get(&case_ref).cloned();
        build_case(input, l, p, case_ref, hearing, section)
    };
    let mut cases: Vec<Case> = in_bcu
        .iter()
        .filter_map(|p| listed(p).map(|s| case_of(p, s)))
        .collect();
    let mut unplaced: Vec<Case> = input
        .scan
        .persons
        .iter()
        .filter(|p| p.bcu == marac_model::UNASSIGNED)
        .filter_map(|p| listed(&p).map(|s| case_of(p, s)))
        .collect();
    unplaced.sort_by(|a, b| {
        a.section
            .cmp(&b.section)
            .then(b.score.cmp(&a.score))
            .then_with(|| a.case_ref.cmp(&b.case_ref))
    });
    cases.sort_by(|a, b| {
        a.section
            .cmp(&b.section)
            .then(b.score.cmp(&a.score))
            .then_with(|| a.case_ref.cmp(&b.case_ref))
    });

    let window_start = as_of - Duration::days(365);
    let mut figures = Figures::default();
    for i in input.incidents.iter().filter(|i| {
        &*i.bcu == input.bcu && i.reported.date <= as_of && i.reported.date >= window_start
    }) {
        figures.incidents += 1;
        *figures
            .by_kind
            .entry(i.kind.as_str().to_string())
            .or_default() += 1;
        *figures.by_source.entry(i.source.to_string()).or_default() += 1;
    }
    figures.victims = in_bcu.len() as u64;
    figures.eligible = in_bcu.iter().filter(|p| p.marac_eligible).count() as u64;
    figures.new_referrals = cases
        .iter()
        .filter(|c| c.section == Section::NewReferral)
        .count() as u64;
    figures.repeat_cases = cases
        .iter()
        .filter(|c| c.section == Section::RepeatCase)
        .count() as u64;
    figures.no_new_incident = cases
        .iter()
        .filter(|c| c.section == Section::NoNewIncident)
        .count() as u64;
    figures.unplaced = unplaced.len() as u64;

    let with_flag = |f: &str| -> Vec<String> {
        cases
            .iter()
            .chain(&unplaced)
            .filter(|c| c.flags.iter().any(|x| x == f))
            .map(|c| c.case_ref.clone())
            .collect()
    };
    Pack {
        schema: SCHEMA.into(),
        marking: MARKING.into(),
        redacted: false,
        meeting: Meeting {
            date: input.meeting_date,
            bcu: input.bcu.to_string(),
            bcu_code: input.bcu_code.map(str::to_string),
            boroughs: input.boroughs.clone(),
            as_of,
            chair: None,
        },
        possible_hate_incidents: with_flag(Flag::PossibleHateIncident.as_str()),
        no_safeguarding_referral: with_flag(Flag::NoSafeguardingReferral.as_str()),
        figures,
        cases,
        unplaced,
        actions_to_review: input.actions.clone(),
        hotspots: input.hotspots.clone(),
        repeat_locations: input.repeat_locations.clone(),
        notes: input.notes.clone(),
    }
}

fn build_case(
    input: &PackInput<'_>,
    l: &PackIndex<'_>,
    p: &PersonRisk,
    case_ref: String,
    hearing: Option<PreviousHearing>,
    section: Section,
) -> Case {
    let as_of = input.scan.as_of;
    let incidents: Vec<&Incident> = p
        .incidents
        .iter()
        .filter_map(|id| l.by_id.get(id.as_str()).copied())
        .collect();
    // The record that first brought the case into the scan window.
    let window_start = as_of - Duration::days(365);
    let referral = incidents
        .iter()
        .find(|i| i.reported.date >= window_start)
        .or(incidents.first())
        .copied();
    // The subject as best recorded: the most recent victim details with a name.
    let details = incidents.iter().rev().filter_map(|i| i.victim.as_deref());
    let mut subject = Subject::default();
    for d in details {
        if subject.name.is_none() && (d.first_name.is_some() || d.last_name.is_some()) {
            let name = [d.first_name.as_deref(), d.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            subject.name = Some(name);
            subject.initials = initials(d.first_name.as_deref(), d.last_name.as_deref());
        }
        subject.dob = subject.dob.or(d.dob);
        if subject.address.is_none() {
            subject.address = d.address.clone();
        }
        if subject.postcode.is_none() {
            subject.postcode = d.postcode.as_ref().map(|p| p.as_str().to_string());
        }
        if subject.phone.is_none() {
            subject.phone = d.phone.clone();
        }
    }
    if subject.initials.is_empty() {
        subject.initials = "?".into();
    }
    let chronology = incidents
        .iter()
        .map(|i| ChronologyEntry {
            date: i.reported.to_canonical().chars().take(10).collect(),
            incident_id: i.id.clone(),
            kind: i.kind.as_str().into(),
            source: i.source.to_string(),
            category: i.category.clone(),
            harm: i.harm,
            hate_strands: i
                .hate_strands
                .iter()
                .map(|h| h.as_str().to_string())
                .collect(),
            summary: i.summary.clone(),
        })
        .collect();
    let agencies: BTreeSet<String> = incidents.iter().map(|i| i.source.to_string()).collect();
    let children_present = incidents.iter().rev().find_map(|i| i.children_present);

    // Suspects and their other victims.
    let mut suspects: BTreeMap<&str, SuspectView> = BTreeMap::new();
    for i in &incidents {
        for s in l.suspects_of.get(i.id.as_str()).into_iter().flatten() {
            if *s == p.person_id {
                continue;
            }
            suspects.entry(s).or_insert_with(|| {
                let d = l
                    .suspect_in
                    .get(s)
                    .into_iter()
                    .flatten()
                    .filter_map(|iid| l.by_id.get(iid).and_then(|x| x.suspect.as_deref()))
                    .find(|d| d.first_name.is_some() || d.last_name.is_some());
                let mut others: BTreeSet<String> = BTreeSet::new();
                for iid in l.suspect_in.get(s).into_iter().flatten() {
                    for v in l.victims_of.get(iid).into_iter().flatten() {
                        if *v != p.person_id {
                            others.insert(
                                input
                                    .case_refs
                                    .get(*v)
                                    .cloned()
                                    .unwrap_or_else(|| v.to_string()),
                            );
                        }
                    }
                }
                SuspectView {
                    person_id: s.to_string(),
                    initials: d
                        .map(|d| initials(d.first_name.as_deref(), d.last_name.as_deref()))
                        .unwrap_or_else(|| "?".into()),
                    other_victims: others.into_iter().collect(),
                }
            });
        }
    }

    let review_date = input.meeting_date
        + Duration::days(if p.level == Level::High {
            input.review.high
        } else {
            input.review.other
        });
    let police = agencies
        .iter()
        .find(|a| a.ends_with("police"))
        .cloned()
        .unwrap_or_else(|| "police".into());
    let mut actions = Vec::new();
    let mut act = |owner: &str, text: &str| {
        actions.push(SuggestedAction {
            text: text.to_string(),
            owner: owner.to_string(),
            due: review_date,
        })
    };
    if p.flags.contains(&Flag::NoSafeguardingReferral) {
        act(
            "adult-social-care",
            "Consider a safeguarding adult referral and a Care Act 2014 s42 enquiry; report the decision to the review meeting.",
        );
    }
    if p.flags.contains(&Flag::AsbCaseReview) {
        act(
            "council-asb",
            "Convene an ASB Case Review (ASB, Crime and Policing Act 2014 s104) and tell the victim the outcome in writing.",
        );
    }
    if p.flags.contains(&Flag::PossibleHateIncident) {
        act(
            &police,
            "Review the ASB and dispute records listed as possible disability hate incidents; record them as hate incidents or crimes where perceived, and tell the victim.",
        );
    }
    if p.reasons
        .iter()
        .any(|r| r.factor == "hate_incident" || r.factor == "disability_hate_strand")
    {
        act(&police, "Hate crime investigation review: check each hate record was investigated and the victim offered support.");
    }
    if p.vulnerabilities.has_disability() {
        act(
            "ddpo",
            "Offer a referral to the local Deaf and Disabled People's Organisation for independent advocacy and support.",
        );
    }
    if p.flags.contains(&Flag::SerialPerpetratorVictim) {
        act(
            &police,
            "With housing, consider joint action on the suspect who has several victims (injunction, criminal behaviour order, tenancy enforcement).",
        );
    }

    Case {
        case_ref,
        person_id: p.person_id.clone(),
        section,
        score: p.score,
        level: p.level.as_str().into(),
        flags: p.flags.iter().map(|f| f.as_str().to_string()).collect(),
        eligible_by: p.eligible_by.iter().map(|s| s.to_string()).collect(),
        reasons: p
            .reasons
            .iter()
            .map(|r| ReasonView {
                factor: r.factor.clone(),
                points: r.points,
                incidents: r.incidents.clone(),
            })
            .collect(),
        referring_agency: referral.map(|i| i.source.to_string()).unwrap_or_default(),
        referral_date: referral.map(|i| i.reported.date).unwrap_or(as_of),
        previous_hearing: hearing,
        vulnerabilities: p
            .vulnerabilities
            .iter()
            .map(|v| v.as_str().to_string())
            .collect(),
        children_present,
        agencies: agencies.into_iter().collect(),
        review_date,
        subject,
        chronology,
        suspects: suspects.into_values().collect(),
        suggested_actions: actions,
        decisions: Vec::new(),
    }
}

/// Removes identifying detail: names, dates of birth, addresses, phones,
/// postcodes below district level, summaries, repeat-location descriptions,
/// and the street names that describe hot spots and repeat locations (a
/// street name can come from a victim's home address: they are described
/// by their borough only).
/// Keeps case references, initials, risk, flags, kinds, dates and agencies.
pub fn redact(mut pack: Pack) -> Pack {
    pack.redacted = true;
    for c in pack.cases.iter_mut().chain(pack.unplaced.iter_mut()) {
        // The person id is a run-local number, but it links rows of other
        // outputs (persons.csv) back to names: not in a redacted pack.
        c.person_id = String::new();
        let district = c
            .subject
            .postcode
            .as_deref()
            .map(marac_model::Postcode::parse)
            .and_then(|p| p.district().map(str::to_string));
        c.subject = Subject {
            initials: c.subject.initials.clone(),
            postcode: district,
            ..Subject::default()
        };
        for e in &mut c.chronology {
            e.summary = None;
        }
        for s in &mut c.suspects {
            s.person_id = String::new();
        }
        c.decisions.clear();
    }
    for h in &mut pack.hotspots {
        h.location_names.clear();
    }
    for r in &mut pack.repeat_locations {
        r.place = String::from("(redacted)");
        r.location_names.clear();
        r.x = (r.x / 100.0).round() * 100.0;
        r.y = (r.y / 100.0).round() * 100.0;
    }
    pack
}
