#!/usr/bin/env bash
# Starts a throw-away Redis server for the conversation-state tests and prints, on stdout and
# nothing else, the line that points the tests at it:
#
#     eval "$(bash scripts/ci/start_redis.sh)"
#     # -> export OFFSITE_TEST_REDIS_URL=redis://127.0.0.1:PORT/0
#
# Idempotent: installs Debian's redis-server only when it is missing, and when a server started
# by an earlier run is still answering it is reused (same port, same line printed). The server
# listens on 127.0.0.1 only, on a free port, daemonized, with persistence switched off.
# Stop it with: redis-cli -p PORT shutdown nosave   (or kill "$(cat $STATE_DIR/redis.pid)")
set -euo pipefail

STATE_DIR="${OFFSITE_REDIS_STATE_DIR:-${TMPDIR:-/tmp}/offsite-ci-redis}"
log() { echo "start_redis: $*" >&2; }

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  log "installing Debian's redis-server"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends redis-server >&2
fi
# Debian starts a system service on install when it can; this script never relies on it.

mkdir -p "$STATE_DIR"
if [ -f "$STATE_DIR/port" ]; then
  port="$(cat "$STATE_DIR/port")"
  if [ -n "$port" ] && redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
    log "reusing the server already running on port $port"
    echo "export OFFSITE_TEST_REDIS_URL=redis://127.0.0.1:${port}/0"
    exit 0
  fi
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for p in $(seq 16379 16479); do
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  log "no free port in 16379-16479"
  exit 1
}

for attempt in 1 2 3; do
  port="$(free_port)"
  rm -f "$STATE_DIR/redis.pid"
  if redis-server --bind 127.0.0.1 --port "$port" --daemonize yes \
      --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" --dir "$STATE_DIR" \
      --save "" --appendonly no --protected-mode yes >&2; then
    for _ in $(seq 1 50); do
      if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
        echo "$port" > "$STATE_DIR/port"
        log "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port"
        echo "export OFFSITE_TEST_REDIS_URL=redis://127.0.0.1:${port}/0"
        exit 0
      fi
      sleep 0.1
    done
  fi
  log "attempt $attempt: redis-server did not answer on port $port; see $STATE_DIR/redis.log"
done
exit 1
