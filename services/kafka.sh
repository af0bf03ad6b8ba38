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
# What kafka-sasl.sh shares with this script is in kafka-common.sh.
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
BROKER_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
CONTROLLER_PORT_VAR=KAFKA_CONTROLLER_PORT
BROKER_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
# Any 16-byte base64url id works; a fixed one keeps the local cluster reproducible.
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-fe9YAPK6SU2SfnVqI44rcA}"
# The jars' folder (kafka-common.sh) is this broker's state folder too.
KAFKA_STATE="$TDA_CACHE_DIR/kafka-$KAFKA_VERSION"
LISTENER=PLAINTEXT
LISTENER_NOTE=PLAINTEXT
BROKER_TITLE=Kafka
NOT_READY="does not answer Kafka requests"
# shellcheck source=kafka-common.sh
source "$TDA_SERVICES_DIR/kafka-common.sh"

server_ready() { metadata_ready; }

broker_config() {
  cat <<'EOF'
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
  format_storage --ignore-formatted
}

usage_main "$@"
