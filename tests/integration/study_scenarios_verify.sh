#!/usr/bin/env bash
# Every scenario file of the study passes `benchlab-load verify` (setup, each
# group once, teardown, with all their checks) against a stack of its own
# (`benchlab up`): the write scenarios dirty data and the cache scenarios flush
# Redis, so they do not run against the stack other tests share.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}

fail() {
    echo "FAIL: $*"
    exit 1
}
for p in benchlab benchlab-load benchlab-server; do
    [ -x "$BUILD/$p" ] || fail "$BUILD/$p is not built"
done
work=$(mktemp -d /tmp/benchlab-verify-test.XXXXXX)
cleanup() {
    "$BUILD/benchlab" down --dir "$work/stack" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

"$BUILD/benchlab" up --dir "$work/stack" >"$work/up.out" 2>"$work/up.err" ||
    fail "benchlab up: $(cat "$work/up.err")"
url=$(sed -n 's/^BENCHLAB_URL=//p' "$work/up.out")
[ -n "$url" ] || fail "benchlab up printed no BENCHLAB_URL"

n=0
failed=()
while IFS= read -r f; do
    n=$((n + 1))
    if "$BUILD/benchlab-load" verify "$f" --base-url "$url" >"$work/verify.out" 2>&1; then
        echo "ok   $f"
    else
        echo "FAIL $f"
        sed 's/^/     /' "$work/verify.out" | tail -n 15
        failed+=("$f")
    fi
done < <(find scenarios -mindepth 2 -maxdepth 2 -name '*.json' -not -path '*/plans/*' \
    -not -path '*/profiles/*' | sort)
[ "$n" -ge 28 ] || fail "only $n scenario files found"
[ ${#failed[@]} -eq 0 ] || fail "${#failed[@]} of $n scenario files fail verify: ${failed[*]}"
echo "study_scenarios_verify: all $n scenario files verify"
