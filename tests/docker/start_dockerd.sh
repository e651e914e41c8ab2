#!/usr/bin/env bash
# Starts a Docker daemon the way this machine allows (see MACHINE.md): vfs
# storage, no iptables, no default bridge. Idempotent: when `docker info`
# already answers, it does nothing. The daemon's PID goes to
# $OPENENV_DOCKERD_PIDFILE (default /tmp/openenv-dockerd.pid) and its log to
# /tmp/openenv-dockerd.log.
set -euo pipefail
pidfile=${OPENENV_DOCKERD_PIDFILE:-/tmp/openenv-dockerd.pid}
log=/tmp/openenv-dockerd.log

# Callers may run in parallel: only one of them starts the daemon.
exec 8>/tmp/openenv-dockerd.lock
flock 8
if docker info >/dev/null 2>&1; then
  echo "docker: daemon already running"
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  echo "docker: dockerd is not installed; run: apt-get install -y docker.io" >&2
  exit 1
fi
nohup dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
  >"$log" 2>&1 8>&- &
echo $! >"$pidfile"
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    echo "docker: daemon ready (pid $(cat "$pidfile"))"
    exit 0
  fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "docker: dockerd exited; last lines of $log:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "docker: daemon did not answer 'docker info' within 60 s; see $log" >&2
exit 1
