#!/usr/bin/env bash
# Fault injection: PostgreSQL, then Redis, frozen with SIGSTOP under load, then
# thawed with SIGCONT, on a private stack (stopping the shared stack's
# PostgreSQL would fail the other tests). Targets (DEP_STALL_TARGETS): c =
# benchlab-server in every threading model (the default), peers = the five
# peers when they can run (tests/integration/dep_stall_peers.sh).
#
# benchlab-server (default deadlines: --db-timeout 1000, --redis-timeout 250):
#   while a dependency is stopped, its routes answer 503 JSON within the
#   deadline + margin (under load too: no request of the load loops takes
#   longer or gets anything but 200/503), /health answers 200 (fast once the
#   stall is detected; at most one deadline at its onset), and after SIGCONT
#   the routes answer 200 again within a few seconds. In the one-thread
#   models (select, poll, epoll: database and cache waits in request fibers,
#   http/fiber.h) /health and a route without dependencies (/auth/public)
#   are not held even at the onset (< ONE_THREAD_MAX).
# Overlap (c targets, before the stalls): a test trigger makes inserts of
#   e-mails 'overlap-%' sleep 300 ms in PostgreSQL; in each one-thread model
#   two concurrent POST /users finish in < 0.5 s (one after the other would
#   take >= 0.6 s: checked on an epoll server with --async-deps off), and a
#   GET /users/1 sent meanwhile answers in < 0.2 s.
# Peers: only the recovery after SIGCONT is asserted; what they do during the
#   stall is printed (docs/peers.md records it).
# Every stopped process gets SIGCONT on every exit path (trap).
# check: alone
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: dep_stall: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
command -v curl >/dev/null || {
    echo "SKIP: dep_stall: curl is not installed"
    exit 0
}

DB_DEADLINE=1.0    # --db-timeout default, seconds
REDIS_DEADLINE=0.25 # --redis-timeout default
MARGIN=1.0          # scheduling on a busy 2-core machine
HEALTH_ONSET_MAX=$(awk -v a="$DB_DEADLINE" -v b="$MARGIN" 'BEGIN { print a + b }')
HEALTH_MAX=0.25 # median /health over the stall
ONE_THREAD_MAX=0.7 # slowest /health and /auth/public in select/poll/epoll (blocking: >= 1 s)
TARGETS=${DEP_STALL_TARGETS:-c}

tmp=$(mktemp -d /tmp/benchlab-stall.XXXXXX)
stopped=""
children=()
rc=0
# 1 while pid runs (a zombie does not count).
running() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
cleanup() {
    # shellcheck disable=SC2086
    [ -n "$stopped" ] && kill -CONT $stopped 2>/dev/null
    stopped=""
    for p in "${children[@]}"; do kill -TERM "$p" 2>/dev/null; done
    "$BUILD/benchlab" down --dir "$tmp/stack" >/dev/null 2>&1
    # Up to 10 s for the servers and clients to end, then SIGKILL.
    for _ in $(seq 100); do
        local any=0
        for p in "${children[@]}"; do running "$p" && any=1; done
        [ "$any" = 0 ] && break
        sleep 0.1
    done
    for p in "${children[@]}"; do running "$p" && kill -KILL "$p" 2>/dev/null; done
    for p in "${children[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() {
    echo "FAIL: $*"
    rc=1
}
# awk-based float compare: lt A B
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}
# probe URL -> "CODE SECONDS"
probe() { curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}\n' "$1"; }

if ! "$BUILD/benchlab" up --dir "$tmp/stack" >"$tmp/up.env" 2>"$tmp/up.err"; then
    cat "$tmp/up.err"
    echo "FAIL: dep_stall: benchlab up (private stack)"
    exit 1
fi
while IFS='=' read -r k v; do
    case "$k" in BENCHLAB_*) export "$k=$v" ;; esac
done <"$tmp/up.env"
pg_pid=$(cat "$tmp/stack/postgres.pid")
redis_pid=$(cat "$tmp/stack/redis.pid")

# --- targets: name url kind -------------------------------------------------
names=()
urls=()
kinds=()
uids=() # the user id of the cached route
start_c() { # model [args...]
    local m=$1 log="$tmp/server-$1.log" port
    shift
    port=$(free_port)
    "$BUILD/benchlab-server" --listen "127.0.0.1:$port" --threading "$m" "$@" \
        --pg "$BENCHLAB_PG" --redis "$BENCHLAB_REDIS" --upstream "$BENCHLAB_UPSTREAM" \
        --log-level warn 2>"$log" &
    children+=($!)
    for _ in $(seq 50); do
        [ "$(probe "http://127.0.0.1:$port/health" | cut -d' ' -f1)" = 200 ] && break
        sleep 0.1
    done
    names+=("c-$m")
    urls+=("http://127.0.0.1:$port")
    kinds+=(c)
    uids+=(1)
}
if [ "$TARGETS" = c ]; then
    start_c select
    start_c poll
    start_c epoll
    start_c pool --threads 2
    start_c thread-per-conn
fi

start_peer() { # name
    local port
    port=$(free_port)
    BENCHLAB_LISTEN=127.0.0.1:$port BENCHLAB_NAME=$1 BENCHLAB_PG=$BENCHLAB_PG \
        BENCHLAB_REDIS=$BENCHLAB_REDIS BENCHLAB_UPSTREAM=$BENCHLAB_UPSTREAM \
        "peers/$1/start" >"$tmp/peer-$1.log" 2>&1 &
    children+=($!)
    for _ in $(seq 100); do
        [ "$(probe "http://127.0.0.1:$port/health" | cut -d' ' -f1)" = 200 ] && break
        sleep 0.1
    done
    if [ "$(probe "http://127.0.0.1:$port/users/1" | cut -d' ' -f1)" != 200 ]; then
        echo "note: peer $1 did not come up; not tested"
        tail -n 5 "$tmp/peer-$1.log"
        return
    fi
    names+=("$1")
    urls+=("http://127.0.0.1:$port")
    kinds+=(peer)
    # Each implementation caches users in its own format: its own user id,
    # so that none reads another's entry.
    uids+=($((${#uids[@]} + 2)))
}
has_py() { python3 -c "$1" 2>/dev/null || /usr/bin/python3 -c "$1" 2>/dev/null; }
if [ "$TARGETS" = peers ]; then
    for p in fastapi fastapi-strict; do
        if has_py 'import fastapi, uvicorn, asyncpg, redis'; then
            start_peer "$p"
        else
            echo "note: $p peer not available (python modules missing): not tested"
        fi
    done
    if has_py 'import django, rest_framework, psycopg2, django_redis, gunicorn'; then
        start_peer django
    else
        echo "note: django peer not available (python modules missing): not tested"
    fi
    if ruby -e 'require "rails"; require "puma"; require "pg"; require "redis"' 2>/dev/null; then
        start_peer rails
    else
        echo "note: rails peer not available (ruby gems missing): not tested"
    fi
    if command -v node >/dev/null && peers/express/install.sh >/dev/null 2>&1; then
        start_peer express
    else
        echo "note: express peer not available (node or its modules missing): not tested"
    fi
    [ "${#names[@]}" -gt 0 ] || {
        echo "SKIP: dep_stall (peers): no peer can run here"
        exit 0
    }
fi
for i in "${!names[@]}"; do
    [ "$(probe "${urls[$i]}/users/1" | cut -d' ' -f1)" = 200 ] || fail "${names[$i]}: /users/1 not 200 before the stall"
done

# --- one stall ----------------------------------------------------------------
# Background clients are single curl processes walking a URL range (one
# keep-alive connection, no fork per request); each answer is one
# "STAT code seconds" line.
client() { # URL RATE OUT (stdbuf execs curl: $! is curl's pid)
    stdbuf -oL curl -s -m 5 --rate "$2" -w '\nSTAT %{http_code} %{time_total}\n' \
        "$1?n=[1-100000]" >"$3.raw" 2>/dev/null &
    children+=($!)
    cpids+=($!)
}
stats() { # FILE -> "code:count... slowest median"
    local med
    med=$(awk '{ print $3 }' "$1" | sort -n | awk '{ t[NR] = $1 } END { print NR ? t[int((NR + 1) / 2)] : 0 }')
    awk -v med="$med" '{ c[$2]++; if ($3 > m) m = $3 }
         END { for (k in c) s = s k ":" c[k] " "; printf "%s%s %s\n", s, m + 0, med }' "$1"
}

# stall LABEL PID ROUTE DEADLINE [EXTRA_ROUTE]
stall() {
    local label=$1 main=$2 route=$3 deadline=$4 extra=${5:-} i max_c
    max_c=$(awk -v a="$deadline" -v b="$MARGIN" 'BEGIN { print a + b }')
    echo "== $label stopped (SIGSTOP) for 4 s under load, route $route, deadline ${deadline}s"
    cpids=()
    for i in "${!names[@]}"; do
        client "${urls[$i]}${route//ID/${uids[$i]}}" 20/s "$tmp/load-$label-$i.log"
        client "${urls[$i]}/health" 10/s "$tmp/health-$label-$i.log"
        client "${urls[$i]}/auth/public" 5/s "$tmp/plain-$label-$i.log"
        [ -z "$extra" ] || client "${urls[$i]}$extra" 5/s "$tmp/extra-$label-$i.log"
    done
    sleep 1
    stopped="$main $(ps -o pid= --ppid "$main" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -STOP $stopped
    sleep 4
    # shellcheck disable=SC2086
    kill -CONT $stopped
    stopped=""
    local t_cont
    t_cont=$(date +%s.%N)
    # Recovery: 200 again, polled every 200 ms for up to 30 s.
    local rec=()
    for i in "${!names[@]}"; do
        (for _ in $(seq 150); do
            if [ "$(probe "${urls[$i]}${route//ID/${uids[$i]}}" | cut -d' ' -f1)" = 200 ]; then
                awk -v a="$(date +%s.%N)" -v b="$t_cont" 'BEGIN { printf "%.1f\n", a - b }'
                exit 0
            fi
            sleep 0.2
        done
        echo never) >"$tmp/recovered-$label-$i.txt" &
        rec+=($!)
    done
    wait "${rec[@]}"
    sleep 0.5
    kill -TERM "${cpids[@]}" 2>/dev/null
    wait "${cpids[@]}" 2>/dev/null
    for f in "$tmp"/*-"$label"-*.log.raw; do grep -a '^STAT ' "$f" >"${f%.raw}"; done
    for i in "${!names[@]}"; do
        local n=${names[$i]} k=${kinds[$i]} r load hl ls hs codes slowest hcodes hmax hmed
        r=$(cat "$tmp/recovered-$label-$i.txt")
        load="$tmp/load-$label-$i.log"
        hl="$tmp/health-$label-$i.log"
        ls=$(stats "$load")
        hs=$(stats "$hl")
        read -r slowest _ <<<"$(echo "$ls" | awk '{ print $(NF-1), $NF }')"
        codes=$(echo "$ls" | awk '{ NF -= 2; print }')
        read -r hmax hmed <<<"$(echo "$hs" | awk '{ print $(NF-1), $NF }')"
        hcodes=$(echo "$hs" | awk '{ NF -= 2; print }')
        echo "   $n: $route codes {$codes} slowest ${slowest}s; /health codes {$hcodes}" \
            "max ${hmax}s median ${hmed}s; $route 200 again ${r}s after SIGCONT"
        if [ "$r" = never ]; then
            fail "$n: $route did not recover within 30 s of SIGCONT ($label)"
        fi
        [ "$k" = c ] || continue
        grep -qv '^STAT \(200\|503\) ' "$load" && fail "$n: $route got other than 200/503: {$codes}"
        grep -q '^STAT 503 ' "$load" || fail "$n: $route saw no 503 while $label was stopped"
        grep -aq '{"error":"service_unavailable","detail":"\(database\|redis\) unavailable"}' \
            "$load.raw" || fail "$n: no 503 JSON body {\"error\":\"service_unavailable\",...} on $route"
        lt "$slowest" "$max_c" || fail "$n: a $route request took ${slowest}s (> $max_c)"
        if [ -n "$extra" ]; then
            local xl="$tmp/extra-$label-$i.log" xs xslow
            xs=$(stats "$xl")
            xslow=$(echo "$xs" | awk '{ print $(NF-1) }')
            echo "      $extra codes {$(echo "$xs" | awk '{ NF -= 2; print }')} slowest ${xslow}s"
            grep -qv '^STAT \(200\|503\) ' "$xl" && fail "$n: $extra got other than 200/503"
            grep -q '^STAT 503 ' "$xl" || fail "$n: $extra saw no 503 while $label was stopped"
            lt "$xslow" "$max_c" || fail "$n: a $extra request took ${xslow}s (> $max_c)"
        fi
        grep -qv '^STAT 200 ' "$hl" && fail "$n: /health answered other than 200: {$hcodes}"
        lt "$hmax" "$HEALTH_ONSET_MAX" || fail "$n: /health took ${hmax}s during the $label stall"
        lt "$hmed" "$HEALTH_MAX" || fail "$n: /health median ${hmed}s during the $label stall"
        local pl="$tmp/plain-$label-$i.log" ps pmax
        ps=$(stats "$pl")
        pmax=$(echo "$ps" | awk '{ print $(NF-1) }')
        echo "      /auth/public codes {$(echo "$ps" | awk '{ NF -= 2; print }')} slowest ${pmax}s"
        grep -qv '^STAT 200 ' "$pl" && fail "$n: /auth/public answered other than 200"
        case "$n" in
        c-select | c-poll | c-epoll)
            lt "$hmax" "$ONE_THREAD_MAX" || fail "$n: /health held ${hmax}s (> $ONE_THREAD_MAX) in the $label stall"
            lt "$pmax" "$ONE_THREAD_MAX" || fail "$n: /auth/public held ${pmax}s (> $ONE_THREAD_MAX) in the $label stall"
            ;;
        *) lt "$pmax" "$HEALTH_ONSET_MAX" || fail "$n: /auth/public took ${pmax}s in the $label stall" ;;
        esac
    done
}

# --- overlap: slow statements of concurrent requests run at the same time --
# psql as the stack's user; the trigger only slows the test's own e-mails.
overlap() {
    command -v psql >/dev/null || {
        echo "note: psql not installed: overlap not checked"
        return
    }
    if ! psql "$BENCHLAB_PG" -qAt -v ON_ERROR_STOP=1 >/dev/null 2>"$tmp/psql.err" <<'SQL'; then
CREATE FUNCTION benchlab_test_slow() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep(0.3); RETURN NEW; END $$;
CREATE TRIGGER benchlab_test_slow BEFORE INSERT ON users FOR EACH ROW
  WHEN (NEW.email LIKE 'overlap-%') EXECUTE FUNCTION benchlab_test_slow();
SQL
        cat "$tmp/psql.err"
        fail "overlap: cannot create the test trigger"
        return
    fi
    local port off
    port=$(free_port)
    "$BUILD/benchlab-server" --listen "127.0.0.1:$port" --threading epoll --async-deps off \
        --pg "$BENCHLAB_PG" --redis "$BENCHLAB_REDIS" --log-level warn 2>"$tmp/server-off.log" &
    children+=($!)
    off=$!
    for _ in $(seq 50); do
        [ "$(probe "http://127.0.0.1:$port/health" | cut -d' ' -f1)" = 200 ] && break
        sleep 0.1
    done
    # BASE -> "pair_slowest meanwhile_seconds codes": one curl starts both slow
    # inserts at once (--parallel-immediate), so each one's time_total counts
    # from the same start; GET /users/1 goes out while they run.
    pair() {
        local body='{"name":"o","email":"overlap-%s@example.com"}' w='%{http_code} %{time_total}\n'
        # shellcheck disable=SC2059
        curl -s -m 5 -Z --parallel-immediate -H 'Content-Type: application/json' \
            -o /dev/null -w "$w" -d "$(printf "$body" "$RANDOM$RANDOM-a")" "$1/users" --next \
            -H 'Content-Type: application/json' \
            -o /dev/null -w "$w" -d "$(printf "$body" "$RANDOM$RANDOM-b")" "$1/users" >"$tmp/ov1" 2>/dev/null &
        local a=$!
        sleep 0.1
        probe "$1/users/1" >"$tmp/ov3"
        wait "$a"
        awk '{ c = c $1 " "; if (FILENAME != ARGV[2] && $2 > m) m = $2; if (FILENAME == ARGV[2]) g = $2 }
             END { print m + 0, g + 0, c }' "$tmp/ov1" "$tmp/ov3"
    }
    local i best bestg res codes
    for i in "${!names[@]}" off; do
        local n_ url
        if [ "$i" = off ]; then
            n_="c-epoll --async-deps off"
            url="http://127.0.0.1:$port"
        else
            n_=${names[$i]}
            url=${urls[$i]}
            case "$n_" in c-select | c-poll | c-epoll) ;; *) continue ;; esac
        fi
        best=9
        bestg=9
        for _ in 1 2 3; do # best of three on a shared machine
            res=$(pair "$url")
            read -r pm g codes <<<"$res"
            [ "$codes" = "201 201 200" ] || fail "$n_: overlap requests answered {$codes}"
            lt "$pm" "$best" && best=$pm
            lt "$g" "$bestg" && bestg=$g
        done
        echo "   $n_: two concurrent 300 ms inserts: slowest ${best}s; GET /users/1 meanwhile ${bestg}s"
        if [ "$i" = off ]; then
            lt "$best" 0.58 && fail "$n_: two 300 ms inserts took ${best}s: the check cannot tell overlap"
        else
            lt "$best" 0.5 || fail "$n_: two 300 ms inserts took ${best}s (>= 0.5 s): they did not overlap"
            lt "$bestg" 0.2 || fail "$n_: GET /users/1 took ${bestg}s behind a slow insert"
        fi
    done
    kill -TERM "$off" 2>/dev/null
    psql "$BENCHLAB_PG" -qAt -c "DROP TRIGGER benchlab_test_slow ON users; DROP FUNCTION benchlab_test_slow();
        DELETE FROM users WHERE email LIKE 'overlap-%';" >/dev/null 2>&1
}
[ "$TARGETS" = c ] && overlap

# /users too: in the one-thread models it takes the asynchronous path.
stall postgres "$pg_pid" /users/1 "$DB_DEADLINE" /users
stall redis "$redis_pid" /cache/users/ID/cached "$REDIS_DEADLINE"

if [ "$rc" -eq 0 ]; then
    echo "dep_stall: ok (${names[*]})"
fi
exit "$rc"
