#!/usr/bin/env bash
# Drift over time on a million logged predictions: the wall clock of
# `penguins drift --window rows=10000` (100 windows) and `--window day`, for one or more builds
# of `penguins`, beside the Python reference (pandas and scipy on the same log,
# drift_history_reference.py, run by PYTHON, which needs pandas and scipy).
#
#   bash scripts/bench/drift-history.sh [BINARY ...]      (default: .build/release/penguins)
#   RUNS=5 PYTHON=/path/to/venv/bin/python bash scripts/bench/drift-history.sh
#
# Once: a data directory with the bundled data ingested and a model trained (`up --no-serve`),
# and a million generated penguins, 300 g heavier, predicted and logged (`predict --log`). Then
# RUNS (3) rounds, the commands taking turns; prints each run and the medians. Last, each binary
# serves that data directory in turn and the same RUNS time `GET /api/v1/drift/history?window=day`
# and the drift page (`GET /drift`: today's distributions and the timeline) over HTTP.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
PYTHON=${PYTHON:-python3}
(( $# > 0 )) || set -- .build/release/penguins
work=${BENCH_DIR:-/tmp/penguins-bench}/drift-history
rm -rf "$work" && mkdir -p "$work"
"$1" up --no-serve --data-dir "$work/data" > /dev/null
"$1" generate --rows 1000000 --seed 3 --shift body_mass_g=300 --output "$work/stream.csv" --data-dir "$work/data" > /dev/null
"$1" predict "$work/stream.csv" --log --data-dir "$work/data" > /dev/null
"$1" generate --rows 300 --seed 1 --output "$work/reference.csv" --data-dir "$work/data" > /dev/null
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
declare -A times
for run in $(seq 1 "$RUNS"); do
  for binary in "$@"; do
    for window in rows=10000 day; do
      t=$(seconds "$binary" drift --window "$window" --format json --data-dir "$work/data")
      echo "$binary --window $window run $run: $t s"
      times["$binary $window"]+="$t "
    done
  done
  t=$("$PYTHON" scripts/bench/drift_history_reference.py "$work/data/penguins.sqlite" "$work/reference.csv" 10000 2>/dev/null)
  echo "python reference rows=10000 run $run: $t s"
  times["python rows=10000"]+="$t "
done
port=${PORT:-18931}
for binary in "$@"; do
  "$binary" serve --port "$port" --data-dir "$work/data" > /dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/api/v1/health" > /dev/null; do sleep 0.2; done
  for run in $(seq 1 "$RUNS"); do
    for path in "/api/v1/drift/history?window=day" "/drift"; do
      t=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path")
      echo "$binary GET $path run $run: $t s"
      times["$binary GET $path"]+="$t "
    done
  done
  kill -INT "$pid"
  wait "$pid" || true
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for key in "${!times[@]}"; do echo "$key: median $(echo "${times[$key]}" | median) s (${times[$key]})"; done
