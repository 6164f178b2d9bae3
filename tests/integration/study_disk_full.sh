#!/usr/bin/env bash
# A study whose results disk fills (a small tmpfs, docs/study.md "Disk space
# and failed attempts"):
#  1. below --min-free the study does not start (exit 1, the directory and
#     the minimum named, nothing written);
#  2. the disk filled during run 2 (the driver cannot write its summary): run
#     2 is a failed attempt in attempts.jsonl, not a run file; the study stops
#     cleanly (exit 1, message, manifest completed=false, failed_attempts 1),
#     with no process and no stack directory left;
#  3. after freeing space --resume runs 2 and 3: every run valid, the attempt
#     kept, the manifest completed;
#  4. benchlab report lists the attempt apart (summary.md), no statistic has it.
# Needs root (mount -t tmpfs): skipped otherwise. Runs in its own mount
# namespace (unshare -m) so the tmpfs goes away with it. About 20 s.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$(pwd)}
ROOT=$(pwd)
case $BUILD in /*) bin=$BUILD ;; *) bin=$ROOT/$BUILD ;; esac
lab=$bin/benchlab

. tests/integration/lib/common.sh
if [ "$(id -u)" != 0 ]; then
    echo "study_disk_full: skipped: needs root to mount a small tmpfs as the results disk"
    exit 0
fi
need_built "$bin" benchlab benchlab-load benchlab-server
if [ "${1:-}" != --inside ]; then
    command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
    exec unshare -m --propagation private bash "$0" --inside
fi

work=$(mktemp -d /tmp/benchlab-diskfull.XXXXXX)
filler_pid=""
cleanup() {
    [ -n "$filler_pid" ] && kill "$filler_pid" 2>/dev/null
    umount "$work/fs" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/fs" "$work/tmp" "$work/cwd"
mount -t tmpfs -o size=16m benchlab-diskfull "$work/fs" || fail "cannot mount a tmpfs"
export TMPDIR=$work/tmp # the study's stack directory: ours alone
res=$work/fs/res
raw=$res/raw/basic/01-lightweight/c-ulfius-epoll

cat >"$work/plan.json" <<'PLAN'
{"description": "test: one light scenario, three runs",
 "defaults": {"runs": 3, "vus": 2, "duration": "2s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
# shellcheck source=lib/smoke_profile.sh
. tests/integration/lib/smoke_profile.sh
profile=$(smoke_profile scenarios/profiles/unboxed.json "$work/profiles") || fail "smoke profile"
study() { (cd "$work/cwd" && "$lab" run "$work/plan.json" --profile "$profile" --results "$res" "$@"); }

# Processes whose working directory or command line lies under $work (the
# server runs in the stack directory, the driver in $work/cwd).
leftovers() {
    find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$work/*" -printf '%h\n' 2>/dev/null |
        while read -r p; do
            [ "${p#/proc/}" = $$ ] || echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
        done
}

# --- 1. not enough room to start ------------------------------------------------------
study --min-free 100M >"$work/1.out" 2>"$work/1.err"
rc=$?
[ "$rc" -eq 1 ] || fail "below --min-free: exit $rc, expected 1: $(cat "$work/1.err")"
grep -qE "cannot start: only .* free on the file system of $res, below the minimum 100.0 MiB \(--min-free\)" "$work/1.err" ||
    fail "below --min-free: unclear message: $(cat "$work/1.err")"
[ ! -e "$res/manifest.json" ] || fail "below --min-free: a manifest was written"
echo "ok 1: $(head -n 1 "$work/1.err")"

# --- 2. the disk fills during run 2 ---------------------------------------------------
(
    log=$res/logs/basic/01-lightweight/c-ulfius-epoll/run-02.log
    for _ in $(seq 600); do [ -e "$log" ] && break; sleep 0.05; done
    leftovers >"$work/during" # what the probe sees while the study runs
    dd if=/dev/zero of="$work/fs/filler" bs=64k >/dev/null 2>&1 # until ENOSPC
) &
filler_pid=$!
study --min-free 2M >"$work/2.out" 2>"$work/2.err"
rc=$?
wait "$filler_pid"
filler_pid=""
cat "$work/2.err"
[ -s "$work/fs/filler" ] || fail "the filler did not run"
[ "$rc" -eq 1 ] || fail "disk full: exit $rc, expected 1"
grep -q "run 2/3: FAILED ATTEMPT, not a measurement (disk-full: benchlab-load could not write its summary (exit 3); the results disk is full" "$work/2.err" ||
    fail "disk full: no failed-attempt line"
grep -q "stopping the study (--resume runs it again)" "$work/2.err" || fail "disk full: no stop message"
[ -f "$raw/run-01.json" ] || fail "run 1 is missing"
[ ! -e "$raw/run-02.json" ] || fail "run 2 was written as a run file"
[ ! -e "$raw/run-03.json" ] || fail "run 3 ran after the disk filled"
ls "$raw" | grep -q tmp && fail "temporary files left in $raw: $(ls "$raw")"
[ "$(wc -l <"$res/attempts.jsonl")" -eq 1 ] || fail "attempts.jsonl: $(cat "$res/attempts.jsonl")"
python3 - "$res" <<'PY' || fail "attempt record or manifest"
import json, sys
res = sys.argv[1]
a = json.loads(open(res + "/attempts.jsonl").readline())
assert a["scenario"] == "basic/01-lightweight" and a["config"] == "c-ulfius-epoll", a
assert a["run"] == 2 and a["kind"] == "disk-full" and a["driver_exit"] == 3, a
assert "could not write its summary" in a["reason"], a
m = json.load(open(res + "/manifest.json"))
assert m["completed"] is False and m["runs_on_disk"] == 1 and m["failed_attempts"] == 1, m
assert m["runs_invalid"] == 0, m
r = json.load(open(res + "/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json"))
assert r["valid"] is True, r["invalid_reasons"]
PY
[ ! -e "$res/.space-reserve" ] || fail "the space reserve is still there"
grep -q benchlab-server "$work/during" || fail "the process probe did not see the study's server: $(cat "$work/during")"
left=$(leftovers)
[ -z "$left" ] || fail "processes left after the stop: $left"
[ -z "$(ls -A "$work/tmp")" ] || fail "stack directory left: $(ls -A "$work/tmp")"
echo "ok 2: run 2 a failed attempt, the study stopped cleanly"

# --- 3. free space, --resume ---------------------------------------------------------
rm -f "$work/fs/filler"
study --min-free 2M --resume >"$work/3.out" 2>"$work/3.err"
rc=$?
[ "$rc" -eq 0 ] || fail "--resume: exit $rc: $(cat "$work/3.err")"
grep -q "3/3 runs on disk (0 invalid)" "$work/3.err" || fail "--resume: $(cat "$work/3.err")"
python3 - "$res" <<'PY' || fail "after --resume"
import json, sys
res = sys.argv[1]
for n in (1, 2, 3):
    r = json.load(open(f"{res}/raw/basic/01-lightweight/c-ulfius-epoll/run-0{n}.json"))
    assert r["valid"] is True, (n, r["invalid_reasons"])
m = json.load(open(res + "/manifest.json"))
assert m["completed"] is True and m["runs_on_disk"] == 3 and m["failed_attempts"] == 1, m
assert len(open(res + "/attempts.jsonl").readlines()) == 1
PY
[ ! -e "$res/.space-reserve" ] || fail "the space reserve is still there after --resume"
echo "ok 3: --resume ran runs 2 and 3"

# --- 4. the report lists the attempt apart --------------------------------------------
mkdir -p "$work/sum"
"$lab" report "$res" --out "$work/gen" --summary-dir "$work/sum" >"$work/4.out" 2>"$work/4.err" ||
    fail "report: $(cat "$work/4.err")"
grep -q "3 valid runs, 0 invalid" "$work/4.out" || fail "report: $(cat "$work/4.out")"
grep -q "report: 1 failed attempt(s) of the lab" "$work/4.out" || fail "report: no attempt line: $(cat "$work/4.out")"
grep -q "^## Failed attempts" "$work/sum/summary.md" || fail "summary.md has no failed attempts section"
grep -q "basic/01-lightweight / c-ulfius-epoll run 2, .*disk-full: .*(run again since: on disk)" "$work/sum/summary.md" ||
    fail "summary.md: $(sed -n '/Failed attempts/,$p' "$work/sum/summary.md")"
grep -q '^"basic/01-lightweight","c-ulfius-epoll","",3,0,' "$work/sum/summary.csv" ||
    fail "summary.csv: $(head -n 3 "$work/sum/summary.csv")"
echo "ok 4: the report lists the attempt apart"
echo "study_disk_full: all passed"
