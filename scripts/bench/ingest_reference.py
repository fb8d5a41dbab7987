#!/usr/bin/env python3
"""The Python reference of `penguins ingest`, standard library only: every row of a tidy CSV
inserted by sqlite3 `executemany` into one fresh table with a primary key (WAL, one
transaction), the values as csv.reader yields them. Prints the wall clock of one run in
seconds, so that it takes turns with the platform's runs in the same session.

usage: python3 scripts/bench/ingest_reference.py FILE.csv
"""
import csv
import os
import sqlite3
import sys
import tempfile
import time


def main() -> None:
    path = sys.argv[1]
    with open(path, newline="") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}"' + (" TEXT PRIMARY KEY" if index == 0 else "") for index, name in enumerate(header))
    marks = ", ".join("?" for _ in header)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        connection = sqlite3.connect(os.path.join(folder, "ingest.sqlite"))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"CREATE TABLE rows ({columns})")
        with open(path, newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            with connection:
                connection.executemany(f"INSERT OR REPLACE INTO rows VALUES ({marks})", rows)
        connection.close()
        print(f"{time.perf_counter() - start:.2f}")


if __name__ == "__main__":
    main()
