#!/usr/bin/env bash
# Creates the virtualenvs of the interop suite: the official Python OpenEnv
# packages from PyPI, one venv per release we test against. Idempotent: a venv
# that already has its package is left alone. Used by .ci/run and, when a venv
# is missing, by the interop tests themselves.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=.cache/interop
mkdir -p "$base"
# Test files run in parallel and may all find a venv missing: one installs,
# the others wait for it.
if command -v flock >/dev/null; then
  exec 9>"$base/.setup.lock"
  flock 9
fi
for spec in "openenv-core==0.3.0" "openenv==0.3.1"; do
  dir="$base/${spec//==/-}"
  if [ -x "$dir/bin/openenv" ] && "$dir/bin/python" -c "import openenv.core" 2>/dev/null; then
    echo "interop: $spec ready in $dir"
    continue
  fi
  echo "interop: installing $spec into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec"
done
