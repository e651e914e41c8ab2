#!/usr/bin/env bash
# Builds the echo environment image from envs/echo/Dockerfile, offline except
# for npm (the base image comes from build_base_image.sh). The build context is
# the repository (minus what .dockerignore names) sent as a tar stream, plus
# the host's extra CA bundle (DENO_CERT or NODE_EXTRA_CA_CERTS) as
# .openenv-extra-ca.pem, so the build stage can reach npm through an
# intercepting proxy. Prints the image tag on stdout.
#
# Usage: tests/docker/build_echo_image.sh [TAG]   (default openenv/echo-env:test)
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-openenv/echo-env:test}
# One build at a time (test files that need the image may run in parallel).
exec 9>/tmp/openenv-echo-image.lock
flock 9
bash tests/docker/build_base_image.sh >&2
# Skip the build when an image from the same sources exists.
source_hash=$(find envs/echo core server deno.json deno.lock -type f -not -name '*_test.ts' -print0 |
  sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f '{{index .Config.Labels "io.openenv.source"}}' "$tag" 2>/dev/null)" = "$source_hash" ]; then
  echo "$tag"
  exit 0
fi
ctx=$(mktemp /tmp/openenv-echo-context.XXXXXX.tar)
trap 'rm -f "$ctx"' EXIT
tar -cf "$ctx" --exclude=./.git --exclude=./.cache --exclude=node_modules --exclude=.venv \
  --exclude=__pycache__ --exclude=./bench/results --exclude=./docs/screenshots --exclude='*.log' .
ca=${DENO_CERT:-${NODE_EXTRA_CA_CERTS:-}}
if [ -n "$ca" ] && [ -f "$ca" ]; then
  tar -rf "$ctx" --transform="s|.*|.openenv-extra-ca.pem|" -C "$(dirname "$ca")" "$(basename "$ca")"
fi
export DOCKER_BUILDKIT=0 # the legacy builder: no buildx plugin needed
docker build --quiet --network host --label "io.openenv.source=$source_hash" \
  -f envs/echo/Dockerfile -t "$tag" - <"$ctx" >&2
# Drop superseded images of earlier builds (vfs stores every layer in full).
docker image prune --force --filter "label=io.openenv.env=echo_env" >/dev/null
docker image prune --force --filter "label=io.openenv.build-stage=echo_env" >/dev/null
echo "$tag"
