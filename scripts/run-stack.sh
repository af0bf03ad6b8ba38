#!/usr/bin/env bash
# Run one Faust worker and the gRPC bridge in the foreground; Ctrl-C stops both.
# Says "ready" only once the bridge's /readyz answers 200: Kafka is reachable and a worker has
# joined the consumer group, so a request sent then is answered.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
http_host=${HTTP_HOST:-127.0.0.1}
[[ $http_host == 0.0.0.0 ]] && http_host=127.0.0.1
ready_url="http://${http_host}:${HTTP_PORT:-8081}/readyz"
# Traces go to the Zipkin that services/up.sh started, unless told otherwise (ZIPKIN_ENDPOINT=
# empty turns them off).
export ZIPKIN_ENDPOINT=${ZIPKIN_ENDPOINT-http://127.0.0.1:${ZIPKIN_PORT:-9411}/api/v2/spans}
pids=()
stop() { trap - INT TERM EXIT; kill -TERM "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop INT TERM EXIT
"$py" -m streams.seed || echo "knowledge base not seeded: the RAG path starts empty" >&2
"$py" -m streams & pids+=($!)
"$py" -m bridge & pids+=($!)
deadline=$((SECONDS + ${TDA_READY_TIMEOUT_S:-120}))
until "$py" -c 'import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except Exception:
    sys.exit(1)' "$ready_url"; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a process exited before the service was ready" >&2; exit 1; }
  done
  if ((SECONDS >= deadline)); then
    echo "not ready after ${TDA_READY_TIMEOUT_S:-120}s: $ready_url" >&2
    exit 1
  fi
  sleep 0.5
done
echo "ready: gRPC on ${GRPC_HOST:-127.0.0.1}:${GRPC_PORT:-9001}; health and metrics on http://${http_host}:${HTTP_PORT:-8081} (/healthz /readyz /metrics), the worker's on :${WORKER_HTTP_PORT:-8091}" >&2
if [[ -n $ZIPKIN_ENDPOINT ]]; then
  echo "traces: ${ZIPKIN_ENDPOINT%/api/v2/spans}/zipkin/" >&2
fi
echo "Ctrl-C stops them." >&2
wait -n "${pids[@]}"
