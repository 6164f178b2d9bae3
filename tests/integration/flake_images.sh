#!/usr/bin/env bash
# What the flake's images run, tried here without Nix or Docker: the image
# definitions are evaluated against the stand-in nixpkgs (ci/nix-stub), and
# their commands run with Debian's PostgreSQL and Redis in place of nixpkgs':
#  1. image-postgres' default command (benchlab-postgres): initdb on an empty
#     data dir, user and database benchlab, listens on the port it is given;
#     SIGTERM stops it with status 0; a second start reuses the data;
#  2. image-redis' default command line is accepted by redis-server (PING);
#  3. image-load's benchlab-study refuses to run without the Docker socket and
#     unknown arguments;
#  4. the programs the lab's wrapper pins (benchlab-server, benchlab for the
#     upstream, PostgreSQL) are the very store paths the images hold.
# Each image must have no Entrypoint (the docker backend passes whole command lines).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCHLAB_SKIP_FLAKE_CHECK:-0}" = 1 ]; then
    echo "flake_images: skipped (BENCHLAB_SKIP_FLAKE_CHECK=1, e.g. inside a Nix build)"
    exit 0
fi
fail() {
    echo "FAIL: $*"
    exit 1
}
pgbin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || fail "no PostgreSQL server (make deps)"
for t in redis-server redis-cli psql jq python3; do
    command -v "$t" >/dev/null || fail "$t missing (make deps)"
done
. tests/integration/lib/flake_env.sh
flake_need_nix
system=$(flake_system) || fail "no flake system for $(uname -m)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flake-images.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
flake_private_nix
mkdir -p "$tmp/flake"
ci/check-flake --copy "$tmp/flake"

# image NAME: writes $tmp/NAME.json (the image's config) and $tmp/NAME.drvs.json
# (every derivation it is made of).
image() {
    local drv
    drv=$(nixc eval --raw --override-input nixpkgs "path:$tmp/flake/ci/nix-stub" \
        "path:$tmp/flake#packages.$system.image-$1.drvPath" 2>"$tmp/eval.err") ||
        { cat "$tmp/eval.err"; fail "evaluating image-$1"; }
    nixc show-derivation -r "$drv" >"$tmp/$1.drvs.json"
    jq -r --arg d "$drv" '.[$d].env.conf' "$tmp/$1.drvs.json" | jq .config >"$tmp/$1.json"
    if jq -e 'has("Entrypoint")' "$tmp/$1.json" >/dev/null; then
        fail "image-$1 has an Entrypoint; the docker backend needs none"
    fi
}
# script IMAGE NAME: the writeShellApplication NAME inside IMAGE, made local.
script() {
    jq -r --arg n "$2-$system" 'to_entries[] | select(.value.env.name == $n) | .value.env.scriptText' \
        "$tmp/$1.drvs.json" |
        sed -E -e "s#/nix/store/[a-z0-9]{32}-bash-interactive-[^/]*/bin/bash#/bin/bash#g" \
            -e "s#/nix/store/[a-z0-9]{32}-postgresql-[^/]*-$system/bin#$pgbin#g" \
            -e "s#/nix/store/[a-z0-9]{32}-benchlab-[0-9.]+-$system/share/benchlab/peers#$tmp/labpeers#g" \
            -e "s#/nix/store/[a-z0-9]{32}-[^/\" ]*-$system/bin#/usr/bin#g" \
            -e "s#/nix/store/[a-z0-9]{32}-source#$tmp/flake#g" >"$tmp/$2"
    [ -s "$tmp/$2" ] || fail "no script $2 in image-$1"
    ! grep -n /nix/store "$tmp/$2" || fail "$2: store paths left after localizing"
    chmod 755 "$tmp/$2"
}
# PostgreSQL refuses to run as root; the image runs it as nobody.
as_nobody=()
[ "$(id -u)" -ne 0 ] || as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

echo "== image-postgres: benchlab-postgres"
image postgres
script postgres benchlab-postgres
cmd=$(jq -r '.Cmd[0]' "$tmp/postgres.json")
[[ "$cmd" == */bin/benchlab-postgres ]] || fail "image-postgres' Cmd is $cmd, not benchlab-postgres"
mkdir -p "$tmp/pg"
chown 65534:65534 "$tmp/pg" 2>/dev/null || true
port=$(free_port)
start_pg() {
    PGDATA=$tmp/pg/data BENCHLAB_PG_LISTEN=127.0.0.1 BENCHLAB_PG_PORT=$port \
        "${as_nobody[@]}" "$tmp/benchlab-postgres" >>"$tmp/pg.log" 2>&1 &
    pg_pid=$!
    pids+=("$pg_pid")
    for _ in $(seq 1 100); do
        if psql -X -q -t -A -h 127.0.0.1 -p "$port" -U benchlab -d benchlab \
            -c 'select current_user, current_database()' >"$tmp/who" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pg_pid" 2>/dev/null || { cat "$tmp/pg.log"; fail "benchlab-postgres exited"; }
        sleep 0.1
    done
    cat "$tmp/pg.log"
    fail "PostgreSQL did not answer on 127.0.0.1:$port"
}
stop_pg() {
    kill -TERM "$pg_pid"
    local rc=0
    wait "$pg_pid" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$tmp/pg.log"; fail "benchlab-postgres exited $rc on SIGTERM"; }
}
start_pg
[ "$(cat "$tmp/who")" = "benchlab|benchlab" ] || fail "connected as $(cat "$tmp/who"), not benchlab|benchlab"
echo "ok   initdb, user and database benchlab, answers on 127.0.0.1:$port"
psql -X -q -h 127.0.0.1 -p "$port" -U benchlab -d benchlab -c 'create table kept (x int)'
stop_pg
echo "ok   SIGTERM: exit 0"
start_pg
psql -X -q -h 127.0.0.1 -p "$port" -U benchlab -d benchlab -c 'select * from kept' >/dev/null ||
    fail "the second start lost the data"
stop_pg
echo "ok   a second start reuses the data dir"

echo "== image-redis: its command line"
image redis
port=$(free_port)
mapfile -t rcmd < <(jq -r '.Cmd[]' "$tmp/redis.json")
[ "${rcmd[0]}" = redis-server ] || fail "image-redis' Cmd starts with ${rcmd[0]}"
redis-server "${rcmd[@]:1}" --port "$port" --bind 127.0.0.1 >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
done
[ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || { cat "$tmp/redis.log"; fail "redis-server ${rcmd[*]:1} did not answer"; }
[ "$(redis-cli -p "$port" config get save | tail -n 1)" = "" ] || fail "image-redis saves snapshots"
[ "$(redis-cli -p "$port" config get appendonly | tail -n 1)" = no ] || fail "image-redis has AOF on"
echo "ok   redis-server ${rcmd[*]:1}: PONG, no persistence"

echo "== image-load: benchlab-study"
image load
script load benchlab-study
[ "$(jq -r '.Cmd[0]' "$tmp/load.json")" = benchlab-study ] || fail "image-load's Cmd is not benchlab-study"
for args in "--bogus" ""; do
    rc=0
    "$tmp/benchlab-study" $args >"$tmp/study.log" 2>&1 || rc=$?
    if [ -z "$args" ] && [ -S /var/run/docker.sock ]; then
        echo "ok   (a Docker socket is here: not running the study without one)"
        continue
    fi
    [ "$rc" -eq 2 ] || { cat "$tmp/study.log"; fail "benchlab-study $args: exit $rc, expected 2"; }
    echo "ok   benchlab-study ${args:-without the Docker socket}: exit 2 ($(head -n 1 "$tmp/study.log"))"
done
echo "== the store paths the lab passes are in the images"
image server
# The docker backend runs `docker run IMAGE <path the lab found> ...`, so the
# programs the lab's wrapper pins must be in the image that runs them.
labdrv=$(nixc eval --raw --override-input nixpkgs "path:$tmp/flake/ci/nix-stub" \
    "path:$tmp/flake#packages.$system.lab.drvPath" 2>"$tmp/eval.err") ||
    { cat "$tmp/eval.err"; fail "evaluating packages.$system.lab"; }
nixc show-derivation "$labdrv" | jq -r '.[].env.installPhase' >"$tmp/lab-install"
contents() { # contents IMAGE: its contents' store paths, one a line
    jq -r 'to_entries[] | select(.value.env.conf != null) | .value.env.conf' "$tmp/$1.drvs.json" |
        jq -r '.contents[]'
}
pinned() { # pinned VAR: the store path (up to /bin) the lab's wrapper sets VAR to
    sed -n "s#.*--set-default $1 \(/nix/store/[^/]*\)/.*#\1#p" "$tmp/lab-install" | head -n 1
}
for pair in BENCHLAB_SERVER_BIN:server BENCHLAB_BIN:server; do
    var=${pair%%:*} img=${pair##*:}
    path=$(pinned "$var")
    [ -n "$path" ] || fail "the lab's wrapper does not set $var"
    contents "$img" | grep -qxF "$path" || fail "$var=$path is not in image-$img"
    echo "ok   $var ($(basename "$path")) is in image-$img"
done
pgpath=$(contents postgres | grep -E -- "-postgresql-[0-9.]+-$system\$" || true)
[ -n "$pgpath" ] || fail "image-postgres does not hold postgresql itself"
grep -qF "$pgpath/bin" "$tmp/lab-install" || fail "the lab's PATH has another postgresql than image-postgres ($pgpath)"
echo "ok   the lab's postgresql ($(basename "$pgpath")) is image-postgres'"
contents redis | grep -qE -- "-redis-[0-9.]+-$system\$" || fail "image-redis does not hold redis"
echo "ok   image-redis holds redis (redis-server on its PATH)"
echo "flake_images: ok"
