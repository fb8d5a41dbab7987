#!/usr/bin/env bash
# The analysis endpoints and pages on a large warehouse, cold, warm and after an ingest, for
# one or more builds of `penguins`: how long each answer takes when the data has not changed.
#
#   bash scripts/bench/analyses.sh [BINARY ...]          (default: .build/release/penguins)
#   ROWS=10000000 RUNS=5 bash scripts/bench/analyses.sh OLD NEW
#
# Once: ROWS generated penguins (`generate --seed 7`, 1,000,000 by default) and 1,000 more with
# other ids. Per binary: a fresh data directory with the bundled data and a model
# (`up --no-serve`) and the ROWS ingested; then it serves that directory and curl times each
# path: the first answer after the start (cold), RUNS more (warm, median), and the first answer
# after the 1,000 rows are ingested by another process (`penguins ingest` beside the server).
# Then the server's resident memory (VmRSS and VmHWM from /proc). Last, the server is started
# again on the same data and each path's first and second answers are timed: what a restart
# costs when the data has not changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
PORT=${PORT:-18941}
(( $# > 0 )) || set -- .build/release/penguins
work=${BENCH_DIR:-/tmp/penguins-bench}/analyses
rm -rf "$work" && mkdir -p "$work"
"$1" generate --rows "$ROWS" --seed 7 --output "$work/rows.csv" --data-dir "$work/generate" > /dev/null
"$1" generate --rows 1000 --seed 11 --output "$work/more.csv" --data-dir "$work/generate" > /dev/null
sed -i 's/^P/Q/' "$work/more.csv"
paths=(
  "/"
  "/datasets"
  "/api/v1/stats"
  "/api/v1/stats?by=species"
  "/api/v1/regression?target=body_mass_g&predictors=flipper_length_mm,sex"
  "/statistics"
  "/regression"
  "/api/v1/drift?current=warehouse"
  "/classification"
  "/drift"
  "/predict"
)
time_of() { curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$1"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
serve() {  # serve BINARY DATA: start the server in the background, wait until it answers
  "$1" serve --port "$PORT" --data-dir "$2" > /dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/api/v1/health" > /dev/null; do sleep 0.2; done
}
first_answers() {  # first_answers WHEN: each path's first and second answer
  for path in "${paths[@]}"; do echo "$path $1: $(time_of "$path") s, then $(time_of "$path") s"; done
}
stop() {  # the server's memory, then stop it
  grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | tr -s ' \t' ' '
  kill -INT "$pid"
  wait "$pid" || true
}
for binary in "$@"; do
  data="$work/data-$(basename "$(dirname "$binary")")-$RANDOM"
  "$binary" up --no-serve --data-dir "$data" > /dev/null
  "$binary" ingest "$work/rows.csv" --data-dir "$data" > /dev/null
  serve "$binary" "$data"
  echo "== $binary ($ROWS rows + the bundled 344)"
  for path in "${paths[@]}"; do
    cold=$(time_of "$path")
    warm=""
    for _ in $(seq 1 "$RUNS"); do warm+="$(time_of "$path") "; done
    echo "$path: cold $cold s, warm median $(echo "$warm" | median) s ($warm)"
  done
  "$binary" ingest "$work/more.csv" --data-dir "$data" > /dev/null
  first_answers "after ingesting 1,000 rows"
  stop
  serve "$binary" "$data"
  first_answers "after a restart"
  stop
done
