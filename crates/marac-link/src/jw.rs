//! A fast Jaro-Winkler similarity for short ASCII strings (folded names),
//! without allocation; other strings fall back to `strsim`.

/// Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters, applied
/// when the Jaro similarity is above 0.7 — as `strsim::jaro_winkler`).
///
/// ```
/// use marac_link::jw::jaro_winkler;
/// assert!((jaro_winkler("martha", "marhta") - strsim::jaro_winkler("martha", "marhta")).abs() < 1e-12);
/// assert_eq!(jaro_winkler("", ""), 1.0);
/// ```
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > 64 || y.len() > 64 {
        return strsim::jaro_winkler(a, b);
    }
    let j = jaro(x, y);
    if j > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        j + 0.1 * prefix as f64 * (1.0 - j)
    } else {
        j
    }
}

fn jaro(x: &[u8], y: &[u8]) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    if x == y {
        return 1.0;
    }
    let window = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut ym: u64 = 0;
    let mut xm: u64 = 0;
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(y.len());
        for (j, &d) in y.iter().enumerate().take(hi).skip(lo) {
            if ym & (1 << j) == 0 && d == c {
                ym |= 1 << j;
                xm |= 1 << i;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &c) in x.iter().enumerate() {
        if xm & (1 << i) == 0 {
            continue;
        }
        while ym & (1 << j) == 0 {
            j += 1;
        }
        if c != y[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_strsim() {
        let words = [
            "margaret",
            "margeret",
            "peggy",
            "oneill",
            "oneil",
            "smith",
            "smyth",
            "jon",
            "john",
            "a",
            "ab",
            "ba",
            "dixon",
            "dicksonx",
            "martha",
            "marhta",
            "karen",
            "karin",
            "oyelaran",
            "",
            "abcdefghijklmnop",
        ];
        for a in words {
            for b in words {
                let (f, s) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert!((f - s).abs() < 1e-12, "{a} {b}: {f} vs {s}");
            }
        }
    }
}
