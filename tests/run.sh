#!/usr/bin/env bash
# The test runner behind `make check`, `make unit` (and `make asan`).
#
#   tests/run.sh                 everything:
#  - unit tests:        $BUILD/tests/unit/*/test_*            (cmocka)
#  - one private stack: `benchlab up` (PostgreSQL, Redis, upstream, server),
#                       started while the unit tests run
#  - integration tests: $BUILD/tests/integration/*/test_*     (cmocka, env below)
#                       tests/integration/*.sh                (exit status)
#  - a short fuzz run of every libFuzzer target                (tests/fuzz/run.sh)
#  - clang-format check of the tree
#   tests/run.sh --unit          the unit tests only
#   tests/run.sh TEST...         only these (test binaries or their .c files, or
#                                scripts; the stack is started when one needs it)
#
# Integration tests get BENCHLAB_URL, BENCHLAB_PG, BENCHLAB_REDIS, BENCHLAB_UPSTREAM,
# BENCHLAB_STACK_DIR and BUILD in their environment. With VALGRIND=1 every C test
# binary runs under valgrind (leaks and errors fail the test).
#
# Tests run in a pool of CHECK_JOBS (default 3; 1 runs one at a time):
#  - serial: the unit tests, then the integration binaries and the scripts
#    without a "check:" line (they use the shared stack): one at a time, in
#    order, each alongside at most one parallel test;
#  - parallel: a script whose header has the line "# check: parallel" uses only
#    stacks, ports and directories of its own (it gets no BENCHLAB_URL etc.) and
#    asserts nothing about timing: it runs alongside any other (so does the fuzz
#    run); "# check: parallel, about 90 s" says how long it takes on a quiet
#    2-core host: the longest start first;
#  - alone: a script with "# check: alone" (or a binary in alone_bins below)
#    asserts timing: it runs after all the others, with no other test running.
# Each test's output goes to its own log; its summary lines and seconds are
# printed in the order serial, parallel, alone, as soon as they and the ones
# before them are done. At the end: the 10 slowest tests, the failed ones, and
# the line "check: N passed, N failed (S s)".
{ # (read whole before it runs: a checkout or an edit of this file meanwhile does not break it)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BUILD
ROOT=$(pwd)
export BENCHLAB_ROOT=$ROOT
jobs=${CHECK_JOBS:-3} # tests wait on services and sleeps more than they compute: 3 at a time on 2 cores
# Scenario 19's search corpus: small for the tests' stacks (the study's default is 200,000).
export BENCHLAB_SEARCH_POSTS=${BENCHLAB_SEARCH_POSTS:-5000}

tmp=$(mktemp -d /tmp/benchlab-check.XXXXXX)
# Every stack of this check copies one seeded cluster, built by the first
# (docs/stack.md, "Seeded cluster template"); CHECK_PG_TEMPLATE=0: each seeds its own.
if [ "${CHECK_PG_TEMPLATE:-1}" = 1 ]; then
    export BENCHLAB_PG_TEMPLATE=$tmp/pg-template
else
    unset BENCHLAB_PG_TEMPLATE
fi
stack_dir=""
t_start=$SECONDS

cleanup() {
    # running tests first (each cleans up after itself when terminated)
    local p
    for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
    wait
    if [ -n "$stack_dir" ]; then
        "$BUILD/benchlab" down --dir "$stack_dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wrap=()
if [ "${VALGRIND:-0}" = 1 ]; then
    wrap=(valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite)
fi

# Each test T leaves $tmp/res/<key>.out (what to print) and $tmp/res/<key>.sum
# ("PASSED FAILED SECONDS NAME"); the key is the test's path with / as _.
mkdir -p "$tmp/res"
key() { echo "$1" | tr / _; }

# Runs one cmocka binary; its counted tests are what it adds to the totals.
run_cmocka() {
    local bin=$1 k
    k=$(key "$1")
    local log="$tmp/$k.log" out="$tmp/res/$k.out" rc p f t0=$SECONDS
    echo "== $bin" >"$out"
    timeout "${TEST_TIMEOUT:-600}" "${wrap[@]}" "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed, timed out or valgrind error
    if [ "$f" -ne 0 ]; then
        tail -n 40 "$log" >>"$out"
    else
        grep -E '^\[ +(OK|SKIPPED) +\]' "$log" | sed 's/^/   /' | head -n 200 >>"$out"
    fi
    echo "   ($((SECONDS - t0)) s)" >>"$out"
    echo "$p $f $((SECONDS - t0)) $bin" >"$tmp/res/$k.sum"
}

# Runs one script test: exit 0 passes.
run_script() {
    local t=$1 k
    k=$(key "$1")
    local log="$tmp/$k.log" out="$tmp/res/$k.out" t0=$SECONDS p=0 f=0
    echo "== $t" >"$out"
    if timeout "${TEST_TIMEOUT:-600}" bash "$t" >"$log" 2>&1; then
        p=1
        tail -n 3 "$log" | sed 's/^/   /' >>"$out"
    else
        f=1
        tail -n 40 "$log" >>"$out"
    fi
    echo "   ($((SECONDS - t0)) s)" >>"$out"
    echo "$p $f $((SECONDS - t0)) $t" >"$tmp/res/$k.sum"
}

run_test() { # a script or a binary, then its lines
    case $1 in
    *.sh) run_script "$1" ;;
    *) run_cmocka "$1" ;;
    esac
    cat "$tmp/res/$(key "$1").out"
}

# The lane a script asks for: parallel, alone or (no line) serial.
lane_of() {
    local l
    l=$(sed -n '1,40s/^# check: \(parallel\|alone\)\(, about [0-9]* s\)\{0,1\}$/\1/p' "$1" | head -n 1)
    echo "${l:-serial}"
}
# The seconds a parallel script says it takes ("# check: parallel, about 90 s"), else 0.
about() { sed -n '1,40s/^# check: parallel, about \([0-9]*\) s$/\1/p' "$1" | head -n 1 | grep . || echo 0; }

# --- what to run ---------------------------------------------------------------
unit=()
integ=()
fuzz=0
format=0
if [ "${1:-}" = --unit ]; then
    for bin in "$BUILD"/tests/unit/*/test_*; do [ -x "$bin" ] && unit+=("$bin"); done
elif [ $# -gt 0 ]; then
    for t in "$@"; do
        case $t in
        tests/fuzz/run.sh) fuzz=1 ;;
        tests/unit/*/test_*.c | tests/integration/*/test_*.c) t=$BUILD/${t%.c} ;;
        esac
        case $t in
        tests/fuzz/run.sh) ;;
        */tests/unit/*) unit+=("$t") ;;
        *) integ+=("$t") ;;
        esac
    done
else
    for bin in "$BUILD"/tests/unit/*/test_*; do [ -x "$bin" ] && unit+=("$bin"); done
    for bin in "$BUILD"/tests/integration/*/test_*; do [ -x "$bin" ] && integ+=("$bin"); done
    for t in tests/integration/*.sh; do [ -f "$t" ] && integ+=("$t"); done
    [ "${SKIP_FUZZ:-0}" != 1 ] && [ -f tests/fuzz/run.sh ] && fuzz=1
    [ "${SKIP_FORMAT:-0}" != 1 ] && format=1
fi

# Binaries that assert timing (p99 latencies under a flood) run alone.
alone_bins=" test_hostile_clients "
serial=()
parallel=()
alone=()
for t in ${integ[@]+"${integ[@]}"}; do
    case $t in
    *.sh) lane=$(lane_of "$t") ;;
    *) lane=serial && [[ $alone_bins == *" $(basename "$t") "* ]] && lane=alone ;;
    esac
    case $lane in
    parallel) parallel+=("$t") ;;
    alone) alone+=("$t") ;;
    *) serial+=("$t") ;;
    esac
done
if [ $((${#serial[@]} + ${#alone[@]})) -gt 0 ]; then
    # One private stack for every integration test but the parallel ones,
    # started while the unit tests run.
    stack_dir="$tmp/stack" # (taken down on exit, whatever happens)
    "$BUILD/benchlab" up --dir "$stack_dir" >"$tmp/up.out" 2>"$tmp/up.err" &
    up_pid=$!
fi
# Waits for the stack (once) and exports its environment.
stack_wait() {
    [ -n "${up_pid:-}" ] || return 0
    [ -n "${up_rc:-}" ] || { wait "$up_pid"; up_rc=$?; }
    if [ "$up_rc" -eq 0 ]; then
        while IFS='=' read -r k v; do
            case "$k" in BENCHLAB_*) export "$k=$v" ;; esac
        done <"$tmp/up.out"
        export BENCHLAB_STACK_DIR="$stack_dir"
        echo "stack up: $BENCHLAB_URL"
    else
        if [ "$up_rc" -eq 2 ] && grep -q "not implemented" "$tmp/up.err"; then
            echo "stack: benchlab up not implemented yet; integration tests that need it skip"
        else
            echo "0 1 0 benchlab up" >"$tmp/res/stack.sum"
            cat "$tmp/up.err"
        fi
    fi
    up_pid=""
}

# The longest first (so that no long one starts last), the fuzz run (about 100 s) among them.
[ "$fuzz" = 1 ] && parallel+=(tests/fuzz/run.sh)
if [ ${#parallel[@]} -gt 1 ]; then
    mapfile -t parallel < <(for t in "${parallel[@]}"; do
        if [ "$t" = tests/fuzz/run.sh ]; then echo "100 $t"; else echo "$(about "$t") $t"; fi
    done | sort -s -k1,1nr | cut -d' ' -f2-)
fi

# A pool of $jobs: serial tests one at a time, in order, each alongside at most
# one parallel test; then parallel ones fill the free slots. Lines are printed
# in the order serial, parallel, alone, each as soon as it and those before
# it are done.
# The unit tests come first in the serial queue (they need no stack).
serial=(${unit[@]+"${unit[@]}"} ${serial[@]+"${serial[@]}"})
order=(${serial[@]+"${serial[@]}"} ${parallel[@]+"${parallel[@]}"})
printed=0
print_done() {
    while [ "$printed" -lt ${#order[@]} ] && [ -f "$tmp/res/$(key "${order[$printed]}").sum" ]; do
        cat "$tmp/res/$(key "${order[$printed]}").out"
        printed=$((printed + 1))
    done
}
declare -A class_of=()
si=0
pi=0
running=0
serial_busy=0
while :; do
    while [ "$running" -lt "$jobs" ]; do
        if [ "$serial_busy" = 0 ] && [ "$si" -lt ${#serial[@]} ]; then
            t=${serial[$si]} && si=$((si + 1)) && serial_busy=1 && c=serial
            case $t in */tests/unit/*) ;; *) stack_wait ;; esac
        elif [ "$pi" -lt ${#parallel[@]} ]; then
            t=${parallel[$pi]} && pi=$((pi + 1)) && c=parallel
        else
            break
        fi
        case $c:$t in
        parallel:*) # never the shared stack (it may not be up yet)
            (unset BENCHLAB_URL BENCHLAB_PG BENCHLAB_REDIS BENCHLAB_UPSTREAM BENCHLAB_STACK_DIR
                run_script "$t") </dev/null &
            ;;
        *.sh) run_script "$t" </dev/null & ;;
        *) run_cmocka "$t" </dev/null & ;;
        esac
        class_of[$!]=$c
        running=$((running + 1))
    done
    [ "$running" -eq 0 ] && break
    wait -n -p done_pid
    rc=$?
    if [ "$done_pid" = "${up_pid:-}" ]; then # the stack is up (or failed)
        up_rc=$rc
        continue
    fi
    running=$((running - 1))
    [ "${class_of[$done_pid]}" = serial ] && serial_busy=0
    print_done
done
stack_wait
for t in ${alone[@]+"${alone[@]}"}; do run_test "$t"; done

if [ "$format" = 1 ]; then
    echo "== clang-format"
    t0=$SECONDS
    if clang-format --dry-run -Werror $(git ls-files '*.c' '*.h') >"$tmp/format.log" 2>&1; then
        echo "1 0 $((SECONDS - t0)) clang-format" >"$tmp/res/format.sum"
    else
        echo "0 1 $((SECONDS - t0)) clang-format (run: make format)" >"$tmp/res/format.sum"
        head -n 20 "$tmp/format.log"
    fi
fi

# --- totals ----------------------------------------------------------------------
cat "$tmp"/res/*.sum 2>/dev/null >"$tmp/all.sum"
if [ -s "$tmp/all.sum" ]; then
    echo "slowest:"
    sort -k3,3nr "$tmp/all.sum" | head -n 10 | awk '{ printf "  %5d s  ", $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); print }'
fi
passed=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/all.sum")
failed=$(awk '{ s += $2 } END { print s + 0 }' "$tmp/all.sum")
awk '$2 > 0 { $1 = $2 = $3 = ""; sub(/^ +/, ""); print "failed: " $0 }' "$tmp/all.sum"
echo "check: $passed passed, $failed failed ($((SECONDS - t_start)) s)"
[ "$failed" -eq 0 ]
exit
}
