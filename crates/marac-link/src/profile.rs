//! What a data set can tell apart: for each compared field, how many
//! mentions hold it and how many distinct values it takes. A field that is
//! seldom filled, or takes few values (every record of a benchmark sharing
//! one date, a city standing for an address), cannot separate people, and
//! an analyst should see that before reading any F1.

use rayon::prelude::*;

use crate::hash::FxMap;

use crate::hash::hash_str;
use crate::normalise::Mention;

/// Fill rate and distinct values of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProfile {
    /// The field (a comparison's name).
    pub field: &'static str,
    /// Mentions holding it.
    pub filled: usize,
    /// Distinct normalised values.
    pub distinct: usize,
}

/// The profile of every compared identity field over the mentions, in a
/// fixed order: first name, last name, date of birth, postcode, address,
/// phone, reference.
///
/// ```
/// use marac_link::profile::field_profile;
/// let p = field_profile(&[]);
/// assert_eq!(p[0].field, "first_name");
/// assert_eq!((p[0].filled, p[0].distinct), (0, 0));
/// ```
pub fn field_profile(list: &[Mention]) -> Vec<FieldProfile> {
    type Key = fn(&Mention) -> Option<u64>;
    let fields: [(&'static str, Key); 7] = [
        ("first_name", |m| {
            (!m.first.name.is_empty() && !m.first.initial_only).then(|| hash_str(&m.first.name))
        }),
        ("last_name", |m| {
            (!m.last.name.is_empty()).then(|| hash_str(&m.last.name))
        }),
        ("dob", |m| {
            m.dob
                .map(|d| d.signed_duration_since(chrono::NaiveDate::MIN).num_days() as u64)
        }),
        ("postcode", |m| {
            m.postcode.as_ref().map(|p| hash_str(p.as_str()))
        }),
        ("address", |m| {
            m.address.present.then(|| {
                let mut h = m.address.house.as_deref().map(hash_str).unwrap_or(0);
                for w in m.address.street.iter() {
                    h = h.rotate_left(7) ^ w;
                }
                h
            })
        }),
        ("phone", |m| m.phone.as_deref().map(hash_str)),
        ("reference", |m| {
            m.reference
                .as_deref()
                .map(|r| hash_str(r) ^ u64::from(m.source))
        }),
    ];
    fields
        .par_iter()
        .map(|(field, key)| {
            let mut seen: FxMap<u64, ()> = FxMap::default();
            let mut filled = 0;
            for k in list.iter().filter_map(key) {
                filled += 1;
                seen.insert(k, ());
            }
            FieldProfile {
                field,
                filled,
                distinct: seen.len(),
            }
        })
        .collect()
}
