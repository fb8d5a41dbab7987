#!/usr/bin/env bash
# Starts the platform on a fresh data directory (`penguins up` on a loopback port), waits until
# it is ready, runs the browser test of every dashboard page against it, and stops it.
#
#   scripts/dashboard-check.sh [OUT_DIR]      (default: .build/browser-test)
#
# Screenshots and DOM dumps stay in OUT_DIR as build artefacts. Exit status: the browser test's.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=${1:-.build/browser-test}
PORT=${PENGUINS_CHECK_PORT:-18080}
mkdir -p "$OUT_DIR"
. scripts/fresh-platform.sh
# A second dataset beside the penguins, so its pages are checked with data too.
fresh_platform dashboard-check "$PORT" "$OUT_DIR"

# Real production for the drift page: 200 heavier penguins predicted through the API.
PENGUINS=""
for i in $(seq 0 199); do
    PENGUINS="$PENGUINS${PENGUINS:+,}{\"bill_length_mm\": 4$((i % 10)).5, \"bill_depth_mm\": 1$((5 + i % 4)).1, \"flipper_length_mm\": 2$((i % 3))0, \"body_mass_g\": $((4800 + 5 * i))}"
done
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"penguins\": [$PENGUINS]}" "http://127.0.0.1:$PORT/api/v1/predict/batch"
# A simulated stream beside it (kept apart from production), posted as the page's form is, with
# the form token its cookie holds.
JAR="$DATA/cookies.txt"
curl -fsS -c "$JAR" -o /dev/null "http://127.0.0.1:$PORT/drift"
TOKEN=$(awk '$6 == "penguins_csrf" { print $7 }' "$JAR")
curl -fsS -b "$JAR" -o /dev/null -X POST -d "feature=body_mass_g&delta=300&rows=2000&csrf_token=$TOKEN" "http://127.0.0.1:$PORT/drift/simulate"
# And one for the iris: flowers with longer petals than the training sample's, through the API.
ROWS=""
for i in $(seq 0 119); do
    ROWS="$ROWS${ROWS:+,}{\"sepal_length_cm\": 6.$((i % 10)), \"sepal_width_cm\": 3.0, \"petal_length_cm\": 5.$((i % 10)), \"petal_width_cm\": 2.$((i % 5))}"
done
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"rows\": [$ROWS]}" "http://127.0.0.1:$PORT/api/v1/datasets/iris/predict/batch"

bash scripts/browser-test.sh "http://127.0.0.1:$PORT" "$OUT_DIR"
