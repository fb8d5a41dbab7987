#!/bin/bash
# Creates the cluster, its user and its database on the first start (POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB), then runs the server in the foreground, listening on every
# address of the container with password authentication. Extra arguments go to `postgres`.
set -euo pipefail
user=${POSTGRES_USER:-penguins}
db=${POSTGRES_DB:-penguins}
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "postgres: set POSTGRES_PASSWORD" >&2
  exit 1
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then createdb -U "$user" "$db"; fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres: created the cluster, user $user and database $db" >&2
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections=200 "$@"
