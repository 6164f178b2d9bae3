#!/usr/bin/env bash
# `make bench-server`: benchlab-server next to peers measured in the same run.
#
# Pinned: the server under test (and nginx) on CPU ${SERVER_CPU:-1}, wrk and
# pgbench on CPU ${LOAD_CPU:-0}. For each threading model: /health and /echo
# requests/s against nginx serving a static /health on the same core; and
# /users requests/s against pgbench running the same SELECT at the same
# concurrency on the same database. PostgreSQL is pinned to CPU ${PG_CPU:-0}
# (with the load generators) in both measurements, so the database gets the
# same core whether pgbench or benchlab-server is its client. Prints a table
# with the ratios, then the CPU time the server and nginx spent per request
# (user + system of the whole process, from /proc/PID/stat around each wrk
# run): on a shared machine requests/s move with other load, CPU time per
# request much less, so that table is the steadier comparison.
#
#   DUR=5 CONNS=10 BUILD=build bash bench/server.sh
#   MODELS="epoll pool" to measure only some threading models; MODEL+fast is
#   that model with --fast-routes on (/health and /echo answered without
#   ulfius' per-request work; the study's c-ulfius runs with it off).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DUR=${DUR:-5}
CONNS=${CONNS:-10}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
PG_CPU=${PG_CPU:-$LOAD_CPU}
MODELS=${MODELS:-select poll epoll epoll+fast pool pool+fast thread-per-conn}

for tool in wrk nginx pgbench taskset; do
    command -v "$tool" >/dev/null || { echo "bench-server: $tool missing (make deps installs it)" >&2; exit 1; }
done
[ -x "$BUILD/benchlab" ] && [ -x "$BUILD/benchlab-server" ] || { echo "bench-server: build first (make)" >&2; exit 1; }

work=$(mktemp -d /tmp/benchlab-bench-server.XXXXXX)
server_pid=""
nginx_started=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    [ -n "$nginx_started" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
    "$BUILD/benchlab" down --dir "$work/stack" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nothing listens on right now (connect refused), picked at random.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
# Waits up to 10 s for URL to answer; gives up early when process PID (if given) is gone.
wait_http() {
    for _ in $(seq 100); do
        curl -sf -o /dev/null "$1" && return 0
        [ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
hz=$(getconf CLK_TCK)
# CPU clock ticks (user + system, every thread) process PID has used.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# "<requests/s> <CPU microseconds of PID per request>" of a wrk run on URL
# (extra wrk args after it).
measure() {
    local pid=$1 url=$2 t0 t1 out
    shift 2
    t0=$(ticks "$pid")
    # the numbers from wrk's stdout only; its stderr is shown when they are missing
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DUR}s" "$@" "$url" 2>"$work/wrk.err")
    t1=$(ticks "$pid")
    grep -q 'Requests/sec' <<<"$out" || sed 's/^/wrk: /' "$work/wrk.err" >&2
    echo "$out" | awk -v dt=$((t1 - t0)) -v hz="$hz" '
        /requests in/ {n = $1} /Requests\/sec/ {r = $2} /Non-2xx/ {bad = 1}
        END {if (bad) print "non-2xx" > "/dev/stderr"; printf "%s %.1f\n", r, (n > 0 ? dt * 1e6 / hz / n : 0)}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "bench-server: starting a private stack (PostgreSQL, Redis, seed) in $work/stack" >&2
"$BUILD/benchlab" up --dir "$work/stack" >"$work/up.env"
pg=$(sed -n 's/^BENCHLAB_PG=//p' "$work/up.env")
redis=$(sed -n 's/^BENCHLAB_REDIS=//p' "$work/up.env")
# Backends forked later inherit the postmaster's affinity.
pg_pid=$(cat "$work/stack/postgres.pid")
for pid in $pg_pid $(pgrep -P "$pg_pid"); do taskset -a -c -p "$PG_CPU" "$pid" >/dev/null; done

# nginx: one worker on the server's core, a static /health.
mkdir -p "$work/nginx/logs"
nport=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        location = /health { default_type application/json; return 200 '{"status":"ok","server":"nginx"}'; }
    }
}
CONF
taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
wait_http "http://127.0.0.1:$nport/health"
nginx_worker=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -n 1)

cat >"$work/echo.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"message":"Hello, benchmark!","timestamp":1,"data":{"items":[1,2,3,4,5],"nested":{"key":"value"}}}'
wrk.headers["Content-Type"] = "application/json"
LUA
echo 'SELECT id, name, email, created_at FROM users ORDER BY id;' >"$work/users.sql"

# The peers, measured once between the servers' runs would drift; measure
# nginx and pgbench next to each model instead (same minute, same load).
pg_host=$(echo "$pg" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
pg_port=$(echo "$pg" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
pg_user=$(echo "$pg" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
pg_db=$(echo "$pg" | sed -n 's/.*dbname=\([^ ]*\).*/\1/p')
pgbench_tps() { # the value from pgbench's stdout only; its stderr is shown when it is missing
    local tps
    tps=$(taskset -c "$LOAD_CPU" pgbench -n -c "$CONNS" -j 1 -T "$DUR" -f "$work/users.sql" \
        -h "$pg_host" -p "$pg_port" -U "$pg_user" "$pg_db" 2>"$work/pgbench.err" |
        awk '/^tps/ {print $3; exit}')
    [ -n "$tps" ] || sed 's/^/pgbench: /' "$work/pgbench.err" >&2
    echo "$tps"
}

printf '\nbenchlab-server vs peers: %s s per point, %s connections, server+nginx on CPU %s, wrk/pgbench on CPU %s, PostgreSQL on CPU %s\n\n' \
    "$DUR" "$CONNS" "$SERVER_CPU" "$LOAD_CPU" "$PG_CPU"
printf '%-16s %10s %10s %7s %10s %7s %10s %10s %7s\n' model health nginx ratio echo ratio users pgbench ratio
cpu_table=""
for model in $MODELS; do
    args=(--threading "${model%+fast}")
    [ "${model%+fast}" = pool ] && args+=(--threads 2)
    [ "$model" != "${model%+fast}" ] && args+=(--fast-routes on)
    # Other developers' stacks may take the port between the probe and the
    # bind: a server that exits at once is started again on another port.
    started=""
    for _ in 1 2 3; do
        sport=$(free_port)
        taskset -c "$SERVER_CPU" "$BUILD/benchlab-server" --listen "127.0.0.1:$sport" "${args[@]}" \
            --pg "$pg" --redis "$redis" --db-pool "$CONNS" 2>"$work/server-$model.log" &
        server_pid=$!
        if wait_http "http://127.0.0.1:$sport/health" "$server_pid"; then
            started=1
            break
        fi
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    done
    [ -n "$started" ] || { echo "bench-server: $model did not start" >&2; cat "$work/server-$model.log" >&2; exit 1; }
    base="http://127.0.0.1:$sport"
    curl -sf -o /dev/null "$base/users" # warm the pool and prepared statements
    read -r h hc < <(measure "$server_pid" "$base/health")
    read -r n nc < <(measure "$nginx_worker" "http://127.0.0.1:$nport/health")
    read -r e ec < <(measure "$server_pid" "$base/echo" -s "$work/echo.lua")
    read -r u uc < <(measure "$server_pid" "$base/users")
    p=$(pgbench_tps)
    printf '%-16s %10.0f %10.0f %7s %10.0f %7s %10.0f %10.0f %7s\n' "$model" "$h" "$n" "$(ratio "$h" "$n")" \
        "$e" "$(ratio "$e" "$n")" "$u" "$p" "$(ratio "$u" "$p")"
    cpu_table+=$(printf '%-16s %10s %10s %7s %10s %7s %10s' "$model" "$hc" "$nc" "$(ratio "$nc" "$hc")" \
        "$ec" "$(ratio "$nc" "$ec")" "$uc")$'\n'
    kill "$server_pid"
    wait "$server_pid" || { echo "bench-server: $model did not exit 0 on SIGTERM" >&2; exit 1; }
    server_pid=""
done
printf '\nratios: health/nginx (target >= 0.75), echo/nginx-health (>= 0.5), users/pgbench (>= 0.6)\n'
printf '\nCPU microseconds per request (server, nginx worker); ratio = nginx /health CPU / server CPU\n\n'
printf '%-16s %10s %10s %7s %10s %7s %10s\n' model health nginx ratio echo ratio users
printf '%s' "$cpu_table"
