//! Places: incident locations and home addresses linked into places — the
//! same normalised address (house number and street words within one postcode
//! district), the same postcode and house number, or points within a few
//! metres (BNG, through an R-tree).
//!
//! Police-recorded crime from data.police.uk is snapped to anonymous map
//! points. `marac-ingest` knows this only from a profile flag, so linkage
//! treats an incident as snapped when its source slug ends in `-police` and
//! its date has month precision (as police.uk records do). A snapped point is
//! only ever the same place as another snapped point at identical
//! coordinates; it is never merged with an address, so it is never a home.

use marac_model::{DatePrecision, Incident};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::hash::{hash_parts, hash_str};
use crate::normalise::{Address, Mentions};
use crate::rules::PlaceSettings;

/// The stable id of a place number (`L000001` for 0).
pub fn place_id(n: u32) -> String {
    format!("L{:06}", n as u64 + 1)
}

/// Whether an incident's coordinates are police.uk snapped points.
pub fn is_snapped(inc: &Incident) -> bool {
    inc.source.ends_with("-police") && inc.reported.precision == DatePrecision::Month
}

/// What is known about one place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceInfo {
    /// Incidents that occurred here.
    pub incidents: u32,
    /// Person mentions whose home it is.
    pub residents: u32,
    /// A police.uk snapped point (never a home).
    pub snapped: bool,
}

/// Places of incidents and homes.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// The place of each incident's location, by incident index.
    pub location_of: Vec<Option<u32>>,
    /// The home place of each mention, by mention index.
    pub home_of: Vec<Option<u32>>,
    /// The places, numbered by first appearance.
    pub info: Vec<PlaceInfo>,
}

struct Pm {
    addr: Option<u64>,
    pc_house: Option<u64>,
    point: Option<[f64; 2]>,
    snapped: bool,
}

fn keys(address: &Address, postcode: Option<&marac_model::Postcode>) -> (Option<u64>, Option<u64>) {
    let Some(house) = address.house.as_deref() else {
        return (None, None);
    };
    let flat = address.flat.as_deref().unwrap_or("");
    let district = postcode.and_then(|p| p.district()).unwrap_or("");
    let addr = address
        .key()
        .map(|k| hash_parts(&[b"addr", &k.to_le_bytes(), district.as_bytes()]));
    let pc_house = postcode.filter(|p| p.is_uk()).map(|p| {
        hash_parts(&[
            b"pch",
            p.as_str().as_bytes(),
            house.as_bytes(),
            flat.as_bytes(),
        ])
    });
    (addr, pc_house)
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

fn union_equal_keys(parent: &mut [u32], mut keyed: Vec<(u64, u32)>) {
    keyed.par_sort_unstable();
    for w in keyed.windows(2) {
        if w[0].0 == w[1].0 {
            union(parent, w[0].1, w[1].1);
        }
    }
}

/// Links the places of some incidents and of their person mentions.
pub fn link_places(
    incidents: &[Incident],
    mentions: &Mentions,
    settings: &PlaceSettings,
) -> Places {
    // Place mentions in first-appearance order: each incident's location,
    // then the homes of its mentions.
    let mut by_incident: Vec<Vec<u32>> = vec![Vec::new(); incidents.len()];
    for (i, m) in mentions.list.iter().enumerate() {
        if let Some(v) = by_incident.get_mut(m.incident as usize) {
            v.push(i as u32);
        }
    }
    let mut pms: Vec<Pm> = Vec::new();
    let mut loc_pm: Vec<Option<u32>> = vec![None; incidents.len()];
    let mut home_pm: Vec<Option<u32>> = vec![None; mentions.len()];
    for (i, inc) in incidents.iter().enumerate() {
        let snapped = is_snapped(inc);
        let address = inc
            .location_text
            .as_deref()
            .map(Address::parse)
            .unwrap_or_default();
        let (addr, pc_house) = if snapped {
            (None, None)
        } else {
            keys(&address, inc.postcode.as_ref())
        };
        let point = inc
            .bng
            .map(|b| [b.easting, b.northing])
            .filter(|p| p[0].is_finite() && p[1].is_finite());
        if addr.is_some() || pc_house.is_some() || point.is_some() {
            loc_pm[i] = Some(pms.len() as u32);
            pms.push(Pm {
                addr,
                pc_house,
                point,
                snapped,
            });
        }
        for &mi in &by_incident[i] {
            let m = &mentions.list[mi as usize];
            let (addr, pc_house) = keys(&m.address, m.postcode.as_ref());
            if addr.is_some() || pc_house.is_some() {
                home_pm[mi as usize] = Some(pms.len() as u32);
                pms.push(Pm {
                    addr,
                    pc_house,
                    point: None,
                    snapped: false,
                });
            }
        }
    }
    let mut parent: Vec<u32> = (0..pms.len() as u32).collect();
    union_equal_keys(
        &mut parent,
        pms.iter()
            .enumerate()
            .filter_map(|(i, p)| p.addr.map(|k| (k, i as u32)))
            .collect(),
    );
    union_equal_keys(
        &mut parent,
        pms.iter()
            .enumerate()
            .filter_map(|(i, p)| p.pc_house.map(|k| (k, i as u32)))
            .collect(),
    );
    // Snapped points: identical coordinates only.
    union_equal_keys(
        &mut parent,
        pms.iter()
            .enumerate()
            .filter(|(_, p)| p.snapped)
            .filter_map(|(i, p)| {
                p.point
                    .map(|q| (hash_str(&format!("{:.1},{:.1}", q[0], q[1])), i as u32))
            })
            .collect(),
    );
    // Other points: within the radius.
    let points: Vec<GeomWithData<[f64; 2], u32>> = pms
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.snapped)
        .filter_map(|(i, p)| p.point.map(|q| GeomWithData::new(q, i as u32)))
        .collect();
    if !points.is_empty() && settings.radius_m > 0.0 {
        let tree = RTree::bulk_load(points.clone());
        let r2 = settings.radius_m * settings.radius_m;
        let near: Vec<(u32, u32)> = points
            .par_iter()
            .flat_map_iter(|p| {
                let me = p.data;
                let mut v: Vec<(u32, u32)> = tree
                    .locate_within_distance(*p.geom(), r2)
                    .filter(|q| q.data > me)
                    .map(|q| (me, q.data))
                    .collect();
                v.sort_unstable();
                v
            })
            .collect();
        for (a, b) in near {
            union(&mut parent, a, b);
        }
    }
    let mut number = vec![u32::MAX; pms.len()];
    let mut info: Vec<PlaceInfo> = Vec::new();
    let mut place_of_pm = vec![0u32; pms.len()];
    for i in 0..pms.len() as u32 {
        let r = find(&mut parent, i) as usize;
        if number[r] == u32::MAX {
            number[r] = info.len() as u32;
            info.push(PlaceInfo::default());
        }
        place_of_pm[i as usize] = number[r];
    }
    let location_of: Vec<Option<u32>> = loc_pm
        .iter()
        .map(|p| p.map(|p| place_of_pm[p as usize]))
        .collect();
    let home_of: Vec<Option<u32>> = home_pm
        .iter()
        .map(|p| p.map(|p| place_of_pm[p as usize]))
        .collect();
    for (i, p) in location_of.iter().enumerate() {
        if let Some(p) = p {
            let inf = &mut info[*p as usize];
            inf.incidents += 1;
            inf.snapped |= loc_pm[i].is_some_and(|x| pms[x as usize].snapped);
        }
    }
    for p in home_of.iter().flatten() {
        info[*p as usize].residents += 1;
    }
    Places {
        location_of,
        home_of,
        info,
    }
}
