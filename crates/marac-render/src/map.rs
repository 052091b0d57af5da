//! Maps as SVG: the HTML pack's map and `marac hotspots --format svg|html`.
//!
//! A [`Map`] is drawn on a frame in British National Grid metres around
//! the BCU (its areas marked `focus`) and whatever is drawn on it: borough
//! outlines with their names (each label at the pole of inaccessibility of
//! the borough's visible part, so inside it), the BCU's outline in bold, Gi*
//! cells by confidence class, a KDE surface, DBSCAN clusters as outlines,
//! numbered markers (the number is the row of the table beside the map), a
//! scale bar (a round distance computed from BNG metres), a north arrow
//! (grid north), a key, the boundaries' attribution and a title with the
//! period and the method.
//!
//! Every fill that carries meaning has a line pattern or a line style as
//! well as a colour, so the map reads in black and white: hot cells are
//! hatched one way and cold cells the other, denser with confidence; the
//! KDE classes darken with density; snap points are diamonds, repeat
//! locations circles.
//!
//! Outlines are simplified for drawing (Ramer–Douglas–Peucker at 1 px),
//! clipped to the frame, and every coordinate is rounded to 0.1 px, so
//! the same input gives the same bytes. Every string is escaped with
//! [`html`].

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt::Write;

use geo::{
    Area, BooleanOps, BoundingRect, Coord, MapCoords, MultiPolygon, Polygon, Rect, Simplify,
};
use marac_hotspot::gistar::GiClass;
use marac_hotspot::grid::Grid;

use crate::escape::html;

/// The longer side of the map frame, pixels.
pub const FRAME_PX: f64 = 640.0;
/// The smallest extent a map shows, metres (a map of one point shows 1 km).
pub const MIN_EXTENT_M: f64 = 1000.0;
/// Outlines are simplified to within this many pixels.
pub const SIMPLIFY_PX: f64 = 1.0;
const MARGIN: f64 = 10.0;
const TITLE_H: f64 = 46.0;
const LEGEND_GAP: f64 = 16.0;
const LEGEND_W: f64 = 250.0;
/// A visible piece of an area smaller than this (px²) is not drawn.
const MIN_PIECE_PX2: f64 = 16.0;

/// One area (borough) to draw.
#[derive(Debug, Clone, Copy)]
pub struct MapArea<'a> {
    /// Its name, written inside it.
    pub name: &'a str,
    /// Its outline, BNG metres, full resolution (simplified here).
    pub polygon: &'a MultiPolygon<f64>,
    /// Whether it is one of the BCU's areas (the others are neighbours,
    /// drawn where they fall in the frame).
    pub focus: bool,
}

/// Every area of `areas`, those of the BCU named `bcu` marked `focus`: what
/// a BCU's map is drawn on.
pub fn areas_of<'a>(areas: &'a marac_geo::Areas, bcu: &str) -> Vec<MapArea<'a>> {
    areas
        .areas()
        .iter()
        .map(|a| MapArea {
            name: &a.name,
            polygon: &a.polygon,
            focus: &*a.bcu == bcu,
        })
        .collect()
}

/// A Gi* cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapCell {
    /// Cell centre, BNG easting.
    pub x: f64,
    /// Cell centre, BNG northing.
    pub y: f64,
    /// Side, metres.
    pub size: f64,
    /// Its class (not-significant cells are not drawn).
    pub class: GiClass,
}

/// A DBSCAN cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct MapCluster {
    /// Its number, as in the table.
    pub number: i32,
    /// Its hull, BNG metres.
    pub hull: Polygon<f64>,
}

/// A numbered marker (a repeat location).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The row of the table that describes it (1-based).
    pub number: usize,
    /// BNG easting.
    pub x: f64,
    /// BNG northing.
    pub y: f64,
    /// A data.police.uk snap point (drawn as a diamond), not an address.
    pub snap: bool,
    /// What the marker's tooltip says after its number.
    pub title: String,
}

/// A KDE surface: the density of each cell of a grid.
#[derive(Debug, Clone, Copy)]
pub struct Surface<'a> {
    /// The grid.
    pub grid: &'a Grid,
    /// One value per cell of `grid`.
    pub values: &'a [f64],
}

/// Which Gi* classes the key lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GiKey {
    /// No Gi* layer.
    #[default]
    None,
    /// Hot spots only (the pack).
    Hot,
    /// Hot and cold spots.
    HotAndCold,
}

/// A map to draw.
#[derive(Debug, Clone, Default)]
pub struct Map<'a> {
    /// A prefix for the ids in the SVG, unique in the document.
    pub id: String,
    /// The title: the BCU and the method.
    pub title: String,
    /// The line under the title: the period.
    pub period: String,
    /// The areas (those that fall in the frame are drawn).
    pub areas: Vec<MapArea<'a>>,
    /// The boundaries' attribution.
    pub attribution: Option<&'a str>,
    /// Which Gi* classes the key lists.
    pub gi_key: GiKey,
    /// Gi* cells.
    pub cells: Vec<MapCell>,
    /// A KDE surface.
    pub surface: Option<Surface<'a>>,
    /// DBSCAN clusters.
    pub clusters: Vec<MapCluster>,
    /// Numbered markers.
    pub markers: Vec<Marker>,
    /// A line at the foot of the key (e.g. that nothing was found).
    pub note: Option<String>,
}

/// Where BNG metres land on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The frame in BNG metres.
    pub rect: Rect<f64>,
    /// Pixels per metre.
    pub scale: f64,
    /// Left edge of the frame, px.
    pub left: f64,
    /// Top edge of the frame, px.
    pub top: f64,
}

impl Frame {
    /// The page position of a BNG point.
    pub fn px(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.left + (c.x - self.rect.min().x) * self.scale,
            self.top + (self.rect.max().y - c.y) * self.scale,
        )
    }

    /// Frame width, px.
    pub fn width(&self) -> f64 {
        self.rect.width() * self.scale
    }

    /// Frame height, px.
    pub fn height(&self) -> f64 {
        self.rect.height() * self.scale
    }
}

/// The round distance the scale bar shows for a frame `width_m` metres wide:
/// the largest 1, 2 or 5 × 10ⁿ metres at most a fifth of the width.
///
/// ```
/// use marac_render::map::scale_bar_metres;
/// assert_eq!(scale_bar_metres(10_000.0), 2000.0);
/// assert_eq!(scale_bar_metres(4_000.0), 500.0);
/// assert_eq!(scale_bar_metres(30_000.0), 5000.0);
/// ```
pub fn scale_bar_metres(width_m: f64) -> f64 {
    let target = (width_m / 5.0).max(1.0);
    let p = 10f64.powf(target.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|&d| d <= target)
        .unwrap_or(p)
}

/// A distance as the scale bar writes it: `500 m`, `2 km`, `1.5 km`.
///
/// ```
/// use marac_render::map::distance_label;
/// assert_eq!(distance_label(500.0), "500 m");
/// assert_eq!(distance_label(2000.0), "2 km");
/// assert_eq!(distance_label(1500.0), "1.5 km");
/// ```
pub fn distance_label(m: f64) -> String {
    if m >= 1000.0 {
        let km = m / 1000.0;
        if km.fract() == 0.0 {
            format!("{km:.0} km")
        } else {
            format!("{km} km")
        }
    } else {
        format!("{m:.0} m")
    }
}

/// Grows a rectangle (or starts one) to hold another; a rectangle with a
/// coordinate that is not finite is left out.
fn grow(r: &mut Option<Rect<f64>>, other: Rect<f64>) {
    if finite_rect(Some(other)).is_none() {
        return;
    }
    *r = Some(match *r {
        None => other,
        Some(a) => Rect::new(
            Coord {
                x: a.min().x.min(other.min().x),
                y: a.min().y.min(other.min().y),
            },
            Coord {
                x: a.max().x.max(other.max().x),
                y: a.max().y.max(other.max().y),
            },
        ),
    });
}

fn finite_rect(r: Option<Rect<f64>>) -> Option<Rect<f64>> {
    r.filter(|r| {
        [r.min().x, r.min().y, r.max().x, r.max().y]
            .iter()
            .all(|v| v.is_finite())
    })
}

/// The surface's cells with a value above zero.
fn surface_cells<'s>(s: &Surface<'s>) -> impl Iterator<Item = (usize, f64)> + 's {
    s.values
        .iter()
        .copied()
        .enumerate()
        .take(s.grid.len())
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
}

impl Map<'_> {
    /// The frame: the BCU's areas and everything drawn, at least
    /// [`MIN_EXTENT_M`] across, with a margin, at [`FRAME_PX`] on its longer
    /// side.
    pub fn frame(&self) -> Frame {
        let mut r: Option<Rect<f64>> = None;
        for a in self.areas.iter().filter(|a| a.focus) {
            if let Some(b) = finite_rect(a.polygon.bounding_rect()) {
                grow(&mut r, b);
            }
        }
        let point = |x: f64, y: f64, half: f64| {
            Rect::new(
                Coord {
                    x: x - half,
                    y: y - half,
                },
                Coord {
                    x: x + half,
                    y: y + half,
                },
            )
        };
        let mut features: Option<Rect<f64>> = None;
        for c in &self.cells {
            grow(&mut features, point(c.x, c.y, c.size / 2.0));
        }
        for m in &self.markers {
            grow(&mut features, point(m.x, m.y, 0.0));
        }
        for c in &self.clusters {
            if let Some(b) = c.hull.bounding_rect() {
                grow(&mut features, b);
            }
        }
        if let Some(s) = &self.surface {
            for (i, _) in surface_cells(s) {
                let [x, y] = s.grid.centre(i);
                grow(&mut features, point(x, y, s.grid.cell / 2.0));
            }
        }
        if let Some(f) = finite_rect(features) {
            grow(&mut r, f);
        }
        if r.is_none() {
            for a in &self.areas {
                if let Some(b) = finite_rect(a.polygon.bounding_rect()) {
                    grow(&mut r, b);
                }
            }
        }
        let r = finite_rect(r).unwrap_or_else(|| point(0.0, 0.0, MIN_EXTENT_M / 2.0));
        let c = r.center();
        let (w, h) = (r.width().max(MIN_EXTENT_M), r.height().max(MIN_EXTENT_M));
        let pad = 0.04 * w.max(h);
        let (w, h) = (w + 2.0 * pad, h + 2.0 * pad);
        let rect = Rect::new(
            Coord {
                x: c.x - w / 2.0,
                y: c.y - h / 2.0,
            },
            Coord {
                x: c.x + w / 2.0,
                y: c.y + h / 2.0,
            },
        );
        Frame {
            rect,
            scale: FRAME_PX / w.max(h),
            left: MARGIN,
            top: TITLE_H + MARGIN,
        }
    }
}

/// A value in tenths of a pixel.
fn tenths(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

/// Tenths of a pixel as text: `12.3`, `12`, `-0.5`.
fn t(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    if a.is_multiple_of(10) {
        format!("{sign}{}", a / 10)
    } else {
        format!("{sign}{}.{}", a / 10, a % 10)
    }
}

/// A pixel value rounded to 0.1 px, as text.
fn n(v: f64) -> String {
    t(tenths(v))
}

/// SVG path data of polygons (BNG metres): absolute start, relative steps,
/// in tenths of a pixel; rings that round to fewer than three points are
/// left out.
fn path_data(f: &Frame, polys: &[Polygon<f64>]) -> String {
    let mut d = String::new();
    for poly in polys {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let mut pts: Vec<(i64, i64)> = Vec::with_capacity(ring.0.len());
            for c in &ring.0 {
                let (x, y) = f.px(*c);
                let p = (tenths(x), tenths(y));
                if pts.last() != Some(&p) {
                    pts.push(p);
                }
            }
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            if pts.len() < 3 {
                continue;
            }
            let _ = write!(d, "M{} {}", t(pts[0].0), t(pts[0].1));
            d.push('l');
            for (i, w) in pts.windows(2).enumerate() {
                if i > 0 {
                    d.push(' ');
                }
                let _ = write!(d, "{} {}", t(w[1].0 - w[0].0), t(w[1].1 - w[0].1));
            }
            d.push('z');
        }
    }
    d
}

/// The part of an outline inside the frame, simplified to 1 px; pieces too
/// small to see are dropped.
fn visible(mp: &MultiPolygon<f64>, f: &Frame) -> MultiPolygon<f64> {
    let Some(b) = finite_rect(mp.bounding_rect()) else {
        return MultiPolygon::new(Vec::new());
    };
    let r = f.rect;
    if b.max().x < r.min().x
        || b.min().x > r.max().x
        || b.max().y < r.min().y
        || b.min().y > r.max().y
    {
        return MultiPolygon::new(Vec::new());
    }
    let simple = mp.simplify(SIMPLIFY_PX / f.scale);
    let inside = b.min().x >= r.min().x
        && b.max().x <= r.max().x
        && b.min().y >= r.min().y
        && b.max().y <= r.max().y;
    let clipped = if inside {
        simple
    } else {
        simple.intersection(&r.to_polygon())
    };
    let min_area = MIN_PIECE_PX2 / (f.scale * f.scale);
    MultiPolygon::new(
        clipped
            .0
            .into_iter()
            .filter(|p| p.unsigned_area() >= min_area)
            .collect(),
    )
}

/// Signed distance from a point to a polygon's outline (positive inside),
/// in the polygon's units.
fn signed_distance(p: Coord<f64>, poly: &Polygon<f64>) -> f64 {
    let mut inside = false;
    let mut best = f64::INFINITY;
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for w in ring.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
                inside = !inside;
            }
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            let k = if len2 > 0.0 {
                (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (a.x + k * dx - p.x, a.y + k * dy - p.y);
            best = best.min(ex * ex + ey * ey);
        }
    }
    let d = best.sqrt();
    if inside {
        d
    } else {
        -d
    }
}

/// A square of the pole search: centre, half side, distance, best possible.
#[derive(Debug, Clone, Copy)]
struct Cell {
    c: Coord<f64>,
    h: f64,
    d: f64,
    max: f64,
}

impl Cell {
    fn new(c: Coord<f64>, h: f64, poly: &Polygon<f64>) -> Cell {
        let d = signed_distance(c, poly);
        Cell {
            c,
            h,
            d,
            max: d + h * std::f64::consts::SQRT_2,
        }
    }
}

impl PartialEq for Cell {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cell {
    fn cmp(&self, o: &Self) -> Ordering {
        self.max
            .total_cmp(&o.max)
            .then(o.c.x.total_cmp(&self.c.x))
            .then(o.c.y.total_cmp(&self.c.y))
    }
}

/// The pole of inaccessibility of a polygon (the inside point farthest from
/// its outline, to within `precision`; Mapbox's polylabel) and its distance
/// to the outline. Where a label goes: unlike the centroid, always inside.
///
/// ```
/// use geo::{polygon, Coord};
/// // An L shape: its centroid (about 3.6, 3.6) is outside it.
/// let l = polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 2.), (x: 2., y: 2.), (x: 2., y: 10.), (x: 0., y: 10.)];
/// let (p, d) = marac_render::map::pole_of_inaccessibility(&l, 0.001);
/// // The largest circle inside touches both outer edges and the inner
/// // corner (2, 2): radius 2√2 / (1 + √2).
/// let r = 2.0 * 2f64.sqrt() / (1.0 + 2f64.sqrt());
/// assert!((d - r).abs() < 0.002, "{d}");
/// assert!((p.x - r).abs() < 0.01 && (p.y - r).abs() < 0.01, "inside the L: {p:?}");
/// ```
pub fn pole_of_inaccessibility(poly: &Polygon<f64>, precision: f64) -> (Coord<f64>, f64) {
    let Some(b) = finite_rect(poly.bounding_rect()) else {
        return (Coord { x: 0.0, y: 0.0 }, 0.0);
    };
    let size = b.width().min(b.height());
    if size <= 0.0 {
        return (b.min(), 0.0);
    }
    let h = size / 2.0;
    let mut queue = BinaryHeap::new();
    let mut x = b.min().x;
    while x < b.max().x {
        let mut y = b.min().y;
        while y < b.max().y {
            queue.push(Cell::new(Coord { x: x + h, y: y + h }, h, poly));
            y += size;
        }
        x += size;
    }
    let mut best = Cell::new(b.center(), 0.0, poly);
    let mut budget = 20_000usize;
    while let Some(cell) = queue.pop() {
        if cell.d > best.d {
            best = cell;
        }
        if cell.max - best.d <= precision || budget == 0 {
            continue;
        }
        budget = budget.saturating_sub(4);
        let h = cell.h / 2.0;
        for (dx, dy) in [(-h, -h), (h, -h), (-h, h), (h, h)] {
            queue.push(Cell::new(
                Coord {
                    x: cell.c.x + dx,
                    y: cell.c.y + dy,
                },
                h,
                poly,
            ));
        }
    }
    (best.c, best.d)
}

/// Where a label goes in an outline already in pixels: the pole of its
/// largest piece.
fn label_point(px_polys: &[Polygon<f64>]) -> Option<Coord<f64>> {
    let largest = px_polys
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    Some(pole_of_inaccessibility(largest, 1.0).0)
}

fn to_px(f: &Frame, mp: &MultiPolygon<f64>) -> Vec<Polygon<f64>> {
    mp.0.iter()
        .map(|p| {
            p.map_coords(|c| {
                let (x, y) = f.px(c);
                Coord { x, y }
            })
        })
        .collect()
}

/// The fill colour of a Gi* class and its hatching: line spacing (px) and
/// direction (hot `/`, cold `\`).
fn gi_style(class: GiClass) -> (&'static str, f64, f64) {
    match class {
        GiClass::Hot99 => ("#b2182b", 3.0, 45.0),
        GiClass::Hot95 => ("#ef8a62", 5.0, 45.0),
        GiClass::Hot90 => ("#fddbc7", 8.0, 45.0),
        GiClass::Cold90 => ("#d1e5f0", 8.0, -45.0),
        GiClass::Cold95 => ("#67a9cf", 5.0, -45.0),
        GiClass::Cold99 => ("#2166ac", 3.0, -45.0),
        GiClass::NotSignificant => ("#ffffff", 0.0, 0.0),
    }
}

/// The key's wording of a Gi* class.
pub fn gi_label(class: GiClass) -> &'static str {
    match class {
        GiClass::Hot99 => "Hot spot, 99 % confidence",
        GiClass::Hot95 => "Hot spot, 95 % confidence",
        GiClass::Hot90 => "Hot spot, 90 % confidence",
        GiClass::Cold90 => "Cold spot, 90 % confidence",
        GiClass::Cold95 => "Cold spot, 95 % confidence",
        GiClass::Cold99 => "Cold spot, 99 % confidence",
        GiClass::NotSignificant => "Not significant",
    }
}

/// The class named `name` (`hot_99`, …); anything else is not significant.
pub fn gi_class(name: &str) -> GiClass {
    HOT.iter()
        .chain(COLD.iter())
        .copied()
        .find(|c| c.as_str() == name)
        .unwrap_or(GiClass::NotSignificant)
}

const HOT: [GiClass; 3] = [GiClass::Hot99, GiClass::Hot95, GiClass::Hot90];
const COLD: [GiClass; 3] = [GiClass::Cold99, GiClass::Cold95, GiClass::Cold90];
/// KDE classes, light to dark (so they read in grey too).
const KDE_COLOURS: [&str; 5] = ["#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"];
const FOCUS_FILL: &str = "#f6f1e1";
const NEIGHBOUR_FILL: &str = "#e2e2e2";
/// The key's wording of a snap point.
pub const SNAP_KEY: &str = "data.police.uk snap point, not an address";

/// One line of the key.
enum Swatch {
    Fill(String, &'static str, f64, &'static str),
    Line(f64, &'static str),
    Circle,
    Diamond,
    Text,
}

/// The diamond of a snap point centred on (x, y).
fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "M{} {}l{} {} {} {} {} {}z",
        n(x),
        n(y - r),
        n(r),
        n(r),
        n(-r),
        n(r),
        n(-r),
        n(-r)
    )
}

/// A marker's radius for its number.
fn marker_radius(number: usize) -> f64 {
    5.0 + 2.5 * number.to_string().len() as f64
}

/// Words wrapped to lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Equal-interval class (0–4) of a KDE value, and the classes' upper bounds.
fn kde_classes(max: f64) -> [f64; 5] {
    [0.2, 0.4, 0.6, 0.8, 1.0].map(|k| k * max)
}

fn kde_class(v: f64, max: f64) -> usize {
    if max <= 0.0 {
        return 0;
    }
    (((v / max) * 5.0).ceil() as usize).clamp(1, 5) - 1
}

/// A value for the KDE key: 3 significant digits.
fn sig3(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Draws the map as one `<svg>` element.
pub fn svg(map: &Map<'_>) -> String {
    let f = map.frame();
    let id = html(&map.id);
    let (fw, fh) = (f.width(), f.height());
    let mut o = String::new();

    // The areas in the frame, simplified and clipped.
    struct Drawn<'s> {
        name: &'s str,
        focus: bool,
        px: Vec<Polygon<f64>>,
        d: String,
    }
    let mut drawn: Vec<Drawn<'_>> = Vec::new();
    for a in &map.areas {
        let v = visible(a.polygon, &f);
        if v.0.is_empty() {
            continue;
        }
        let d = path_data(&f, &v.0);
        if d.is_empty() {
            continue;
        }
        drawn.push(Drawn {
            name: a.name,
            focus: a.focus,
            px: to_px(&f, &v),
            d,
        });
    }
    let focus: Vec<&MultiPolygon<f64>> = map
        .areas
        .iter()
        .filter(|a| a.focus)
        .map(|a| a.polygon)
        .collect();
    let bcu_outline = if focus.is_empty() {
        String::new()
    } else {
        let union = geo::unary_union(focus.iter().copied());
        path_data(&f, &visible(&union, &f).0)
    };

    // The key.
    let mut key: Vec<(Swatch, String)> = Vec::new();
    if !bcu_outline.is_empty() {
        key.push((Swatch::Line(2.6, ""), "BCU boundary".into()));
    }
    if drawn.iter().any(|d| d.focus) {
        key.push((
            Swatch::Fill(FOCUS_FILL.into(), "#5a5a5a", 0.9, ""),
            "Borough of the BCU".into(),
        ));
    }
    if drawn.iter().any(|d| !d.focus) {
        key.push((
            Swatch::Fill(NEIGHBOUR_FILL.into(), "#8a8a8a", 0.7, ""),
            "Neighbouring borough".into(),
        ));
    }
    let gi_classes: Vec<GiClass> = match map.gi_key {
        GiKey::None => Vec::new(),
        GiKey::Hot => HOT.to_vec(),
        GiKey::HotAndCold => HOT.iter().chain(COLD.iter()).copied().collect(),
    };
    for c in &gi_classes {
        key.push((
            Swatch::Fill(
                format!("url(#{id}-{})", c.as_str()),
                "#333",
                0.5,
                c.as_str(),
            ),
            gi_label(*c).into(),
        ));
    }
    let kde_max = map
        .surface
        .as_ref()
        .map(|s| surface_cells(s).map(|(_, v)| v).fold(0.0, f64::max))
        .unwrap_or(0.0);
    if map.surface.is_some() && kde_max > 0.0 {
        let bounds = kde_classes(kde_max);
        for (k, colour) in KDE_COLOURS.iter().enumerate() {
            let lo = if k == 0 { 0.0 } else { bounds[k - 1] };
            key.push((
                Swatch::Fill((*colour).into(), "none", 0.0, ""),
                if k == 0 {
                    format!("Up to {} incidents per km²", sig3(bounds[k]))
                } else {
                    format!("{} to {} incidents per km²", sig3(lo), sig3(bounds[k]))
                },
            ));
        }
    }
    if !map.clusters.is_empty() {
        key.push((
            Swatch::Line(2.0, "5 3"),
            "DBSCAN cluster, numbered as in the table".into(),
        ));
    }
    if map.markers.iter().any(|m| !m.snap) {
        key.push((
            Swatch::Circle,
            "Repeat location, numbered as in the table".into(),
        ));
    }
    if map.markers.iter().any(|m| m.snap) {
        key.push((Swatch::Diamond, SNAP_KEY.into()));
    }
    if let Some(note) = &map.note {
        for line in wrap(note, 38) {
            key.push((Swatch::Text, line));
        }
    }

    let attribution: Vec<String> = map
        .attribution
        .map(|a| {
            let width = ((fw + LEGEND_GAP + LEGEND_W) / 5.0) as usize;
            wrap(a, width.max(40))
        })
        .unwrap_or_default();
    let key_h = 24.0 + 20.0 * key.len() as f64;
    let body_h = fh.max(key_h);
    let width = MARGIN + fw + LEGEND_GAP + LEGEND_W + MARGIN;
    let height = f.top + body_h + 8.0 + 12.0 * attribution.len() as f64 + MARGIN;
    let (width, height) = (n(width), n(height));
    let title = format!("{} — {}", map.title, map.period);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"map\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\"><title id=\"{id}-title\">{}</title><defs><clipPath id=\"{id}-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
        html(&title),
        n(f.left),
        n(f.top),
        n(fw),
        n(fh)
    );
    for c in &gi_classes {
        let (fill, gap, angle) = gi_style(*c);
        let _ = write!(
            o,
            "<pattern id=\"{id}-{}\" width=\"{gap}\" height=\"{gap}\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate({angle})\"><rect width=\"{gap}\" height=\"{gap}\" fill=\"{fill}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{gap}\" stroke=\"#000\" stroke-width=\"1\"/></pattern>",
            c.as_str()
        );
    }
    o.push_str("</defs>");
    let _ = write!(
        o,
        "<text class=\"title\" x=\"{MARGIN}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text><text class=\"period\" x=\"{MARGIN}\" y=\"40\" font-size=\"12\">{}</text>",
        html(&map.title),
        html(&map.period)
    );
    let _ = write!(
        o,
        "<rect class=\"frame-ground\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff\"/><g clip-path=\"url(#{id}-clip)\">",
        n(f.left),
        n(f.top),
        n(fw),
        n(fh)
    );
    for (focus, fill, stroke, sw) in [
        (false, NEIGHBOUR_FILL, "#8a8a8a", "0.7"),
        (true, FOCUS_FILL, "#5a5a5a", "0.9"),
    ] {
        if !drawn.iter().any(|d| d.focus == focus) {
            continue;
        }
        let _ = write!(
            o,
            "<g class=\"boroughs{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\" stroke-linejoin=\"round\">",
            if focus { "" } else { " neighbours" }
        );
        for d in drawn.iter().filter(|d| d.focus == focus) {
            let _ = write!(
                o,
                "<path class=\"borough\" data-name=\"{}\" d=\"{}\"/>",
                html(d.name),
                d.d
            );
        }
        o.push_str("</g>");
    }
    if let Some(s) = &map.surface {
        if kde_max > 0.0 {
            let mut runs: [String; 5] = Default::default();
            let g = s.grid;
            for row in 0..g.ny {
                let mut col = 0;
                while col < g.nx {
                    let i = g.index(col, row);
                    let v = s.values.get(i).copied().unwrap_or(0.0);
                    if !(v.is_finite() && v > 0.0) {
                        col += 1;
                        continue;
                    }
                    let k = kde_class(v, kde_max);
                    let start = col;
                    while col < g.nx && {
                        let w = s.values.get(g.index(col, row)).copied().unwrap_or(0.0);
                        w.is_finite() && w > 0.0 && kde_class(w, kde_max) == k
                    } {
                        col += 1;
                    }
                    let x0 = (g.ix0 + start as i64) as f64 * g.cell;
                    let y1 = (g.iy0 + row as i64 + 1) as f64 * g.cell;
                    let (px, py) = f.px(Coord { x: x0, y: y1 });
                    let (w, h) = (
                        tenths((col - start) as f64 * g.cell * f.scale),
                        tenths(g.cell * f.scale),
                    );
                    let _ = write!(runs[k], "M{} {}h{}v{}h-{}z", n(px), n(py), t(w), t(h), t(w));
                }
            }
            o.push_str("<g class=\"kde\" stroke=\"none\">");
            for (k, d) in runs.iter().enumerate() {
                if !d.is_empty() {
                    let _ = write!(
                        o,
                        "<path class=\"kde-{}\" fill=\"{}\" d=\"{d}\"/>",
                        k + 1,
                        KDE_COLOURS[k]
                    );
                }
            }
            o.push_str("</g>");
        }
    }
    let cells: Vec<&MapCell> = map
        .cells
        .iter()
        .filter(|c| c.class != GiClass::NotSignificant)
        .filter(|c| c.x.is_finite() && c.y.is_finite() && c.size.is_finite() && c.size > 0.0)
        .collect();
    if !cells.is_empty() {
        o.push_str("<g class=\"cells\" stroke=\"#333\" stroke-width=\"0.5\">");
        for c in cells {
            let half = c.size / 2.0;
            let (x, y) = f.px(Coord {
                x: c.x - half,
                y: c.y + half,
            });
            let side = (c.size * f.scale).max(2.0);
            let _ = write!(
                o,
                "<rect class=\"cell {0}\" fill=\"url(#{id}-{0})\" x=\"{1}\" y=\"{2}\" width=\"{3}\" height=\"{3}\"/>",
                c.class.as_str(),
                n(x),
                n(y),
                n(side)
            );
        }
        o.push_str("</g>");
    }
    if !map.clusters.is_empty() {
        o.push_str("<g class=\"clusters\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"5 3\">");
        for c in &map.clusters {
            let _ = write!(
                o,
                "<path class=\"cluster\" data-cluster=\"{}\" d=\"{}\"/>",
                c.number,
                path_data(&f, std::slice::from_ref(&c.hull))
            );
        }
        o.push_str("</g>");
    }
    if !bcu_outline.is_empty() {
        let _ = write!(
            o,
            "<path class=\"bcu\" fill=\"none\" stroke=\"#000\" stroke-width=\"2.6\" stroke-linejoin=\"round\" d=\"{bcu_outline}\"/>"
        );
    }
    o.push_str("</g>");
    // Labels: boroughs, then clusters, above the areas and cells.
    let _ = write!(
        o,
        "<g class=\"labels\" text-anchor=\"middle\" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">"
    );
    for d in &drawn {
        if let Some(p) = label_point(&d.px) {
            // Kept inside the frame: a neighbour's label near its edge is
            // moved in by up to half its width.
            let size = if d.focus { 12.0 } else { 10.0 };
            let half = 0.3 * size * d.name.chars().count() as f64;
            let x = p.x.clamp(
                (f.left + half + 2.0).min(f.left + fw / 2.0),
                (f.left + fw - half - 2.0).max(f.left + fw / 2.0),
            );
            let y = p.y.clamp(f.top + size, f.top + fh - 4.0);
            let _ = write!(
                o,
                "<text class=\"borough-label\" x=\"{}\" y=\"{}\" font-size=\"{size}\"{}>{}</text>",
                n(x),
                n(y + 4.0),
                if d.focus {
                    " font-weight=\"bold\" fill=\"#000\""
                } else {
                    " font-style=\"italic\" fill=\"#555\""
                },
                html(d.name)
            );
        }
    }
    for c in &map.clusters {
        let px = to_px(&f, &MultiPolygon::new(vec![c.hull.clone()]));
        if let Some(p) = label_point(&px) {
            let _ = write!(
                o,
                "<text class=\"cluster-label\" x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">{}</text>",
                n(p.x),
                n(p.y + 4.0),
                c.number
            );
        }
    }
    o.push_str("</g>");
    for m in map
        .markers
        .iter()
        .filter(|m| m.x.is_finite() && m.y.is_finite())
    {
        let (x, y) = f.px(Coord { x: m.x, y: m.y });
        let r = marker_radius(m.number);
        let _ = write!(
            o,
            "<g class=\"marker{}\" data-row=\"{}\" data-bng=\"{:.0} {:.0}\"><title>{}. {}</title>",
            if m.snap { " snap" } else { "" },
            m.number,
            m.x,
            m.y,
            m.number,
            html(&m.title)
        );
        if m.snap {
            let _ = write!(
                o,
                "<path d=\"{}\" fill=\"#fff3b0\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                diamond(x, y, r + 2.0)
            );
        } else {
            let _ = write!(
                o,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                n(x),
                n(y),
                n(r)
            );
        }
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\">{}</text></g>",
            n(x),
            n(y + 3.5),
            m.number
        );
    }
    let _ = write!(
        o,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#000\"/>",
        n(f.left),
        n(f.top),
        n(fw),
        n(fh)
    );
    // North arrow (grid north), top right.
    let (ax, ay) = (f.left + fw - 24.0, f.top + 12.0);
    let _ = write!(
        o,
        "<g class=\"north-arrow\"><title>North (grid north)</title><rect x=\"{}\" y=\"{}\" width=\"20\" height=\"40\" fill=\"#fff\" fill-opacity=\"0.85\"/><path d=\"M{} {}l7 22 -7 -5 -7 5z\" fill=\"#000\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\">N</text></g>",
        n(ax - 10.0),
        n(ay - 2.0),
        n(ax),
        n(ay + 12.0),
        n(ax),
        n(ay + 10.0)
    );
    // Scale bar, bottom left: a round distance from BNG metres.
    let metres = scale_bar_metres(f.rect.width());
    let len = metres * f.scale;
    let (sx, sy) = (f.left + 12.0, f.top + fh - 16.0);
    let label = distance_label(metres);
    let _ = write!(
        o,
        "<g class=\"scale-bar\" data-metres=\"{metres:.0}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"26\" fill=\"#fff\" fill-opacity=\"0.85\"/><rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"#fff\" stroke=\"#000\"/><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"5\" fill=\"#000\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">0</text><text class=\"scale-label\" x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text></g>",
        n(sx - 6.0),
        n(sy - 18.0),
        n(len + 34.0),
        n(sx),
        n(sy),
        n(len),
        n(sx),
        n(sy),
        n(len / 2.0),
        n(sx - 3.0),
        n(sy - 4.0),
        n(sx + len),
        n(sy - 4.0),
        html(&label)
    );
    // The key.
    let (kx, ky) = (f.left + fw + LEGEND_GAP, f.top);
    let _ = write!(
        o,
        "<g class=\"legend\" font-size=\"11\"><text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"bold\">Key</text>",
        n(kx),
        n(ky + 12.0)
    );
    for (i, (swatch, text)) in key.iter().enumerate() {
        let y = ky + 24.0 + 20.0 * i as f64;
        let (cx, cy) = (kx + 10.0, y + 7.0);
        match swatch {
            Swatch::Fill(fill, stroke, sw, class) => {
                let _ = write!(
                    o,
                    "<rect{} x=\"{}\" y=\"{}\" width=\"20\" height=\"14\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                    if class.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"swatch {class}\"")
                    },
                    n(kx),
                    n(y)
                );
            }
            Swatch::Line(w, dash) => {
                let _ = write!(
                    o,
                    "<path d=\"M{} {}h20\" stroke=\"#000\" stroke-width=\"{w}\"{}/>",
                    n(kx),
                    n(cy),
                    if dash.is_empty() {
                        String::new()
                    } else {
                        format!(" stroke-dasharray=\"{dash}\"")
                    }
                );
            }
            Swatch::Circle => {
                let _ = write!(
                    o,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"7\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                    n(cx),
                    n(cy)
                );
            }
            Swatch::Diamond => {
                let _ = write!(
                    o,
                    "<path d=\"{}\" fill=\"#fff3b0\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                    diamond(cx, cy, 8.0)
                );
            }
            Swatch::Text => {}
        }
        let tx = if matches!(swatch, Swatch::Text) {
            kx
        } else {
            kx + 28.0
        };
        let _ = write!(
            o,
            "<text class=\"key\" x=\"{}\" y=\"{}\">{}</text>",
            n(tx),
            n(y + 11.0),
            html(text)
        );
    }
    o.push_str("</g>");
    if !attribution.is_empty() {
        let _ = write!(
            o,
            "<text class=\"attribution\" font-size=\"9.5\" fill=\"#333\">"
        );
        for (i, line) in attribution.iter().enumerate() {
            let _ = write!(
                o,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                n(f.left),
                n(f.top + body_h + 16.0 + 12.0 * i as f64),
                html(line)
            );
        }
        o.push_str("</text>");
    }
    o.push_str("</svg>");
    o
}
