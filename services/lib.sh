# shellcheck shell=bash
#
# services/lib.sh — shared helpers for the local service launchers (kafka.sh, kafka-sasl.sh,
# redis.sh, postgres.sh, weaviate.sh, zipkin.sh, compose.sh, grpcurl.sh, up.sh, down.sh).
# Sourced, never run. Provides:
#   - the cache dir (everything downloaded or generated lives there, outside the repo):
#       TDA_CACHE_DIR, default $HOME/.cache/test-data-agent
#   - logging on stderr prefixed with the service name (set TDA_SERVICE before sourcing)
#   - port probing and generic wait-until-true with a deadline
#   - pid-file handling: is our process alive, stop it and wait for it to exit
#   - apt installs that never start the distro's init/systemd service
#   - recording which services a call actually started (TDA_RECORD_FILE)
#   - servers this script runs in the background itself (a JVM, weaviate-server): start one and
#     wait until it is ready, stopping it and showing its log on failure; report its status
#   - a Java runtime; Go module binaries built into the cache dir
#
# Environment honoured here:
#   TDA_CACHE_DIR    cache root (default: $HOME/.cache/test-data-agent)
#   TDA_RECORD_FILE  if set, `record_started NAME` appends NAME to this file
#   TDA_BIND_HOST    loopback address services bind to (default 127.0.0.1)
#   JAVA_HOME        JDK to use (default: java on PATH)

# shellcheck disable=SC2034  # used by the scripts that source this file
TDA_SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TDA_CACHE_DIR="${TDA_CACHE_DIR:-${HOME:-/root}/.cache/test-data-agent}"
TDA_BIND_HOST="${TDA_BIND_HOST:-127.0.0.1}"
TDA_SERVICE="${TDA_SERVICE:-services}"
export TDA_CACHE_DIR

log() { printf '%s: %s\n' "$TDA_SERVICE" "$*" >&2; }
die() {
  printf '%s: ERROR: %s\n' "$TDA_SERVICE" "$*" >&2
  exit 1
}

# now_s — seconds since the epoch (integer).
now_s() { date +%s; }

# port_open HOST PORT — true when a TCP connect to HOST:PORT succeeds (1 s timeout).
port_open() {
  # shellcheck disable=SC2016  # $1/$2 expand in the child shell
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# wait_until TIMEOUT_S INTERVAL_S CMD... — run CMD until it succeeds; false after TIMEOUT_S.
# If TDA_WAIT_PID is set and that process dies meanwhile, give up at once.
wait_until() {
  local timeout_s=$1 interval=$2 deadline
  shift 2
  deadline=$(($(now_s) + timeout_s))
  while :; do
    if "$@"; then return 0; fi
    if [[ -n "${TDA_WAIT_PID:-}" ]] && ! kill -0 "$TDA_WAIT_PID" 2>/dev/null; then
      return 1
    fi
    if (($(now_s) >= deadline)); then return 1; fi
    sleep "$interval"
  done
}

# read_pid PIDFILE — print the pid stored in PIDFILE (empty if absent/garbled).
read_pid() {
  local pid=""
  if [[ -f "$1" ]]; then read -r pid <"$1" 2>/dev/null || true; fi
  [[ "$pid" =~ ^[0-9]+$ ]] && printf '%s' "$pid"
  return 0
}

# pid_matches PID PATTERN — the process exists and its command line contains PATTERN
# (guards against a recycled pid belonging to something else).
pid_matches() {
  local pid=$1 pattern=$2 cmdline
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$pattern"* ]]
}

# our_pid PIDFILE PATTERN — print the pid from PIDFILE if that process is alive and
# matches PATTERN; false when none is running. Never deletes the file: a daemon may be
# writing it at this very moment (stop_pid clears stale ones).
our_pid() {
  local pidfile=$1 pattern=$2 pid
  pid=$(read_pid "$pidfile")
  if pid_matches "$pid" "$pattern"; then
    printf '%s' "$pid"
    return 0
  fi
  return 1
}

# stop_pid PIDFILE PATTERN TIMEOUT_S — SIGTERM our process, wait for it to exit, SIGKILL
# after TIMEOUT_S. Does nothing (returns 0) when no process of ours is recorded.
stop_pid() {
  local pidfile=$1 pattern=$2 timeout_s=$3 pid
  if ! pid=$(our_pid "$pidfile" "$pattern"); then
    rm -f "$pidfile"
    log "not started by these scripts (no live pid in $pidfile); nothing to stop"
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$timeout_s" 0.2 _pid_gone "$pid"; then
    log "pid $pid still alive after ${timeout_s}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 0.2 _pid_gone "$pid" || die "pid $pid survived SIGKILL"
  fi
  rm -f "$pidfile"
  log "stopped"
}
_pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# show_tail N FILE... — the last N lines of each FILE that is not empty, on stderr, each under
# a header naming it.
show_tail() {
  local n=$1 f
  shift
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n "$n" "$f" >&2
  done
}

# take_start_lock DIR TIMEOUT_S — one start of this service at a time (parallel make targets,
# several terminals); held on fd 9 until the script exits.
take_start_lock() {
  exec 9>"$1/.start.lock"
  flock -w "$2" 9 || die "could not take $1/.start.lock"
}

# reuse_listening PORT TIMEOUT_S READY WHAT — when something listens on PORT: reuse it if READY
# succeeds within TIMEOUT_S, otherwise die saying it "WHAT". False when nothing listens.
# Uses PIDFILE/PID_PATTERN to say whether the server is ours.
reuse_listening() {
  local port=$1 timeout_s=$2 ready=$3 what=$4 pid
  port_open "$TDA_BIND_HOST" "$port" || return 1
  # shellcheck disable=SC2153  # PIDFILE and PID_PATTERN are set by the sourcing script
  pid=$(our_pid "$PIDFILE" "$PID_PATTERN") || pid=""
  TDA_WAIT_PID="$pid" wait_until "$timeout_s" 0.2 "$ready" ||
    die "something listens on $TDA_BIND_HOST:$port but $what within ${timeout_s}s"
  log "reusing the server already listening on $TDA_BIND_HOST:$port${pid:+ (pid $pid)}"
}

# as_root CMD... — run CMD as root (directly, or through passwordless sudo).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "need root to run: $* (install it yourself, or run as root)"
  fi
}

# apt_install PKG... — install Debian packages non-interactively. Runs `apt-get update`
# only when a package is unknown to apt's lists. While installing, a policy-rc.d that
# refuses all service starts is in place (unless one exists already), so the distro's
# init/systemd service is never started: our scripts run their own processes.
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* yourself"
  local pkg need_update=0 policy=/usr/sbin/policy-rc.d made_policy=0 rc=0 aptlog
  mkdir -p "$TDA_CACHE_DIR"
  aptlog="$TDA_CACHE_DIR/apt.log"
  for pkg in "$@"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then need_update=1; fi
  done
  if ((need_update)); then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$aptlog" 2>&1 || {
      tail -n 20 "$aptlog" >&2
      die "apt-get update failed (log: $aptlog)"
    }
  fi
  if [[ ! -e "$policy" ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    made_policy=1
  fi
  log "apt-get install -y $* (log: $aptlog)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "$@" >>"$aptlog" 2>&1 || rc=$?
  if ((made_policy)); then as_root rm -f "$policy"; fi
  if ((rc != 0)); then
    tail -n 20 "$aptlog" >&2
    die "apt-get install $* failed (exit $rc, log: $aptlog)"
  fi
}

# record_started NAME — note that this call started NAME (for down.sh FILE).
record_started() {
  if [[ -n "${TDA_RECORD_FILE:-}" ]]; then
    mkdir -p "$(dirname "$TDA_RECORD_FILE")"
    printf '%s\n' "$1" >>"$TDA_RECORD_FILE"
  fi
}

# usage_main "$@" — common dispatch for {start|stop|status}; the sourcing script defines
# cmd_start, cmd_stop and cmd_status.
usage_main() {
  case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
      printf 'usage: %s {start|stop|status}\n' "$(basename "$0")" >&2
      exit 2
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Servers these scripts run in the background themselves (kafka.sh, kafka-sasl.sh, zipkin.sh,
# weaviate.sh). Besides PIDFILE and PID_PATTERN, such a script sets
#   SERVER_NAME     how messages name the server ("broker", "Zipkin", "Weaviate")
#   SERVER_WHERE    where it serves, as messages show it (127.0.0.1:9092, http://127.0.0.1:9411)
#   SERVER_TIMEOUT  seconds it gets to become ready
#   SERVER_LOGS     (array) its log files, whose last lines are shown when it fails
# and defines server_ready: true once the server serves requests.

# wait_ready [PID] — wait up to $SERVER_TIMEOUT s for server_ready; give up at once if PID dies.
wait_ready() {
  TDA_WAIT_PID="${1:-}" wait_until "$SERVER_TIMEOUT" 0.5 server_ready
}

show_log_tails() { show_tail 40 "${SERVER_LOGS[@]}"; }

# reuse_ours — when our server (live pid in $PIDFILE) runs although its port is closed, wait
# for it to become ready and reuse it; die, showing the log tails, when it never does. False
# when no server of ours runs.
reuse_ours() {
  local pid
  pid=$(our_pid "$PIDFILE" "$PID_PATTERN") || return 1
  log "our $SERVER_NAME (pid $pid) is running but $SERVER_WHERE is closed; waiting for it"
  wait_ready "$pid" || {
    show_log_tails
    die "$SERVER_NAME pid $pid does not answer on $SERVER_WHERE"
  }
  log "reusing $SERVER_NAME pid $pid on $SERVER_WHERE"
}

# start_server LOG CMD... — run CMD in the background, detached from this shell (nohup, stdin
# from /dev/null, stdout and stderr to LOG, without the start lock on fd 9), write its pid to
# $PIDFILE and to SERVER_PID, and wait until it is ready. False when it is not ready within
# $SERVER_TIMEOUT s: it is stopped by then (or noted as exited) and the log tails are shown.
start_server() {
  local out=$1
  shift
  nohup "$@" >"$out" 2>&1 </dev/null 9>&- &
  SERVER_PID=$!
  printf '%s\n' "$SERVER_PID" >"$PIDFILE"
  wait_ready "$SERVER_PID" && return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "no answer on $SERVER_WHERE after ${SERVER_TIMEOUT}s; stopping pid $SERVER_PID"
    stop_pid "$PIDFILE" "$PID_PATTERN" 30 || true
  else
    rm -f "$PIDFILE"
    log "$SERVER_NAME process $SERVER_PID exited during startup"
  fi
  show_log_tails
  return 1
}

# server_status PORT NOT_READY [DETAIL] — what cmd_status reports: exit 0 when something serves
# PORT (saying whether it is ours, and whether it is ready), 3 when nothing does. NOT_READY
# says what a server that is not ready fails to do ("does not answer Kafka requests"); DETAIL
# is added after $SERVER_WHERE when our server is ready.
server_status() {
  local port=$1 not_ready=$2 detail=${3:-} pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    if server_ready; then
      log "running: pid $pid on $SERVER_WHERE$detail (started by these scripts)"
    else
      log "starting or unhealthy: pid $pid, $SERVER_WHERE $not_ready yet"
    fi
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$port"; then
    if server_ready; then
      log "running on $SERVER_WHERE (not started by these scripts)"
    else
      log "$SERVER_WHERE is open but $not_ready (not started by these scripts)"
    fi
    return 0
  fi
  log "stopped ($SERVER_WHERE closed)"
  return 3
}

# ---------------------------------------------------------------------------------------------
# Java (kafka.sh, kafka-sasl.sh, zipkin.sh)

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java || true
  fi
}

# ensure_java — a Java runtime (openjdk-17-jre-headless from apt when there is none).
ensure_java() {
  if [[ -z "$(java_bin)" ]]; then apt_install openjdk-17-jre-headless; fi
}

# ensure_java_version MIN WHO — ensure_java, and die unless it is Java MIN or newer (WHO needs it).
ensure_java_version() {
  local version
  ensure_java
  version=$("$(java_bin)" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  if ! [[ "$version" =~ ^[0-9]+$ ]] || ((version < $1)); then
    die "$2 needs Java $1 or newer; $(java_bin) is version ${version:-unknown} (set JAVA_HOME)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Go module binaries built into the cache dir (weaviate.sh, grpcurl.sh, compose.sh). The sourcing
# script sets GO (the go command), GO_HOME (GOPATH, module cache and build cache live under it)
# and, optionally, GO_EXTRA_FLAGS (added to GOFLAGS).

# go_env CMD... — run CMD with the Go caches under $GO_HOME and the local toolchain only (never
# downloads another), -trimpath and $GO_EXTRA_FLAGS added to GOFLAGS.
go_env() {
  env GOPATH="$GO_HOME/path" GOMODCACHE="$GO_HOME/mod" GOCACHE="$GO_HOME/build" \
    GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} ${GO_EXTRA_FLAGS:-} -trimpath" "$@"
}

# need_go WHAT — die unless $GO runs (WHAT is built from source with it).
need_go() {
  command -v "$GO" >/dev/null 2>&1 ||
    die "no Go toolchain ('$GO' not on PATH); $1 is built from source with Go"
}

# build_failed LOG MESSAGE — show the tail of the build log LOG and die with MESSAGE.
build_failed() {
  show_tail 40 "$1"
  die "$2 (log: $1)"
}

# go_download MODULE VERSION WHAT LOG — `go mod download` MODULE@vVERSION (output to LOG); set
# GO_MODDIR to its folder in the module cache (read-only) and GO_HAVE to the toolchain's version.
# Dies when the download fails or when the module's go.mod needs a newer Go (WHAT names it).
go_download() {
  local module=$1 version=$2 what=$3 buildlog=$4 json need
  log "downloading $module@v$version (log: $buildlog)"
  json=$(go_env "$GO" mod download -json "$module@v$version" 2>>"$buildlog") || {
    printf '%s\n' "$json" >>"$buildlog"
    build_failed "$buildlog" "go mod download $module@v$version failed"
  }
  GO_MODDIR=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [[ -d "$GO_MODDIR" ]] || build_failed "$buildlog" "go mod download did not report the module directory"
  need=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$GO_MODDIR/go.mod")
  GO_HAVE=$(go_env "$GO" env GOVERSION)
  GO_HAVE=${GO_HAVE#go}
  if [[ -n "$need" && "$(printf '%s\n%s\n' "$need" "$GO_HAVE" | sort -V | head -n1)" != "$need" ]]; then
    die "$what needs Go >= $need (its go.mod); '$GO' is go$GO_HAVE"
  fi
}

# go_install PACKAGE VERSION BIN LOG — `go install PACKAGE@vVERSION` (stripped; output appended
# to LOG) and move the command to BIN. False, leaving nothing behind, when it fails.
go_install() {
  local package=$1 version=$2 bin=$3 buildlog=$4 gobin
  gobin="$(dirname "$bin")/.build.$$"
  rm -rf "$gobin"
  mkdir -p "$gobin"
  if ! go_env GOBIN="$gobin" "$GO" install -ldflags='-s -w' "$package@v$version" \
    >>"$buildlog" 2>&1; then
    rm -rf "$gobin"
    return 1
  fi
  mv -f "$gobin/${package##*/}" "$bin"
  rm -rf "$gobin"
}

# log_built BIN T0 — say that BIN was built (its size, and the time since T0).
log_built() {
  log "built $1 ($(du -h "$1" | cut -f1)) in $(($(now_s) - $2))s"
}
