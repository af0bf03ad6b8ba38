#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/compose.sh — print the path of a Docker Compose v2 binary ($COMPOSE_VERSION), building
# it once from the Go module proxy. There is no Docker engine on these machines; the binary is
# used to check docker-compose.yml (`<path> -f docker-compose.yml config --quiet` needs no
# daemon), which tests/deploy/ does.
#
#   The first call downloads github.com/docker/compose/v2@v$COMPOSE_VERSION with
#   `go mod download` (`go install ...@version` refuses this module: its go.mod has exclude
#   directives), copies it to a writable folder and builds it there as the main module
#   (`go build ./cmd`, GOFLAGS=-mod=mod so missing go.sum lines are filled in): about two minutes
#   on two cores. Later calls only print the path. Concurrent calls wait for one build (a lock).
#   Logs go to stderr (and the build's to the build log); stdout is the path alone.
#
# Everything lives under $TDA_CACHE_DIR/compose/$COMPOSE_VERSION/:
#   bin/docker-compose (the binary), go/{path,mod,build} (this build's GOPATH, module cache and
#   build cache; nothing is shared with other builds), logs/build.log, .start.lock.
#
# Environment:
#   TDA_CACHE_DIR   cache root (default $HOME/.cache/test-data-agent)
#   GO              Go command to build with (default: go on PATH); never downloads a toolchain
set -euo pipefail

TDA_SERVICE=compose
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# v2 is the last line that builds with the machines' Go; keep it at a release whose schema knows
# every key docker-compose.yml uses.
COMPOSE_VERSION=2.40.3
COMPOSE_MODULE=github.com/docker/compose/v2
GO="${GO:-go}"

COMPOSE_HOME="$TDA_CACHE_DIR/compose/$COMPOSE_VERSION"
BIN="$COMPOSE_HOME/bin/docker-compose"
GO_HOME="$COMPOSE_HOME/go"
GO_EXTRA_FLAGS=-mod=mod # for go_env (lib.sh): fill in missing go.sum lines
BUILD_LOG="$COMPOSE_HOME/logs/build.log"

(($# == 0)) || {
  printf 'usage: %s   (prints the path of docker-compose %s, building it once)\n' \
    "$(basename "$0")" "$COMPOSE_VERSION" >&2
  exit 2
}

# works BIN — the binary runs and reports the version we built.
works() { "$1" version 2>/dev/null | grep -q "v$COMPOSE_VERSION"; }

fail_build() {
  rm -rf "$COMPOSE_HOME/src.$$" "$COMPOSE_HOME/bin/.docker-compose.$$"
  build_failed "$BUILD_LOG" "$1"
}

build() {
  local t0 src tmp
  t0=$(now_s)
  need_go "Compose $COMPOSE_VERSION"
  mkdir -p "$GO_HOME" "$COMPOSE_HOME/bin" "$COMPOSE_HOME/logs"
  : >"$BUILD_LOG"
  go_download "$COMPOSE_MODULE" "$COMPOSE_VERSION" "Compose $COMPOSE_VERSION" "$BUILD_LOG"

  # The module cache is read-only, and -mod=mod may write go.sum: build in a copy.
  src="$COMPOSE_HOME/src.$$"
  tmp="$COMPOSE_HOME/bin/.docker-compose.$$"
  rm -rf "$src"
  cp -R "$GO_MODDIR" "$src"
  chmod -R u+w "$src"
  log "building docker-compose $COMPOSE_VERSION with go$GO_HAVE (about two minutes the first time)"
  (cd "$src" && go_env CGO_ENABLED=0 "$GO" build \
    -ldflags="-s -w -X $COMPOSE_MODULE/internal.Version=v$COMPOSE_VERSION" \
    -o "$tmp" ./cmd) >>"$BUILD_LOG" 2>&1 || fail_build "go build ./cmd failed"
  works "$tmp" || fail_build "the built binary does not report version v$COMPOSE_VERSION"
  mv -f "$tmp" "$BIN"
  rm -rf "$src"
  # The module and build caches only speed up a rebuild, which never happens for a
  # pinned version: drop them and keep the binary.
  chmod -R u+w "$GO_HOME" 2>/dev/null || true
  rm -rf "$GO_HOME"
  log_built "$BIN" "$t0"
}

if ! works "$BIN" 2>/dev/null; then
  mkdir -p "$COMPOSE_HOME"
  take_start_lock "$COMPOSE_HOME" 3600
  # Another call may have built it while this one waited for the lock.
  works "$BIN" 2>/dev/null || build
fi
printf '%s\n' "$BIN"
