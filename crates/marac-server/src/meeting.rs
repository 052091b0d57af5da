//! A meeting being held in the console: what the chair has recorded so far
//! (kept in the register's draft as JSON), and the pack it turns into.

use std::collections::BTreeMap;

use marac_agenda::Pack;
use marac_register::MeetingInfo;
use serde::{Deserialize, Serialize};

/// The decisions of an open meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DraftState {
    /// Agencies that attended.
    #[serde(default)]
    pub attended: Vec<String>,
    /// Agencies that sent apologies.
    #[serde(default)]
    pub apologies: Vec<String>,
    /// Every attendee signed the confidentiality statement.
    #[serde(default)]
    pub confidentiality_signed: bool,
    /// case reference → the meeting's decision on it.
    #[serde(default)]
    pub cases: BTreeMap<String, CaseDecision>,
}

/// The meeting's decision on one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CaseDecision {
    /// Heard (`true`), deferred (`false`), not decided yet (`None`).
    #[serde(default)]
    pub heard: Option<bool>,
    /// The chair's note.
    #[serde(default)]
    pub note: String,
    /// Actions agreed.
    #[serde(default)]
    pub actions: Vec<AgreedAction>,
}

/// An action agreed at the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AgreedAction {
    /// Owner agency.
    pub owner: String,
    /// What is to be done.
    pub text: String,
    /// Due date (`YYYY-MM-DD`).
    pub due: String,
}

impl DraftState {
    /// Reads a draft's state; a damaged one starts afresh rather than failing
    /// the page (the register's copy is left as it is until the next save).
    pub fn parse(json: &str) -> DraftState {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// The state as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// What the register records beyond the pack.
    pub fn info(&self, chair: Option<&str>) -> MeetingInfo {
        MeetingInfo {
            chair: chair.map(str::to_string),
            attended: self.attended.clone(),
            apologies: self.apologies.clone(),
            confidentiality_signed: self.confidentiality_signed,
        }
    }

    /// Cases of the pack with no decision yet.
    pub fn undecided<'a>(&self, pack: &'a Pack) -> Vec<&'a str> {
        pack.cases
            .iter()
            .filter(|c| {
                self.cases
                    .get(&c.case_ref)
                    .is_none_or(|d| d.heard.is_none())
            })
            .map(|c| c.case_ref.as_str())
            .collect()
    }

    /// The pack with the decisions filled in, in the `decisions` form that
    /// `marac register record` reads (docs/PACK.md): a case with a decision
    /// gets one entry `{heard, note, actions}`; a case without one is left
    /// empty, which the register records as heard with no actions (or, in
    /// section `no_new_incident`, as listed for review only).
    pub fn apply(&self, pack: &Pack) -> Pack {
        let mut out = pack.clone();
        for c in &mut out.cases {
            let Some(d) = self.cases.get(&c.case_ref) else {
                continue;
            };
            if d.heard.is_none() && d.actions.is_empty() && d.note.trim().is_empty() {
                continue;
            }
            let mut entry = serde_json::Map::new();
            entry.insert(
                "heard".into(),
                serde_json::Value::Bool(d.heard.unwrap_or(true)),
            );
            if !d.note.trim().is_empty() {
                entry.insert("note".into(), serde_json::Value::String(d.note.clone()));
            }
            let actions: Vec<serde_json::Value> = d
                .actions
                .iter()
                .map(|a| serde_json::json!({"owner": a.owner, "text": a.text, "due": a.due}))
                .collect();
            entry.insert("actions".into(), serde_json::Value::Array(actions));
            c.decisions = vec![serde_json::Value::Object(entry)];
        }
        out
    }
}

/// Splits a list typed as lines or commas into trimmed, distinct items.
pub(crate) fn split_agencies(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in s.split(['\n', ',']) {
        let t = item.trim();
        if !t.is_empty() && !out.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    out
}
