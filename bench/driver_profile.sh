#!/usr/bin/env bash
# `make bench-driver-profile`: where a load generator's time goes per request,
# in numbers that do not depend on how busy the host is.
#
# Against a private nginx /health (bench/nginx.sh), for benchlab-load --io
# epoll and --io uring (scenarios/basic/01-lightweight.json: checks and
# histograms on), wrk, and the floor (bench/pingpong.c):
#   - user-space instructions per request (valgrind --tool=callgrind): for
#     benchlab-load only the load phase (--toggle-collect=worker_main) over
#     ITER requests; for wrk and the floor the difference of a SHORT and a LONG
#     run, over the difference of their requests (start-up cancels out);
#   - system calls per request (strace -c -f, a DURATION-second run).
# The kernel's share of the CPU time is not in the instruction counts: see
# bench/driver.sh's CPU µs per request (user + sys) for that.
#
#   ITER=12000 SHORT=2 LONG=6 DURATION=3 CONNS=10 BUILD=build bash bench/driver_profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ITER=${ITER:-12000}
SHORT=${SHORT:-2}
LONG=${LONG:-6}
DURATION=${DURATION:-3}
CONNS=${CONNS:-10}
LOAD_CPU=${LOAD_CPU:-0}
TARGET_CPU=${TARGET_CPU:-1}
SCENARIO=scenarios/basic/01-lightweight.json
# shellcheck source=bench/nginx.sh
. bench/nginx.sh

for tool in valgrind strace wrk nginx taskset cc jq; do
    command -v "$tool" >/dev/null || { echo "bench-driver-profile: $tool missing (make deps)" >&2; exit 1; }
done
[ -x "$BUILD/benchlab-load" ] || { echo "bench-driver-profile: $BUILD/benchlab-load missing (make)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/benchlab-driver-profile.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cc -std=c11 -O2 -Wall -Wextra -o "$tmp/pingpong" bench/pingpong.c

port=$((20000 + RANDOM % 40000))
start_nginx "$tmp/nginx" "$port" "$TARGET_CPU"
url=http://127.0.0.1:$port
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

ios=(epoll uring)
probe=$("$BUILD/benchlab-load" run "$SCENARIO" --base-url "$url" --io uring --iterations 1 --quiet 2>&1 || true)
[[ $probe == *"io_uring is not available"* ]] && ios=(epoll)

collected() { sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$1"; }
load() { # io "run flags" prefix...: benchlab-load on one pinned thread
    local io=$1 flags=$2
    shift 2
    # shellcheck disable=SC2086 # flags: words on purpose
    taskset -c "$LOAD_CPU" "$@" "$BUILD/benchlab-load" run "$SCENARIO" --base-url "$url" \
        --vus "$CONNS" --threads 1 --quiet --io "$io" --summary-export "$tmp/s.json" $flags
}
other() { # tool seconds prefix...: wrk or the floor; prints the requests it made
    local tool=$1 secs=$2
    shift 2
    if [ "$tool" = wrk ]; then
        taskset -c "$LOAD_CPU" "$@" wrk -t1 -c"$CONNS" -d"${secs}s" "$url/health" |
            awk '/requests in/ {print $1}'
    else
        taskset -c "$LOAD_CPU" "$@" "$tmp/pingpong" "$port" /health "$CONNS" "$secs"
    fi
}

printf '%-20s %14s %16s   %s\n' tool "instr/request" "syscalls/request" "syscalls per request (strace -c)"
for io in "${ios[@]}"; do
    load "$io" "--iterations $ITER" valgrind --tool=callgrind --toggle-collect=worker_main \
        --callgrind-out-file="$tmp/cg.out" >/dev/null 2>"$tmp/vg.txt"
    n=$(jq '.metrics.http_reqs.count' "$tmp/s.json")
    ir=$(awk -v c="$(collected "$tmp/vg.txt")" -v n="$n" 'BEGIN { printf "%.0f", c / n }')
    load "$io" "--duration ${DURATION}s" strace -c -f -o "$tmp/st.txt" >/dev/null 2>&1
    n=$(jq '.metrics.http_reqs.count' "$tmp/s.json")
    sc=$(awk -v n="$n" '$NF == "total" { printf "%.2f", $4 / n }' "$tmp/st.txt")
    per=$(awk -v n="$n" 'NR > 2 && $NF != "total" && $4 ~ /^[0-9]+$/ && $4 / n >= 0.01 { printf "%s %.2f  ", $NF, $4 / n }' "$tmp/st.txt")
    printf '%-20s %14s %16s   %s\n' "benchlab-load-$io" "$ir" "$sc" "$per"
done
for tool in wrk floor; do
    for secs in "$SHORT" "$LONG"; do
        other "$tool" "$secs" valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$secs.out" \
            >"$tmp/n.$secs" 2>"$tmp/vg.$secs.txt"
    done
    ir=$(awk -v c1="$(collected "$tmp/vg.$SHORT.txt")" -v c2="$(collected "$tmp/vg.$LONG.txt")" \
        -v n1="$(cat "$tmp/n.$SHORT")" -v n2="$(cat "$tmp/n.$LONG")" \
        'BEGIN { if (n2 > n1) printf "%.0f", (c2 - c1) / (n2 - n1); else print "-" }')
    n=$(other "$tool" "$DURATION" strace -c -f -o "$tmp/st.txt")
    sc=$(awk -v n="$n" '$NF == "total" { printf "%.2f", $4 / n }' "$tmp/st.txt")
    per=$(awk -v n="$n" 'NR > 2 && $NF != "total" && $4 ~ /^[0-9]+$/ && $4 / n >= 0.01 { printf "%s %.2f  ", $NF, $4 / n }' "$tmp/st.txt")
    printf '%-20s %14s %16s   %s\n' "$tool" "$ir" "$sc" "$per"
done
