#!/usr/bin/env bash
# Fails when a .tex file of the paper outside paper/generated/ holds a typed,
# result-like number: digits followed by ms, RPS, req/s, %, x or ×, or a literal
# \num{<digits>}. Every number the text quotes must come from generated/macros.tex.
# Checks its own pattern first on planted examples, so a broken regex cannot pass.
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.."

pattern='[0-9][0-9.,]*([[:space:]~]|\\[,;: ])*(ms\b|rps\b|RPS\b|req/s|\\?%|x\b|×)|\\num\{[0-9]'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=("p95 34 vs 60 ms" "1.7x faster" "a 14 % gain" "20,492 RPS" "3×" "\\num{187}" "12~ms" "95\\,\\%")
good=("p99.9 latency" "HS256 tokens" "0x10 flags" "\\result{cmp/pagination}\\,ms" "ten runs" "Figure~\\ref{fig:x}")
for s in "${bad[@]}"; do
    if ! printf '%s\n' "$s" | grep -qP "$pattern"; then
        echo "self-test: the check misses '$s'"
        exit 1
    fi
done
for s in "${good[@]}"; do
    if printf '%s\n' "$s" | grep -qP "$pattern"; then
        echo "self-test: the check wrongly flags '$s'"
        exit 1
    fi
done

files=$(find paper -name '*.tex' -not -path 'paper/generated/*' | sort)
[ -n "$files" ] || { echo "no .tex files under paper/"; exit 1; }
# \pdfsuppressptexinfo=-1 and similar primitives are settings, not results
if grep -nP "$pattern" $files | grep -v '\\pdfsuppressptexinfo'; then
    echo "typed result-like numbers above: quote them with \\result{...} from generated/macros.tex"
    exit 1
fi
echo "paper numbers: $(echo "$files" | wc -l) .tex files, no typed result-like number"
