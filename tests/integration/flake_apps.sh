#!/usr/bin/env bash
# The flake's apps (`nix run .#paper`, `nix run .#bench`) as scripts, run here
# without Nix: their text is evaluated from the flake against the stand-in
# nixpkgs (ci/nix-stub), then every store path in it is pointed at the local
# equivalent ($BUILD's programs, a copy of the source tree, Debian's bash,
# gnuplot and TeX Live), and the scripts run for real:
#  1. arguments: --help, unknown options, missing values;
#  2. paper: from the fixture results into --out, twice from different working
#     copies, byte-identical;
#  3. bench: ci/bench.sh gets BUILD=build-nix, QUICK=1, RESULTS=DIR/results and
#     SKIP_PAPER=1, and the working copy's peers/<name>/start are the lab's
#     packaged peers (a stand-in ci/bench.sh records them and writes the fixture
#     results: the study itself is tested by study_run.sh), then the app
#     typesets DIR/benchlab-paper.pdf from those results; a failing study
#     fails the app, with no paper.
# check: parallel
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCHLAB_SKIP_FLAKE_CHECK:-0}" = 1 ]; then
    echo "flake_apps: skipped (BENCHLAB_SKIP_FLAKE_CHECK=1, e.g. inside a Nix build)"
    exit 0
fi
BUILD=${BUILD:-build}
root=$(pwd)
fail() {
    echo "FAIL: $*"
    exit 1
}
for p in benchlab benchlab-server benchlab-load; do
    [ -x "$BUILD/$p" ] || fail "$BUILD/$p is not built (make)"
done
for t in gnuplot latexmk pdflatex; do
    command -v "$t" >/dev/null || fail "$t missing (make deps)"
done
. tests/integration/lib/flake_env.sh
flake_need_nix
system=$(flake_system) || fail "no flake system for $(uname -m)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flake-apps.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
flake_private_nix

# The flake as check-flake sees it, and the local stand-ins for the store.
mkdir -p "$tmp/flake" "$tmp/src" "$tmp/labbin"
ci/check-flake --copy "$tmp/flake"
ci/check-flake --copy "$tmp/src"
for p in benchlab benchlab-server benchlab-load; do
    ln -s "$root/$BUILD/$p" "$tmp/labbin/$p"
done
# the lab's share/benchlab/peers/<name>/start (links to the packaged peers)
for p in fastapi express; do
    mkdir -p "$tmp/labpeers/$p"
    printf '#!/bin/sh\necho packaged %s\n' "$p" >"$tmp/labpeers/$p/start"
    chmod +x "$tmp/labpeers/$p/start"
done

# script APP: the app's script, with the store paths made local.
script() {
    local drv
    drv=$(nixc eval --raw --override-input nixpkgs "path:$tmp/flake/ci/nix-stub" \
        "path:$tmp/flake#apps.$system.$1.program" \
        --apply 'p: builtins.concatStringsSep " " (builtins.attrNames (builtins.getContext p))' 2>"$tmp/eval.err") ||
        { cat "$tmp/eval.err"; fail "evaluating apps.$system.$1"; }
    nixc show-derivation "$drv" | jq -r '.[].env.scriptText' |
        sed -E -e "s#/nix/store/[a-z0-9]{32}-bash-interactive-[^/]*/bin/bash#/bin/bash#g" \
            -e "s#/nix/store/[a-z0-9]{32}-benchlab-[0-9.]+-$system/bin#$tmp/labbin#g" \
            -e "s#/nix/store/[a-z0-9]{32}-benchlab-[0-9.]+-$system/share/benchlab/peers#$tmp/labpeers#g" \
            -e "s#/nix/store/[a-z0-9]{32}-[^/\" ]*-$system/bin#/usr/bin#g" \
            -e "s#/nix/store/[a-z0-9]{32}-source#$tmp/src#g" >"$tmp/$1.sh"
    ! grep -n /nix/store "$tmp/$1.sh" || fail "apps.$system.$1: store paths left after localizing"
    chmod +x "$tmp/$1.sh"
}
script paper
script bench

# expect CODE WHAT COMMAND...: runs it in $tmp/run, asserts the exit code.
mkdir -p "$tmp/run"
expect() {
    local code=$1 what=$2 rc=0
    shift 2
    (cd "$tmp/run" && "$@") >"$tmp/out.log" 2>&1 || rc=$?
    if [ "$rc" -ne "$code" ]; then
        tail -n 20 "$tmp/out.log"
        fail "$what: exit $rc, expected $code"
    fi
    echo "ok   $what (exit $rc)"
}

echo "== arguments"
expect 0 "paper --help" "$tmp/paper.sh" --help
grep -q "usage: nix run .#paper" "$tmp/out.log" || fail "paper --help prints no usage"
expect 2 "paper --bogus" "$tmp/paper.sh" --bogus
expect 2 "paper with a missing results dir" "$tmp/paper.sh" "$tmp/nonexistent"
expect 2 "paper with two results dirs" "$tmp/paper.sh" "$tmp" "$tmp"
expect 2 "paper --out without a file" "$tmp/paper.sh" --out
expect 0 "bench --help" "$tmp/bench.sh" --help
grep -q "usage: nix run .#bench" "$tmp/out.log" || fail "bench --help prints no usage"
expect 2 "bench --bogus" "$tmp/bench.sh" --bogus
expect 2 "bench --out without a directory" "$tmp/bench.sh" --out

echo "== paper from the fixture results, twice"
fixture=$root/tests/fixtures/results-small
[ -f "$fixture/manifest.json" ] || fail "no fixture results at $fixture"
cp -R "$fixture" "$tmp/res"
expect 0 "paper RESULTS --out a.pdf" "$tmp/paper.sh" "$tmp/res" --out out/a.pdf
expect 0 "paper RESULTS --out b.pdf" "$tmp/paper.sh" "$tmp/res" --out "$tmp/run/out/b.pdf"
head -c 5 "$tmp/run/out/a.pdf" | grep -q '%PDF-' || fail "out/a.pdf is not a PDF"
cmp "$tmp/run/out/a.pdf" "$tmp/run/out/b.pdf" || fail "the two PDFs differ (not reproducible)"
echo "ok   the PDFs are byte-identical ($(wc -c <"$tmp/run/out/a.pdf") bytes)"

echo "== bench: what it hands ci/bench.sh, then the paper"
cat >"$tmp/src/ci/bench.sh" <<'SH'
#!/usr/bin/env bash
# Stand-in for the study: records its environment, writes the fixture results.
set -euo pipefail
cd "$(dirname "$0")/.."
printf 'BUILD=%s\nQUICK=%s\nSKIP_PAPER=%s\nRESULTS=%s\n' "$BUILD" "$QUICK" "$SKIP_PAPER" "$RESULTS" >"$RECORD"
[ -x "$BUILD/benchlab" ] && [ -x "$BUILD/benchlab-server" ] && [ -x "$BUILD/benchlab-load" ]
printf 'PEERS=%s %s\n' "$(peers/fastapi/start)" "$(peers/express/start)" >>"$RECORD"
[ -z "${FAIL_STUDY:-}" ] || exit "$FAIL_STUDY"
cp -R "$FIXTURE/." "$RESULTS/"
SH
export RECORD=$tmp/record FIXTURE=$fixture
expect 0 "bench --quick --out o" "$tmp/bench.sh" --quick --out o
out=$tmp/run/o
for line in BUILD=build-nix QUICK=1 SKIP_PAPER=1 "RESULTS=$out/results" "PEERS=packaged fastapi packaged express"; do
    grep -qx -- "$line" "$RECORD" || fail "ci/bench.sh did not get $line (got: $(tr '\n' ' ' <"$RECORD"))"
done
echo "ok   ci/bench.sh got $(tr '\n' ' ' <"$RECORD")"
[ -f "$out/results/manifest.json" ] || fail "no results in $out/results"
cmp "$out/benchlab-paper.pdf" "$tmp/run/out/a.pdf" || fail "bench's paper differs from paper's from the same results"
echo "ok   $out/benchlab-paper.pdf, identical to the paper app's"
FAIL_STUDY=3 expect 3 "bench (full plan) whose study fails" "$tmp/bench.sh" --out o2
grep -qx QUICK=0 "$RECORD" || fail "bench without --quick did not pass QUICK=0"
[ ! -e "$tmp/run/o2/benchlab-paper.pdf" ] || fail "a paper was made after the study failed"
echo "ok   without --quick: QUICK=0; the study's failure is the app's, and no paper"
leftover=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'benchlab.*' -newer "$tmp/flake" 2>/dev/null | head -n 3)
[ -z "$leftover" ] || fail "working copies left behind: $leftover"
echo "flake_apps: ok"
