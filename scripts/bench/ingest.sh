#!/usr/bin/env bash
# The embedded ingestion of the 1M-row tidy file, for one or more builds of `penguins` side by
# side with the Python reference: the ingest figures of docs/benchmarks.md.
#
#   bash scripts/bench/ingest.sh OLD/penguins .build/release/penguins
#   ROUNDS=10 ROWS=1000000 bash scripts/bench/ingest.sh OLD NEW
#
# Makes the tidy file once (`penguins generate --rows $ROWS --seed 7`), then per round, taking
# turns: each binary ingests it into a fresh data directory as the penguins (`ingest FILE`) and
# as `palmer`, the penguins' schema registered under another name (`datasets add palmer
# --schema FILE`, then `ingest FILE --dataset palmer`), then the Python reference
# (`ingest_reference.py`) runs once. Each line printed is `label seconds user+system-seconds
# peak-KB`; the medians follow. Stop the test services first: they share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-10}
(( $# > 0 )) || set -- .build/release/penguins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=$work/penguins.csv
"$1" generate --rows "$ROWS" --seed 7 --output "$file" --data-dir "$work/generate" > /dev/null
sed 's/^name: penguins$/name: palmer/' Sources/PenguinsCore/Resources/penguins.schema.yaml > "$work/palmer.yaml"
times=$work/times
for (( round = 1; round <= ROUNDS; round++ )); do
  for (( index = 1; index <= $#; index++ )); do
    binary=${!index}
    rm -rf "$work/data"
    /usr/bin/time -o "$times" -f "%e %U %S %M" "$binary" ingest "$file" --data-dir "$work/data" > /dev/null
    read -r wall user system peak < "$times"
    echo "build$index $wall $(echo "$user + $system" | bc) $peak"
    rm -rf "$work/data"
    "$binary" datasets add palmer --schema "$work/palmer.yaml" --data-dir "$work/data" > /dev/null
    /usr/bin/time -o "$times" -f "%e %U %S %M" "$binary" ingest "$file" --dataset palmer --data-dir "$work/data" > /dev/null
    read -r wall user system peak < "$times"
    echo "build$index-palmer $wall $(echo "$user + $system" | bc) $peak"
  done
  echo "python $(python3 scripts/bench/ingest_reference.py "$file")"
done | tee "$work/all"
echo "medians (wall clock):"
sort -k1,1 -k2,2n "$work/all" | awk '
  { values[$1] = values[$1] " " $2; count[$1]++ }
  END { for (label in values) { n = split(substr(values[label], 2), v, " "); m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; print label, m } }' | sort
