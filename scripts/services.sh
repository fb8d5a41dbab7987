#!/usr/bin/env bash
# Private PostgreSQL 15, Redis and Spark Connect servers for development and CI, on loopback ports.
#
#   scripts/services.sh start [postgres|redis|spark]   install if missing, start, create the database
#   scripts/services.sh stop [postgres|redis|spark]    stop what this script started, by its recorded PID
#   scripts/services.sh status                   what runs, and where
#   scripts/services.sh env                      export lines: eval "$(scripts/services.sh env)"
#
# Data and PID files live in .build/services/ of the checkout (PostgreSQL's data moves to
# /tmp/penguins-services-*/ when the postgres user cannot reach the checkout). Settings, all
# optional: PENGUINS_SERVICES_DIR, PENGUINS_POSTGRES_PORT (5433), PENGUINS_REDIS_PORT (6380),
# PENGUINS_SPARK_PORT (15002).
# The servers listen on 127.0.0.1 only. PostgreSQL: user penguins, password penguins, database
# penguins (password authentication over TCP). Redis: password penguins, database 0.
# Spark: a local Spark Connect server (`local[2]`) from the pinned pyspark of PyPI, installed into
# a virtual environment under the services folder, with OpenJDK 17 and the PostgreSQL JDBC driver
# from Debian.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${PENGUINS_SERVICES_DIR:-$ROOT/.build/services}
PG_PORT=${PENGUINS_POSTGRES_PORT:-5433}
REDIS_PORT=${PENGUINS_REDIS_PORT:-6380}
SPARK_PORT=${PENGUINS_SPARK_PORT:-15002}
PYSPARK_VERSION=4.3.0
JDBC_JAR=/usr/share/java/postgresql.jar
PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PASSWORD=penguins

say() { echo "services: $*" >&2; }
fail() { say "$*"; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_install() {
  command -v apt-get >/dev/null || fail "apt-get is missing: install $* by hand"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing $* with apt-get"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# --- PostgreSQL ---------------------------------------------------------------------------

# The data folder: under the checkout unless, running as root, the postgres user cannot reach it.
pg_root() {
  local root=$DIR/postgres
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$DIR"
    if ! runuser -u postgres -- test -x "$DIR" 2>/dev/null; then
      root=/tmp/penguins-services-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)/postgres
    fi
  fi
  echo "$root"
}

# Runs a PostgreSQL program as the user that owns the data (postgres when we are root).
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_pid() { [ -f "$DIR/postgres.pid" ] && cat "$DIR/postgres.pid" || true; }

start_postgres() {
  [ -x "$PG_BIN/pg_ctl" ] || apt_install "postgresql-$PG_VERSION"
  [ -x "$PG_BIN/pg_ctl" ] || fail "PostgreSQL $PG_VERSION did not install into $PG_BIN"
  local root data pid
  root=$(pg_root)
  data=$root/data
  pid=$(pg_pid)
  if alive "$pid"; then say "postgres already running (pid $pid, port $PG_PORT)"; return; fi
  port_open "$PG_PORT" && fail "port $PG_PORT is taken by a server this script did not start; set PENGUINS_POSTGRES_PORT"
  mkdir -p "$root"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || fail "the postgres user is missing (it comes with the postgresql package)"
    chown postgres:postgres "$root"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    local pwfile
    pwfile=$(mktemp)
    echo "$PASSWORD" > "$pwfile"
    chmod 644 "$pwfile"
    as_pg_owner "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >"$root/initdb.log" 2>&1 \
      || { rm -f "$pwfile"; cat "$root/initdb.log" >&2; fail "initdb failed"; }
    rm -f "$pwfile"
  fi
  as_pg_owner "$PG_BIN/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $root -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null \
    || { tail -20 "$root/server.log" >&2; fail "postgres did not start"; }
  mkdir -p "$DIR"
  head -1 "$data/postmaster.pid" > "$DIR/postgres.pid"
  echo "$root" > "$DIR/postgres.root"
  local psql=("$PG_BIN/psql" -h "$root" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_pg_owner "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'penguins'")" != 1 ]; then
    as_pg_owner "${psql[@]}" -d postgres -c "CREATE ROLE penguins LOGIN PASSWORD '$PASSWORD'"
  fi
  if [ "$(as_pg_owner "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'penguins'")" != 1 ]; then
    as_pg_owner "${psql[@]}" -d postgres -c "CREATE DATABASE penguins OWNER penguins"
  fi
  say "postgres $PG_VERSION running (pid $(pg_pid), 127.0.0.1:$PG_PORT, data $data)"
}

stop_postgres() {
  local pid
  pid=$(pg_pid)
  if alive "$pid"; then
    kill -INT "$pid"  # fast shutdown
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && fail "postgres (pid $pid) did not stop"
    say "stopped postgres (pid $pid)"
  fi
  rm -f "$DIR/postgres.pid"
}

# --- Redis --------------------------------------------------------------------------------

redis_pid() { [ -f "$DIR/redis.pid" ] && cat "$DIR/redis.pid" || true; }

start_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  command -v redis-server >/dev/null || fail "redis-server did not install"
  local pid
  pid=$(redis_pid)
  if alive "$pid"; then say "redis already running (pid $pid, port $REDIS_PORT)"; return; fi
  port_open "$REDIS_PORT" && fail "port $REDIS_PORT is taken by a server this script did not start; set PENGUINS_REDIS_PORT"
  mkdir -p "$DIR/redis"
  nohup redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --requirepass "$PASSWORD" \
    --save '' --appendonly no --dir "$DIR/redis" --daemonize no >"$DIR/redis/server.log" 2>&1 </dev/null &
  echo $! > "$DIR/redis.pid"
  for _ in $(seq 100); do port_open "$REDIS_PORT" && break; sleep 0.1; done
  port_open "$REDIS_PORT" || { tail -20 "$DIR/redis/server.log" >&2; fail "redis did not start"; }
  say "redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') running (pid $(redis_pid), 127.0.0.1:$REDIS_PORT)"
}

stop_redis() {
  local pid
  pid=$(redis_pid)
  if alive "$pid"; then
    kill "$pid"
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && fail "redis (pid $pid) did not stop"
    say "stopped redis (pid $pid)"
  fi
  rm -f "$DIR/redis.pid"
}

# --- Spark Connect -------------------------------------------------------------------------

spark_pid() { [ -f "$DIR/spark.pid" ] && cat "$DIR/spark.pid" || true; }

# The pinned pyspark in a virtual environment of its own (reused when present); prints SPARK_HOME.
spark_home() {
  local venv=$DIR/spark/venv
  local python=$venv/bin/python
  # Reused when it holds the pinned pyspark and its Connect client (pyarrow, grpc).
  if ! [ -x "$python" ] || [ "$("$python" -c 'import pyspark, pyarrow, grpc; print(pyspark.__version__)' 2>/dev/null)" != "$PYSPARK_VERSION" ]; then
    command -v python3 >/dev/null || apt_install python3 python3-venv
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    say "installing pyspark $PYSPARK_VERSION (with its Spark Connect client) from PyPI into $venv (about 500 MB, once)"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "pyspark[connect]==$PYSPARK_VERSION" >&2 \
      || fail "pip could not install pyspark $PYSPARK_VERSION"
  fi
  "$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

start_spark() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  [ -f "$JDBC_JAR" ] || apt_install libpostgresql-jdbc-java
  [ -f "$JDBC_JAR" ] || fail "the PostgreSQL JDBC driver did not install into $JDBC_JAR"
  local pid home
  pid=$(spark_pid)
  if alive "$pid"; then say "spark already running (pid $pid, port $SPARK_PORT)"; return; fi
  port_open "$SPARK_PORT" && fail "port $SPARK_PORT is taken by a server this script did not start; set PENGUINS_SPARK_PORT"
  home=$(spark_home)
  mkdir -p "$DIR/spark/work" "$DIR/spark/models"
  # setsid: the server gets a process group of its own, so stop can end it and its JVM together.
  SPARK_HOME=$home SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR=$DIR/spark SPARK_NO_DAEMONIZE=1 nohup setsid \
    "$home/bin/spark-submit" --class org.apache.spark.sql.connect.service.SparkConnectServer \
    --name penguins-spark-connect --master 'local[2]' \
    --jars "$JDBC_JAR" --driver-class-path "$JDBC_JAR" \
    --conf spark.connect.grpc.binding.address=127.0.0.1 \
    --conf spark.connect.grpc.binding.port="$SPARK_PORT" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.ui.enabled=false \
    --conf spark.local.dir="$DIR/spark/work" \
    --conf spark.sql.warehouse.dir="$DIR/spark/warehouse" \
    --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$DIR/spark" \
    >"$DIR/spark/server.log" 2>&1 </dev/null &
  echo $! > "$DIR/spark.pid"
  for _ in $(seq 600); do port_open "$SPARK_PORT" && break; alive "$(spark_pid)" || break; sleep 0.2; done
  port_open "$SPARK_PORT" || { tail -30 "$DIR/spark/server.log" >&2; fail "spark connect did not start"; }
  say "spark connect $PYSPARK_VERSION running (pid $(spark_pid), sc://127.0.0.1:$SPARK_PORT, models in $DIR/spark/models)"
}

stop_spark() {
  local pid
  pid=$(spark_pid)
  if alive "$pid"; then
    kill -- "-$pid" 2>/dev/null || kill "$pid"
    for _ in $(seq 150); do alive "$pid" || break; sleep 0.2; done
    alive "$pid" && fail "spark (pid $pid) did not stop"
    say "stopped spark (pid $pid)"
  fi
  rm -f "$DIR/spark.pid"
}

# --- Commands -----------------------------------------------------------------------------

print_env() {
  local pg="postgres://penguins:$PASSWORD@127.0.0.1:$PG_PORT/penguins?sslmode=disable"
  local redis="redis://:$PASSWORD@127.0.0.1:$REDIS_PORT/0"
  echo "export PENGUINS_LAKE='$pg'"
  echo "export PENGUINS_WAREHOUSE='$pg'"
  echo "export PENGUINS_CACHE='$redis'"
  echo "export PENGUINS_TEST_POSTGRES='$pg'"
  echo "export PENGUINS_TEST_REDIS='$redis'"
  echo "export PENGUINS_SPARK='sc://127.0.0.1:$SPARK_PORT'"
  echo "export PENGUINS_TEST_SPARK='sc://127.0.0.1:$SPARK_PORT'"
  echo "export PENGUINS_SPARK_MODELS='$DIR/spark/models'"
}

status() {
  local pid
  pid=$(pg_pid)
  if alive "$pid"; then echo "postgres up (pid $pid, 127.0.0.1:$PG_PORT)"; else echo "postgres down"; fi
  pid=$(redis_pid)
  if alive "$pid"; then echo "redis up (pid $pid, 127.0.0.1:$REDIS_PORT)"; else echo "redis down"; fi
  pid=$(spark_pid)
  if alive "$pid"; then echo "spark up (pid $pid, sc://127.0.0.1:$SPARK_PORT)"; else echo "spark down"; fi
}

command=${1:-status}
service=${2:-all}
case "$service" in all|postgres|redis|spark) ;; *) fail "unknown service $service: use postgres, redis or spark";; esac
wants() { [ "$service" = all ] || [ "$service" = "$1" ]; }
case "$command" in
  start)
    if wants postgres; then start_postgres; fi
    if wants redis; then start_redis; fi
    if wants spark; then start_spark; fi
    ;;
  stop)
    if wants spark; then stop_spark; fi
    if wants redis; then stop_redis; fi
    if wants postgres; then stop_postgres; fi
    ;;
  env) print_env ;;
  status) status ;;
  *) fail "usage: scripts/services.sh start|stop [postgres|redis|spark] | env | status" ;;
esac
