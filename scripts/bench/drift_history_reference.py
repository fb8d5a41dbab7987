#!/usr/bin/env python3
"""The Python reference of `penguins drift --window rows=N`: reads the same prediction log
(ds_penguins_prediction_log in the platform's SQLite file) with pandas, and per window of N
predictions runs scipy's two-sample KS test on each logged measurement against the training
sample and a chi-squared test of the predicted species, as the platform does for a training
sample of at most 1,000 rows. Prints the wall clock of the whole (read and tests) in seconds.

    python3 scripts/bench/drift_history_reference.py DATA_DIR/penguins.sqlite REFERENCE.csv 10000
"""
import json
import sqlite3
import sys
import time

import numpy as np
import pandas as pd
import scipy.stats as st

FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def main():
    database, reference_file, window = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reference = pd.read_csv(reference_file)
    start = time.perf_counter()
    with sqlite3.connect(database) as connection:
        log = pd.read_sql("SELECT inputs, predicted_class FROM ds_penguins_prediction_log ORDER BY id", connection)
    inputs = pd.DataFrame.from_records([json.loads(text) for text in log["inputs"]])
    species = reference["species"].value_counts()
    drifted = 0
    for first in range(0, len(log), window):
        rows = inputs.iloc[first:first + window]
        for feature in FEATURES:
            if st.ks_2samp(reference[feature].dropna(), rows[feature].dropna()).pvalue < 0.05:
                drifted += 1
        predicted = log["predicted_class"].iloc[first:first + window].value_counts()
        levels = sorted(set(species.index) | set(predicted.index))
        table = np.array([[species.get(level, 0) for level in levels], [predicted.get(level, 0) for level in levels]])
        st.chi2_contingency(table, correction=False)
    print(f"{time.perf_counter() - start:.3f}")
    print(f"{len(log)} rows, {drifted} drifted feature windows", file=sys.stderr)


if __name__ == "__main__":
    main()
