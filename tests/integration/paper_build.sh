#!/usr/bin/env bash
# The paper builds end to end from the fixture results (tests/fixtures/results-small),
# twice, into byte-identical PDFs; every number the text quotes exists in the
# fixture's macros; and without runs ci/paper.sh refuses to build.
# check: parallel
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export BUILD
tmp=$(mktemp -d /tmp/benchlab-paper.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

for tool in gnuplot latexmk pdflatex pdftotext; do
    command -v "$tool" >/dev/null || { echo "missing $tool: make deps"; exit 1; }
done

# Fixed once: other commits landing between the two builds must not change the date.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

build() { # $1 = directory for this copy of the paper
    mkdir -p "$1"
    cp -r paper "$1/paper"
    rm -rf "$1/paper/generated" "$1"/paper/*.pdf
    PAPER_DIR="$1/paper" SUMMARY_DIR=none RESULTS=tests/fixtures/results-small \
        bash ci/paper.sh >"$1/out.log" 2>&1 || { cat "$1/out.log"; echo "paper build failed"; exit 1; }
}
build "$tmp/a"
build "$tmp/b"
pdf="$tmp/a/paper/main.pdf"
pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -ge 4 ] || { echo "paper has ${pages:-0} pages"; exit 1; }
cmp "$pdf" "$tmp/b/paper/main.pdf" || { echo "two builds differ: the PDF is not reproducible"; exit 1; }

pdftotext "$pdf" "$tmp/paper.txt"
# the fixture holds every quoted key, so no "n/m" placeholder may appear (but
# the partial-results box explains the placeholder when the fixture lacks a
# scenario the paper discusses)
if grep -n 'n/m' "$tmp/paper.txt" | grep -v 'mark the numbers it lacks'; then
    echo "the text quotes a result the report did not write (see the warnings in main.log):"
    grep 'no result for key' "$tmp/a/paper/main.log" || true
    exit 1
fi
grep -q 'Built from synthetic test data' "$tmp/paper.txt" || { echo "synthetic banner missing"; exit 1; }
grep -q 'Claim of the original study' "$tmp/paper.txt" || { echo "claims table missing"; exit 1; }
grep -q 'other machine' "$tmp/paper.txt" || { echo "headline table (published columns) missing"; exit 1; }
grep -q 'Where the ranking agrees with the study' "$tmp/paper.txt" || { echo "ranking discussion missing"; exit 1; }
# every figure was drawn (none replaced by the not-measured box)
if grep -q 'Not measured in this results set' "$tmp/paper.txt"; then
    echo "a figure has no data in the fixture"
    exit 1
fi
for gp in plots/*.gp; do
    case "$gp" in *.inc.gp) continue ;; esac
    f="$tmp/a/paper/generated/figures/$(basename "$gp" .gp).pdf"
    [ -s "$f" ] || { echo "figure $f missing"; exit 1; }
done

# a partial results set (only the basic scenarios) still builds, with
# placeholders where figures and tables have no data
mkdir -p "$tmp/partial/raw"
cp -r tests/fixtures/results-small/raw/basic "$tmp/partial/raw/"
cp tests/fixtures/results-small/manifest.json "$tmp/partial/"
mkdir -p "$tmp/c"
cp -r paper "$tmp/c/paper"
rm -rf "$tmp/c/paper/generated"
PAPER_DIR="$tmp/c/paper" SUMMARY_DIR=none RESULTS="$tmp/partial" bash ci/paper.sh >"$tmp/c.log" 2>&1 ||
    { cat "$tmp/c.log"; echo "paper from a partial results set failed"; exit 1; }
pdftotext "$tmp/c/paper/main.pdf" "$tmp/partial.txt"
grep -q 'Not measured in this results set' "$tmp/partial.txt" || { echo "no placeholder in a partial paper"; exit 1; }

# no runs: a clear refusal, not an empty paper
mkdir -p "$tmp/empty/raw"
if RESULTS="$tmp/empty" PAPER_DIR="$tmp/a/paper" bash ci/paper.sh >"$tmp/empty.log" 2>&1; then
    echo "ci/paper.sh built a paper without runs"
    exit 1
fi
grep -q 'no runs under' "$tmp/empty.log" || { cat "$tmp/empty.log"; exit 1; }
echo "paper: $pages pages, reproducible, every quoted number and figure present"
