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

use crate::escape::md;

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

/// A report's title and the filters it was run with.
pub fn header(title: &str, f: &Filters<'_>) -> String {
    let mut out = format!("# {title}\n\n");
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
    if !filters.is_empty() {
        let _ = writeln!(out, "Filters: {}.\n", filters.join(", "));
    }
    out
}

/// A BCU with no incidents with coordinates (Gi*, KDE).
pub fn no_incidents(out: &mut String, bcu: &str) {
    let _ = writeln!(out, "## {}\n\nNo incidents with coordinates.\n", md(bcu));
}

/// The `count | kinds | first | last` cells of a cluster or a place.
fn summary_cells(s: &GroupSummary) -> String {
    format!(
        "{} | {} | {} | {}",
        s.count,
        s.kinds_text(),
        date(s.first),
        date(s.last)
    )
}

/// DBSCAN: one BCU's clusters, numbered from `first_id` across BCUs.
pub fn dbscan_bcu(
    out: &mut String,
    bcu: &str,
    incidents: usize,
    clusters: &[Cluster],
    first_id: i32,
    noise: usize,
) {
    let _ = writeln!(
        out,
        "## {}\n\n{} incidents, {} cluster(s), {} noise.\n",
        md(bcu),
        incidents,
        clusters.len(),
        noise
    );
    if clusters.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| cluster | count | kinds | first | last |\n| ---: | ---: | --- | --- | --- |"
    );
    for cl in clusters {
        let _ = writeln!(
            out,
            "| {} | {} |",
            cl.id + first_id,
            summary_cells(&cl.summary)
        );
    }
    out.push('\n');
}

/// Getis-Ord Gi*: one BCU's cells per class and its ten hottest cells.
pub fn gistar_bcu(out: &mut String, bcu: &str, incidents: usize, g: &GiGrid) {
    let _ = writeln!(out, "## {}\n", md(bcu));
    let mut per_class: BTreeMap<GiClass, usize> = BTreeMap::new();
    for cell in &g.cells {
        *per_class.entry(cell.class).or_default() += 1;
    }
    let classes: Vec<String> = per_class
        .iter()
        .map(|(k, v)| format!("{} {v}", k.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "{} incidents, {} cells ({} × {}): {}.\n",
        incidents,
        g.cells.len(),
        g.grid.nx,
        g.grid.ny,
        classes.join(", ")
    );
    let mut hot: Vec<&GiCell> = g.cells.iter().filter(|c| c.class.is_hot()).collect();
    hot.sort_by(|a, b| b.z.total_cmp(&a.z).then(a.index.cmp(&b.index)));
    if hot.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| x | y | count | Gi* z | p | class |\n| ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for h in hot.iter().take(10) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            h.x,
            h.y,
            h.count,
            f6(h.z),
            fp(h.p),
            h.class.as_str()
        );
    }
    if hot.len() > 10 {
        let _ = writeln!(out, "\n… and {} more hot cells.", hot.len() - 10);
    }
    out.push('\n');
}

/// Quartic KDE: one BCU's bandwidth and its ten densest of `cells` (the
/// grid cells with a density above zero).
pub fn kde_bcu(out: &mut String, bcu: &str, incidents: usize, k: &KdeGrid, cells: &[usize]) {
    let _ = writeln!(out, "## {}\n", md(bcu));
    let _ = writeln!(
        out,
        "{} incidents; bandwidth {:.0} m ({}); {} cells with density > 0.\n",
        incidents,
        r6(k.bandwidth),
        if k.rule {
            "ArcGIS default search radius rule"
        } else {
            "given"
        },
        cells.len()
    );
    let mut densest = cells.to_vec();
    densest.sort_by(|&a, &b| k.density[b].total_cmp(&k.density[a]).then(a.cmp(&b)));
    let _ = writeln!(out, "| x | y | density per km² |\n| ---: | ---: | ---: |");
    for &i in densest.iter().take(10) {
        let [x, y] = k.grid.centre(i);
        let _ = writeln!(out, "| {x} | {y} | {:.3} |", k.density[i]);
    }
    out.push('\n');
}

/// Why a repeat location at a data.police.uk point is not an address.
pub const SNAP_CAVEAT: &str = "data.police.uk coordinates are anonymised snap points: a repeat \
location there is a snap point standing for many addresses, not an address";

/// Repeat locations: one BCU's places.
pub fn repeat_bcu(out: &mut String, bcu: &str, incidents: usize, places: &[Place]) {
    let _ = writeln!(
        out,
        "## {}\n\n{} incidents, {} repeat location(s).\n",
        md(bcu),
        incidents,
        places.len()
    );
    if places.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| place | count | kinds | first | last | snap point |\n| --- | ---: | --- | --- | --- | --- |"
    );
    for pl in places {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md(&pl.label),
            summary_cells(&pl.summary),
            if pl.snap_point { "yes" } else { "no" }
        );
    }
    out.push('\n');
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
        no_incidents(&mut out, "<b>|");
        assert_eq!(out, "## &lt;b&gt;\\|\n\nNo incidents with coordinates.\n\n");
    }
}
