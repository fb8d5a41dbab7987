#!/usr/bin/env bash
# The pipeline commands on a million rows, for one or more builds of `penguins` side by side:
# the "before and after" figures of docs/benchmarks.md.
#
#   bash scripts/bench/pipeline.sh OLD/penguins .build/release/penguins
#   ROUNDS=5 DATASET=palmer bash scripts/bench/pipeline.sh OLD NEW   # the penguins' schema as a dataset
#
# Makes the 1M-row tidy file once (`penguins generate --rows 1000000 --seed 7`), then per round
# and per binary, the binaries taking turns: a fresh data directory, and the wall clock of
# `ingest`, `train`, `score`, `stats` and `regress` in a row (with DATASET, the dataset is the
# bundled penguins' schema registered under that name, and `regress` is left out). Each binary
# needs its resource bundles beside it, as `swift build -c release` leaves them.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
(( $# > 0 )) || set -- .build/release/penguins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=$work/penguins-1m.csv
"$1" generate --rows 1000000 --seed 7 --output "$file" --data-dir "$work/generate" > /dev/null
schema=$work/schema.yaml
if [[ -n ${DATASET:-} ]]; then
  sed "s/^name: penguins$/name: $DATASET/" Sources/PenguinsCore/Resources/penguins.schema.yaml > "$schema"
fi
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
for round in $(seq 1 "$ROUNDS"); do
  for binary in "$@"; do
    data=$(mktemp -d "$work/data.XXXX")
    options=(--data-dir "$data")
    if [[ -n ${DATASET:-} ]]; then
      "$binary" datasets add "$DATASET" --schema "$schema" "${options[@]}" > /dev/null
      options+=(--dataset "$DATASET")
    fi
    line="round $round $binary: ingest $(seconds "$binary" ingest "$file" "${options[@]}") s"
    for command in train score stats; do line+=", $command $(seconds "$binary" "$command" "${options[@]}") s"; done
    [[ -n ${DATASET:-} ]] || line+=", regress $(seconds "$binary" regress "${options[@]}") s"
    echo "$line"
    rm -rf "$data"
  done
done
