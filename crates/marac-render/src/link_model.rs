//! `marac link model`: the fitted model as Markdown tables, or as a
//! self-contained HTML page with the same tables and inline SVG charts: the
//! match weight of every level (bars left of zero are evidence against a
//! match, right of zero evidence for; `rect.level`, one per level) and,
//! against ground truth, pairwise precision, recall and F1 over thresholds
//! (`polyline.precision`, `.recall`, `.f1`; the linkage's threshold marked
//! by `line.threshold`). The numbers are [`ModelReport`]'s.

use std::fmt::Write;

use marac_link::report::{CurvePoint, Evaluation, ModelReport};

use crate::escape::html;
use crate::hotspot::fp;
use crate::page::page;
use crate::table::Table;
use crate::waterfall::bits;

/// The opening paragraph: the data, λ, the prior and the threshold.
fn summary(r: &ModelReport) -> String {
    format!(
        "Rules {}: {} mentions, {} candidate pairs ({} pairs compared, the random sample for u included). \
λ (the share of matches among candidate pairs) {}; among all pairs of mentions {}, a prior of {} bits. \
The model expects {} matching pairs among the candidates. Threshold: probability {:.4}, match weight {} bits, chosen by the {}. \
{} linking pairs, {} persons.",
        r.rules,
        r.mentions,
        r.candidate_pairs,
        r.pairs_compared,
        fp(r.lambda),
        fp(r.lambda_all),
        bits(r.prior_bits),
        r.expected_matches
            .map_or("no".to_string(), |e| format!("{e:.0}")),
        r.threshold.probability,
        bits(r.threshold.weight),
        if r.threshold.chosen_by == "rules" {
            "rules file"
        } else {
            "model (best expected F1)"
        },
        r.links,
        r.persons
    )
}

/// A table of these columns with one row per item.
fn table_of<T>(
    head: &[(&'static str, bool)],
    items: impl IntoIterator<Item = T>,
    row: impl Fn(T) -> Vec<String>,
) -> Table {
    Table {
        head: head.to_vec(),
        rows: items.into_iter().map(row).collect(),
    }
}

/// Every comparison's levels: m, u and the weight.
fn level_table(r: &ModelReport) -> Table {
    let levels = r
        .comparisons
        .iter()
        .flat_map(|c| c.levels.iter().map(move |l| (c.name, l)));
    table_of(
        &[
            ("comparison", false),
            ("level", false),
            ("m", true),
            ("u", true),
            ("weight (bits)", true),
        ],
        levels,
        |(name, l)| {
            vec![
                name.to_string(),
                l.level.to_string(),
                fp(l.m),
                fp(l.u),
                bits(l.weight),
            ]
        },
    )
}

fn tf_table(r: &ModelReport) -> Table {
    table_of(
        &[
            ("comparison", false),
            ("commonest value (bits)", true),
            ("rarest value (bits)", true),
        ],
        r.comparisons.iter().filter_map(|c| Some((c.name, c.tf?))),
        |(name, tf)| vec![name.to_string(), bits(tf.min), bits(tf.max)],
    )
}

fn blocking_table(r: &ModelReport) -> Table {
    table_of(
        &[
            ("blocking rule", false),
            ("pairs", true),
            ("cumulative", true),
        ],
        &r.blocking,
        |b| {
            vec![
                b.rule.clone(),
                b.pairs.to_string(),
                b.cumulative.to_string(),
            ]
        },
    )
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn veto_table(r: &ModelReport) -> Table {
    table_of(
        &[
            ("veto", false),
            ("share", true),
            ("evidence", true),
            ("by weight", false),
            ("kept as a wall", false),
        ],
        &r.vetoes,
        |v| {
            vec![
                v.text.clone(),
                v.share
                    .map_or("–".to_string(), |s| format!("{:.1} %", s * 100.0)),
                v.evidence.to_string(),
                yes_no(v.by_weight),
                yes_no(v.active),
            ]
        },
    )
}

fn training_table(r: &ModelReport) -> Table {
    table_of(
        &[
            ("EM session", false),
            ("pairs", true),
            ("iterations", true),
            ("final change", true),
            ("converged", false),
            ("λ", true),
        ],
        &r.training,
        |e| {
            vec![
                e.session.clone(),
                e.pairs.to_string(),
                e.iterations.to_string(),
                fp(e.final_change),
                yes_no(e.converged),
                fp(e.lambda),
            ]
        },
    )
}

fn curve_table(e: &Evaluation, threshold: f64) -> Table {
    let marked = e
        .curve
        .iter()
        .map(|p| {
            let mark = if p.threshold == threshold {
                " (the linkage's)"
            } else {
                ""
            };
            (p, mark)
        })
        .chain([(&e.as_linked, " as linked")]);
    table_of(
        &[
            ("threshold", true),
            ("precision", true),
            ("recall", true),
            ("F1", true),
            ("pairs found", true),
        ],
        marked,
        |(p, mark): (&CurvePoint, &str)| {
            vec![
                format!("{:.4}{mark}", p.threshold),
                format!("{:.4}", p.precision),
                format!("{:.4}", p.recall),
                format!("{:.4}", p.f1),
                p.pairs_found.to_string(),
            ]
        },
    )
}

const CURVE_NOTE: &str = "Pairwise figures against the ground truth: the linkage as run, and its last pass clustered again at each threshold (the same model, counterparts, vetoes and chaining guard; partial records not attached).";

/// The report as Markdown.
pub fn markdown(r: &ModelReport) -> String {
    let mut o = format!(
        "**{}**\n\n# Linkage model\n\n{}\n\n",
        crate::page::MARKING,
        crate::escape::md(&summary(r))
    );
    o.push_str("## Comparisons\n\nEach level's match weight is log2(m/u): above zero it is evidence for a match, below against.\n\n");
    o.push_str(&level_table(r).markdown());
    let tf = tf_table(r);
    if !tf.rows.is_empty() {
        o.push_str("Term-frequency adjustment of an exact match, from the commonest value to the rarest:\n\n");
        o.push_str(&tf.markdown());
    }
    let _ = writeln!(
        o,
        "## Blocking\n\n{} candidate pairs after removing duplicates.\n",
        r.candidate_pairs
    );
    o.push_str(&blocking_table(r).markdown());
    o.push_str("## Vetoes\n\nThe share of near-certain matches that show each veto's level; a veto stays a wall while the share is small.\n\n");
    o.push_str(&veto_table(r).markdown());
    o.push_str("## Training\n\nEach EM session learns m on the pairs that agree on its comparisons; `all` estimates λ over every candidate pair.\n\n");
    o.push_str(&training_table(r).markdown());
    if let Some(e) = &r.evaluation {
        let _ = writeln!(o, "## {}\n\n{}\n", against_title(e), against_note(e));
        o.push_str(&curve_table(e, r.threshold.probability).markdown());
    }
    o
}

/// The heading of the evaluation section.
fn against_title(e: &marac_link::report::Evaluation) -> &'static str {
    if e.against == "labels" {
        "Against clerical labels"
    } else {
        "Against ground truth"
    }
}

/// What the evaluation section measures, with its counts.
fn against_note(e: &marac_link::report::Evaluation) -> String {
    if e.against == "labels" {
        format!(
            "Precision and recall estimated from {} labelled pairs ({} labelled match), for the linkage as run and its last pass clustered again at each threshold. The estimates describe the labelled pairs: a sample drawn at random describes all pairs, a review queue describes the hard ones (docs/LABELS.md).",
            e.mentions, e.pairs_true
        )
    } else {
        format!(
            "{CURVE_NOTE} {} mentions, {} true pairs.",
            e.mentions, e.pairs_true
        )
    }
}

const ROW: f64 = 16.0;
const LABEL_W: f64 = 190.0;
const HALF_W: f64 = 220.0;

/// The match weight of every level as horizontal bars around zero.
pub fn level_chart(r: &ModelReport) -> String {
    let rows: usize = r.comparisons.iter().map(|c| c.levels.len() + 1).sum();
    let max = r
        .comparisons
        .iter()
        .flat_map(|c| c.levels.iter().map(|l| l.weight.abs()))
        .fold(1.0f64, f64::max);
    let (width, top) = (LABEL_W + 2.0 * HALF_W + 70.0, 40.0);
    let height = top + rows as f64 * ROW + 30.0;
    let zero = LABEL_W + HALF_W + 10.0;
    let x = |v: f64| zero + v / max * HALF_W;
    let mut s = format!(
        "<svg class=\"levels\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"levels-t\" font-family=\"sans-serif\" font-size=\"11\">\
<title id=\"levels-t\">Match weight of each level (bits): right of zero evidence for a match, left against</title>\
<defs><pattern id=\"levels-h\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<rect width=\"6\" height=\"6\" fill=\"#f3d3d0\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a4262c\" stroke-width=\"2\"/></pattern></defs>\
<text x=\"10\" y=\"16\" font-size=\"12\" font-weight=\"bold\">Match weight of each level (bits)</text>\
<text x=\"{:.1}\" y=\"32\" text-anchor=\"end\">against a match</text><text x=\"{:.1}\" y=\"32\">for a match</text>",
        zero - 6.0,
        zero + 6.0
    );
    let mut y = top;
    for c in &r.comparisons {
        let _ = write!(
            s,
            "<text x=\"10\" y=\"{:.1}\" font-weight=\"bold\">{}</text>",
            y + ROW - 4.0,
            html(c.name)
        );
        y += ROW;
        for l in &c.levels {
            let (x0, x1) = (x(l.weight.min(0.0)), x(l.weight.max(0.0)));
            let fill = if l.weight < 0.0 {
                "url(#levels-h)"
            } else {
                "#00703c"
            };
            let label = format!("{}: {} {} bits", c.name, l.level, bits(l.weight));
            let _ = write!(
                s,
                "<text x=\"24\" y=\"{:.1}\">{}</text>\
<rect class=\"level\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.5\"><title>{}</title></rect>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\" font-size=\"10\">{}</text>",
                y + ROW - 4.0,
                html(l.level),
                y + 2.0,
                (x1 - x0).max(1.0),
                ROW - 4.0,
                html(&label),
                if l.weight < 0.0 { x0 - 3.0 } else { x1 + 3.0 },
                y + ROW - 4.0,
                if l.weight < 0.0 { "end" } else { "start" },
                bits(l.weight)
            );
            y += ROW;
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{zero:.1}\" y1=\"{top:.1}\" x2=\"{zero:.1}\" y2=\"{y:.1}\" stroke=\"#333\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{zero:.1}\" y=\"{:.1}\" text-anchor=\"middle\">0</text>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></svg>",
        x(-max),
        y + 16.0,
        bits(-max),
        y + 16.0,
        x(max),
        y + 16.0,
        bits(max)
    );
    s
}

/// Precision, recall and F1 over thresholds, the linkage's threshold
/// marked. The vertical axis starts at the lowest value rounded down to a
/// twentieth, so that figures all near 1 are told apart.
pub fn curve_chart(e: &Evaluation, threshold: f64) -> String {
    let (left, top, w, h) = (50.0, 40.0, 520.0, 260.0);
    let (width, height) = (left + w + 150.0, top + h + 50.0);
    let low = e
        .curve
        .iter()
        .chain([&e.as_linked])
        .flat_map(|p| [p.precision, p.recall, p.f1])
        .fold(1.0f64, f64::min);
    let floor = ((low * 20.0).floor() / 20.0).clamp(0.0, 0.95);
    let px = |t: f64| left + t * w;
    let py = |v: f64| top + (1.0 - v) / (1.0 - floor) * h;
    let mut s = format!(
        "<svg class=\"curve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"curve-t\" font-family=\"sans-serif\" font-size=\"11\">\
<title id=\"curve-t\">Pairwise precision, recall and F1 by threshold; the linkage's threshold {threshold:.4}</title>\
<text x=\"10\" y=\"16\" font-size=\"12\" font-weight=\"bold\">Pairwise precision, recall and F1 by threshold</text>"
    );
    for k in 0..=10 {
        let (t, v) = (k as f64 / 10.0, floor + (1.0 - floor) * k as f64 / 10.0);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.3}</text>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.1}</text>",
            py(v),
            left + w,
            py(v),
            left - 6.0,
            py(v) + 4.0,
            px(t),
            top + h + 16.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">threshold (match probability)</text>\
<rect x=\"{left}\" y=\"{top}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#333\"/>",
        left + w / 2.0,
        top + h + 36.0
    );
    type Measure = fn(&CurvePoint) -> f64;
    let lines: [(&str, &str, &str, Measure); 3] = [
        ("precision", "#1d70b8", "", |p| p.precision),
        ("recall", "#d4351c", "6 3", |p| p.recall),
        ("f1", "#00703c", "2 2", |p| p.f1),
    ];
    for (n, (class, colour, dash, f)) in lines.iter().enumerate() {
        let points: Vec<String> = e
            .curve
            .iter()
            .map(|p| format!("{:.1},{:.1}", px(p.threshold), py(f(p))))
            .collect();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let name = if *class == "f1" { "F1" } else { class };
        let ly = top + 20.0 + n as f64 * 18.0;
        let _ = write!(
            s,
            "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}><title>{name}</title></polyline>\
<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>\
<text x=\"{:.1}\" y=\"{:.1}\">{name}</text>",
            points.join(" "),
            left + w + 12.0,
            left + w + 40.0,
            left + w + 46.0,
            ly + 4.0
        );
    }
    let tx = px(threshold);
    let _ = write!(
        s,
        "<line class=\"threshold\" x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#0b0c0c\" stroke-width=\"1.5\" stroke-dasharray=\"1 3\">\
<title>the linkage's threshold {threshold:.4}</title></line>\
<circle class=\"as-linked\" cx=\"{tx:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#00703c\"><title>F1 as linked {:.4}</title></circle>\
<text x=\"{:.1}\" y=\"{:.1}\">threshold {threshold:.4}</text>\
<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#00703c\"/><text x=\"{:.1}\" y=\"{:.1}\">F1 as linked</text></svg>",
        top + h,
        py(e.as_linked.f1),
        e.as_linked.f1,
        left + w + 12.0,
        top + 80.0,
        left + w + 26.0,
        top + 96.0,
        left + w + 46.0,
        top + 100.0
    );
    s
}

/// The report as a self-contained HTML page with its charts.
pub fn html_page(r: &ModelReport) -> String {
    let mut b = format!("<p>{}</p>", html(&summary(r)));
    b.push_str("<h2>Comparisons</h2><p>Each level's match weight is log2(m/u): above zero it is evidence for a match, below against.</p>");
    b.push_str(&level_chart(r));
    b.push_str(&level_table(r).html("levels"));
    let tf = tf_table(r);
    if !tf.rows.is_empty() {
        b.push_str("<p>Term-frequency adjustment of an exact match, from the commonest value to the rarest:</p>");
        b.push_str(&tf.html("tf"));
    }
    let _ = write!(
        b,
        "<h2>Blocking</h2><p>{} candidate pairs after removing duplicates.</p>",
        r.candidate_pairs
    );
    b.push_str(&blocking_table(r).html("blocking"));
    b.push_str("<h2>Vetoes</h2><p>The share of near-certain matches that show each veto's level; a veto stays a wall while the share is small.</p>");
    b.push_str(&veto_table(r).html("vetoes"));
    b.push_str("<h2>Training</h2><p>Each EM session learns m on the pairs that agree on its comparisons; <code>all</code> estimates λ over every candidate pair.</p>");
    b.push_str(&training_table(r).html("training"));
    if let Some(e) = &r.evaluation {
        let _ = write!(
            b,
            "<h2>{}</h2><p>{}</p>",
            html(against_title(e)),
            html(&against_note(e))
        );
        b.push_str(&curve_chart(e, r.threshold.probability));
        b.push_str(&curve_table(e, r.threshold.probability).html("curve"));
    }
    page("Linkage model", &b, None)
}
