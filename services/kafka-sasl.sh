#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/kafka-sasl.sh {start|stop|status} — a second local Kafka 3.9.1 broker that only
# lets clients in with SASL/SCRAM-SHA-512, for the tests of the project's Kafka security
# settings (tests/integration/test_kafka_sasl.py starts and stops it). Not part of up.sh.
#
# KRaft combined mode (broker + controller in one JVM), like kafka.sh:
#   SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT (9192)  clients and the broker itself, SCRAM-SHA-512
#   CONTROLLER://127.0.0.1:$KAFKA_SASL_CONTROLLER_PORT (9193)  KRaft controller, PLAINTEXT
# KRaft keeps SCRAM credentials in its metadata log, so they are written when the storage is
# formatted (`kafka-storage format --add-scram 'SCRAM-SHA-512=[name=...,password=...]'`, KIP-900):
# the client user ($KAFKA_SASL_USER) and the user the broker authenticates as on its own
# inter-broker listener ($KAFKA_SASL_BROKER_USER). Changing any of them (or the cluster id)
# wipes this broker's data and formats it again at the next start. No authorizer: every
# authenticated user may do everything.
#
#   start   Reuses whatever already listens on 127.0.0.1:$KAFKA_SASL_PORT if it answers a SASL
#           handshake offering SCRAM-SHA-512. Otherwise uses the broker jars that kafka.sh
#           resolved ($TDA_CACHE_DIR/kafka-3.9.1/libs; resolved here the same way when
#           missing), writes server.properties, formats the storage once, starts the broker in
#           the background and blocks until it answers the handshake (which it does only once
#           it serves requests), up to $KAFKA_START_TIMEOUT s.
#   stop    Stops the broker these scripts started (pid file) and waits for it to exit.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# State under $TDA_CACHE_DIR/kafka-sasl/: data/, logs/ (server.log, kafka.out, format.log),
# server.properties, log4j.properties, kafka.pid, .format-spec.
#
# Environment:
#   TDA_CACHE_DIR                cache root (default $HOME/.cache/test-data-agent)
#   KAFKA_SASL_PORT              SASL_PLAINTEXT listener on 127.0.0.1 (default 9192)
#   KAFKA_SASL_CONTROLLER_PORT   KRaft controller listener on 127.0.0.1 (default 9193)
#   KAFKA_SASL_USER / KAFKA_SASL_PASSWORD                 client user (tda / tda-secret)
#   KAFKA_SASL_BROKER_USER / KAFKA_SASL_BROKER_PASSWORD   inter-broker user (broker / broker-secret)
#   KAFKA_START_TIMEOUT          seconds to wait for the broker to answer (default 90)
#   KAFKA_SASL_HEAP_OPTS         JVM heap flags (default "-Xms128m -Xmx512m")
#   KAFKA_OPTS                   extra JVM flags
#   TDA_RECORD_FILE              if set, "kafka-sasl" is appended to it when this call started it
#   KAFKA_SASL_CLUSTER_ID        cluster id used when formatting (default: fixed id)
#   JAVA_HOME                    JDK to use (default: java on PATH)
set -euo pipefail

TDA_SERVICE=kafka-sasl
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION=3.9.1
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9192}"
KAFKA_SASL_CONTROLLER_PORT="${KAFKA_SASL_CONTROLLER_PORT:-9193}"
KAFKA_SASL_USER="${KAFKA_SASL_USER:-tda}"
KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-tda-secret}"
KAFKA_SASL_BROKER_USER="${KAFKA_SASL_BROKER_USER:-broker}"
KAFKA_SASL_BROKER_PASSWORD="${KAFKA_SASL_BROKER_PASSWORD:-broker-secret}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_SASL_HEAP_OPTS="${KAFKA_SASL_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
KAFKA_CLUSTER_ID="${KAFKA_SASL_CLUSTER_ID:-WlHn2gwfS36dXnpcCxpaUQ}"

# The jars are kafka.sh's (same version, same pom); only the state is this broker's own.
JARS_HOME="$TDA_CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$JARS_HOME/libs"
POM_SRC="$TDA_SERVICES_DIR/kafka/pom.xml"
STATE="$TDA_CACHE_DIR/kafka-sasl"
DATA="$STATE/data"
LOGS="$STATE/logs"
CONF="$STATE/server.properties"
LOG4J="$STATE/log4j.properties"
SPEC="$STATE/.format-spec"
PIDFILE="$STATE/kafka.pid"
PID_PATTERN="kafka.Kafka $CONF"
ADDR="$TDA_BIND_HOST:$KAFKA_SASL_PORT"

# sasl_answers — the listener on $ADDR answers a SaslHandshake v1 request for SCRAM-SHA-512
# with no error. The broker's acceptors take requests only once it is started and unfenced,
# so an answer means it serves clients. Speaks the wire protocol over bash's /dev/tcp.
sasl_answers() {
  local hex
  { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$KAFKA_SASL_PORT"; } 2>/dev/null || return 1
  # size=28 | api_key=17 (SaslHandshake) | version=1 | correlation_id=1 | client_id="tda"
  # | mechanism="SCRAM-SHA-512"
  printf '\x00\x00\x00\x1c\x00\x11\x00\x01\x00\x00\x00\x01\x00\x03tda\x00\x0dSCRAM-SHA-512' \
    >&3 || true
  # response: size(4) | correlation_id(4) | error_code(2) | ...
  hex=$(timeout 5 head -c 10 <&3 2>/dev/null | od -An -v -tx1 | tr -d ' \n') || true
  exec 3<&- 3>&-
  [[ ${#hex} -eq 20 && ${hex:8:8} == 00000001 && ${hex:16:4} == 0000 ]]
}

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java || true
  fi
}

ensure_java() {
  if [[ -z "$(java_bin)" ]]; then apt_install openjdk-17-jre-headless; fi
}

libs_resolved() {
  [[ -f "$LIBS/.resolved" && "$(cat "$LIBS/.resolved")" == "$(sha256sum "$POM_SRC" | cut -d' ' -f1)" ]]
}

# ensure_libs — kafka.sh's jars; when they are missing, resolve them the way kafka.sh does,
# holding kafka.sh's start lock (fd 8) so that the two never resolve into $LIBS at once.
ensure_libs() {
  local sum tmp t0
  libs_resolved && return 0
  mkdir -p "$JARS_HOME/logs"
  exec 8>"$JARS_HOME/.start.lock"
  flock -w $((KAFKA_START_TIMEOUT + 600)) 8 || die "could not take $JARS_HOME/.start.lock"
  if ! libs_resolved; then
    t0=$(now_s)
    if ! command -v mvn >/dev/null 2>&1; then apt_install maven; fi
    log "resolving Kafka $KAFKA_VERSION jars from Maven Central (log: $JARS_HOME/logs/maven.log)"
    cp "$POM_SRC" "$JARS_HOME/pom.xml"
    tmp="$JARS_HOME/libs.tmp"
    rm -rf "$tmp"
    if ! mvn -q -B -f "$JARS_HOME/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$JARS_HOME/logs/maven.log" 2>&1; then
      tail -n 30 "$JARS_HOME/logs/maven.log" >&2
      die "maven could not resolve the Kafka jars (see $JARS_HOME/logs/maven.log)"
    fi
    sum=$(sha256sum "$POM_SRC" | cut -d' ' -f1)
    rm -rf "$LIBS" "$JARS_HOME/target"
    mv "$tmp" "$LIBS"
    printf '%s\n' "$sum" >"$LIBS/.resolved"
    log "resolved $(find "$LIBS" -name '*.jar' | wc -l) jars in $(($(now_s) - t0))s"
  fi
  exec 8>&-
}

# jaas_string VALUE — VALUE quoted for a JAAS option (backslash and double quote escaped).
jaas_string() {
  local v=${1//\\/\\\\}
  printf '"%s"' "${v//\"/\\\"}"
}

write_config() {
  cp "$TDA_SERVICES_DIR/kafka/log4j.properties" "$LOG4J"
  (
    umask 077 # the file holds the inter-broker password
    cat >"$CONF" <<EOF
# Generated by services/kafka-sasl.sh at each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$TDA_BIND_HOST:$KAFKA_SASL_CONTROLLER_PORT
listeners=SASL_PLAINTEXT://$TDA_BIND_HOST:$KAFKA_SASL_PORT,CONTROLLER://$TDA_BIND_HOST:$KAFKA_SASL_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$TDA_BIND_HOST:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
log.dirs=$DATA

# SCRAM-SHA-512 only, for clients and for the broker's own inter-broker connections. The
# credentials live in the metadata log (written at format time); a wrong password is answered
# after connection.failed.authentication.delay.ms (default 100 ms).
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=$(jaas_string "$KAFKA_SASL_BROKER_USER") password=$(jaas_string "$KAFKA_SASL_BROKER_PASSWORD");

# Topics are created explicitly (by the project's admin code), never on first use.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0

# A test broker: keep an hour of data.
log.retention.hours=1
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=2
EOF
  )
}

# ensure_formatted — format once with the SCRAM users; again (after wiping the data) when the
# users or the cluster id changed since.
ensure_formatted() {
  local spec
  spec=$(printf '%s\n' "$KAFKA_CLUSTER_ID" "$KAFKA_SASL_USER" "$KAFKA_SASL_PASSWORD" \
    "$KAFKA_SASL_BROKER_USER" "$KAFKA_SASL_BROKER_PASSWORD" | sha256sum | cut -d' ' -f1)
  if [[ -f "$DATA/meta.properties" && -f "$SPEC" && "$(cat "$SPEC")" == "$spec" ]]; then
    return 0
  fi
  if [[ -f "$DATA/meta.properties" ]]; then
    log "SCRAM users or cluster id changed since the last format: wiping $DATA"
  fi
  rm -rf "$DATA"
  mkdir -p "$DATA"
  log "formatting storage in $DATA with SCRAM-SHA-512 users $KAFKA_SASL_USER and $KAFKA_SASL_BROKER_USER"
  "$(java_bin)" -cp "$LIBS/*" -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$LOGS" \
    kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$CONF" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_BROKER_USER,password=$KAFKA_SASL_BROKER_PASSWORD]" \
    >"$LOGS/format.log" 2>&1 || {
    cat "$LOGS/format.log" >&2
    die "kafka-storage format failed"
  }
  (umask 077 && printf '%s\n' "$spec" >"$SPEC")
}

show_log_tails() {
  local f
  for f in "$LOGS/kafka.out" "$LOGS/server.log"; do
    [[ -s "$f" ]] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

wait_ready() {
  local pid=${1:-}
  TDA_WAIT_PID="$pid" wait_until "$KAFKA_START_TIMEOUT" 0.5 sasl_answers
}

cmd_start() {
  local pid t0
  t0=$(now_s)
  mkdir -p "$DATA" "$LOGS"
  take_start_lock "$STATE" $((KAFKA_START_TIMEOUT + 600))
  if reuse_listening "$KAFKA_SASL_PORT" "$KAFKA_START_TIMEOUT" sasl_answers \
    "does not answer a SCRAM-SHA-512 SASL handshake"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "our broker (pid $pid) is running but $ADDR is closed; waiting for it"
    wait_ready "$pid" || {
      show_log_tails
      die "broker pid $pid does not answer on $ADDR"
    }
    log "reusing broker pid $pid on $ADDR"
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$KAFKA_SASL_CONTROLLER_PORT"; then
    die "controller port $TDA_BIND_HOST:$KAFKA_SASL_CONTROLLER_PORT is taken by another process; set KAFKA_SASL_CONTROLLER_PORT"
  fi

  ensure_java
  ensure_libs
  write_config
  ensure_formatted

  log "starting on $ADDR (SASL_PLAINTEXT, SCRAM-SHA-512; controller $TDA_BIND_HOST:$KAFKA_SASL_CONTROLLER_PORT, logs in $LOGS)"
  # Word splitting of the *_OPTS variables is intended.
  # shellcheck disable=SC2086
  nohup "$(java_bin)" $KAFKA_SASL_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -Dkafka.logs.dir="$LOGS" -Dlog4j.configuration="file:$LOG4J" \
    $KAFKA_OPTS -cp "$LIBS/*" kafka.Kafka "$CONF" \
    >"$LOGS/kafka.out" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"

  if ! wait_ready "$pid"; then
    if kill -0 "$pid" 2>/dev/null; then
      log "no answer on $ADDR after ${KAFKA_START_TIMEOUT}s; stopping pid $pid"
      stop_pid "$PIDFILE" "$PID_PATTERN" 30 || true
    else
      rm -f "$PIDFILE"
      log "broker process $pid exited during startup"
    fi
    show_log_tails
    die "the SASL Kafka broker did not start"
  fi
  record_started kafka-sasl
  log "started pid $pid on $ADDR in $(($(now_s) - t0))s"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 60
}

cmd_status() {
  local pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    if sasl_answers; then
      log "running: pid $pid on $ADDR (started by these scripts)"
    else
      log "starting or unhealthy: pid $pid, $ADDR does not answer yet"
    fi
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$KAFKA_SASL_PORT"; then
    if sasl_answers; then
      log "running on $ADDR (not started by these scripts)"
    else
      log "$ADDR is open but does not answer a SCRAM-SHA-512 SASL handshake (not started by these scripts)"
    fi
    return 0
  fi
  log "stopped ($ADDR closed)"
  return 3
}

usage_main "$@"
