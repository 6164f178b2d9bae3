#!/usr/bin/env bash
# Runs every libFuzzer target tests/fuzz/fuzz_<program>_*.c for FUZZ_SECONDS
# (default 10: the short run of `make check`; `make fuzz` runs 300), FUZZ_JOBS
# targets at a time (default 1). The targets are built by `make fuzz-build`
# (clang, ASan + UBSan + fuzzer; each program's objects compiled once, then
# only what changed), which this script runs first.
# Seeds come from tests/fuzz/corpus/<target>/ when present.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-5}
jobs=${FUZZ_JOBS:-1}
out=${BUILD:-build}-fuzz
if ! command -v clang >/dev/null; then
    echo "fuzz: clang missing (make deps installs it)" >&2
    exit 1
fi
# (already built under make check and make fuzz; not a jobserver client of theirs)
MAKEFLAGS= make -s --no-print-directory BUILD="${BUILD:-build}" fuzz-build

# run NAME: one target for $secs; its log is $out/NAME.log
run() {
    local name=$1 corpus="$out/corpus-$1" seeds=""
    mkdir -p "$corpus"
    [ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
    "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
        "$corpus" $seeds >"$out/$name.log" 2>&1
}
names=()
for src in tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] && names+=("$(basename "$src" .c)")
done
declare -A pid_of=()
for name in "${names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    echo "fuzz: $name for ${secs}s"
    run "$name" &
    pid_of[$name]=$!
done
bad=0
for name in "${names[@]}"; do
    if ! wait "${pid_of[$name]}"; then
        echo "fuzz: $name found a failure (reproduce: $out/$name <crash file>):"
        tail -n 40 "$out/$name.log"
        bad=$((bad + 1))
    fi
done
[ "$bad" -eq 0 ] || exit 1
echo "fuzz: ${#names[@]} targets ran ${secs}s each without a finding"
