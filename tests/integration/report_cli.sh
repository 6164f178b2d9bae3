#!/usr/bin/env bash
# `benchlab report` and `benchlab claims` as a user runs them: outputs, exit
# codes, error messages; and the fixture is what its generator produces.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
bl="$BUILD/benchlab"
fx=tests/fixtures/results-small
tmp=$(mktemp -d /tmp/benchlab-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bl" report "$fx" --out "$tmp/gen" --summary-dir "$tmp" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "report exit $?"; }
grep -q '1 invalid' "$tmp/out" || fail "report does not count the invalid run"
for f in gen/macros.tex gen/tables/summary.tex gen/tables/claims.tex gen/tables/validity.tex gen/data/basic-rps.dat \
    summary.csv summary.md comparisons.csv; do
    [ -s "$tmp/$f" ] || fail "missing $f"
done
grep -q '^"basic/01-lightweight","c-ulfius-epoll","",6,1,' "$tmp/summary.csv" ||
    fail "summary.csv: basic/01 should have 6 valid and 1 invalid run"
# six runs: the median's interval is [min, max] with coverage 1 - 2/64
grep '^"basic/01-lightweight","c-ulfius-epoll",""' "$tmp/summary.csv" | grep -q ',0.96875,' ||
    fail "summary.csv: coverage of the median interval for six runs is not 62/64"

# the headline: the three implementations of the fixture side by side, the
# study's published columns beside them, the ranking against the study's
hl="$tmp/gen/tables/headline.tex"
for w in c-ulfius FastAPI Express FastAPI-P FastAPI-S Rails Django 'Published, other machine' \
    '17c session'; do
    grep -qF "$w" "$hl" || fail "headline.tex lacks '$w'"
done
# six implementations x 11 rows; FastAPI-S, Django and Rails only in two rows each
[ "$(grep -o 'not measured' "$hl" | wc -l)" = 27 ] ||
    fail "headline.tex: expected 27 cells not measured (FastAPI-S, Django, Rails in 2 rows each)"
[ -s "$tmp/gen/tables/headline-ratios.tex" ] && [ -s "$tmp/gen/data/headline-rps.dat" ] &&
    grep -q '^hl_nimpl = 6; hl_npub = 5$' "$tmp/gen/data/headline-rps.meta" ||
    fail "headline ratios table, figure data or its meta file missing"
# the quick study's shape (c-ulfius, FastAPI, Express only): no column for the
# other three, named below the table; the figure has 3 measured series
cp -r "$fx" "$tmp/quick"
rm -rf "$tmp"/quick/raw/*/*/{django,rails,fastapi-strict}
"$bl" report "$tmp/quick" --out "$tmp/gq" --summary-dir none >/dev/null 2>&1 || fail "report (quick shape)"
grep -qF 'Scenario & c-ulfius & FastAPI & Express & Express & FastAPI-P' "$tmp/gq/tables/headline.tex" &&
    grep -qF '\textit{not measured} in this results set: FastAPI-S, Django, Rails}' \
        "$tmp/gq/tables/headline.tex" && ! grep -q '& \\textit{not measured}' "$tmp/gq/tables/headline.tex" &&
    grep -q '^hl_nimpl = 3; hl_npub = 5$' "$tmp/gq/data/headline-rps.meta" ||
    fail "headline of the quick shape: $(sed -n 5,6p "$tmp/gq/tables/headline.tex")"
# all six in every headline row (FastAPI's runs copied under the other three)
cp -r "$fx" "$tmp/six"
for s in basic/01-lightweight basic/02-json basic/03-db-read basic/04-db-write basic/05-external \
    basic/06-middleware basic/07-upload basic/08-mixed auth/17-a-public auth/17-b-jwt auth/17-c-session; do
    for impl in fastapi-strict django rails; do
        [ -d "$tmp/six/raw/$s/$impl" ] && continue
        mkdir -p "$tmp/six/raw/$s/$impl"
        for f in "$tmp/six/raw/$s/fastapi"/run-*.json; do
            jq -c --arg i "$impl" '.config = $i | .implementation = $i' "$f" >"$tmp/six/raw/$s/$impl/${f##*/}"
        done
    done
done
"$bl" report "$tmp/six" --out "$tmp/g6" --summary-dir none >/dev/null 2>&1 || fail "report (six)"
grep -q 'not measured' "$tmp/g6/tables/headline.tex" && fail "six: a cell not measured"
grep -qF 'Scenario & c-ulfius & FastAPI & FastAPI-S & Express & Django & Rails & Express' \
    "$tmp/g6/tables/headline.tex" && grep -q '^hl_nimpl = 6; hl_npub = 5$' "$tmp/g6/data/headline-rps.meta" ||
    fail "headline of six: $(sed -n 5,6p "$tmp/g6/tables/headline.tex")"
# the fixture's peers are made so that 6 of the 8 published basic scenarios agree
grep -qxF '\blset{rank-agree-count}{\num{6}}' "$tmp/gen/macros.tex" &&
    grep -qxF '\blset{rank-compared}{\num{8}}' "$tmp/gen/macros.tex" &&
    grep -qxF '\blset{rank-agree-basic-03}{no}' "$tmp/gen/macros.tex" ||
    fail "ranking macros on the fixture are not the generator's"

# deterministic: a second report is identical, byte for byte
"$bl" report "$fx" --out "$tmp/gen2" --summary-dir none >/dev/null 2>&1 || fail "second report"
diff -r "$tmp/gen" "$tmp/gen2" >/dev/null || fail "two reports differ"
# the seed moves only bootstrap intervals, used from 10 runs a side; the
# fixture has fewer, so its ratio intervals are exact and the seed changes nothing
"$bl" report "$fx" --out "$tmp/gen3" --summary-dir none --seed 7 >/dev/null 2>&1 || fail "--seed"
cmp -s "$tmp/gen/tables/summary.tex" "$tmp/gen3/tables/summary.tex" || fail "--seed changed the summary"
cmp -s "$tmp/gen/tables/comparisons.tex" "$tmp/gen3/tables/comparisons.tex" ||
    fail "--seed changed exact intervals"
grep -qF '(\num{96.8}\,\%) exact & 5/5' "$tmp/gen/tables/comparisons.tex" ||
    fail "comparisons.tex does not state the exact interval's coverage (5 vs 5 runs: 96.8 %)"
grep -qF '\blset{study/cov-n3}{\num{75.0}}' "$tmp/gen/macros.tex" ||
    fail "macros: the coverage of three runs' min-max is not 75 %"

# claims: the fixture has failing claims -> exit 1, listing each claim
"$bl" claims "$fx" >"$tmp/claims" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "claims on the fixture: exit $rc, expected 1 (two claims fail there)"
grep -q '^fails .*redis-hit' "$tmp/claims" || fail "claims output lacks the failing redis-hit claim"
grep -q '^holds .*cursor-vs-offset' "$tmp/claims" || fail "claims output lacks cursor-vs-offset"
grep -q 'ours: .*x \[.*\] (.* %, [0-9]*/[0-9]* runs)' "$tmp/claims" ||
    fail "claims output does not print interval, coverage and runs"
grep -q '^claims: .* inconclusive' "$tmp/claims" || fail "claims output lacks the inconclusive count"
# an inconclusive claim (05's interval straddles its bound on the fixture):
# exit 0, but 1 with --strict (every claim must hold)
python3 -c 'import json,sys; c=json.load(open("paper/claims.json")); c["claims"]=[x for x in c["claims"] if x["id"]=="table-external"]; json.dump(c,sys.stdout)' >"$tmp/incon.json"
"$bl" claims "$fx" --claims "$tmp/incon.json" >"$tmp/incon.out" 2>&1 || fail "an inconclusive claim alone: exit $?"
grep -q '^inconclusive .*table-external' "$tmp/incon.out" || fail "table-external is not inconclusive: $(cat "$tmp/incon.out")"
"$bl" claims "$fx" --claims "$tmp/incon.json" --strict >/dev/null 2>&1 && fail "--strict passed an inconclusive claim"
# the validity pass over the fixture: a table per rule, nothing written
"$bl" validity "$fx" >"$tmp/validity" 2>&1 || fail "validity on the fixture: exit $?"
grep -q '^non-stationary ' "$tmp/validity" && grep -q '^runs: ' "$tmp/validity" ||
    fail "validity output lacks its table: $(cat "$tmp/validity")"
"$bl" validity >/dev/null 2>&1; [ $? -eq 2 ] || fail "validity without arguments should exit 2"
# --revalidate: the rules' invalid runs are listed with the rule that broke them
"$bl" report "$fx" --revalidate --out "$tmp/genv" --summary-dir none >"$tmp/rv.out" 2>&1 ||
    fail "report --revalidate: $(cat "$tmp/rv.out")"
grep -q 'validity rules: 53 of 438 runs newly invalid' "$tmp/rv.out" ||
    fail "report --revalidate did not apply the rules: $(cat "$tmp/rv.out")"
grep -q 'min-requests: ' "$tmp/genv/tables/invalid.tex" ||
    fail "invalid.tex does not list the rule's reason"
grep -q 'min-requests' "$tmp/gen/tables/invalid.tex" && fail "without --revalidate the rules were applied"
# only holding claims -> exit 0
cat >"$tmp/ok.json" <<'JSON'
{"claims": [{"id": "c", "claim": "cursor wins", "their": "1.7x",
             "rules": [{"comparison": "pagination", "op": ">", "threshold": 1}]}]}
JSON
"$bl" claims "$fx" --claims "$tmp/ok.json" >/dev/null 2>&1 || fail "claims with one holding claim: exit $?"

# errors: usage -> 2, bad inputs -> 1 with a message naming what is wrong
"$bl" report >/dev/null 2>&1; [ $? -eq 2 ] || fail "report without arguments should exit 2"
"$bl" report "$fx" --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option should exit 2"
"$bl" report /nonexistent >"$tmp/e" 2>&1; [ $? -eq 1 ] || fail "missing dir should exit 1"
grep -q '/nonexistent' "$tmp/e" || fail "error does not name the directory"
mkdir -p "$tmp/empty"
"$bl" report "$tmp/empty" --out "$tmp/x" >"$tmp/e" 2>&1; [ $? -eq 1 ] || fail "no runs should exit 1"
grep -q 'no runs' "$tmp/e" || fail "no-runs message missing"
echo '{"comparisons": [{"id": "a", "label": "a", "num": {"scenario": "s", "metric": "p1000"},
  "den": {"scenario": "s", "metric": "rps"}}]}' >"$tmp/badcfg.json"
"$bl" report "$fx" --config "$tmp/badcfg.json" --out "$tmp/x" >"$tmp/e" 2>&1
[ $? -eq 1 ] || fail "bad metric should exit 1"
grep -q 'comparisons\[0\].num.metric' "$tmp/e" || { cat "$tmp/e"; fail "error does not name the field"; }

# the committed fixture is exactly what its generator makes (no hand-edited numbers)
if command -v python3 >/dev/null; then
    python3 tests/fixtures/make-results-small.py "$tmp/regen" || fail "generator failed"
    diff -r "$fx/raw" "$tmp/regen/raw" >/dev/null || fail "fixture differs from its generator's output"
    cmp -s "$fx/manifest.json" "$tmp/regen/manifest.json" || fail "fixture manifest differs"
fi
echo "report/claims CLI: outputs, determinism, exit codes, errors, fixture provenance ok"
