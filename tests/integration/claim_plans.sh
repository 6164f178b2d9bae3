#!/usr/bin/env bash
# check: parallel
# `benchlab claims RESULTS --plans DIR`: one plan per claim, and each plan,
# loaded by `benchlab run --dry-run`, names exactly the cells (scenario and
# configuration) the claim read in the results set (for a scenario since
# cut into one file per variant, its variants).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
results=tests/fixtures/results-small

"$BUILD/benchlab" claims "$results" --plans "$tmp/plans" >"$tmp/out" || true
grep -q '^plans: [0-9]* written' "$tmp/out" || fail "no plans line: $(tail -2 "$tmp/out")"
n=$(ls "$tmp/plans" | wc -l)
[ "$n" -ge 10 ] || fail "only $n plans"
checked=0
for plan in "$tmp/plans"/claim-*.json; do
    # the cells the plan re-measures, as "scenario config"
    BENCHLAB_ROOT=$PWD "$BUILD/benchlab" run "$plan" --profile unboxed --dry-run >"$tmp/dry" 2>&1 ||
        fail "$(basename "$plan") does not load: $(cat "$tmp/dry")"
    while read -r scenario config _; do
        # a scenario since cut into one file per variant (S@variant) re-measures
        # the cell S of results made before the cut
        [ -d "$results/raw/$scenario/$config" ] || [ -d "$results/raw/${scenario%@*}/$config" ] ||
            fail "$(basename "$plan"): $scenario $config is not a cell of $results"
        checked=$((checked + 1))
    done < <(sed -n 's/^  \([a-z-]*\/[^ ]*\) *\([^ ]*\) *runs .*/\1 \2/p' "$tmp/dry")
done
[ "$checked" -ge "$n" ] || fail "only $checked cells checked for $n plans"
# a bad directory is an error, not a silent skip
if "$BUILD/benchlab" claims "$results" --plans /proc/no/such >/dev/null 2>"$tmp/err"; then
    fail "an uncreatable --plans directory succeeded"
fi
grep -q 'cannot create' "$tmp/err" || fail "no message for an uncreatable --plans: $(cat "$tmp/err")"
echo "ok: $n plans, $checked cells, each a cell of $results"
