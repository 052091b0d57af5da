//! The risk scan's Markdown: the list, and one person explained
//! (`marac scan --explain`).

use std::fmt::Write;

use marac_model::{Incident, PersonMention, Role};
use marac_risk::Scan;

use crate::escape::md as md_cell;

/// The scan as a Markdown table, highest risk first.
pub fn markdown(s: &Scan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Risk scan as of {}\n", s.as_of);
    let eligible = s.persons.iter().filter(|p| p.marac_eligible).count();
    let _ = writeln!(
        out,
        "{} victims, {} MARAC-eligible.\n",
        s.persons.len(),
        eligible
    );
    let _ = writeln!(
        out,
        "| person | BCU | score | level | MARAC | flags | incidents |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | --- | --- | --- | ---: |");
    for p in &s.persons {
        let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md_cell(&p.person_id),
            md_cell(&p.bcu),
            p.score,
            p.level.as_str(),
            if p.marac_eligible { "yes" } else { "no" },
            flags.join(", "),
            p.incidents.len()
        );
    }
    out
}

/// One person's chronology across agencies and every point with its incidents.
pub fn explain(
    p: &marac_risk::PersonRisk,
    incidents: &[Incident],
    rows: &[PersonMention],
    s: &Scan,
) -> String {
    let by_id: std::collections::HashMap<&str, &Incident> =
        incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# {} as of {}\n", md_cell(&p.person_id), s.as_of);
    let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
    let _ = writeln!(
        out,
        "Score {} ({}); MARAC-eligible: {}{}; BCU {}.\n\nFlags: {}.\n\nVulnerabilities: {}.\n",
        p.score,
        p.level.as_str(),
        if p.marac_eligible { "yes" } else { "no" },
        if p.eligible_by.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.eligible_by.join(", "))
        },
        md_cell(&p.bcu),
        if flags.is_empty() {
            "none".into()
        } else {
            flags.join(", ")
        },
        if p.vulnerabilities.is_empty() {
            "none recorded".into()
        } else {
            p.vulnerabilities.to_list().replace(';', ", ")
        }
    );
    let _ = writeln!(
        out,
        "## Points\n\n| factor | points | incidents |\n| --- | ---: | --- |"
    );
    for r in &p.reasons {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            r.factor,
            r.points,
            md_cell(&r.incidents.join(", "))
        );
    }
    let _ = writeln!(out, "| **total** | **{}** | |", p.score);
    let _ = writeln!(out, "\n## Chronology across agencies\n");
    let _ = writeln!(
        out,
        "| date | incident | kind | source | category | harm | hate strands | suspect |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | ---: | --- | --- |");
    for iid in &p.incidents {
        let Some(i) = by_id.get(iid.as_str()) else {
            continue;
        };
        let suspects: Vec<&str> = rows
            .iter()
            .filter(|m| &m.incident_id == iid && m.role == Role::Suspect)
            .map(|m| m.person_id.as_str())
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            i.reported.to_canonical(),
            md_cell(&i.id),
            i.kind,
            md_cell(&i.source),
            md_cell(i.category.as_deref().unwrap_or("")),
            i.harm.map(|h| h.to_string()).unwrap_or_default(),
            i.hate_strands.to_list().replace(';', ", "),
            md_cell(&suspects.join(", "))
        );
    }
    out
}
