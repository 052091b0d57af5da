//! The Markdown reports of `marac hotspots` (a title, the filters, a short
//! section per BCU, for each method and for `hotspots eval`) and the number
//! formats its Markdown, CSV and JSON share.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use marac_hotspot::dbscan::Cluster;
use marac_hotspot::gistar::{GiCell, GiClass, GiGrid};
use marac_hotspot::kde::KdeGrid;
use marac_hotspot::knox::{Distance, KnoxTable};
use marac_hotspot::pai::EvalRow;
use marac_hotspot::repeat::Place;
use marac_hotspot::GroupSummary;

use crate::escape::{html, md};
use crate::table::Table;

/// Rounds to 6 decimals, without a negative zero.
pub fn r6(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A value with 6 decimals (rounded as [`r6`]).
pub fn f6(v: f64) -> String {
    format!("{:.6}", r6(v))
}

/// A p-value: 6 decimals, or 4 significant digits in scientific notation below 0.0001.
pub fn fp(p: f64) -> String {
    if p > 0.0 && p < 1e-4 {
        format!("{p:.3e}")
    } else {
        format!("{p:.6}")
    }
}

/// A date as `YYYY-MM-DD`, or empty.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Where a hot spot, cluster or repeat location is, in words: `around Sun
/// Street Passage and Bow Lane, City of London`, `in Camden` (no street
/// names, as in redacted packs), `around Bow Lane` (no borough), or empty.
///
/// ```
/// use marac_render::hotspot::whereabouts_text;
/// let names = ["Sun Street Passage".to_string(), "Bow Lane".to_string()];
/// assert_eq!(whereabouts_text(Some("City of London"), &names), "around Sun Street Passage and Bow Lane, City of London");
/// assert_eq!(whereabouts_text(Some("Camden"), &[]), "in Camden");
/// assert_eq!(whereabouts_text(None, &names[1..]), "around Bow Lane");
/// assert_eq!(whereabouts_text(None, &[]), "");
/// ```
pub fn whereabouts_text(borough: Option<&str>, names: &[String]) -> String {
    let streets = match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    match (streets.is_empty(), borough) {
        (false, Some(b)) => format!("around {streets}, {b}"),
        (false, None) => format!("around {streets}"),
        (true, Some(b)) => format!("in {b}"),
        (true, None) => String::new(),
    }
}

/// The incidents a report counts: the `--kinds`, `--since` and `--until` given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    /// Only these kinds (as given).
    pub kinds: &'a [String],
    /// Only incidents reported on or after this date.
    pub since: Option<NaiveDate>,
    /// Only incidents reported on or before this date.
    pub until: Option<NaiveDate>,
}

/// The filters a report was run with, as a sentence (none: `None`).
fn filters_line(f: &Filters<'_>) -> Option<String> {
    let mut filters = Vec::new();
    if !f.kinds.is_empty() {
        filters.push(format!("kinds {}", f.kinds.join(",")));
    }
    if let Some(s) = f.since {
        filters.push(format!("since {s}"));
    }
    if let Some(u) = f.until {
        filters.push(format!("until {u}"));
    }
    (!filters.is_empty()).then(|| format!("Filters: {}.", filters.join(", ")))
}

/// A report's title and the filters it was run with.
pub fn header(title: &str, f: &Filters<'_>) -> String {
    let mut out = format!("# {title}\n\n");
    if let Some(line) = filters_line(f) {
        let _ = writeln!(out, "{line}\n");
    }
    out
}

/// The Content-Security-Policy of every HTML page `marac` writes: styles
/// inline, images only as data, no request of any kind.
pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// A self-contained HTML page of a spatial method's report: the title, the
/// filters, each BCU's section with its map (`parts`: section, `<svg>`),
/// and the snap point caveat when `caveat`.
pub fn html_page(
    title: &str,
    f: &Filters<'_>,
    parts: &[(Section, String)],
    caveat: bool,
) -> String {
    let mut o = format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{HTML_CSP}\"><title>{0}</title>\
<style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}}\
table{{border-collapse:collapse;margin:.5em 0}}th,td{{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}}\
svg.map{{max-width:100%;height:auto;display:block;margin:.5em 0}}section{{break-inside:avoid-page}}\
@media print{{body{{margin:1cm}}section{{break-before:page}}}}</style></head><body><h1>{0}</h1>",
        html(title)
    );
    if let Some(line) = filters_line(f) {
        let _ = write!(o, "<p>{}</p>", html(&line));
    }
    for (section, map) in parts {
        section.html(&mut o, map);
    }
    if caveat {
        let _ = write!(
            o,
            "<p class=\"note\"><strong>Caveat:</strong> {}.</p>",
            html(SNAP_CAVEAT)
        );
    }
    o.push_str("</body></html>\n");
    o
}

/// One BCU's part of a report of a spatial method: a line of figures, a
/// table (each row described by where it is), and a line after it. The same
/// section is written in Markdown and, beside its map, in HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The BCU.
    pub bcu: String,
    /// What was found, in one line.
    pub summary: String,
    /// The table, when there is anything to list.
    pub table: Option<Table>,
    /// A line after the table.
    pub after: Option<String>,
}

impl Section {
    /// The section in Markdown.
    pub fn markdown(&self, out: &mut String) {
        let _ = writeln!(out, "## {}\n\n{}\n", md(&self.bcu), md(&self.summary));
        if let Some(t) = &self.table {
            out.push_str(&t.markdown());
        }
        if let Some(a) = &self.after {
            let _ = writeln!(out, "{}\n", md(a));
        }
    }

    /// The section in HTML, with its map (an `<svg>` element) after the
    /// line of figures.
    pub fn html(&self, out: &mut String, map: &str) {
        let _ = write!(
            out,
            "<section><h2>{}</h2><p>{}</p>{map}",
            html(&self.bcu),
            html(&self.summary)
        );
        if let Some(t) = &self.table {
            out.push_str(&t.html("hotspots"));
        }
        if let Some(a) = &self.after {
            let _ = write!(out, "<p>{}</p>", html(a));
        }
        out.push_str("</section>");
    }
}

/// A BCU with no incidents with coordinates (Gi*, KDE).
pub fn no_incidents(bcu: &str) -> Section {
    Section {
        bcu: bcu.to_string(),
        summary: "No incidents with coordinates.".into(),
        ..Section::default()
    }
}

/// The `count`, `kinds`, `first`, `last` cells of a cluster or a place.
fn summary_cells(s: &GroupSummary) -> [String; 4] {
    [
        s.count.to_string(),
        s.kinds_text(),
        date(s.first),
        date(s.last),
    ]
}

/// DBSCAN: one BCU's clusters, numbered from `first_id` across BCUs (the
/// numbers on the map), each described by `wheres[i]`.
pub fn dbscan_bcu(
    bcu: &str,
    incidents: usize,
    clusters: &[Cluster],
    first_id: i32,
    noise: usize,
    wheres: &[String],
) -> Section {
    let mut t = Table::new(&[
        ("cluster", true),
        ("where", false),
        ("count", true),
        ("kinds", false),
        ("first", false),
        ("last", false),
    ]);
    for (cl, w) in clusters.iter().zip(wheres) {
        let mut row = vec![(cl.id + first_id).to_string(), w.clone()];
        row.extend(summary_cells(&cl.summary));
        t.rows.push(row);
    }
    Section {
        bcu: bcu.to_string(),
        summary: format!(
            "{} incidents, {} cluster(s), {} noise.",
            incidents,
            clusters.len(),
            noise
        ),
        table: (!clusters.is_empty()).then_some(t),
        after: None,
    }
}

/// Getis-Ord Gi*: one BCU's cells per class and its ten hottest cells,
/// each described by `where_of`.
pub fn gistar_bcu(
    bcu: &str,
    incidents: usize,
    g: &GiGrid,
    where_of: impl Fn(&GiCell) -> String,
) -> Section {
    let mut per_class: BTreeMap<GiClass, usize> = BTreeMap::new();
    for cell in &g.cells {
        *per_class.entry(cell.class).or_default() += 1;
    }
    let classes: Vec<String> = per_class
        .iter()
        .map(|(k, v)| format!("{} {v}", k.as_str()))
        .collect();
    let mut hot: Vec<&GiCell> = g.cells.iter().filter(|c| c.class.is_hot()).collect();
    hot.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.index.cmp(&b.index)));
    let mut t = Table::new(&[
        ("where", false),
        ("x", true),
        ("y", true),
        ("count", true),
        ("Gi* z", true),
        ("p", true),
        ("class", false),
    ]);
    for h in hot.iter().take(10) {
        t.rows.push(vec![
            where_of(h),
            h.x.to_string(),
            h.y.to_string(),
            h.count.to_string(),
            f6(h.z),
            fp(h.p),
            h.class.as_str().to_string(),
        ]);
    }
    Section {
        bcu: bcu.to_string(),
        summary: format!(
            "{} incidents, {} cells ({} × {}): {}.",
            incidents,
            g.cells.len(),
            g.grid.nx,
            g.grid.ny,
            classes.join(", ")
        ),
        table: (!hot.is_empty()).then_some(t),
        after: (hot.len() > 10).then(|| format!("… and {} more hot cells.", hot.len() - 10)),
    }
}

/// Quartic KDE: one BCU's bandwidth and its ten densest of `cells` (the
/// grid cells with a density above zero), each described by `where_of`.
pub fn kde_bcu(
    bcu: &str,
    incidents: usize,
    k: &KdeGrid,
    cells: &[usize],
    where_of: impl Fn(usize) -> String,
) -> Section {
    let mut densest = cells.to_vec();
    densest.sort_by(|&a, &b| k.density[b].total_cmp(&k.density[a]).then(a.cmp(&b)));
    let mut t = Table::new(&[
        ("where", false),
        ("x", true),
        ("y", true),
        ("density per km²", true),
    ]);
    for &i in densest.iter().take(10) {
        let [x, y] = k.grid.centre(i);
        t.rows.push(vec![
            where_of(i),
            x.to_string(),
            y.to_string(),
            format!("{:.3}", k.density[i]),
        ]);
    }
    Section {
        bcu: bcu.to_string(),
        summary: format!(
            "{} incidents; bandwidth {:.0} m ({}); {} cells with density > 0.",
            incidents,
            r6(k.bandwidth),
            if k.rule {
                "ArcGIS default search radius rule"
            } else {
                "given"
            },
            cells.len()
        ),
        table: Some(t),
        after: None,
    }
}

/// Why a repeat location at a data.police.uk point is not an address.
pub const SNAP_CAVEAT: &str = "data.police.uk coordinates are anonymised snap points: a repeat \
location there is a snap point standing for many addresses, not an address";

/// Repeat locations: one BCU's places, numbered from 1 (the markers on
/// the map), each described by `wheres[i]`.
pub fn repeat_bcu(bcu: &str, incidents: usize, places: &[Place], wheres: &[String]) -> Section {
    let mut t = Table::new(&[
        ("#", true),
        ("place", false),
        ("where", false),
        ("count", true),
        ("kinds", false),
        ("first", false),
        ("last", false),
        ("snap point", false),
    ]);
    for (i, (pl, w)) in places.iter().zip(wheres).enumerate() {
        let mut row = vec![(i + 1).to_string(), pl.label.clone(), w.clone()];
        row.extend(summary_cells(&pl.summary));
        row.push(if pl.snap_point { "yes" } else { "no" }.into());
        t.rows.push(row);
    }
    Section {
        bcu: bcu.to_string(),
        summary: format!(
            "{} incidents, {} repeat location(s).",
            incidents,
            places.len()
        ),
        table: (!places.is_empty()).then_some(t),
        after: None,
    }
}

/// The snap point caveat, after the BCUs, when any place is a snap point.
pub fn snap_caveat(out: &mut String) {
    let _ = writeln!(out, "> **Caveat:** {SNAP_CAVEAT}.");
}

/// How the bounds of the near-repeat bands read, for JSON.
pub const KNOX_BOUNDS: &str = "space: space_min_m < distance <= space_max_m \
(same location: distance = 0 m; no space_max_m: no upper bound); \
time: time_min_days <= whole days between the report dates <= time_max_days \
(no time_max_days: no upper bound)";

/// Near repeat: how the table's distances and bands read, once per report.
pub fn knox_key(out: &mut String, distance: Distance) {
    let how = match distance {
        Distance::Euclidean => "straight line",
        Distance::Manhattan => "|Δx| + |Δy|",
    };
    let how = md(how);
    let _ = writeln!(
        out,
        "Distance between two incidents: {} ({how}), in BNG metres. A distance band \
includes its upper bound and not its lower one; same location is exactly 0 m. \
Days apart: whole days between the report dates, both ends of a band included.\n",
        distance.title()
    );
}

/// Near repeat: one BCU's Knox table.
pub fn knox_bcu(out: &mut String, bcu: &str, t: &KnoxTable) {
    // The last row is the pairs beyond the widest band.
    let max_band = t.space_bands.last().map_or(0.0, |b| b.min_m);
    let _ = writeln!(
        out,
        "## {}\n\n{} incidents, {} pairs at most {} m apart ({}).\n",
        md(bcu),
        t.events,
        t.close_pairs,
        max_band,
        t.distance.title()
    );
    let mut head = String::from("| distance |");
    let mut rule = String::from("| --- |");
    for b in &t.time_bands {
        let _ = write!(head, " {} |", md(&b.label));
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "Observed / expected (Knox ratio), Monte Carlo p in brackets; * p <= 0.05.\n\n{head}\n{rule}");
    let cols = t.time_bands.len();
    for (r, band) in t.space_bands.iter().enumerate() {
        let _ = write!(out, "| {} |", md(&band.label));
        for cell in &t.cells[r * cols..(r + 1) * cols] {
            let ratio = cell
                .ratio
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "n/a".into());
            let star = if cell.p <= 0.05 { "*" } else { "" };
            let _ = write!(
                out,
                " {} / {:.2} = {ratio} (p {:.3}){star} |",
                cell.observed, cell.expected, cell.p
            );
        }
        out.push('\n');
    }
    out.push('\n');
}

/// `hotspots eval`: one BCU's split and, when it has incidents, the PAI of
/// each method (`rows`).
pub fn eval_bcu(out: &mut String, bcu: &str, train: usize, test: usize, rows: Option<&[EvalRow]>) {
    let _ = writeln!(
        out,
        "## {}\n\n{} training, {} test incidents.\n",
        md(bcu),
        train,
        test
    );
    let Some(rows) = rows else {
        return;
    };
    let _ = writeln!(
        out,
        "| method | cells | area share | hits | hit rate | PAI |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let opt = |v: Option<f64>, d: usize| {
        v.map(|v| format!("{v:.d$}"))
            .unwrap_or_else(|| "n/a".into())
    };
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.4} | {} | {} | {} |",
            r.method,
            r.cells,
            r.area_share,
            r.hits,
            opt(r.hit_rate, 3),
            opt(r.pai, 2)
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(r6(-0.0000001), 0.0);
        assert!(r6(-0.0000001).is_sign_positive(), "no negative zero");
        assert_eq!(f6(1.23456789), "1.234568");
        assert_eq!(fp(0.00001234), "1.234e-5");
        assert_eq!(fp(0.05), "0.050000");
        assert_eq!(fp(0.0), "0.000000");
        assert_eq!(date(None), "");
    }

    #[test]
    fn header_names_the_filters_and_sections_escape_the_bcu() {
        assert_eq!(header("T", &Filters::default()), "# T\n\n");
        let kinds = ["asb".to_string(), "hate".to_string()];
        let f = Filters {
            kinds: &kinds,
            since: NaiveDate::from_ymd_opt(2026, 1, 1),
            until: None,
        };
        assert_eq!(
            header("T", &f),
            "# T\n\nFilters: kinds asb,hate, since 2026-01-01.\n\n"
        );
        let mut out = String::new();
        no_incidents("<b>|").markdown(&mut out);
        assert_eq!(out, "## &lt;b&gt;\\|\n\nNo incidents with coordinates.\n\n");
    }
}
