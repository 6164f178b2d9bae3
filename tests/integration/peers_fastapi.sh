#!/usr/bin/env bash
# The FastAPI peer (peers/fastapi) against the stack's database: every endpoint
# of the contract (peers/conformance.py), once under plain uvicorn and once
# under gunicorn with 2 uvicorn workers, each stopped with SIGTERM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: peers_fastapi: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
if ! { python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx, gunicorn' 2>/dev/null ||
    /usr/bin/python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx, gunicorn' 2>/dev/null; }; then
    echo "SKIP: peers_fastapi: no python3 with fastapi, uvicorn, gunicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx"
    exit 0
fi
peers/run-conformance.sh fastapi 1 || exit 1
peers/run-conformance.sh fastapi 2 || exit 1
