#!/usr/bin/env bash
# The embedded video provider: a real LiveKit server on this machine, loopback only.
#   scripts/livekit.sh install   build the pinned server into .tools/livekit/ (go install; cached)
#   scripts/livekit.sh up        install, write keys and config under .data/livekit/, start it if it is not running
#   scripts/livekit.sh stop      stop the server these scripts started
#   scripts/livekit.sh env       print LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET of the embedded server
# Failing to install is not fatal: Meetflow then runs without video rooms (provider `none`), said in one line.
source "$(dirname "$0")/lib.sh"
load_env_file

# v1.13.6 and later need LiveKit's pion forks through replace directives, which the Go module proxy does not serve.
LIVEKIT_SERVER_VERSION=v1.13.5
LIVEKIT_DIR="$TOOLS_DIR/livekit"
LIVEKIT_BIN="$LIVEKIT_DIR/bin/server"
LIVEKIT_DATA="$DATA_DIR/livekit"
LIVEKIT_PORT="${LIVEKIT_PORT:-7880}"
LIVEKIT_PID_FILE="$LIVEKIT_DATA/server.pid"

installed() { [ -x "$LIVEKIT_BIN" ] && [ "$(cat "$LIVEKIT_DIR/version" 2>/dev/null)" = "$LIVEKIT_SERVER_VERSION" ]; }

install_livekit() {
  installed && return 0
  command -v go >/dev/null || { unavailable="no Go toolchain to build it"; return 1; }
  step "Building the LiveKit server $LIVEKIT_SERVER_VERSION into .tools/livekit/ (go install; minutes the first time, seconds after)"
  mkdir -p "$LIVEKIT_DIR/bin"
  GOBIN="$LIVEKIT_DIR/bin" GOFLAGS=-mod=mod go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_SERVER_VERSION" >"$LIVEKIT_DIR/build.log" 2>&1 ||
    { unavailable="go install failed: see .tools/livekit/build.log"; return 1; }
  echo "$LIVEKIT_SERVER_VERSION" >"$LIVEKIT_DIR/version"
  ok "built $LIVEKIT_BIN"
}

# Keys are made once per data folder and kept: the API verifies webhooks and signs tokens with them.
ensure_keys() {
  mkdir -p "$LIVEKIT_DATA"
  if [ ! -f "$LIVEKIT_DATA/keys.env" ]; then
    umask 077
    printf 'LIVEKIT_API_KEY=meetflow%s\nLIVEKIT_API_SECRET=%s\n' "$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$LIVEKIT_DATA/keys.env"
  fi
  # shellcheck disable=SC1091
  source "$LIVEKIT_DATA/keys.env"
}

write_config() {
  cat >"$LIVEKIT_DATA/livekit.yaml" <<YAML
# Written by scripts/livekit.sh: a single-node LiveKit server for this machine only.
port: $LIVEKIT_PORT
bind_addresses: [127.0.0.1]
rtc:
  tcp_port: 0
  port_range_start: 50000
  port_range_end: 50100
  use_external_ip: false
  node_ip: 127.0.0.1
  enable_loopback_candidate: true
  ips:
    includes: [127.0.0.1/32]
keys:
  $LIVEKIT_API_KEY: $LIVEKIT_API_SECRET
webhook:
  api_key: $LIVEKIT_API_KEY
  urls: [http://127.0.0.1:${API_PORT:-3000}/webhooks/livekit]
logging:
  level: warn
  json: true
YAML
}

running() { port_open 127.0.0.1 "$LIVEKIT_PORT"; }

up() {
  step "LiveKit at ws://127.0.0.1:$LIVEKIT_PORT (the embedded video provider)"
  if [ -n "${LIVEKIT_URL:-}" ]; then
    ok "LIVEKIT_URL is set ($LIVEKIT_URL): using that server, not starting one"
    return 0
  fi
  local unavailable=''
  if ! install_livekit; then
    printf '\033[33m!!  no LiveKit server (%s): meetings run without video rooms (provider none)\033[0m\n' "$unavailable"
    return 0
  fi
  ensure_keys
  write_config
  if running; then
    ok "already running"
    return 0
  fi
  setsid nohup "$LIVEKIT_BIN" --config "$LIVEKIT_DATA/livekit.yaml" >"$LIVEKIT_DATA/server.log" 2>&1 </dev/null &
  echo $! >"$LIVEKIT_PID_FILE"
  if ! wait_for 20 livekit running; then
    printf '\033[33m!!  the LiveKit server did not listen on %s within 20 s (see .data/livekit/server.log): meetings run without video rooms (provider none)\033[0m\n' "$LIVEKIT_PORT"
    return 0
  fi
  ok "ready (log: .data/livekit/server.log)"
}

stop() { stop_pid_file "$LIVEKIT_PID_FILE" "the LiveKit server" 10; }

# Prints nothing unless the embedded server runs: without it, Meetflow runs without video rooms.
print_env() {
  installed && [ -f "$LIVEKIT_DATA/keys.env" ] && running || return 0
  ensure_keys
  printf 'LIVEKIT_URL=ws://127.0.0.1:%s\nLIVEKIT_API_KEY=%s\nLIVEKIT_API_SECRET=%s\n' "$LIVEKIT_PORT" "$LIVEKIT_API_KEY" "$LIVEKIT_API_SECRET"
}

case "${1:-up}" in
  install)
    unavailable=''
    install_livekit || printf '\033[33m!!  no LiveKit server (%s): the tests that need one will fail and say so\033[0m\n' "$unavailable"
    ;;
  up) up ;;
  stop) stop ;;
  env) print_env ;;
  *) fail "usage: scripts/livekit.sh [install|up|stop|env]" ;;
esac
