#!/usr/bin/env bash
# Real-time predictions while ten clients open the statistics page on a cold server: the
# prediction path's throughput beside its idle figure, and how often the statistics were
# computed (once, the other nine waiting for that computation).
#
#   DATA=/path/to/data-dir bash scripts/bench/concurrent-statistics.sh [BINARY]
#   (default binary: .build/release/penguins; DATA: a data directory with a large warehouse
#    and a model, such as the one scripts/bench/analyses.sh leaves; RUNS=3; SECONDS_EACH=10)
#
# Per run: the binary serves DATA; wrk sends `POST /api/v1/predict` over 64 connections for
# SECONDS_EACH seconds, once with nothing else to do (idle) and, after a restart (nothing
# computed), once while ten curl clients ask for /statistics at the same moment, half a second
# into the run. Prints each run's requests per second, the ten answers' times and the
# server's counts of statistics updates and analysis requests.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${1:-.build/release/penguins}
: "${DATA:?DATA must name a data directory with a warehouse and a model}"
RUNS=${RUNS:-3}
SECONDS_EACH=${SECONDS_EACH:-10}
PORT=${PORT:-18971}
work=${BENCH_DIR:-/tmp/penguins-bench}/concurrent
mkdir -p "$work"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cat > "$work/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}'
LUA
url="http://127.0.0.1:$PORT"
start() {
  "$binary" serve --port "$PORT" --data-dir "$DATA" > "$work/serve.log" 2>&1 &
  pid=$!
  until curl -fs "$url/api/v1/health" > /dev/null; do sleep 0.2; done
  wrk -t1 -c64 -d2s -s "$work/predict.lua" "$url/api/v1/predict" > /dev/null
}
stop() { kill -INT "$pid"; wait "$pid" || true; }
rps() { wrk -t2 -c64 -d"${SECONDS_EACH}s" -s "$work/predict.lua" "$url/api/v1/predict" | awk '/Requests\/sec/ { print $2 }'; }
for run in $(seq 1 "$RUNS"); do
  start
  echo "run $run idle: $(rps) req/s"
  stop
  start
  rps > "$work/busy" &
  waiting=$!
  sleep 0.5
  clients=()
  for client in $(seq 1 10); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$url/statistics" > "$work/client-$client" &
    clients+=($!)
  done
  wait "$waiting" "${clients[@]}"
  echo "run $run with ten clients opening /statistics: $(cat "$work/busy") req/s; answers: $(cat "$work"/client-* | tr '\n' ' ')"
  curl -fs "$url/api/v1/metrics" | grep -E '^penguins_(statistics_updates|analysis_requests)_total' | tr '\n' ' '
  echo
  stop
done
