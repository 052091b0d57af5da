//! Waterfall charts of a pair's match weight (inline SVG) and the same
//! terms as a table, for `marac link review` and `marac link --explain`;
//! and the explained pairs of `--explain` as Markdown and HTML.
//!
//! The numbers are [`marac_link::report::Waterfall`]'s: this module draws
//! them. One bar per term (`rect.term`): the prior, then each comparison's
//! level weight and term-frequency adjustment, each starting where the
//! last ended; then the total (`rect.total`), from zero to the posterior
//! log-odds, with the match probability. Bars of evidence for a match are
//! solid, against hatched, so the chart reads in black and white.

use std::fmt::Write;

use marac_link::report::{TermKind, Waterfall};

use crate::escape::{html, md};
use crate::page::page;
use crate::table::Table;

const BAR: f64 = 34.0;
const GAP: f64 = 12.0;
const LEFT: f64 = 54.0;
const TOP: f64 = 40.0;
const PLOT_H: f64 = 200.0;
const BOTTOM: f64 = 110.0;

/// A term's label: `prior`, `dob: exact`, `last_name: tf`.
pub fn term_label(kind: TermKind, name: &str, level: &str) -> String {
    match kind {
        TermKind::Prior => "prior".to_string(),
        TermKind::Level => format!("{name}: {level}"),
        TermKind::Tf => format!("{name}: tf"),
    }
}

/// Bits with a sign and two decimals.
pub fn bits(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    format!("{:+.2}", if r == 0.0 { 0.0 } else { r })
}

/// A tick step that gives about five ticks over `span` bits.
fn tick_step(span: f64) -> f64 {
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(100.0)
}

/// The waterfall as an inline SVG; `id` makes its ids unique in a page.
pub fn svg(w: &Waterfall, id: &str) -> String {
    let n = w.terms.len() + 1;
    let width = LEFT + n as f64 * (BAR + GAP) + GAP;
    let height = TOP + PLOT_H + BOTTOM;
    // The running sums, and the range the axis must hold.
    let mut ends = Vec::with_capacity(w.terms.len());
    let mut run = 0.0;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for t in &w.terms {
        let start = run;
        run += t.bits;
        ends.push((start, run));
        lo = lo.min(run);
        hi = hi.max(run);
    }
    lo = lo.min(w.total);
    hi = hi.max(w.total);
    let step = tick_step(hi - lo);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    if hi - lo < step {
        hi = lo + step;
    }
    let y = |v: f64| TOP + (hi - v) / (hi - lo) * PLOT_H;
    let title = format!(
        "Match weight {} bits, prior {} bits: posterior {} bits, probability {:.6}",
        bits(w.weight),
        bits(w.terms.first().map_or(0.0, |t| t.bits)),
        bits(w.total),
        w.probability
    );
    let id = html(id);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"waterfall\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-t\" font-family=\"sans-serif\" font-size=\"11\">\
<title id=\"{id}-t\">{}</title>\
<defs><pattern id=\"{id}-h\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
<rect width=\"6\" height=\"6\" fill=\"#f3d3d0\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a4262c\" stroke-width=\"2\"/></pattern></defs>\
<text x=\"{LEFT}\" y=\"16\" font-size=\"12\" font-weight=\"bold\">{}</text>",
        html(&title),
        html(&title)
    );
    // Axis: ticks and a line at zero.
    let mut v = lo;
    while v <= hi + 1e-9 {
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT,
            y(v),
            width - GAP,
            y(v),
            LEFT - 6.0,
            y(v) + 4.0,
            v
        );
        v += step;
    }
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>\
<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">bits</text>",
        y(0.0),
        width - GAP,
        y(0.0),
        TOP + PLOT_H / 2.0,
        TOP + PLOT_H / 2.0
    );
    let bar = |s: &mut String,
               k: usize,
               class: &str,
               from: f64,
               to: f64,
               fill: &str,
               label: &str| {
        let x = LEFT + GAP + k as f64 * (BAR + GAP);
        let (top, bottom) = (y(from.max(to)), y(from.min(to)));
        let h = (bottom - top).max(1.0);
        let _ = write!(
            s,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{top:.1}\" width=\"{BAR}\" height=\"{h:.1}\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.5\">\
<title>{}</title></rect>",
            html(label)
        );
        let cx = x + BAR / 2.0;
        let _ = write!(
            s,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>\
<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"end\" transform=\"rotate(-45 {cx:.1} {:.1})\">{}</text>",
            top - 3.0,
            html(&bits(to - from)),
            TOP + PLOT_H + 14.0,
            TOP + PLOT_H + 14.0,
            html(label)
        );
    };
    for (k, (t, (from, to))) in w.terms.iter().zip(&ends).enumerate() {
        let label = term_label(t.kind, t.name, t.level);
        let hatch = format!("url(#{id}-h)");
        let fill = match t.kind {
            TermKind::Prior => "#6f777b",
            _ if t.bits < 0.0 => hatch.as_str(),
            _ => "#00703c",
        };
        bar(&mut s, k, "term", *from, *to, fill, &label);
    }
    bar(
        &mut s,
        w.terms.len(),
        "total",
        0.0,
        w.total,
        "#1d70b8",
        &format!("total, p = {:.4}", w.probability),
    );
    s.push_str("</svg>");
    s
}

/// The waterfall's terms as a table: each term, its bits and the running
/// sum, then the total and the probability.
pub fn table(w: &Waterfall) -> Table {
    let mut t = Table::new(&[("term", false), ("bits", true), ("running sum", true)]);
    let mut run = 0.0;
    for term in &w.terms {
        run += term.bits;
        t.rows.push(vec![
            term_label(term.kind, term.name, term.level),
            bits(term.bits),
            bits(run),
        ]);
    }
    t.rows.push(vec![
        format!("total (probability {:.6})", w.probability),
        bits(w.total),
        bits(w.total),
    ]);
    t
}

/// One linking pair of `marac link --explain`.
#[derive(Debug, Clone)]
pub struct ExplainedPair {
    /// The first record's incident id and role.
    pub left: (String, &'static str),
    /// The second record's.
    pub right: (String, &'static str),
    /// Its match weight (0 for deterministic decisions).
    pub weight: f64,
    /// The linkage's probability for it.
    pub probability: f64,
    /// What decided it (`decided_by` of the CSV).
    pub decided_by: String,
    /// The model's waterfall (none for deterministic rules).
    pub waterfall: Option<Waterfall>,
}

fn pair_heading(p: &ExplainedPair) -> String {
    format!("{} {} and {} {}", p.left.0, p.left.1, p.right.0, p.right.1)
}

/// `--explain PAIRS.md`: each linking pair with what decided it and its
/// waterfall as a table.
pub fn explain_md(pairs: &[ExplainedPair]) -> String {
    let mut o = format!(
        "**{}**\n\n# Linking pairs explained\n\n",
        crate::page::MARKING
    );
    let _ = writeln!(
        o,
        "{} linking pairs, in mention order. Each pair's match weight is the sum of its terms; the prior added gives the posterior log-odds (bits) and the probability.\n",
        pairs.len()
    );
    for p in pairs {
        let _ = writeln!(o, "## {}\n", md(&pair_heading(p)));
        let _ = writeln!(
            o,
            "Weight {} bits, probability {:.6}; decided by {}.\n",
            bits(p.weight),
            p.probability,
            md(&p.decided_by)
        );
        if let Some(w) = &p.waterfall {
            o.push_str(&table(w).markdown());
        }
    }
    o
}

/// `--explain PAIRS.html`: each linking pair with what decided it, its
/// waterfall chart and the chart's table.
pub fn explain_html(pairs: &[ExplainedPair]) -> String {
    let mut body = format!(
        "<p>{} linking pairs, in mention order. Each pair's match weight is the sum of its terms; the prior added gives the posterior log-odds (bits) and the probability. No names or other personal values are shown.</p>",
        pairs.len()
    );
    for (n, p) in pairs.iter().enumerate() {
        let _ = write!(
            body,
            "<section class=\"pair\"><h2>{}</h2><p>Weight {} bits, probability {:.6}; decided by <code>{}</code>.</p>",
            html(&pair_heading(p)),
            bits(p.weight),
            p.probability,
            html(&p.decided_by)
        );
        if let Some(w) = &p.waterfall {
            body.push_str(&svg(w, &format!("w{}", n + 1)));
            body.push_str(&table(w).html("terms"));
        }
        body.push_str("</section>");
    }
    page("Linking pairs explained", &body, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use marac_link::report::Term;

    fn sample() -> Waterfall {
        let terms = vec![
            Term {
                kind: TermKind::Prior,
                name: "prior",
                level: "",
                bits: -12.5,
            },
            Term {
                kind: TermKind::Level,
                name: "first_name",
                level: "exact",
                bits: 6.25,
            },
            Term {
                kind: TermKind::Tf,
                name: "first_name",
                level: "",
                bits: -1.0,
            },
            Term {
                kind: TermKind::Level,
                name: "dob",
                level: "missing",
                bits: 0.0,
            },
            Term {
                kind: TermKind::Level,
                name: "last_name",
                level: "<else>",
                bits: -3.0,
            },
        ];
        Waterfall {
            terms,
            weight: 2.25,
            total: -10.25,
            probability: 0.000821,
        }
    }

    #[test]
    fn one_bar_per_term_and_one_total_in_valid_svg() {
        let s = svg(&sample(), "w1");
        let doc = roxmltree::Document::parse(&s).unwrap();
        let count = |class: &str| {
            doc.descendants()
                .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some(class))
                .count()
        };
        assert_eq!(count("term"), 5);
        assert_eq!(count("total"), 1);
        // Labels are escaped.
        assert!(s.contains("last_name: &lt;else&gt;"));
        assert!(!s.contains("<else>"));
        // Same input, same bytes.
        assert_eq!(s, svg(&sample(), "w1"));
    }

    #[test]
    fn the_table_runs_the_sum() {
        let t = table(&sample());
        assert_eq!(t.rows.len(), 6);
        assert_eq!(t.rows[1], ["first_name: exact", "+6.25", "-6.25"]);
        assert_eq!(t.rows[3], ["dob: missing", "+0.00", "-7.25"]);
        assert_eq!(t.rows[5][0], "total (probability 0.000821)");
        assert_eq!(t.rows[5][1], "-10.25");
    }
}
