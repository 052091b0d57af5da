#!/usr/bin/env python3
"""Reference quartic kernel density for `marac hotspots --method kde`.

An independent implementation of the formula marac documents (crates/
marac-hotspot/src/kde.rs), written from the formula, not from marac's code:

    density(c) = 10^6 * sum over points i with d_i < h of
                 3 / (pi h^2) * (1 - d_i^2 / h^2)^2          (per km^2)

at the centre c of every cell of a grid of `cell`-metre squares aligned to
multiples of `cell` in BNG, covering the BCU's points widened by ceil(h /
cell) cells on each side; d_i is the straight-line distance from the cell
centre to point i, computed by brute force against every point. Without a
bandwidth, h is ArcGIS's default search radius:
0.9 * min(SD, sqrt(1 / ln 2) * Dm) * n^-0.2 (SD the standard distance, Dm
the median distance to the mean centre), or the cell size when that is 0.

A dev tool, not part of the product or of CI. It runs marac itself and
compares cell by cell. From the repository root, in a virtual environment
outside the repository:

    python3 -m venv /tmp/kde-venv && /tmp/kde-venv/bin/pip install numpy
    cargo build --release
    target/release/marac synth --seed 1 --incidents 20000 --end 2026-11-20 --out /tmp/kde-synth
    /tmp/kde-venv/bin/python benches/kde/kde_reference.py --marac target/release/marac \\
        --work /tmp/kde-work /tmp/kde-synth/incidents.csv

Only records located by `easting`/`northing` (no `lat`/`lon`) are used, so
both sides read the same BNG numbers; they are written to WORK/bng.csv and
marac runs on that file. The points of each BCU are the ids marac lists in
its `--method dbscan --labels` file for that BCU (placement in a BCU is
marac's, and not what is checked here). For each (cell, bandwidth) case the
script prints cells compared, cells found by one side only, the largest
absolute and relative differences of density, and the largest difference of
the bandwidth (marac prints density and bandwidth to 6 decimals).
"""

import argparse
import csv
import math
import os
import subprocess
import sys
from collections import defaultdict

import numpy as np

CASES = [
    # (cell metres, bandwidth metres or None for ArcGIS's rule)
    (100.0, None),
    (50.0, 300.0),
    (250.0, 150.0),
    (25.0, 100.0),
]
# Relative differences are reported where the reference density is at least
# this (per km^2): far below it, marac's 6 printed decimals dominate.
REL_FLOOR = 1.0


def run(marac, args):
    r = subprocess.run([marac, "-q", *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"marac {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")


def bng_subset(src, dst):
    """Writes the records of `src` located by easting/northing only; returns
    {incident_id: (x, y)}."""
    points = {}
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
        r = csv.DictReader(f)
        cols = ["incident_id", "source", "kind", "reported_at", "borough", "easting", "northing"]
        w = csv.DictWriter(g, fieldnames=cols)
        w.writeheader()
        for row in r:
            if row.get("lat") or row.get("lon") or not row.get("easting") or not row.get("northing"):
                continue
            w.writerow({c: row.get(c, "") for c in cols})
            points[row["incident_id"]] = (float(row["easting"]), float(row["northing"]))
    return points


def arcgis_radius(xy):
    n = len(xy)
    if n < 2:
        return None
    centre = xy.mean(axis=0)
    dev = xy - centre
    sd = math.sqrt((dev ** 2).sum(axis=1).mean())
    dm = float(np.median(np.sqrt((dev ** 2).sum(axis=1))))
    h = 0.9 * min(sd, math.sqrt(1.0 / math.log(2.0)) * dm) * n ** -0.2
    return h if h > 0 and math.isfinite(h) else None


def reference(xy, cell, bandwidth):
    """{(x, y) centre: density per km^2} of every cell with density > 0, and h."""
    h = bandwidth if bandwidth is not None else (arcgis_radius(xy) or cell)
    reach = math.ceil(h / cell)
    ix = np.floor(xy[:, 0] / cell)
    iy = np.floor(xy[:, 1] / cell)
    cols = np.arange(ix.min() - reach, ix.max() + reach + 1)
    rows = np.arange(iy.min() - reach, iy.max() + reach + 1)
    cx, cy = np.meshgrid((cols + 0.5) * cell, (rows + 0.5) * cell)
    cx, cy = cx.ravel(), cy.ravel()
    out = {}
    peak = 3.0 / (math.pi * h * h) * 1e6
    step = max(1, 20_000_000 // max(1, len(xy)))
    for s in range(0, len(cx), step):
        dx = cx[s:s + step, None] - xy[None, :, 0]
        dy = cy[s:s + step, None] - xy[None, :, 1]
        u = (dx * dx + dy * dy) / (h * h)
        k = np.where(u < 1.0, (1.0 - u) ** 2, 0.0).sum(axis=1) * peak
        for j in np.nonzero(k > 0)[0]:
            out[(float(cx[s + j]), float(cy[s + j]))] = float(k[j])
    return out, h


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="canonical incidents CSV (e.g. from marac synth)")
    ap.add_argument("--marac", required=True, help="path to the marac binary")
    ap.add_argument("--work", required=True, help="scratch directory")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    bng = os.path.join(a.work, "bng.csv")
    points = bng_subset(a.input, bng)
    print(f"{len(points)} records located by easting/northing in {a.input}")

    # Every BCU with points: each point is a repeat location of at least one.
    places = os.path.join(a.work, "places.csv")
    run(a.marac, ["hotspots", bng, "--method", "repeat-locations", "--min", "1", "--format", "csv",
                  "--out", places])
    with open(places, newline="", encoding="utf-8") as f:
        bcus = sorted({row["bcu"] for row in csv.DictReader(f)})
    ids_of = {}
    for k, bcu in enumerate(bcus):
        labels = os.path.join(a.work, f"labels-{k}.csv")
        run(a.marac, ["hotspots", bng, "--method", "dbscan", "--bcu", bcu, "--labels", labels,
                      "--out", os.path.join(a.work, "dbscan.geojson")])
        with open(labels, newline="", encoding="utf-8") as f:
            ids_of[bcu] = [row["incident_id"] for row in csv.DictReader(f)]
    print(f"{sum(map(len, ids_of.values()))} of them placed in {len(bcus)} BCUs")

    print("| cell m | bandwidth | BCUs | points | cells compared | only marac | only reference "
          "| max abs diff (per km²) | max rel diff (ref ≥ 1 per km²) | max bandwidth diff m |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for cell, bandwidth in CASES:
        out = os.path.join(a.work, f"kde-{cell:g}-{bandwidth or 'rule'}.csv")
        args = ["hotspots", bng, "--method", "kde", "--cell", f"{cell:g}", "--format", "csv", "--out", out]
        if bandwidth is not None:
            args += ["--bandwidth", f"{bandwidth:g}"]
        run(a.marac, args)
        marac = defaultdict(dict)
        marac_h = {}
        with open(out, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                marac[row["bcu"]][(float(row["x"]), float(row["y"]))] = float(row["density_per_km2"])
                marac_h[row["bcu"]] = float(row["bandwidth_m"])
        compared = only_m = only_r = n_points = 0
        max_abs = max_rel = max_dh = 0.0
        worst = None
        empty = []
        for bcu in bcus:
            xy = np.array([points[i] for i in ids_of[bcu]], dtype=float)
            n_points += len(xy)
            ref, h = reference(xy, cell, bandwidth)
            m = marac.get(bcu, {})
            if bcu in marac_h:
                max_dh = max(max_dh, abs(h - marac_h[bcu]))
            if not ref and not m:
                empty.append(f"{bcu} ({len(xy)} points, h = {h:.1f} m)")
            for key, v in ref.items():
                if key not in m:
                    only_r += 1
                    continue
                compared += 1
                d = abs(m[key] - v)
                if d > max_abs:
                    max_abs, worst = d, (bcu, key, m[key], v)
                if v >= REL_FLOOR:
                    max_rel = max(max_rel, d / v)
            only_m += sum(1 for key in m if key not in ref)
        print(f"| {cell:g} | {'ArcGIS rule' if bandwidth is None else f'{bandwidth:g} m'} | {len(bcus)} "
              f"| {n_points} | {compared} | {only_m} | {only_r} | {max_abs:.2e} | {max_rel:.2e} | {max_dh:.2e} |")
        if empty:
            print(f"  (no cell centre within h of any point, on both sides: {', '.join(empty)})",
                  file=sys.stderr)
        if worst:
            print(f"  (largest difference: {worst[0]} cell {worst[1]}: marac {worst[2]}, reference {worst[3]:.9f})",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
