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

# zipkin_answers — /health answers {"status":"UP",...}.
zipkin_answers() {
  local body
  body=$(curl -fsS --max-time 2 "$BASE_URL/health" 2>/dev/null) || return 1
  [[ "$body" == *'"status"'*'"UP"'* ]]
}

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java || true
  fi
}

# ensure_java — a Java 17+ runtime (Zipkin 3 needs 17).
ensure_java() {
  local version
  if [[ -z "$(java_bin)" ]]; then apt_install openjdk-17-jre-headless; fi
  version=$("$(java_bin)" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  if ! [[ "$version" =~ ^[0-9]+$ ]] || ((version < 17)); then
    die "Zipkin $ZIPKIN_VERSION needs Java 17 or newer; $(java_bin) is version ${version:-unknown} (set JAVA_HOME)"
  fi
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

show_log_tail() {
  if [[ -s "$LOGS/zipkin.out" ]]; then
    printf -- '----- last lines of %s -----\n' "$LOGS/zipkin.out" >&2
    tail -n 40 "$LOGS/zipkin.out" >&2
  fi
}

wait_ready() {
  local pid=${1:-}
  TDA_WAIT_PID="$pid" wait_until "$ZIPKIN_START_TIMEOUT" 0.5 zipkin_answers
}

cmd_start() {
  local pid t0
  t0=$(now_s)
  mkdir -p "$LOGS"
  take_start_lock "$ZIPKIN_HOME" $((ZIPKIN_START_TIMEOUT + 900))
  if reuse_listening "$ZIPKIN_PORT" "$ZIPKIN_START_TIMEOUT" zipkin_answers \
    "its /health does not say UP"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    log "our Zipkin (pid $pid) is running but $BASE_URL is closed; waiting for it"
    wait_ready "$pid" || {
      show_log_tail
      die "Zipkin pid $pid does not answer on $BASE_URL"
    }
    log "reusing Zipkin pid $pid on $BASE_URL"
    return 0
  fi

  ensure_java
  ensure_jar

  log "starting on $BASE_URL (in-memory storage, log: $LOGS/zipkin.out)"
  # Zipkin reads its settings from the environment (zipkin-server-shared.yml). Armeria's port
  # list is replaced as a whole by these arguments: one HTTP port, on the loopback address.
  # Word splitting of the *_OPTS variables is intended.
  # shellcheck disable=SC2086
  # The other collectors are switched off by name: each one starts when its own variable is set,
  # and KAFKA_BOOTSTRAP_SERVERS is also this project's setting (Zipkin would consume a "zipkin"
  # topic from our broker).
  STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MAX_SPANS" QUERY_PORT="$ZIPKIN_PORT" \
    COLLECTOR_SCRIBE_ENABLED=false COLLECTOR_KAFKA_ENABLED=false \
    COLLECTOR_RABBITMQ_ENABLED=false COLLECTOR_ACTIVEMQ_ENABLED=false \
    COLLECTOR_PULSAR_ENABLED=false DISCOVERY_EUREKA_ENABLED=false SELF_TRACING_ENABLED=false \
    nohup "$(java_bin)" $ZIPKIN_HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    $ZIPKIN_JAVA_OPTS -jar "$JAR" \
    "--armeria.ports[0].ip=$TDA_BIND_HOST" "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http" \
    >"$LOGS/zipkin.out" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PIDFILE"

  if ! wait_ready "$pid"; then
    if kill -0 "$pid" 2>/dev/null; then
      log "no answer on $BASE_URL/health after ${ZIPKIN_START_TIMEOUT}s; stopping pid $pid"
      stop_pid "$PIDFILE" "$PID_PATTERN" 30 || true
    else
      rm -f "$PIDFILE"
      log "Zipkin process $pid exited during startup"
    fi
    show_log_tail
    die "Zipkin did not start"
  fi
  record_started zipkin
  log "started pid $pid on $BASE_URL in $(($(now_s) - t0))s (UI: $BASE_URL/zipkin/)"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 30
}

cmd_status() {
  local pid
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    if zipkin_answers; then
      log "running: pid $pid on $BASE_URL (started by these scripts)"
    else
      log "starting or unhealthy: pid $pid, $BASE_URL/health does not say UP yet"
    fi
    return 0
  fi
  if port_open "$TDA_BIND_HOST" "$ZIPKIN_PORT"; then
    if zipkin_answers; then
      log "running on $BASE_URL (not started by these scripts)"
    else
      log "$BASE_URL is open but /health does not say UP (not started by these scripts)"
    fi
    return 0
  fi
  log "stopped ($BASE_URL closed)"
  return 3
}

usage_main "$@"
