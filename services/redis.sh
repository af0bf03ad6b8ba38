#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/redis.sh {start|stop|status} — a local Redis server without Docker.
#
#   start   Reuses whatever already answers on 127.0.0.1:$REDIS_PORT. Otherwise installs
#           redis-server from apt when it is missing (apt-get update only if needed; the
#           distro's init/systemd service is never started or used), then runs our own
#           `redis-server --daemonize yes` bound to 127.0.0.1, with no persistence
#           (--save '' --appendonly no), and waits until `redis-cli ping` answers PONG
#           (up to $REDIS_START_TIMEOUT s).
#   stop    Stops the redis-server these scripts started (pid file) and waits for it to exit.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# Files live under $TDA_CACHE_DIR/redis/: redis.pid, redis.log, and the working dir.
#
# Environment:
#   TDA_CACHE_DIR        cache root (default $HOME/.cache/test-data-agent)
#   REDIS_PORT           port on 127.0.0.1 (default 6379)
#   REDIS_START_TIMEOUT  seconds to wait for PONG (default 20)
#   TDA_RECORD_FILE      if set, "redis" is appended to it when this call started the server
set -euo pipefail

TDA_SERVICE=redis
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"
REDIS_HOME="$TDA_CACHE_DIR/redis"
PIDFILE="$REDIS_HOME/redis.pid"
LOGFILE="$REDIS_HOME/redis.log"
PID_PATTERN="redis-server"
ADDR="$TDA_BIND_HOST:$REDIS_PORT"

# redis_answers — PING gets PONG (redis-cli; raw RESP over /dev/tcp when it is not installed).
redis_answers() {
  local reply=""
  if command -v redis-cli >/dev/null 2>&1; then
    reply=$(timeout 2 redis-cli -h "$TDA_BIND_HOST" -p "$REDIS_PORT" ping 2>/dev/null) || true
  else
    { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$REDIS_PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3 || true
    read -r -t 2 reply <&3 || true
    exec 3<&- 3>&-
    reply=${reply%$'\r'}
    reply=${reply#+}
  fi
  [[ "$reply" == PONG ]]
}

ensure_installed() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools
  fi
}

cmd_start() {
  local pid
  mkdir -p "$REDIS_HOME"
  take_start_lock "$REDIS_HOME" 600
  if reuse_listening "$REDIS_PORT" "$REDIS_START_TIMEOUT" redis_answers "does not answer PING"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    die "our redis-server (pid $pid) runs but $ADDR is closed; run '$0 stop' first"
  fi
  ensure_installed

  log "starting on $ADDR (log $LOGFILE)"
  rm -f "$PIDFILE" # stale: no live redis-server of ours (checked above, under the lock)
  : >"$LOGFILE"
  redis-server --bind "$TDA_BIND_HOST" --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$PIDFILE" --dir "$REDIS_HOME" --logfile "$LOGFILE" \
    --save '' --appendonly no 9>&- </dev/null ||
    {
      show_tail 20 "$LOGFILE"
      die "redis-server failed to start"
    }
  # --daemonize: the pid file appears once the daemon is up.
  wait_until "$REDIS_START_TIMEOUT" 0.1 our_pid "$PIDFILE" "$PID_PATTERN" >/dev/null || {
    show_tail 20 "$LOGFILE"
    die "redis-server wrote no pid file $PIDFILE"
  }
  pid=$(read_pid "$PIDFILE")
  if ! TDA_WAIT_PID="$pid" wait_until "$REDIS_START_TIMEOUT" 0.1 redis_answers; then
    stop_pid "$PIDFILE" "$PID_PATTERN" 10 || true
    show_tail 20 "$LOGFILE"
    die "redis-server did not answer PING within ${REDIS_START_TIMEOUT}s"
  fi
  record_started redis
  log "started pid $pid on $ADDR"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 30
}

cmd_status() {
  local pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "running: pid $pid on $ADDR (started by these scripts)"
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$REDIS_PORT"; then
    log "running on $ADDR (not started by these scripts)"
    return 0
  fi
  log "stopped ($ADDR closed)"
  return 3
}

usage_main "$@"
