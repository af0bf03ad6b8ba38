# shellcheck shell=bash
#
# services/lib.sh — shared helpers for the local service launchers (kafka.sh, redis.sh,
# postgres.sh, up.sh, down.sh). Sourced, never run. Provides:
#   - the cache dir (everything downloaded or generated lives there, outside the repo):
#       TDA_CACHE_DIR, default $HOME/.cache/test-data-agent
#   - logging on stderr prefixed with the service name (set TDA_SERVICE before sourcing)
#   - port probing and generic wait-until-true with a deadline
#   - pid-file handling: is our process alive, stop it and wait for it to exit
#   - apt installs that never start the distro's init/systemd service
#   - recording which services a call actually started (TDA_RECORD_FILE)
#
# Environment honoured here:
#   TDA_CACHE_DIR    cache root (default: $HOME/.cache/test-data-agent)
#   TDA_RECORD_FILE  if set, `record_started NAME` appends NAME to this file
#   TDA_BIND_HOST    loopback address services bind to (default 127.0.0.1)

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
