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

weaviate_ready() { [[ "$(http_status /v1/.well-known/ready)" == 200 ]]; }

# serving_port PID — the REST port on the command line of our server PID.
serving_port() {
  local args
  args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 0
  [[ "$args" =~ --port\ ([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

# go_env — the Go caches live under the cache dir; never download another toolchain.
go_env() {
  env GOPATH="$GO_HOME/path" GOMODCACHE="$GO_HOME/mod" GOCACHE="$GO_HOME/build" \
    GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -trimpath" "$@"
}

# ensure_binary — build weaviate-server into $BIN unless it is there already.
ensure_binary() {
  [[ -x "$BIN" ]] && return 0
  local t0 gobin json moddir need have buildlog="$WEAVIATE_HOME/logs/build.log"
  t0=$(now_s)
  command -v "$GO" >/dev/null 2>&1 ||
    die "no Go toolchain ('$GO' not on PATH); Weaviate $WEAVIATE_VERSION is built from source with Go"
  mkdir -p "$GO_HOME" "$WEAVIATE_HOME/bin" "$WEAVIATE_HOME/logs"
  : >"$buildlog"

  log "downloading the $WEAVIATE_MODULE@v$WEAVIATE_VERSION module (log: $buildlog)"
  json=$(go_env "$GO" mod download -json "$WEAVIATE_MODULE@v$WEAVIATE_VERSION" 2>>"$buildlog") || {
    printf '%s\n' "$json" >>"$buildlog"
    tail -n 30 "$buildlog" >&2
    die "go mod download $WEAVIATE_MODULE@v$WEAVIATE_VERSION failed"
  }
  moddir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -d "$moddir" ]] || die "go mod download did not report the module directory"
  need=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$moddir/go.mod")
  have=$(go_env "$GO" env GOVERSION)
  have=${have#go}
  if [[ -n "$need" && "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]]; then
    die "Weaviate $WEAVIATE_VERSION needs Go >= $need (its go.mod); '$GO' is go$have"
  fi

  log "building weaviate-server $WEAVIATE_VERSION with go$have (takes minutes the first time)"
  gobin="$WEAVIATE_HOME/bin/.build.$$"
  rm -rf "$gobin"
  mkdir -p "$gobin"
  if ! go_env GOBIN="$gobin" "$GO" install -ldflags='-s -w' \
    "$WEAVIATE_MODULE/cmd/weaviate-server@v$WEAVIATE_VERSION" >>"$buildlog" 2>&1; then
    log "go install failed; trying go build inside the downloaded module"
    (cd "$moddir" && go_env "$GO" build -ldflags='-s -w' -o "$gobin/weaviate-server" \
      ./cmd/weaviate-server) >>"$buildlog" 2>&1 || {
      rm -rf "$gobin"
      tail -n 40 "$buildlog" >&2
      die "could not build weaviate-server $WEAVIATE_VERSION (log: $buildlog)"
    }
  fi
  mv -f "$gobin/weaviate-server" "$BIN"
  rm -rf "$gobin"
  log "built $BIN ($(du -h "$BIN" | cut -f1)) in $(($(now_s) - t0))s"
}

show_log_tail() {
  [[ -s "$LOGS/weaviate.log" ]] || return 0
  printf -- '----- last lines of %s -----\n' "$LOGS/weaviate.log" >&2
  tail -n 40 "$LOGS/weaviate.log" >&2
}

wait_ready() {
  local pid=${1:-}
  TDA_WAIT_PID="$pid" wait_until "$WEAVIATE_START_TIMEOUT" 0.5 weaviate_ready
}

cmd_start() {
  local pid t0 port name port_var
  t0=$(now_s)
  mkdir -p "$WEAVIATE_HOME" "$STATE" "$DATA" "$LOGS"
  # A cold build takes minutes, so another start may hold the lock for up to an hour.
  take_start_lock "$STATE" $((WEAVIATE_START_TIMEOUT + 3600))
  if reuse_listening "$WEAVIATE_PORT" "$WEAVIATE_START_TIMEOUT" weaviate_ready \
    "/v1/.well-known/ready does not answer 200"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    port=$(serving_port "$pid")
    if [[ "$port" != "$WEAVIATE_PORT" ]]; then
      die "our Weaviate (pid $pid) serves port ${port:-?}, not $WEAVIATE_PORT; stop it first (one server per state dir)"
    fi
    log "our Weaviate (pid $pid) is running but $ADDR is closed; waiting for it"
    wait_ready "$pid" || {
      show_log_tail
      die "Weaviate pid $pid does not answer on $ADDR"
    }
    log "reusing Weaviate pid $pid on $ADDR"
    return 0
  fi
  for name in GRPC GOSSIP DATA RAFT RAFT_RPC; do
    port_var="WEAVIATE_${name}_PORT"
    port=${!port_var}
    if port_open "$TDA_BIND_HOST" "$port"; then
      die "port $port (WEAVIATE_${name}_PORT) is taken by another process; set WEAVIATE_${name}_PORT"
    fi
  done

  ensure_binary

  log "starting $WEAVIATE_VERSION on $ADDR (gRPC :$WEAVIATE_GRPC_PORT, data in $DATA, log $LOGS/weaviate.log)"
  rm -f "$PIDFILE" # stale: no live server of ours (checked above, under the lock)
  # RAFT_TIMEOUTS_MULTIPLIER=1: a lone loopback node needs no slack for network delays; with
  # Weaviate's default (5) the node waits ~7 s for a heartbeat before electing itself.
  # A clean environment: Weaviate reads dozens of variables, some with names this project
  # uses for itself (GRPC_PORT, LOG_LEVEL), so none is inherited.
  nohup env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$STATE" \
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
    "$BIN" --host "$TDA_BIND_HOST" --port "$WEAVIATE_PORT" --scheme http \
    >"$LOGS/weaviate.log" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"

  if ! wait_ready "$pid"; then
    if kill -0 "$pid" 2>/dev/null; then
      log "not ready on $ADDR after ${WEAVIATE_START_TIMEOUT}s; stopping pid $pid"
      stop_pid "$PIDFILE" "$PID_PATTERN" 30 || true
    else
      rm -f "$PIDFILE"
      log "weaviate-server $pid exited during startup"
    fi
    show_log_tail
    die "Weaviate did not start"
  fi
  record_started weaviate
  log "started pid $pid on $ADDR in $(($(now_s) - t0))s"
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
    elif weaviate_ready; then
      log "running: pid $pid on $ADDR, gRPC :$WEAVIATE_GRPC_PORT (started by these scripts)"
    else
      log "starting or unhealthy: pid $pid, $ADDR is not ready"
    fi
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$WEAVIATE_PORT"; then
    if weaviate_ready; then
      log "running on $ADDR (not started by these scripts)"
    else
      log "$ADDR is open but /v1/.well-known/ready does not answer 200 (not started by these scripts)"
    fi
    return 0
  fi
  log "stopped ($ADDR closed)"
  return 3
}

usage_main "$@"
