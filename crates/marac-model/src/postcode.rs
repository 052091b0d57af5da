//! UK postcodes: validation, normalisation, and the outward code, sector and
//! district that linkage compares.

use serde::{Deserialize, Serialize};

/// A postcode: normalised (`SW1A 1AA`) when it is a valid UK postcode, else
/// kept as written (trimmed) and compared only exactly.
///
/// ```
/// use marac_model::Postcode;
/// let p = Postcode::parse(" sw1a1aa ");
/// assert!(p.is_uk());
/// assert_eq!(p.as_str(), "SW1A 1AA");
/// assert_eq!(p.sector(), Some("SW1A 1"));
/// assert_eq!(p.district(), Some("SW1A"));
/// assert_eq!(p.area(), Some("SW"));
/// assert!(!Postcode::parse("75001").is_uk());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Postcode {
    text: String,
    uk: bool,
}

impl Postcode {
    /// Parses a postcode; any spacing and case are accepted.
    pub fn parse(raw: &str) -> Postcode {
        // The compact upper-case form of a UK postcode has 5 to 7 ASCII
        // characters: gather it on the stack; anything longer is not UK.
        let mut compact = [0u8; 7];
        let mut n = 0;
        let mut fits = true;
        for c in raw.chars().filter(|c| !c.is_whitespace()) {
            if n == compact.len() || !c.is_ascii() {
                fits = false;
                break;
            }
            compact[n] = c.to_ascii_uppercase() as u8;
            n += 1;
        }
        let compact = &compact[..n];
        if fits && is_uk_compact(compact) {
            let split = n - 3;
            let mut text = String::with_capacity(n + 1);
            for &b in &compact[..split] {
                text.push(char::from(b));
            }
            text.push(' ');
            for &b in &compact[split..] {
                text.push(char::from(b));
            }
            Postcode { text, uk: true }
        } else {
            Postcode {
                text: raw.trim().to_string(),
                uk: false,
            }
        }
    }

    /// Whether this is a valid UK postcode (and so normalised).
    pub fn is_uk(&self) -> bool {
        self.uk
    }

    /// The text: normalised when UK, else as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The outward code (district), e.g. `SW1A`; `None` if not a UK postcode.
    pub fn district(&self) -> Option<&str> {
        if self.uk {
            self.text.split(' ').next()
        } else {
            None
        }
    }

    /// The sector, e.g. `SW1A 1`; `None` if not a UK postcode.
    pub fn sector(&self) -> Option<&str> {
        if self.uk {
            Some(&self.text[..self.text.len() - 2])
        } else {
            None
        }
    }

    /// The postcode area (leading letters), e.g. `SW`.
    pub fn area(&self) -> Option<&str> {
        if self.uk {
            let n = self
                .text
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            Some(&self.text[..n])
        } else {
            None
        }
    }
}

/// Checks the compact, upper-case form against the UK postcode patterns
/// (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA, and GIR 0AA).
fn is_uk_compact(b: &[u8]) -> bool {
    if b == b"GIR0AA" {
        return true;
    }
    if !(5..=7).contains(&b.len()) {
        return false;
    }
    let (out, inw) = b.split_at(b.len() - 3);
    let alpha = |c: u8| c.is_ascii_uppercase();
    let digit = |c: u8| c.is_ascii_digit();
    // Inward code: digit then two letters (not C, I, K, M, O, V).
    let inward_letter = |c: u8| alpha(c) && !b"CIKMOV".contains(&c);
    if !(digit(inw[0]) && inward_letter(inw[1]) && inward_letter(inw[2])) {
        return false;
    }
    match out {
        [a, d] => alpha(*a) && digit(*d),
        [a, x, y] => {
            alpha(*a)
                && ((digit(*x) && digit(*y))
                    || (alpha(*x) && digit(*y))
                    || (digit(*x) && alpha(*y)))
        }
        [a, b2, d, z] => alpha(*a) && alpha(*b2) && digit(*d) && (digit(*z) || alpha(*z)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_uk_shape() {
        for (raw, norm) in [
            ("m1 1ae", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("cr26xh", "CR2 6XH"),
            ("DN55  1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            let p = Postcode::parse(raw);
            assert!(p.is_uk(), "{raw}");
            assert_eq!(p.as_str(), norm);
        }
    }

    #[test]
    fn rejects_non_uk_and_keeps_text() {
        for raw in ["75001", "SW1A 1CA", "12345 AB", "", "1AA 1AA", "EC1A1BBB"] {
            let p = Postcode::parse(raw);
            assert!(!p.is_uk(), "{raw}");
            assert_eq!(p.as_str(), raw.trim());
            assert_eq!(p.sector(), None);
        }
    }
}
