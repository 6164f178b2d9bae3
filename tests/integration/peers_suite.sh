#!/usr/bin/env bash
# The peers pass the integration suite benchlab-server passes: for each of
# fastapi, express, django and rails (PEERS=...) whose runtime is present, a private stack serving that
# peer (`benchlab up --implementation NAME` with peers/as-server as the server
# program), then the HTTP-only C integration tests of the server
# ($BUILD/tests/integration/server/test_{basic,cache_auth,db_advanced,users})
# with the stack's environment and BENCHLAB_EXPECT_NAME=NAME (the tests
# expect the peer's documented answers where the contract is silent, and skip,
# saying why, what is benchlab-server's own: its body limit). The tests that
# start a private server start the peer too (BENCHLAB_TEST_SERVER_BIN). The
# stack is always taken down. Exit 0 when every test passed or was skipped.
# check: parallel, about 118 s
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
export BUILD
lab=$BUILD/benchlab
tests=(basic cache_auth db_advanced users)

for p in benchlab benchlab-server; do
    [ -x "$BUILD/$p" ] || { echo "FAIL: $BUILD/$p is not built"; exit 1; }
done
for t in "${tests[@]}"; do
    [ -x "$BUILD/tests/integration/server/test_$t" ] ||
        { echo "FAIL: $BUILD/tests/integration/server/test_$t is not built"; exit 1; }
done

work=$(mktemp -d /tmp/benchlab-peers-suite.XXXXXX)
stack=""
cleanup() {
    if [ -n "$stack" ]; then "$lab" down --dir "$stack" >/dev/null 2>&1; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

runtime_present() {
    case "$1" in
    fastapi | fastapi-strict)
        python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null ||
            /usr/bin/python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null
        ;;
    django)
        python3 -c 'import django, rest_framework, psycopg2, django_redis, jwt, bcrypt, requests, gunicorn' 2>/dev/null ||
            /usr/bin/python3 -c 'import django, rest_framework, psycopg2, django_redis, jwt, bcrypt, requests, gunicorn' 2>/dev/null
        ;;
    rails) ruby -e 'require "rails"; require "puma"; require "pg"; require "redis"; require "jwt"; require "bcrypt"' 2>/dev/null ;;
    express) command -v node >/dev/null && peers/express/install.sh >/dev/null 2>&1 ;;
    esac
}

failed=0
ran=0
# PEERS=name... checks only those. fastapi-strict is left out by default (its
# stack and launcher are FastAPI's; make check stays short): PEERS=fastapi-strict.
for name in ${PEERS:-fastapi express django rails}; do
    if ! runtime_present "$name"; then
        echo "SKIP: $name: its runtime is not installed (docs/peers.md)"
        continue
    fi
    stack=$work/stack-$name
    if ! BENCHLAB_SERVER_BIN=$ROOT/peers/as-server "$lab" up --dir "$stack" --implementation "$name" \
        >"$work/$name.env" 2>"$work/$name.up.err"; then
        echo "FAIL: $name: benchlab up failed:"
        cat "$work/$name.up.err"
        "$lab" down --dir "$stack" >/dev/null 2>&1
        stack=""
        failed=$((failed + 1))
        continue
    fi
    echo "$name: stack up ($(grep '^BENCHLAB_URL=' "$work/$name.env"))"
    (
        # the stack's lines as they are (the libpq DSN holds spaces)
        while IFS='=' read -r k v; do
            case "$k" in BENCHLAB_*) export "$k=$v" ;; esac
        done <"$work/$name.env"
        export BENCHLAB_STACK_DIR=$stack BENCHLAB_EXPECT_NAME=$name
        export BENCHLAB_TEST_SERVER_BIN=$ROOT/peers/as-server
        bad=0
        for t in "${tests[@]}"; do
            log=$work/$name-$t.log
            timeout 300 "$BUILD/tests/integration/server/test_$t" >"$log" 2>&1
            rc=$?
            f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | head -1)
            p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | head -1)
            s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | head -1)
            if [ "$rc" -ne 0 ] || [ -n "$f" ]; then
                echo "FAIL: $name: test_$t (exit $rc):"
                grep -E '^\[  (ERROR|FAILED)|^ERROR|error:' "$log" | head -20
                bad=$((bad + 1))
            else
                echo "  $name test_$t: ${p:-0} passed, ${s:-0} skipped"
                grep '^SKIP on' "$log" | sed 's/^/    /'
            fi
        done
        exit "$bad"
    )
    failed=$((failed + $?))
    ran=$((ran + 1))
    server_pid=$(cat "$stack/server.pid" 2>/dev/null)
    "$lab" down --dir "$stack" >/dev/null 2>&1 || { echo "FAIL: $name: benchlab down failed"; failed=$((failed + 1)); }
    stack=""
    # down stops what the PID file names only if its command line has the port
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null &&
        ! grep -q '^State:.*Z' "/proc/$server_pid/status" 2>/dev/null; then
        echo "FAIL: $name: its server (pid $server_pid) survived benchlab down"
        kill -TERM "$server_pid"
        failed=$((failed + 1))
    fi
done
echo "peers_suite: $ran peer(s) checked, $failed failure(s)"
[ "$failed" -eq 0 ]
