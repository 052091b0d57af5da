//! One module per subcommand.
pub mod agenda;
pub mod demo;
pub mod hotspots;
pub mod link;
pub mod profiles;
pub mod register;
pub mod scan;
pub mod synth;
pub mod validate;

use marac_model::{Incident, Role};

/// Person mentions of the incidents as `(incident_id, role, person_id)`,
/// by the linkage stage with the default rules.
pub fn link_rows(incidents: &[Incident]) -> Vec<(String, Role, String)> {
    link_rows_with(incidents, &marac_link::rules::Rules::default())
}

/// Person mentions by the linkage stage with the given rules.
pub fn link_rows_with(
    incidents: &[Incident],
    rules: &marac_link::rules::Rules,
) -> Vec<(String, Role, String)> {
    marac_link::link(incidents, rules).mention_rows()
}

/// Kinds that count towards the pack's hot spots (crime context is excluded:
/// the MARAC looks at ASB, disputes and hate).
const PACK_HOTSPOT_KINDS: &[marac_model::IncidentKind] = &[
    marac_model::IncidentKind::Asb,
    marac_model::IncidentKind::Dispute,
    marac_model::IncidentKind::Hate,
];

/// Gi* hot cells (250 m cells, 500 m band) and repeat locations (5 or more
/// incidents) of one BCU over the 365 days to `as_of`, for the pack.
pub fn hotspot_summary(
    incidents: &[Incident],
    bcu: &str,
    as_of: chrono::NaiveDate,
) -> (
    Vec<marac_agenda::Hotspot>,
    Vec<marac_agenda::RepeatLocation>,
) {
    use marac_hotspot::{gistar::gi_star, repeat, Event};
    let start = as_of - chrono::Duration::days(365);
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
            for c in g.cells.iter().filter(|c| c.class.is_hot()) {
                hotspots.push(marac_agenda::Hotspot {
                    method: "gistar".into(),
                    class: c.class.as_str().into(),
                    x: c.x,
                    y: c.y,
                    count: u64::from(c.count),
                    size_m: 250.0,
                });
            }
        }
    }
    let (keys, events): (Vec<repeat::PlaceKey>, Vec<Event>) = selected
        .iter()
        .filter_map(|(i, e)| repeat::place_key(i).map(|k| (k, *e)))
        .unzip();
    let repeat_locations = repeat::repeat_locations(&keys, &events, 5)
        .into_iter()
        .map(|p| marac_agenda::RepeatLocation {
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
        })
        .collect();
    (hotspots, repeat_locations)
}

/// What the register tells the agenda.
pub struct RegisterView {
    /// person_id -> stable case reference.
    pub case_refs: std::collections::BTreeMap<String, String>,
    /// case_ref -> last hearing.
    pub hearings: std::collections::BTreeMap<String, marac_agenda::PreviousHearing>,
    /// BCU name -> open actions.
    pub actions: std::collections::BTreeMap<String, Vec<marac_agenda::ActionToReview>>,
}

/// Opens the register and reads what the packs need: stable references
/// (new cases get the keyed-hash reference), last hearings, open actions.
pub fn register_view(
    path: &std::path::Path,
    user: &str,
    incidents: &[Incident],
    rows: &[(String, Role, String)],
    proposed: &std::collections::BTreeMap<String, String>,
    bcus: &[String],
    _areas: &marac_geo::Areas,
) -> anyhow::Result<RegisterView> {
    use std::collections::{BTreeMap, HashMap};
    let mut reg = marac_register::Register::open(path, user)
        .map_err(|e| crate::input_error(e.to_string()))?;
    let by_id: HashMap<&str, &Incident> = incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut persons: BTreeMap<&str, Vec<(String, Role)>> = BTreeMap::new();
    for (iid, role, pid) in rows {
        persons
            .entry(pid.as_str())
            .or_default()
            .push((iid.clone(), *role));
    }
    let persons: Vec<marac_register::PersonMentions> = persons
        .into_iter()
        .map(|(pid, mentions)| marac_register::PersonMentions {
            person_id: pid.to_string(),
            mentions,
        })
        .collect();
    let bcu_of = |iid: &str| {
        by_id
            .get(iid)
            .map(|i| i.bcu.to_string())
            .unwrap_or_default()
    };
    let propose = |p: &marac_register::PersonMentions| {
        proposed
            .get(&p.person_id)
            .cloned()
            .unwrap_or_else(|| format!("PERSON-{}", p.person_id))
    };
    let case_refs = reg
        .resolve_case_refs(&bcu_of, &persons, &propose)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut hearings = BTreeMap::new();
    for r in case_refs.values() {
        if let Some(h) = reg.last_hearing(r).map_err(|e| anyhow::anyhow!("{e}"))? {
            hearings.insert(
                r.clone(),
                marac_agenda::PreviousHearing {
                    date: h.date,
                    meeting_ref: h.meeting_ref.clone(),
                },
            );
        }
    }
    let mut actions = BTreeMap::new();
    for b in bcus {
        let rows = reg.open_actions(b).map_err(|e| anyhow::anyhow!("{e}"))?;
        actions.insert(
            b.clone(),
            rows.into_iter()
                .map(|a| marac_agenda::ActionToReview {
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
    Ok(RegisterView {
        case_refs,
        hearings,
        actions,
    })
}
