#!/usr/bin/env bash
# benchlab run checks every scenario of the study before the first run (also
# with --dry-run), through `benchlab-load check` (the driver's strict loader):
#  1. a plan whose last unit names a scenario with an unknown key: --dry-run
#     exits 2 naming the file and the field, and prints no plan;
#  2. the same without --dry-run: exit 2, no results directory, no stack;
#  3. a wrong type, and a load the scenario refuses (a rate for a serial one);
#  4. plan and profile files: an unknown key is refused the same way;
#  5. a plan of good files: --dry-run exits 0 and lists its units.
# No service is started. About 2 s.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
lab=$ROOT/$BUILD/benchlab
case $BUILD in /*) lab=$BUILD/benchlab ;; esac

fail() {
    echo "FAIL: $*"
    exit 1
}
for p in benchlab benchlab-load; do
    [ -x "$(dirname "$lab")/$p" ] || fail "$(dirname "$lab")/$p is not built"
done

work=$(mktemp -d /tmp/benchlab-study-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
sc=$work/scenarios
mkdir -p "$sc/plans" "$sc/profiles" "$sc/basic" "$sc/bad"
cp scenarios/profiles/unboxed.json "$sc/profiles/"
cp scenarios/basic/01-lightweight.json scenarios/basic/02-json.json "$sc/basic/"
cat >"$sc/bad/unknown-key.json" <<'EOF'
{"description": "a request with a key the driver does not know",
 "iteration": {"requests": [{"path": "/health", "checks": [{"status": 200}], "retries": 3}]}}
EOF
cat >"$sc/bad/wrong-type.json" <<'EOF'
{"duration": true, "iteration": {"requests": [{"path": "/health"}]}}
EOF
cat >"$sc/bad/serial.json" <<'EOF'
{"serial": true, "vus": 1, "iteration": {"requests": [{"path": "/health"}]}}
EOF
plan() { # NAME ENTRIES-JSON
    echo "{\"description\": \"test\", \"defaults\": {\"runs\": 1, \"vus\": 2, \"duration\": \"1s\"}, \"entries\": $2}" \
        >"$sc/plans/$1.json"
}
plan good '[{"scenarios": ["basic/*"]}]'
plan unknown '[{"scenarios": ["basic/*"]}, {"scenarios": ["bad/unknown-key"], "threading": ["epoll", "pool"]}]'
plan wrongtype '[{"scenarios": ["bad/wrong-type"]}]'
plan serialrate '[{"scenarios": ["bad/serial"], "rate": 100}]'

# run_study NAME ARGS...: benchlab run with the test's scenarios; output in $work/NAME.{out,err}
run_study() {
    local name=$1
    shift
    (cd "$work" && "$lab" run "$@" --scenarios "$sc" --profile unboxed) >"$work/$name.out" 2>"$work/$name.err"
}

# --- 1. unknown key, --dry-run ------------------------------------------------------
run_study unknown-dry unknown --dry-run --results "$work/res-unknown"
rc=$?
[ "$rc" -eq 2 ] || fail "unknown key, --dry-run: exit $rc, expected 2: $(cat "$work/unknown-dry.err")"
grep -qF "$sc/bad/unknown-key.json: iteration.requests[0].retries: unknown key" "$work/unknown-dry.err" ||
    fail "unknown key: the message does not name the file and field: $(cat "$work/unknown-dry.err")"
grep -q "no run started" "$work/unknown-dry.err" || fail "unknown key: no 'no run started'"
[ "$(grep -c 'refused by benchlab-load check' "$work/unknown-dry.err")" -eq 1 ] ||
    fail "unknown key: the file should be checked once for its two units: $(cat "$work/unknown-dry.err")"
[ ! -s "$work/unknown-dry.out" ] || fail "unknown key, --dry-run printed the plan: $(cat "$work/unknown-dry.out")"
echo "ok: --dry-run refused: $(head -n 1 "$work/unknown-dry.err")"

# --- 2. the same, for real: nothing starts ------------------------------------------
ls -d /tmp/benchlab-run-* 2>/dev/null | sort >"$work/stacks.before"
run_study unknown-run unknown --results "$work/res-unknown"
rc=$?
[ "$rc" -eq 2 ] || fail "unknown key: exit $rc, expected 2: $(cat "$work/unknown-run.err")"
grep -qF "$sc/bad/unknown-key.json: iteration.requests[0].retries" "$work/unknown-run.err" ||
    fail "unknown key (run): no file and field: $(cat "$work/unknown-run.err")"
[ ! -e "$work/res-unknown" ] || fail "unknown key: a results directory was made"
ls -d /tmp/benchlab-run-* 2>/dev/null | sort >"$work/stacks.after"
new=$(comm -13 "$work/stacks.before" "$work/stacks.after")
[ -z "$new" ] || fail "unknown key: a stack directory was made: $new"
echo "ok: run refused before anything started"

# --- 3. wrong type; a load the scenario refuses -------------------------------------
run_study wrongtype wrongtype --dry-run
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$sc/bad/wrong-type.json: duration: expected a duration" "$work/wrongtype.err" ||
    fail "wrong type: exit $rc: $(cat "$work/wrongtype.err")"
echo "ok: wrong type: $(head -n 1 "$work/wrongtype.err")"
run_study serialrate serialrate --dry-run
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$sc/bad/serial.json: serial scenario" "$work/serialrate.err" &&
    grep -q "load --vus 1 --duration 1s --rate 100" "$work/serialrate.err" ||
    fail "a rate for a serial scenario: exit $rc: $(cat "$work/serialrate.err")"
echo "ok: a rate for a serial scenario: $(head -n 1 "$work/serialrate.err")"

# --- 4. plan and profile files ------------------------------------------------------
echo '{"description": "x", "defaults": {"runs": 1, "vus": 2, "duration": "1s", "vu": 3}, "entries": [{"scenarios": ["basic/*"]}]}' \
    >"$sc/plans/badplan.json"
run_study badplan badplan --dry-run
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$sc/plans/badplan.json: defaults.vu: unknown key" "$work/badplan.err" ||
    fail "plan with an unknown key: exit $rc: $(cat "$work/badplan.err")"
sed 's/"backend"/"backend_x": 1, "backend"/' scenarios/profiles/unboxed.json >"$work/badprofile.json"
(cd "$work" && "$lab" run good --scenarios "$sc" --profile "$work/badprofile.json" --dry-run) \
    >/dev/null 2>"$work/badprofile.err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$work/badprofile.json: backend_x" "$work/badprofile.err" ||
    fail "profile with an unknown key: exit $rc: $(cat "$work/badprofile.err")"
echo "ok: plan and profile with unknown keys refused"

# --- 5. good files --------------------------------------------------------------------
run_study good good --dry-run || fail "good plan: $(cat "$work/good.err")"
grep -q "basic/02-json" "$work/good.out" || fail "good plan: units not listed: $(cat "$work/good.out")"
echo "ok: a plan of good files passes --dry-run"
echo "study_check: all passed"
