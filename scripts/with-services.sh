#!/usr/bin/env bash
# Run a command with Kafka and Redis up, then stop only the services this call started.
set -euo pipefail
cd "$(dirname "$0")/.."
record=$(mktemp)
stop_started() { bash services/down.sh "$record" || true; rm -f "$record"; }
trap stop_started EXIT
bash services/up.sh --record "$record"
"$@"
