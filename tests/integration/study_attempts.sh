#!/usr/bin/env bash
# Failed attempts other than a full disk (docs/study.md, "Disk space and
# failed attempts"): the lab's own failures are recorded in attempts.jsonl,
# never as run files (valid or invalid):
#  1. a server that cannot start (--server-bin /bin/false): a server-start
#     attempt for the unit's first run, the unit skipped, exit 1, nothing left;
#  2. a driver killed by a signal during run 1 (a stand-in benchlab-load
#     that kills itself on `run`): a driver-killed attempt, the study goes on
#     and run 2 is measured (exit 1: run 1 is missing);
#  3. a driver that cannot write its summary (exit 3) on a disk with room: a
#     driver-output attempt and a clean stop; --resume with the real driver
#     then completes the study.
# Unboxed, no root needed, only the server (01-lightweight). About 20 s.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$(pwd)}
ROOT=$(pwd)
case $BUILD in /*) bin=$BUILD ;; *) bin=$ROOT/$BUILD ;; esac
lab=$bin/benchlab

. tests/integration/lib/common.sh
need_built "$bin" benchlab benchlab-load benchlab-server
work=$(mktemp -d /tmp/benchlab-attempts.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/cwd"
export TMPDIR=$work/tmp

cat >"$work/plan.json" <<'PLAN'
{"description": "test: one light scenario, two runs",
 "defaults": {"runs": 2, "vus": 2, "duration": "1s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
# A benchlab-load that behaves on check and verify and fails `run` as told
# (the run's summary path is in its arguments).
cat >"$work/fake-load" <<EOF
#!/bin/sh
if [ "\$1" = run ] && [ -f "$work/fail-next" ]; then
    how=\$(cat "$work/fail-next")
    rm -f "$work/fail-next"
    case \$how in
    kill) kill -SEGV \$\$ ;;
    nowrite) echo "benchlab-load: cannot write the summary: Input/output error" >&2; exit 3 ;;
    esac
fi
exec "$bin/benchlab-load" "\$@"
EOF
chmod +x "$work/fake-load"
# shellcheck source=lib/smoke_profile.sh
. tests/integration/lib/smoke_profile.sh
profile=$(smoke_profile scenarios/profiles/unboxed.json "$work/profiles") || fail "smoke profile"
# no driver calibration: its benchlab-load run would take the failure meant for run 1
python3 - "$profile" <<'PY' || fail "profile without calibration"
import json, sys
p = json.load(open(sys.argv[1]))
p["driver"]["calibrate_s"] = 0
json.dump(p, open(sys.argv[1], "w"), indent=1)
PY

study() { # RESULTS ARGS...
    local res=$1
    shift
    (cd "$work/cwd" && "$lab" run "$work/plan.json" --profile "$profile" --results "$res" --min-free 0 "$@")
}
attempt() { # RESULTS LINE FIELD
    python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])])[sys.argv[3]])' \
        "$1/attempts.jsonl" "$2" "$3"
}
leftovers() {
    find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$work/*" -printf '%h\n' 2>/dev/null |
        while read -r p; do [ "${p#/proc/}" = $$ ] || echo "${p#/proc/}"; done
}
raw=raw/basic/01-lightweight/c-ulfius-epoll

# --- 1. the server cannot start ------------------------------------------------------
r1=$work/r1
study "$r1" --server-bin /bin/false >"$work/1.out" 2>"$work/1.err"
rc=$?
[ "$rc" -eq 1 ] || fail "server cannot start: exit $rc: $(cat "$work/1.err")"
grep -q "run 1/2: FAILED ATTEMPT, not a measurement (server-start: server failed to start" "$work/1.err" ||
    fail "server cannot start: no attempt line: $(cat "$work/1.err")"
[ "$(attempt "$r1" 0 kind)/$(attempt "$r1" 0 run)" = server-start/1 ] || fail "attempt: $(cat "$r1/attempts.jsonl")"
[ -z "$(find "$r1/raw" -name 'run-*.json' 2>/dev/null)" ] || fail "server cannot start: a run file was written"
[ -z "$(leftovers)" ] || fail "server cannot start: processes left: $(leftovers)"
[ -z "$(ls -A "$work/tmp")" ] || fail "server cannot start: stack directory left"
echo "ok 1: a server that cannot start is a failed attempt, not a run"

# --- 2. the driver is killed during run 1 -----------------------------------------------
r2=$work/r2
echo kill >"$work/fail-next"
BENCHLAB_LOAD_BIN=$work/fake-load study "$r2" >"$work/2.out" 2>"$work/2.err"
rc=$?
[ "$rc" -eq 1 ] || fail "driver killed: exit $rc (1: a run is missing): $(cat "$work/2.err")"
grep -q "run 1/2: FAILED ATTEMPT, not a measurement (driver-killed: benchlab-load was killed by signal 11" "$work/2.err" ||
    fail "driver killed: no attempt line: $(cat "$work/2.err")"
[ ! -e "$r2/$raw/run-01.json" ] || fail "driver killed: run 1 was written"
[ -f "$r2/$raw/run-02.json" ] || fail "driver killed: the study did not go on to run 2"
[ "$(attempt "$r2" 0 kind)/$(attempt "$r2" 0 driver_exit)" = driver-killed/139 ] ||
    fail "attempt: $(cat "$r2/attempts.jsonl")"
echo "ok 2: a killed driver is a failed attempt; the study went on"

# --- 3. the driver cannot write its summary (room on the disk) ---------------------------
r3=$work/r3
echo nowrite >"$work/fail-next"
BENCHLAB_LOAD_BIN=$work/fake-load study "$r3" >"$work/3.out" 2>"$work/3.err"
rc=$?
[ "$rc" -eq 1 ] || fail "no summary: exit $rc: $(cat "$work/3.err")"
grep -q "run 1/2: FAILED ATTEMPT, not a measurement (driver-output: benchlab-load could not write its summary (exit 3); see .*run-01.log); stopping the study" "$work/3.err" ||
    fail "no summary: no attempt line: $(cat "$work/3.err")"
[ -z "$(find "$r3/raw" -name 'run-*.json' 2>/dev/null)" ] || fail "no summary: a run file was written"
[ -z "$(leftovers)" ] || fail "no summary: processes left: $(leftovers)"
[ -z "$(ls -A "$work/tmp")" ] || fail "no summary: stack directory left"
grep -q '"failed_attempts": 1' "$r3/manifest.json" || fail "manifest: $(cat "$r3/manifest.json")"
study "$r3" --resume >"$work/3b.out" 2>"$work/3b.err" || fail "no summary, --resume: $(cat "$work/3b.err")"
grep -q "2/2 runs on disk (0 invalid)" "$work/3b.err" || fail "--resume: $(cat "$work/3b.err")"
echo "ok 3: a driver that cannot write is a failed attempt and a clean stop; --resume completes"
echo "study_attempts: all passed"
