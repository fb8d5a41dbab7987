#!/usr/bin/env python3
"""Reference timings of the Python stack on the same CSV as the platform's benchmarks.

Times, median of --runs:
  * scikit-learn RandomForestClassifier(n_estimators=20, max_depth=5, n_jobs=2) fit on a
    random 80 % (train_test_split, random_state=42) after StandardScaler, and its accuracy;
  * scipy.stats.ks_2samp(body_mass_g, body_mass_g + 50) with its defaults;
  * sqlite3 executemany of every row into a fresh typed table (one transaction).

usage: python3 reference.py FILE.csv [--runs 3]     (needs numpy pandas scipy scikit-learn)
Prints one JSON line per measurement.
"""
import argparse
import csv
import json
import os
import sqlite3
import statistics
import tempfile
import time

import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy.stats import ks_2samp
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    frame = pd.read_csv(args.file)

    x_train, x_test, y_train, y_test = train_test_split(
        frame[FEATURES].to_numpy(dtype=float), frame["species"].to_numpy(), test_size=0.2, random_state=42)
    model = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=20, max_depth=5, n_jobs=2, random_state=42))
    fit_s, _ = timed(lambda: model.fit(x_train, y_train), args.runs)
    accuracy = float((model.predict(x_test) == y_test).mean())
    print(json.dumps({"measure": "sklearn_random_forest_fit", "version": sklearn.__version__, "median_s": fit_s,
                      "train_rows": len(y_train), "accuracy": accuracy}))

    mass = frame["body_mass_g"].to_numpy(dtype=np.float64)
    ks_s, result = timed(lambda: ks_2samp(mass, mass + 50.0), max(args.runs, 5))
    print(json.dumps({"measure": "scipy_ks_2samp", "version": scipy.__version__, "median_s": ks_s,
                      "statistic": float(result.statistic), "p_value": float(result.pvalue)}))

    def insert():
        with tempfile.TemporaryDirectory() as folder:
            connection = sqlite3.connect(os.path.join(folder, "ingest.sqlite"))
            connection.execute("CREATE TABLE penguins (penguin_id TEXT, species TEXT, island TEXT, bill_length_mm REAL, "
                               "bill_depth_mm REAL, flipper_length_mm INTEGER, body_mass_g INTEGER, sex TEXT, year INTEGER)")
            with open(args.file, newline="") as handle:
                rows = csv.reader(handle)
                next(rows)
                with connection:
                    connection.executemany("INSERT INTO penguins VALUES (?,?,?,?,?,?,?,?,?)", rows)
            connection.close()
    insert_s, _ = timed(insert, args.runs)
    print(json.dumps({"measure": "python_sqlite3_executemany", "median_s": insert_s, "rows_per_s": len(frame) / insert_s}))


if __name__ == "__main__":
    main()
