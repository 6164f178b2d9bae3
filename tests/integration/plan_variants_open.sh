#!/usr/bin/env bash
# check: parallel
# The study's plans through `benchlab run --dry-run` (nothing starts):
#  1. one variant per run: the quick plan lists every variant of 09, 11, 12
#     and 13 as its own unit (db-advanced/S@variant) and no shared-loop file;
#  2. the open-model plan: closed units, then each at 50/80/100/120 % of its
#     closed capacity (config <config>-load<P>, "open model at P% of the closed
#     capacity"), and in interleaved order every closed run of a scenario
#     before its open ones;
#  3. a bad "load" value is refused naming the file and field (exit 2).
# About 2 s.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
lab=$BUILD/benchlab
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$lab" ] || fail "$lab is not built"
work=$(mktemp -d /tmp/benchlab-plan-variants.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$lab" run quick --profile unboxed --dry-run >"$work/quick" 2>&1 || fail "quick --dry-run: $(tail -3 "$work/quick")"
for v in 09-pagination@offset 09-pagination@cursor 11-n-plus-one@lazy 11-n-plus-one@eager \
    11-n-plus-one@subquery 12-bulk@insert_individual 12-bulk@insert_batch 12-bulk@insert_raw \
    12-bulk@update_individual 12-bulk@update_bulk 13-transactions@no_lock \
    13-transactions@pessimistic 13-transactions@optimistic 13-transactions@serializable; do
    grep -q "^  db-advanced/$v  *c-ulfius-epoll " "$work/quick" || fail "quick: no unit db-advanced/$v"
done
grep -Eq "db-advanced/(09-pagination|11-n-plus-one|12-bulk|13-transactions) " "$work/quick" &&
    fail "quick still lists a shared-loop scenario"

"$lab" run open-model --profile unboxed --dry-run >"$work/open" 2>&1 || fail "open-model --dry-run: $(tail -3 "$work/open")"
for impl in c-ulfius-epoll fastapi express; do
    grep -q "^  basic/01-lightweight  *$impl  *runs 3, 10 VUs, 10s$" "$work/open" ||
        fail "open-model: no closed unit of $impl"
    for p in 50 80 100 120; do
        grep -q "^  basic/01-lightweight  *$impl-load$p .*(open model at $p% of the closed capacity)" \
            "$work/open" || fail "open-model: no $impl-load$p unit"
    done
done
"$lab" run open-model --profile unboxed --dry-run --order interleaved --seed 3 >"$work/inter" 2>&1 ||
    fail "interleaved --dry-run: $(tail -3 "$work/inter")"
awk '$2 == "basic/03-db-read" { if ($3 ~ /-load/) seen = 1; else if (seen) bad = 1 }
     END { exit bad }' "$work/inter" || fail "an open unit of 03 runs before a closed one"

mkdir -p "$work/sc"
cp -r scenarios/basic scenarios/profiles "$work/sc/"
mkdir -p "$work/sc/plans"
echo '{"entries": [{"scenarios": ["basic/01-lightweight"], "load": [80, 0]}]}' >"$work/sc/plans/bad.json"
"$lab" run bad --scenarios "$work/sc" --profile unboxed --dry-run >"$work/bad" 2>&1
rc=$?
[ $rc = 2 ] || fail "a bad load value: exit $rc, want 2"
grep -q 'bad.json: entries\[0\].load\[\]: expected a percentage' "$work/bad" || fail "bad load: $(cat "$work/bad")"
echo "plans: variants one per run, open model at shares of the closed capacity ok"
