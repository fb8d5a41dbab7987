# Sourced by the checks that need a platform of their own (dashboard-check.sh,
# schemathesis-check.sh): `fresh_platform NAME PORT OUT_DIR [KEY_NAME]` builds `penguins`, makes a
# data directory with the iris ingested and trained beside the penguins (and, with KEY_NAME, a
# reader key, whose token it puts in $TOKEN), serves it with `penguins up` on 127.0.0.1:PORT until
# the script exits, and returns once the server is ready. Sets BIN, DATA and SERVER.
fresh_platform() {
    local name=$1 port=$2 out=$3 key=${4:-}
    swift build --product penguins >/dev/null
    BIN="$(swift build --show-bin-path)/penguins"
    DATA=$(mktemp -d)
    "$BIN" ingest --dataset iris --data-dir "$DATA" > "$out/setup.log" 2>&1
    "$BIN" train --dataset iris --data-dir "$DATA" >> "$out/setup.log" 2>&1
    if [ -n "$key" ]; then
        TOKEN=$("$BIN" keys create "$key" --role reader --data-dir "$DATA" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    fi
    "$BIN" up --data-dir "$DATA" --port "$port" > "$out/server.log" 2>&1 &
    SERVER=$!
    trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$DATA"' EXIT
    for _ in $(seq 1 240); do
        if curl -fsS "http://127.0.0.1:$port/api/v1/ready" >/dev/null 2>&1; then return 0; fi
        if ! kill -0 "$SERVER" 2>/dev/null; then echo "$name: the server exited; see $out/server.log" >&2; exit 1; fi
        sleep 0.5
    done
    echo "$name: the server never became ready; see $out/server.log" >&2
    exit 1
}
