#!/usr/bin/env bash
# `make bench-driver`: benchlab-load against wrk on the same targets, side by side.
#
# Targets: a private nginx answering /health (started here on a free port with a
# temporary config) and build/benchlab-server /health (skipped, with a message,
# while it is not implemented). Load pinned to CPU 0, target to CPU 1, one
# thread each, the same connection count; REPS repetitions, each running every
# tool once, in an order that rotates from one repetition to the next.
# benchlab-load runs scenarios/basic/01-lightweight.json (checks on the status
# and the JSON body, histograms on) once per I/O backend (`--io uring`, `--io
# epoll`; uring only where the kernel allows it), wrk plain GETs, and `floor`
# is bench/pingpong.c: the least a client can do per request with the same
# syscalls (send, one read per response, epoll), with no parsing or checks.
#
# Prints per run: requests/s, CPU µs per request (user+sys of the load process),
# RSS after 10 s; with LONG=1 each run lasts 125 s and RSS is also read at 120 s.
# Ends with, per target and tool, the median CPU µs per request and the median
# of the per-repetition ratios tool / wrk (issue 13's target: benchlab-load
# <= 0.67, i.e. >= 1.5x wrk's requests per CPU second). CPU time per request is
# the number to compare on a shared host; requests/s depends on the target.
#
# BASELINE=path/to/benchlab-load adds that binary's runs (baseline-epoll,
# baseline-uring) to every repetition: a change measured against the binary
# before it, alternating, on the same target. TARGETS picks the targets.
#
#   CONNS=10 DURATION=10 REPS=5 LONG=0 BUILD=build BASELINE= TARGETS="nginx benchlab-server" \
#       bash bench/driver.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CONNS=${CONNS:-10}
REPS=${REPS:-5}
LONG=${LONG:-0}
DURATION=${DURATION:-10}
[ "$LONG" = 1 ] && DURATION=125
[ "$DURATION" -lt 11 ] && [ "$LONG" != 1 ] && DURATION=11 # RSS is read at 10 s
LOAD_CPU=${LOAD_CPU:-0}
TARGET_CPU=${TARGET_CPU:-1}
SCENARIO=scenarios/basic/01-lightweight.json
BASELINE=${BASELINE:-}  # another benchlab-load binary, measured alongside (baseline-epoll/-uring)
TARGETS=${TARGETS:-"nginx benchlab-server"}
# shellcheck source=bench/nginx.sh
. bench/nginx.sh

for tool in wrk nginx taskset cc; do
    command -v "$tool" >/dev/null || { echo "bench-driver: $tool missing (make deps)" >&2; exit 1; }
done
[ -x "$BUILD/benchlab-load" ] || { echo "bench-driver: $BUILD/benchlab-load missing (make)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/benchlab-bench-driver.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -std=c11 -O2 -Wall -Wextra -o "$tmp/pingpong" bench/pingpong.c
tools=(wrk benchlab-load-uring benchlab-load-epoll floor)
probe=$("$BUILD/benchlab-load" run "$SCENARIO" --base-url http://127.0.0.1:9 --io uring \
    --iterations 1 --quiet 2>&1 || true)
if [[ $probe == *"io_uring is not available"* ]]; then
    echo "bench-driver: io_uring is not available here; measuring --io epoll only"
    tools=(wrk benchlab-load-epoll floor)
fi
if [ -n "$BASELINE" ]; then
    [ -x "$BASELINE" ] || { echo "bench-driver: BASELINE=$BASELINE is not an executable" >&2; exit 1; }
    for t in "${tools[@]}"; do
        case $t in benchlab-load-*) tools+=("baseline-${t#benchlab-load-}") ;; esac
    done
fi

free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    echo "bench-driver: no free port found" >&2
    exit 1
}

wait_http() { # url: waits until something answers, up to 10 s
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/${1##*:}") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo "-"; }

# run_tool TOOL URL LABEL: one run; appends "label tool rps cpu_us_per_req rss10 rss120" to results
run_tool() {
    local tool=$1 url=$2 label=$3
    local out="$tmp/$tool.out" cpu="$tmp/$tool.cpu" sub pid rss10 rss120="-"
    if [ "$tool" = wrk ]; then
        ( TIMEFORMAT='%U %S'; time taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" \
            "$url/health" >"$out" ) 2>"$cpu" &
    elif [ "$tool" = floor ]; then
        ( TIMEFORMAT='%U %S'; time taskset -c "$LOAD_CPU" "$tmp/pingpong" "${url##*:}" /health \
            "$CONNS" "$DURATION" >"$out" ) 2>"$cpu" &
    else
        local bin="$BUILD/benchlab-load"
        [[ $tool == baseline-* ]] && bin=$BASELINE
        ( TIMEFORMAT='%U %S'; time taskset -c "$LOAD_CPU" "$bin" run "$SCENARIO" \
            --base-url "$url" --vus "$CONNS" --threads 1 --duration "${DURATION}s" --quiet \
            --io "${tool##*-}" --summary-export "$tmp/summary.json" >"$out" ) 2>"$cpu" &
    fi
    sub=$!
    sleep 0.5
    pid=$(pgrep -n -P "$sub" || true)
    sleep 9.5
    rss10=$(rss_kb "$pid")
    if [ "$LONG" = 1 ]; then
        sleep 110
        rss120=$(rss_kb "$pid")
    fi
    wait "$sub"
    local rps reqs
    if [ "$tool" = wrk ]; then
        rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
        reqs=$(awk '/requests in/ {print $1}' "$out")
        if grep -q 'Non-2xx\|Socket errors' "$out"; then
            echo "  (wrk reported errors: $(grep -E 'Non-2xx|Socket errors' "$out" | tr '\n' ' '))"
        fi
    elif [ "$tool" = floor ]; then
        reqs=$(cat "$out")
        rps=$(awk -v r="$reqs" -v d="$DURATION" 'BEGIN { printf "%.0f", r / d }')
    else
        rps=$(jq '.metrics.http_reqs.rate' "$tmp/summary.json")
        reqs=$(jq '.metrics.http_reqs.count' "$tmp/summary.json")
        local fails
        fails=$(jq '.metrics.checks.fails + .metrics.http_req_failed.passes' "$tmp/summary.json")
        [ "$fails" = 0 ] || echo "  (benchlab-load: $fails failed checks/requests)"
    fi
    local us
    us=$(awk -v r="$reqs" '{ if (r > 0) printf "%.2f", ($1 + $2) * 1e6 / r; else print "-" }' "$cpu")
    printf '%-18s %-20s %12.0f %10s %10s %10s\n' "$label" "$tool" "$rps" "$us" "$rss10" "$rss120"
    echo "$label $tool $rps $us $rss10 $rss120" >>"$tmp/results"
}

bench_target() { # label url: every tool once per repetition, the order rotating
    local label=$1 url=$2 n=${#tools[@]}
    for rep in $(seq "$REPS"); do
        for k in $(seq 0 $((n - 1))); do
            run_tool "${tools[$(((rep + k) % n))]}" "$url" "$label#$rep"
        done
    done
}

echo "bench-driver: $CONNS connections, ${DURATION}s per run, $REPS repetitions, load on CPU $LOAD_CPU, target on CPU $TARGET_CPU"
printf '%-18s %-20s %12s %10s %10s %10s\n' target tool "req/s" "cpu_us/req" rss10s_kb rss120s_kb
: >"$tmp/results"

# --- nginx ------------------------------------------------------------------
if [[ " $TARGETS " == *" nginx "* ]]; then
    nport=$(free_port)
    start_nginx "$tmp/nginx" "$nport" "$TARGET_CPU"
    if wait_http "http://127.0.0.1:$nport"; then
        bench_target nginx "http://127.0.0.1:$nport"
    else
        echo "bench-driver: nginx did not start: $(cat "$tmp/nginx/stderr")" >&2
    fi
    kill "${pids[-1]}" 2>/dev/null || true
fi

# --- benchlab-server --------------------------------------------------------
if [[ " $TARGETS " == *" benchlab-server "* ]]; then
    sport=$(free_port)
    if [ -x "$BUILD/benchlab-server" ]; then
        taskset -c "$TARGET_CPU" "$BUILD/benchlab-server" --listen "127.0.0.1:$sport" \
            --threading epoll --threads 1 >"$tmp/server.log" 2>&1 &
        spid=$!
        pids+=("$spid")
        sleep 0.5
        if ! kill -0 "$spid" 2>/dev/null; then
            echo "bench-driver: skipping benchlab-server: $(head -n 3 "$tmp/server.log")"
        elif wait_http "http://127.0.0.1:$sport"; then
            bench_target benchlab-server "http://127.0.0.1:$sport"
        else
            echo "bench-driver: skipping benchlab-server: it does not listen on $sport"
        fi
        kill "$spid" 2>/dev/null || true
    else
        echo "bench-driver: skipping benchlab-server: $BUILD/benchlab-server not built"
    fi
fi

# --- ratios -----------------------------------------------------------------
echo
echo "median over repetitions: CPU µs per request, and the per-repetition ratio tool / wrk"
echo "(issue 13's target: benchlab-load <= 0.67 x wrk; floor = bench/pingpong.c, same syscalls, no work)"
awk 'function median(arr, n,    x, y, v) {
         for (x = 2; x <= n; x++) { v = arr[x]; y = x - 1
             while (y > 0 && arr[y] > v) { arr[y + 1] = arr[y]; y-- }
             arr[y + 1] = v }
         return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2 }
     { split($1, a, "#"); t = a[1]; r = a[2]; tool = $2
       cpu[t, tool, r] = $4
       if (!(t in seen)) { seen[t] = 1; order[++nt] = t }
       if (!(tool in tseen)) { tseen[tool] = 1; tools[++ntools] = tool }
       if (r > maxr) maxr = r }
     END {
       printf "  %-18s %-20s %12s %14s\n", "target", "tool", "cpu_us/req", "ratio_vs_wrk"
       for (i = 1; i <= nt; i++) {
         t = order[i]
         for (j = 1; j <= ntools; j++) {
           tool = tools[j]; n = 0; m = 0
           for (r = 1; r <= maxr; r++) {
             c = cpu[t, tool, r]; w = cpu[t, "wrk", r]
             if (c > 0) us[++n] = c
             if (c > 0 && w > 0) ratio[++m] = c / w
           }
           if (n == 0) continue
           mu = median(us, n)
           if (m > 0) printf "  %-18s %-20s %12.2f %14.3f  (%d repetitions)\n", t, tool, mu, median(ratio, m), m
           else printf "  %-18s %-20s %12.2f %14s  (%d repetitions)\n", t, tool, mu, "-", n
         }
       } }' "$tmp/results"
