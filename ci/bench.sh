#!/usr/bin/env bash
# `make bench`: a study, then its report and the paper.
#
#   make bench                        the full plan (10 runs x 30 s of every scenario)
#   make bench QUICK=1                the quick plan (every scenario once, a few minutes)
#   make bench RESULTS=DIR            where the results go (default results/<plan>-<UTC time>);
#                                     a DIR that already holds a study is resumed
#   PLAN=standard, PROFILE=local-2core, RUNS=N   other plans, profiles, run counts
#   SKIP_PAPER=1                      stop after the report (the Nix apps typeset the paper)
#
# Native boxes (cgroups) need root; without root the study runs with the
# `unboxed` profile and says so (and so do its results).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

plan=${PLAN:-full}
if [ "${QUICK:-0}" = 1 ]; then plan=quick; fi
results=${RESULTS:-results/$plan-$(date -u +%Y%m%d-%H%M%S)}

args=(run "$plan" --results "$results")
profile=${PROFILE:-}
if [ -z "$profile" ] && [ "$(id -u)" != 0 ]; then
    echo "bench: not root, so no cgroup boxes: using the 'unboxed' profile" >&2
    profile=unboxed
fi
if [ -n "$profile" ]; then args+=(--profile "$profile"); fi
if [ -n "${RUNS:-}" ]; then args+=(--runs "$RUNS"); fi
if [ -f "$results/manifest.json" ]; then
    echo "bench: $results holds a study already: resuming it" >&2
    args+=(--resume)
fi

start=$(date +%s)
rc=0
"$BUILD/benchlab" "${args[@]}" || rc=$?
wall=$(($(date +%s) - start))
echo "bench: plan $plan: wall time ${wall}s (exit $rc), results in $results" >&2
if [ "$rc" -ge 128 ]; then
    exit "$rc" # interrupted: no report of a half study
fi
if [ ! -f "$results/manifest.json" ]; then
    exit "$rc"
fi

# The report and the paper, where they exist (their own developers' parts).
if "$BUILD/benchlab" report --help 2>&1 | grep -q "not implemented"; then
    echo "bench: benchlab report is not available in this build; skipping it" >&2
else
    "$BUILD/benchlab" report "$results" || rc=$?
fi
if [ "${SKIP_PAPER:-0}" = 1 ]; then
    echo "bench: SKIP_PAPER=1: no paper here (nix run .#bench typesets it itself)" >&2
elif [ -f ci/paper.sh ]; then
    make --no-print-directory paper RESULTS="$results" BUILD="$BUILD" || rc=$?
else
    echo "bench: no ci/paper.sh yet; skipping the paper" >&2
fi
exit "$rc"
