#!/usr/bin/env bash
# The test runner behind `make check` (and `make asan`).
#
#  1. unit tests:        $BUILD/tests/unit/*/test_*            (cmocka)
#  2. one private stack: `benchlab up` (PostgreSQL, Redis, upstream, server)
#  3. integration tests: $BUILD/tests/integration/*/test_*     (cmocka, env below)
#                        tests/integration/*.sh                (exit status)
#  4. a short fuzz run of every libFuzzer target                (tests/fuzz/run.sh)
#  5. clang-format check of the tree
#
# Integration tests get BENCHLAB_URL, BENCHLAB_PG, BENCHLAB_REDIS, BENCHLAB_UPSTREAM,
# BENCHLAB_STACK_DIR and BUILD in their environment. With VALGRIND=1 every C test
# binary runs under valgrind (leaks and errors fail the test).
# Ends with the line "check: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
ROOT=$(pwd)
export BENCHLAB_ROOT=$ROOT
# Scenario 19's search corpus: small for the tests' stacks (the study's default is 200,000).
export BENCHLAB_SEARCH_POSTS=${BENCHLAB_SEARCH_POSTS:-5000}

passed=0
failed=0
failures=()
tmp=$(mktemp -d /tmp/benchlab-check.XXXXXX)
stack_dir=""

cleanup() {
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

# Runs one cmocka binary and adds its counted tests to the totals.
run_cmocka() {
    local bin=$1 log="$tmp/$(echo "$1" | tr / _).log" rc p f t0=$SECONDS
    echo "== $bin"
    timeout "${TEST_TIMEOUT:-600}" "${wrap[@]}" "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed, timed out or valgrind error
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures+=("$bin")
        tail -n 40 "$log"
    else
        grep -E '^\[ +(OK|SKIPPED) +\]' "$log" | sed 's/^/   /' | head -n 200
    fi
    echo "   ($((SECONDS - t0)) s)"
}

# Runs one script test: exit 0 passes.
run_script() {
    local t=$1 log="$tmp/$(echo "$1" | tr / _).log" t0=$SECONDS
    echo "== $t"
    if timeout "${TEST_TIMEOUT:-600}" bash "$t" >"$log" 2>&1; then
        passed=$((passed + 1))
        tail -n 3 "$log" | sed 's/^/   /'
    else
        failed=$((failed + 1))
        failures+=("$t")
        tail -n 40 "$log"
    fi
    echo "   ($((SECONDS - t0)) s)"
}

for bin in "$BUILD"/tests/unit/*/test_*; do
    [ -x "$bin" ] && run_cmocka "$bin"
done

# One private stack for every integration test.
if "$BUILD/benchlab" up --dir "$tmp/stack" >"$tmp/up.out" 2>"$tmp/up.err"; then
    stack_dir="$tmp/stack"
    while IFS='=' read -r k v; do
        case "$k" in BENCHLAB_*) export "$k=$v" ;; esac
    done <"$tmp/up.out"
    export BENCHLAB_STACK_DIR="$stack_dir"
    echo "stack up: $BENCHLAB_URL"
else
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q "not implemented" "$tmp/up.err"; then
        echo "stack: benchlab up not implemented yet; integration tests that need it skip"
    else
        failed=$((failed + 1))
        failures+=("benchlab up")
        cat "$tmp/up.err"
    fi
fi

for bin in "$BUILD"/tests/integration/*/test_*; do
    [ -x "$bin" ] && run_cmocka "$bin"
done
for t in tests/integration/*.sh; do
    [ -f "$t" ] && run_script "$t"
done

if [ "${SKIP_FUZZ:-0}" != 1 ] && [ -f tests/fuzz/run.sh ]; then
    run_script tests/fuzz/run.sh
fi
if [ "${SKIP_FORMAT:-0}" != 1 ]; then
    echo "== clang-format"
    if clang-format --dry-run -Werror $(git ls-files '*.c' '*.h') >"$tmp/format.log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("clang-format (run: make format)")
        head -n 20 "$tmp/format.log"
    fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
