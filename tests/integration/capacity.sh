#!/usr/bin/env bash
# benchlab capacity (docs/stress.md), about 15 s:
#  1. against tests/support/load_testserver: a 20 ms endpoint served by at most
#     4 connections completes at most 200/s, beyond which the backlog (and p99
#     from the scheduled start) grows without bound; with a 100 ms objective
#     (far from the 20 ms, so a busy machine does not move the answer) the
#     search brackets ~200/s, bisects, prints the curve with the knee and
#     writes the JSON;
#  2. against the private stack (BENCHLAB_URL, when tests/run.sh gives one):
#     basic/01-lightweight with 0.5 s steps finds a capacity and a curve;
#  3. bad arguments exit 2 with the flag named;
#  4. benchlab report lists RESULTS/capacity/*.json in summary.md.
# check: alone
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
lab=$BUILD/benchlab
. tests/integration/lib/common.sh
. tests/integration/lib/load_testserver.sh
[ -x "$lab" ] || fail "$lab is not built"
export BENCHLAB_LOAD_BIN=${BENCHLAB_LOAD_BIN:-$BUILD/benchlab-load}
testserver_setup capacity
echo '{"iteration":{"requests":[{"method":"GET","path":"/delay/20"}]}}' >"$work/d20.json"

# 1. the test server
timeout 60 "$lab" capacity "$work/d20.json" --url "http://127.0.0.1:$port" --step 1s \
    --start 50 --max-vus 4 --tolerance 0.1 --max-steps 9 --objective-ms 100 --out "$work/cap.json" \
    --quiet >"$work/out" 2>"$work/err" || fail "capacity: exit $? $(cat "$work/err")"
cap=$(jq '.capacity' "$work/cap.json")
awk -v c="$cap" 'BEGIN { exit !(c >= 100 && c <= 260) }' ||
    fail "capacity $cap, expected 100..260 (4 connections x 20 ms: 200/s)"
[ "$(jq '.curve | length' "$work/cap.json")" -ge 4 ] || fail "fewer than 4 steps in the curve"
[ "$(jq '[.curve[] | select(.ok == false)] | length' "$work/cap.json")" -ge 1 ] ||
    fail "no failing step: the search did not bracket"
[ "$(jq '.knee.rate == .capacity and .knee.p99_ms <= 100 and .knee.dropped == 0' \
    "$work/cap.json")" = true ] || fail "the knee is not the capacity's passing point"
grep -q -- "<- knee" "$work/out" || fail "the printed curve does not mark the knee"
grep -q "^capacity: " "$work/out" || fail "no capacity line"

# 4. the report lists RESULTS/capacity/*.json (here: the fixture results plus this one)
cp -r tests/fixtures/results-small "$work/results"
mkdir -p "$work/results/capacity"
jq '.implementation = "testserver"' "$work/cap.json" >"$work/results/capacity/testserver-d20.json"
echo '{' >"$work/results/capacity/broken.json"
"$lab" report "$work/results" --out "$work/gen" --summary-dir "$work" >/dev/null 2>&1 ||
    fail "report with capacity files: exit $?"
grep -q "^## Capacity at the latency objective" "$work/summary.md" || fail "no capacity section"
grep -q "^| testserver-d20.json | testserver | .*d20.json | 100 ms | [0-9.]*/s" "$work/summary.md" ||
    fail "capacity row: $(grep -A4 '## Capacity' "$work/summary.md")"
grep -q "^| broken.json | unreadable" "$work/summary.md" || fail "a broken capacity file is not named"

# 2. the private stack
if [ -n "${BENCHLAB_URL:-}" ]; then
    timeout 60 "$lab" capacity basic/01-lightweight --url "$BENCHLAB_URL" --step 0.5s \
        --start 200 --max-rate 3200 --tolerance 0.5 --max-steps 6 --objective-ms 50 \
        --implementation c-ulfius --out "$work/stack.json" --quiet >/dev/null 2>"$work/err" ||
        fail "capacity on the stack: exit $? $(cat "$work/err")"
    [ "$(jq '.capacity >= 200 and (.curve | length) >= 2' "$work/stack.json")" = true ] ||
        fail "capacity on the stack: $(jq -c '{capacity, curve}' "$work/stack.json")"
    [ "$(jq -r '.implementation' "$work/stack.json")" = c-ulfius ] || fail "implementation"
fi

# 3. refusals
expect2() {
    local want=$1
    shift
    "$lab" capacity "$@" >/dev/null 2>"$work/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "capacity $* exited $rc, expected 2"
    grep -q -- "$want" "$work/err" || fail "capacity $*: message lacks '$want'"
}
expect2 "--url URL is required" "$work/d20.json"
expect2 "no such scenario" nope/none --url "http://127.0.0.1:$port"
expect2 "--objective-ms" "$work/d20.json" --url "http://127.0.0.1:$port" --objective-ms -1
expect2 "unknown flag" "$work/d20.json" --url "http://127.0.0.1:$port" --bogus 1
echo "ok: capacity"
