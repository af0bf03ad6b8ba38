#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/down.sh [FILE] — stop local services.
#
#   FILE given   stop the services named in FILE (one per line, as written by
#                `up.sh --record FILE`), then empty FILE. A missing FILE means nothing
#                was started: nothing is stopped.
#   no FILE      stop every service these scripts started (each one's pid file);
#                services started by anything else are never touched.
#
# Environment: whatever kafka.sh, redis.sh, postgres.sh, weaviate.sh, zipkin.sh and llama.sh
# honour (TDA_CACHE_DIR, ...).
set -euo pipefail

TDA_SERVICE=services
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

(($# <= 1)) || {
  printf 'usage: %s [FILE]\n' "$(basename "$0")" >&2
  exit 2
}

names=()
if (($# == 1)); then
  if [[ ! -f "$1" ]]; then
    log "no record file $1: nothing to stop"
    exit 0
  fi
  while IFS= read -r line || [[ -n "$line" ]]; do
    line=${line//[[:space:]]/}
    [[ -z "$line" || "$line" == \#* ]] && continue
    case "$line" in
      kafka | redis | postgres | weaviate | zipkin | llama) [[ " ${names[*]-} " == *" $line "* ]] || names+=("$line") ;;
      *) log "ignoring unknown service '$line' in $1" ;;
    esac
  done <"$1"
else
  names=(redis postgres weaviate kafka zipkin llama)
fi

if ((${#names[@]} == 0)); then
  log "no service recorded in $1: nothing to stop"
  exit 0
fi
# Reverse order of starting (up.sh starts redis, postgres, weaviate, kafka, zipkin, then llama).
status=0
for ((i = ${#names[@]} - 1; i >= 0; i--)); do
  bash "$TDA_SERVICES_DIR/${names[i]}.sh" stop || status=1
done
if (($# == 1 && status == 0)); then : >"$1"; fi
exit "$status"
