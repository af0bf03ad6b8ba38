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
# What it shares with kafka.sh is in kafka-common.sh; this script states what differs.
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

# The jars are kafka.sh's (same version, same pom); only the state is this broker's own.
KAFKA_VERSION=3.9.1
BROKER_PORT="${KAFKA_SASL_PORT:-9192}"
CONTROLLER_PORT="${KAFKA_SASL_CONTROLLER_PORT:-9193}"
CONTROLLER_PORT_VAR=KAFKA_SASL_CONTROLLER_PORT
KAFKA_SASL_USER="${KAFKA_SASL_USER:-tda}"
KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-tda-secret}"
KAFKA_SASL_BROKER_USER="${KAFKA_SASL_BROKER_USER:-broker}"
KAFKA_SASL_BROKER_PASSWORD="${KAFKA_SASL_BROKER_PASSWORD:-broker-secret}"
BROKER_HEAP_OPTS="${KAFKA_SASL_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_CLUSTER_ID="${KAFKA_SASL_CLUSTER_ID:-WlHn2gwfS36dXnpcCxpaUQ}"
KAFKA_STATE="$TDA_CACHE_DIR/kafka-sasl"
LISTENER=SASL_PLAINTEXT
LISTENER_NOTE="SASL_PLAINTEXT, SCRAM-SHA-512"
BROKER_TITLE="the SASL Kafka broker"
NOT_READY="does not answer a SCRAM-SHA-512 SASL handshake"
# shellcheck source=kafka-common.sh
source "$TDA_SERVICES_DIR/kafka-common.sh"
SPEC="$KAFKA_STATE/.format-spec"

# server_ready — the listener answers a SaslHandshake v1 request for SCRAM-SHA-512 with no
# error. The broker's acceptors take requests only once it is started and unfenced, so an
# answer means it serves clients.
server_ready() {
  local hex
  # size=28 | api_key=17 (SaslHandshake) | version=1 | correlation_id=1 | client_id="tda"
  # | mechanism="SCRAM-SHA-512"
  # response: size(4) | correlation_id(4) | error_code(2) | ...
  hex=$(kafka_exchange '\x00\x00\x00\x1c\x00\x11\x00\x01\x00\x00\x00\x01\x00\x03tda\x00\x0dSCRAM-SHA-512' 10) ||
    return 1
  [[ ${hex:8:8} == 00000001 && ${hex:16:4} == 0000 ]]
}

# jaas_string VALUE — VALUE quoted for a JAAS option (backslash and double quote escaped).
jaas_string() {
  local v=${1//\\/\\\\}
  printf '"%s"' "${v//\"/\\\"}"
}

broker_config() {
  cat <<EOF
# SCRAM-SHA-512 only, for clients and for the broker's own inter-broker connections. The
# credentials live in the metadata log (written at format time); a wrong password is answered
# after connection.failed.authentication.delay.ms (default 100 ms).
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=$(jaas_string "$KAFKA_SASL_BROKER_USER") password=$(jaas_string "$KAFKA_SASL_BROKER_PASSWORD");

# A test broker: keep an hour of data.
log.retention.hours=1
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=2
EOF
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
  format_storage \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$KAFKA_SASL_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_BROKER_USER,password=$KAFKA_SASL_BROKER_PASSWORD]"
  (umask 077 && printf '%s\n' "$spec" >"$SPEC")
}

usage_main "$@"
