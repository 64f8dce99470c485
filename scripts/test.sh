#!/usr/bin/env bash
# npm test: the same set-up as npm start, against the meetflow_test database, then type check, lint and jest.
# npm run test:faults (--faults): the same set-up, then the fault suite (test/faults: worker kills, PostgreSQL and
# Temporal restarts, provider storms) on a PostgreSQL cluster and a Temporal dev server of its own.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
load_env_file
base_url="${DATABASE_URL:-postgres://meetflow:meetflow@127.0.0.1:5432/meetflow}"
export DATABASE_URL="${TEST_DATABASE_URL:-${base_url%/*}/$(basename "${base_url%%\?*}")_test}"
export NODE_ENV=test LOG_LEVEL="${LOG_LEVEL:-warn}"

background=()
on_exit() {
  [ ${#background[@]} -eq 0 ] || kill "${background[@]}" 2>/dev/null || true
  # CI starts from nothing and must leave nothing running behind it.
  if [ "${CI:-}" = true ]; then bash scripts/services.sh stop; fi
}
trap on_exit EXIT

# The speech-to-text tests speak their script with espeak-ng (Debian).
ensure_espeak() {
  command -v espeak-ng >/dev/null && return 0
  is_root || fail "espeak-ng is missing and we are not root: install Debian's 'espeak-ng' package (the speech-to-text tests speak with it)"
  step "Installing espeak-ng (Debian package) for the speech-to-text tests"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng; } >/dev/null || fail "apt-get install espeak-ng failed"
}

suite=main
if [ "${1:-}" = --faults ]; then
  suite=faults
  shift
fi

# The LiveKit build (minutes when its Go caches are cold) runs beside the other set-up steps. The LiveKit tests
# start servers of their own (test/helpers/livekit-server.ts): only the binary is needed here.
bash scripts/livekit.sh install &
livekit_build=$!
background+=("$livekit_build")
bash scripts/deps.sh
# Type checking and linting (nearly two minutes of CPU) need only node_modules: they run beside the rest of the set-up.
checks=()
if [ "$suite" = main ]; then
  node_modules/.bin/tsc -p tsconfig.json --noEmit >"$DATA_DIR/tsc.log" 2>&1 &
  checks+=("$!:Type checking:type errors:tsc.log")
  background+=("$!")
  node_modules/.bin/eslint . >"$DATA_DIR/eslint.log" 2>&1 &
  checks+=("$!:Linting:lint errors:eslint.log")
  background+=("$!")
fi
bash scripts/whisper.sh --required
ensure_espeak
DATABASE_URL="$base_url" bash scripts/services.sh up
wait "$livekit_build" || fail "the LiveKit server could not be built: see .tools/livekit/build.log"
# The join page is tested in a real Chromium, with voices spoken by espeak-ng as its microphones (Debian packages).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if [ ${#missing[@]} -gt 0 ]; then
  is_root || fail "the browser test needs Debian's ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  step "Installing ${missing[*]} (Debian packages, for the join page's browser test)"
  apt-get update -qq >/dev/null || fail "apt-get update failed: check the network to the Debian mirrors"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
fi
if [ "$suite" = faults ]; then
  step "Running the fault tests"
  node_modules/.bin/jest -c jest.faults.config.js --runInBand "$@"
  exit
fi
for check in "${checks[@]}"; do
  IFS=: read -r pid title problem log <<<"$check"
  step "$title"
  status=0
  wait "$pid" || status=$?
  cat "$DATA_DIR/$log"
  [ "$status" = 0 ] || fail "$problem (above)"
done
step "Running the tests"
node_modules/.bin/jest "$@"
