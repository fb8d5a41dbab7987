#!/usr/bin/env bash
# Reruns the benchmarks of docs/benchmarks.md on this machine: the platform (release build)
# and, when a Python with numpy, pandas, scipy and scikit-learn is given as $PYTHON, the
# reference Python stack on the same file.
#
#   bash scripts/bench/run.sh                 # platform only
#   PYTHON=/path/to/venv/bin/python bash scripts/bench/run.sh
#
# Work files go to $BENCH_DIR (default /tmp/penguins-bench). Each command runs 3 times; the
# median is printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${BENCH_DIR:-/tmp/penguins-bench}
ROWS=${ROWS:-1000000}
mkdir -p "$DIR"
swift build -c release --product penguins >/dev/null
swift build -c release --product penguins-benchmarks >/dev/null
P=.build/release/penguins
CSV="$DIR/synthetic_$ROWS.csv"
[ -f "$CSV" ] || $P generate --rows "$ROWS" --seed 42 --output "$CSV"

median() { sort -n | sed -n 2p; }
echo "ingest $ROWS rows (s, peak KB):"
for i in 1 2 3; do rm -rf "$DIR/store"; /usr/bin/time -f "%e %M" $P ingest "$CSV" --data-dir "$DIR/store" 2>&1 >/dev/null | tail -1; done
for command in "train" "stats" "stats --by species" "regress --target body_mass_g --predictors flipper_length_mm,sex" "score" "bench"; do
  printf '%s: median s ' "$command"
  for i in 1 2 3; do /usr/bin/time -f "%e" $P $command --data-dir "$DIR/store" 2>&1 >/dev/null | tail -1; done | median
done
echo "kernels (median of 7):"
.build/release/penguins-benchmarks "$CSV" --runs 7
if [ -n "${PYTHON:-}" ]; then
  echo "reference Python stack:"
  "$PYTHON" scripts/bench/reference.py "$CSV"
fi
