#!/usr/bin/env bash
# The Express peer (peers/express) against the stack's database: every endpoint
# of the contract (peers/conformance.py), once as a single process and once as
# a node cluster of 2 workers, each stopped with SIGTERM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: peers_express: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
if ! command -v node >/dev/null; then
    echo "SKIP: peers_express: node is not installed"
    exit 0
fi
# npm ci (when node_modules is missing or older than the lock) from the
# registry into an empty private cache, never ~/.npm: what a fresh machine does.
npmcache=$(mktemp -d "${TMPDIR:-/tmp}/peers-express-npm.XXXXXX")
trap 'rm -rf "$npmcache"' EXIT
if ! npm_config_cache=$npmcache/cache peers/express/install.sh 2>"$npmcache/npm.log"; then
    echo "SKIP: peers_express: its npm dependencies are missing and 'npm ci' failed (offline?):"
    tail -n 5 "$npmcache/npm.log"
    exit 0
fi
peers/run-conformance.sh express 1 || exit 1
peers/run-conformance.sh express 2 || exit 1
