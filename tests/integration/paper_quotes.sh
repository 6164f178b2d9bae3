#!/usr/bin/env bash
# check: parallel
# Each number the paper's text quotes (\result{val/...}, \result{s/...},
# \result{cmp/...}) is the one in the generated table it refers to: runs
# `benchlab report` on the fixture and compares macros.tex with the tables
# (no LaTeX). Self-test first: a table cell changed under a quoted value (the
# pagination p95 quoted as the median of runs while the table printed the
# merged histogram) and a quoted value of a row the table does not have (a
# mixed group) must both fail the check.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
check=tests/integration/lib/paper_quotes.py
tmp=$(mktemp -d /tmp/benchlab-quotes.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$BUILD/benchlab" report tests/fixtures/results-small --out "$tmp/gen" --summary-dir none \
    --config paper/comparisons.json --claims paper/claims.json \
    --published paper/published-study.json >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "report"; }

# self-test on a copy: one section quoting two values, tables changed under them
mkdir -p "$tmp/st/sections"
cp -r "$tmp/gen" "$tmp/st/gen"
printf '%s\n' 'p95 \result{val/pagination-cursor-p95}\,ms; \result{val/bulk-raw-mean}\,ms' \
    >"$tmp/st/sections/x.tex"
python3 "$check" "$tmp/st/sections" "$tmp/st/gen" paper/comparisons.json >"$tmp/st/ok" ||
    { cat "$tmp/st/ok"; fail "self-test: the unchanged fixture should pass"; }
t="$tmp/st/gen/tables/groups-db-advanced.tex"
# the cursor row's p95 column (5th cell) replaced by another number
sed -i -E '/^ & cursor &/s/^(([^&]*&){4}) *\\num\{[^}]*\}/\1 \\num{99999}/' "$t"
grep -q 'num{99999}' "$t" || fail "self-test: could not plant the mismatch in $t"
if python3 "$check" "$tmp/st/sections" "$tmp/st/gen" paper/comparisons.json >"$tmp/st/bad"; then
    fail "self-test: a changed table cell under a quoted number passes"
fi
grep -q 'pagination-cursor-p95.*99999' "$tmp/st/bad" || { cat "$tmp/st/bad"; fail "self-test: wrong message"; }
# a quoted per-request value whose row the table does not print (a mixed group)
sed -i -E '/insert\\_raw: insert-raw/d' "$t"
python3 "$check" "$tmp/st/sections" "$tmp/st/gen" paper/comparisons.json >"$tmp/st/bad2"
grep -q 'bulk-raw-mean.*has no such cell' "$tmp/st/bad2" || { cat "$tmp/st/bad2"; fail "self-test: a missing row passes"; }

# the paper's own sections against the fixture's tables
python3 "$check" paper/sections "$tmp/gen" paper/comparisons.json || fail "quoted numbers differ from their tables"
