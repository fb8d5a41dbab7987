#!/usr/bin/env bash
# The cached lookup (or, with ENDPOINT=predict, `POST /api/v1/predict`) under load, for one
# or more builds of `penguins` side by side: the "before and after" figures of docs/benchmarks.md.
#
#   bash scripts/bench/lookup.sh                              # this checkout's release build
#   bash scripts/bench/lookup.sh /path/to/old/penguins .build/release/penguins
#   ENDPOINT=predict bash scripts/bench/lookup.sh OLD NEW     # the real-time prediction
#   ENDPOINT=dataset bash scripts/bench/lookup.sh OLD NEW     # an iris row's lookup
#                                                             # (GET /api/v1/datasets/iris/predictions/{id})
#
# Each binary serves the bundled data (`up`, its own data directory, the in-process cache) on
# its own port; wrk (installed from Debian when missing) sends `GET
# /api/v1/predictions/PAL0708-Adelie-1` (a cache hit), a 3-second warm-up (WARMUP_CONNECTIONS,
# 64) then RUNS (5) 10-second runs per binary at each of CONNECTIONS ("64 1"), the binaries
# taking turns so that a noisy moment of the machine hits all of them. Prints each run's
# requests per second and p99, and the medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
ENDPOINT=${ENDPOINT:-lookup}
DIR=${BENCH_DIR:-/tmp/penguins-bench}/lookup
# What wrk sends: the lookup's GET, or the predict body from a Lua script.
path=/api/v1/predictions/PAL0708-Adelie-1
script=()
if [ "$ENDPOINT" = predict ]; then
  path=/api/v1/predict
  mkdir -p "$DIR"
  cat > "$DIR/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}'
LUA
  script=(-s "$DIR/predict.lua")
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if [ $# -eq 0 ]; then
  swift build -c release --product penguins >/dev/null 2>&1
  set -- .build/release/penguins
fi

pids=()
trap 'for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait' EXIT
ports=()
binaries=("$@")
index=0
for binary in "$@"; do
  port=$((18190 + index))
  rm -rf "$DIR/$index"
  "$binary" up --no-serve --data-dir "$DIR/$index" >/dev/null
  if [ "$ENDPOINT" = dataset ]; then
    "$binary" ingest --dataset iris --data-dir "$DIR/$index" >/dev/null
    "$binary" train --dataset iris --data-dir "$DIR/$index" >/dev/null
  fi
  "$binary" serve --port "$port" --data-dir "$DIR/$index" >/dev/null 2>&1 &
  pids+=($!)
  ports+=("$port")
  index=$((index + 1))
done
for port in "${ports[@]}"; do
  until curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null; do sleep 0.2; done
done
if [ "$ENDPOINT" = dataset ]; then
  # The first iris row's id (a content hash, the same in every data directory).
  id=$(curl -fs "http://127.0.0.1:${ports[0]}/api/v1/datasets/iris/rows?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["id"])')
  path=/api/v1/datasets/iris/predictions/$id
fi
for port in "${ports[@]}"; do
  curl -fs "http://127.0.0.1:$port/api/v1/predictions/PAL0708-Adelie-1" >/dev/null
  wrk -t1 -c"${WARMUP_CONNECTIONS:-64}" -d3s "${script[@]}" "http://127.0.0.1:$port$path" >/dev/null
done

for connections in ${CONNECTIONS:-64 1}; do
  threads=$([ "$connections" -eq 1 ] && echo 1 || echo 2)
  declare -A results=()
  for run in $(seq "$RUNS"); do
    for index in "${!ports[@]}"; do
      out=$(wrk -t"$threads" -c"$connections" -d10s --latency "${script[@]}" "http://127.0.0.1:${ports[$index]}$path")
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
      errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
      echo "${binaries[$index]} c$connections run $run: $rps req/s, p99 $p99 $errors"
      results[$index]+="$rps "
    done
  done
  for index in "${!ports[@]}"; do
    median=$(tr ' ' '\n' <<<"${results[$index]}" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "${binaries[$index]}: $connections connections, median $median req/s over $RUNS runs (${results[$index]})"
  done
  unset results
done
