#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/kafka.sh {start|stop|status} — a local single-node Apache Kafka 3.9.1 (Scala 2.13)
# in KRaft combined mode (broker + controller in one JVM), without Docker.
#
#   start   Reuses whatever already listens on 127.0.0.1:$KAFKA_PORT (after checking it answers
#           a Kafka Metadata request). Otherwise: resolves the broker jars from Maven Central
#           with services/kafka/pom.xml (only when the cached libs are missing or the pom
#           changed), writes server.properties, formats the storage once, launches
#           `java -cp 'libs/*' kafka.Kafka server.properties` in the background and blocks
#           until the broker answers a Metadata request with itself as a live broker
#           (up to $KAFKA_START_TIMEOUT s; on failure prints the tail of the logs and exits 1).
#   stop    Stops the broker these scripts started (pid file) and waits for it to exit.
#           A broker started by something else is left alone.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# Everything downloaded or generated lives under $TDA_CACHE_DIR/kafka-3.9.1/:
#   libs/ (jars), data/ (log.dirs), logs/ (server.log, kafka.out, maven.log),
#   server.properties, log4j.properties, pom.xml, kafka.pid.
#
# Environment:
#   TDA_CACHE_DIR          cache root (default $HOME/.cache/test-data-agent)
#   KAFKA_PORT             PLAINTEXT listener port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port on 127.0.0.1 (default 9093)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 90)
#   KAFKA_HEAP_OPTS        JVM heap flags (default "-Xms256m -Xmx768m")
#   KAFKA_OPTS             extra JVM flags
#   KAFKA_CLUSTER_ID       cluster id used when formatting new storage (default: fixed id)
#   TDA_RECORD_FILE        if set, "kafka" is appended to it when this call started the broker
#   JAVA_HOME              JDK to use (default: java on PATH)
set -euo pipefail

TDA_SERVICE=kafka
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION=3.9.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
# Any 16-byte base64url id works; a fixed one keeps the local cluster reproducible.
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-fe9YAPK6SU2SfnVqI44rcA}"

KAFKA_HOME="$TDA_CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
DATA="$KAFKA_HOME/data"
LOGS="$KAFKA_HOME/logs"
CONF="$KAFKA_HOME/server.properties"
LOG4J="$KAFKA_HOME/log4j.properties"
PIDFILE="$KAFKA_HOME/kafka.pid"
POM_SRC="$TDA_SERVICES_DIR/kafka/pom.xml"
PID_PATTERN="kafka.Kafka $CONF"
ADDR="$TDA_BIND_HOST:$KAFKA_PORT"

# kafka_answers — the broker on $ADDR answers a Metadata v1 request (no topics) with at
# least one live broker, i.e. it is started, unfenced and serving clients. Speaks the Kafka
# wire protocol over bash's /dev/tcp, so it costs no JVM start.
kafka_answers() {
  local hex
  { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$KAFKA_PORT"; } 2>/dev/null || return 1
  # size=17 | api_key=3 (Metadata) | version=1 | correlation_id=1 | client_id="tda" | topics=[]
  printf '\x00\x00\x00\x11\x00\x03\x00\x01\x00\x00\x00\x01\x00\x03tda\x00\x00\x00\x00' >&3 ||
    true
  # response: size(4) | correlation_id(4) | brokers array length(4) | ...
  hex=$(timeout 5 head -c 12 <&3 2>/dev/null | od -An -v -tx1 | tr -d ' \n') || true
  exec 3<&- 3>&-
  [[ ${#hex} -eq 24 && ${hex:8:8} == 00000001 ]] && ((16#${hex:16:8} >= 1))
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

# ensure_libs — the broker's runtime jars, resolved with Maven into $LIBS. Skipped when
# $LIBS/.resolved holds the checksum of the current pom.
ensure_libs() {
  local sum tmp t0
  t0=$(now_s)
  sum=$(sha256sum "$POM_SRC" | cut -d' ' -f1)
  if [[ -f "$LIBS/.resolved" && "$(cat "$LIBS/.resolved")" == "$sum" ]]; then return 0; fi
  if ! command -v mvn >/dev/null 2>&1; then apt_install maven; fi
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central (log: $LOGS/maven.log)"
  cp "$POM_SRC" "$KAFKA_HOME/pom.xml"
  tmp="$KAFKA_HOME/libs.tmp"
  rm -rf "$tmp"
  if ! mvn -q -B -f "$KAFKA_HOME/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$LOGS/maven.log" 2>&1; then
    tail -n 30 "$LOGS/maven.log" >&2
    die "maven could not resolve the Kafka jars (see $LOGS/maven.log)"
  fi
  rm -rf "$LIBS" "$KAFKA_HOME/target"
  mv "$tmp" "$LIBS"
  printf '%s\n' "$sum" >"$LIBS/.resolved"
  log "resolved $(find "$LIBS" -name '*.jar' | wc -l) jars in $(($(now_s) - t0))s"
}

write_config() {
  cp "$TDA_SERVICES_DIR/kafka/log4j.properties" "$LOG4J"
  cat >"$CONF" <<EOF
# Generated by services/kafka.sh at each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$TDA_BIND_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$TDA_BIND_HOST:$KAFKA_PORT,CONTROLLER://$TDA_BIND_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$TDA_BIND_HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA

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
# Consumer groups form at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0

# A development broker: keep a day of data.
log.retention.hours=24
log.segment.bytes=134217728
num.network.threads=2
num.io.threads=4
EOF
}

ensure_formatted() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  log "formatting storage in $DATA (cluster id $KAFKA_CLUSTER_ID)"
  "$(java_bin)" -cp "$LIBS/*" -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$LOGS" \
    kafka.tools.StorageTool format --ignore-formatted -t "$KAFKA_CLUSTER_ID" -c "$CONF" \
    >"$LOGS/format.log" 2>&1 || {
    cat "$LOGS/format.log" >&2
    die "kafka-storage format failed"
  }
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
  TDA_WAIT_PID="$pid" wait_until "$KAFKA_START_TIMEOUT" 0.5 kafka_answers
}

cmd_start() {
  local pid t0
  t0=$(now_s)
  mkdir -p "$LIBS" "$DATA" "$LOGS"
  take_start_lock "$KAFKA_HOME" $((KAFKA_START_TIMEOUT + 600))
  if reuse_listening "$KAFKA_PORT" "$KAFKA_START_TIMEOUT" kafka_answers \
    "does not answer Kafka requests"; then
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
  if port_open "$TDA_BIND_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $TDA_BIND_HOST:$KAFKA_CONTROLLER_PORT is taken by another process; set KAFKA_CONTROLLER_PORT"
  fi

  ensure_java
  ensure_libs
  write_config
  ensure_formatted

  log "starting on $ADDR (controller $TDA_BIND_HOST:$KAFKA_CONTROLLER_PORT, logs in $LOGS)"
  # Word splitting of the *_OPTS variables is intended.
  # shellcheck disable=SC2086
  nohup "$(java_bin)" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
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
    die "Kafka did not start"
  fi
  record_started kafka
  log "started pid $pid on $ADDR in $(($(now_s) - t0))s"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 60
}

cmd_status() {
  local pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    if kafka_answers; then
      log "running: pid $pid on $ADDR (started by these scripts)"
    else
      log "starting or unhealthy: pid $pid, $ADDR does not answer yet"
    fi
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$KAFKA_PORT"; then
    if kafka_answers; then
      log "running on $ADDR (not started by these scripts)"
    else
      log "$ADDR is open but does not answer Kafka requests (not started by these scripts)"
    fi
    return 0
  fi
  log "stopped ($ADDR closed)"
  return 3
}

usage_main "$@"
