#!/usr/bin/env bash
# The first pages after a bulk load, for one or more builds of `penguins` side by side: the
# "Summaries kept by the ingestion" figures of docs/benchmarks.md.
#
#   bash scripts/bench/bulk-load.sh OLD/penguins .build/release/penguins
#   ROWS=10000000 ROUNDS=1 bash scripts/bench/bulk-load.sh OLD NEW
#   INGEST_OPTIONS=--no-summaries bash scripts/bench/bulk-load.sh NEW    # the ingestion alone
#   CORRECTIONS=100000 bash scripts/bench/bulk-load.sh OLD NEW   # the first pages after corrections
#
# Makes the tidy file once (`penguins generate --rows $ROWS --seed 7`, a million rows unless
# told), then per round and per binary, the binaries taking turns: a fresh data directory,
# `ingest` (wall clock and peak RSS), `train` (so that the server does not train at start),
# then a server on the store and each page requested once in turn (`curl`'s total time), and
# the server's peak RSS. With CORRECTIONS=N, a second file of N rows with the first N ids and
# other values (`--seed 8`) is ingested after `train`, updating those rows, before the server
# starts: the pages are then the first after an ingestion that corrected stored rows. With PENGUINS_LAKE and PENGUINS_WAREHOUSE set (a PostgreSQL schema of
# one's own), the rows go there; the script leaves them for the caller to drop.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18961}
PAGES=${PAGES:-"/ /datasets /api/v1/stats /statistics /regression /classification /drift"}
(( $# > 0 )) || set -- .build/release/penguins
work=$(mktemp -d)
server=
trap '[[ -n $server ]] && kill "$server" 2> /dev/null; rm -rf "$work"' EXIT
file=$work/penguins.csv
"$1" generate --rows "$ROWS" --seed 7 --output "$file" --data-dir "$work/generate" > /dev/null
CORRECTIONS=${CORRECTIONS:-0}
corrections=$work/corrections.csv
(( CORRECTIONS == 0 )) || "$1" generate --rows "$CORRECTIONS" --seed 8 --output "$corrections" --data-dir "$work/generate" > /dev/null
for round in $(seq 1 "$ROUNDS"); do
  for binary in "$@"; do
    data=$(mktemp -d "$work/data.XXXX")
    # shellcheck disable=SC2086 # INGEST_OPTIONS is a list of flags
    ingest=$( { /usr/bin/time -f "%e s, peak %M KB" "$binary" ingest "$file" --data-dir "$data" ${INGEST_OPTIONS:-} > /dev/null; } 2>&1 | tail -1)
    "$binary" train --data-dir "$data" > /dev/null
    corrected=
    if (( CORRECTIONS > 0 )); then
      # shellcheck disable=SC2086
      corrected=", corrections $( { /usr/bin/time -f "%e s, peak %M KB" "$binary" ingest "$corrections" --data-dir "$data" ${INGEST_OPTIONS:-} > /dev/null; } 2>&1 | tail -1)"
    fi
    "$binary" serve --port "$PORT" --data-dir "$data" > "$work/serve.log" 2>&1 &
    server=$!
    until curl -fs "http://127.0.0.1:$PORT/api/v1/health" > /dev/null; do sleep 0.2; done
    line="round $round $binary: ingest $ingest$corrected"
    for page in $PAGES; do line+=", $page $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$page") s"; done
    line+=", server peak $(awk '/VmHWM/ { print $2 " " $3 }' "/proc/$server/status")"
    kill -INT "$server"
    wait "$server" || true
    server=
    echo "$line"
    rm -rf "$data"
  done
done
