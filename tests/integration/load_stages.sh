#!/usr/bin/env bash
# benchlab-load stages (docs/scenarios.md, "Stages"), against
# tests/support/load_testserver on 127.0.0.1, about 18 s:
#  1. open model (ramping-arrival-rate): 100/s for 2 s then a step to 300/s
#     for 1 s starts 500 iterations, each second's count follows the target
#     (two threads share the schedule);
#  2. closed model (ramping-vus): a 0 -> 4 VU ramp then 4 VUs on a 100 ms
#     endpoint runs ~7 VU-seconds of iterations, fewer than 4 VUs throughout
#     (two threads: their VUs join the ramp interleaved);
#     ramping down to 1 VU cuts the last second's iterations;
#  3. percentages of --capacity and a file's stages; the summary records them;
#     --duration scales the stages;
#  4. a server slower than the peak rate shows late iterations in the series;
#  5. bad stages are refused (exit 2) with the flag or field named.
# check: alone
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
load=$BUILD/benchlab-load
. tests/integration/lib/common.sh
. tests/integration/lib/load_testserver.sh
[ -x "$load" ] || fail "$load is not built"
testserver_setup load-stages
echo '{"iteration":{"requests":[{"method":"GET","path":"/ok"}]}}' >"$work/ok.json"
echo '{"iteration":{"requests":[{"method":"GET","path":"/delay/100"}]}}' >"$work/slow.json"
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# 1. open model
"$load" run "$work/ok.json" --base-url "$url" --rate 100 --stages 2s:100,0s:300,1s:300 --threads 2 \
    --summary-export "$work/o.json" --timeseries "$work/o.ts" --quiet >/dev/null ||
    fail "open stages: exit $?"
n=$(jq '.metrics.iterations.count + .open_model.dropped_iterations' "$work/o.json")
between "$n" 495 505 || fail "open stages: $n iterations, expected 500"
s0=$(jq -s '.[0].requests' "$work/o.ts")
s2=$(jq -s '.[2].requests' "$work/o.ts")
between "$s0" 90 110 || fail "open stages: second 0 had $s0 requests, expected ~100"
between "$s2" 270 330 || fail "open stages: second 2 had $s2 requests, expected ~300"
[ "$(jq -r '.config.stages.executor' "$work/o.json")" = ramping-arrival-rate ] ||
    fail "open stages: the summary does not record the executor"

# 2. closed model: ramp up (0 -> 4 over 2 s, 4 for 1 s) = 3 + 4 VU-seconds
"$load" run "$work/slow.json" --base-url "$url" --stages 2s:4,1s:4 --threads 2 \
    --summary-export "$work/c.json" --quiet >/dev/null || fail "closed stages: exit $?"
n=$(jq '.metrics.iterations.count' "$work/c.json")
between "$n" 55 80 || fail "closed ramp: $n iterations, expected ~70 (120 at 4 VUs throughout)"
# ramp down: 4 VUs for 2 s, then 1 VU for 1 s
"$load" run "$work/slow.json" --base-url "$url" --vus 4 --stages 2s:4,0s:1,1s:1 \
    --timeseries "$work/d.ts" --quiet >/dev/null || fail "closed ramp-down: exit $?"
last=$(jq -s '.[2].requests' "$work/d.ts")
between "$last" 8 16 || fail "closed ramp-down: $last requests in the last second, expected ~10"

# 3. a file's stages in percent of --capacity
cat >"$work/spike.json" <<JSON
{"executor": "ramping-arrival-rate",
 "stages": [{"duration": "0s", "target": "20%"}, {"duration": "1s", "target": "20%"},
            {"duration": "0s", "target": "150%"}, {"duration": "1s", "target": "150%"}],
 "iteration": {"requests": [{"method": "GET", "path": "/ok"}]}}
JSON
"$load" run "$work/spike.json" --base-url "$url" --capacity 200 \
    --summary-export "$work/p.json" --quiet >/dev/null || fail "percent stages: exit $?"
n=$(jq '.metrics.iterations.count' "$work/p.json")
between "$n" 335 345 || fail "percent stages: $n iterations, expected 40 + 300"
[ "$(jq '.config.stages.stages[1].target' "$work/p.json")" = 40 ] ||
    fail "percent stages: the summary does not record the resolved target"

# --duration scales the stages: 2 s of 20 % then 2 s of 150 % of 200/s
"$load" run "$work/spike.json" --base-url "$url" --capacity 200 --duration 4s \
    --summary-export "$work/q.json" --quiet >/dev/null || fail "scaled stages: exit $?"
n=$(jq '.metrics.iterations.count' "$work/q.json")
between "$n" 670 690 || fail "scaled stages: $n iterations, expected 80 + 600"

# 4. late iterations: 200/s on a 100 ms endpoint with 5 VUs (50/s at most)
"$load" run "$work/slow.json" --base-url "$url" --rate 200 --max-vus 5 --stages 1s:200 \
    --timeseries "$work/l.ts" --quiet >/dev/null
late=$(jq -s 'map(.late // 0) | add' "$work/l.ts")
dropped=$(jq -s 'map(.dropped // 0) | add' "$work/l.ts")
[ "$late" -gt 0 ] || fail "late: no late iteration in the series"
[ "$dropped" -gt 0 ] || fail "late: the iterations left in the backlog at the end are not dropped"

# 5. refusals
expect2() {
    local want=$1
    shift
    "$load" run "$@" --base-url "$url" --quiet >/dev/null 2>"$work/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "$* exited $rc, expected 2"
    grep -q -- "$want" "$work/err" || fail "$*: message lacks '$want': $(cat "$work/err")"
}
expect2 "needs a capacity" "$work/ok.json" --stages 1s:50%
expect2 "stage 2" "$work/ok.json" --stages 1s:5,x
expect2 "every target is 0" "$work/ok.json" --stages 1s:0
expect2 "stages\[0\]" "$work/spike.json"
echo "ok: load stages"
