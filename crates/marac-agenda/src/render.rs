//! Renderers: Markdown, self-contained HTML (inline CSS and an SVG map, a
//! print stylesheet), CSV case list. JSON is the pack serialised.
//!
//! Everything from the input is escaped by `marac_render::escape` (HTML text
//! and attributes, Markdown control characters and raw HTML, which Markdown
//! viewers would run), and the CSV case list is written by
//! `marac_render::CsvDoc`, which neutralises spreadsheet formulas.

use std::fmt::Write;

use marac_render::escape::{html, md};
use marac_render::hotspot::{whereabouts_text, HTML_CSP};
use marac_render::map::{gi_class, svg as map_svg, GiKey, Map, MapArea, MapCell, Marker};
use marac_render::table::Table;
use marac_render::{CsvDoc, CsvError};

use crate::pack::*;

fn list_or(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.join(", ")
    }
}

/// The agenda's items in order, with their counts.
fn agenda_items(p: &Pack) -> Vec<String> {
    let mut items: Vec<String> = p
        .case_groups()
        .into_iter()
        .map(|(heading, cases)| format!("{heading} ({})", cases.len()))
        .collect();
    items.extend([
        format!("Actions due for review ({})", p.actions_to_review.len()),
        format!(
            "Possible unrecognised hate incidents ({})",
            p.possible_hate_incidents.len()
        ),
        format!(
            "Vulnerable adults with no safeguarding referral ({})",
            p.no_safeguarding_referral.len()
        ),
        "Hotspots and repeat locations".to_string(),
        "Figures for the period".to_string(),
    ]);
    items
}

/// The Markdown pack.
pub fn markdown(p: &Pack) -> String {
    let mut o = String::new();
    let m = &p.meeting;
    let _ = writeln!(o, "**{}**\n", p.marking);
    let _ = writeln!(
        o,
        "# Community MARAC: {} BCU{}, {}\n",
        md(&m.bcu),
        m.bcu_code
            .as_deref()
            .map(|c| format!(" ({})", md(c)))
            .unwrap_or_default(),
        m.date
    );
    let _ = writeln!(
        o,
        "Boroughs: {}. Records up to {}.{}\n",
        md(&m.boroughs.join(", ")),
        m.as_of,
        if p.redacted {
            " Redacted pack: case references and initials only."
        } else {
            ""
        }
    );
    let _ = writeln!(o, "Chair: {}. Attendance and apologies: to be recorded. Confidentiality statement signed by every attendee: to be confirmed.\n", m.chair.as_deref().map(md).unwrap_or_else(|| "________".into()));

    let _ = writeln!(o, "## Agenda\n");
    for (n, item) in agenda_items(p).iter().enumerate() {
        let _ = writeln!(o, "{}. {item}", n + 1);
    }
    o.push('\n');
    for (heading, cases) in p.case_groups() {
        let _ = writeln!(o, "## {heading} ({})\n", cases.len());
        if cases.is_empty() {
            let _ = writeln!(o, "None.\n");
            continue;
        }
        let _ = writeln!(o, "| case | level | score | flags | referred by | review |\n| --- | --- | ---: | --- | --- | --- |");
        for c in &cases {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} {} | {} |",
                md(&c.case_ref),
                c.level,
                c.score,
                md(&list_or(&c.flags, "none")),
                md(&c.referring_agency),
                c.referral_date,
                c.review_date
            );
        }
        o.push('\n');
        for c in cases {
            case_md(&mut o, c);
        }
    }

    let _ = writeln!(
        o,
        "## Actions due for review ({})\n",
        p.actions_to_review.len()
    );
    if p.actions_to_review.is_empty() {
        let _ = writeln!(o, "None.\n");
    } else {
        for (title, pred) in [
            ("Open", "open"),
            ("Incomplete: circumstances changed", "circumstances_changed"),
            ("Incomplete: agency did not act", "agency_did_not_act"),
        ] {
            let rows: Vec<&ActionToReview> = p
                .actions_to_review
                .iter()
                .filter(|a| {
                    if pred == "open" {
                        a.reason.is_none()
                    } else {
                        a.reason.as_deref() == Some(pred)
                    }
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(o, "### {title}\n\n| # | case | owner | due | action |\n| ---: | --- | --- | --- | --- |");
            for a in rows {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    a.action_id,
                    md(&a.case_ref),
                    md(&a.owner),
                    a.due,
                    md(&a.text)
                );
            }
            o.push('\n');
        }
    }
    let _ = writeln!(
        o,
        "## Possible unrecognised hate incidents ({})\n",
        p.possible_hate_incidents.len()
    );
    let _ = writeln!(o, "{}\n", md(&list_or(&p.possible_hate_incidents, "None.")));
    let _ = writeln!(
        o,
        "## Vulnerable adults with no safeguarding referral ({})\n",
        p.no_safeguarding_referral.len()
    );
    let _ = writeln!(
        o,
        "{}\n",
        md(&list_or(&p.no_safeguarding_referral, "None."))
    );

    let _ = writeln!(o, "## Hotspots and repeat locations\n");
    let _ = writeln!(
        o,
        "ASB, disputes and hate incidents reported {} to {}; the HTML pack maps them.\n",
        period_start(p),
        m.as_of
    );
    for (heading, about, table) in place_tables(p) {
        match table {
            None => {
                let _ = writeln!(o, "{about}\n");
            }
            Some(t) => {
                let _ = writeln!(o, "### {heading}\n\n{}\n", md(about));
                o.push_str(&t.markdown());
            }
        }
    }
    let f = &p.figures;
    let _ = writeln!(o, "## Figures for the period (365 days to {})\n", m.as_of);
    let _ = writeln!(
        o,
        "{} incidents; {} victims; {} MARAC-eligible; {} new referrals; {} repeat cases.\n",
        f.incidents, f.victims, f.eligible, f.new_referrals, f.repeat_cases
    );
    let kinds: Vec<String> = f.by_kind.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let sources: Vec<String> = f
        .by_source
        .iter()
        .map(|(k, v)| format!("{} {v}", md(k)))
        .collect();
    let _ = writeln!(
        o,
        "By kind: {}.\n\nBy agency: {}.\n",
        kinds.join(", "),
        sources.join(", ")
    );
    for n in &p.notes {
        let _ = writeln!(o, "> {}\n", md(n));
    }
    let _ = writeln!(o, "**{}**", p.marking);
    o
}

fn case_md(o: &mut String, c: &Case) {
    let _ = writeln!(
        o,
        "### Case {} ({}, score {})\n",
        md(&c.case_ref),
        c.level,
        c.score
    );
    let s = &c.subject;
    let mut who = vec![format!("Initials {}", md(&s.initials))];
    if let Some(n) = &s.name {
        who.push(format!("name {}", md(n)));
    }
    if let Some(d) = s.dob {
        who.push(format!("date of birth {d}"));
    }
    if let Some(a) = &s.address {
        who.push(format!("address {}", md(a)));
    }
    if let Some(pc) = &s.postcode {
        who.push(format!("postcode {}", md(pc)));
    }
    if let Some(ph) = &s.phone {
        who.push(format!("phone {}", md(ph)));
    }
    let _ = writeln!(o, "- Subject: {}.", who.join("; "));
    let _ = writeln!(
        o,
        "- Referred by {} on {}; eligible by {}.",
        md(&c.referring_agency),
        c.referral_date,
        md(&list_or(&c.eligible_by, "-"))
    );
    match &c.previous_hearing {
        Some(h) => {
            let _ = writeln!(o, "- Previously heard {} ({}).", h.date, md(&h.meeting_ref));
        }
        None => {
            let _ = writeln!(o, "- Not heard in the last 12 months.");
        }
    }
    let _ = writeln!(o, "- Flags: {}.", md(&list_or(&c.flags, "none")));
    let _ = writeln!(
        o,
        "- Vulnerabilities: {}.",
        md(&list_or(&c.vulnerabilities, "none recorded"))
    );
    let _ = writeln!(
        o,
        "- Children or dependants: {}.",
        match c.children_present {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not recorded",
        }
    );
    let _ = writeln!(o, "- Agencies involved: {}.", md(&c.agencies.join(", ")));
    let _ = writeln!(o, "- Review date: {}.\n", c.review_date);
    let _ = writeln!(
        o,
        "Risk score {}: {}.\n",
        c.score,
        md(&c
            .reasons
            .iter()
            .map(|r| format!("{} {}", r.factor, r.points))
            .collect::<Vec<_>>()
            .join(", "))
    );
    let _ = writeln!(o, "| date | incident | kind | agency | category | harm | hate strands | summary |\n| --- | --- | --- | --- | --- | ---: | --- | --- |");
    for e in &c.chronology {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.date,
            md(&e.incident_id),
            e.kind,
            md(&e.source),
            md(e.category.as_deref().unwrap_or("")),
            e.harm.map(|h| h.to_string()).unwrap_or_default(),
            md(&e.hate_strands.join(", ")),
            md(e.summary.as_deref().unwrap_or(""))
        );
    }
    o.push('\n');
    if !c.suspects.is_empty() {
        for s in &c.suspects {
            let _ = writeln!(
                o,
                "- Suspect {}: other victims {}.",
                md(&s.initials),
                md(&list_or(&s.other_victims, "none known"))
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "Suggested actions:\n");
    if c.suggested_actions.is_empty() {
        let _ = writeln!(o, "- None suggested; the meeting agrees its own.");
    }
    for a in &c.suggested_actions {
        let _ = writeln!(
            o,
            "- [ ] {} (owner: {}; due {})",
            md(&a.text),
            md(&a.owner),
            a.due
        );
    }
    let _ = writeln!(
        o,
        "\nDecisions of the meeting:\n\n- ______________________________________________\n"
    );
}

/// The CSV case list.
pub fn csv(p: &Pack) -> String {
    let doc = case_list(p).expect("every row has the header's nine cells");
    String::from_utf8(doc).expect("CSV written from strings is UTF-8")
}

fn case_list(p: &Pack) -> Result<Vec<u8>, CsvError> {
    let mut doc = CsvDoc::new(&[
        "case_ref",
        "section",
        "level",
        "score",
        "flags",
        "referring_agency",
        "referral_date",
        "review_date",
        "previous_hearing",
    ])?;
    let rows = p.cases.iter().map(|c| (c, c.section.as_str()));
    for (c, section) in rows.chain(p.unplaced.iter().map(|c| (c, "unplaced"))) {
        doc.row([
            c.case_ref.clone(),
            section.to_string(),
            c.level.clone(),
            c.score.to_string(),
            c.flags.join(";"),
            c.referring_agency.clone(),
            c.referral_date.to_string(),
            c.review_date.to_string(),
            c.previous_hearing
                .as_ref()
                .map(|h| h.date.to_string())
                .unwrap_or_default(),
        ])?;
    }
    doc.finish()
}

/// What the pack's map is drawn on: the areas (the BCU's marked `focus`,
/// the others drawn where they fall in the frame) and the attribution their
/// licence asks for.
#[derive(Debug, Clone, Default)]
pub struct MapData<'a> {
    /// The areas, BNG metres.
    pub areas: Vec<MapArea<'a>>,
    /// The boundaries' attribution, written on the map.
    pub attribution: Option<&'a str>,
}

/// The first day of the period the pack's hot spots count (365 days to `as_of`).
fn period_start(p: &Pack) -> chrono::NaiveDate {
    p.meeting.as_of - chrono::Duration::days(365)
}

/// Where a hot spot or repeat location is, in words (coordinates when
/// nothing else is known).
fn whereabouts(borough: Option<&str>, names: &[String], x: f64, y: f64) -> String {
    let w = whereabouts_text(borough, names);
    if w.is_empty() {
        format!("at {x:.0}, {y:.0}")
    } else {
        w
    }
}

/// The place column of a repeat location: its label, flagged when it is a
/// data.police.uk snap point.
fn repeat_place(r: &RepeatLocation) -> String {
    if r.snap_point {
        format!("{} (snap point, not an address)", r.place)
    } else {
        r.place.clone()
    }
}

/// The hot spot table.
fn hotspot_table(p: &Pack) -> Table {
    let mut t = Table::new(&[
        ("where", false),
        ("class", false),
        ("incidents in cell", true),
        ("cell centre (BNG)", false),
    ]);
    t.rows = p
        .hotspots
        .iter()
        .map(|h| {
            vec![
                whereabouts(h.borough.as_deref(), &h.location_names, h.x, h.y),
                h.class.clone(),
                h.count.to_string(),
                format!("{:.0}, {:.0}", h.x, h.y),
            ]
        })
        .collect();
    t
}

/// The repeat location table; row `n` is marker `n` on the map.
fn repeat_table(p: &Pack) -> Table {
    let mut t = Table::new(&[
        ("#", true),
        ("place", false),
        ("where", false),
        ("incidents", true),
        ("kinds", false),
        ("first", false),
        ("last", false),
    ]);
    t.rows = p
        .repeat_locations
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let kinds: Vec<String> = r.kinds.iter().map(|(k, v)| format!("{k} {v}")).collect();
            vec![
                (i + 1).to_string(),
                repeat_place(r),
                whereabouts(r.borough.as_deref(), &r.location_names, r.x, r.y),
                r.count.to_string(),
                kinds.join(", "),
                r.first.to_string(),
                r.last.to_string(),
            ]
        })
        .collect();
    t
}

/// The tables under the map: heading, what the table lists (or that there
/// is nothing, without a table).
fn place_tables(p: &Pack) -> [(&'static str, &'static str, Option<Table>); 2] {
    let part = |heading, none, about, table: Option<Table>| {
        (heading, if table.is_some() { about } else { none }, table)
    };
    [
        part(
            "Repeat locations",
            "No repeat locations (5 or more incidents).",
            "5 or more incidents; # is the marker on the map.",
            (!p.repeat_locations.is_empty()).then(|| repeat_table(p)),
        ),
        part(
            "Hot spots",
            "No significant hot spots.",
            "Getis-Ord Gi* hot cells (250 m), most confident first.",
            (!p.hotspots.is_empty()).then(|| hotspot_table(p)),
        ),
    ]
}

/// An SVG map of the BCU: its boroughs and their neighbours, the BCU's
/// outline, the hot cells by confidence and the repeat locations numbered
/// as in the pack's table (see [`marac_render::map`]).
pub fn svg_map(p: &Pack, map: &MapData<'_>) -> String {
    let mut notes = Vec::new();
    if p.hotspots.is_empty() {
        notes.push("No significant hot spots.");
    }
    if p.repeat_locations.is_empty() {
        notes.push("No repeat locations (5 or more incidents).");
    }
    let m = Map {
        id: "map".into(),
        title: format!(
            "{} BCU: hot spots (Gi*) and repeat locations",
            p.meeting.bcu
        ),
        period: format!(
            "ASB, disputes and hate incidents reported {} to {}",
            period_start(p),
            p.meeting.as_of
        ),
        areas: map.areas.clone(),
        attribution: map.attribution,
        gi_key: GiKey::Hot,
        cells: p
            .hotspots
            .iter()
            .map(|h| MapCell {
                x: h.x,
                y: h.y,
                size: h.size_m,
                class: gi_class(&h.class),
            })
            .collect(),
        markers: p
            .repeat_locations
            .iter()
            .enumerate()
            .map(|(i, r)| Marker {
                number: i + 1,
                x: r.x,
                y: r.y,
                snap: r.snap_point,
                title: format!("{}: {} incidents", repeat_place(r), r.count),
            })
            .collect(),
        note: (!notes.is_empty()).then(|| notes.join(" ")),
        ..Map::default()
    };
    map_svg(&m)
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}\
.marking{font-weight:bold;text-align:center;letter-spacing:.1em;border:2px solid #000;padding:.2em}\
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}\
.case{border-top:3px solid #333;margin-top:1.5em}svg.map{max-width:100%;height:auto;break-inside:avoid}.decisions{min-height:4em;border:1px dashed #777}\
@media print{body{margin:1cm}.case{break-before:page}.marking{position:fixed;top:0;left:0;right:0;background:#fff}\
.footer{position:fixed;bottom:0;left:0;right:0;text-align:center;font-weight:bold}h1{margin-top:2.5em}}";

/// The self-contained HTML pack: inline CSS and SVG, no external requests.
pub fn html_pack(p: &Pack, map: &MapData<'_>) -> String {
    let md_text = markdown_sections_html(p, map);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\">\
<title>{} — Community MARAC {} {}</title><style>{CSS}</style></head><body>\
<div class=\"marking\">{}</div>",
        html(&p.marking),
        html(&p.meeting.bcu),
        p.meeting.date,
        html(&p.marking)
    );
    o.push_str(&md_text);
    let _ = writeln!(
        o,
        "<div class=\"footer\">{}</div></body></html>",
        html(&p.marking)
    );
    o
}

fn markdown_sections_html(p: &Pack, map: &MapData<'_>) -> String {
    let mut o = String::new();
    let m = &p.meeting;
    let _ = write!(
        o,
        "<h1>Community MARAC: {} BCU{}, {}</h1><p>Boroughs: {}. Records up to {}.{}</p>",
        html(&m.bcu),
        m.bcu_code
            .as_deref()
            .map(|c| format!(" ({})", html(c)))
            .unwrap_or_default(),
        m.date,
        html(&m.boroughs.join(", ")),
        m.as_of,
        if p.redacted {
            " Redacted pack: case references and initials only."
        } else {
            ""
        }
    );
    let _ = write!(o, "<p>Chair: {}. Attendance by agency, apologies and the confidentiality statement: recorded at the meeting.</p>", m.chair.as_deref().map(html).unwrap_or_else(|| "________".into()));
    let f = &p.figures;
    o.push_str("<h2>Agenda</h2><ol>");
    for item in agenda_items(p) {
        let _ = write!(o, "<li>{}</li>", html(&item));
    }
    o.push_str("</ol>");
    for (heading, cases) in p.case_groups() {
        let _ = write!(o, "<h2>{} ({})</h2>", html(heading), cases.len());
        if cases.is_empty() {
            o.push_str("<p>None.</p>");
        }
        for c in cases {
            case_html(&mut o, c);
        }
    }
    let _ = write!(
        o,
        "<h2>Actions due for review ({})</h2>",
        p.actions_to_review.len()
    );
    if p.actions_to_review.is_empty() {
        o.push_str("<p>None.</p>");
    } else {
        o.push_str("<table><tr><th>#</th><th>case</th><th>owner</th><th>due</th><th>status</th><th>action</th></tr>");
        for a in &p.actions_to_review {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                a.action_id,
                html(&a.case_ref),
                html(&a.owner),
                a.due,
                html(a.reason.as_deref().unwrap_or(&a.status)),
                html(&a.text)
            );
        }
        o.push_str("</table>");
    }
    let _ = write!(
        o,
        "<h2>Possible unrecognised hate incidents ({})</h2><p>{}</p>",
        p.possible_hate_incidents.len(),
        html(&list_or(&p.possible_hate_incidents, "None."))
    );
    let _ = write!(
        o,
        "<h2>Vulnerable adults with no safeguarding referral ({})</h2><p>{}</p>",
        p.no_safeguarding_referral.len(),
        html(&list_or(&p.no_safeguarding_referral, "None."))
    );
    let _ = write!(
        o,
        "<h2>Hotspots and repeat locations</h2>{}",
        svg_map(p, map)
    );
    for (heading, about, table) in place_tables(p) {
        match table {
            None => {
                let _ = write!(o, "<p>{}</p>", html(about));
            }
            Some(t) => {
                let _ = write!(o, "<h3>{heading}</h3><p>{}</p>", html(about));
                o.push_str(&t.html(&heading.to_lowercase().replace(' ', "-")));
            }
        }
    }
    let kinds: Vec<String> = f.by_kind.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = write!(o, "<h2>Figures for the period</h2><p>{} incidents; {} victims; {} MARAC-eligible. By kind: {}.</p>", f.incidents, f.victims, f.eligible, html(&kinds.join(", ")));
    for n in &p.notes {
        let _ = write!(o, "<p class=\"note\">{}</p>", html(n));
    }
    o
}

fn case_html(o: &mut String, c: &Case) {
    let s = &c.subject;
    let _ = write!(
        o,
        "<section class=\"case\"><h3>Case {} — {} (score {})</h3><table>",
        html(&c.case_ref),
        html(&c.level),
        c.score
    );
    let mut row = |k: &str, v: String| {
        let _ = write!(o, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row(
        "Subject",
        html(
            &[
                Some(s.initials.clone()),
                s.name.clone(),
                s.dob.map(|d| d.to_string()),
                s.address.clone(),
                s.postcode.clone(),
                s.phone.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; "),
        ),
    );
    row(
        "Referred by",
        format!("{} on {}", html(&c.referring_agency), c.referral_date),
    );
    row(
        "Previous hearing",
        c.previous_hearing
            .as_ref()
            .map(|h| format!("{} ({})", h.date, html(&h.meeting_ref)))
            .unwrap_or_else(|| "none in the last 12 months".into()),
    );
    row("Flags", html(&list_or(&c.flags, "none")));
    row(
        "Vulnerabilities",
        html(&list_or(&c.vulnerabilities, "none recorded")),
    );
    row(
        "Children or dependants",
        match c.children_present {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "not recorded".into(),
        },
    );
    row("Agencies involved", html(&c.agencies.join(", ")));
    row(
        "Risk",
        html(
            &c.reasons
                .iter()
                .map(|r| format!("{} {}", r.factor, r.points))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    row("Review date", c.review_date.to_string());
    o.push_str("</table><h4>Chronology</h4><table><tr><th>date</th><th>incident</th><th>kind</th><th>agency</th><th>category</th><th>harm</th><th>hate strands</th><th>summary</th></tr>");
    for e in &c.chronology {
        let _ = write!(o, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&e.date), html(&e.incident_id), html(&e.kind), html(&e.source), html(e.category.as_deref().unwrap_or("")),
            e.harm.map(|h| h.to_string()).unwrap_or_default(), html(&e.hate_strands.join(", ")), html(e.summary.as_deref().unwrap_or("")));
    }
    o.push_str("</table>");
    for sp in &c.suspects {
        let _ = write!(
            o,
            "<p>Suspect {}: other victims {}.</p>",
            html(&sp.initials),
            html(&list_or(&sp.other_victims, "none known"))
        );
    }
    o.push_str("<h4>Suggested actions</h4><ul>");
    for a in &c.suggested_actions {
        let _ = write!(
            o,
            "<li>{} (owner: {}; due {})</li>",
            html(&a.text),
            html(&a.owner),
            a.due
        );
    }
    o.push_str("</ul><h4>Decisions of the meeting</h4><div class=\"decisions\"></div></section>");
}
