#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/zipkin.sh {start|stop|status} — Zipkin 3.5.1, the trace backend people look at, on
# 127.0.0.1:9411 (web UI at /zipkin/, span API at /api/v2/ and /zipkin/api/v2/), without Docker.
#
#   start   Reuses whatever already listens on 127.0.0.1:$ZIPKIN_PORT (after checking that
#           /health says UP). Otherwise: downloads io.zipkin:zipkin-server:3.5.1:jar:exec from
#           Maven Central once (131 MB; checked against the .sha1 Maven Central publishes),
#           launches it with Java 17 in the background, in-memory storage, listening on the
#           loopback address only, and blocks until /health says UP (up to
#           $ZIPKIN_START_TIMEOUT s; on failure prints the tail of the log and exits 1).
#   stop    Stops the Zipkin these scripts started (pid file) and waits for it to exit.
#           One started by something else is left alone.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# Everything downloaded or generated lives under $TDA_CACHE_DIR/zipkin/:
#   zipkin-server-3.5.1-exec.jar, logs/zipkin.out, zipkin.pid.
#
# In-memory storage keeps at most $ZIPKIN_MAX_SPANS spans (oldest traces dropped first) and
# forgets them at stop. Only the HTTP port is opened, on the loopback address (Armeria's
# default is every address): spans come in over HTTP (/api/v2/spans) or gRPC on that same port;
# the Scribe (9410), Kafka, RabbitMQ, ActiveMQ and Pulsar collectors, Eureka registration and
# self-tracing are switched off.
#
# Environment:
#   TDA_CACHE_DIR          cache root (default $HOME/.cache/test-data-agent)
#   ZIPKIN_PORT            HTTP port on 127.0.0.1 (default 9411)
#   ZIPKIN_START_TIMEOUT   seconds to wait for /health (default 90)
#   ZIPKIN_HEAP_OPTS       JVM heap flags (default "-Xms32m -Xmx256m")
#   ZIPKIN_JAVA_OPTS       other JVM flags (default "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
#   ZIPKIN_MAX_SPANS       spans kept in memory (default 100000, which fits the default heap;
#                          Zipkin's own default, 500000, needs a larger one)
#   TDA_RECORD_FILE        if set, "zipkin" is appended to it when this call started Zipkin
#   JAVA_HOME              JDK to use (default: java on PATH; Java 17 or newer)
set -euo pipefail

TDA_SERVICE=zipkin
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ZIPKIN_VERSION=3.5.1
ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
ZIPKIN_START_TIMEOUT="${ZIPKIN_START_TIMEOUT:-90}"
ZIPKIN_HEAP_OPTS="${ZIPKIN_HEAP_OPTS:--Xms32m -Xmx256m}"
# C1 only and the serial collector: a local trace backend starts in about half the time
# (4 s against 8 s here) and with a smaller footprint (RSS ~160 MB against ~220 MB).
ZIPKIN_JAVA_OPTS="${ZIPKIN_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
ZIPKIN_MAX_SPANS="${ZIPKIN_MAX_SPANS:-100000}"

ZIPKIN_HOME="$TDA_CACHE_DIR/zipkin"
JAR_NAME="zipkin-server-$ZIPKIN_VERSION-exec.jar"
JAR="$ZIPKIN_HOME/$JAR_NAME"
JAR_URL="https://repo1.maven.org/maven2/io/zipkin/zipkin-server/$ZIPKIN_VERSION/$JAR_NAME"
LOGS="$ZIPKIN_HOME/logs"
PIDFILE="$ZIPKIN_HOME/zipkin.pid"
PID_PATTERN="-jar $JAR"
BASE_URL="http://$TDA_BIND_HOST:$ZIPKIN_PORT"
NOT_READY="does not say UP at /health"
# For lib.sh's server helpers:
SERVER_NAME=Zipkin
SERVER_WHERE=$BASE_URL
SERVER_TIMEOUT=$ZIPKIN_START_TIMEOUT
SERVER_LOGS=("$LOGS/zipkin.out")

# server_ready — /health answers {"status":"UP",...}.
server_ready() {
  local body
  body=$(curl -fsS --max-time 2 "$BASE_URL/health" 2>/dev/null) || return 1
  [[ "$body" == *'"status"'*'"UP"'* ]]
}

# ensure_jar — the exec jar, downloaded once and checked against Maven Central's .sha1.
ensure_jar() {
  local tmp want got t0
  [[ -s "$JAR" ]] && return 0
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  t0=$(now_s)
  tmp="$JAR.part"
  log "downloading $JAR_URL"
  want=$(curl -fsSL --retry 3 "$JAR_URL.sha1" | tr -d '[:space:]' | cut -c1-40) ||
    die "could not fetch $JAR_URL.sha1"
  [[ "$want" =~ ^[0-9a-f]{40}$ ]] || die "unexpected checksum file at $JAR_URL.sha1: '$want'"
  curl -fSL --retry 3 --silent --show-error -o "$tmp" "$JAR_URL" ||
    die "could not download $JAR_URL"
  got=$(sha1sum "$tmp" | cut -d' ' -f1)
  if [[ "$got" != "$want" ]]; then
    rm -f "$tmp"
    die "$JAR_NAME: sha1 $got, Maven Central says $want; removed the download"
  fi
  mv "$tmp" "$JAR"
  log "downloaded $(($(stat -c %s "$JAR") / 1048576)) MB in $(($(now_s) - t0))s (sha1 checked)"
}

cmd_start() {
  local t0
  t0=$(now_s)
  mkdir -p "$LOGS"
  take_start_lock "$ZIPKIN_HOME" $((ZIPKIN_START_TIMEOUT + 900))
  if reuse_listening "$ZIPKIN_PORT" "$ZIPKIN_START_TIMEOUT" server_ready "$NOT_READY"; then
    return 0
  fi
  if reuse_ours; then return 0; fi

  ensure_java_version 17 "Zipkin $ZIPKIN_VERSION"
  ensure_jar

  log "starting on $BASE_URL (in-memory storage, log: $LOGS/zipkin.out)"
  # Zipkin reads its settings from the environment (zipkin-server-shared.yml). Armeria's port
  # list is replaced as a whole by these arguments: one HTTP port, on the loopback address.
  # The other collectors are switched off by name: each one starts when its own variable is set,
  # and KAFKA_BOOTSTRAP_SERVERS is also this project's setting (Zipkin would consume a "zipkin"
  # topic from our broker).
  # Word splitting of the *_OPTS variables is intended.
  # shellcheck disable=SC2086
  start_server "$LOGS/zipkin.out" env STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MAX_SPANS" \
    QUERY_PORT="$ZIPKIN_PORT" COLLECTOR_SCRIBE_ENABLED=false COLLECTOR_KAFKA_ENABLED=false \
    COLLECTOR_RABBITMQ_ENABLED=false COLLECTOR_ACTIVEMQ_ENABLED=false \
    COLLECTOR_PULSAR_ENABLED=false DISCOVERY_EUREKA_ENABLED=false SELF_TRACING_ENABLED=false \
    "$(java_bin)" $ZIPKIN_HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    $ZIPKIN_JAVA_OPTS -jar "$JAR" \
    "--armeria.ports[0].ip=$TDA_BIND_HOST" "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http" ||
    die "Zipkin did not start"
  record_started zipkin
  log "started pid $SERVER_PID on $BASE_URL in $(($(now_s) - t0))s (UI: $BASE_URL/zipkin/)"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 30
}

cmd_status() {
  server_status "$ZIPKIN_PORT" "$NOT_READY"
}

usage_main "$@"
