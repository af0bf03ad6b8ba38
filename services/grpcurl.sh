#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
#
# services/grpcurl.sh [path] — build grpcurl once from its Go module and print the binary's path.
#
#   The bridge serves gRPC reflection, so grpcurl needs no proto file:
#     "$(bash services/grpcurl.sh)" -plaintext 127.0.0.1:9001 list
#     "$(bash services/grpcurl.sh)" -plaintext -d '{"domain": "ecommerce"}' \
#         127.0.0.1:9001 testdata.v1.TestDataService/GetSchemas
#
#   The first call runs `go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v$GRPCURL_VERSION`
#   (about a minute with empty Go caches on a 2-core machine, seconds with warm ones); later calls
#   print the cached binary at once. Only the path goes to stdout; progress goes to stderr.
#
# Files: $TDA_CACHE_DIR/grpcurl/grpcurl-$GRPCURL_VERSION and logs/build.log; the Go caches are
# $TDA_CACHE_DIR/go/{path,mod,build} (shared with services/weaviate.sh).
#
# Environment:
#   TDA_CACHE_DIR   cache root (default $HOME/.cache/test-data-agent)
#   GO              Go command to build with (default: go on PATH)
set -euo pipefail

TDA_SERVICE=grpcurl
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GRPCURL_VERSION=1.9.4
GRPCURL_MODULE=github.com/fullstorydev/grpcurl
GO="${GO:-go}"
GRPCURL_HOME="$TDA_CACHE_DIR/grpcurl"
BIN="$GRPCURL_HOME/grpcurl-$GRPCURL_VERSION"
GO_HOME="$TDA_CACHE_DIR/go"

build() {
  local t0 buildlog="$GRPCURL_HOME/logs/build.log"
  need_go "grpcurl $GRPCURL_VERSION"
  mkdir -p "$GRPCURL_HOME/logs" "$GO_HOME"
  take_start_lock "$GRPCURL_HOME" 600
  [[ -x "$BIN" ]] && return 0 # built by another call while we waited for the lock
  t0=$(now_s)
  log "building grpcurl $GRPCURL_VERSION (log: $buildlog)"
  : >"$buildlog"
  go_install "$GRPCURL_MODULE/cmd/grpcurl" "$GRPCURL_VERSION" "$BIN" "$buildlog" ||
    build_failed "$buildlog" "could not build grpcurl $GRPCURL_VERSION"
  log_built "$BIN" "$t0"
}

case "${1:-path}" in
  path)
    [[ -x "$BIN" ]] || build
    printf '%s\n' "$BIN"
    ;;
  *)
    die "usage: $0 [path]"
    ;;
esac
