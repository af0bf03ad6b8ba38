# shellcheck shell=bash
#
# services/kafka-common.sh — what kafka.sh and kafka-sasl.sh share: a single-node Apache Kafka
# broker in KRaft combined mode (broker + controller in one JVM), run from the jars that
# services/kafka/pom.xml lists, without Docker. Sourced after lib.sh, never run. Provides
# cmd_start, cmd_stop and cmd_status for usage_main.
#
#   start   Reuses whatever already listens on 127.0.0.1:$BROKER_PORT if it answers
#           (server_ready). Otherwise: resolves the broker jars from Maven Central into
#           $TDA_CACHE_DIR/kafka-$KAFKA_VERSION/libs (only when they are missing or the pom
#           changed), writes server.properties, formats the storage (ensure_formatted), launches
#           `java -cp 'libs/*' kafka.Kafka server.properties` in the background and blocks
#           until it answers (up to $KAFKA_START_TIMEOUT s; on failure prints the tail of the
#           logs and exits 1).
#   stop    Stops the broker these scripts started (pid file) and waits for it to exit.
#           A broker started by something else is left alone.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# The sourcing script sets, before sourcing this file:
#   KAFKA_VERSION        the jars' version (they live in $TDA_CACHE_DIR/kafka-$KAFKA_VERSION)
#   KAFKA_STATE          this broker's folder: data/, logs/, server.properties, kafka.pid
#   KAFKA_CLUSTER_ID     cluster id used when formatting
#   BROKER_PORT          client listener port on 127.0.0.1
#   CONTROLLER_PORT      KRaft controller listener port on 127.0.0.1 (PLAINTEXT)
#   CONTROLLER_PORT_VAR  the environment variable that sets CONTROLLER_PORT (for messages)
#   BROKER_HEAP_OPTS     JVM heap flags
#   LISTENER             the client listener's name and security protocol (PLAINTEXT, ...)
#   LISTENER_NOTE        how the start message describes that listener
#   BROKER_TITLE         how the failure message names the broker ("Kafka did not start")
#   NOT_READY            what a listener that is not this broker fails to do, for messages
# and defines
#   server_ready         true when the broker on $ADDR serves clients (see kafka_exchange)
#   broker_config        prints this broker's own lines of server.properties
#   ensure_formatted     formats the storage when needed (see format_storage)
#
# Environment honoured here (besides lib.sh's): KAFKA_START_TIMEOUT (seconds to wait for the
# broker to answer, default 90), KAFKA_OPTS (extra JVM flags).

KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_OPTS="${KAFKA_OPTS:-}"

# The jars are shared by every broker of this version (kafka.sh's folder); the state is each
# broker's own.
KAFKA_JARS_HOME="$TDA_CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_JARS_HOME/libs"
POM_SRC="$TDA_SERVICES_DIR/kafka/pom.xml"
DATA="$KAFKA_STATE/data"
LOGS="$KAFKA_STATE/logs"
CONF="$KAFKA_STATE/server.properties"
LOG4J="$KAFKA_STATE/log4j.properties"
PIDFILE="$KAFKA_STATE/kafka.pid"
PID_PATTERN="kafka.Kafka $CONF"
ADDR="$TDA_BIND_HOST:$BROKER_PORT"

# shellcheck disable=SC2034  # for lib.sh's server helpers
{
  SERVER_NAME=broker
  SERVER_WHERE=$ADDR
  SERVER_TIMEOUT=$KAFKA_START_TIMEOUT
  SERVER_LOGS=("$LOGS/kafka.out" "$LOGS/server.log")
}

# kafka_exchange REQUEST N — send REQUEST (a printf format of escaped bytes: one whole Kafka
# request) to $ADDR and print the first N bytes of the answer in hex; false when the port is
# closed or fewer bytes come back within 5 s. Speaks the Kafka wire protocol over bash's
# /dev/tcp, so it costs no JVM start.
kafka_exchange() {
  local hex
  { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$BROKER_PORT"; } 2>/dev/null || return 1
  # shellcheck disable=SC2059  # REQUEST is a format of escaped bytes
  printf "$1" >&3 || true
  hex=$(timeout 5 head -c "$2" <&3 2>/dev/null | od -An -v -tx1 | tr -d ' \n') || true
  exec 3<&- 3>&-
  ((${#hex} == 2 * $2)) && printf '%s' "$hex"
}

# metadata_ready — a plain broker answers a Metadata v1 request (no topics) with at least one
# live broker, i.e. it is started, unfenced and serving clients (kafka.sh's and
# kafka-faults.sh's server_ready).
metadata_ready() {
  local hex
  # size=17 | api_key=3 (Metadata) | version=1 | correlation_id=1 | client_id="tda" | topics=[]
  # response: size(4) | correlation_id(4) | brokers array length(4) | ...
  hex=$(kafka_exchange '\x00\x00\x00\x11\x00\x03\x00\x01\x00\x00\x00\x01\x00\x03tda\x00\x00\x00\x00' 12) ||
    return 1
  [[ ${hex:8:8} == 00000001 ]] && ((16#${hex:16:8} >= 1))
}

libs_resolved() {
  [[ -f "$LIBS/.resolved" && "$(cat "$LIBS/.resolved")" == "$(sha256sum "$POM_SRC" | cut -d' ' -f1)" ]]
}

# resolve_libs — the broker's runtime jars, resolved with Maven into $LIBS; the checksum of the
# pom goes to $LIBS/.resolved. The caller holds the jars' folder's start lock.
resolve_libs() {
  local sum tmp t0 mvnlog="$KAFKA_JARS_HOME/logs/maven.log"
  t0=$(now_s)
  if ! command -v mvn >/dev/null 2>&1; then apt_install maven; fi
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central (log: $mvnlog)"
  cp "$POM_SRC" "$KAFKA_JARS_HOME/pom.xml"
  tmp="$KAFKA_JARS_HOME/libs.tmp"
  rm -rf "$tmp"
  if ! mvn -q -B -f "$KAFKA_JARS_HOME/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
    tail -n 30 "$mvnlog" >&2
    die "maven could not resolve the Kafka jars (see $mvnlog)"
  fi
  sum=$(sha256sum "$POM_SRC" | cut -d' ' -f1)
  rm -rf "$LIBS" "$KAFKA_JARS_HOME/target"
  mv "$tmp" "$LIBS"
  printf '%s\n' "$sum" >"$LIBS/.resolved"
  log "resolved $(find "$LIBS" -name '*.jar' | wc -l) jars in $(($(now_s) - t0))s"
}

# ensure_libs — resolve the jars unless $LIBS/.resolved holds the checksum of the current pom.
# A broker whose state lives elsewhere (kafka-sasl.sh) takes the jars' folder's start lock
# (fd 8) meanwhile, so that two brokers never resolve into $LIBS at once; kafka.sh holds it
# already (take_start_lock on its own folder, fd 9).
ensure_libs() {
  libs_resolved && return 0
  mkdir -p "$KAFKA_JARS_HOME/logs"
  if [[ "$KAFKA_STATE" == "$KAFKA_JARS_HOME" ]]; then
    resolve_libs
    return 0
  fi
  exec 8>"$KAFKA_JARS_HOME/.start.lock"
  flock -w $((KAFKA_START_TIMEOUT + 600)) 8 || die "could not take $KAFKA_JARS_HOME/.start.lock"
  libs_resolved || resolve_libs
  exec 8>&-
}

write_config() {
  cp "$TDA_SERVICES_DIR/kafka/log4j.properties" "$LOG4J"
  (
    umask 077 # kafka-sasl.sh's holds the inter-broker password
    cat >"$CONF" <<EOF
# Generated by services/$(basename "$0") at each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$TDA_BIND_HOST:$CONTROLLER_PORT
listeners=$LISTENER://$TDA_BIND_HOST:$BROKER_PORT,CONTROLLER://$TDA_BIND_HOST:$CONTROLLER_PORT
advertised.listeners=$LISTENER://$TDA_BIND_HOST:$BROKER_PORT
inter.broker.listener.name=$LISTENER
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,$LISTENER:$LISTENER
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

$(broker_config)
EOF
  )
}

# format_storage ARG... — `kafka-storage format` this broker's storage with $KAFKA_CLUSTER_ID
# and server.properties, plus ARGs; dies showing the tool's output when it fails.
format_storage() {
  "$(java_bin)" -cp "$LIBS/*" -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$LOGS" \
    kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$CONF" "$@" \
    >"$LOGS/format.log" 2>&1 || {
    cat "$LOGS/format.log" >&2
    die "kafka-storage format failed"
  }
}

cmd_start() {
  local t0
  t0=$(now_s)
  mkdir -p "$DATA" "$LOGS"
  take_start_lock "$KAFKA_STATE" $((KAFKA_START_TIMEOUT + 600))
  if reuse_listening "$BROKER_PORT" "$KAFKA_START_TIMEOUT" server_ready "$NOT_READY"; then
    return 0
  fi
  if reuse_ours; then return 0; fi
  if port_open "$TDA_BIND_HOST" "$CONTROLLER_PORT"; then
    die "controller port $TDA_BIND_HOST:$CONTROLLER_PORT is taken by another process; set $CONTROLLER_PORT_VAR"
  fi

  ensure_java
  ensure_libs
  write_config
  ensure_formatted

  log "starting on $ADDR ($LISTENER_NOTE; controller $TDA_BIND_HOST:$CONTROLLER_PORT, logs in $LOGS)"
  # Word splitting of the *_OPTS variables is intended.
  # shellcheck disable=SC2086
  start_server "$LOGS/kafka.out" "$(java_bin)" $BROKER_HEAP_OPTS -server -XX:+UseG1GC \
    -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -Dkafka.logs.dir="$LOGS" \
    -Dlog4j.configuration="file:$LOG4J" $KAFKA_OPTS -cp "$LIBS/*" kafka.Kafka "$CONF" ||
    die "$BROKER_TITLE did not start"
  record_started "$TDA_SERVICE"
  log "started pid $SERVER_PID on $ADDR in $(($(now_s) - t0))s"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 60
}

cmd_status() {
  server_status "$BROKER_PORT" "$NOT_READY"
}
