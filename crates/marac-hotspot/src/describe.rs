//! Where a hot spot is, in words a chair can read: its borough and the most
//! frequent street names of its incidents' locations, instead of BNG
//! coordinates alone.
//!
//! A street name is taken from a record's free-text location
//! ([`street_name`]): the data.police.uk prefix "On or near" and house
//! numbers, flats and "rear of" go, so "rear of 51 Ravenscroft Rd" and
//! "12, Ravenscroft Road" count as the same street. Names are counted by
//! their [`normalise_location`] form and written in the spelling most
//! records use.
//!
//! Identifying detail: a street name can come from a victim's home
//! address. Redacted packs drop the names and keep the borough.

use std::collections::BTreeMap;

use marac_geo::Areas;
use marac_model::{Bng, Incident};

use crate::repeat::normalise_location;

/// How many street names describe a place.
pub const NAMES: usize = 2;

/// The borough and the most frequent street names of a group of incidents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Whereabouts {
    /// The borough most of the incidents are placed in (or that holds the
    /// place when none is).
    pub borough: Option<String>,
    /// Up to [`NAMES`] street names, most frequent first (ties
    /// alphabetically).
    pub names: Vec<String>,
}

/// The street of a free-text location: after "On or near", the last
/// comma-separated part that has words after its last number.
///
/// ```
/// use marac_hotspot::describe::street_name;
/// assert_eq!(street_name("On or near Sun Street Passage").as_deref(), Some("Sun Street Passage"));
/// assert_eq!(street_name("rear of 51 Ravenscroft Rd").as_deref(), Some("Ravenscroft Rd"));
/// assert_eq!(street_name("Flat 2, 14 Quorn Road").as_deref(), Some("Quorn Road"));
/// assert_eq!(street_name("12 High St, NW1 8AB").as_deref(), Some("High St"));
/// assert_eq!(street_name("42"), None);
/// ```
pub fn street_name(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let text = if lower.starts_with("on or near ") {
        &text["on or near ".len()..]
    } else {
        text
    };
    for part in text.rsplit(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let after = words
            .iter()
            .rposition(|w| w.chars().any(|c| c.is_ascii_digit()))
            .map_or(0, |i| i + 1);
        let street = &words[after..];
        if street.iter().any(|w| w.chars().any(char::is_alphabetic)) {
            return Some(street.join(" "));
        }
    }
    None
}

/// The most frequent value (ties: the first in order).
fn most_frequent(counts: &BTreeMap<String, usize>) -> Option<String> {
    let mut best: Option<(&String, usize)> = None;
    for (k, &c) in counts {
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((k, c));
        }
    }
    best.map(|(k, _)| k.clone())
}

/// A street's records and the spellings they use.
type Street = (usize, BTreeMap<String, usize>);

/// Where a group of incidents is: the borough most of them are placed in
/// (else the one `areas` places `centre` in) and their [`NAMES`] most
/// frequent streets.
pub fn whereabouts<'a>(
    incidents: impl IntoIterator<Item = &'a Incident>,
    centre: [f64; 2],
    areas: &Areas,
) -> Whereabouts {
    let mut boroughs: BTreeMap<String, usize> = BTreeMap::new();
    // Normalised street -> (records, spellings).
    let mut streets: BTreeMap<String, Street> = BTreeMap::new();
    for i in incidents {
        if let Some(a) = &i.area {
            *boroughs.entry(a.to_string()).or_default() += 1;
        }
        let Some(street) = i.location_text.as_deref().and_then(street_name) else {
            continue;
        };
        let key = normalise_location(&street);
        if key.is_empty() {
            continue;
        }
        let e = streets.entry(key).or_default();
        e.0 += 1;
        *e.1.entry(street).or_default() += 1;
    }
    let borough = most_frequent(&boroughs).or_else(|| {
        areas
            .place(Bng {
                easting: centre[0],
                northing: centre[1],
            })
            .map(|p| areas.area(p.area).name.to_string())
    });
    let mut ranked: Vec<(&String, &Street)> = streets.iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let names = ranked
        .into_iter()
        .take(NAMES)
        .filter_map(|(_, (_, spellings))| most_frequent(spellings))
        .collect();
    Whereabouts { borough, names }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(area: &str, text: &str) -> Incident {
        let mut i = marac_risk::testkit::incident("I", "2024-01-01");
        i.area = Some(area.into());
        i.location_text = Some(text.into());
        i
    }

    #[test]
    fn borough_and_the_two_most_frequent_streets() {
        let areas = Areas::london();
        let incidents = [
            at("City of London", "On or near Bow Lane"),
            at("City of London", "On or near Sun Street Passage"),
            at("City of London", "On or near Sun Street Passage"),
            at("Hackney", "On or near Appold Street"),
            at("City of London", "12 Bow Lane"),
            at("City of London", "on or near BOW LANE"),
        ];
        let w = whereabouts(&incidents, [533_000.0, 181_500.0], &areas);
        assert_eq!(w.borough.as_deref(), Some("City of London"));
        // Bow Lane 3 (two spellings once, "Bow Lane" twice), Sun Street Passage 2.
        assert_eq!(w.names, ["Bow Lane", "Sun Street Passage"]);
        // No incident placed: the borough that holds the centre.
        let w = whereabouts(&[], [529_000.0, 184_000.0], &areas);
        assert_eq!(
            w,
            Whereabouts {
                borough: Some("Camden".into()),
                names: vec![]
            }
        );
    }
}
