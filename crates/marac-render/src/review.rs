//! `marac link review`: the review queue as a CSV to fill in, or as a
//! self-contained HTML working file (OFFICIAL-SENSITIVE: it shows both
//! records of each pair) in which the analyst labels each pair and saves
//! the labels as a CSV.
//!
//! Both CSVs begin `incident_id_l,role_l,incident_id_r,role_r,label`, the
//! labels format (`match`, `not a match`, `unsure`, empty = unlabelled).
//! The page's one script, [`SCRIPT`], builds that CSV from the radio
//! buttons (`labelsCsv()`) and offers it as a download through a Blob URL;
//! the page's Content-Security-Policy allows that script by its hash and
//! nothing else, and forbids every request.

use std::fmt::Write;

use marac_link::report::TermKind;
use marac_link::review::ReviewItem;
use marac_model::{Incident, PersonDetails, Role};

use crate::escape::html;
use crate::page::page;
use crate::waterfall::{bits, svg, table};
use crate::{CsvDoc, CsvError};

/// The labels format's columns, first in both CSVs.
pub const LABEL_COLUMNS: [&str; 5] = [
    "incident_id_l",
    "role_l",
    "incident_id_r",
    "role_r",
    "label",
];

/// The labels an analyst may give: the words the labels parser reads.
pub const LABELS: &[&str] = marac_model::LabelKind::NAMES;

/// One record of a pair.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// Its incident.
    pub incident: &'a Incident,
    /// Victim or suspect.
    pub role: Role,
}

impl Side<'_> {
    fn details(&self) -> Option<&PersonDetails> {
        match self.role {
            Role::Victim => self.incident.victim.as_deref(),
            Role::Suspect => self.incident.suspect.as_deref(),
        }
    }
}

/// One pair of the queue with its two records.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The queue's figures for it.
    pub item: &'a ReviewItem,
    /// The first record.
    pub left: Side<'a>,
    /// The second record.
    pub right: Side<'a>,
}

/// What the page says of the queue as a whole.
#[derive(Debug, Clone)]
pub struct Queue<'a> {
    /// The pairs, most informative first.
    pub rows: Vec<Row<'a>>,
    /// The comparisons, in model order.
    pub comparisons: Vec<&'static str>,
    /// The threshold: probability and match weight.
    pub threshold: (f64, f64),
    /// The band, as match weights.
    pub band: (f64, f64),
}

fn levels(item: &ReviewItem) -> impl Iterator<Item = &'static str> + '_ {
    item.waterfall
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Level)
        .map(|t| t.level)
}

/// The queue as a CSV: the labels columns (`label` empty), then rank, why,
/// whether the records are one person now, probability, match weight,
/// impact, uncertainty, score, the runner-up's weight (attachments) and
/// each comparison's level (`level_NAME`). No names: ids and figures only.
pub fn csv(q: &Queue<'_>) -> Result<Vec<u8>, CsvError> {
    let mut head: Vec<String> = LABEL_COLUMNS.iter().map(|s| s.to_string()).collect();
    head.extend(
        [
            "rank",
            "why",
            "linked",
            "probability",
            "match_weight",
            "impact",
            "uncertainty",
            "score",
            "runner_up_weight",
        ]
        .map(String::from),
    );
    head.extend(q.comparisons.iter().map(|c| format!("level_{c}")));
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut doc = CsvDoc::new(&head)?;
    for r in &q.rows {
        let it = r.item;
        let mut cells = vec![
            r.left.incident.id.clone(),
            r.left.role.as_str().to_string(),
            r.right.incident.id.clone(),
            r.right.role.as_str().to_string(),
            String::new(),
            it.rank.to_string(),
            it.why.as_str().to_string(),
            it.linked.to_string(),
            format!("{:.6}", it.waterfall.probability),
            format!("{:.3}", it.waterfall.weight),
            it.impact.to_string(),
            format!("{:.4}", it.uncertainty),
            format!("{:.4}", it.score),
            it.runner_up.map_or(String::new(), |w| format!("{w:.3}")),
        ];
        cells.extend(levels(it).map(String::from));
        doc.row(cells)?;
    }
    doc.finish()
}

/// The page's script: `labelsCsv()` builds the labels CSV from the radio
/// buttons (cells neutralised and quoted as `CsvDoc` does), and the save
/// button offers it as `labels.csv` through a Blob URL.
pub const SCRIPT: &str = r#"
function labelsCsv() {
  const cell = (s) => {
    if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const rows = [["incident_id_l", "role_l", "incident_id_r", "role_r", "label"]];
  for (const p of document.querySelectorAll("section.pair")) {
    const c = p.querySelector("input[type=radio]:checked");
    const d = p.dataset;
    rows.push([d.incidentL, d.roleL, d.incidentR, d.roleR, c ? c.value : ""]);
  }
  return rows.map((r) => r.map(cell).join(",")).join("\n") + "\n";
}
document.getElementById("save").addEventListener("click", () => {
  const url = URL.createObjectURL(new Blob([labelsCsv()], { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "labels.csv";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  const n = document.querySelectorAll("section.pair input[type=radio]:checked").length;
  document.getElementById("saved").textContent = "Saved " + n + " labels as labels.csv.";
});
"#;

fn record_rows(l: &Side<'_>, r: &Side<'_>) -> String {
    type Field = fn(&Side<'_>) -> Option<String>;
    let fields: [(&str, Field); 10] = [
        ("incident", |s| Some(s.incident.id.clone())),
        ("role", |s| Some(s.role.as_str().to_string())),
        ("source", |s| Some(s.incident.source.to_string())),
        ("reported", |s| Some(s.incident.reported.to_canonical())),
        ("first name", |s| s.details()?.first_name.clone()),
        ("last name", |s| s.details()?.last_name.clone()),
        ("date of birth", |s| {
            Some(s.details()?.dob?.format("%Y-%m-%d").to_string())
        }),
        ("address", |s| s.details()?.address.clone()),
        ("postcode", |s| {
            Some(s.details()?.postcode.as_ref()?.as_str().to_string())
        }),
        ("phone", |s| s.details()?.phone.clone()),
    ];
    let mut o = String::from(
        "<table class=\"records\"><tr><th scope=\"col\">field</th><th scope=\"col\">left record</th><th scope=\"col\">right record</th></tr>",
    );
    for (name, f) in fields {
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            html(name),
            html(&f(l).unwrap_or_default()),
            html(&f(r).unwrap_or_default())
        );
    }
    o.push_str("</table>");
    o
}

fn effect(it: &ReviewItem) -> String {
    let (x, y) = it.sides;
    if it.linked {
        format!("One person now: “not a match” would split {x} mention(s) from {y}.")
    } else {
        format!("Two persons now: “match” would join persons of {x} and {y} mention(s).")
    }
}

/// The queue as a self-contained HTML page to label.
pub fn html_page(q: &Queue<'_>) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<p>{} pairs for a person to label, most informative first: those whose label would change the most pairs of mentions, \
weighted by how unsure the model is. The threshold is probability {:.4} (match weight {} bits); pairs are here when their weight lies \
between {} and {} bits, or when a partial record was attached by a close margin.</p>\
<p>Mark each pair <em>match</em>, <em>not a match</em> or <em>unsure</em> (or leave it), then save the labels as a CSV file for \
<code>--labels</code>. Nothing leaves this page but the file you save.</p>\
<p><button type=\"button\" id=\"save\">Save labels as CSV</button></p><p id=\"saved\" role=\"status\"></p>",
        q.rows.len(),
        q.threshold.0,
        bits(q.threshold.1),
        bits(q.band.0),
        bits(q.band.1)
    );
    for r in &q.rows {
        let it = r.item;
        let n = it.rank;
        let why = match it.why {
            marac_link::review::Why::NearThreshold => "near the threshold".to_string(),
            marac_link::review::Why::CloseAttachment => format!(
                "a partial record attached by a close margin (runner-up {} bits)",
                bits(it.runner_up.unwrap_or(f64::NAN))
            ),
        };
        let _ = write!(
            b,
            "<section class=\"pair\" id=\"pair-{n}\" data-incident-l=\"{}\" data-role-l=\"{}\" data-incident-r=\"{}\" data-role-r=\"{}\">\
<h2>{n}. {} {} and {} {}</h2><p>In the queue as {}: probability {:.6}, match weight {} bits. {} Score {:.3} ({} pairs × uncertainty {:.3}).</p>",
            html(&r.left.incident.id),
            r.left.role.as_str(),
            html(&r.right.incident.id),
            r.right.role.as_str(),
            html(&r.left.incident.id),
            r.left.role.as_str(),
            html(&r.right.incident.id),
            r.right.role.as_str(),
            html(&why),
            it.waterfall.probability,
            bits(it.waterfall.weight),
            html(&effect(it)),
            it.score,
            it.impact,
            it.uncertainty
        );
        b.push_str(&record_rows(&r.left, &r.right));
        b.push_str(&svg(&it.waterfall, &format!("w{n}")));
        b.push_str(&table(&it.waterfall).html("terms"));
        let _ = write!(b, "<fieldset><legend>Label for pair {n}</legend>");
        for (k, label) in LABELS.iter().enumerate() {
            let _ = write!(
                b,
                "<input type=\"radio\" id=\"p{n}-{k}\" name=\"label-{n}\" value=\"{label}\"><label for=\"p{n}-{k}\">{label}</label>"
            );
        }
        b.push_str("</fieldset></section>");
    }
    page("Linkage review queue", &b, Some(SCRIPT))
}
