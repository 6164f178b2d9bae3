#!/usr/bin/env bash
# The README's command for a peer, word for word, with relative paths: from
# the repository's root, `BENCHLAB_SERVER_BIN=peers/as-server benchlab up
# --dir D --implementation fastapi` with D relative too, then `benchlab down
# --dir D`. The stack starts its services in other directories, so this
# passes only if benchlab resolves both against the caller's directory first
# (src/lab/cmd/cli_paths.c). Needs python3 with FastAPI (make deps).
# check: parallel
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$BUILD/benchlab" ] || fail "$BUILD/benchlab is not built (make)"
# peers/fastapi/start takes the first of python3, /usr/bin/python3 with FastAPI
for py in python3 /usr/bin/python3 ""; do
    [ -n "$py" ] || fail "no python3 with FastAPI/uvicorn/asyncpg (make deps)"
    ! "$py" -c 'import fastapi, uvicorn, asyncpg' 2>/dev/null || break
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/relpaths.XXXXXX")
dir=$(realpath --relative-to=. "$tmp/stack") # e.g. ../../tmp/relpaths.X/stack
case "$dir" in /*) fail "no relative path from $(pwd) to $tmp" ;; esac
cleanup() {
    "$BUILD/benchlab" down --dir "$tmp/stack" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

rc=0
BENCHLAB_SERVER_BIN=peers/as-server "$BUILD/benchlab" up --dir "$dir" --implementation fastapi \
    >"$tmp/up.out" 2>"$tmp/up.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/up.err"; fail "benchlab up with BENCHLAB_SERVER_BIN=peers/as-server --dir $dir: exit $rc"; }
url=$(sed -n 's/^BENCHLAB_URL=//p' "$tmp/up.out")
[ -n "$url" ] || fail "benchlab up printed no BENCHLAB_URL: $(cat "$tmp/up.out")"
health=$(curl -fsS "$url/health") || fail "GET $url/health"
[ "$(jq -r .server <<<"$health")" = fastapi ] || fail "/health is $health, not the FastAPI peer's"
[ -f "$tmp/stack/stack.env" ] || fail "the stack is not in $tmp/stack (where --dir $dir points)"
echo "ok   BENCHLAB_SERVER_BIN=peers/as-server benchlab up --dir $dir --implementation fastapi: $health"

"$BUILD/benchlab" down --dir "$dir" >"$tmp/down.out" 2>&1 || { cat "$tmp/down.out"; fail "benchlab down --dir $dir"; }
! curl -fsS -m 2 "$url/health" >/dev/null 2>&1 || fail "the peer still answers after benchlab down --dir $dir"
echo "ok   benchlab down --dir $dir: stopped"

echo "stack_relative_paths: ok"
