#!/usr/bin/env bash
# A private PostgreSQL + Redis + mock upstream for developing the peers without
# `benchlab up`. Prints BENCHLAB_PG / BENCHLAB_REDIS / BENCHLAB_UPSTREAM lines
# like `benchlab up` does.
#   peers/dev/stack.sh up DIR [ROWS]   (ROWS: size of the 100k tables, default 2000)
#   peers/dev/stack.sh down DIR
set -euo pipefail
cmd=${1:?usage: stack.sh up|down DIR [ROWS]}
dir=${2:?usage: stack.sh up|down DIR [ROWS]}
here=$(cd "$(dirname "$0")" && pwd)
pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

as_pg() { # PostgreSQL refuses to run as root
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "$cmd" in
up)
    rows=${3:-2000}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    pg_port=$(free_port)
    as_pg "$pgbin/initdb -D '$dir/pg' -U postgres -A trust >'$dir/initdb.log' 2>&1"
    as_pg "$pgbin/pg_ctl -D '$dir/pg' -l '$dir/pg.log' -w -o \"-p $pg_port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start >/dev/null"
    echo "$pg_port" >"$dir/pg.port"
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c 'CREATE DATABASE benchlab' >/dev/null
    psql -q -v ON_ERROR_STOP=1 -v rows="$rows" -h 127.0.0.1 -p "$pg_port" -U postgres -d benchlab -f "$here/schema.sql" >/dev/null
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
    up_port=$(free_port)
    nohup python3 "$here/upstream.py" "$up_port" >"$dir/upstream.log" 2>&1 &
    echo $! >"$dir/upstream.pid"
    for _ in $(seq 50); do
        [ -s "$dir/redis.pid" ] && curl -fs "http://127.0.0.1:$up_port/" >/dev/null && break
        sleep 0.1
    done
    echo "BENCHLAB_PG=postgresql://postgres@127.0.0.1:$pg_port/benchlab"
    echo "BENCHLAB_REDIS=redis://127.0.0.1:$redis_port"
    echo "BENCHLAB_UPSTREAM=http://127.0.0.1:$up_port"
    ;;
down)
    if [ -f "$dir/upstream.pid" ]; then kill "$(cat "$dir/upstream.pid")" 2>/dev/null || true; fi
    if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    if [ -d "$dir/pg" ]; then as_pg "$pgbin/pg_ctl -D '$dir/pg' -m fast -w stop >/dev/null" || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "stack.sh: unknown command '$cmd' (up|down)" >&2
    exit 2
    ;;
esac
