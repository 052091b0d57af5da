//! Recording noise: how one agency's clerk writes down a true value.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use marac_model::nicknames::NICKNAMES;
use marac_model::{Postcode, SplitMix64};

use crate::tables::{INWARD_LETTERS, SPELLING_VARIANTS};

/// Replaces accented letters with their plain ASCII base letter, as many
/// case-management systems do.
pub(crate) fn strip_diacritics(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ē' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
            'ç' | 'č' | 'ć' => 'c',
            'ł' => 'l',
            'ń' | 'ñ' | 'ņ' => 'n',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ğ' => 'g',
            'ț' | 'ţ' => 't',
            'Á' | 'À' | 'Â' | 'Ä' => 'A',
            'É' | 'È' => 'E',
            'Í' | 'İ' => 'I',
            'Ó' | 'Ö' | 'Ø' => 'O',
            'Ú' | 'Ü' => 'U',
            'Ç' | 'Č' => 'C',
            'Ł' => 'L',
            'Ś' | 'Ş' | 'Š' => 'S',
            'Ż' | 'Ž' | 'Ź' => 'Z',
            c => c,
        })
        .collect()
}

/// Whether a string has any non-ASCII letter.
pub(crate) fn has_diacritics(s: &str) -> bool {
    !s.is_ascii()
}

fn random_letter(rng: &mut SplitMix64, upper: bool) -> char {
    let c = (b'a' + rng.below(26) as u8) as char;
    if upper {
        c.to_ascii_uppercase()
    } else {
        c
    }
}

/// One keying error: a substituted, dropped or doubled/inserted letter.
pub(crate) fn typo(s: &str, rng: &mut SplitMix64) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 3 {
        return s.to_string();
    }
    // Rarely the first letter: clerks mostly get initials right.
    let i = letters[1 + rng.below(letters.len() as u64 - 1) as usize];
    let upper = chars[i].is_uppercase();
    match rng.below(3) {
        0 => {
            let mut c = random_letter(rng, upper);
            if c == chars[i] {
                c = if upper { 'E' } else { 'e' };
            }
            chars[i] = c;
        }
        1 => {
            if letters.len() > 3 {
                chars.remove(i);
            }
        }
        _ => {
            let c = if rng.chance(0.5) {
                chars[i]
            } else {
                random_letter(rng, upper)
            };
            chars.insert(i, c);
        }
    }
    chars.into_iter().collect()
}

/// Two adjacent letters swapped ("Smtih").
pub(crate) fn transpose(s: &str, rng: &mut SplitMix64) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let pairs: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| {
            chars[i].is_alphabetic() && chars[i + 1].is_alphabetic() && chars[i] != chars[i + 1]
        })
        .collect();
    if pairs.is_empty() {
        return s.to_string();
    }
    let i = *rng.pick(&pairs);
    chars.swap(i, i + 1);
    chars.into_iter().collect()
}

/// Apostrophes, hyphens and inner spaces dropped or changed ("O'Neill" to
/// "ONeill", "O Neill" or "Oneill"; "Baker-Smith" to "Baker Smith").
pub(crate) fn mangle_punctuation(s: &str, rng: &mut SplitMix64) -> String {
    match rng.below(3) {
        0 => s
            .chars()
            .filter(|c| !matches!(c, '\'' | '-' | ' '))
            .collect(),
        1 => s
            .chars()
            .map(|c| if matches!(c, '\'' | '-') { ' ' } else { c })
            .collect(),
        _ => {
            let joined: String = s
                .chars()
                .filter(|c| !matches!(c, '\'' | '-' | ' '))
                .collect();
            let mut out = String::with_capacity(joined.len());
            for (i, c) in joined.chars().enumerate() {
                if i == 0 {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
    }
}

pub(crate) fn has_punctuation(s: &str) -> bool {
    s.contains(['\'', '-', ' '])
}

/// The common nicknames of each formal first name ([`marac_model::nicknames`],
/// lower case), in table order, capitalised as the synthetic data writes them.
fn common_nicknames() -> &'static HashMap<&'static str, Vec<String>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<&'static str, Vec<String>> = HashMap::new();
        for n in NICKNAMES.iter().filter(|n| n.common) {
            let mut c = n.nick.chars();
            let written = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            table.entry(n.formal).or_default().push(written);
        }
        table
    })
}

/// The nicknames the synthetic data may write for a first name.
pub(crate) fn nicknames_of(first: &str) -> &'static [String] {
    common_nicknames()
        .get(first.to_lowercase().as_str())
        .map_or(&[], Vec::as_slice)
}

/// A nickname for a formal first name, if it has a common one.
pub(crate) fn nickname(first: &str, rng: &mut SplitMix64) -> Option<String> {
    let list = nicknames_of(first);
    if list.is_empty() {
        return None;
    }
    Some(list[rng.below(list.len() as u64) as usize].clone())
}

/// A spelling or transliteration variant, if the table has one.
pub(crate) fn variant(name: &str, rng: &mut SplitMix64) -> Option<&'static str> {
    let n = SPELLING_VARIANTS.iter().filter(|(a, _)| *a == name).count();
    if n == 0 {
        return None;
    }
    let k = rng.below(n as u64) as usize;
    SPELLING_VARIANTS
        .iter()
        .filter(|(a, _)| *a == name)
        .nth(k)
        .map(|(_, b)| *b)
}

/// A date of birth as written: occasionally day and month swapped, a year
/// digit off by one, the last two year digits swapped, or the day mistyped.
pub(crate) fn noisy_dob(d: NaiveDate, rng: &mut SplitMix64) -> NaiveDate {
    let r = rng.next_f64();
    let (y, m, day) = (d.year(), d.month(), d.day());
    let alt = if r < 0.02 {
        if day <= 12 && day != m {
            NaiveDate::from_ymd_opt(y, day, m)
        } else {
            None
        }
    } else if r < 0.035 {
        let delta = if rng.chance(0.5) { 1 } else { -1 };
        NaiveDate::from_ymd_opt(y + delta, m, day)
    } else if r < 0.04 {
        let (t, u) = ((y / 10) % 10, y % 10);
        if t != u {
            NaiveDate::from_ymd_opt(y - t * 10 - u + u * 10 + t, m, day)
        } else {
            None
        }
    } else if r < 0.05 {
        let nd = if day > 1 && rng.chance(0.5) {
            day - 1
        } else {
            day + 1
        };
        NaiveDate::from_ymd_opt(y, m, nd)
    } else {
        None
    };
    alt.unwrap_or(d)
}

/// A postcode as written: rarely a wrong or missing inward letter or the
/// inward letters transposed. (Case and spacing errors would not survive:
/// [`Postcode`] normalises every valid postcode.)
pub(crate) fn noisy_postcode(pc: &Postcode, rng: &mut SplitMix64) -> Postcode {
    let r = rng.next_f64();
    if r >= 0.017 || !pc.is_uk() {
        return pc.clone();
    }
    let text = pc.as_str();
    let mut chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if r < 0.010 {
        // One inward letter wrong: still a valid, but different, postcode.
        let i = n - 1 - rng.below(2) as usize;
        chars[i] = INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char;
    } else if r < 0.014 {
        chars.swap(n - 1, n - 2);
    } else {
        // Truncated: not a valid postcode any more, kept as written.
        chars.pop();
    }
    Postcode::parse(&chars.into_iter().collect::<String>())
}

/// A UK-style mobile number for a person, unique per person index.
pub(crate) fn phone_number(person: u32, seed: u64) -> String {
    // A bijection on 0..10^8 (odd multiplier coprime to 10).
    let n = (person as u64 * 37_139_213 + (seed % 100_000_000)) % 100_000_000;
    format!("077{:02} {:06}", n / 1_000_000, n % 1_000_000)
}

/// A phone number as written.
pub(crate) fn noisy_phone(canonical: &str, rng: &mut SplitMix64) -> String {
    let digits: String = canonical.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut s = match rng.below(10) {
        0..=3 => canonical.to_string(),
        4..=6 => digits.clone(),
        7 => format!("+44 {} {}", &digits[1..5], &digits[5..]),
        8 => format!("{} {} {}", &digits[..5], &digits[5..8], &digits[8..]),
        _ => format!("({}) {}", &digits[..5], &digits[5..]),
    };
    if rng.chance(0.01) {
        // One digit mistyped.
        let mut chars: Vec<char> = s.chars().collect();
        let pos: Vec<usize> = (3..chars.len())
            .filter(|&i| chars[i].is_ascii_digit())
            .collect();
        if !pos.is_empty() {
            let i = *rng.pick(&pos);
            chars[i] = (b'0' + rng.below(10) as u8) as char;
            s = chars.into_iter().collect();
        }
    }
    s
}

/// Upper-cases a string, as some systems store names.
pub(crate) fn upper(s: &str) -> String {
    s.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_keeps_strings_sensible() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..2000 {
            let t = typo("O'Sullivan", &mut rng);
            assert!(t.chars().count() >= 9);
            assert_eq!(transpose("ab", &mut rng), "ab");
            let d = NaiveDate::from_ymd_opt(1978, 3, 9).unwrap_or_default();
            let n = noisy_dob(d, &mut rng);
            assert!((n.year() - d.year()).abs() <= 9);
            let p = noisy_postcode(&Postcode::parse("N16 7AB"), &mut rng);
            assert!(p.as_str().len() >= 6);
        }
        assert_eq!(
            strip_diacritics("Małgorzata Wiśniewski"),
            "Malgorzata Wisniewski"
        );
        assert_eq!(strip_diacritics("Yılmaz Öztürk"), "Yilmaz Ozturk");
        assert!(mangle_punctuation("O'Neill", &mut SplitMix64::new(3)).len() >= 6);
        assert!(nickname("Margaret", &mut rng).is_some());
        assert_eq!(nicknames_of("Robert"), ["Bob", "Rob", "Bobby", "Robbie"]);
        assert_eq!(nicknames_of("Małgorzata"), ["Gosia"]);
        assert!(nickname("Zebedee", &mut rng).is_none());
        assert_ne!(phone_number(1, 5), phone_number(2, 5));
    }
}
