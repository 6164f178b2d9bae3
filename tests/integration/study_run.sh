#!/usr/bin/env bash
# benchlab run end to end against the real stack (PostgreSQL, Redis, server):
#  1. a small plan (a read and a write scenario, 2 runs each) writes every run
#     file, valid, with box statistics, and a complete manifest;
#  2. --resume after a run file went missing runs only that one;
#  3. SIGINT in the middle stops cleanly: exit 130, no process, cgroup or temp
#     dir left; --resume then finishes without redoing finished runs;
#  4. a server killed mid-run makes that run invalid ("server died"); the
#     study restarts it and goes on;
#  5. after a SIGKILL the services are orphaned; the next study stops them
#     and removes their boxes and temp dir;
#  6. bad arguments are refused with a clear message.
# Native boxes when root (local-2core), the unboxed profile otherwise.
# check: parallel, about 92 s
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

work=$(mktemp -d /tmp/benchlab-study-test.XXXXXX)
bg_pid=""
cleanup() {
    if [ -n "$bg_pid" ]; then kill -TERM "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT

profile=local-2core
if [ "$(id -u)" != 0 ] || [ "$(nproc)" -lt 2 ]; then profile=unboxed; fi
echo "profile: $profile"
# shellcheck source=lib/smoke_profile.sh
. tests/integration/lib/smoke_profile.sh
profile=$(smoke_profile "scenarios/profiles/$profile.json" "$work/profiles") || fail "smoke profile"

cat >"$work/small.json" <<'PLAN'
{"description": "test: a read and a write scenario, twice each",
 "defaults": {"runs": 2, "vus": 4, "duration": "1s", "warmup": "500ms"},
 "entries": [{"scenarios": ["basic/01-lightweight", "basic/04-db-write"]}]}
PLAN

# Nothing of a study with this benchlab pid is left: processes, cgroups, temp dirs.
assert_clean() {
    local pid=$1 what=$2
    local dirs
    dirs=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "benchlab-$pid-*" 2>/dev/null | head -5)
    [ -z "$dirs" ] || fail "$what: cgroups left: $dirs"
    ls -d "${TMPDIR:-/tmp}/benchlab-run-$pid-"* >/dev/null 2>&1 && fail "$what: stack temp dir left"
    for f in "$work"/pids-"$pid"/*.pid; do
        [ -f "$f" ] || continue
        local p
        p=$(cat "$f")
        if [ -n "$p" ] && kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$p/status"; then
            fail "$what: process $p ($(basename "$f")) still running"
        fi
    done
    return 0
}

# Copies the stack's PID files while a study runs (to check them afterwards).
watch_pids() {
    local pid=$1
    mkdir -p "$work/pids-$pid"
    while kill -0 "$pid" 2>/dev/null; do
        for f in "${TMPDIR:-/tmp}/benchlab-run-$pid-"*/*.pid; do
            [ -f "$f" ] && cp "$f" "$work/pids-$pid/" 2>/dev/null
        done
        sleep 0.2
    done
}

# --- 1. the small plan -------------------------------------------------------
res=$work/res
"$lab" run "$work/small.json" --profile "$profile" --results "$res" >"$work/run1.out" 2>&1 &
bg_pid=$!
watch_pids "$bg_pid" &
wait "$bg_pid"
rc=$?
wait
first_pid=$bg_pid
bg_pid=""
cat "$work/run1.out"
[ "$rc" = 0 ] || fail "benchlab run exited $rc"
for s in basic/01-lightweight basic/04-db-write; do
    for r in 01 02; do
        f=$res/raw/$s/c-ulfius-epoll/run-$r.json
        [ -f "$f" ] || fail "missing $f"
        python3 - "$f" "$profile" <<'PY' || fail "bad run file $f"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is True, j["invalid_reasons"]
assert j["summary"]["metrics"]["http_reqs"]["count"] > 0
# the validity rules it was judged by, and the host's load during the run
v = j["validity"]
assert v["rules"]["min_requests"] == 0 and v["broken"] == [], v
assert "overrun" in v["checked"] and "min-requests" in v["checked"], v
# the database's own cost (pg_stat_statements, postgresql-contrib) of a DB scenario
if "04-db-write" in sys.argv[1]:
    assert j["db"]["calls"] >= j["summary"]["metrics"]["http_reqs"]["count"] and j["db"]["exec_ms"] > 0, j.get("db")
    assert any("INSERT" in st["query"] for st in j["db"]["statements"]), j["db"]["statements"]
h = j["host_load"]
assert h["cpus"] >= 1 and h["wall_s"] > 0 and h["busy_s"] >= 0 and h["loadavg_max"] >= 0, h
assert h["boxed"] is (not sys.argv[2].endswith("/unboxed.json")), h
assert j["params"]["vus"] == 4 and j["run"] in (1, 2) and j["warmup"] is False
if not sys.argv[2].endswith("/unboxed.json"):
    srv = j["boxes"]["server"]
    assert srv["available"] and srv["cpu_user_s"] + srv["cpu_sys_s"] > 0, srv
    assert srv["memory_peak_bytes"] > 0 and srv["oom_kills"] == 0, srv
    assert "postgres" in j["boxes"]
PY
        # the driver's per-second series sits next to the run file, with the
        # server box's CPU added to each sampled second when boxed
        ts=${f%.json}.timeseries.jsonl
        python3 - "$ts" "$profile" <<'PY' || fail "bad time series $ts"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) >= 1 and sum(l["requests"] for l in lines) > 0, lines
if not sys.argv[2].endswith("/unboxed.json"):
    assert any(l.get("server_cpu", 0) > 0 for l in lines), lines
PY
    done
done
python3 - "$res/manifest.json" <<'PY' || fail "bad manifest"
import json, os, sys
m = json.load(open(sys.argv[1]))
assert m["completed"] is True and m["runs_on_disk"] == 4 and m["planned_runs"] == 4, m
assert m["host"]["cores"] >= 1 and m["host"]["kernel"]
assert m["versions"]["libpq"] and m["versions"]["ulfius"] and m["ended_at"]
assert m["plan"] == "small"
# a copy of the seeded template (tests/run.sh sets the variable) is recorded, else nothing
t = m.get("pg_template")
if os.environ.get("BENCHLAB_PG_TEMPLATE"):
    assert len(t) == 1 and len(t[0]["key"]) == 64 and t[0]["at"], t
else:
    assert t is None, t
PY
# the write scenario's rows were reset before each run: 04 sees a fresh table,
# and 01 never saw more (its runs are valid above)
assert_clean "$first_pid" "after a complete study"
grep -q "4/4 runs to do" "$work/run1.out" || fail "progress did not announce the runs"

# a plan's min_requests wins over the profile's: a run too short for it is
# kept, marked invalid with the rule's reason, and the study exits 0
cat >"$work/short.json" <<'PLAN'
{"description": "test: a run with too few requests",
 "defaults": {"runs": 1, "vus": 2, "duration": "1s", "min_requests": 100000},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
"$lab" run "$work/short.json" --profile "$profile" --results "$work/res-short" >"$work/short.out" 2>&1 ||
    fail "a study with an invalid run exited $?: $(cat "$work/short.out")"
python3 - "$work/res-short/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" <<'PY' ||
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is False and j["params"]["min_requests"] == 100000, j["invalid_reasons"]
assert any(r.startswith("min-requests: ") and r.endswith(" < 100000") for r in j["invalid_reasons"]), j["invalid_reasons"]
assert j["validity"]["broken"] == ["min-requests"], j["validity"]
PY
    fail "the too-short run is not invalid for min-requests"
grep -q "INVALID (min-requests: " "$work/short.out" || fail "progress did not say why the run is invalid"

# interleaved order: two configurations of one scenario take turns in a
# seeded order recorded in the manifest, the server restarted before every
# run; a resume follows the recorded order and runs only what is missing
cat >"$work/rmit.json" <<'PLAN'
{"description": "test: randomized interleaved trials",
 "defaults": {"runs": 2, "vus": 2, "duration": "1s", "warmup": "200ms"},
 "entries": [{"scenarios": ["basic/01-lightweight"], "threading": ["epoll", "pool"]}]}
PLAN
"$lab" run "$work/rmit.json" --profile "$profile" --results "$work/res-rmit" --order interleaved \
    --seed 11 >"$work/rmit.out" 2>&1 || fail "interleaved study: $(cat "$work/rmit.out")"
python3 - "$work/res-rmit" <<'PY' || fail "interleaved order not recorded or not followed"
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
o = m["order"]
assert o["mode"] == "interleaved" and o["seed"] == 11 and len(o["runs"]) == 4, o
assert sorted(r[2] for r in o["runs"]) == [1, 1, 2, 2], o
assert {r[1] for r in o["runs"][:2]} == {"c-ulfius-epoll", "c-ulfius-pool"}, o  # trial 1 has both
started = [json.load(open("%s/raw/%s/%s/run-%02d.json" % (d, s, c, r)))["started_at"] for s, c, r in o["runs"]]
assert started == sorted(started), started
PY
rm "$work/res-rmit/raw/basic/01-lightweight/c-ulfius-pool/run-02.json"
"$lab" run "$work/rmit.json" --profile "$profile" --results "$work/res-rmit" \
    --resume >"$work/rmit2.out" 2>&1 || fail "interleaved resume: $(cat "$work/rmit2.out")"
grep -q "1/4 runs to do" "$work/rmit2.out" || fail "interleaved resume redid runs: $(cat "$work/rmit2.out")"
[ -f "$work/res-rmit/logs/basic/01-lightweight/c-ulfius-pool/warmup-02.log" ] ||
    fail "the resumed study is not interleaved (no per-run warm-up log)"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["order"]["seed"] == 11' \
    "$work/res-rmit/manifest.json" || fail "resume did not keep the recorded seed"

# --- 2. resume fills only the gap --------------------------------------------
keep=$res/raw/basic/04-db-write/c-ulfius-epoll/run-01.json
before=$(stat -c %Y.%s "$keep")
rm "$res/raw/basic/01-lightweight/c-ulfius-epoll/run-02.json"
# without --resume the same results dir is refused
"$lab" run "$work/small.json" --profile "$profile" --results "$res" >"$work/run2.out" 2>&1
[ $? = 2 ] || fail "a second run without --resume was not refused"
grep -q "already holds a study" "$work/run2.out" || fail "refusal without a reason: $(cat "$work/run2.out")"
"$lab" run "$work/small.json" --profile "$profile" --results "$res" --resume >"$work/run3.out" 2>&1 ||
    fail "resume failed: $(cat "$work/run3.out")"
grep -q "1/4 runs to do" "$work/run3.out" || fail "resume did not skip finished runs: $(cat "$work/run3.out")"
[ -f "$res/raw/basic/01-lightweight/c-ulfius-epoll/run-02.json" ] || fail "resume did not redo the missing run"
[ "$(stat -c %Y.%s "$keep")" = "$before" ] || fail "resume rewrote a finished run"

# --- 3. SIGINT mid-study, then resume ---------------------------------------
cat >"$work/long.json" <<'PLAN'
{"defaults": {"runs": 3, "vus": 2, "duration": "2s"},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
res2=$work/res2
"$lab" run "$work/long.json" --profile "$profile" --results "$res2" >"$work/run4.out" 2>&1 &
bg_pid=$!
watch_pids "$bg_pid" &
for _ in $(seq 1 600); do
    [ -f "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" ] && break
    sleep 0.1
done
[ -f "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" ] || fail "first run never finished: $(cat "$work/run4.out")"
sleep 0.5 # in the middle of run 2
kill -INT "$bg_pid"
wait "$bg_pid"
rc=$?
wait
int_pid=$bg_pid
bg_pid=""
cat "$work/run4.out"
[ "$rc" = 130 ] || fail "SIGINT: exit $rc, expected 130"
assert_clean "$int_pid" "after SIGINT"
[ ! -f "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-03.json" ] || fail "run 3 exists after SIGINT"
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m['completed'] is False" \
    "$res2/manifest.json" || fail "manifest says complete after SIGINT"
for f in "$res2"/raw/basic/01-lightweight/c-ulfius-epoll/*tmp*; do
    [ -e "$f" ] && fail "a temp file was left in raw/: $f"
done
first=$(stat -c %Y.%s "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json")
"$lab" run "$work/long.json" --profile "$profile" --results "$res2" --resume >"$work/run5.out" 2>&1 ||
    fail "resume after SIGINT failed: $(cat "$work/run5.out")"
grep -Eq "[12]/3 runs to do" "$work/run5.out" || fail "resume after SIGINT redid finished runs"
[ "$(stat -c %Y.%s "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json")" = "$first" ] ||
    fail "run 1 was rewritten"
[ -f "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-03.json" ] || fail "resume did not finish"

# --- 4. the server dies mid-run: that run is invalid, the study goes on -----
res3=$work/res3
"$lab" run "$work/long.json" --profile "$profile" --results "$res3" >"$work/run6.out" 2>&1 &
bg_pid=$!
for _ in $(seq 1 600); do
    [ -f "$res3/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" ] && break
    sleep 0.1
done
sleep 0.5
server_pid=$(cat "${TMPDIR:-/tmp}/benchlab-run-$bg_pid-"*/server.pid 2>/dev/null)
[ -n "$server_pid" ] || fail "no server.pid in the study's stack dir"
kill -KILL "$server_pid"
wait "$bg_pid"
rc=$?
bg_pid=""
cat "$work/run6.out"
[ "$rc" = 0 ] || fail "a dead server stopped the study (exit $rc)"
python3 - "$res3/raw/basic/01-lightweight/c-ulfius-epoll" <<'PY' || fail "server death not recorded"
import json, sys
runs = [json.load(open("%s/run-%02d.json" % (sys.argv[1], r))) for r in (1, 2, 3)]
assert runs[1]["valid"] is False, runs[1]["invalid_reasons"]
assert any("server died" in r for r in runs[1]["invalid_reasons"]), runs[1]["invalid_reasons"]
assert runs[2]["valid"] is True, runs[2]["invalid_reasons"]  # restarted
PY

# --- 5. SIGKILL leaves services behind; the next study stops them ---------
res4=$work/res4
"$lab" run "$work/long.json" --profile "$profile" --results "$res4" >"$work/run7.out" 2>&1 &
bg_pid=$!
for _ in $(seq 1 600); do
    [ -f "$res4/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" ] && break
    sleep 0.1
done
orphan=$(cat "${TMPDIR:-/tmp}/benchlab-run-$bg_pid-"*/server.pid 2>/dev/null)
[ -n "$orphan" ] || fail "no server.pid before SIGKILL"
kill -KILL "$bg_pid"
wait "$bg_pid" 2>/dev/null
killed_pid=$bg_pid
bg_pid=""
kill -0 "$orphan" 2>/dev/null || fail "the server died with benchlab (expected it orphaned)"
"$lab" run "$work/long.json" --profile "$profile" --results "$res4" --resume >"$work/run8.out" 2>&1 ||
    fail "resume after SIGKILL failed: $(cat "$work/run8.out")"
grep -Eq "stopped [0-9]+ stack\(s\) left by an earlier benchlab run" "$work/run8.out" ||
    fail "the orphaned stack was not reported: $(cat "$work/run8.out")"
for _ in $(seq 1 50); do kill -0 "$orphan" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$orphan" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$orphan/status"; then
    fail "orphaned server $orphan still runs"
fi
assert_clean "$killed_pid" "after SIGKILL and the next study"

# --- 6. bad arguments ----------------------------------------------------------
out=$("$lab" run nosuchplan 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "unknown plan: exit $rc"
grep -q "no plan 'nosuchplan'" <<<"$out" || fail "unknown plan: $out"
out=$("$lab" run quick --profile study 2>&1)
if [ "$(nproc)" -lt 6 ]; then
    grep -q "needs at least 6 CPUs" <<<"$out" || fail "study profile on a small host: $out"
fi
out=$("$lab" run quick --runs 0 2>&1)
grep -q "expected an integer 1..1000" <<<"$out" || fail "--runs 0: $out"
echo "study_run: all passed"
