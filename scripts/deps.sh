#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lockfile.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  step "Installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed: see the output above"
fi
