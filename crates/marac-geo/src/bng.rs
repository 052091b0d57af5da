//! WGS84 (ETRS89) latitude/longitude <-> British National Grid (EPSG:27700).
//!
//! The conversion follows the Ordnance Survey's "A guide to coordinate systems
//! in Great Britain":
//!
//! 1. geodetic latitude/longitude on GRS80 (height taken as 0) -> cartesian
//!    X, Y, Z;
//! 2. a 7-parameter Helmert transformation from ETRS89 to OSGB36;
//! 3. cartesian -> geodetic on the Airy 1830 ellipsoid (Bowring's closed
//!    form rather than the guide's iteration: the same result to far below a
//!    millimetre, at a fixed cost);
//! 4. the National Grid Transverse Mercator projection (F0 = 0.9996012717,
//!    true origin 49°N 2°W, false origin E 400 000 m, N -100 000 m).
//!
//! The inverse runs the same steps backwards: the inverse projection iterates
//! the meridional arc to find the latitude, and the Helmert step uses the
//! negated parameters (the OS-approved approximate inverse).
//!
//! # Accuracy
//!
//! The single Helmert transformation is the OS "approximate" method: compared
//! with the definitive OSTN15 transformation it is out by a few metres
//! (about 1–2.5 m in England, worst around 5 m at St Kilda). Against the 40
//! OSTN15 developer-pack test points the largest error is 4.94 m (TP31, St
//! Kilda); in London it is about 1.7 m (TP09). That is ample for placing an
//! incident in an area or a hotspot grid cell; it is **not** suitable for
//! surveying or for anything needing sub-metre positions. Heights are ignored (taken as 0 on input, dropped on
//! output); the horizontal effect of that is well under a millimetre.
//!
//! The functions do no allocation and a bounded number of iterations, so they
//! can run over millions of points. They never panic; non-finite input gives
//! non-finite output, which [`in_great_britain_bng`] and
//! [`in_great_britain_wgs84`] reject.

use marac_model::{Bng, LatLon};

/// An ellipsoid given by its semi-major and semi-minor axes (metres).
#[derive(Clone, Copy)]
struct Ellipsoid {
    a: f64,
    b: f64,
}

impl Ellipsoid {
    /// First eccentricity squared.
    const fn e2(self) -> f64 {
        (self.a * self.a - self.b * self.b) / (self.a * self.a)
    }
}

/// GRS80, the ellipsoid of ETRS89 (identical to WGS84 at this accuracy).
const GRS80: Ellipsoid = Ellipsoid {
    a: 6_378_137.0,
    b: 6_356_752.314_140,
};

/// Airy 1830, the ellipsoid of OSGB36.
const AIRY1830: Ellipsoid = Ellipsoid {
    a: 6_377_563.396,
    b: 6_356_256.909,
};

/// Scale factor on the central meridian.
const F0: f64 = 0.999_601_271_7;
/// Latitude of the true origin, radians.
const LAT0: f64 = 49.0 * std::f64::consts::PI / 180.0;
/// sin and cos of [`LAT0`] (49°), for [`meridional_arc`].
const SIN_LAT0: f64 = 0.754_709_580_222_771_8;
const COS_LAT0: f64 = 0.656_059_028_990_507_3;
/// Longitude of the true origin, radians.
const LON0: f64 = -2.0 * std::f64::consts::PI / 180.0;
/// Easting of the true origin, metres.
const E0: f64 = 400_000.0;
/// Northing of the true origin, metres.
const N0: f64 = -100_000.0;

/// The ETRS89 -> OSGB36 Helmert parameters: translations (m), scale (ppm),
/// rotations (arc seconds).
struct Helmert {
    tx: f64,
    ty: f64,
    tz: f64,
    s_ppm: f64,
    rx_sec: f64,
    ry_sec: f64,
    rz_sec: f64,
}

const ETRS89_TO_OSGB36: Helmert = Helmert {
    tx: -446.448,
    ty: 125.157,
    tz: -542.060,
    s_ppm: 20.4894,
    rx_sec: -0.1502,
    ry_sec: -0.2470,
    rz_sec: -0.8421,
};

/// Radians per arc second.
const ARCSEC: f64 = std::f64::consts::PI / (180.0 * 3600.0);

/// Applies the Helmert transformation; `sign` = -1 applies the approximate
/// inverse (all seven parameters negated), as the OS guide prescribes.
#[inline]
fn helmert(h: &Helmert, sign: f64, [x, y, z]: [f64; 3]) -> [f64; 3] {
    let s = 1.0 + sign * h.s_ppm * 1e-6;
    let rx = sign * h.rx_sec * ARCSEC;
    let ry = sign * h.ry_sec * ARCSEC;
    let rz = sign * h.rz_sec * ARCSEC;
    [
        sign * h.tx + s * x - rz * y + ry * z,
        sign * h.ty + rz * x + s * y - rx * z,
        sign * h.tz - ry * x + rx * y + s * z,
    ]
}

/// Geodetic (radians, height 0) -> cartesian.
#[inline]
fn to_cartesian(ell: Ellipsoid, lat: f64, lon: f64) -> [f64; 3] {
    let e2 = ell.e2();
    let (sin_lat, cos_lat) = lat.sin_cos();
    let (sin_lon, cos_lon) = lon.sin_cos();
    let nu = ell.a / (1.0 - e2 * sin_lat * sin_lat).sqrt();
    [
        nu * cos_lat * cos_lon,
        nu * cos_lat * sin_lon,
        nu * (1.0 - e2) * sin_lat,
    ]
}

/// Cartesian -> geodetic (radians), height discarded.
///
/// Bowring's closed form (1976) instead of the OS guide's iteration: for
/// points near the ellipsoid surface it agrees with the converged iteration
/// to far below a millimetre, and costs a fixed two `atan2` and one
/// `sin_cos`, which matters over millions of points.
#[inline]
fn to_geodetic(ell: Ellipsoid, [x, y, z]: [f64; 3]) -> (f64, f64) {
    let e2 = ell.e2();
    // Second eccentricity squared.
    let ep2 = (ell.a * ell.a - ell.b * ell.b) / (ell.b * ell.b);
    // Plain sqrt: hypot's overflow guard is not needed at Earth scale.
    let p = (x * x + y * y).sqrt();
    let lon = y.atan2(x);
    let (sin_t, cos_t) = (z * ell.a).atan2(p * ell.b).sin_cos();
    let lat =
        (z + ep2 * ell.b * sin_t * sin_t * sin_t).atan2(p - e2 * ell.a * cos_t * cos_t * cos_t);
    (lat, lon)
}

/// The meridional arc from the true origin's latitude to the latitude with
/// the given sine and cosine, in metres (already multiplied by F0).
///
/// The OS formula's sines and cosines of (φ - φ0), (φ + φ0) and their double
/// and triple angles are expanded with the angle-sum and multiple-angle
/// identities, so the arc needs no trigonometric calls of its own: this
/// function runs once per conversion and several times per inverse.
#[inline]
fn meridional_arc(ell: Ellipsoid, lat: f64, sin_lat: f64, cos_lat: f64) -> f64 {
    let n = (ell.a - ell.b) / (ell.a + ell.b);
    let (n2, n3) = (n * n, n * n * n);
    let (sin0, cos0) = (SIN_LAT0, COS_LAT0);
    let sin_d = sin_lat * cos0 - cos_lat * sin0; // sin(φ - φ0)
    let cos_d = cos_lat * cos0 + sin_lat * sin0; // cos(φ - φ0)
    let cos_s = cos_lat * cos0 - sin_lat * sin0; // cos(φ + φ0)
    let sin_2d = 2.0 * sin_d * cos_d;
    let cos_2s = 2.0 * cos_s * cos_s - 1.0;
    let sin_3d = sin_d * (3.0 - 4.0 * sin_d * sin_d);
    let cos_3s = cos_s * (4.0 * cos_s * cos_s - 3.0);
    ell.b
        * F0
        * ((1.0 + n + 1.25 * n2 + 1.25 * n3) * (lat - LAT0)
            - (3.0 * n + 3.0 * n2 + 21.0 / 8.0 * n3) * sin_d * cos_s
            + (15.0 / 8.0 * n2 + 15.0 / 8.0 * n3) * sin_2d * cos_2s
            - (35.0 / 24.0 * n3) * sin_3d * cos_3s)
}

/// Transverse Mercator projection of Airy 1830 latitude/longitude (radians)
/// to National Grid easting/northing: the projection step alone, without any
/// datum change.
#[inline]
pub(crate) fn project_airy(lat: f64, lon: f64) -> (f64, f64) {
    let ell = AIRY1830;
    let e2 = ell.e2();
    let (sin_lat, cos_lat) = lat.sin_cos();
    let tan_lat = sin_lat / cos_lat;
    let t2 = tan_lat * tan_lat;
    let t4 = t2 * t2;
    let w = 1.0 - e2 * sin_lat * sin_lat;
    let nu = ell.a * F0 / w.sqrt();
    let rho = ell.a * F0 * (1.0 - e2) / (w * w.sqrt());
    let eta2 = nu / rho - 1.0;
    let cos3 = cos_lat * cos_lat * cos_lat;
    let cos5 = cos3 * cos_lat * cos_lat;

    let i = meridional_arc(ell, lat, sin_lat, cos_lat) + N0;
    let ii = nu / 2.0 * sin_lat * cos_lat;
    let iii = nu / 24.0 * sin_lat * cos3 * (5.0 - t2 + 9.0 * eta2);
    let iiia = nu / 720.0 * sin_lat * cos5 * (61.0 - 58.0 * t2 + t4);
    let iv = nu * cos_lat;
    let v = nu / 6.0 * cos3 * (nu / rho - t2);
    let vi = nu / 120.0 * cos5 * (5.0 - 18.0 * t2 + t4 + 14.0 * eta2 - 58.0 * t2 * eta2);

    let dl = lon - LON0;
    let dl2 = dl * dl;
    let northing = i + dl2 * (ii + dl2 * (iii + dl2 * iiia));
    let easting = E0 + dl * (iv + dl2 * (v + dl2 * vi));
    (easting, northing)
}

/// Inverse of [`project_airy`]: easting/northing to Airy 1830
/// latitude/longitude (radians).
#[inline]
pub(crate) fn unproject_airy(easting: f64, northing: f64) -> (f64, f64) {
    let ell = AIRY1830;
    let e2 = ell.e2();
    let dn = northing - N0;
    let mut lat = dn / (ell.a * F0) + LAT0;
    // Each round shrinks the residual by two orders of magnitude or more, so
    // the guide's 0.01 mm is reached in a handful of rounds. The cap keeps NaN or absurd input from looping.
    for _ in 0..20 {
        let (sin_lat, cos_lat) = lat.sin_cos();
        let residual = dn - meridional_arc(ell, lat, sin_lat, cos_lat);
        if residual.abs() < 1e-5 {
            break;
        }
        lat += residual / (ell.a * F0);
    }

    let (sin_lat, cos_lat) = lat.sin_cos();
    let tan_lat = sin_lat / cos_lat;
    let sec_lat = 1.0 / cos_lat;
    let t2 = tan_lat * tan_lat;
    let t4 = t2 * t2;
    let t6 = t4 * t2;
    let w = 1.0 - e2 * sin_lat * sin_lat;
    let nu = ell.a * F0 / w.sqrt();
    let rho = ell.a * F0 * (1.0 - e2) / (w * w.sqrt());
    let eta2 = nu / rho - 1.0;
    let nu3 = nu * nu * nu;
    let nu5 = nu3 * nu * nu;
    let nu7 = nu5 * nu * nu;

    let vii = tan_lat / (2.0 * rho * nu);
    let viii = tan_lat / (24.0 * rho * nu3) * (5.0 + 3.0 * t2 + eta2 - 9.0 * t2 * eta2);
    let ix = tan_lat / (720.0 * rho * nu5) * (61.0 + 90.0 * t2 + 45.0 * t4);
    let x = sec_lat / nu;
    let xi = sec_lat / (6.0 * nu3) * (nu / rho + 2.0 * t2);
    let xii = sec_lat / (120.0 * nu5) * (5.0 + 28.0 * t2 + 24.0 * t4);
    let xiia = sec_lat / (5040.0 * nu7) * (61.0 + 662.0 * t2 + 1320.0 * t4 + 720.0 * t6);

    let de = easting - E0;
    let de2 = de * de;
    let out_lat = lat - de2 * (vii - de2 * (viii - de2 * ix));
    let out_lon = LON0 + de * (x - de2 * (xi - de2 * (xii - de2 * xiia)));
    (out_lat, out_lon)
}

/// Converts WGS84 (strictly ETRS89, the same to well under a metre for this
/// purpose) latitude/longitude in degrees to British National Grid metres.
///
/// Accurate to a few metres inside Great Britain (see the module docs);
/// meaningless far outside it. Non-finite input gives non-finite output.
///
/// ```
/// use marac_geo::wgs84_to_bng;
/// use marac_model::LatLon;
/// // Trafalgar Square
/// let p = wgs84_to_bng(LatLon { lat: 51.5080, lon: -0.1281 });
/// assert!((p.easting - 530_000.0).abs() < 200.0);
/// assert!((p.northing - 180_400.0).abs() < 200.0);
/// ```
#[inline]
pub fn wgs84_to_bng(p: LatLon) -> Bng {
    let cart = to_cartesian(GRS80, p.lat.to_radians(), p.lon.to_radians());
    let osgb = helmert(&ETRS89_TO_OSGB36, 1.0, cart);
    let (lat, lon) = to_geodetic(AIRY1830, osgb);
    let (easting, northing) = project_airy(lat, lon);
    Bng { easting, northing }
}

/// Converts British National Grid metres to WGS84 (ETRS89) latitude/longitude
/// in degrees; the inverse of [`wgs84_to_bng`] to well under a centimetre.
///
/// ```
/// use marac_geo::{bng_to_wgs84, wgs84_to_bng};
/// use marac_model::LatLon;
/// let here = LatLon { lat: 51.5080, lon: -0.1281 };
/// let back = bng_to_wgs84(wgs84_to_bng(here));
/// assert!((back.lat - here.lat).abs() < 1e-7 && (back.lon - here.lon).abs() < 1e-7);
/// ```
#[inline]
pub fn bng_to_wgs84(p: Bng) -> LatLon {
    let (lat, lon) = unproject_airy(p.easting, p.northing);
    let cart = to_cartesian(AIRY1830, lat, lon);
    let etrs = helmert(&ETRS89_TO_OSGB36, -1.0, cart);
    let (lat, lon) = to_geodetic(GRS80, etrs);
    LatLon {
        lat: lat.to_degrees(),
        lon: lon.to_degrees(),
    }
}

/// Whether a National Grid position lies within the grid's extent around
/// Great Britain: 0 <= easting <= 700 000 and 0 <= northing <= 1 250 000.
///
/// This is a rough rectangle: it includes sea, parts of France's coast and of
/// Ireland's east coast. Non-finite values give `false`.
#[inline]
pub fn in_great_britain_bng(p: Bng) -> bool {
    // Range checks are false for NaN, so no separate test is needed.
    (0.0..=700_000.0).contains(&p.easting) && (0.0..=1_250_000.0).contains(&p.northing)
}

/// Whether a WGS84 position lies roughly in Great Britain.
///
/// A rough test, meant to catch swapped, zeroed or foreign coordinates rather
/// than to draw the coastline: latitude 49.8..=61.0, longitude -8.7..=1.8,
/// not in a box around the island of Ireland (longitude < -5.45 with latitude
/// between 51.3 and 55.25), and inside the National Grid extent
/// ([`in_great_britain_bng`]). Sea areas and a sliver of France pass.
/// Non-finite values give `false`.
///
/// ```
/// use marac_geo::in_great_britain_wgs84;
/// use marac_model::LatLon;
/// assert!(in_great_britain_wgs84(LatLon { lat: 51.5, lon: -0.12 }));
/// assert!(!in_great_britain_wgs84(LatLon { lat: 53.35, lon: -6.26 })); // Dublin
/// ```
#[inline]
pub fn in_great_britain_wgs84(p: LatLon) -> bool {
    if !(49.8..=61.0).contains(&p.lat) || !(-8.7..=1.8).contains(&p.lon) {
        return false;
    }
    let ireland = p.lon < -5.45 && p.lat > 51.3 && p.lat < 55.25;
    !ireland && in_great_britain_bng(wgs84_to_bng(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dms(d: f64, m: f64, s: f64) -> f64 {
        (d + m / 60.0 + s / 3600.0).to_radians()
    }

    /// The worked example in the OS guide (annex C): the projection step
    /// alone, on Airy 1830 coordinates.
    #[test]
    fn os_guide_projection_example() {
        let (e, n) = project_airy(dms(52.0, 39.0, 27.2531), dms(1.0, 43.0, 4.5177));
        assert!((e - 651_409.903).abs() < 0.001, "easting {e}");
        assert!((n - 313_177.270).abs() < 0.001, "northing {n}");
        let (lat, lon) = unproject_airy(651_409.903, 313_177.270);
        // 1e-8 rad is about 6 cm; the guide's figures round to 1 mm.
        assert!((lat - dms(52.0, 39.0, 27.2531)).abs() < 1e-9);
        assert!((lon - dms(1.0, 43.0, 4.5177)).abs() < 1e-9);
    }

    /// Ordnance Survey OSTN15 developer pack test points TP01–TP40:
    /// ETRS89 latitude, longitude and the OSTN15 OSGB36 easting, northing.
    const OSTN15_TEST_POINTS: [(&str, f64, f64, f64, f64); 40] = [
        ("TP01", 49.92226394, -6.29977752, 91492.146, 11318.804),
        ("TP02", 49.96006138, -5.20304610, 170370.718, 11572.405),
        ("TP03", 50.43885826, -4.10864564, 250359.811, 62016.569),
        ("TP04", 50.57563665, -1.29782277, 449816.371, 75335.861),
        ("TP05", 50.93127938, -1.45051434, 438710.920, 114792.250),
        ("TP06", 51.40078220, -3.55128349, 292184.870, 168003.465),
        ("TP07", 51.37447026, 1.44454730, 639821.835, 169565.858),
        ("TP08", 51.42754743, -2.54407618, 362269.991, 169978.690),
        ("TP09", 51.48936565, -0.11992557, 530624.974, 178388.464),
        ("TP10", 51.85890896, -4.30852477, 241124.584, 220332.641),
        ("TP11", 51.89436637, 0.89724327, 599445.590, 225722.826),
        ("TP12", 52.25529382, -2.15458614, 389544.190, 261912.153),
        ("TP13", 52.25160951, -0.91248957, 474335.969, 262047.755),
        ("TP14", 52.75136687, 0.40153547, 562180.547, 319784.995),
        ("TP15", 52.96219109, -1.19747656, 454002.834, 340834.943),
        ("TP16", 53.34480280, -2.64049321, 357455.843, 383290.436),
        ("TP17", 53.41628516, -4.28918070, 247958.971, 393492.909),
        ("TP18", 53.41630925, -4.28917793, 247959.241, 393495.583),
        ("TP19", 53.77911026, -3.04045491, 331534.564, 431920.794),
        ("TP20", 53.80021520, -1.66379168, 422242.186, 433818.701),
        ("TP21", 54.08666318, -4.63452168, 227778.330, 468847.388),
        ("TP22", 54.11685144, -0.07773133, 525745.670, 470703.214),
        ("TP23", 54.32919541, -4.38849118, 244780.636, 495254.887),
        ("TP24", 54.89542340, -2.93827741, 339921.145, 556034.761),
        ("TP25", 54.97912274, -1.61657685, 424639.355, 565012.703),
        ("TP26", 55.85399953, -4.29649016, 256340.925, 664697.269),
        ("TP27", 55.92478266, -3.29479219, 319188.434, 670947.534),
        ("TP28", 57.00606696, -5.82836692, 167634.202, 797067.144),
        ("TP29", 57.13902519, -2.04856031, 397160.491, 805349.736),
        ("TP30", 57.48625001, -4.21926399, 267056.768, 846176.972),
        ("TP31", 57.81351838, -8.57854456, 9587.909, 899448.996),
        ("TP32", 58.21262247, -7.59255561, 71713.132, 938516.404),
        ("TP33", 58.51560361, -6.26091456, 151968.652, 966483.780),
        ("TP34", 58.58120461, -3.72631022, 299721.891, 967202.992),
        ("TP35", 59.03743871, -3.21454001, 330398.323, 1017347.016),
        ("TP36", 59.09335035, -4.41757675, 261596.778, 1025447.602),
        ("TP37", 59.09671617, -5.82799340, 180862.461, 1029604.114),
        ("TP38", 59.53470794, -1.62516966, 421300.525, 1072147.239),
        ("TP39", 59.85409914, -1.27486910, 440725.073, 1107878.448),
        ("TP40", 60.13308092, -2.07382823, 395999.668, 1138728.951),
    ];

    /// Ground distance in metres between two WGS84 points a few metres apart.
    fn metres_between(a: LatLon, b: LatLon) -> f64 {
        let dlat = (a.lat - b.lat).to_radians() * 6_371_000.0;
        let dlon = (a.lon - b.lon).to_radians() * 6_371_000.0 * a.lat.to_radians().cos();
        dlat.hypot(dlon)
    }

    /// Forward and inverse against OSTN15. Measured with this implementation:
    /// forward max 4.937 m (TP31, St Kilda; then TP01 Scilly 4.738 m, TP32
    /// 4.197 m), inverse max 4.917 m (TP31); most points in England are within
    /// 1–2.5 m, TP09 (London) 1.738 m.
    #[test]
    fn ostn15_test_points_within_6_m() {
        let mut worst_fwd = (0.0_f64, "");
        let mut worst_inv = (0.0_f64, "");
        for (id, lat, lon, e, n) in OSTN15_TEST_POINTS {
            let p = wgs84_to_bng(LatLon { lat, lon });
            let err = (p.easting - e).hypot(p.northing - n);
            assert!(err < 6.0, "{id}: forward error {err:.3} m");
            if err > worst_fwd.0 {
                worst_fwd = (err, id);
            }
            let q = bng_to_wgs84(Bng {
                easting: e,
                northing: n,
            });
            let err = metres_between(q, LatLon { lat, lon });
            assert!(err < 6.0, "{id}: inverse error {err:.3} m");
            if err > worst_inv.0 {
                worst_inv = (err, id);
            }
        }
        // Guard the documented figure (module docs) against regressions.
        assert!(worst_fwd.0 < 5.0, "worst forward {worst_fwd:?}");
        assert!(worst_inv.0 < 5.0, "worst inverse {worst_inv:?}");
    }

    #[test]
    fn origin_latitude_constants() {
        assert!((SIN_LAT0 - LAT0.sin()).abs() < 1e-15);
        assert!((COS_LAT0 - LAT0.cos()).abs() < 1e-15);
    }

    #[test]
    fn round_trip_within_1_cm() {
        for (_, lat, lon, _, _) in OSTN15_TEST_POINTS {
            let here = LatLon { lat, lon };
            let back = bng_to_wgs84(wgs84_to_bng(here));
            let err = metres_between(here, back);
            assert!(err < 0.01, "{lat},{lon}: round trip {err} m");
            let grid = wgs84_to_bng(here);
            let again = wgs84_to_bng(bng_to_wgs84(grid));
            let err = (grid.easting - again.easting).hypot(grid.northing - again.northing);
            assert!(err < 0.01, "{lat},{lon}: grid round trip {err} m");
        }
    }

    #[test]
    fn great_britain_extent() {
        let inside = [
            (51.5074, -0.1278),         // London
            (60.13308092, -2.07382823), // TP40, Shetland
            (57.81351838, -8.57854456), // TP31, St Kilda
            (49.92226394, -6.29977752), // TP01, Scilly
            (51.1279, 1.3134),          // Dover
        ];
        for (lat, lon) in inside {
            assert!(in_great_britain_wgs84(LatLon { lat, lon }), "{lat},{lon}");
        }
        let outside = [
            (48.8566, 2.3522), // Paris
            (53.35, -6.26),    // Dublin
            (54.597, -5.93),   // Belfast
            (0.0, 0.0),
            (-0.1278, 51.5074), // London with lat/lon swapped
            (f64::NAN, -0.1),
            (51.5, f64::NAN),
            (f64::INFINITY, 0.0),
            (51.5, f64::NEG_INFINITY),
        ];
        for (lat, lon) in outside {
            assert!(!in_great_britain_wgs84(LatLon { lat, lon }), "{lat},{lon}");
        }
        assert!(in_great_britain_bng(Bng {
            easting: 530_000.0,
            northing: 180_000.0
        }));
        for (easting, northing) in [
            (-1.0, 100.0),
            (700_001.0, 100.0),
            (100.0, 1_250_001.0),
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
        ] {
            assert!(!in_great_britain_bng(Bng { easting, northing }));
        }
    }

    #[test]
    fn non_finite_input_does_not_panic() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
            let _ = wgs84_to_bng(LatLon { lat: v, lon: 0.0 });
            let _ = wgs84_to_bng(LatLon { lat: 51.0, lon: v });
            let _ = bng_to_wgs84(Bng {
                easting: v,
                northing: 0.0,
            });
            let _ = bng_to_wgs84(Bng {
                easting: 0.0,
                northing: v,
            });
        }
    }
}
