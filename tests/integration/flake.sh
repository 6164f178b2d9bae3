#!/usr/bin/env bash
# The Nix flake, checked offline by ci/check-flake against the stand-in nixpkgs
# (ci/nix-stub): the flake as committed must pass, and copies of it broken in
# one way each must fail, each for its own reason (the message is asserted), so
# the check is known to catch what it claims to catch.
# Skipped inside a Nix build (the flake's own `checks`), where there is no Nix.
# check: parallel, about 157 s
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCHLAB_SKIP_FLAKE_CHECK:-0}" = 1 ]; then
    echo "flake: skipped (BENCHLAB_SKIP_FLAKE_CHECK=1, e.g. inside a Nix build)"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flake-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== the flake as it is (with a Nix that warns on stderr, as Debian's nix-bin does without a nixbld group)"
# check-flake reads values from Nix's stdout only: a warning first must not
# become part of them.
. tests/integration/lib/flake_env.sh
flake_need_nix
realnix=$(command -v nix) || { echo "FAIL: no nix (make deps installs nix-bin)"; exit 1; }
mkdir -p "$tmp/noisy"
printf '#!/bin/sh\necho "warning: the group '"'"'nixbld'"'"' specified in '"'"'build-users-group'"'"' does not exist" >&2\nexec %s "$@"\n' \
    "$realnix" >"$tmp/noisy/nix"
chmod +x "$tmp/noisy/nix"
if ! PATH=$tmp/noisy:$PATH ci/check-flake >"$tmp/good.log" 2>&1; then
    cat "$tmp/good.log"
    echo "FAIL: ci/check-flake fails on the flake itself"
    exit 1
fi
tail -n 1 "$tmp/good.log"

# The files the flake is made of (tracked plus new ones), once.
mkdir -p "$tmp/base"
ci/check-flake --copy "$tmp/base"

failures=0
n=0
# broken NAME FILE PYTHON-OLD PYTHON-NEW EXPECTED-MESSAGE
# Copies the flake, replaces every OLD by NEW in FILE (the test fails if OLD is not
# there, so a stale case cannot pass vacuously), and asserts that check-flake
# fails and says EXPECTED-MESSAGE.
# Cases run two at a time (each check-flake is one single-threaded nix
# evaluation); each writes its verdict line to $tmp/verdict-N, printed in order
# at the end.
broken() {
    n=$((n + 1))
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    broken_case "$n" "$@" >"$tmp/verdict-$n" 2>&1 &
}
broken_case() {
    local i=$1 name=$2 file=$3 old=$4 new=$5 expect=$6 dir=$tmp/case-$1
    local log=$tmp/case-$1.log
    rm -rf "$dir"
    cp -R "$tmp/base" "$dir"
    if ! OLD=$old NEW=$new python3 - "$dir/$file" <<'PY'; then
import os, sys
p = sys.argv[1]
s = open(p).read()
old, new = os.environ["OLD"], os.environ["NEW"]
if old not in s:
    sys.exit(1)
open(p, "w").write(s.replace(old, new))
PY
        echo "FAIL [$name]: '$old' not found in $file (update this case)"
        return
    fi
    if CHECK_FLAKE_FAIL_FAST=1 ci/check-flake "$dir" >"$log" 2>&1; then
        echo "FAIL [$name]: check-flake passed a broken flake"
    elif ! grep -qF -- "$expect" "$log"; then
        echo "FAIL [$name]: check-flake failed, but without '$expect':"
        grep -E 'FAIL|error' "$log" | head -n 10
    else
        echo "ok   [$name]: rejected ($expect)"
    fi
    rm -rf "$dir"
}

echo "== broken copies must be rejected"
broken "unknown package" nix/programs.nix \
    "libxcrypt" "libxcryptt" "libxcryptt"
broken "unknown lib function" nix/programs.nix \
    "lib.makeBinPath labRuntime" "lib.makeBinPaths labRuntime" "makeBinPaths"
broken "dockerTools argument that does not exist" nix/images.nix \
    'name = "benchlab-server";' 'name = "benchlab-server"; compressor = "none";' "compressor"
broken "image built from darwin packages" flake.nix \
    'then "aarch64-linux" else system' 'then system else system' "darwin packages"
broken "image with a package of another system" nix/default.nix \
    "programs = imagePrograms;" "inherit programs;" "built for another system"
broken "unknown TeX Live package" nix/tex.nix \
    "ps.kastrup" "ps.kastrupp" "kastrupp"
broken "unknown Python package" nix/peers.nix \
    "ps.pyjwt" "ps.jwt" "attribute 'jwt' missing"
broken "importNpmLock argument that does not exist" nix/peers.nix \
    "packageLock = lockWithUrls;" 'packageLock = lockWithUrls; npmDepsHash = "";' \
    "unexpected argument 'npmDepsHash'"
broken "locked npm package without a URL (npm would need the registry)" nix/peers.nix \
    "packages = builtins.mapAttrs withResolved lock.packages;" "packages = lock.packages;" \
    "has no \`resolved\` URL"
broken "Node.js the pinned nixpkgs does not have" nix/peers.nix \
    "nodejs_22" "nodejs_19" "nodejs_19"
# what nixpkgs' check-meta refuses unless config or NIXPKGS_ALLOW_* allows it
broken "insecure package (Node.js 20, end of life)" nix/peers.nix \
    "nodejs_22" "nodejs_20" "is marked as insecure"
broken "package marked broken" nix/peers.nix \
    'description = "The Express peer'"'"'s app and its locked node_modules";' \
    'description = "The Express peer'"'"'s app and its locked node_modules"; broken = true;' \
    "is marked as broken"
broken "unfree package" nix/peers.nix \
    'description = "The Express peer'"'"'s app and its locked node_modules";' \
    'description = "The Express peer'"'"'s app and its locked node_modules"; license = lib.licenses.unfree;' \
    "has an unfree license"
broken "Linux-only package on darwin" nix/devshell.nix \
    "    jq
" "    jq
    valgrind
" "not available on the requested hostPlatform"
broken "app program not a string" nix/default.nix \
    "program = lib.getExe drv;" "program = drv;" "not a string"
broken "missing package output" nix/default.nix \
    "    inherit paper;
    default" "    default" "paper is missing"
broken "nixpkgs not pinned" flake.nix \
    "nixpkgs/bae8a721d98b1b4ede0f6c04cec505dcf6a691ac" "nixpkgs/nixos-unstable" "40-hex commit"
# shellcheck disable=SC2016 # shell text, not to be expanded here
broken "app script shellcheck would reject" nix/apps.nix \
    'echo "paper: $pdf"' 'echo paper: $pdf' "shellcheck: benchlab-paper"
broken "syntax error" nix/tex.nix \
    "ps.acmart" "ps.acmart (" "does not parse"

wait
for i in $(seq "$n"); do
    cat "$tmp/verdict-$i"
    grep -q '^ok ' "$tmp/verdict-$i" || failures=$((failures + 1))
done
if [ "$failures" -ne 0 ]; then
    echo "flake: $failures of $n broken copies were not rejected as expected"
    exit 1
fi
echo "flake: ok (the flake passes; all $n broken copies rejected)"
