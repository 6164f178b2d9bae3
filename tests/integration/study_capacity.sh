#!/usr/bin/env bash
# check: alone
# A capacity unit in a study (docs/stress.md, "Capacity in a study"), about
# 40 s: a plan with objective_ms runs a tiny capacity search (1 s steps, at
# most 4, a lax 1 s objective: on a loaded 2-core host /health's p99 at 200/s
# was 160 ms) twice against c-ulfius on the study's own stack;
#  1. each run file is a capacity search ("kind": "capacity", valid, a curve,
#     the capacity >= the start rate), the manifest records what the server
#     runs on (implementations.c-ulfius.framework);
#  2. --resume finds both runs on disk and measures nothing;
#  3. benchlab report of these results alone (no closed-model run) writes the
#     capacity table, the curve data and the macros, and the summary section.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$(pwd)}
lab=$BUILD/benchlab
fail() {
    echo "FAIL: $*"
    exit 1
}
for p in benchlab benchlab-load; do
    [ -x "$BUILD/$p" ] || fail "$BUILD/$p is not built"
done
[ -x "${BENCHLAB_SERVER_BIN:-$BUILD/benchlab-server}" ] || fail "no server program to run"
command -v jq >/dev/null || fail "jq missing (make deps)"
work=$(mktemp -d /tmp/benchlab-capacity-study.XXXXXX)
trap 'rm -rf "$work"' EXIT
profile=local-2core
if [ "$(id -u)" != 0 ] || [ "$(nproc)" -lt 2 ]; then profile=unboxed; fi
# shellcheck source=lib/smoke_profile.sh
. tests/integration/lib/smoke_profile.sh
profile=$(smoke_profile "scenarios/profiles/$profile.json" "$work/profiles") || fail "smoke profile"

cat >"$work/cap.json" <<'PLAN'
{"description": "test: a tiny capacity search, twice",
 "defaults": {"runs": 2, "duration": "1s", "warmup": "0s", "max_vus": 50},
 "entries": [{"scenarios": ["basic/01-lightweight"], "objective_ms": 1000, "rate": 200,
              "search_steps": 4, "search_tolerance": 0.5}]}
PLAN
res=$work/res
timeout 300 "$lab" run "$work/cap.json" --profile "$profile" --results "$res" >"$work/run.out" 2>&1 ||
    { cat "$work/run.out"; fail "benchlab run exited $?"; }
dir=$res/raw/basic/01-lightweight/c-ulfius-epoll-slo1000ms
for r in 01 02; do
    f=$dir/run-$r.json
    [ -f "$f" ] || { cat "$work/run.out"; fail "missing $f"; }
    jq -e '.kind == "capacity" and .valid and .implementation == "c-ulfius" and .run > 0
           and .capacity.objective_p99_ms == 1000 and .capacity.capacity >= 200
           and (.capacity.curve | length) >= 2 and (.capacity.curve | length) <= 4
           and .capacity.steps == (.capacity.curve | length)
           and .capacity.knee.rate == .capacity.capacity' "$f" >/dev/null ||
        fail "bad capacity run file $f: $(jq -c '.capacity' "$f")"
done
grep -q "run 1/2: capacity [0-9.]*/s at p99 <= 1000 ms" "$work/run.out" ||
    fail "no capacity line in the progress: $(tail -5 "$work/run.out")"
jq -e '.implementations["c-ulfius"].framework | startswith("benchlab-server ulfius/")' \
    "$res/manifest.json" >/dev/null || fail "manifest.implementations: $(jq -c .implementations "$res/manifest.json")"

# 2. resume: nothing to do
"$lab" run "$work/cap.json" --profile "$profile" --results "$res" --resume >"$work/resume.out" 2>&1 ||
    fail "resume exited $?: $(tail -3 "$work/resume.out")"
grep -q "0/2 runs to do" "$work/resume.out" || fail "resume: $(head -3 "$work/resume.out")"

# 3. the report of capacity runs alone
"$lab" report "$res" --out "$work/gen" --summary-dir "$work" >"$work/report.out" 2>&1 ||
    { cat "$work/report.out"; fail "report exited $?"; }
grep -q 'c-ulfius' "$work/gen/tables/capacity.tex" || fail "capacity table lacks c-ulfius"
grep -qxF '\blset{capacity/count}{\num{1}}' "$work/gen/macros.tex" &&
    grep -qxF '\blcapacitytrue' "$work/gen/macros.tex" &&
    grep -q '^\\blset{capacity/basic-01/c-ulfius/n}{\\num{2}}$' "$work/gen/macros.tex" ||
    fail "capacity macros: $(grep capacity "$work/gen/macros.tex")"
[ "$(grep -vc '^#\|^$' "$work/gen/data/capacity.dat")" -ge 2 ] || fail "no curve in capacity.dat"
grep -q '^cap_titles = "c-ulfius:basic-01"; cap_n = 1; cap_objective = 1000$' \
    "$work/gen/data/capacity.meta" || fail "capacity.meta: $(cat "$work/gen/data/capacity.meta")"
grep -q '^| basic/01-lightweight | c-ulfius-epoll-slo1000ms | 1000 ms | ' "$work/summary.md" ||
    fail "summary.md has no capacity row"
echo "capacity study: $(jq -c '[.capacity.capacity, .capacity.steps]' "$dir"/run-0[12].json | tr '\n' ' ')ok"
