//! One module per subcommand.
pub mod demo;
pub mod profiles;
pub mod scan;
pub mod synth;
pub mod validate;

use marac_model::{Incident, Role};

/// Person mentions of the incidents as `(incident_id, role, person_id)`,
/// by the linkage stage.
pub fn link_rows(incidents: &[Incident]) -> Vec<(String, Role, String)> {
    // Interim exact-key linkage until marac-link is wired in: the agency's
    // own reference within a source, else exact name and date of birth.
    let mut keys: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for inc in incidents {
        for (role, p) in [(Role::Victim, &inc.victim), (Role::Suspect, &inc.suspect)] {
            let Some(p) = p else { continue };
            let key = match (&p.reference, &p.first_name, &p.last_name) {
                (Some(r), _, _) => format!("ref\u{1f}{}\u{1f}{r}", inc.source),
                (None, Some(f), Some(l)) => format!(
                    "name\u{1f}{}\u{1f}{}\u{1f}{:?}",
                    f.to_lowercase(),
                    l.to_lowercase(),
                    p.dob
                ),
                _ => format!("mention\u{1f}{}\u{1f}{}", inc.id, role.as_str()),
            };
            let n = keys.len();
            let id = *keys.entry(key).or_insert(n);
            rows.push((inc.id.clone(), role, format!("P{:06}", id + 1)));
        }
    }
    rows
}
