#!/usr/bin/env python3
"""Reference for `penguins bench`: the seed system's single-key reads from Python, against the
same Redis and PostgreSQL servers that the platform is measured on.

  python store_reference.py POSTGRES_URL REDIS_URL [--runs 3]

Loads the bundled Palmer penguins (344 rows, ids P0001..P0344) into a table `reference_penguins`
(primary key penguin_id) of a schema `penguins_reference` and into Redis keys `reference:P0001`...
(SET with EX 3600), then per store 100 warm-up reads and 1,000 timed sequential reads of ids
drawn with a fixed seed: redis-py `GET`, psycopg `SELECT * ... WHERE penguin_id = %s` in
autocommit mode (psycopg prepares the statement on the server after 5 executions). Prints the
mean, p50 and p99 in milliseconds of each run and the median of the runs' means. Needs
redis and psycopg (pip install redis "psycopg[binary]").
"""
import argparse
import csv
import os
import random
import statistics
import time
from urllib.parse import urlparse, parse_qs

import psycopg
import redis

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "Sources", "PenguinsCore", "Resources", "penguins.csv")
WARMUP, N = 100, 1000


def rows():
    with open(DATA, newline="") as f:
        reader = csv.DictReader(f)
        out = []
        for i, r in enumerate(reader, start=1):
            def num(k):
                v = r[k]
                return None if v in ("", "NA") else float(v)
            out.append((f"P{i:04d}", r["species"], r["island"], num("bill_length_mm"), num("bill_depth_mm"),
                        num("flipper_length_mm"), num("body_mass_g"), None if r["sex"] in ("", "NA") else r["sex"],
                        int(r["year"])))
        return out


def timed(read, ids):
    for i in range(WARMUP):
        read(ids[i % len(ids)])
    durations = []
    for i in range(N):
        key = ids[(WARMUP + i) % len(ids)]
        t0 = time.perf_counter_ns()
        read(key)
        durations.append((time.perf_counter_ns() - t0) / 1e6)
    durations.sort()
    return statistics.fmean(durations), durations[N // 2 - 1], durations[int(0.99 * N) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("postgres")
    parser.add_argument("redis")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    pg = urlparse(args.postgres)
    conn = psycopg.connect(host=pg.hostname, port=pg.port or 5432, user=pg.username, password=pg.password,
                           dbname=pg.path.lstrip("/"), autocommit=True)
    conn.execute("CREATE SCHEMA IF NOT EXISTS penguins_reference")
    conn.execute("DROP TABLE IF EXISTS penguins_reference.reference_penguins")
    conn.execute("""CREATE TABLE penguins_reference.reference_penguins (penguin_id text PRIMARY KEY, species text,
        island text, bill_length_mm double precision, bill_depth_mm double precision,
        flipper_length_mm double precision, body_mass_g double precision, sex text, year integer)""")
    data = rows()
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO penguins_reference.reference_penguins VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", data)

    rd = urlparse(args.redis)
    r = redis.Redis(host=rd.hostname, port=rd.port or 6379, password=rd.password,
                    db=int(rd.path.lstrip("/") or 0), decode_responses=True)
    with r.pipeline(transaction=False) as p:
        for row in data:
            p.set("reference:" + row[0], row[1], ex=3600)
        p.execute()

    ids = [row[0] for row in data]
    random.Random(42).shuffle(ids)
    query = "SELECT * FROM penguins_reference.reference_penguins WHERE penguin_id = %s"
    stores = {
        "redis-py GET": lambda key: r.get("reference:" + key),
        "psycopg SELECT by key": lambda key: conn.execute(query, (key,)).fetchone(),
    }
    means = {name: [] for name in stores}
    for run in range(args.runs):
        for name, read in stores.items():
            mean, p50, p99 = timed(read, ids)
            means[name].append(mean)
            print(f"run {run + 1} {name:24s} mean {mean:.4f} ms  p50 {p50:.4f} ms  p99 {p99:.4f} ms")
    for name, values in means.items():
        print(f"median of means  {name:24s} {statistics.median(values):.4f} ms")
    conn.execute("DROP SCHEMA penguins_reference CASCADE")
    r.delete(*["reference:" + i for i in ids])


if __name__ == "__main__":
    main()
