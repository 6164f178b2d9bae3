#!/usr/bin/env bash
# benchlab-load refuses what one process cannot hold (docs/scenarios.md, "Limits"):
#  1. integer flags: overflow, garbage, signs, blanks and values beyond the
#     documented maxima are refused (exit 2) with the flag named; never a crash;
#  2. --rate and --duration: inf, nan, overflow and beyond the maxima;
#  3. VUs beyond the descriptors the process may open (RLIMIT_NOFILE, lowered
#     here with ulimit): refused, naming --vus, --max-vus or the file's field;
#     within it the run goes ahead;
#  4. VUs and threads beyond the memory it may use (RLIMIT_AS): refused;
#  5. a run with 2,000 VUs waiting on a server that never answers stops within
#     a few seconds of SIGTERM and writes its summary.
# Against tests/support/load_testserver on 127.0.0.1. About 10 s.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
load=$BUILD/benchlab-load
. tests/integration/lib/common.sh
. tests/integration/lib/load_testserver.sh
[ -x "$load" ] || fail "$load is not built"
testserver_setup load-limits

cat >"$work/ok.json" <<'EOF'
{"duration": "1s", "iteration": {"requests": [{"path": "/ok", "checks": [{"status": 200}]}]}}
EOF
cat >"$work/hang.json" <<'EOF'
{"duration": "60s", "timeouts": {"connect": "30s", "request": "60s"},
 "iteration": {"requests": [{"path": "/hang"}]}}
EOF

# refused "WHAT" PATTERN ARGS...: exit 2 and a message matching PATTERN.
refused() {
    local what=$1 pattern=$2
    shift 2
    timeout 20 "$load" run "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "$what: exit $rc, expected 2: $(head -c 400 "$work/err")"
    grep -qE -- "$pattern" "$work/err" || fail "$what: no message matching /$pattern/: $(head -c 400 "$work/err")"
    echo "ok: $what: $(head -n 1 "$work/err")"
}

# --- 1. integer flags ---------------------------------------------------------
for v in 2147483647 2147483648 2000000 100001 99999999999999999999999 0 -1 1x '' ' 5' +5 0x10; do
    refused "--vus '$v'" "--vus: expected an integer from 1 to 100000" "$work/ok.json" --base-url "$url" --vus "$v"
done
refused "--max-vus 2147483648" "--max-vus: expected an integer from 1 to 100000" "$work/ok.json" --base-url "$url" --rate 10 --max-vus 2147483648
refused "--threads 100000" "--threads: expected an integer from 1 to 256" "$work/ok.json" --base-url "$url" --threads 100000
refused "--threads 4294967297" "--threads: expected an integer" "$work/ok.json" --base-url "$url" --threads 4294967297
refused "--iterations overflow" "--iterations: expected an integer from 1 to 1000000000" "$work/ok.json" --base-url "$url" --iterations 9223372036854775808
# verify parses the same flags
timeout 20 "$load" verify "$work/ok.json" --base-url "$url" --vus 2147483648 >/dev/null 2>"$work/err"
[ $? -eq 2 ] && grep -q -- "--vus: expected an integer" "$work/err" || fail "verify accepted --vus 2147483648"
echo "ok: verify --vus 2147483648 refused"

# --- 2. rate and duration -------------------------------------------------------
for v in inf nan 1e400 2e6 0 -5 10x; do
    refused "--rate '$v'" "--rate: expected a number > 0 and at most 1000000" "$work/ok.json" --base-url "$url" --rate "$v"
done
for v in 1e300s 8d 691200s 0s abc; do
    refused "--duration '$v'" "--duration: expected" "$work/ok.json" --base-url "$url" --duration "$v"
done
echo '{"vus": 200000, "iteration": {"requests": [{"path": "/ok"}]}}' >"$work/file-vus.json"
refused "file vus 200000" "file-vus.json: vus: at most 100000" "$work/file-vus.json" --base-url "$url"
echo '{"rate": 1e9, "iteration": {"requests": [{"path": "/ok"}]}}' >"$work/file-rate.json"
refused "file rate 1e9" "file-rate.json: rate: expected a number > 0 and at most 1000000" "$work/file-rate.json" --base-url "$url"
echo '{"duration": 1e12, "iteration": {"requests": [{"path": "/ok"}]}}' >"$work/file-dur.json"
refused "file duration 1e12" "file-dur.json: duration: .*at most 7 days" "$work/file-dur.json" --base-url "$url"

# --- 3. file descriptors ----------------------------------------------------------
(
    ulimit -n 200 || exit 3
    refused "--vus 150 with 200 descriptors" "--vus 150: more than this process can hold: .*RLIMIT_NOFILE.*at most 136 VUs" \
        "$work/ok.json" --base-url "$url" --vus 150
    refused "--max-vus 150 with 200 descriptors" "--max-vus 150: more than this process can hold: .*RLIMIT_NOFILE" \
        "$work/ok.json" --base-url "$url" --rate 100 --max-vus 150
    echo '{"vus": 150, "iteration": {"requests": [{"path": "/ok"}]}}' >"$work/file-150.json"
    refused "file vus 150 with 200 descriptors" "file-150.json: vus: more than this process can hold" \
        "$work/file-150.json" --base-url "$url"
    timeout 20 "$load" run "$work/ok.json" --base-url "$url" --vus 100 --quiet --summary-export "$work/s100.json" >/dev/null 2>"$work/err" ||
        fail "--vus 100 with 200 descriptors did not run: $(cat "$work/err")"
) || fail "descriptor checks (exit $?)"
reqs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"])' "$work/s100.json")
[ "$reqs" -gt 0 ] || fail "--vus 100 made no request"
echo "ok: --vus 100 within 200 descriptors ran ($reqs requests)"

# --- 4. memory --------------------------------------------------------------------
(
    ulimit -v 200000 || exit 3
    refused "--vus 200 --threads 64 within 200 MB of address space" \
        "--vus 200: more than this process can hold: .*on 64 thread\(s\) need about .*RLIMIT_AS" \
        "$work/ok.json" --base-url "$url" --vus 200 --threads 64
) || fail "memory checks (exit $?)"

# --- 5. many VUs stop promptly --------------------------------------------------
"$load" run "$work/hang.json" --base-url "$url" --vus 2000 --quiet --summary-export "$work/hang-sum.json" \
    >/dev/null 2>"$work/hang.err" &
lp=$!
sleep 2
kill -0 "$lp" 2>/dev/null || fail "--vus 2000 exited early: $(cat "$work/hang.err")"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$lp/status")
t0=$(date +%s%N)
kill -TERM "$lp"
for _ in $(seq 100); do kill -0 "$lp" 2>/dev/null || break; sleep 0.05; done
kill -0 "$lp" 2>/dev/null && fail "--vus 2000 still running 5 s after SIGTERM"
wait "$lp"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" -eq 1 ] || fail "interrupted run: exit $rc, expected 1"
[ -s "$work/hang-sum.json" ] || fail "interrupted run wrote no summary"
echo "ok: 2000 VUs (RSS ${rss} kB) stopped ${ms} ms after SIGTERM"
echo "load_limits: all passed"
