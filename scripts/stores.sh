#!/usr/bin/env bash
# Starts the three real stores recruit-db works against, on loopback, installing what is missing:
#   PostgreSQL 15 (Debian's package, already on the image) as a cluster of its own (port 5433; see
#   start_postgres), FerretDB 1.24.2 (built from its Go module, SQLite backend) as the MongoDB
#   server, and moto's standalone S3 server (PyPI, venv).
# Idempotent: a store that already answers is left alone.
# Root installs what is missing and uses Debian's cluster tools; any other user needs PostgreSQL 15,
# Go and Python 3 installed, and runs everything from $RECRUIT_DB_STATE (default ~/.cache/recruit-db).
#
#   scripts/stores.sh start   install what is missing, start all three, write .env (or $RECRUIT_DB_ENV_FILE), print it masked
#   scripts/stores.sh stop    stop FerretDB and moto, and this project's PostgreSQL cluster
#   scripts/stores.sh env     print `export` lines for eval "$(scripts/stores.sh env)"
#   scripts/stores.sh status  one line per store
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${RECRUIT_DB_STATE:-$HOME/.cache/recruit-db}"
PG_VERSION=15
PG_CLUSTER=recruitdb
PG_PORT="${RECRUIT_DB_PG_PORT:-5433}"
PG_ROLE=recruit
PG_DB=recruit_db
MONGO_PORT="${RECRUIT_DB_MONGO_PORT:-27017}"
MONGO_USER=recruit
MONGO_DB=recruit_db
S3_PORT="${RECRUIT_DB_S3_PORT:-5055}"
S3_BUCKET_NAME=recruit-assets
FERRETDB_VERSION=v1.24.2
FERRETDB_BIN="$STATE/bin/ferretdb"
MOTO_VENV="$STATE/moto-venv"

mkdir -p "$STATE/bin" "$STATE/logs" "$STATE/run"
chmod 700 "$STATE"

log() { printf '%s\n' "stores: $*" >&2; }
die() { printf '%s\n' "stores: error: $*" >&2; exit 1; }

# A password per machine, generated once, so no credential is committed to the repo.
secret() {
  local file="$STATE/$1"
  if [ ! -s "$file" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$file")
  fi
  cat "$file"
}

wait_port() { # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The project's own PostgreSQL cluster, beside any other on the machine: its own data directory and
# port, and settings (fsync off for a throwaway dev/CI cluster) that apply to it alone. The system's
# clusters and their configuration are never touched.
#   root:      Debian's pg_createcluster (cluster 15/recruitdb: config in /etc/postgresql/15/recruitdb,
#              data in /var/lib/postgresql/15/recruitdb), run as the postgres user;
#   non-root:  initdb + pg_ctl on a data directory under $STATE, run as you.
PG_SETTINGS="# written by scripts/stores.sh: this cluster only
listen_addresses = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off"

pg_bin() { echo "/usr/lib/postgresql/$PG_VERSION/bin/$1"; }

ensure_postgres_installed() {
  [ -x "$(pg_bin initdb)" ] && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL $PG_VERSION is not installed; as root: apt-get install postgresql-$PG_VERSION (or run this script as root)"
  log "installing postgresql-$PG_VERSION from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null
}

# Writes the settings file; prints "changed" when it had to (the server must then restart:
# listen_addresses and max_connections are read at start only).
write_pg_settings() { # file [owner]
  if [ -f "$1" ] && [ "$(cat "$1")" = "$PG_SETTINGS" ]; then return 0; fi
  printf '%s\n' "$PG_SETTINGS" > "$1"
  if [ -n "${2:-}" ]; then chown "$2" "$1"; fi
  echo changed
}

start_postgres_root() {
  command -v pg_ctlcluster >/dev/null || die "pg_ctlcluster is missing (postgresql-common); apt-get install postgresql-common"
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c' | grep -q .; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}')
  [ "$port" = "$PG_PORT" ] || die "cluster $PG_VERSION/$PG_CLUSTER listens on $port, not $PG_PORT; set RECRUIT_DB_PG_PORT=$port"
  local confd="/etc/postgresql/$PG_VERSION/$PG_CLUSTER/conf.d"
  mkdir -p "$confd"
  local changed
  changed=$(write_pg_settings "$confd/recruit-db.conf" postgres:postgres)
  if pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
    if [ -n "$changed" ]; then
      log "restarting PostgreSQL $PG_VERSION/$PG_CLUSTER so its settings take effect"
      pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
    fi
  else
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER on 127.0.0.1:$PG_PORT"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  fi
  wait_port 127.0.0.1 "$PG_PORT" 30 || die "PostgreSQL did not open port $PG_PORT (see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log)"
  local pw
  pw=$(secret pg-password)
  # CREATEDB and CREATEROLE: CI gives every test its own database, and privilege tests a role of their own.
  su postgres -c "psql -q -p $PG_PORT -v ON_ERROR_STOP=1 -d postgres" >/dev/null <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN CREATEDB CREATEROLE;
  END IF;
END \$\$;
ALTER ROLE $PG_ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$pw';
EOF
  if ! su postgres -c "psql -tA -p $PG_PORT -d postgres -c \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1; then
    su postgres -c "createdb -p $PG_PORT -O $PG_ROLE $PG_DB"
  fi
}

start_postgres_user() {
  local data="$STATE/pg-data" pw
  pw=$(secret pg-password)
  if [ ! -s "$data/PG_VERSION" ]; then
    log "creating a PostgreSQL $PG_VERSION cluster in $data (port $PG_PORT)"
    "$(pg_bin initdb)" -D "$data" -U "$PG_ROLE" --pwfile="$STATE/pg-password" -A scram-sha-256 --no-sync >/dev/null
    echo "include_if_exists = 'recruit-db.conf'" >> "$data/postgresql.conf"
  fi
  local changed
  changed=$(write_pg_settings "$data/recruit-db.conf")
  if "$(pg_bin pg_ctl)" -D "$data" status >/dev/null 2>&1; then
    if [ -n "$changed" ]; then
      log "restarting PostgreSQL in $data so its settings take effect"
      "$(pg_bin pg_ctl)" -D "$data" -w -m fast restart >/dev/null
    fi
  else
    log "starting PostgreSQL $PG_VERSION ($data) on 127.0.0.1:$PG_PORT"
    "$(pg_bin pg_ctl)" -D "$data" -l "$STATE/logs/postgresql.log" -o "-p $PG_PORT -k $STATE/run" -w start >/dev/null
  fi
  wait_port 127.0.0.1 "$PG_PORT" 30 || die "PostgreSQL did not open port $PG_PORT (see $STATE/logs/postgresql.log)"
  if ! PGPASSWORD="$pw" psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1; then
    PGPASSWORD="$pw" createdb -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" "$PG_DB"
  fi
}

start_postgres() {
  ensure_postgres_installed
  if [ "$(id -u)" = 0 ]; then start_postgres_root; else start_postgres_user; fi
}

stop_postgres() {
  if [ "$(id -u)" = 0 ]; then
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop 2>/dev/null || true
  elif [ -s "$STATE/pg-data/PG_VERSION" ]; then
    "$(pg_bin pg_ctl)" -D "$STATE/pg-data" -m fast stop >/dev/null 2>&1 || true
  fi
}

build_ferretdb() {
  [ -x "$FERRETDB_BIN" ] && "$FERRETDB_BIN" --version 2>/dev/null | grep -q "version: $FERRETDB_VERSION" && return 0
  command -v go >/dev/null || die "go is needed to build FerretDB; install Go from Debian (apt-get install golang) and retry"
  log "building FerretDB $FERRETDB_VERSION from its Go module (about a minute the first time)"
  # The module as published lacks build/version/version.txt, so a plain `go install` panics at start
  # ("Invalid build/version/version.txt file content"); build from the same module with that file written.
  local dir src
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  src=$(mktemp -d)
  cp -r "$dir/." "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && go build -o "$FERRETDB_BIN" ./cmd/ferretdb)
  rm -rf "$src"
}

start_ferretdb() {
  if port_open "$MONGO_PORT"; then return 0; fi
  build_ferretdb
  mkdir -p "$STATE/ferretdb-data"
  local pw
  pw=$(secret mongo-password)
  log "starting FerretDB $FERRETDB_VERSION (SQLite) on 127.0.0.1:$MONGO_PORT"
  FERRETDB_SETUP_PASSWORD="$pw" nohup "$FERRETDB_BIN" \
    --handler=sqlite --sqlite-url="file:$STATE/ferretdb-data/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr=- \
    --state-dir="$STATE/run" --telemetry=disable --log-level=warn \
    --test-enable-new-auth --setup-database="$MONGO_DB" --setup-username="$MONGO_USER" \
    >"$STATE/logs/ferretdb.log" 2>&1 &
  echo $! > "$STATE/run/ferretdb.pid"
  wait_port 127.0.0.1 "$MONGO_PORT" 30 || die "FerretDB did not start; see $STATE/logs/ferretdb.log"
}

start_moto() {
  if port_open "$S3_PORT"; then return 0; fi
  # Probe by import, not by the console script: a venv that was copied or moved keeps
  # scripts whose shebang points at the old path, while `python -m` still works.
  if ! "$MOTO_VENV/bin/python" -c 'import moto.server, flask' >/dev/null 2>&1; then
    log "installing moto[server] into $MOTO_VENV"
    rm -rf "$MOTO_VENV"
    python3 -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/python" -m pip install -q --disable-pip-version-check 'moto[server]>=5,<6'
  fi
  log "starting moto S3 on 127.0.0.1:$S3_PORT"
  nohup "$MOTO_VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$STATE/logs/moto.log" 2>&1 &
  echo $! > "$STATE/run/moto.pid"
  wait_port 127.0.0.1 "$S3_PORT" 60 || die "moto did not start; see $STATE/logs/moto.log"
}

env_lines() {
  local pgpw mongopw
  pgpw=$(secret pg-password)
  mongopw=$(secret mongo-password)
  cat <<EOF
RECRUIT_DB_ENV=development
DATABASE_URL=postgres://$PG_ROLE:$pgpw@127.0.0.1:$PG_PORT/$PG_DB
MONGODB_URI=mongodb://$MONGO_USER:$mongopw@127.0.0.1:$MONGO_PORT/$MONGO_DB
MONGODB_DB=$MONGO_DB
AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=recruit-dev
AWS_SECRET_ACCESS_KEY=$(secret s3-secret)
S3_BUCKET=$S3_BUCKET_NAME
EOF
}

mask() { sed -E 's#(://[^:/@]+:)[^@]+@#\1****@#; s#^(AWS_SECRET_ACCESS_KEY=).*#\1****#'; }

write_env_file() {
  local file="${RECRUIT_DB_ENV_FILE:-$ROOT/.env}"
  if [ -f "$file" ] && ! head -1 "$file" | grep -q '^# written by scripts/stores.sh'; then
    log "$file exists and was not written by this script; left as is"
    return 0
  fi
  (umask 077; { echo "# written by scripts/stores.sh; delete this line to keep your own edits"; env_lines; } > "$file")
}

stop_pid() {
  local f="$STATE/run/$1.pid" pid i
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  # Wait for it to go: a `stop` then `start` would otherwise find the port still held by the
  # exiting server, start nothing, and be left with no server at all once it is gone.
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  rm -f "$f"
}

case "${1:-}" in
  start)
    start_postgres
    start_ferretdb
    start_moto
    write_env_file
    log "all three stores are up; settings written to ${RECRUIT_DB_ENV_FILE:-$ROOT/.env}:"
    env_lines | mask >&2
    ;;
  stop)
    stop_pid ferretdb
    stop_pid moto
    stop_postgres
    ;;
  env)
    env_lines | sed 's/^/export /'
    ;;
  status)
    port_open "$PG_PORT" && echo "postgres: up on $PG_PORT" || echo "postgres: down"
    port_open "$MONGO_PORT" && echo "ferretdb: up on $MONGO_PORT" || echo "ferretdb: down"
    port_open "$S3_PORT" && echo "moto-s3:  up on $S3_PORT" || echo "moto-s3:  down"
    ;;
  *)
    echo "usage: scripts/stores.sh start|stop|env|status" >&2
    exit 2
    ;;
esac
