#!/usr/bin/env bash
# Run the worker(s) and the gRPC bridge under supervisord in the foreground; Ctrl-C stops them all.
# Says "ready" only once the bridge's /readyz answers 200: Kafka is reachable and a worker has
# joined the consumer group, so a request sent then is answered.
# A process that crashes is started again at once, one that fails while starting after 1, 2, 3 s;
# supervisord says so here ("exited: worker_0 (terminated by SIGKILL; not expected)", "spawned:
# 'worker_0'"), among the processes' own output. One that fails four starts in a row is FATAL:
# then this script names it and stops everything, rather than run a stack without it.
# WORKERS=n runs n workers in one consumer group: worker i on WORKER_HTTP_PORT + i (8091 + i),
# with its own Faust data dir, WORKER_DATA_DIR/worker-i.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=$root/.venv/bin/python
workers=${WORKERS:-1}
if [[ ! $workers =~ ^[1-9][0-9]*$ ]]; then
  echo "WORKERS must be a whole number from 1, not '$workers'" >&2
  exit 2
fi
# What the processes will read (environment, then .env): the ports to announce, the workers' bases.
IFS=$'\t' read -r grpc_host grpc_port http_host http_port worker_port data_dir log_format < <(
  "$py" -c 'from config import Settings
s = Settings()
print(s.grpc_host, s.grpc_port, s.http_host, s.http_port, s.worker_http_port, s.worker_data_dir,
      s.log_format, sep="\t")'
)
[[ $http_host == 0.0.0.0 ]] && http_host=127.0.0.1
ready_url="http://${http_host}:${http_port}/readyz"
# Traces go to the Zipkin that services/up.sh started, unless told otherwise (ZIPKIN_ENDPOINT=
# empty turns them off).
export ZIPKIN_ENDPOINT=${ZIPKIN_ENDPOINT-http://127.0.0.1:${ZIPKIN_PORT:-9411}/api/v2/spans}
# The processes write to supervisord's pipes, not to this terminal: keep their logs for people.
if [[ $log_format == auto && -t 2 ]]; then export LOG_FORMAT=console; fi
# supervisord and the processes write to this output through descriptors of their own: on a file,
# only appending keeps one writer from overwriting another's lines.
if [[ -f /dev/stdout ]]; then exec >>/dev/stdout; fi
if [[ -f /dev/stderr ]]; then exec 2>>/dev/stderr; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tda-run.XXXXXX")
supervisor=
stop() {
  trap - INT TERM EXIT
  if [[ -n $supervisor ]]; then
    kill -TERM "$supervisor" 2>/dev/null || true
    wait "$supervisor" || true
  fi
  rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$py" -m streams.seed || echo "knowledge base not seeded: the RAG path starts empty" >&2

# One [program:NAME] section: the module to run, then its environment (NAME="value",...).
program() {
  cat <<EOF
[program:$1]
command="$py" -m $2
directory=$root
environment=${3-}
autorestart=true
startsecs=10
startretries=$start_retries
stopsignal=TERM
stopwaitsecs=10
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

EOF
}
start_retries=3
{
  printf '[supervisord]\nnodaemon=true\nlogfile=%s\npidfile=%s\nchildlogdir=%s\n' \
    "$tmp/supervisord.log" "$tmp/supervisord.pid" "$tmp"
  # supervisord run by root warns that it keeps root's rights unless told that is meant.
  if ((EUID == 0)); then echo "user=root"; fi
  echo
  for ((i = 0; i < workers; i++)); do
    mkdir -p "$data_dir/worker-$i"
    program "worker_$i" streams \
      "WORKER_HTTP_PORT=\"$((worker_port ? worker_port + i : 0))\",WORKER_DATA_DIR=\"$data_dir/worker-$i\""
  done
  program bridge bridge
} | sed 's/%/%%/g' >"$tmp/supervisord.conf"

"$root/.venv/bin/supervisord" -n -c "$tmp/supervisord.conf" & supervisor=$!

# Fails naming the program supervisord gave up on, or saying that supervisord itself ended.
check_supervised() {
  local given_up status=0
  # supervisord writes its log once it runs: none yet is nothing given up
  given_up=$(sed -n 's/.*gave up: \([^ ]*\) entered FATAL.*/\1/p' "$tmp/supervisord.log" 2>/dev/null || true)
  if [[ -n $given_up ]]; then
    echo "$(head -1 <<<"$given_up") failed $((start_retries + 1)) starts in a row (its output is above): stopping everything" >&2
    exit 1
  fi
  if ! kill -0 "$supervisor" 2>/dev/null; then
    wait "$supervisor" || status=$?
    supervisor=
    echo "supervisord ended (exit status $status): stopping everything" >&2
    exit 1
  fi
}

deadline=$((SECONDS + ${TDA_READY_TIMEOUT_S:-120}))
until "$py" -c 'import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except Exception:
    sys.exit(1)' "$ready_url"; do
  check_supervised
  if ((SECONDS >= deadline)); then
    echo "not ready after ${TDA_READY_TIMEOUT_S:-120}s: $ready_url" >&2
    exit 1
  fi
  sleep 0.5
done
if ((workers == 1)); then workers_on="the worker's on :$worker_port"; else
  workers_on="the $workers workers' on :$worker_port to :$((worker_port + workers - 1))"
fi
((worker_port)) || workers_on="the workers' on free ports (in their logs)"
echo "ready: gRPC on ${grpc_host}:${grpc_port}; health and metrics on http://${http_host}:${http_port} (/healthz /readyz /metrics), ${workers_on}" >&2
if [[ -n $ZIPKIN_ENDPOINT ]]; then
  echo "traces: ${ZIPKIN_ENDPOINT%/api/v2/spans}/zipkin/" >&2
fi
echo "supervisord restarts a process that ends; Ctrl-C stops them all." >&2
while true; do
  check_supervised
  sleep 1
done
