#!/usr/bin/env python3
"""Reference linker for issue 13: a plain, tutorial-style Splink 5 model on
the public labelled data sets in fixtures/linkage, scored as `marac link eval`
scores marac (pairwise and B-cubed precision, recall and F1 of the clusters).

A dev tool, not part of the product or of CI. Run it from the repository root
in a virtual environment outside the repository:

    python3 -m venv /tmp/splink-venv
    /tmp/splink-venv/bin/pip install splink==5.0.0
    /tmp/splink-venv/bin/python benches/splink/splink_reference.py [--format md]

The model, the same for every data set where the columns allow: names
(Splink's NameComparison), date of birth (DateOfBirthComparison; invalid
dates are null), address (house number exact, street Jaro-Winkler; postcode
and suburb or city exact with term-frequency adjustment); no national id
(FEBRL's soc_sec_id) and no email. The share of matches is estimated from
deterministic rules, u from 1e6 random pairs, m by EM in two sessions
(blocked on date of birth, then on postcode; fake_1000 has no postcode: on
first name and surname), and records are clustered at match probability 0.9.
FEBRL 4's two files are one input, deduplicated, as marac reads them.
"""

import argparse
import csv
import json
import logging
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict

import duckdb
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../fixtures/linkage")
THRESHOLD = 0.9
SEED = 1


def read_csv(files):
    """The records of CSV files as dicts of trimmed strings (None when
    empty); FEBRL's headers have a space after every comma."""
    rows = []
    for name in files:
        with open(os.path.join(FIXTURES, name), newline="", encoding="utf-8") as f:
            r = csv.reader(f)
            header = [h.strip() for h in next(r)]
            rows.extend({h: (v.strip() or None) for h, v in zip(header, rec)} for rec in r)
    return rows


def febrl(files):
    rows = read_csv(files)
    for row in rows:
        row.pop("soc_sec_id")  # a national id: not used
        row["truth"] = re.match(r"^rec-(\d+)-", row["rec_id"]).group(1)
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        ],
    )
    deterministic = [
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    em = [block_on("date_of_birth"), block_on("postcode")]
    return rows, "rec_id", settings, deterministic, em


def fake_1000(files):
    rows = read_csv(files)
    for row in rows:
        row.pop("email")  # no such field in marac's schema
        row["truth"] = row.pop("cluster")
    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("surname"),
            block_on("dob"),
        ],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
    )
    deterministic = [block_on("first_name", "surname", "dob")]
    em = [block_on("dob"), block_on("first_name", "surname")]
    return rows, "unique_id", settings, deterministic, em


DATA_SETS = [
    ("FEBRL 3", febrl, ["febrl-dataset3.csv"]),
    ("FEBRL 4 (4a + 4b)", febrl, ["febrl-dataset4a.csv", "febrl-dataset4b.csv"]),
    ("fake_1000", fake_1000, ["fake_1000.csv"]),
]


def metrics(found, truth):
    """Pairwise and B-cubed precision, recall and F1 of a clustering
    (record -> found cluster) against the truth (record -> true person)."""
    def pairs(groups):
        return sum(n * (n - 1) // 2 for n in groups.values())

    found_sizes = Counter(found.values())
    true_sizes = Counter(truth.values())
    both = Counter((found[r], truth[r]) for r in truth)
    tp = pairs(both)
    p_found, p_true = pairs(found_sizes), pairs(true_sizes)
    precision = tp / p_found if p_found else 1.0
    recall = tp / p_true if p_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: per record, the share of its found cluster that is truly its
    # person (precision) and of its person that it was put with (recall).
    n = len(truth)
    b3p = sum(both[(found[r], truth[r])] / found_sizes[found[r]] for r in truth) / n
    b3r = sum(both[(found[r], truth[r])] / true_sizes[truth[r]] for r in truth) / n
    b3f = 2 * b3p * b3r / (b3p + b3r) if b3p + b3r else 0.0
    return {
        "pairs_true": p_true,
        "pairs_found": p_found,
        "true_positives": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "b3_precision": b3p,
        "b3_recall": b3r,
        "b3_f1": b3f,
    }


def cluster_of(clusters, uid, truth):
    """Record -> cluster id; a record in no cluster is a person of its own."""
    found = dict(clusters.as_duckdbpyrelation().select(f"{uid}, cluster_id").fetchall())
    return {r: found.get(r, f"alone-{r}") for r in truth}


def run(make, files):
    rows, uid, settings, deterministic, em = make(files)
    truth = {r[uid]: r.pop("truth") for r in rows}
    start = time.perf_counter()
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    columns = {k: [r[k] for r in rows] for k in rows[0]}
    sdf = db_api.register(columns)
    linker = Linker(sdf, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
    for rule in em:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    found = cluster_of(clusters, uid, truth)
    seconds = time.perf_counter() - start
    m = metrics(found, truth)
    m["seconds"] = round(seconds, 2)
    # The clusters at the best threshold too (by pairwise F1), for reference:
    # an analyst without labels cannot choose it.
    best = dict(m, threshold=THRESHOLD)
    for t in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.95, 0.99]:
        c = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=t
        )
        mt = metrics(cluster_of(c, uid, truth), truth)
        if mt["f1"] > best["f1"]:
            best = dict(mt, threshold=t)
    best.pop("seconds", None)
    m["best"] = best
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=["json", "md"], default="json")
    args = ap.parse_args()
    results = {}
    for name, make, files in DATA_SETS:
        results[name] = run(make, files)
    env = {
        "splink": splink.__version__,
        "duckdb": duckdb.__version__,
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "threshold": THRESHOLD,
    }
    if args.format == "json":
        print(json.dumps({"environment": env, "results": results}, indent=2))
        return
    print(f"Splink {env['splink']}, DuckDB {env['duckdb']}, Python {env['python']}, "
          f"{env['cores']} cores, clusters at {THRESHOLD}\n")
    print("| data set | clusters at | F1 | precision | recall | B³ F1 | seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, m in results.items():
        for t, r, secs in [(THRESHOLD, m, m["seconds"]), (m["best"]["threshold"], m["best"], "")]:
            print(f"| {name} | {t} | {r['f1']:.4f} | {r['precision']:.4f} | {r['recall']:.4f} | "
                  f"{r['b3_f1']:.4f} | {secs} |")


if __name__ == "__main__":
    sys.exit(main())
