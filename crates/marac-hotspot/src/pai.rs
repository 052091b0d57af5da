//! The Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008):
//!
//! ```text
//!        hit rate      (n / N)      n: test incidents in the predicted area
//! PAI = ────────── = ─────────      N: all test incidents
//!       area share    (a / A)       a: predicted area, A: study area
//! ```
//!
//! [`evaluate`] compares the methods on one *study grid*: the `cell`-metre
//! cells of the bounding box of all training and test incidents. Each method
//! scores the cells from the training incidents only, and its predicted area
//! is its best-scoring cells up to the same budget, `max(1, ⌊share · A⌋)`
//! cells (fewer when the method flags fewer cells); ties go to the lower
//! cell index. The methods:
//!
//! * `counts`: training incidents per cell (the naive baseline);
//! * `dbscan`: training incidents per cell that belong to a cluster;
//! * `gistar`: the Gi* z-score of cells classed `hot_…` (Gi* on the study
//!   grid with the band);
//! * `kde`: quartic density at the cell centre;
//! * `repeat-locations`: incidents at repeat places (at least `min`) per cell.

use serde::Serialize;

use crate::gistar::{classify, gi_star_z};
use crate::grid::{band_stencil, Grid};
use crate::repeat::{repeat_locations, PlaceKey};
use crate::stats::two_sided_p;
use crate::{dbscan, kde, positive, Event, HotspotError, Result};

/// The PAI, or `None` without test incidents or area.
///
/// ```
/// // Two cells; the predicted one holds 3 of the 4 test incidents:
/// // hit rate 3/4 over area share 1/2 = 1.5.
/// assert_eq!(marac_hotspot::pai::pai(3, 4, 1, 2), Some(1.5));
/// assert_eq!(marac_hotspot::pai::pai(0, 0, 1, 2), None);
/// ```
pub fn pai(hits: usize, test: usize, cells: usize, total_cells: usize) -> Option<f64> {
    if test == 0 || cells == 0 || total_cells == 0 {
        return None;
    }
    Some((hits as f64 / test as f64) / (cells as f64 / total_cells as f64))
}

/// Parameters of an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalParams {
    /// Study grid cell, metres (also the Gi* and KDE cell).
    pub cell: f64,
    /// Share of the study grid each method may predict, `(0, 1]`.
    pub area_share: f64,
    /// DBSCAN eps, metres.
    pub eps: f64,
    /// DBSCAN min_points.
    pub min_points: usize,
    /// Gi* band, metres.
    pub band: f64,
    /// KDE bandwidth (None: the default rule).
    pub bandwidth: Option<f64>,
    /// Repeat-location minimum.
    pub min_repeat: usize,
}

/// One method's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalRow {
    /// Method name.
    pub method: &'static str,
    /// Cells predicted.
    pub cells: usize,
    /// Cells in the study grid.
    pub total_cells: usize,
    /// Share of the study grid predicted.
    pub area_share: f64,
    /// Test incidents in the predicted cells.
    pub hits: usize,
    /// Test incidents.
    pub test_incidents: usize,
    /// hits / test incidents.
    pub hit_rate: Option<f64>,
    /// The PAI.
    pub pai: Option<f64>,
}

/// Scores every method on a train/test split (see the module docs).
/// `train_keys[i]` places `train[i]` for repeat locations.
///
/// ```
/// use chrono::NaiveDate;
/// use marac_hotspot::pai::{evaluate, EvalParams};
/// use marac_hotspot::{repeat::PlaceKey, Event};
/// use marac_model::IncidentKind;
/// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let ev = |x: f64, y: f64| Event { x, y, date: d, kind: IncidentKind::Asb };
/// // Training: 5 incidents at (50, 50); test: 3 there, 1 at (950, 950).
/// let train = vec![ev(50.0, 50.0); 5];
/// let keys = vec![PlaceKey { key: "a".into(), alt: None, label: "a".into(), snap: false }; 5];
/// let test = vec![ev(50.0, 50.0), ev(50.0, 50.0), ev(50.0, 50.0), ev(950.0, 950.0)];
/// let p = EvalParams { cell: 100.0, area_share: 0.01, eps: 50.0, min_points: 3, band: 100.0, bandwidth: Some(100.0), min_repeat: 3 };
/// let rows = evaluate(&train, &keys, &test, &p).unwrap();
/// let counts = rows.iter().find(|r| r.method == "counts").unwrap();
/// // 100 cells, 1 predicted: (3/4) / (1/100) = 75.
/// assert_eq!((counts.cells, counts.hits, counts.pai), (1, 3, Some(75.0)));
/// ```
pub fn evaluate(
    train: &[Event],
    train_keys: &[PlaceKey],
    test: &[Event],
    p: &EvalParams,
) -> Result<Vec<EvalRow>> {
    let cell = positive("cell", p.cell)?;
    if !(p.area_share > 0.0 && p.area_share <= 1.0) {
        return Err(HotspotError::Parameter(format!(
            "area share must be in (0, 1], got {}",
            p.area_share
        )));
    }
    let all: Vec<[f64; 2]> = train.iter().chain(test).map(Event::xy).collect();
    let grid = Grid::covering(&all, cell, 0)?;
    let n = grid.len();
    let budget = ((p.area_share * n as f64).floor() as usize).max(1);
    let train_xy: Vec<[f64; 2]> = train.iter().map(Event::xy).collect();
    let test_cells: Vec<Option<usize>> = test.iter().map(|e| grid.cell_of(e.xy())).collect();

    let counts: Vec<f64> = grid.counts(&train_xy).iter().map(|&c| c as f64).collect();
    let mut scores: Vec<(&'static str, Vec<f64>)> = vec![("counts", counts.clone())];

    let mut db = vec![0.0; n];
    if !train.is_empty() {
        let labels = dbscan::dbscan(&train_xy, p.eps, p.min_points)?;
        for (xy, l) in train_xy.iter().zip(labels) {
            if let (true, Some(i)) = (l >= 0, grid.cell_of(*xy)) {
                db[i] += 1.0;
            }
        }
    }
    scores.push(("dbscan", db));

    let band = positive("band", p.band)?;
    if band / cell > crate::gistar::MAX_BAND_CELLS {
        return Err(HotspotError::TooLarge("band too wide for the cell".into()));
    }
    let z = gi_star_z(&counts, grid.nx, grid.ny, &band_stencil(cell, band));
    let pv: Vec<f64> = z.iter().map(|&z| two_sided_p(z)).collect();
    let classes = classify(&z, &pv);
    let gi: Vec<f64> = z
        .iter()
        .zip(&classes)
        .map(|(&z, c)| if c.is_hot() && z > 0.0 { z } else { 0.0 })
        .collect();
    scores.push(("gistar", gi));

    let mut dens = vec![0.0; n];
    if !train.is_empty() {
        let k = kde::kde(&train_xy, cell, p.bandwidth)?;
        for (i, d) in dens.iter_mut().enumerate() {
            if let Some(j) = k.grid.cell_of(grid.centre(i)) {
                *d = k.density[j];
            }
        }
    }
    scores.push(("kde", dens));

    let mut rep = vec![0.0; n];
    for place in repeat_locations(train_keys, train, p.min_repeat) {
        for &m in &place.members {
            if let Some(i) = grid.cell_of(train[m].xy()) {
                rep[i] += 1.0;
            }
        }
    }
    scores.push(("repeat-locations", rep));

    Ok(scores
        .into_iter()
        .map(|(method, s)| {
            let mut order: Vec<usize> = (0..n).filter(|&i| s[i] > 0.0).collect();
            order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
            order.truncate(budget);
            let mut chosen = vec![false; n];
            for &i in &order {
                chosen[i] = true;
            }
            let hits = test_cells
                .iter()
                .filter(|c| c.is_some_and(|i| chosen[i]))
                .count();
            EvalRow {
                method,
                cells: order.len(),
                total_cells: n,
                area_share: order.len() as f64 / n as f64,
                hits,
                test_incidents: test.len(),
                hit_rate: (!test.is_empty()).then(|| hits as f64 / test.len() as f64),
                pai: pai(hits, test.len(), order.len(), n),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_cell_example() {
        // Study grid of two 100 m cells: west (0..100) and east (100..200).
        // Training: 3 incidents west, 1 east. Test: 3 west, 1 east.
        // Budget: share 0.5 of 2 cells = 1 cell; counts picks west.
        // Hit rate 3/4, area share 1/2, PAI 1.5.
        let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let ev = |x: f64| Event {
            x,
            y: 50.0,
            date: d,
            kind: marac_model::IncidentKind::Asb,
        };
        let train = vec![ev(10.0), ev(20.0), ev(30.0), ev(150.0)];
        let test = vec![ev(40.0), ev(50.0), ev(60.0), ev(160.0)];
        let keys: Vec<PlaceKey> = (0..4)
            .map(|i| PlaceKey {
                key: i.to_string(),
                alt: None,
                label: String::new(),
                snap: false,
            })
            .collect();
        let p = EvalParams {
            cell: 100.0,
            area_share: 0.5,
            eps: 15.0,
            min_points: 3,
            band: 50.0,
            bandwidth: Some(60.0),
            min_repeat: 2,
        };
        let rows = evaluate(&train, &keys, &test, &p).unwrap();
        let counts = &rows[0];
        assert_eq!(counts.method, "counts");
        assert_eq!(
            (
                counts.cells,
                counts.total_cells,
                counts.hits,
                counts.test_incidents
            ),
            (1, 2, 3, 4)
        );
        assert_eq!(counts.hit_rate, Some(0.75));
        assert_eq!(counts.pai, Some(1.5));
        // DBSCAN (eps 15, min 3): the three west points form a cluster.
        assert_eq!(rows[1].pai, Some(1.5));
        // No repeat place (every key distinct): nothing predicted.
        let rep = rows
            .iter()
            .find(|r| r.method == "repeat-locations")
            .unwrap();
        assert_eq!((rep.cells, rep.pai), (0, None));
        assert!(evaluate(
            &train,
            &keys,
            &test,
            &EvalParams {
                area_share: 0.0,
                ..p
            }
        )
        .is_err());
    }
}
