#!/usr/bin/env bash
# The Rails peer (peers/rails: API-only Rails, ActiveRecord, Puma) against the
# stack's database: every endpoint of the contract (peers/conformance.py) with
# 2 Puma workers (cluster mode) of 5 threads, stopped with SIGTERM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: peers_rails: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
if ! ruby -e 'require "rails"; require "puma"; require "pg"; require "redis"; require "jwt"; require "bcrypt"' 2>/dev/null; then
    echo "SKIP: peers_rails: no ruby with rails, puma, pg, redis, jwt, bcrypt"
    exit 0
fi
peers/run-conformance.sh rails 2
