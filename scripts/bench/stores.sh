#!/usr/bin/env bash
# `penguins bench` on the embedded stores and on the server stores, beside the Python clients'
# reads of the same servers: the store-latency table of docs/benchmarks.md.
#
#   bash scripts/bench/stores.sh                      # embedded (SQLite + in-process cache)
#   bash scripts/bench/stores.sh server               # PostgreSQL + Redis of scripts/services.sh
#   PYTHON=/path/to/python bash scripts/bench/stores.sh server   # and the Python reference
#
# Each configuration: the bundled data through `penguins up --no-serve`, then RUNS (5) runs of
# `penguins bench` (100 warm-up and 1,000 timed sequential reads per store); prints every run's
# mean and the median of the means per store. Server runs use the schema and key prefix
# `bench_stores`, dropped at the end. The Python reference needs redis and psycopg.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-embedded}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/penguins-bench}
swift build -c release --product penguins >/dev/null 2>&1
P=$PWD/.build/release/penguins

summarise() {
  python3 -c '
import json, statistics, sys
runs = [json.loads(line) for line in sys.stdin if line.strip()]
for store in ("cache", "lake", "warehouse"):
    rows = [r for run in runs for r in run if r["store"] == store]
    means = " ".join("%.4f" % r["mean_milliseconds"] for r in rows)
    median = lambda key: statistics.median(r[key] for r in rows)
    print("%-10s %-22s runs %s  median: mean %.4f ms, p50 %.4f ms, p99 %.4f ms" % (
        store, rows[0]["backend"], means, median("mean_milliseconds"), median("p50_milliseconds"), median("p99_milliseconds")))
'
}

bench_runs() {
  for _ in $(seq "$RUNS"); do "$P" bench --format json "$@" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))'; done
}

case "$MODE" in
  embedded)
    rm -rf "$DIR/embedded"
    "$P" up --no-serve --data-dir "$DIR/embedded" >/dev/null
    bench_runs --data-dir "$DIR/embedded" | summarise
    ;;
  server)
    eval "$(scripts/services.sh env)"
    pg=$PENGUINS_TEST_POSTGRES
    redis=$PENGUINS_TEST_REDIS
    export PENGUINS_LAKE="$pg&schema=bench_stores" PENGUINS_WAREHOUSE="$pg&schema=bench_stores"
    export PENGUINS_CACHE="$redis?prefix=bench_stores:"
    "$P" up --no-serve --data-dir "$DIR/server" >/dev/null
    bench_runs --data-dir "$DIR/server" | summarise
    PGPASSWORD=penguins PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "${PENGUINS_POSTGRES_PORT:-5433}" \
      -U penguins -d penguins -qc "DROP SCHEMA bench_stores CASCADE"
    if [ -n "${PYTHON:-}" ]; then
      echo "Python clients on the same servers:"
      "$PYTHON" scripts/bench/store_reference.py "${pg%%\?*}" "$redis" --runs "$RUNS"
    fi
    ;;
  *) echo "usage: $0 [embedded|server]" >&2; exit 2 ;;
esac
