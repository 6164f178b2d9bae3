#!/usr/bin/env bash
# The FastAPI "strict" peer (peers/fastapi-strict: routers -> services ->
# repositories) against the stack's database: every endpoint of the contract
# (peers/conformance.py) under plain uvicorn, stopped with SIGTERM. Its
# launcher is peers/fastapi's (a symbolic link), whose gunicorn path
# peers_fastapi.sh checks.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: peers_fastapi_strict: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
if ! { python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null ||
    /usr/bin/python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null; }; then
    echo "SKIP: peers_fastapi_strict: no python3 with fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx"
    exit 0
fi
peers/run-conformance.sh fastapi-strict 1
