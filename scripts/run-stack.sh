#!/usr/bin/env bash
# Run one Faust worker and the gRPC bridge in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
pids=()
stop() { trap - INT TERM EXIT; kill -TERM "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop INT TERM EXIT
"$py" -m streams.seed || echo "knowledge base not seeded: the RAG path starts empty" >&2
"$py" -m streams & pids+=($!)
"$py" -m bridge & pids+=($!)
echo "worker and bridge running; gRPC on ${GRPC_HOST:-127.0.0.1}:${GRPC_PORT:-9001}. Ctrl-C stops them." >&2
wait -n "${pids[@]}"
