//! The pack model: what a MARAC chair takes into the room. Serialised as the
//! versioned JSON schema `marac-pack/1` (docs/PACK.md); the renderers read it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The schema name and version written in every pack.
pub const SCHEMA: &str = "marac-pack/1";
/// The protective marking on every page.
pub const MARKING: &str = "OFFICIAL-SENSITIVE";

/// A whole meeting pack for one BCU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Always [`MARKING`].
    pub marking: String,
    /// Whether identifying details were removed.
    pub redacted: bool,
    /// The meeting.
    pub meeting: Meeting,
    /// Figures for the period.
    pub figures: Figures,
    /// Cases on the agenda, by section then risk.
    pub cases: Vec<Case>,
    /// Eligible cases none of whose incidents is placed in a BCU: every
    /// BCU's pack lists them (for the meeting to claim), none hears them.
    #[serde(default)]
    pub unplaced: Vec<Case>,
    /// Open actions from earlier meetings due for review.
    pub actions_to_review: Vec<ActionToReview>,
    /// Case references with a possible unrecognised hate incident.
    pub possible_hate_incidents: Vec<String>,
    /// Case references of vulnerable adults with no safeguarding referral.
    pub no_safeguarding_referral: Vec<String>,
    /// Hot spots in the BCU.
    pub hotspots: Vec<Hotspot>,
    /// Places with repeated incidents.
    pub repeat_locations: Vec<RepeatLocation>,
    /// Notes on data quality and method (the boundaries' attribution, snap points).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Meeting date.
    pub date: NaiveDate,
    /// BCU name.
    pub bcu: String,
    /// BCU code.
    pub bcu_code: Option<String>,
    /// Boroughs covered.
    pub boroughs: Vec<String>,
    /// The data are complete up to this date.
    pub as_of: NaiveDate,
    /// The chair, when known.
    pub chair: Option<String>,
}

/// Figures for the period (the 365 days up to `as_of`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Incidents in the BCU in the period.
    pub incidents: u64,
    /// By kind.
    pub by_kind: BTreeMap<String, u64>,
    /// By source agency.
    pub by_source: BTreeMap<String, u64>,
    /// Victims scanned in the BCU.
    pub victims: u64,
    /// MARAC-eligible victims in the BCU.
    pub eligible: u64,
    /// Cases in the new referrals section.
    pub new_referrals: u64,
    /// Cases in the repeat section.
    pub repeat_cases: u64,
    /// Cases heard in the last 12 months with no new incident since.
    #[serde(default)]
    pub no_new_incident: u64,
    /// Eligible cases placed in no BCU (the same list in every pack).
    #[serde(default)]
    pub unplaced: u64,
}

/// Where a case sits on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Eligible and not heard in the last 12 months.
    NewReferral,
    /// Heard in the last 12 months with a new incident since: a repeat MARAC.
    RepeatCase,
    /// Still eligible, heard in the last 12 months and no new incident
    /// since: listed so that its actions are reviewed, not heard again
    /// (`marac register record` records no hearing for it unless the
    /// chair's decisions say it was heard).
    NoNewIncident,
}

impl Section {
    /// Every section, in agenda order.
    pub const ALL: [Section; 3] = [
        Section::NewReferral,
        Section::RepeatCase,
        Section::NoNewIncident,
    ];

    /// The section's JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::NewReferral => "new_referral",
            Section::RepeatCase => "repeat_case",
            Section::NoNewIncident => "no_new_incident",
        }
    }

    /// The heading of the section.
    pub fn heading(self) -> &'static str {
        match self {
            Section::NewReferral => "New referrals",
            Section::RepeatCase => "Repeat cases",
            Section::NoNewIncident => "Heard in the last 12 months, no new incident (review only)",
        }
    }
}

/// The heading of the unplaced list, shown in every BCU's pack.
pub const UNPLACED_HEADING: &str = "Eligible, not placed in any BCU (for the meeting to claim)";

impl Pack {
    /// The case lists in agenda order, each with its heading: the sections
    /// of [`Pack::cases`], then [`Pack::unplaced`]. New referrals and repeat
    /// cases are always listed (an empty one says so); the review-only
    /// section and the unplaced list only when they hold a case.
    pub fn case_groups(&self) -> Vec<(&'static str, Vec<&Case>)> {
        let mut groups: Vec<(&'static str, Vec<&Case>)> = Section::ALL
            .iter()
            .map(|&s| {
                (
                    s.heading(),
                    self.cases.iter().filter(|c| c.section == s).collect(),
                )
            })
            .collect();
        groups.push((UNPLACED_HEADING, self.unplaced.iter().collect()));
        groups.retain(|(heading, cases)| {
            !cases.is_empty()
                || *heading == Section::NewReferral.heading()
                || *heading == Section::RepeatCase.heading()
        });
        groups
    }
}

/// A previous hearing of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousHearing {
    /// When it was heard.
    pub date: NaiveDate,
    /// The meeting's reference.
    pub meeting_ref: String,
}

/// One factor's points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonView {
    /// Factor name.
    pub factor: String,
    /// Points.
    pub points: u32,
    /// Incident ids.
    pub incidents: Vec<String>,
}

/// Who the case is about. Redacted packs keep the initials only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Full name as best recorded.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// Initials, e.g. `A.L.`.
    pub initials: String,
    /// Date of birth.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dob: Option<NaiveDate>,
    /// Home address.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
    /// Home postcode (district only in redacted packs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub postcode: Option<String>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phone: Option<String>,
}

/// One entry of a case's chronology across agencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChronologyEntry {
    /// Report date (`YYYY-MM-DD`, or `YYYY-MM` for month precision).
    pub date: String,
    /// Incident id.
    pub incident_id: String,
    /// Kind.
    pub kind: String,
    /// Recording agency.
    pub source: String,
    /// Category.
    pub category: Option<String>,
    /// Harm 1–5.
    pub harm: Option<u8>,
    /// Perceived hate strands.
    pub hate_strands: Vec<String>,
    /// Free-text summary (removed when redacted).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<String>,
}

/// A suspect linked to the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspectView {
    /// Linked person id.
    pub person_id: String,
    /// Initials.
    pub initials: String,
    /// Case references of the suspect's other victims.
    pub other_victims: Vec<String>,
}

/// A suggested SMART action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedAction {
    /// What to do, specifically.
    pub text: String,
    /// Owner agency.
    pub owner: String,
    /// Due date.
    pub due: NaiveDate,
}

/// One case on the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Stable pseudonymous case reference.
    pub case_ref: String,
    /// This run's person id (not stable across runs).
    pub person_id: String,
    /// Agenda section.
    pub section: Section,
    /// Risk score.
    pub score: u32,
    /// Risk level.
    pub level: String,
    /// Flags.
    pub flags: Vec<String>,
    /// Eligibility routes.
    pub eligible_by: Vec<String>,
    /// Every point.
    pub reasons: Vec<ReasonView>,
    /// The agency whose record first brought the case into the window.
    pub referring_agency: String,
    /// Its date.
    pub referral_date: NaiveDate,
    /// The last hearing, if heard before.
    pub previous_hearing: Option<PreviousHearing>,
    /// Vulnerabilities recorded by any agency.
    pub vulnerabilities: Vec<String>,
    /// Children or dependants in the household, when any agency recorded it.
    pub children_present: Option<bool>,
    /// Agencies holding records.
    pub agencies: Vec<String>,
    /// Review date (high 14 days, medium 28 by default).
    pub review_date: NaiveDate,
    /// Who the case is about.
    pub subject: Subject,
    /// Chronology across agencies, oldest first.
    pub chronology: Vec<ChronologyEntry>,
    /// Suspects and their other victims.
    pub suspects: Vec<SuspectView>,
    /// Suggested actions.
    pub suggested_actions: Vec<SuggestedAction>,
    /// The meeting's decisions (empty in a new pack; the chair fills it in).
    #[serde(default)]
    pub decisions: Vec<serde_json::Value>,
}

/// An action from an earlier meeting, due for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionToReview {
    /// Register id.
    pub action_id: i64,
    /// Case reference.
    pub case_ref: String,
    /// Owner agency.
    pub owner: String,
    /// What was agreed.
    pub text: String,
    /// Due date.
    pub due: NaiveDate,
    /// `open`, `done`, `incomplete`.
    pub status: String,
    /// For incomplete actions: `circumstances_changed` or `agency_did_not_act`.
    pub reason: Option<String>,
}

/// A hot spot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotspot {
    /// The method that found it.
    pub method: String,
    /// Class or label (e.g. `hot_99`).
    pub class: String,
    /// Cell centre or cluster centre, BNG easting.
    pub x: f64,
    /// BNG northing.
    pub y: f64,
    /// Incidents in it.
    pub count: u64,
    /// Cell size or cluster radius in metres, for drawing.
    pub size_m: f64,
    /// The borough it is in (where most of its incidents are placed).
    #[serde(default)]
    pub borough: Option<String>,
    /// The most frequent street names of its incidents' locations, most
    /// frequent first (none in redacted packs).
    #[serde(default)]
    pub location_names: Vec<String>,
}

/// A place with repeated incidents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatLocation {
    /// Description of the place (removed in redacted packs).
    pub place: String,
    /// BNG easting (rounded to 100 m in redacted packs).
    pub x: f64,
    /// BNG northing.
    pub y: f64,
    /// Incidents there.
    pub count: u64,
    /// By kind.
    pub kinds: BTreeMap<String, u64>,
    /// First report.
    pub first: NaiveDate,
    /// Last report.
    pub last: NaiveDate,
    /// A data.police.uk snap point, not an address.
    pub snap_point: bool,
    /// The borough it is in (where most of its incidents are placed).
    #[serde(default)]
    pub borough: Option<String>,
    /// The most frequent street names of its incidents' locations, most
    /// frequent first (none in redacted packs).
    #[serde(default)]
    pub location_names: Vec<String>,
}
