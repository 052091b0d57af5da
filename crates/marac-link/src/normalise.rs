//! Normalisation: every person mention is turned into comparable values once,
//! before blocking, so that comparisons are cheap.
//!
//! Names fold case, whitespace, punctuation and diacritics, drop titles and
//! apostrophes (`O'Neill` = `ONeill` = `O Neill`), keep the parts of
//! double-barrelled surnames, and map first names to formal names through the
//! shared nickname table. Addresses become a house number, a flat number and a
//! set of street tokens with abbreviations expanded. Phones keep digits with
//! `+44` read as `0`.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use marac_model::nicknames::NICKNAMES;
use marac_model::{Incident, PersonDetails, Postcode, Role};
use rayon::prelude::*;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::hash::{hash_str, FxMap};

/// Titles dropped from the front of a name.
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "rev",
    "revd",
    "sir",
    "dame",
    "lady",
    "lord",
    "master",
    "fr",
    "sr",
    "cllr",
];

/// Street-type abbreviations and their expansion.
pub const ADDRESS_ABBREVIATIONS: &[(&str, &str)] = &[
    ("st", "street"),
    ("str", "street"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("ln", "lane"),
    ("dr", "drive"),
    ("drv", "drive"),
    ("ct", "court"),
    ("crt", "court"),
    ("cl", "close"),
    ("cres", "crescent"),
    ("cresc", "crescent"),
    ("gdns", "gardens"),
    ("gdn", "garden"),
    ("pl", "place"),
    ("sq", "square"),
    ("tce", "terrace"),
    ("terr", "terrace"),
    ("hse", "house"),
    ("ho", "house"),
    ("blk", "block"),
    ("est", "estate"),
    ("gr", "grove"),
    ("gro", "grove"),
    ("pk", "park"),
    ("mt", "mount"),
    ("hts", "heights"),
    ("wk", "walk"),
    ("wy", "way"),
    ("rise", "rise"),
    ("mws", "mews"),
    ("bldgs", "buildings"),
    ("ctr", "centre"),
    ("hl", "hill"),
    ("grn", "green"),
    ("n", "north"),
    ("s", "south"),
    ("e", "east"),
    ("w", "west"),
];

/// Words that introduce a flat number.
const FLAT_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "room", "maisonette"];

/// Words that carry no information about where someone lives.
const ADDRESS_STOP: &[&str] = &["london", "the", "of", "and", "uk", "england"];

/// A normalised home address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// House number (digits and an optional letter, e.g. `12a`).
    pub house: Option<Box<str>>,
    /// Flat or unit number.
    pub flat: Option<Box<str>>,
    /// Street and building words, hashed, sorted and deduplicated.
    pub street: Box<[u64]>,
    /// The same words as text, in the order of `street`, joined by spaces
    /// (for typo-tolerant comparison).
    pub words: Box<str>,
    /// Whether anything at all was recognised.
    pub present: bool,
}

impl Address {
    /// Parses an address as written.
    ///
    /// ```
    /// use marac_link::normalise::Address;
    /// let a = Address::parse("Flat 1, 12 High St.");
    /// let b = Address::parse("12 high street, London");
    /// assert_eq!(a.house.as_deref(), Some("12"));
    /// assert_eq!(a.flat.as_deref(), Some("1"));
    /// assert_eq!(a.street, b.street);
    /// ```
    pub fn parse(raw: &str) -> Address {
        let folded = fold(raw);
        let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
        let mut house = None;
        let mut flat = None;
        let mut street: Vec<(u64, &str)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = tokens[i];
            // A postcode at the end of the address line is not a street word.
            if is_outward(t) && tokens.get(i + 1).is_some_and(|n| is_inward(n)) {
                i += 2;
                continue;
            }
            if FLAT_WORDS.contains(&t) {
                if let Some(n) = tokens.get(i + 1).filter(|n| has_digit(n)) {
                    if flat.is_none() {
                        flat = Some(Box::from(*n));
                    }
                    i += 2;
                    continue;
                }
                i += 1;
                continue;
            }
            if t.as_bytes()[0].is_ascii_digit() {
                if house.is_none() {
                    house = Some(Box::from(t));
                } else if flat.is_none() {
                    // "1 12 High Street": the first number was the flat.
                    flat = house.take();
                    house = Some(Box::from(t));
                }
                i += 1;
                continue;
            }
            if !ADDRESS_STOP.contains(&t) {
                let word = ADDRESS_ABBREVIATIONS
                    .iter()
                    .find(|(a, _)| *a == t)
                    .map(|(_, full)| *full)
                    .unwrap_or(t);
                street.push((hash_str(word), word));
            }
            i += 1;
        }
        street.sort_unstable();
        street.dedup_by_key(|w| w.0);
        let present = house.is_some() || flat.is_some() || !street.is_empty();
        // The words as one string, built once (a million addresses).
        let mut words = String::with_capacity(street.iter().map(|w| w.1.len() + 1).sum());
        for (k, (_, w)) in street.iter().enumerate() {
            if k > 0 {
                words.push(' ');
            }
            words.push_str(w);
        }
        Address {
            house,
            flat,
            street: street.iter().map(|w| w.0).collect(),
            words: words.into(),
            present,
        }
    }

    /// Typo-tolerant Jaccard similarity of the street-word sets (see
    /// [`street_similarity`]).
    pub fn street_similarity(&self, other: &Address) -> f64 {
        street_similarity(&self.street, &self.words, &other.street, &other.words)
    }

    /// A key for "the same address": house, flat and street words.
    pub fn key(&self) -> Option<u64> {
        if self.street.is_empty() {
            return None;
        }
        let mut parts: Vec<&[u8]> = vec![
            self.house.as_deref().unwrap_or("").as_bytes(),
            self.flat.as_deref().unwrap_or("").as_bytes(),
        ];
        let words: Vec<[u8; 8]> = self.street.iter().map(|w| w.to_le_bytes()).collect();
        for w in &words {
            parts.push(w);
        }
        Some(crate::hash::hash_parts(&parts))
    }
}

/// Shortest street word that may match another one typo away: shorter
/// words ("st", "rd", "hill") differ by one letter from other real words.
const FUZZY_WORD_MIN: usize = 4;

/// Jaccard similarity of two sets of street words (hashes sorted and
/// deduplicated, `aw`/`bw` the same words as text in that order), in which
/// a word of four letters or more that is one typo (an edit or an adjacent
/// swap) from a word of the other set that nothing else matched counts as
/// shared: "stanley street" and "stanely street" share both words. Exact
/// matches are paired first, then each remaining word of `a` in order with
/// the first remaining word of `b` it fits. 0 when either is empty.
pub fn street_similarity(a: &[u64], aw: &str, b: &[u64], bw: &str) -> f64 {
    match typo_shared(a, aw, b, bw, None) {
        Some(inter) => inter as f64 / (a.len() + b.len() - inter) as f64,
        None => jaccard(a, b),
    }
}

/// Whether [`street_similarity`] reaches `need`, with no more work than it
/// takes to say: bounded first by the words left unmatched, and stopped as
/// soon as enough words are shared. Comparisons call this for the `house`
/// and `street` levels of pairs whose words as written fall short.
pub fn street_reaches(a: &[u64], aw: &str, b: &[u64], bw: &str, need: f64) -> bool {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return false;
    }
    // Shared words `k` reach `need` when k / (n + m - k) >= need.
    let enough = ((need * (n + m) as f64) / (1.0 + need)).ceil().max(0.0) as usize;
    match typo_shared(a, aw, b, bw, Some(enough)) {
        Some(k) => k >= enough,
        None => jaccard(a, b) >= need,
    }
}

/// The words two street-word sets share, typos allowed (see
/// [`street_similarity`]); with `enough`, counting no further than that,
/// and not at all when it cannot be reached. `None` when the sets are too
/// long to compare word by word (then only exact matches count).
fn typo_shared(a: &[u64], aw: &str, b: &[u64], bw: &str, enough: Option<usize>) -> Option<usize> {
    const MAX: usize = 32;
    if a.len() > MAX || b.len() > MAX {
        return None;
    }
    let (mut ma, mut mb) = ([false; MAX], [false; MAX]);
    let mut inter = shared(a, b, |i, j| (ma[i], mb[j]) = (true, true));
    // Reached already, or out of reach even if every word left paired up.
    let left = (a.len() - inter).min(b.len() - inter);
    if enough.is_some_and(|e| inter >= e || inter + left < e) || left == 0 {
        return Some(inter);
    }
    let enough = enough.unwrap_or(usize::MAX);
    let mut wb = [""; MAX];
    for (slot, w) in wb.iter_mut().zip(bw.split(' ')) {
        *slot = w;
    }
    let wb = &wb[..b.len()];
    for (x, w) in aw.split(' ').enumerate().take(a.len()) {
        if ma[x] || w.len() < FUZZY_WORD_MIN {
            continue;
        }
        if let Some(y) = (0..wb.len()).find(|&y| {
            !mb[y]
                && wb[y].len() >= FUZZY_WORD_MIN
                && crate::compare::within_one_edit(w.as_bytes(), wb[y].as_bytes())
        }) {
            mb[y] = true;
            inter += 1;
            if inter >= enough {
                break;
            }
        }
    }
    Some(inter)
}

/// Jaccard similarity of two sorted, deduplicated slices.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = shared(a, b, |_, _| ());
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// The number of values two sorted, deduplicated slices share, calling
/// `found(i, j)` for each (`a[i] == b[j]`).
#[inline]
fn shared(a: &[u64], b: &[u64], mut found: impl FnMut(usize, usize)) -> usize {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                found(i, j);
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter
}

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

fn is_outward(t: &str) -> bool {
    let b = t.as_bytes();
    (2..=4).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter().any(|c| c.is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_alphanumeric())
}

fn is_inward(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_lowercase() && b[2].is_ascii_lowercase()
}

/// Folds text for comparison: Unicode compatibility decomposition, diacritics
/// dropped, lower case, apostrophes removed, every other non-alphanumeric
/// character a single space, trimmed.
///
/// ```
/// use marac_link::normalise::fold;
/// assert_eq!(fold("  O’Neill-Smith, Zoë "), "oneill smith zoe");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    if s.is_ascii() {
        // The same result without Unicode decomposition (most records).
        for b in s.bytes() {
            if matches!(b, b'\'' | b'`') {
                continue;
            }
            if b.is_ascii_alphanumeric() {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                space = true;
            }
        }
        return out;
    }
    fold_unicode(s)
}

/// [`fold`] by Unicode decomposition (any text).
fn fold_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkd() {
        if is_combining_mark(c) || matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            for l in c.to_lowercase() {
                // Letters with no decomposition that records also write
                // plain: "Małgorzata" / "Malgorzata", "Søren" / "Soren".
                match l {
                    'ł' => out.push('l'),
                    'ø' => out.push('o'),
                    'đ' | 'ð' => out.push('d'),
                    'ı' => out.push('i'),
                    'ß' => out.push_str("ss"),
                    'æ' => out.push_str("ae"),
                    'œ' => out.push_str("oe"),
                    'þ' => out.push_str("th"),
                    _ => out.push(l),
                }
            }
        } else {
            space = true;
        }
    }
    out
}

/// A first name, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirstName {
    /// The first given name, folded (`""` when unknown).
    pub name: Box<str>,
    /// Whether only an initial was recorded (`M.`).
    pub initial_only: bool,
    /// Ids of the formal names it may stand for, through the nickname table.
    pub formal: Box<[u16]>,
}

impl FirstName {
    /// Parses a first-name field.
    pub fn parse(raw: &str) -> FirstName {
        let folded = fold(raw);
        let name = folded
            .split(' ')
            .find(|t| !t.is_empty() && !TITLES.contains(t))
            .unwrap_or("");
        FirstName {
            name: Box::from(name),
            initial_only: name.chars().count() == 1,
            formal: formal_ids(name).into(),
        }
    }

    /// The first letter, if any.
    pub fn initial(&self) -> Option<char> {
        self.name.chars().next()
    }
}

/// A last name, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastName {
    /// Every part joined without spaces (`o neill` -> `oneill`).
    pub name: Box<str>,
    /// The parts of a double-barrelled name (empty when there is one part).
    pub parts: Box<[Box<str>]>,
    /// American Soundex code of the joined name.
    pub soundex: [u8; 4],
}

impl LastName {
    /// Parses a last-name field.
    pub fn parse(raw: &str) -> LastName {
        let folded = fold(raw);
        let mut tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
        while tokens.len() > 1 && TITLES.contains(&tokens[0]) {
            tokens.remove(0);
        }
        let name: String = tokens.concat();
        let parts: Vec<Box<str>> = if tokens.len() > 1 {
            tokens
                .iter()
                .filter(|t| t.len() >= 3)
                .map(|t| Box::from(*t))
                .collect()
        } else {
            Vec::new()
        };
        LastName {
            soundex: soundex(&name),
            name: name.into(),
            parts: parts.into(),
        }
    }
}

/// American Soundex of a folded name (`[0; 4]` when there is no letter).
///
/// ```
/// use marac_link::normalise::soundex;
/// assert_eq!(&soundex("robert"), b"R163");
/// assert_eq!(&soundex("rupert"), b"R163");
/// assert_eq!(&soundex("oneill"), &soundex("oneil"));
/// assert_eq!(&soundex("tymczak"), b"T522");
/// assert_eq!(&soundex("pfister"), b"P236");
/// ```
pub fn soundex(name: &str) -> [u8; 4] {
    fn code(c: u8) -> u8 {
        match c {
            b'b' | b'f' | b'p' | b'v' => b'1',
            b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
            b'd' | b't' => b'3',
            b'l' => b'4',
            b'm' | b'n' => b'5',
            b'r' => b'6',
            b'h' | b'w' => b'h',
            _ => b'0',
        }
    }
    let letters: Vec<u8> = name.bytes().filter(|b| b.is_ascii_lowercase()).collect();
    let Some(&first) = letters.first() else {
        return [0; 4];
    };
    let mut out = [b'0'; 4];
    out[0] = first.to_ascii_uppercase();
    let mut n = 1;
    let mut prev = code(first);
    for &c in &letters[1..] {
        let d = code(c);
        if d == b'h' {
            continue; // h and w do not separate equal codes
        }
        if d != b'0' && d != prev {
            out[n] = d;
            n += 1;
            if n == 4 {
                break;
            }
        }
        prev = d;
    }
    out
}

/// Spelling variants of formal first names, each group one name.
pub const NAME_VARIANTS: &[&[&str]] = &[
    &[
        "catherine",
        "katherine",
        "kathryn",
        "katharine",
        "catharine",
    ],
    &["stephen", "steven"],
    &["geoffrey", "jeffrey"],
    &["philip", "phillip"],
    &[
        "mohammed", "muhammad", "mohammad", "mohamed", "muhammed", "mohamad",
    ],
    &["ahmed", "ahmad"],
    &["hussain", "hussein", "husain"],
    &["yusuf", "yousef", "yusef", "yousuf"],
    &["aisha", "ayesha", "aysha"],
    &["fatima", "fatimah"],
    &["zainab", "zaynab"],
    &["jacqueline", "jaqueline"],
    &["sean", "shaun", "shawn"],
    &["isabel", "isobel", "isabelle"],
    &["sara", "sarah"],
    &["ann", "anne"],
    &["rebecca", "rebekah"],
    &["nicola", "nichola"],
    &["oluwaseun", "oluwaseyi"],
];

struct NicknameTable {
    /// Folded name -> formal-name ids.
    ids: FxMap<String, Vec<u16>>,
}

fn nickname_table() -> &'static NicknameTable {
    static TABLE: OnceLock<NicknameTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut formal_id: FxMap<&'static str, u16> = FxMap::default();
        let mut next = 0u16;
        for group in NAME_VARIANTS {
            for name in *group {
                formal_id.insert(name, next);
            }
            next += 1;
        }
        for n in NICKNAMES {
            formal_id.entry(n.formal).or_insert_with(|| {
                next += 1;
                next
            });
        }
        // Keys folded as names are, so "Małgorzata" in the table meets
        // "Malgorzata" in a record.
        let mut ids: FxMap<String, Vec<u16>> = FxMap::default();
        for (formal, id) in &formal_id {
            let e = ids.entry(fold(formal)).or_default();
            if !e.contains(id) {
                e.push(*id);
            }
        }
        for n in NICKNAMES {
            let id = formal_id[n.formal];
            let e = ids.entry(fold(n.nick)).or_default();
            if !e.contains(&id) {
                e.push(id);
            }
        }
        for v in ids.values_mut() {
            v.sort_unstable();
        }
        NicknameTable { ids }
    })
}

/// The formal-name ids a folded first name may stand for (empty when it is
/// not in the nickname table).
pub fn formal_ids(name: &str) -> Vec<u16> {
    nickname_table().ids.get(name).cloned().unwrap_or_default()
}

/// Whether two folded first names are nickname-equivalent.
pub fn nickname_match(a: &[u16], b: &[u16]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// Digits of a phone number, `+44`/`0044` read as `0`; `None` if fewer than 7 digits.
///
/// ```
/// use marac_link::normalise::phone;
/// assert_eq!(phone("+44 (0)20 7946 0018").as_deref(), Some("02079460018"));
/// assert_eq!(phone("+44 20 7946 0018").as_deref(), Some("02079460018"));
/// assert_eq!(phone("020 7946 0018").as_deref(), Some("02079460018"));
/// assert_eq!(phone("n/a"), None);
/// ```
pub fn phone(raw: &str) -> Option<Box<str>> {
    let plus = raw.trim_start().starts_with('+');
    let mut d: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some(rest) = d.strip_prefix("0044") {
        d = rest.to_string();
    } else if plus {
        if let Some(rest) = d.strip_prefix("44") {
            d = rest.to_string();
        }
    } else if d.len() == 12 && d.starts_with("44") {
        d = d[2..].to_string();
    }
    if (plus || d.len() == 10) && !d.starts_with('0') {
        d.insert(0, '0');
    }
    // "+44 (0)20 ...": a doubled trunk zero.
    if d.starts_with("00") {
        d.remove(0);
    }
    (d.len() >= 7).then(|| d.into_boxed_str())
}

/// One person as recorded in one incident, normalised for linkage.
#[derive(Debug, Clone, Default)]
pub struct Mention {
    /// Index of the incident in input order.
    pub incident: u32,
    /// Victim or suspect.
    pub role: Option<Role>,
    /// Index of the source agency (see [`Mentions::sources`]).
    pub source: u32,
    /// The agency's own person reference, trimmed and upper-cased.
    pub reference: Option<Box<str>>,
    /// First name.
    pub first: FirstName,
    /// Last name.
    pub last: LastName,
    /// Date of birth.
    pub dob: Option<NaiveDate>,
    /// Postcode: normalised when a UK postcode, else as written.
    pub postcode: Option<Postcode>,
    /// Home address.
    pub address: Address,
    /// Phone digits.
    pub phone: Option<Box<str>>,
    /// The person of the other party of the same incident (the suspect of a
    /// victim, the victim of a suspect), from a first linkage pass.
    pub counterpart: Option<u32>,
    /// Where the person is likely to live, from the record's context: their
    /// own postcode, else the incident's postcode, else the other party's
    /// postcode (neighbour disputes are between neighbours).
    pub area: Option<Postcode>,
    /// The incident's point (BNG metres), when recorded.
    pub point: Option<[f32; 2]>,
    /// A hash of the incident's area (borough) as folded text, when recorded.
    pub borough: Option<u32>,
    /// How many mentions share this first name (for TF adjustment).
    pub first_count: u32,
    /// How many mentions share this last name.
    pub last_count: u32,
}

impl Mention {
    /// Normalises one person's details.
    pub fn from_details(incident: u32, role: Role, source: u32, p: &PersonDetails) -> Mention {
        Mention {
            incident,
            role: Some(role),
            source,
            reference: p
                .reference
                .as_deref()
                .map(|r| r.trim().to_uppercase())
                .filter(|r| !r.is_empty())
                .map(String::into_boxed_str),
            first: p
                .first_name
                .as_deref()
                .map(FirstName::parse)
                .unwrap_or_default(),
            last: p
                .last_name
                .as_deref()
                .map(LastName::parse)
                .unwrap_or_default(),
            dob: p.dob,
            postcode: p.postcode.clone().filter(|p| !p.as_str().is_empty()),
            address: p.address.as_deref().map(Address::parse).unwrap_or_default(),
            phone: p.phone.as_deref().and_then(phone),
            counterpart: None,
            area: None,
            point: None,
            borough: None,
            first_count: 0,
            last_count: 0,
        }
    }

    /// The role as text: `victim` or `suspect`.
    pub fn role_str(&self) -> &'static str {
        self.role.map(|r| r.as_str()).unwrap_or("victim")
    }

    /// Whether the mention holds anything a comparison can use.
    pub fn is_usable(&self) -> bool {
        !self.first.name.is_empty()
            || !self.last.name.is_empty()
            || self.dob.is_some()
            || self.reference.is_some()
            || self.phone.is_some()
            || self.postcode.is_some()
            || self.address.present
    }
}

/// Every person mention of a run, in input order (incident, then victim
/// before suspect).
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    /// The mentions.
    pub list: Vec<Mention>,
    /// Source slugs by index.
    pub sources: Vec<Arc<str>>,
    /// Term-frequency totals (mentions with a first name, with a last name).
    pub totals: TfTotals,
}

/// How many mentions have a full first name and a last name: the
/// denominators of term frequencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TfTotals {
    /// Mentions with a first name that is not an initial.
    pub first: u32,
    /// Mentions with a last name.
    pub last: u32,
}

impl Mentions {
    /// Extracts and normalises the mentions of some incidents (in parallel;
    /// the result does not depend on the number of threads).
    pub fn from_incidents(incidents: &[Incident]) -> Mentions {
        // Canonical order: by incident id (unique within a run), victim
        // first, so that nothing downstream (source numbers, the random u
        // sample, tie-breaks, person numbers) depends on the order in which
        // rows or files came.
        let order = canonical_order(incidents);
        let mut sources: Vec<Arc<str>> = Vec::new();
        let mut source_ids: FxMap<Arc<str>, u32> = FxMap::default();
        let mut ids: Vec<u32> = vec![0; incidents.len()];
        for &i in &order {
            let inc = &incidents[i as usize];
            ids[i as usize] = *source_ids.entry(inc.source.clone()).or_insert_with(|| {
                sources.push(inc.source.clone());
                (sources.len() - 1) as u32
            });
        }
        let mut list: Vec<Mention> = order
            .par_iter()
            .flat_map_iter(|&i| {
                let inc = &incidents[i as usize];
                let src = ids[i as usize];
                [(Role::Victim, &inc.victim), (Role::Suspect, &inc.suspect)]
                    .into_iter()
                    .filter_map(move |(role, p)| {
                        let p = p.as_deref()?;
                        if p.is_empty() {
                            return None;
                        }
                        let m = Mention::from_details(i, role, src, p);
                        m.is_usable().then_some(m)
                    })
            })
            .collect();
        fill_context(&mut list, incidents);
        let totals = fill_term_frequencies(&mut list);
        Mentions {
            list,
            sources,
            totals,
        }
    }

    /// Number of mentions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no mentions.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The incidents' indices in canonical order: by incident id, then by the
/// index (ids are unique within a run; the index only breaks ties between
/// equal ids given to the library directly).
pub fn canonical_order(incidents: &[Incident]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..incidents.len() as u32).collect();
    if !incidents.windows(2).all(|w| w[0].id <= w[1].id) {
        order.par_sort_by(|&a, &b| {
            incidents[a as usize]
                .id
                .cmp(&incidents[b as usize].id)
                .then(a.cmp(&b))
        });
    }
    order
}

/// Sets [`Mention::area`] and [`Mention::point`] from each mention's incident
/// and the incident's other party. The mentions of one incident are
/// adjacent in `list`, victim first.
pub fn fill_context(list: &mut [Mention], incidents: &[Incident]) {
    // Boroughs as written are few: fold and hash each distinct text once.
    let mut boroughs: FxMap<&str, Option<u32>> = FxMap::default();
    let borough_of: Vec<Option<u32>> = incidents
        .iter()
        .map(|inc| {
            let a = inc.area.as_deref()?;
            *boroughs.entry(a).or_insert_with(|| {
                let f = fold(a);
                (!f.is_empty()).then(|| hash_str(&f) as u32)
            })
        })
        .collect();
    fn uk(p: &Option<Postcode>) -> Option<&Postcode> {
        p.as_ref().filter(|p| p.is_uk())
    }
    // (context postcode, point, borough) per mention.
    type Context = (Option<Postcode>, Option<[f32; 2]>, Option<u32>);
    let context: Vec<Context> = (0..list.len())
        .into_par_iter()
        .map(|k| {
            let m = &list[k];
            let inc = &incidents[m.incident as usize];
            let other = [k.wrapping_sub(1), k + 1]
                .into_iter()
                .find(|&o| o < list.len() && list[o].incident == m.incident);
            let area = uk(&m.postcode)
                .or_else(|| uk(&inc.postcode))
                .or_else(|| other.and_then(|o| uk(&list[o].postcode)))
                .cloned();
            let point = inc
                .bng
                .filter(|b| b.easting.is_finite() && b.northing.is_finite())
                .map(|b| [b.easting as f32, b.northing as f32]);
            (area, point, borough_of[m.incident as usize])
        })
        .collect();
    list.par_iter_mut()
        .zip(context)
        .for_each(|(m, (area, point, borough))| {
            m.area = area;
            m.point = point;
            m.borough = borough;
        });
}

/// Sets `first_count` and `last_count`: how many mentions share each value.
pub fn fill_term_frequencies(list: &mut [Mention]) -> TfTotals {
    // Name -> count.
    let mut first: FxMap<&str, u32> = FxMap::default();
    let mut last: FxMap<&str, u32> = FxMap::default();
    let mut totals = TfTotals::default();
    for m in list.iter() {
        if !m.first.name.is_empty() && !m.first.initial_only {
            *first.entry(&m.first.name).or_insert(0) += 1;
            totals.first += 1;
        }
        if !m.last.name.is_empty() {
            *last.entry(&m.last.name).or_insert(0) += 1;
            totals.last += 1;
        }
    }
    let found: Vec<[u32; 2]> = list
        .par_iter()
        .map(|m| {
            [
                first.get(&*m.first.name).copied().unwrap_or(0),
                last.get(&*m.last.name).copied().unwrap_or(0),
            ]
        })
        .collect();
    list.par_iter_mut().zip(found).for_each(|(m, [f, l])| {
        m.first_count = f;
        m.last_count = l;
    });
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_folding_is_unicode_folding() {
        let mut rng = marac_model::SplitMix64::new(5);
        for _ in 0..20_000 {
            let len = rng.below(12) as usize;
            let s: String = (0..len)
                .map(|_| (32 + rng.below(95) as u8) as char)
                .collect();
            assert_eq!(fold(&s), fold_unicode(&s), "{s:?}");
        }
    }

    #[test]
    fn letters_without_decomposition_fold_to_their_plain_spelling() {
        assert_eq!(fold("Małgorzata"), "malgorzata");
        assert_eq!(fold("Søren Strauß"), "soren strauss");
        assert_eq!(
            formal_ids(&FirstName::parse("Gosia").name),
            formal_ids(&FirstName::parse("Malgorzata").name),
            "a nickname of Małgorzata is one of Malgorzata"
        );
        assert!(!formal_ids("gosia").is_empty());
    }

    #[test]
    fn names_fold_titles_apostrophes_and_diacritics() {
        for raw in ["O'Neill", "ONeill", "O Neill", "o’neill", " O'NEILL "] {
            assert_eq!(&*LastName::parse(raw).name, "oneill", "{raw}");
        }
        assert_eq!(&*FirstName::parse("Mrs Margaret").name, "margaret");
        assert_eq!(&*FirstName::parse("Dr. José").name, "jose");
        let m = FirstName::parse("M.");
        assert!(m.initial_only);
        assert_eq!(m.initial(), Some('m'));
        let dbl = LastName::parse("Smith-Jones");
        assert_eq!(&*dbl.name, "smithjones");
        assert_eq!(dbl.parts.len(), 2);
        assert_eq!(&*LastName::parse("Zoë Brontë").name, "zoebronte");
    }

    /// One table: whatever nickname the synthetic data writes for a first
    /// name, linkage reads as that name.
    #[test]
    fn every_nickname_the_synth_writes_is_known_to_linkage() {
        let pairs = marac_synth::nickname_pairs();
        assert!(pairs.len() >= 100, "{}", pairs.len());
        for (nick, first) in &pairs {
            assert!(
                nickname_match(
                    &FirstName::parse(nick).formal,
                    &FirstName::parse(first).formal
                ),
                "{nick} for {first} is not known to linkage"
            );
        }
        assert!(pairs
            .iter()
            .any(|(n, f)| n == "Gosia" && *f == "Małgorzata"));
    }

    #[test]
    fn nicknames_map_to_formal_names() {
        let peggy = FirstName::parse("Peggy");
        let margaret = FirstName::parse("MARGARET");
        let maggie = FirstName::parse("maggie");
        assert!(nickname_match(&peggy.formal, &margaret.formal));
        assert!(nickname_match(&maggie.formal, &peggy.formal));
        let bob = FirstName::parse("Bob");
        assert!(!nickname_match(&bob.formal, &margaret.formal));
        assert!(nickname_match(
            &bob.formal,
            &FirstName::parse("Robert").formal
        ));
        assert!(FirstName::parse("Oyelaran").formal.is_empty());
        let steve = FirstName::parse("Steve");
        assert!(nickname_match(
            &FirstName::parse("Stephen").formal,
            &FirstName::parse("Steven").formal
        ));
        assert!(nickname_match(
            &steve.formal,
            &FirstName::parse("Steven").formal
        ));
    }

    #[test]
    fn addresses_expand_abbreviations_and_find_numbers() {
        let a = Address::parse("12 High St");
        let b = Address::parse("Flat 1, 12 High Street, London SW1A 1AA");
        let c = Address::parse("12 Street High");
        assert_eq!(a.street, b.street);
        assert_eq!(a.street, c.street, "order-insensitive");
        assert_eq!(b.flat.as_deref(), Some("1"));
        assert_eq!(b.house.as_deref(), Some("12"));
        let d = Address::parse("1 12 High Rd");
        assert_eq!(
            (d.flat.as_deref(), d.house.as_deref()),
            (Some("1"), Some("12"))
        );
        assert!(a.street_similarity(&d) < 1.0);
        assert_eq!(a.key(), c.key());
        assert!(!Address::parse("  ").present);
    }

    #[test]
    fn street_words_one_typo_apart_count_as_shared() {
        let s = |a: &str, b: &str| Address::parse(a).street_similarity(&Address::parse(b));
        // {stanley, street, miami} against {stanely, street, miami}: one
        // typo, all three shared (exact Jaccard would be 2/4).
        assert_eq!(s("8 stanley street miami", "8 stanely street miami"), 1.0);
        assert_eq!(
            jaccard(
                &Address::parse("8 stanley street miami").street,
                &Address::parse("8 stanely street miami").street
            ),
            0.5
        );
        // Two typos in one word: not shared (2 of 4).
        assert_eq!(s("stanley street miami", "stnaelx street miami"), 0.5);
        // Words under four letters must be equal: "elm" / "elk" are two streets.
        assert_eq!(s("elm grove", "elk grove"), 1.0 / 3.0);
        // Each word pairs once: "mill" meets "hill" or "mall", not both.
        assert_eq!(s("mill lane", "hill mall lane"), 2.0 / 3.0);
        assert_eq!(s("", "mill lane"), 0.0);
        // The words as text follow the hashes' order, deduplicated.
        let a = Address::parse("High Street High Road");
        assert_eq!(a.street.len(), 3);
        assert_eq!(a.words.split(' ').count(), 3);
        for (h, w) in a.street.iter().zip(a.words.split(' ')) {
            assert_eq!(*h, crate::hash::hash_str(w));
        }
    }

    #[test]
    fn street_reaches_says_what_street_similarity_would() {
        let streets = [
            "8 stanley street miami",
            "8 stanely street miami",
            "stnaelx street miami",
            "mill lane",
            "hill mall lane",
            "elm grove",
            "elk grove",
            "1 high street",
            "flat 2 high st london",
            "station road",
            "stationn rd",
            "",
        ];
        for x in streets {
            for y in streets {
                let (a, b) = (Address::parse(x), Address::parse(y));
                let sim = a.street_similarity(&b);
                for need in [0.2, 0.5, 0.8, 1.0] {
                    assert_eq!(
                        street_reaches(&a.street, &a.words, &b.street, &b.words, need),
                        sim >= need,
                        "{x:?} {y:?} {need} ({sim})"
                    );
                }
            }
        }
    }

    #[test]
    fn soundex_groups_similar_surnames() {
        assert_eq!(soundex("ashcraft"), *b"A261");
        assert_eq!(soundex(""), [0; 4]);
        assert_eq!(soundex("smith"), soundex("smyth"));
    }
}
