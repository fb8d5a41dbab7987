#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis, against a platform that has
# API keys: once with a reader's key, once with no key. Every answer must be documented (status,
# media type, body schema) and none may be a 5xx; so every 401 and 403 is a problem document, as
# the document says. The reader's run also checks that the API refuses requests without the key.
#
#   scripts/schemathesis-check.sh [OUT_DIR]      (default: .build/schemathesis)
#
# The platform is a fresh data directory with the penguins and the iris ingested and trained,
# served by `penguins up` on a loopback port. Exit status: non-zero when either run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=${1:-.build/schemathesis}
PORT=${PENGUINS_SCHEMATHESIS_PORT:-18082}
mkdir -p "$OUT_DIR"
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis
. scripts/fresh-platform.sh
fresh_platform schemathesis-check "$PORT" "$OUT_DIR" schemathesis-reader

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# One worker: with two, schemathesis's generation now and then fails inside itself (a KeyError
# in a strategy cache its threads share), which says nothing of the API.
run() {
    local name=$1; shift
    if schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.yaml" --include-path-regex '^/api/' \
        --max-examples 20 --workers 1 --seed 20261206 "$@" > "$OUT_DIR/$name.log" 2>&1; then
        echo "ok    schemathesis $name ($(grep -Eo '[0-9]+ generated' "$OUT_DIR/$name.log" | head -1) cases)"
    else
        echo "FAIL  schemathesis $name; see $OUT_DIR/$name.log" >&2
        tail -40 "$OUT_DIR/$name.log" >&2
        return 1
    fi
}
status=0
run reader -H "Authorization: Bearer $TOKEN" --checks "$CHECKS,ignored_auth" || status=1
run anonymous --checks "$CHECKS" || status=1
exit "$status"
