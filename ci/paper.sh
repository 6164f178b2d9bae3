#!/usr/bin/env bash
# `make paper`: results directory -> paper/main.pdf, with no number typed by hand.
#
#   RESULTS=DIR      results to build from (default results/reference)
#   BUILD=DIR        where build/benchlab lives (default build)
#   PAPER_DIR=DIR    the paper sources to build in (default paper; tests use a copy)
#   PAPER_OUT=DIR    build in DIR instead: copies the paper sources there first
#                    (DIR/main.pdf, DIR/generated); leaves paper/ untouched
#   SUMMARY_DIR=DIR  where the CSV/Markdown summaries go (default: next to the results;
#                    "none" skips them)
#
# Steps: benchlab report -> PAPER_DIR/generated/{tables,data,macros.tex};
# gnuplot plots/*.gp -> generated/figures; latexmk -> PAPER_DIR/main.pdf.
# The PDF is reproducible: SOURCE_DATE_EPOCH is the last commit's time,
# FORCE_SOURCE_DATE=1, and main.tex sets \pdftrailerid{} and \pdfsuppressptexinfo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
RESULTS=${RESULTS:-results/reference}
PAPER_DIR=${PAPER_DIR:-paper}
if [ -n "${PAPER_OUT:-}" ]; then
    mkdir -p "$PAPER_OUT"
    # the sources only: no generated files or PDF of an earlier build
    tar -C "$PAPER_DIR" --exclude=./generated --exclude='./*.pdf' -cf - . | tar -C "$PAPER_OUT" -xf -
    PAPER_DIR=$PAPER_OUT
fi
SUMMARY_DIR=${SUMMARY_DIR:-$RESULTS}
OUT="$PAPER_DIR/generated"

if ! find "$RESULTS/raw" -name 'run-*.json' -print -quit 2>/dev/null | grep -q .; then
    echo "paper: no runs under $RESULTS/raw." >&2
    if [ "$RESULTS" = results/reference ]; then
        echo "paper: the reference results have not been produced yet: run the study" \
            "(make bench) and commit its results under results/reference," \
            "or build from another results directory: make paper RESULTS=DIR" >&2
    fi
    echo "paper: not building a paper without results." >&2
    exit 1
fi
for tool in gnuplot latexmk pdflatex; do
    command -v "$tool" >/dev/null || { echo "paper: $tool missing (make deps)" >&2; exit 1; }
done
[ -x "$BUILD/benchlab" ] || { echo "paper: $BUILD/benchlab missing (make)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/figures"
if [ "$SUMMARY_DIR" != none ]; then mkdir -p "$SUMMARY_DIR"; fi
"$BUILD/benchlab" report "$RESULTS" --out "$OUT" --summary-dir "$SUMMARY_DIR" \
    --config "$PAPER_DIR/comparisons.json" --claims "$PAPER_DIR/claims.json" \
    --published "$PAPER_DIR/published-study.json"

for gp in plots/*.gp; do
    case "$gp" in *.inc.gp) continue ;; esac # shared pieces, loaded by the figures
    name=$(basename "$gp" .gp)
    if [ -f "$OUT/data/$name.nodata" ] || [ ! -f "$OUT/data/$name.dat" ]; then
        # no valid run holds this figure's data: say so in its place
        printf '%s\n' '\fbox{\parbox{0.9\linewidth}{\centering\textit{Not measured in this results set.}}}' \
            >"$OUT/figures/$name.tex"
        echo "paper: figure $name: not measured in $RESULTS"
        continue
    fi
    (cd "$PAPER_DIR" && gnuplot -e "data='generated/data'; out='generated/figures'; plots='$ROOT/plots'" \
        "$ROOT/$gp") 2> >(grep -v 'bad data on line 1' >&2)
done

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH FORCE_SOURCE_DATE=1
rm -f "$PAPER_DIR/main.pdf"
(cd "$PAPER_DIR" && latexmk -pdf -interaction=nonstopmode -halt-on-error -quiet main.tex >latexmk.out 2>&1) || {
    tail -n 40 "$PAPER_DIR/latexmk.out" >&2
    grep -A5 '^!' "$PAPER_DIR/main.log" >&2 || true
    echo "paper: latexmk failed (full log: $PAPER_DIR/main.log)" >&2
    exit 1
}
echo "paper: $PAPER_DIR/main.pdf ($(pdfinfo "$PAPER_DIR/main.pdf" 2>/dev/null | sed -n 's/^Pages: *//p') pages) from $RESULTS"
