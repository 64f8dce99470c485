#!/usr/bin/env bash
# npm start: dependencies, services, migrations, then worker + API + bot in one process tree.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
load_env_file
bash scripts/deps.sh
bash scripts/whisper.sh
bash scripts/services.sh up
bash scripts/livekit.sh up
if [ -z "${LIVEKIT_URL:-}" ]; then
  # The embedded LiveKit server (when it runs): the worker and the API open rooms and sign tokens with its keys.
  while IFS= read -r line; do export "${line?}"; done < <(bash scripts/livekit.sh env)
fi
step "Applying database migrations"
node_modules/.bin/tsx db/migrate.ts up || fail "migrations failed: see the message above"
step "Starting worker, API (http://localhost:${API_PORT:-3000}) and bot; Temporal UI at http://localhost:${TEMPORAL_UI_PORT:-8233}"
exec node_modules/.bin/tsx scripts/run-all.ts
