//! Repeat locations: places with at least `min` incidents.
//!
//! Two incidents are at the same *place* when they share a key, and places
//! are the connected groups of incidents sharing keys ([`place_key`]):
//!
//! * the coordinates rounded to the metre (every incident counted has
//!   coordinates);
//! * when a postcode is recorded with location text, the postcode plus the
//!   normalised text ([`normalise_location`]). Location text alone is not a
//!   place: "High Road" names many streets within one BCU.
//!
//! data.police.uk records (a source slug ending in `-police` with a
//! month-precision date) have anonymised **snap points** standing for at
//! least eight addresses: they are placed by coordinates only, and their
//! place is marked `snap_point`: it is *not* an address.
//!
//! A linkage crate can later supply its own keys through
//! [`repeat_locations`].

use marac_model::{DatePrecision, Incident};

use crate::{Event, GroupSummary};

/// How one incident is placed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlaceKey {
    /// The grouping key.
    pub key: String,
    /// A second key that also joins places (the postcode and address).
    pub alt: Option<String>,
    /// A readable label (location text and postcode, or coordinates).
    pub label: String,
    /// Whether the position is a data.police.uk snap point.
    pub snap: bool,
}

/// Whether an incident's coordinates are a data.police.uk snap point: its
/// profile says so (`snapped_coordinates`, as `police-uk` does: the Met's
/// file names its source `metropolitan-police-service`), or, for records
/// read without such a profile, the source slug ends with `-police` and the
/// date has month precision.
pub fn is_snap_point(incident: &Incident) -> bool {
    incident.snapped
        || (incident.source.ends_with("-police")
            && incident.reported.precision == DatePrecision::Month)
}

/// Normalises free-text location: lower case, punctuation as spaces, a
/// leading "on or near" dropped, common street abbreviations spelt out,
/// spaces collapsed.
///
/// ```
/// use marac_hotspot::repeat::normalise_location;
/// assert_eq!(normalise_location("12, Acacia Rd."), "12 acacia road");
/// assert_eq!(normalise_location("On or near  ACACIA ROAD"), "acacia road");
/// assert_eq!(normalise_location("Flat 3, 4 Mill Gdns"), "flat 3 4 mill gardens");
/// ```
pub fn normalise_location(text: &str) -> String {
    let lower: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() > 3 && words[..3] == ["on", "or", "near"] {
        words.drain(..3);
    }
    let spelt: Vec<&str> = words
        .into_iter()
        .map(|w| match w {
            "rd" => "road",
            "ave" | "av" => "avenue",
            "ln" => "lane",
            "gdns" => "gardens",
            "sq" => "square",
            "cres" => "crescent",
            "cl" => "close",
            "ct" => "court",
            "pl" => "place",
            "tce" | "terr" => "terrace",
            "hse" => "house",
            "est" => "estate",
            w => w,
        })
        .collect();
    spelt.join(" ")
}

/// The place of an incident (see the module docs); `None` without
/// coordinates.
pub fn place_key(incident: &Incident) -> Option<PlaceKey> {
    let b = incident.bng?;
    if !(b.easting.is_finite() && b.northing.is_finite()) {
        return None;
    }
    let xy = format!("{:.0},{:.0}", b.easting.round(), b.northing.round());
    let text = incident
        .location_text
        .as_deref()
        .map(normalise_location)
        .unwrap_or_default();
    let pc = incident
        .postcode
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let raw = incident.location_text.as_deref().unwrap_or("").trim();
    if is_snap_point(incident) {
        return Some(PlaceKey {
            key: format!("xy:{xy}"),
            alt: None,
            label: if raw.is_empty() { xy } else { raw.to_string() },
            snap: true,
        });
    }
    let alt = (!text.is_empty() && !pc.is_empty()).then(|| format!("addr:{pc}|{text}"));
    let label = match (raw.is_empty(), pc.is_empty()) {
        (true, true) => xy.clone(),
        (true, false) => format!("{xy} ({pc})"),
        (false, true) => format!("{raw} ({xy})"),
        (false, false) => format!("{raw}, {pc}"),
    };
    Some(PlaceKey {
        key: format!("xy:{xy}"),
        alt,
        label,
        snap: false,
    })
}

/// A repeat location.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Grouping key.
    pub key: String,
    /// Label of the first incident at the place.
    pub label: String,
    /// Indices of the member events, ascending.
    pub members: Vec<usize>,
    /// Count, kinds and date range.
    pub summary: GroupSummary,
    /// Whether any member's position is a data.police.uk snap point.
    pub snap_point: bool,
    /// Mean position of the members, BNG metres.
    pub centroid: [f64; 2],
}

/// Places with at least `min` events, most incidents first (ties: first
/// member in input order). `keys[i]` places `events[i]`.
///
/// ```
/// use chrono::NaiveDate;
/// use marac_hotspot::{repeat::{repeat_locations, PlaceKey}, Event};
/// use marac_model::IncidentKind;
/// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let ev = |x| Event { x, y: 0.0, date: d, kind: IncidentKind::Asb };
/// let key = |k: &str, alt: Option<&str>| PlaceKey { key: k.into(), alt: alt.map(Into::into), label: k.into(), snap: false };
/// let keys = [key("a", None), key("b", None), key("a", None), key("c", Some("addr")), key("d", Some("addr"))];
/// let places = repeat_locations(&keys, &[ev(0.0), ev(5.0), ev(2.0), ev(8.0), ev(9.0)], 2);
/// assert_eq!(places.len(), 2);
/// assert_eq!(places[0].members, vec![0, 2]);
/// assert_eq!(places[0].centroid, [1.0, 0.0]);
/// // "c" and "d" share the address key: one place.
/// assert_eq!(places[1].members, vec![3, 4]);
/// ```
pub fn repeat_locations(keys: &[PlaceKey], events: &[Event], min: usize) -> Vec<Place> {
    let n = keys.len().min(events.len());
    // Union-find over events sharing a key.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, k) in keys.iter().enumerate().take(n) {
        for key in std::iter::once(k.key.as_str()).chain(k.alt.as_deref()) {
            let j = *first.entry(key).or_insert(i);
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            // The root is the lower index, so a group's root is its first member.
            if a != b {
                let (lo, hi) = (a.min(b), a.max(b));
                parent[hi] = lo;
            }
        }
    }
    let mut group_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut places: Vec<Place> = groups
        .into_iter()
        .filter(|m| m.len() >= min.max(1))
        .map(|m| {
            let n = m.len() as f64;
            let centroid = [
                m.iter().map(|&i| events[i].x).sum::<f64>() / n,
                m.iter().map(|&i| events[i].y).sum::<f64>() / n,
            ];
            Place {
                key: keys[m[0]].key.clone(),
                label: keys[m[0]].label.clone(),
                summary: GroupSummary::of(m.iter().map(|&i| &events[i])),
                snap_point: m.iter().any(|&i| keys[i].snap),
                centroid,
                members: m,
            }
        })
        .collect();
    places.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    places
}
