#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/weaviate.sh {start|stop|status} — a local single-node Weaviate without Docker, built
# from its Go module with the machine's Go toolchain.
#
#   start   Reuses whatever already answers GET /v1/.well-known/ready on
#           127.0.0.1:$WEAVIATE_PORT. Otherwise builds weaviate-server $WEAVIATE_VERSION once
#           (`go install github.com/weaviate/weaviate/cmd/weaviate-server@v$WEAVIATE_VERSION`;
#           falls back to `go build ./cmd/weaviate-server` inside the downloaded module), keeps
#           the binary in the cache so later starts do not rebuild, then runs it in the
#           background on 127.0.0.1 (REST $WEAVIATE_PORT, gRPC $WEAVIATE_GRPC_PORT) with
#           anonymous access, no vectorizer modules, data persisted under the cache, and blocks
#           until /v1/.well-known/ready answers 200 (up to $WEAVIATE_START_TIMEOUT s; on failure
#           prints the tail of the log and exits 1).
#   stop    Stops the server these scripts started (pid file) and waits for it to exit.
#           A Weaviate started by something else is left alone.
#   status  Exit 0 if something serves the REST port (says whether it is ours), 3 if not.
#
# Binding: REST, memberlist gossip and Raft listen on 127.0.0.1 only. Weaviate itself listens
# on all interfaces for its gRPC API and its cluster data port (net.Listen(":port") in 1.37 and
# still in 1.39), with no setting to change that; the Go profiling listener (also all
# interfaces, port 6060) is switched off.
#
# Files: the Go toolchain's caches are $TDA_CACHE_DIR/go/{path,mod,build}; the build lives under
# $TDA_CACHE_DIR/weaviate/ (bin/weaviate-server-$WEAVIATE_VERSION, logs/build.log); a server's
# state under $WEAVIATE_STATE_DIR (default the same folder): data/ (persistence),
# logs/weaviate.log, weaviate.pid. A second server (the tests stop one on purpose) needs its
# own state dir and ports.
#
# Environment:
#   TDA_CACHE_DIR            cache root (default $HOME/.cache/test-data-agent)
#   WEAVIATE_PORT            REST port on 127.0.0.1 (default 8080)
#   WEAVIATE_GRPC_PORT       gRPC port (default 50051)
#   WEAVIATE_GOSSIP_PORT     memberlist gossip port on 127.0.0.1 (default 7946)
#   WEAVIATE_DATA_PORT       cluster data port (default 7947)
#   WEAVIATE_RAFT_PORT       Raft port on 127.0.0.1 (default 8300)
#   WEAVIATE_RAFT_RPC_PORT   Raft internal RPC port on 127.0.0.1 (default 8301)
#   WEAVIATE_STATE_DIR       this server's data, log and pid file (default $TDA_CACHE_DIR/weaviate)
#   WEAVIATE_START_TIMEOUT   seconds to wait for readiness (default 120)
#   WEAVIATE_LOG_LEVEL       server log level (default info)
#   TDA_RECORD_FILE          if set, "weaviate" is appended to it when this call started the server
#   GO                       Go command to build with (default: go on PATH)
set -euo pipefail

TDA_SERVICE=weaviate
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Keep in step with the image tag in docker-compose.yml.
WEAVIATE_VERSION=1.37.17
WEAVIATE_MODULE=github.com/weaviate/weaviate
WEAVIATE_PORT="${WEAVIATE_PORT:-8080}"
WEAVIATE_GRPC_PORT="${WEAVIATE_GRPC_PORT:-50051}"
WEAVIATE_GOSSIP_PORT="${WEAVIATE_GOSSIP_PORT:-7946}"
WEAVIATE_DATA_PORT="${WEAVIATE_DATA_PORT:-7947}"
WEAVIATE_RAFT_PORT="${WEAVIATE_RAFT_PORT:-8300}"
WEAVIATE_RAFT_RPC_PORT="${WEAVIATE_RAFT_RPC_PORT:-8301}"
WEAVIATE_START_TIMEOUT="${WEAVIATE_START_TIMEOUT:-120}"
WEAVIATE_LOG_LEVEL="${WEAVIATE_LOG_LEVEL:-info}"
GO="${GO:-go}"

WEAVIATE_HOME="$TDA_CACHE_DIR/weaviate"
BIN="$WEAVIATE_HOME/bin/weaviate-server-$WEAVIATE_VERSION"
STATE="${WEAVIATE_STATE_DIR:-$WEAVIATE_HOME}"
DATA="$STATE/data"
LOGS="$STATE/logs"
PIDFILE="$STATE/weaviate.pid"
GO_HOME="$TDA_CACHE_DIR/go"
PID_PATTERN="$BIN"
ADDR="$TDA_BIND_HOST:$WEAVIATE_PORT"
NODE_NAME=node1
NOT_READY="does not answer 200 at /v1/.well-known/ready"
# For lib.sh's server helpers:
SERVER_NAME=Weaviate
SERVER_WHERE=$ADDR
SERVER_TIMEOUT=$WEAVIATE_START_TIMEOUT
SERVER_LOGS=("$LOGS/weaviate.log")

# http_status PATH — the HTTP status code of GET PATH on $ADDR (empty when nothing answers).
# Plain HTTP/1.0 over bash's /dev/tcp, so it needs no curl.
http_status() {
  local line=""
  { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$WEAVIATE_PORT"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$ADDR" >&3 || true
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  line=${line%$'\r'}
  [[ "$line" =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

server_ready() { [[ "$(http_status /v1/.well-known/ready)" == 200 ]]; }

# serving_port PID — the REST port on the command line of our server PID.
serving_port() {
  local args
  args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 0
  [[ "$args" =~ --port\ ([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

# ensure_binary — build weaviate-server into $BIN unless it is there already.
ensure_binary() {
  [[ -x "$BIN" ]] && return 0
  local t0 tmp buildlog="$WEAVIATE_HOME/logs/build.log"
  t0=$(now_s)
  need_go "Weaviate $WEAVIATE_VERSION"
  mkdir -p "$GO_HOME" "$WEAVIATE_HOME/bin" "$WEAVIATE_HOME/logs"
  : >"$buildlog"
  go_download "$WEAVIATE_MODULE" "$WEAVIATE_VERSION" "Weaviate $WEAVIATE_VERSION" "$buildlog"

  log "building weaviate-server $WEAVIATE_VERSION with go$GO_HAVE (takes minutes the first time)"
  if ! go_install "$WEAVIATE_MODULE/cmd/weaviate-server" "$WEAVIATE_VERSION" "$BIN" "$buildlog"; then
    log "go install failed; trying go build inside the downloaded module"
    tmp="$WEAVIATE_HOME/bin/.weaviate-server.$$"
    (cd "$GO_MODDIR" && go_env "$GO" build -ldflags='-s -w' -o "$tmp" ./cmd/weaviate-server) \
      >>"$buildlog" 2>&1 || {
      rm -f "$tmp"
      build_failed "$buildlog" "could not build weaviate-server $WEAVIATE_VERSION"
    }
    mv -f "$tmp" "$BIN"
  fi
  log_built "$BIN" "$t0"
}

cmd_start() {
  local pid t0 port name port_var
  t0=$(now_s)
  mkdir -p "$WEAVIATE_HOME" "$STATE" "$DATA" "$LOGS"
  # A cold build takes minutes, so another start may hold the lock for up to an hour.
  take_start_lock "$STATE" $((WEAVIATE_START_TIMEOUT + 3600))
  if reuse_listening "$WEAVIATE_PORT" "$WEAVIATE_START_TIMEOUT" server_ready "$NOT_READY"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    port=$(serving_port "$pid")
    if [[ "$port" != "$WEAVIATE_PORT" ]]; then
      die "our Weaviate (pid $pid) serves port ${port:-?}, not $WEAVIATE_PORT; stop it first (one server per state dir)"
    fi
  fi
  if reuse_ours; then return 0; fi
  for name in GRPC GOSSIP DATA RAFT RAFT_RPC; do
    port_var="WEAVIATE_${name}_PORT"
    port=${!port_var}
    if port_open "$TDA_BIND_HOST" "$port"; then
      die "port $port (WEAVIATE_${name}_PORT) is taken by another process; set WEAVIATE_${name}_PORT"
    fi
  done

  ensure_binary

  log "starting $WEAVIATE_VERSION on $ADDR (gRPC :$WEAVIATE_GRPC_PORT, data in $DATA, log $LOGS/weaviate.log)"
  # RAFT_TIMEOUTS_MULTIPLIER=1: a lone loopback node needs no slack for network delays; with
  # Weaviate's default (5) the node waits ~7 s for a heartbeat before electing itself.
  # A clean environment: Weaviate reads dozens of variables, some with names this project
  # uses for itself (GRPC_PORT, LOG_LEVEL), so none is inherited.
  start_server "$LOGS/weaviate.log" env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$STATE" \
    PERSISTENCE_DATA_PATH="$DATA" \
    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true \
    DEFAULT_VECTORIZER_MODULE=none \
    ENABLE_MODULES= \
    API_BASED_MODULES_DISABLED=true \
    QUERY_DEFAULTS_LIMIT=25 \
    DISABLE_TELEMETRY=true \
    GO_PROFILING_DISABLE=true \
    PROMETHEUS_MONITORING_ENABLED=false \
    LOG_LEVEL="$WEAVIATE_LOG_LEVEL" \
    GRPC_PORT="$WEAVIATE_GRPC_PORT" \
    CLUSTER_HOSTNAME="$NODE_NAME" \
    CLUSTER_IN_LOCALHOST=true \
    CLUSTER_BIND_ADDR="$TDA_BIND_HOST" \
    CLUSTER_ADVERTISE_ADDR="$TDA_BIND_HOST" \
    CLUSTER_GOSSIP_BIND_PORT="$WEAVIATE_GOSSIP_PORT" \
    CLUSTER_DATA_BIND_PORT="$WEAVIATE_DATA_PORT" \
    RAFT_PORT="$WEAVIATE_RAFT_PORT" \
    RAFT_INTERNAL_RPC_PORT="$WEAVIATE_RAFT_RPC_PORT" \
    RAFT_BOOTSTRAP_EXPECT=1 \
    RAFT_TIMEOUTS_MULTIPLIER=1 \
    "$BIN" --host "$TDA_BIND_HOST" --port "$WEAVIATE_PORT" --scheme http ||
    die "Weaviate did not start"
  record_started weaviate
  log "started pid $SERVER_PID on $ADDR in $(($(now_s) - t0))s"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 60
}

cmd_status() {
  local pid port
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    port=$(serving_port "$pid")
    if [[ "$port" != "$WEAVIATE_PORT" ]]; then
      log "running: pid $pid on $TDA_BIND_HOST:${port:-?}, not $ADDR (started by these scripts)"
      return 0
    fi
  fi
  server_status "$WEAVIATE_PORT" "$NOT_READY" ", gRPC :$WEAVIATE_GRPC_PORT"
}

usage_main "$@"
