//! Comparisons: each field of two mentions is compared into one of a few
//! ordered agreement levels (the first level is the strongest agreement, the
//! last is "else"); a missing value on either side gives [`NULL`], which
//! carries no evidence either way.
//!
//! Each comparison is a small [`Comparison`] implementation, so a new field
//! or a different banding is one type.

use crate::jw::jaro_winkler;
use chrono::Datelike;

use crate::hot::{Hot, HotSet, FIRST, INITIAL_ONLY, LAST, PARTS, POINT};
use crate::normalise::{jaccard, nickname_match, street_reaches, Mention};
use crate::rules::{AddressSettings, Comparisons, NameSettings};

/// The level of a comparison where a value is missing on either side.
pub const NULL: u8 = u8::MAX;
/// The largest number of comparisons in one model.
pub const MAX_COMPARISONS: usize = 9;

/// The agreement levels of one pair: one entry per comparison, [`NULL`] past the last.
pub type Gamma = [u8; MAX_COMPARISONS];

/// One field comparison.
pub trait Comparison: Send + Sync + std::fmt::Debug {
    /// The field name used in explanations and rule expressions.
    fn name(&self) -> &'static str;
    /// The level names, strongest agreement first, `else` last.
    fn levels(&self) -> &'static [&'static str];
    /// The level of a pair, or [`NULL`] when a value is missing.
    fn compare(&self, a: &Mention, b: &Mention) -> u8;
    /// The same level from the compact copies `ha`, `hb` of `a`, `b` (see
    /// [`crate::hot`]); reads `a` and `b` only where the copies are not
    /// enough.
    fn compare_hot(&self, _s: &HotSet, _ha: &Hot, _hb: &Hot, a: &Mention, b: &Mention) -> u8 {
        self.compare(a, b)
    }
    /// Prior m probabilities per level (used as pseudo-counts by EM).
    fn prior_m(&self) -> &'static [f64];
    /// Prior u probabilities per level.
    fn prior_u(&self) -> &'static [f64];
    /// For term-frequency adjustment: the count of the agreed value when the
    /// level is the exact level and TF adjustment is on.
    fn tf_count(&self, _a: &Mention, _b: &Mention, _level: u8) -> Option<(u32, TfField)> {
        None
    }
    /// A raw similarity for rule expressions (`jw(first_name) >= 0.9`).
    fn similarity(&self, _a: &Mention, _b: &Mention) -> Option<f64> {
        None
    }
}

/// Which term-frequency denominator a count belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfField {
    /// First names.
    First,
    /// Last names.
    Last,
}

/// First names: exact, nickname (or spelling variant), Jaro-Winkler bands,
/// one edit (a typo or two letters swapped in a short name), initial, else.
#[derive(Debug, Clone, Copy)]
pub struct FirstNameCmp(pub NameSettings);

impl FirstNameCmp {
    /// The level of two first names given as (folded name, initial only,
    /// nickname ids); `same` tells whether the names are equal.
    fn level(
        &self,
        (x, xi, xf): (&str, bool, &[u16]),
        (y, yi, yf): (&str, bool, &[u16]),
        same: impl FnOnce() -> bool,
    ) -> u8 {
        if x.is_empty() || y.is_empty() {
            return NULL;
        }
        if xi || yi {
            return if x.chars().next() == y.chars().next() {
                5
            } else {
                6
            };
        }
        if same() {
            return 0;
        }
        if nickname_match(xf, yf) {
            return 1;
        }
        let s = jaro_winkler(x, y);
        if s >= self.0.jw_high {
            2
        } else if s >= self.0.jw_low {
            3
        } else if within_one_edit(x.as_bytes(), y.as_bytes()) {
            4
        } else {
            6
        }
    }
}

impl Comparison for FirstNameCmp {
    fn name(&self) -> &'static str {
        "first_name"
    }
    fn levels(&self) -> &'static [&'static str] {
        &[
            "exact", "nickname", "jw_high", "jw_low", "one_edit", "initial", "else",
        ]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (x, y) = (&a.first, &b.first);
        self.level(
            (&x.name, x.initial_only, &x.formal),
            (&y.name, y.initial_only, &y.formal),
            || x.name == y.name,
        )
    }
    fn compare_hot(&self, s: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        if a.flags & b.flags & FIRST == 0 {
            return NULL;
        }
        let side = |h: &Hot| {
            (
                s.first_name(h),
                h.flags & INITIAL_ONLY != 0,
                &*s.formal[h.first as usize],
            )
        };
        self.level(side(a), side(b), || a.first == b.first)
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.85, 0.04, 0.04, 0.01, 0.01, 0.03, 0.02]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.01, 0.002, 0.003, 0.01, 0.002, 0.05, 0.923]
    }
    fn tf_count(&self, a: &Mention, _b: &Mention, level: u8) -> Option<(u32, TfField)> {
        (self.0.tf_adjust && level == 0).then_some((a.first_count, TfField::First))
    }
    fn similarity(&self, a: &Mention, b: &Mention) -> Option<f64> {
        if a.first.name.is_empty() || b.first.name.is_empty() {
            return None;
        }
        Some(jaro_winkler(&a.first.name, &b.first.name))
    }
}

/// Whether two strings differ by at most one substitution, insertion,
/// deletion or swap of adjacent characters (bytes), without allocating.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == a.len() {
        return true; // equal, or one extra byte at the end
    }
    if a.len() == b.len() {
        // substitution, or adjacent swap
        if a[p + 1..] == b[p + 1..] {
            return true;
        }
        p + 1 < a.len() && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..]
    } else {
        // one insertion in b
        a[p..] == b[p + 1..]
    }
}

/// Last names: exact, one part of a double-barrelled name, Jaro-Winkler bands, else.
#[derive(Debug, Clone, Copy)]
pub struct LastNameCmp(pub NameSettings);

impl LastNameCmp {
    /// The Jaro-Winkler level of two different last names.
    fn similar(&self, x: &str, y: &str) -> u8 {
        let s = jaro_winkler(x, y);
        if s >= self.0.jw_high {
            2
        } else if s >= self.0.jw_low {
            3
        } else {
            4
        }
    }
}

impl Comparison for LastNameCmp {
    fn name(&self) -> &'static str {
        "last_name"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["exact", "part", "jw_high", "jw_low", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (x, y) = (&a.last, &b.last);
        if x.name.is_empty() || y.name.is_empty() {
            return NULL;
        }
        if x.name == y.name {
            return 0;
        }
        let part = x.parts.iter().any(|p| *p == y.name || y.parts.contains(p))
            || y.parts.contains(&x.name);
        if part {
            return 1;
        }
        self.similar(&x.name, &y.name)
    }
    fn compare_hot(&self, s: &HotSet, ha: &Hot, hb: &Hot, a: &Mention, b: &Mention) -> u8 {
        if ha.flags & hb.flags & LAST == 0 {
            return NULL;
        }
        if ha.last == hb.last {
            return 0;
        }
        if (ha.flags | hb.flags) & PARTS != 0 {
            return self.compare(a, b);
        }
        self.similar(s.last_name(ha), s.last_name(hb))
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.9, 0.01, 0.05, 0.01, 0.03]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.002, 0.0001, 0.001, 0.005, 0.9919]
    }
    fn tf_count(&self, a: &Mention, _b: &Mention, level: u8) -> Option<(u32, TfField)> {
        (self.0.tf_adjust && level == 0).then_some((a.last_count, TfField::Last))
    }
    fn similarity(&self, a: &Mention, b: &Mention) -> Option<f64> {
        if a.last.name.is_empty() || b.last.name.is_empty() {
            return None;
        }
        Some(jaro_winkler(&a.last.name, &b.last.name))
    }
}

/// First and last names swapped between the two records.
#[derive(Debug, Clone, Copy)]
pub struct SwappedNamesCmp;

impl Comparison for SwappedNamesCmp {
    fn name(&self) -> &'static str {
        "swapped_names"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["swapped", "crossed", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (af, al, bf, bl) = (&a.first.name, &a.last.name, &b.first.name, &b.last.name);
        if af.is_empty() || al.is_empty() || bf.is_empty() || bl.is_empty() {
            return NULL;
        }
        if af == bf || a.first.initial_only || b.first.initial_only {
            return 2;
        }
        swapped(af, al, bf, bl)
    }
    fn compare_hot(&self, s: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        if a.flags & b.flags & (FIRST | LAST) != FIRST | LAST {
            return NULL;
        }
        if a.first == b.first || (a.flags | b.flags) & INITIAL_ONLY != 0 {
            return 2;
        }
        swapped(
            s.first_name(a),
            s.last_name(a),
            s.first_name(b),
            s.last_name(b),
        )
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.01, 0.005, 0.985]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.00001, 0.0001, 0.99989]
    }
}

/// The swapped-names level of two different, full pairs of names: both
/// names swapped (within typos), one name *crossed* into the other field
/// while the other name differs ("Dylan Lomman" / "Lomman Brayden": a given
/// name taken for a family name, or the reverse, in one record), or else.
fn swapped(af: &str, al: &str, bf: &str, bl: &str) -> u8 {
    // Cheap pre-check: swapped names start with the same letters.
    if af.as_bytes()[0] == bl.as_bytes()[0]
        && al.as_bytes()[0] == bf.as_bytes()[0]
        && jaro_winkler(af, bl) >= 0.92
        && jaro_winkler(al, bf) >= 0.92
    {
        0
    } else if al != bl && (af == bl || al == bf) {
        1
    } else {
        2
    }
}

/// Dates of birth: exact, day and month transposed, one digit off (or two
/// adjacent digits swapped, or the year or day one off), same year, else.
#[derive(Debug, Clone, Copy)]
pub struct DobCmp;

impl Comparison for DobCmp {
    fn name(&self) -> &'static str {
        "dob"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["exact", "transposed", "one_digit", "year", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (Some(x), Some(y)) = (a.dob, b.dob) else {
            return NULL;
        };
        dob_level(x, y)
    }
    fn compare_hot(&self, _: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        match (a.dob, b.dob) {
            (Some(x), Some(y)) => dob_level(x, y),
            _ => NULL,
        }
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.93, 0.01, 0.03, 0.01, 0.02]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.00005, 0.00002, 0.001, 0.0125, 0.98643]
    }
}

/// The level of two dates of birth (see [`DobCmp`]).
pub fn dob_level(x: chrono::NaiveDate, y: chrono::NaiveDate) -> u8 {
    if x == y {
        return 0;
    }
    if x.year() == y.year() && x.month() == y.day() && x.day() == y.month() {
        return 1;
    }
    fn digits(d: chrono::NaiveDate) -> [u32; 8] {
        let (y, m, day) = (d.year().unsigned_abs(), d.month(), d.day());
        [
            y / 1000 % 10,
            y / 100 % 10,
            y / 10 % 10,
            y % 10,
            m / 10,
            m % 10,
            day / 10,
            day % 10,
        ]
    }
    let (dx, dy) = (digits(x), digits(y));
    let diffs: Vec<usize> = (0..8).filter(|&i| dx[i] != dy[i]).collect();
    let adjacent_swap = diffs.len() == 2
        && diffs[1] == diffs[0] + 1
        && dx[diffs[0]] == dy[diffs[1]]
        && dx[diffs[1]] == dy[diffs[0]];
    let year_off = (x.year() - y.year()).abs() == 1 && x.month() == y.month() && x.day() == y.day();
    let day_off = x.year() == y.year() && x.month() == y.month() && x.day().abs_diff(y.day()) == 1;
    if diffs.len() == 1 || adjacent_swap || year_off || day_off {
        2
    } else if x.year() == y.year() {
        3
    } else {
        4
    }
}

/// Whether two dates of birth could be the same person's (exact, transposed or one digit off).
pub fn dob_compatible(x: chrono::NaiveDate, y: chrono::NaiveDate) -> bool {
    dob_level(x, y) <= 2
}

/// Postcodes: exact, same sector, same district, else.
#[derive(Debug, Clone, Copy)]
pub struct PostcodeCmp;

/// Postcode levels: exact, same sector, same district, else.
fn postcode_level(exact: bool, sector: bool, district: bool) -> u8 {
    if exact {
        0
    } else if sector {
        1
    } else if district {
        2
    } else {
        3
    }
}

/// Postcodes that are not UK postcodes (another country's, kept as
/// written) have no sectors or districts: two of them one edit apart (a
/// typo: a digit changed, two adjacent digits swapped) take the `sector`
/// level, the next after `exact`.
fn foreign_near(level: u8, x: &marac_model::Postcode, y: &marac_model::Postcode) -> u8 {
    if level == 3
        && !x.is_uk()
        && !y.is_uk()
        && within_one_edit(x.as_str().as_bytes(), y.as_str().as_bytes())
    {
        1
    } else {
        level
    }
}

/// [`postcode_level`] of two numbered postcodes (both present).
fn hot_postcode_level(x: &[u32; 3], y: &[u32; 3]) -> u8 {
    postcode_level(
        x[0] == y[0],
        x[1] != 0 && x[1] == y[1],
        x[2] != 0 && x[2] == y[2],
    )
}

impl Comparison for PostcodeCmp {
    fn name(&self) -> &'static str {
        "postcode"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["exact", "sector", "district", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (Some(x), Some(y)) = (&a.postcode, &b.postcode) else {
            return NULL;
        };
        let level = postcode_level(
            x == y,
            x.sector().is_some() && x.sector() == y.sector(),
            x.district().is_some() && x.district() == y.district(),
        );
        foreign_near(level, x, y)
    }
    fn compare_hot(&self, _: &HotSet, a: &Hot, b: &Hot, ma: &Mention, mb: &Mention) -> u8 {
        if a.postcode[0] == 0 || b.postcode[0] == 0 {
            return NULL;
        }
        let level = hot_postcode_level(&a.postcode, &b.postcode);
        match (&ma.postcode, &mb.postcode) {
            (Some(x), Some(y)) => foreign_near(level, x, y),
            _ => level,
        }
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.85, 0.03, 0.03, 0.09]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.0001, 0.002, 0.01, 0.9879]
    }
}

/// Addresses: same house, flat and street; same house and street; same street; else.
#[derive(Debug, Clone, Copy)]
pub struct AddressCmp(pub AddressSettings);

impl Comparison for AddressCmp {
    fn name(&self) -> &'static str {
        "address"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["exact", "house", "street", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        let (x, y) = (&a.address, &b.address);
        if x.street.is_empty() || y.street.is_empty() {
            return NULL;
        }
        self.level(
            |need| street_reaches(&x.street, &x.words, &y.street, &y.words, need),
            jaccard(&x.street, &y.street),
            x.house.is_some() && x.house == y.house,
            x.flat == y.flat,
            x.flat.is_none() || y.flat.is_none(),
        )
    }
    fn compare_hot(&self, s: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        let ([ah, af, ast], [bh, bf, bst]) = (a.address, b.address);
        if ast == 0 || bst == 0 {
            return NULL;
        }
        let (ast, bst) = (ast as usize, bst as usize);
        let (a, b) = (&s.streets[ast], &s.streets[bst]);
        let exact = if ast == bst { 1.0 } else { jaccard(a, b) };
        self.level(
            |need| street_reaches(a, &s.street_words[ast], b, &s.street_words[bst], need),
            exact,
            ah != 0 && ah == bh,
            af == bf,
            af == 0 || bf == 0,
        )
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.8, 0.05, 0.03, 0.12]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.0001, 0.0002, 0.003, 0.9967]
    }
    fn similarity(&self, a: &Mention, b: &Mention) -> Option<f64> {
        if a.address.street.is_empty() || b.address.street.is_empty() {
            return None;
        }
        Some(a.address.street_similarity(&b.address))
    }
}

impl AddressCmp {
    /// The level from the street words' similarity (`exact`: Jaccard of
    /// the words as written; `reaches(t)`: whether the typo-tolerant one
    /// reaches `t`, asked only when needed), whether the house numbers agree, the flats agree, and
    /// one flat is missing. The top level wants the words as written: a
    /// typo in the street is the `house` level.
    fn level(
        &self,
        reaches: impl FnOnce(f64) -> bool,
        exact: f64,
        same_house: bool,
        flats_agree: bool,
        one_flat_missing: bool,
    ) -> u8 {
        let flats_compatible = flats_agree || one_flat_missing;
        if same_house && flats_agree && exact >= self.0.high {
            return 0;
        }
        // Typos count only at the same house: most candidate pairs live
        // at different houses, and asking costs time there for little.
        if exact >= self.0.low {
            if same_house && flats_compatible {
                1
            } else {
                2
            }
        } else if same_house && flats_compatible && reaches(self.0.low) {
            1
        } else {
            3
        }
    }
}

/// The level of [`CounterpartCmp`] for two counterpart persons.
#[inline]
pub fn counterpart_level(a: Option<u32>, b: Option<u32>) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) => u8::from(x != y),
        _ => NULL,
    }
}

/// The other party of each incident: the same person (after a first
/// linkage pass) or not. Repeat disputes are between the same neighbours, so
/// two sparse records of one suspect often share their victim.
#[derive(Debug, Clone, Copy)]
pub struct CounterpartCmp;

impl Comparison for CounterpartCmp {
    fn name(&self) -> &'static str {
        "counterpart"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["same", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        counterpart_level(a.counterpart, b.counterpart)
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.5, 0.5]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.0001, 0.9999]
    }
}

/// Where two records place the person, from context (see
/// [`Mention::area`]): the same postcode, points within 60 m, the same
/// sector or within 300 m, the same district or within 1.5 km, the same
/// borough, else. Left to the `postcode` comparison when both records hold
/// a home postcode.
#[derive(Debug, Clone, Copy)]
pub struct AreaCmp;

/// The area level from the context postcodes' [`postcode_level`], the two
/// points and the two boroughs, where known: the closest any of them says.
fn area_level(
    area: Option<u8>,
    points: Option<([f32; 2], [f32; 2])>,
    boroughs: Option<(u32, u32)>,
) -> u8 {
    let mut level = NULL;
    if let Some(l) = area {
        // exact 0, sector 2, district 3, else 5
        level = level.min([0, 2, 3, 5][l as usize]);
    }
    if let Some((p, q)) = points {
        let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
        let d2 = dx * dx + dy * dy;
        level = level.min(if d2 <= 60.0 * 60.0 {
            1
        } else if d2 <= 300.0 * 300.0 {
            2
        } else if d2 <= 1500.0 * 1500.0 {
            3
        } else {
            5
        });
    }
    if let Some((x, y)) = boroughs {
        level = level.min(if x == y { 4 } else { 5 });
    }
    level
}

impl Comparison for AreaCmp {
    fn name(&self) -> &'static str {
        "area"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["postcode", "near", "sector", "district", "borough", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        if a.postcode.is_some() && b.postcode.is_some() {
            return NULL;
        }
        let area = match (&a.area, &b.area) {
            (Some(x), Some(y)) => Some(postcode_level(
                x == y,
                x.sector().is_some() && x.sector() == y.sector(),
                x.district().is_some() && x.district() == y.district(),
            )),
            _ => None,
        };
        let points = a.point.zip(b.point);
        area_level(area, points, a.borough.zip(b.borough))
    }
    fn compare_hot(&self, _: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        if a.postcode[0] != 0 && b.postcode[0] != 0 {
            return NULL;
        }
        let area = (a.area[0] != 0 && b.area[0] != 0).then(|| hot_postcode_level(&a.area, &b.area));
        let points = (a.flags & b.flags & POINT != 0).then_some((a.point, b.point));
        area_level(area, points, a.borough.zip(b.borough))
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.3, 0.2, 0.2, 0.1, 0.1, 0.1]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.0005, 0.0005, 0.003, 0.02, 0.03, 0.946]
    }
}

/// Phones: exact, else.
#[derive(Debug, Clone, Copy)]
pub struct PhoneCmp;

impl Comparison for PhoneCmp {
    fn name(&self) -> &'static str {
        "phone"
    }
    fn levels(&self) -> &'static [&'static str] {
        &["exact", "else"]
    }
    fn compare(&self, a: &Mention, b: &Mention) -> u8 {
        match (&a.phone, &b.phone) {
            (Some(x), Some(y)) => u8::from(x != y),
            _ => NULL,
        }
    }
    fn compare_hot(&self, _: &HotSet, a: &Hot, b: &Hot, _: &Mention, _: &Mention) -> u8 {
        if a.phone == 0 || b.phone == 0 {
            NULL
        } else {
            u8::from(a.phone != b.phone)
        }
    }
    fn prior_m(&self) -> &'static [f64] {
        &[0.8, 0.2]
    }
    fn prior_u(&self) -> &'static [f64] {
        &[0.00001, 0.99999]
    }
}

/// The comparisons of a model, in a fixed order.
#[derive(Debug)]
pub struct ComparisonSet {
    /// The comparisons.
    pub list: Vec<Box<dyn Comparison>>,
    swap: Option<usize>,
    first: Option<usize>,
    last: Option<usize>,
}

impl ComparisonSet {
    /// The comparisons a rules file enables.
    pub fn from_settings(c: &Comparisons) -> ComparisonSet {
        let mut list: Vec<Box<dyn Comparison>> = Vec::new();
        if c.first_name.enabled {
            list.push(Box::new(FirstNameCmp(c.first_name)));
        }
        if c.last_name.enabled {
            list.push(Box::new(LastNameCmp(c.last_name)));
        }
        if c.swapped_names.enabled {
            list.push(Box::new(SwappedNamesCmp));
        }
        if c.dob.enabled {
            list.push(Box::new(DobCmp));
        }
        if c.postcode.enabled {
            list.push(Box::new(PostcodeCmp));
        }
        if c.address.enabled {
            list.push(Box::new(AddressCmp(c.address)));
        }
        if c.phone.enabled {
            list.push(Box::new(PhoneCmp));
        }
        if c.area.enabled {
            list.push(Box::new(AreaCmp));
        }
        if c.counterpart.enabled {
            list.push(Box::new(CounterpartCmp));
        }
        ComparisonSet::of(list)
    }

    /// A set of these comparisons, in this order.
    pub fn of(list: Vec<Box<dyn Comparison>>) -> ComparisonSet {
        let pos = |n: &str| list.iter().position(|c| c.name() == n);
        ComparisonSet {
            swap: pos("swapped_names"),
            first: pos("first_name"),
            last: pos("last_name"),
            list,
        }
    }

    /// Compares a pair on every field.
    #[inline]
    pub fn gamma(&self, a: &Mention, b: &Mention) -> Gamma {
        let mut g = [NULL; MAX_COMPARISONS];
        for (slot, c) in g.iter_mut().zip(&self.list) {
            *slot = c.compare(a, b);
        }
        self.unswap(g)
    }

    /// [`ComparisonSet::gamma`] of mentions `i` and `j` from their compact
    /// copies (the same levels, faster).
    #[inline]
    pub fn gamma_hot(&self, s: &HotSet, list: &[Mention], i: usize, j: usize) -> Gamma {
        let mut g = [NULL; MAX_COMPARISONS];
        let (hi, hj) = (&s.hot[i], &s.hot[j]);
        let (a, b) = (&list[i], &list[j]);
        for (slot, c) in g.iter_mut().zip(&self.list) {
            *slot = c.compare_hot(s, hi, hj, a, b);
        }
        self.unswap(g)
    }

    /// Swapped names: the evidence is in the swap, not in two name mismatches.
    #[inline]
    fn unswap(&self, mut g: Gamma) -> Gamma {
        if let Some(s) = self.swap {
            if g[s] == 0 {
                for x in [self.first, self.last].into_iter().flatten() {
                    g[x] = NULL;
                }
            }
        }
        g
    }

    /// The number of levels of each comparison.
    pub fn level_counts(&self) -> Vec<usize> {
        self.list.iter().map(|c| c.levels().len()).collect()
    }

    /// The position of a comparison by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|c| c.name() == name)
    }

    /// `field=level;…` for the non-missing comparisons of a pair.
    pub fn describe(&self, g: &Gamma) -> String {
        let mut out = String::new();
        for (c, &l) in self.list.iter().zip(g) {
            if l == NULL {
                continue;
            }
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(c.name());
            out.push('=');
            out.push_str(c.levels().get(l as usize).copied().unwrap_or("?"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Comparisons;
    use chrono::NaiveDate;
    use marac_model::{PersonDetails, Postcode, Role};

    fn m(first: &str, last: &str, dob: Option<(i32, u32, u32)>, addr: &str, pc: &str) -> Mention {
        let p = PersonDetails {
            first_name: (!first.is_empty()).then(|| first.to_string()),
            last_name: (!last.is_empty()).then(|| last.to_string()),
            dob: dob.and_then(|(y, mo, d)| NaiveDate::from_ymd_opt(y, mo, d)),
            address: (!addr.is_empty()).then(|| addr.to_string()),
            postcode: (!pc.is_empty()).then(|| Postcode::parse(pc)),
            ..Default::default()
        };
        Mention::from_details(0, Role::Victim, 0, &p)
    }

    fn level(c: &dyn Comparison, a: &Mention, b: &Mention) -> &'static str {
        match c.compare(a, b) {
            NULL => "null",
            l => c.levels()[l as usize],
        }
    }

    #[test]
    fn first_name_levels() {
        let c = FirstNameCmp(Comparisons::default().first_name);
        let base = m("Margaret", "", None, "", "");
        assert_eq!(level(&c, &base, &m("margaret", "", None, "", "")), "exact");
        assert_eq!(level(&c, &base, &m("Peggy", "", None, "", "")), "nickname");
        assert_eq!(
            level(&c, &base, &m("Margeret", "", None, "", "")),
            "jw_high"
        );
        assert_eq!(
            level(
                &c,
                &m("Jon", "", None, "", ""),
                &m("John", "", None, "", "")
            ),
            "jw_high"
        );
        assert_eq!(
            level(
                &c,
                &m("Karen", "", None, "", ""),
                &m("Karin", "", None, "", "")
            ),
            "jw_low"
        );
        assert_eq!(level(&c, &base, &m("M.", "", None, "", "")), "initial");
        assert_eq!(
            level(&c, &m("Ivy", "", None, "", ""), &m("Ivu", "", None, "", "")),
            "one_edit"
        );
        assert_eq!(level(&c, &base, &m("K", "", None, "", "")), "else");
        assert_eq!(level(&c, &base, &m("Susan", "", None, "", "")), "else");
        assert_eq!(level(&c, &base, &m("", "X", None, "", "")), "null");
    }

    #[test]
    fn last_name_levels_and_swaps() {
        let c = LastNameCmp(Comparisons::default().last_name);
        let a = m("", "O'Neill", None, "", "");
        assert_eq!(level(&c, &a, &m("", "ONEILL", None, "", "")), "exact");
        assert_eq!(level(&c, &a, &m("", "Oneil", None, "", "")), "jw_high");
        assert_eq!(
            level(
                &c,
                &m("", "Smith", None, "", ""),
                &m("", "Smith-Jones", None, "", "")
            ),
            "part"
        );
        assert_eq!(
            level(
                &c,
                &m("", "Smithson", None, "", ""),
                &m("", "Smithers", None, "", "")
            ),
            "jw_low"
        );
        assert_eq!(level(&c, &a, &m("", "Patel", None, "", "")), "else");
        let s = SwappedNamesCmp;
        let x = m("Wei", "Zhang", None, "", "");
        assert_eq!(level(&s, &x, &m("Zhang", "Wei", None, "", "")), "swapped");
        assert_eq!(level(&s, &x, &m("Wei", "Zhang", None, "", "")), "else");
        assert_eq!(level(&s, &x, &m("Zhang", "Li", None, "", "")), "crossed");
        assert_eq!(level(&s, &x, &m("Li", "Wei", None, "", "")), "crossed");
        assert_eq!(level(&s, &x, &m("Li", "Zhang", None, "", "")), "else");
    }

    #[test]
    fn dob_postcode_address_phone_levels() {
        let d = DobCmp;
        let a = m("", "", Some((1958, 7, 3)), "", "");
        assert_eq!(
            level(&d, &a, &m("", "", Some((1958, 7, 3)), "", "")),
            "exact"
        );
        assert_eq!(
            level(&d, &a, &m("", "", Some((1958, 3, 7)), "", "")),
            "transposed"
        );
        assert_eq!(
            level(&d, &a, &m("", "", Some((1959, 7, 3)), "", "")),
            "one_digit"
        );
        assert_eq!(
            level(&d, &a, &m("", "", Some((1985, 7, 3)), "", "")),
            "one_digit"
        );
        assert_eq!(
            level(
                &d,
                &m("", "", Some((1959, 7, 3)), "", ""),
                &m("", "", Some((1960, 7, 3)), "", "")
            ),
            "one_digit"
        );
        assert_eq!(
            level(
                &d,
                &m("", "", Some((1959, 7, 9)), "", ""),
                &m("", "", Some((1959, 7, 10)), "", "")
            ),
            "one_digit"
        );
        assert_eq!(
            level(&d, &a, &m("", "", Some((1958, 11, 23)), "", "")),
            "year"
        );
        assert_eq!(
            level(&d, &a, &m("", "", Some((1970, 1, 1)), "", "")),
            "else"
        );
        let p = PostcodeCmp;
        let x = m("", "", None, "", "SW1A 1AA");
        assert_eq!(level(&p, &x, &m("", "", None, "", "sw1a1aa")), "exact");
        assert_eq!(level(&p, &x, &m("", "", None, "", "SW1A 1BB")), "sector");
        assert_eq!(level(&p, &x, &m("", "", None, "", "SW1A 2BB")), "district");
        assert_eq!(level(&p, &x, &m("", "", None, "", "E1 6AN")), "else");
        let ad = AddressCmp(Comparisons::default().address);
        let h = m("", "", None, "12 High St", "");
        assert_eq!(
            level(&ad, &h, &m("", "", None, "12 High Street", "")),
            "exact"
        );
        assert_eq!(
            level(&ad, &h, &m("", "", None, "Flat 1 12 High Street", "")),
            "house"
        );
        assert_eq!(
            level(&ad, &h, &m("", "", None, "14 High Street", "")),
            "street"
        );
        assert_eq!(
            level(
                &ad,
                &m("", "", None, "Flat 1, 12 High St", ""),
                &m("", "", None, "Flat 2, 12 High St", "")
            ),
            "street"
        );
        assert_eq!(level(&ad, &h, &m("", "", None, "3 Mill Lane", "")), "else");
        let ph = PhoneCmp;
        let mut x = m("", "", None, "", "");
        let mut y = x.clone();
        x.phone = crate::normalise::phone("+44 7700 900123");
        y.phone = crate::normalise::phone("07700900123");
        assert_eq!(level(&ph, &x, &y), "exact");
        y.phone = crate::normalise::phone("07700900124");
        assert_eq!(level(&ph, &x, &y), "else");
    }

    #[test]
    fn foreign_postcodes_one_edit_apart_are_near() {
        let pc = marac_model::Postcode::parse;
        let level = |a: &str, b: &str| foreign_near(3, &pc(a), &pc(b));
        assert_eq!(level("2576", "2567"), 1, "adjacent digits swapped");
        assert_eq!(level("2576", "2586"), 1, "one digit changed");
        assert_eq!(level("2576", "5276"), 1, "first two digits swapped");
        assert_eq!(level("2576", "6275"), 3, "two edits");
        assert_eq!(
            level("NW1 0NE", "NW1 0NF"),
            3,
            "UK postcodes keep their own levels"
        );
        assert_eq!(foreign_near(0, &pc("2576"), &pc("2576")), 0);
    }

    #[test]
    fn one_edit_distance() {
        for (a, b, want) in [
            ("ivy", "ivu", true),
            ("ben", "bne", true),
            ("ben", "be", true),
            ("ben", "bean", true),
            ("ben", "ben", true),
            ("ben", "nab", false),
            ("abcd", "badc", false),
            ("ann", "anne", true),
            ("ann", "annie", false),
        ] {
            assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), want, "{a} {b}");
        }
    }

    #[test]
    fn priors_have_one_value_per_level() {
        let set = ComparisonSet::from_settings(&Comparisons::default());
        assert_eq!(
            set.list.len(),
            7 + usize::from(Comparisons::default().counterpart.enabled)
                + usize::from(Comparisons::default().area.enabled)
        );
        for c in &set.list {
            assert_eq!(c.prior_m().len(), c.levels().len(), "{}", c.name());
            assert_eq!(c.prior_u().len(), c.levels().len(), "{}", c.name());
        }
    }
}
