#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/postgres.sh {start|stop|status} — a local PostgreSQL server without Docker, for the
# tests that execute the SQL output (tests/integration/test_sql_postgres.py).
#
#   start   Reuses whatever already answers on 127.0.0.1:$POSTGRES_PORT (and creates the test
#           database there when it can). Otherwise installs PostgreSQL from apt when `initdb` is
#           missing (the distro's cluster and init/systemd service are never started or used),
#           creates our own cluster once (initdb, UTF8, C locale, trust auth for 127.0.0.0/8
#           only), starts it with pg_ctl listening on 127.0.0.1:$POSTGRES_PORT only (no Unix
#           socket), waits until `pg_isready` answers (up to $POSTGRES_START_TIMEOUT s) and
#           creates the database $POSTGRES_DB when it does not exist.
#   stop    Stops the server these scripts started (fast shutdown: open sessions are ended).
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# PostgreSQL refuses to run as root. Run as root, the server runs as the OS user
# $POSTGRES_OS_USER (default postgres, created by the apt package), which owns the data dir.
#
# Files: $TDA_CACHE_DIR/postgres/ holds postgres.log, initdb.log and the data dir. When the
# server's user cannot reach the cache dir (root's home is usually mode 700), the data dir lives
# in /var/tmp/test-data-agent-postgres-<hash of the cache dir>/ instead and
# $TDA_CACHE_DIR/postgres/data is a symlink to it.
#
# Environment:
#   TDA_CACHE_DIR           cache root (default $HOME/.cache/test-data-agent)
#   POSTGRES_PORT           port on 127.0.0.1 (default 5432)
#   POSTGRES_DB             test database created on start (default test_data_agent)
#   POSTGRES_SUPERUSER      database superuser of our cluster (default postgres)
#   POSTGRES_OS_USER        OS user the server runs as when started by root (default postgres)
#   POSTGRES_DATA_DIR       data dir (default: see Files above)
#   POSTGRES_START_TIMEOUT  seconds to wait for pg_isready (default 60)
#   TDA_RECORD_FILE         if set, "postgres" is appended to it when this call started the server
set -euo pipefail

TDA_SERVICE=postgres
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POSTGRES_PORT="${POSTGRES_PORT:-5432}"
POSTGRES_DB="${POSTGRES_DB:-test_data_agent}"
POSTGRES_SUPERUSER="${POSTGRES_SUPERUSER:-postgres}"
POSTGRES_OS_USER="${POSTGRES_OS_USER:-postgres}"
POSTGRES_START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
PG_HOME="$TDA_CACHE_DIR/postgres"
LOGFILE="$PG_HOME/postgres.log"
ADDR="$TDA_BIND_HOST:$POSTGRES_PORT"
BINDIR=""

[[ "$POSTGRES_DB" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
  die "POSTGRES_DB must be a plain identifier (letters, digits, _), not '$POSTGRES_DB'"

# pg_bindir — print the directory holding initdb/pg_ctl/postgres: Debian's versioned
# /usr/lib/postgresql/<ver>/bin (newest first), else wherever `initdb` is on PATH.
pg_bindir() {
  local dir found
  found=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null |
    sort -V | tail -n 1) || true
  if [[ -n "$found" ]]; then
    dirname "$found"
    return 0
  fi
  if found=$(command -v initdb 2>/dev/null); then
    dir=$(dirname "$(readlink -f "$found")")
    [[ -x "$dir/pg_ctl" && -x "$dir/postgres" ]] && printf '%s\n' "$dir" && return 0
  fi
  return 1
}

ensure_installed() {
  if ! BINDIR=$(pg_bindir); then
    apt_install postgresql
    BINDIR=$(pg_bindir) || die "PostgreSQL installed, but no initdb under /usr/lib/postgresql"
  fi
  if [[ $(id -u) -eq 0 ]] && ! id -u "$POSTGRES_OS_USER" >/dev/null 2>&1; then
    log "creating system user $POSTGRES_OS_USER"
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin \
      "$POSTGRES_OS_USER"
  fi
}

# client TOOL — path of a client program (pg_isready, psql): ours when known, else PATH.
client() {
  local dir
  dir=${BINDIR:-$(pg_bindir 2>/dev/null || true)}
  if [[ -n "$dir" && -x "$dir/$1" ]]; then
    printf '%s\n' "$dir/$1"
  else
    command -v "$1"
  fi
}

# as_server CMD... — run CMD as the server's OS user (ourselves unless we are root), from /.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u "$POSTGRES_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# data_dir — print the data dir: $POSTGRES_DATA_DIR; else where $PG_HOME/data points (the
# choice made at initdb time); else $PG_HOME/data when the server's user can reach it; else a
# folder in /var/tmp named after the cache dir.
data_dir() {
  local hash
  if [[ -n "${POSTGRES_DATA_DIR:-}" ]]; then
    printf '%s\n' "$POSTGRES_DATA_DIR"
  elif [[ -L "$PG_HOME/data" ]]; then
    readlink "$PG_HOME/data"
  elif [[ $(id -u) -ne 0 || -d "$PG_HOME/data" ]] ||
    as_server test -x "$PG_HOME" >/dev/null 2>&1; then
    printf '%s\n' "$PG_HOME/data"
  else
    hash=$(printf '%s' "$TDA_CACHE_DIR" | md5sum | cut -c1-12)
    printf '%s\n' "/var/tmp/test-data-agent-postgres-$hash/data"
  fi
}

# resolve_paths — set PGDATA_DIR, PIDFILE and PID_PATTERN (again once the OS user exists).
resolve_paths() {
  PGDATA_DIR=$(data_dir)
  PIDFILE="$PGDATA_DIR/postmaster.pid"
  # The postmaster keeps its command line (`postgres -D <data dir> ...`); children rename theirs.
  PID_PATTERN="-D $PGDATA_DIR"
}
mkdir -p "$PG_HOME"
resolve_paths

pg_ready() {
  local isready
  isready=$(client pg_isready) || return 1
  "$isready" -q -h "$TDA_BIND_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d postgres -t 2
}

# ensure_database — create $POSTGRES_DB when missing (quietly false when we may not).
ensure_database() {
  local psql exists
  psql=$(client psql) || return 1
  exists=$("$psql" -X -q -t -A -h "$TDA_BIND_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" \
    -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" 2>/dev/null) ||
    return 1
  [[ "$exists" == 1 ]] && return 0
  log "creating database $POSTGRES_DB"
  "$psql" -X -q -h "$TDA_BIND_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d postgres \
    -c "CREATE DATABASE \"$POSTGRES_DB\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
}

# init_cluster — initdb once: UTF8, C locale, trust for loopback TCP only.
init_cluster() {
  local parent initlog="$PG_HOME/initdb.log"
  parent=$(dirname "$PGDATA_DIR")
  mkdir -p "$parent"
  if [[ "$PGDATA_DIR" != "$PG_HOME/data" && -z "${POSTGRES_DATA_DIR:-}" ]]; then
    ln -sfn "$PGDATA_DIR" "$PG_HOME/data" # remembers the choice (see data_dir)
  fi
  if [[ -n "${POSTGRES_DATA_DIR:-}" ]]; then
    [[ ! -e "$PGDATA_DIR" ]] || [[ -d "$PGDATA_DIR" && -z "$(ls -A "$PGDATA_DIR")" ]] ||
      die "POSTGRES_DATA_DIR=$PGDATA_DIR is neither empty nor a PostgreSQL data dir"
  fi
  rm -rf "$PGDATA_DIR" # ours, from an initdb that did not finish (no PG_VERSION yet)
  mkdir -m 700 "$PGDATA_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown "$POSTGRES_OS_USER:" "$PGDATA_DIR"
  fi
  log "initdb $PGDATA_DIR (log $initlog)"
  as_server "$BINDIR/initdb" -D "$PGDATA_DIR" -U "$POSTGRES_SUPERUSER" -E UTF8 --no-locale \
    --auth=trust >"$initlog" 2>&1 9>&- </dev/null || {
    show_tail 20 "$initlog"
    die "initdb failed"
  }
  # Only TCP from loopback, no password: a throwaway test server.
  # shellcheck disable=SC2016  # $1 expands in the child shell
  as_server sh -c 'cat >"$1/pg_hba.conf"' _ "$PGDATA_DIR" <<'EOF'
# Written by services/postgres.sh: trust, but only for TCP from loopback.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.0/8   trust
EOF
}

cmd_start() {
  local pid t0
  t0=$(now_s)
  take_start_lock "$PG_HOME" 600
  if reuse_listening "$POSTGRES_PORT" "$POSTGRES_START_TIMEOUT" pg_ready \
    "pg_isready says it does not accept connections"; then
    ensure_database || log "WARNING: could not check or create database $POSTGRES_DB on $ADDR"
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    die "our postgres (pid $pid) runs but $ADDR is closed; run '$0 stop' first"
  fi
  ensure_installed
  resolve_paths
  if [[ ! -s "$PGDATA_DIR/PG_VERSION" ]]; then init_cluster; fi

  log "starting on $ADDR (data $PGDATA_DIR, log $LOGFILE)"
  # pg_ctl detaches the server (own session); its stderr goes to our log, opened by this shell.
  if ! as_server "$BINDIR/pg_ctl" start -D "$PGDATA_DIR" -w -t "$POSTGRES_START_TIMEOUT" -s \
    -o "-c listen_addresses=$TDA_BIND_HOST -p $POSTGRES_PORT -c unix_socket_directories=''" \
    -o "-c synchronous_commit=off" >>"$LOGFILE" 2>&1 9>&- </dev/null; then
    show_tail 20 "$LOGFILE"
    die "pg_ctl start failed"
  fi
  pid=$(our_pid "$PIDFILE" "$PID_PATTERN") || {
    show_tail 20 "$LOGFILE"
    die "postgres started but no live postmaster matches $PIDFILE"
  }
  if ! TDA_WAIT_PID="$pid" wait_until "$POSTGRES_START_TIMEOUT" 0.1 pg_ready; then
    cmd_stop || true
    show_tail 20 "$LOGFILE"
    die "postgres did not accept connections within ${POSTGRES_START_TIMEOUT}s"
  fi
  ensure_database || {
    cmd_stop || true
    die "could not create database $POSTGRES_DB"
  }
  record_started postgres
  log "started pid $pid on $ADDR in $(($(now_s) - t0))s (database $POSTGRES_DB)"
}

cmd_stop() {
  local pid
  if ! pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "not started by these scripts (no live postmaster for $PGDATA_DIR); nothing to stop"
    return 0
  fi
  log "stopping pid $pid"
  BINDIR=${BINDIR:-$(pg_bindir)}
  # Fast shutdown: roll back open transactions and end sessions instead of waiting for them.
  if ! as_server "$BINDIR/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t 30 -s >>"$LOGFILE" 2>&1; then
    log "pg_ctl stop failed; signalling pid $pid"
    kill -INT "$pid" 2>/dev/null || true
    if ! wait_until 30 0.2 _pid_gone "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 10 0.2 _pid_gone "$pid" || die "pid $pid survived SIGKILL"
    fi
  fi
  log "stopped"
}

cmd_status() {
  local pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "running: pid $pid on $ADDR (started by these scripts, data $PGDATA_DIR)"
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$POSTGRES_PORT"; then
    log "running on $ADDR (not started by these scripts)"
    return 0
  fi
  log "stopped ($ADDR closed)"
  return 3
}

usage_main "$@"
