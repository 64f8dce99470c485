# Shared helpers for the setup scripts: one line a step, a clear message when a step fails.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${MEETFLOW_DATA_DIR:-$ROOT/.data}"
TOOLS_DIR="$ROOT/.tools"
mkdir -p "$DATA_DIR"

step() { printf '\033[36m==>\033[0m %s\n' "$*"; }
ok() { printf '    %s\n' "$*"; }
fail() {
  printf '\033[31mxx  %s\033[0m\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# Succeeds when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() { # wait_for <seconds> <description> <command...>
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# Loads .env (if any) without overriding what the caller already exported.
load_env_file() {
  local file="$ROOT/.env" line key
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key="${line%%=*}"
    [ -n "${!key:-}" ] || export "$line"
  done <"$file"
}

# Stops the process a pid file names (TERM, then KILL after the grace), and removes the file.
stop_pid_file() { # stop_pid_file <pid file> <what> <grace seconds>
  local file=$1 what=$2 grace=$3 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    step "Stopping $what (pid $pid)"
    kill "$pid"
    wait_for "$grace" stop bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Prints "host port user password database" of a postgres:// URL.
parse_db_url() {
  node -e 'const u = new URL(process.argv[1]);
    console.log([u.hostname, u.port || 5432, decodeURIComponent(u.username), decodeURIComponent(u.password), u.pathname.slice(1)].join(" "))' "$1"
}

# The Temporal CLI: $TEMPORAL_CLI, the PyPI wheel's, or the one go install built (scripts/services.sh installs it).
temporal_cli() {
  local candidate
  for candidate in "${TEMPORAL_CLI:-}" "$TOOLS_DIR/venv/bin/temporal" "$TOOLS_DIR/bin/temporal"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

# The search attributes Meetflow's workflows set and its lists query (bench/lib/dev-server.ts passes the same).
SEARCH_ATTRIBUTES=(MeetingStatus=Keyword MeetingHost=Keyword MeetingStart=Datetime)

# Registers those the server at <address> does not have yet, in its default namespace.
register_search_attributes() { # register_search_attributes <cli> <address>
  local cli=$1 address=$2 existing pair
  existing=$("$cli" operator search-attribute list --address "$address" 2>/dev/null || true)
  for pair in "${SEARCH_ATTRIBUTES[@]}"; do
    grep -qw "${pair%%=*}" <<<"$existing" && continue
    "$cli" operator search-attribute create --address "$address" --name "${pair%%=*}" --type "${pair#*=}" >/dev/null ||
      fail "could not register search attribute ${pair%%=*}"
    ok "registered search attribute ${pair%%=*}"
  done
}
