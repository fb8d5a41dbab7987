#!/usr/bin/env bash
# The compose stack, end to end, on this machine's Docker engine:
#   1. installs docker.io and docker-compose when missing, and starts dockerd when none answers
#      (and stops, at exit, only the dockerd it started);
#   2. makes the base images offline when they cannot be pulled (scripts/docker/offline-images.sh);
#   3. `up -d --build` from the checkout, waits for /api/v1/ready, then checks a cached lookup
#      served by the stack's Redis, the dashboard and /api/v1/model;
#   4. trains once on the stack's Spark Connect server (`penguins train --engine spark`) and
#      waits for the running API to take the new version live;
#   5. `down` and `up` again: the model version and the lake's count must survive;
#   6. `down -v`, and at exit (passed or failed) removes the images it built and the build
#      cache, which take gigabytes: the base images stay for the next run.
# It talks only to the port the stack publishes on 127.0.0.1 (PENGUINS_PORT, here 18080 unless
# set) and runs commands inside the containers with `exec`/`run`.
set -euo pipefail
cd "$(dirname "$0")/../.."

export PENGUINS_PORT=${PENGUINS_PORT:-18080}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-penguins-stack-test}
base="http://127.0.0.1:$PENGUINS_PORT"

say() { echo "stack-test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

started_dockerd=""
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && command -v docker-compose >/dev/null && docker info >/dev/null 2>&1; then
    docker-compose ps >&2 || true
    docker-compose logs --no-color --tail=40 >&2 || true
  fi
  if docker info >/dev/null 2>&1; then
    docker-compose down -v --remove-orphans --rmi all >/dev/null 2>&1 || true
    # The build stage's image, left untagged by a multi-stage build, and any build cache.
    docker image prune -f >/dev/null 2>&1 || true
    docker builder prune -af >/dev/null 2>&1 || true
  fi
  if [ -n "$started_dockerd" ]; then
    kill "$started_dockerd" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.2; done
  fi
  exit "$status"
}
trap cleanup EXIT

# --- the engine ---------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  dockerd >/tmp/penguins-stack-test-dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { tail -20 /tmp/penguins-stack-test-dockerd.log >&2; fail "dockerd did not start"; }
fi

images_started=$(date +%s)
bash scripts/docker/offline-images.sh
say "base images ready in $(( $(date +%s) - images_started )) s"

# The stack's admin key: compose refuses to start without one.
env -u PENGUINS_ADMIN_KEY docker-compose config >/dev/null 2>&1 && fail "compose started without PENGUINS_ADMIN_KEY"
PENGUINS_ADMIN_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export PENGUINS_ADMIN_KEY

# --- helpers ------------------------------------------------------------------------------------
# The body of GET $1 with the admin key (fails on a status other than 200).
get() { curl -fsS --max-time 30 -H "Authorization: Bearer $PENGUINS_ADMIN_KEY" "$base$1"; }
# The status of GET $1 with no key.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base$1"; }
# A field of a JSON document on stdin, by a Python expression over `d`.
field() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

wait_ready() {
  say "waiting for $base/api/v1/ready"
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/api/v1/ready" || true)" = 200 ] && return 0
    sleep 2
  done
  fail "/api/v1/ready did not answer 200 within 10 minutes"
}

lake_count() {
  docker-compose exec -T postgres psql -U penguins -d penguins -tAc 'SELECT count(*) FROM lake'
}

# --- up -----------------------------------------------------------------------------------------
started=$(date +%s)
say "docker-compose up -d --build"
docker-compose up -d --build
wait_ready
say "stack ready $(( $(date +%s) - started )) s after up"

pipeline_status=$(docker inspect -f '{{.State.ExitCode}}' "$(docker-compose ps -q pipeline)")
[ "$pipeline_status" = 0 ] || fail "the pipeline exited with $pipeline_status"

# A known penguin's prediction, twice: the second answer is the cache's, and Redis holds it.
id=$(get "/api/v1/penguins?limit=20" | field 'next(p["penguin_id"] for p in d["penguins"] if p["body_mass_g"] is not None)')
[ -n "$id" ] || fail "no penguin in the warehouse"
get "/api/v1/predictions/$id" >/dev/null
source=$(get "/api/v1/predictions/$id" | field 'd["source"]')
[ "$source" = cache ] || fail "the second lookup of $id came from '$source', not the cache"
version=$(get /api/v1/model | field 'd["version"]')
keys=$(docker-compose exec -T redis sh -c 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" --scan --pattern "prediction:*" | wc -l')
[ "${keys//[^0-9]/}" -gt 0 ] || fail "Redis holds no prediction"
# (Each answer is read whole before it is searched: `grep -q` stops reading at its first match,
# and under pipefail the writer's broken pipe would fail the check.)
exists=$(docker-compose exec -T redis sh -c "redis-cli --no-auth-warning -a \"\$REDIS_PASSWORD\" exists 'prediction:$version:$id'")
grep -q '^1' <<< "$exists" || fail "Redis has no entry prediction:$version:$id"
say "lookup of $id served from the cache; Redis holds ${keys//[^0-9]/} predictions"

# Keys: nothing answers without one but health, readiness and the OpenAPI document.
[ "$(status /api/v1/model)" = 401 ] || fail "/api/v1/model answered without a key"
[ "$(status /)" = 303 ] || fail "the dashboard did not send an anonymous browser to sign in"
[ "$(status /api/v1/health)" = 200 ] || fail "/api/v1/health needs a key"
# Signing in to the dashboard with the admin key, as a browser does (cookies and the form token).
jar=$(mktemp)
curl -fsS -c "$jar" -o /dev/null "$base/login"
token=$(awk '$6 == "penguins_csrf" { print $7 }' "$jar")
curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "key=$PENGUINS_ADMIN_KEY" --data-urlencode "csrf_token=$token" "$base/login"
page=$(curl -fsS -b "$jar" "$base/") || fail "the dashboard did not answer after signing in"
grep -q 'PENGUINS_ADMIN_KEY (admin)' <<< "$page" || fail "the dashboard did not sign in with the admin key"
rm -f "$jar"
css=$(get /assets/dashboard.css) || fail "the dashboard's style sheet is not served"
grep -q 'svg.chart' <<< "$css" || fail "the dashboard's style sheet has no chart styles"
get /api/v1/model | field 'd["accuracy"]' >/dev/null || fail "/api/v1/model has no accuracy"

# --- Spark --------------------------------------------------------------------------------------
say "penguins train --engine spark on the stack's Spark Connect server"
docker-compose run --rm -T api penguins train --engine spark --format json > /tmp/penguins-stack-spark.json
spark_model=$(field 'd["version"]' < /tmp/penguins-stack-spark.json)
field 'd["spark"]["spark_version"]' < /tmp/penguins-stack-spark.json >/dev/null || fail "the Spark training recorded no Spark model"
# The running API follows the registry (it polls every 2 s): the new version goes live untouched.
for _ in $(seq 30); do
  [ "$(get /api/v1/model | field 'd["version"]')" = "$spark_model" ] && break
  sleep 1
done
[ "$(get /api/v1/model | field 'd["version"]')" = "$spark_model" ] || fail "the API did not take version $spark_model live"
say "version $spark_model trained on Spark and live in the API"

# --- down and up: data and models persist ------------------------------------------------------
version=$(get /api/v1/model | field 'd["version"]')
count=$(lake_count)
say "before restart: model $version, $count lake documents"
docker-compose down
docker-compose up -d
wait_ready
after_version=$(get /api/v1/model | field 'd["version"]')
after_count=$(lake_count)
[ "$after_version" = "$version" ] || fail "the model version changed across down/up: $version -> $after_version"
[ "$after_count" = "$count" ] || fail "the lake count changed across down/up: $count -> $after_count"
say "after restart: model $after_version, $after_count lake documents"

docker-compose down -v
say "passed in $(( $(date +%s) - started )) s"
