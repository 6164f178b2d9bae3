#!/usr/bin/env bash
# Builds every libFuzzer target tests/fuzz/fuzz_<program>_*.c with clang
# (ASan + UBSan + fuzzer) against that program's sources, and runs each for
# FUZZ_SECONDS (default 10: the short run of `make check`; `make fuzz` runs 300).
# Seeds come from tests/fuzz/corpus/<target>/ when present.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-10}
out=${BUILD:-build}-fuzz
mkdir -p "$out"
if ! command -v clang >/dev/null; then
    echo "fuzz: clang missing (make deps installs it)" >&2
    exit 1
fi
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Isrc -fsanitize=fuzzer,address,undefined $(pkg-config --cflags libulfius libmicrohttpd libpq hiredis jansson libjwt libcurl)"
libs="$(pkg-config --libs libulfius libmicrohttpd libpq hiredis jansson libjwt libcurl) -lyder -lorcania -lev -lcrypt -lpthread -lm"
n=0
for src in tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    prog=$(echo "$name" | cut -d_ -f2) # fuzz_<program>_<what>
    srcs=$(find "src/$prog" src/common -name '*.c' ! -name main.c | sort)
    clang $cflags -o "$out/$name" "$src" $srcs $libs
    corpus="$out/corpus-$name"
    mkdir -p "$corpus"
    seeds=""
    [ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
    echo "fuzz: $name for ${secs}s"
    "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
        "$corpus" $seeds 2>"$out/$name.log" || {
        tail -n 40 "$out/$name.log"
        exit 1
    }
    n=$((n + 1))
done
echo "fuzz: $n targets ran ${secs}s each without a finding"
