//! Small statistics helpers: the normal tail and Benjamini–Hochberg.

use std::f64::consts::PI;

/// The complementary error function, to about 1e-15 relative accuracy.
///
/// `|x| < 2.5`: the series `erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))`
/// (all terms positive, no cancellation), `erfc = 1 - erf`; beyond, the
/// continued fraction `erfc(x) = e^{-x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …))))`
/// evaluated backwards from 120 terms.
///
/// ```
/// use marac_hotspot::stats::erfc;
/// assert!((erfc(0.0) - 1.0).abs() < 1e-15);
/// assert!((erfc(1.0) - 0.157_299_207_050_285_1).abs() < 1e-15);
/// assert!((erfc(3.0) - 2.209_049_699_858_544e-5).abs() < 1e-18);
/// ```
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        let x2 = x * x;
        let mut term = x;
        let mut sum = x;
        let mut n = 0.0;
        while term > sum * 1e-17 {
            n += 1.0;
            term *= 2.0 * x2 / (2.0 * n + 1.0);
            sum += term;
        }
        1.0 - 2.0 / PI.sqrt() * (-x2).exp() * sum
    } else {
        let mut f = x;
        for k in (1..=120).rev() {
            f = x + (k as f64 / 2.0) / f;
        }
        (-x * x).exp() / PI.sqrt() / f
    }
}

/// Two-sided p-value of a standard normal z-score: `P(|Z| >= |z|)`.
/// A non-finite `z` (an undefined statistic) gives 1.
///
/// ```
/// let p = marac_hotspot::stats::two_sided_p(1.959_963_984_540_054);
/// assert!((p - 0.05).abs() < 1e-12);
/// ```
pub fn two_sided_p(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { 1.0 } else { 0.0 };
    }
    erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// The Benjamini–Hochberg critical p-value at false discovery rate
/// `alpha`: the largest `p₍ₖ₎` with `p₍ₖ₎ <= alpha · k / n` (p-values sorted
/// ascending), or `None` when no test is significant. A test is
/// significant when its p-value is `<=` the cut-off. NaN p-values count as 1.
///
/// ```
/// use marac_hotspot::stats::bh_cutoff;
/// // n = 4, alpha = 0.05: thresholds 0.0125, 0.025, 0.0375, 0.05. The
/// // second smallest (0.03) misses its threshold but the third (0.036)
/// // meets its own: step-up, so the cut-off is 0.036.
/// assert_eq!(bh_cutoff(&[0.01, 0.036, 0.03, 0.5], 0.05), Some(0.036));
/// assert_eq!(bh_cutoff(&[0.01, 0.04, 0.03, 0.5], 0.05), Some(0.01));
/// assert_eq!(bh_cutoff(&[0.02, 0.5], 0.01), None);
/// ```
pub fn bh_cutoff(p: &[f64], alpha: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = p
        .iter()
        .map(|&v| if v.is_nan() { 1.0 } else { v })
        .collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mut cut = None;
    for (k, &v) in sorted.iter().enumerate() {
        if v <= alpha * (k as f64 + 1.0) / n {
            cut = Some(v);
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_is_continuous_across_the_switch() {
        let a = erfc(2.5 - 1e-12);
        let b = erfc(2.5);
        assert!((a - b).abs() / b < 1e-9, "{a} {b}");
        // Reference: erfc(2.5) = 4.069520174449590e-4, erfc(5) = 1.537459794428035e-12.
        assert!((b - 4.069_520_174_449_59e-4).abs() / b < 1e-13);
        assert!((erfc(5.0) - 1.537_459_794_428_035e-12).abs() / 1.5e-12 < 1e-12);
        assert!((erfc(-1.0) - 1.842_700_792_949_715).abs() < 1e-15);
        assert_eq!(erfc(40.0), 0.0);
    }

    #[test]
    fn p_values_of_the_usual_critical_values() {
        for (z, p) in [
            (1.644_853_626_951_472_2, 0.10),
            (2.575_829_303_548_900_4, 0.01),
            (0.0, 1.0),
        ] {
            assert!((two_sided_p(z) - p).abs() < 1e-12, "{z}");
            assert!((two_sided_p(-z) - p).abs() < 1e-12, "{z}");
        }
        assert_eq!(two_sided_p(f64::NAN), 1.0);
    }
}
