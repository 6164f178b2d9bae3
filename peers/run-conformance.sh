#!/usr/bin/env bash
# Starts one peer through its launcher (peers/<name>/start) on a free port
# against the database/Redis/upstream named by BENCHLAB_PG, BENCHLAB_REDIS and
# BENCHLAB_UPSTREAM, runs peers/conformance.py against it, stops it with
# SIGTERM while a request is in flight and checks that the request is answered
# and the server exits 0 within 15 s.
#   peers/run-conformance.sh NAME [WORKERS]
# Exit 0 when everything passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: run-conformance.sh NAME [WORKERS]}
workers=${2:-1}
start="$here/$name/start"
[ -x "$start" ] || { echo "run-conformance: no launcher $start" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp /tmp/peers-"$name".XXXXXX.log)
secret="conformance-$RANDOM-$RANDOM-secret"
peer_name="peer-$name-under-test"

BENCHLAB_LISTEN="127.0.0.1:$port" BENCHLAB_NAME="$peer_name" BENCHLAB_WORKERS="$workers" \
    BENCHLAB_JWT_SECRET="$secret" BENCHLAB_DB_POOL=4 "$start" >"$log" 2>&1 &
pid=$!
# shellcheck disable=SC2317 # called by the EXIT trap
stop() {
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
    rm -f "$log"
}
trap stop EXIT

url="http://127.0.0.1:$port"
up=0
for _ in $(seq 200); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -fs -o /dev/null "$url/health"; then up=1 && break; fi
    sleep 0.1
done
if [ "$up" != 1 ]; then
    echo "FAIL: $name (workers=$workers) did not answer /health on $url within 20 s; its log:"
    cat "$log"
    exit 1
fi
echo "$name (workers=$workers) up on $url (pid $pid)"

upstream=()
[ -n "${BENCHLAB_UPSTREAM:-}" ] && upstream=(--upstream)
python3 "$here/conformance.py" "$url" --name "$peer_name" --jwt-secret "$secret" "${upstream[@]}"
rc=$?

# SIGTERM while a request is in flight: it must still be answered (drain).
inflight=$(mktemp /tmp/peers-inflight.XXXXXX)
curl -s -o /dev/null -w '%{http_code}' "$url/io/sleep" >"$inflight" &
curl_pid=$!
for _ in $(seq 100); do # until curl's connection is established
    [ -n "$(ss -tnH state established "( dport = :$port )" 2>/dev/null)" ] && break
    sleep 0.01
done
sleep 0.02
kill -TERM "$pid"
wait "$curl_pid"
if [ "$(cat "$inflight")" != 200 ]; then
    echo "FAIL: $name did not finish a request in flight at SIGTERM (got '$(cat "$inflight")')"
    rc=1
fi
rm -f "$inflight"
for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: $name did not exit within 15 s of SIGTERM"
    rc=1
else
    wait "$pid"
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL: $name exited $status after SIGTERM"
        rc=1
    fi
fi
if [ -s "$log" ]; then
    echo "--- $name log (empty when healthy with logging off):"
    head -n 40 "$log"
    if [ "${BENCHLAB_LOG_LEVEL:-off}" = off ]; then
        echo "FAIL: $name wrote to stdout/stderr with logging off"
        rc=1
    fi
fi
[ "$rc" -eq 0 ] && echo "PASS: $name (workers=$workers) conformance + clean SIGTERM"
exit "$rc"
