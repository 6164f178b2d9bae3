#!/usr/bin/env bash
# benchlab stress RUN.json (docs/stress.md) on synthetic run files and series
# (no server; under a second):
#  1. a spike run (arrival-rate stages in the summary): the window comes from
#     the stages, recovery from the series (p99 back within 2x for 3 s);
#  2. a soak run: a rising server_rss_mb is flagged as a leak, a flat one not;
#  3. a run without its series, or a bad flag, is refused.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
lab=$BUILD/benchlab
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$lab" ] || fail "$lab is not built"
work=$(mktemp -d /tmp/benchlab-stress.XXXXXX)
trap 'rm -rf "$work"' EXIT

# 1. spike: 10 s at 20, 5 s at 150, 15 s at 20; p99 2 ms, 100 ms in the spike,
#    10 ms for 4 s after it, then 2 ms: recovered 4 s after the spike's end
cat >"$work/spike.json" <<'JSON'
{"scenario": "stress/21-spike", "config": "c-ulfius-epoll",
 "summary": {"config": {"stages": {"executor": "ramping-arrival-rate", "start": 0,
   "stages": [{"duration_s": 0, "target": 20}, {"duration_s": 10, "target": 20},
              {"duration_s": 0, "target": 150}, {"duration_s": 5, "target": 150},
              {"duration_s": 0, "target": 20}, {"duration_s": 15, "target": 20}]}}}}
JSON
for t in $(seq 0 29); do
    p=2 d=0 l=0
    [ "$t" -ge 10 ] && [ "$t" -lt 15 ] && p=100 d=3 l=40
    [ "$t" -ge 15 ] && [ "$t" -lt 19 ] && p=10
    echo "{\"t\":$t,\"requests\":100,\"errors\":0,\"p50_ms\":1,\"p99_ms\":$p,\"dropped\":$d,\"late\":$l}"
done >"$work/spike.timeseries.jsonl"
"$lab" stress "$work/spike.json" --json >"$work/s.out" || fail "spike: exit $?"
[ "$(jq '.kind == "spike" and .spike_from_s == 10 and .spike_to_s == 15 and .recovered
        and .recovery_s == 4 and .baseline_p99_ms == 2 and .dropped == 15 and .late == 200' \
    "$work/s.out")" = true ] || fail "spike: $(cat "$work/s.out")"
"$lab" stress "$work/spike.json" --factor 6 --json | jq -e '.recovery_s == 0' >/dev/null ||
    fail "spike: --factor 6 should count 10 ms as recovered"

# 2. soak
echo '{"scenario": "stress/22-soak", "summary": {"config": {}}}' >"$work/soak.json"
for t in $(seq 0 59); do
    echo "{\"t\":$t,\"requests\":100,\"errors\":$((t % 20 == 0)),\"p50_ms\":1,\"p99_ms\":$((2 + t % 3)),\"server_rss_mb\":$((40 + t / 2)).$((t % 7))}"
done >"$work/soak.timeseries.jsonl"
"$lab" stress "$work/soak.json" --json >"$work/k.out" || fail "soak: exit $?"
[ "$(jq '.kind == "soak" and .leak and .rss_sampled and .rss_mb_per_min.lo > 0' "$work/k.out")" = true ] ||
    fail "soak: a rising RSS is not flagged: $(cat "$work/k.out")"
sed -i 's/"server_rss_mb":[0-9.]*/"server_rss_mb":40/' "$work/soak.timeseries.jsonl"
"$lab" stress "$work/soak.json" --json | jq -e '.leak == false' >/dev/null ||
    fail "soak: a flat RSS is flagged"

# 3. refusals
rm "$work/soak.timeseries.jsonl"
"$lab" stress "$work/soak.json" >/dev/null 2>"$work/err"
[ $? -eq 1 ] && grep -q "no per-second series" "$work/err" || fail "a missing series: $(cat "$work/err")"
"$lab" stress "$work/spike.json" --hold 0 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--hold 0 accepted"
echo "ok: benchlab stress"
