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
if ! peers/express/install.sh; then
    echo "SKIP: peers_express: its npm dependencies are missing and 'npm ci' failed (offline?)"
    exit 0
fi
peers/run-conformance.sh express 1 || exit 1
peers/run-conformance.sh express 2 || exit 1
