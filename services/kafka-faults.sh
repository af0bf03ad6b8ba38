#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/kafka-faults.sh {start|stop|kill|status} — a third local Kafka 3.9.1 broker, plain
# like kafka.sh's, that tests stop or kill on purpose (Kafka down at a request's start or in
# the middle of one) without disturbing the broker every other test shares. Not part of up.sh;
# tests start and stop it with `testing.stack.service_started("kafka-faults", ...)`.
#
# KRaft combined mode (broker + controller in one JVM), like kafka.sh:
#   PLAINTEXT://127.0.0.1:$KAFKA_FAULTS_PORT (9292)             clients
#   CONTROLLER://127.0.0.1:$KAFKA_FAULTS_CONTROLLER_PORT (9293)  KRaft controller
#
#   start   Reuses whatever already listens on 127.0.0.1:$KAFKA_FAULTS_PORT if it answers a
#           Metadata request. Otherwise uses the broker jars that kafka.sh resolved (resolved
#           here the same way when missing), formats the storage once, starts the broker in
#           the background and blocks until it serves clients (up to $KAFKA_START_TIMEOUT s).
#           After a `kill` it starts again on the same data (the log is recovered).
#   stop    Stops the broker these scripts started (SIGTERM: a controlled shutdown) and waits.
#   kill    SIGKILLs the broker these scripts started, as a crash would, and waits for it to
#           be gone: its port is closed when this returns.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
# What it shares with kafka.sh is in kafka-common.sh; this script states what differs.
#
# State under $TDA_CACHE_DIR/kafka-faults/: data/, logs/, server.properties, kafka.pid.
#
# Environment:
#   TDA_CACHE_DIR                  cache root (default $HOME/.cache/test-data-agent)
#   KAFKA_FAULTS_PORT              PLAINTEXT listener on 127.0.0.1 (default 9292)
#   KAFKA_FAULTS_CONTROLLER_PORT   KRaft controller listener on 127.0.0.1 (default 9293)
#   KAFKA_START_TIMEOUT            seconds to wait for the broker to answer (default 90)
#   KAFKA_FAULTS_HEAP_OPTS         JVM heap flags (default "-Xms128m -Xmx512m")
#   KAFKA_OPTS                     extra JVM flags
#   TDA_RECORD_FILE                if set, "kafka-faults" is appended to it when this call started it
#   JAVA_HOME                      JDK to use (default: java on PATH)
set -euo pipefail

TDA_SERVICE=kafka-faults
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The jars are kafka.sh's (same version, same pom); only the state is this broker's own.
KAFKA_VERSION=3.9.1
BROKER_PORT="${KAFKA_FAULTS_PORT:-9292}"
CONTROLLER_PORT="${KAFKA_FAULTS_CONTROLLER_PORT:-9293}"
CONTROLLER_PORT_VAR=KAFKA_FAULTS_CONTROLLER_PORT
BROKER_HEAP_OPTS="${KAFKA_FAULTS_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_CLUSTER_ID=Fa1tsBr0kerTdaC1usterA
KAFKA_STATE="$TDA_CACHE_DIR/kafka-faults"
LISTENER=PLAINTEXT
LISTENER_NOTE=PLAINTEXT
BROKER_TITLE="the faults Kafka broker"
NOT_READY="does not answer Kafka requests"
# shellcheck source=kafka-common.sh
source "$TDA_SERVICES_DIR/kafka-common.sh"

server_ready() { metadata_ready; }

broker_config() {
  cat <<'EOF'
# A broker tests kill: keep an hour of data, and start again quickly after a kill.
log.retention.hours=1
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=2
EOF
}

ensure_formatted() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  log "formatting storage in $DATA (cluster id $KAFKA_CLUSTER_ID)"
  format_storage --ignore-formatted
}

cmd_kill() {
  local pid
  if ! pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "not started by these scripts (no live pid in $PIDFILE); nothing to kill"
    return 0
  fi
  log "killing pid $pid (SIGKILL)"
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 10 0.1 _pid_gone "$pid" || die "pid $pid survived SIGKILL"
  rm -f "$PIDFILE"
  log "killed"
}

case "${1:-}" in
  kill) cmd_kill ;;
  *) usage_main "$@" ;;
esac
