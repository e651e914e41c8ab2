#!/usr/bin/env bash
# Installs ale-py (the Arcade Learning Environment with its ROMs) into a
# virtualenv for the Atari environment; prints the interpreter to use as
# ATARI_PYTHON. Idempotent.
set -euo pipefail
venv="${1:-$(cd "$(dirname "$0")/../.." && pwd)/.cache/atari-venv}"
if ! "$venv/bin/python" -c "import ale_py" 2>/dev/null; then
  echo "atari: installing ale-py==0.12.1 into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "ale-py==0.12.1"
fi
echo "$venv/bin/python"
