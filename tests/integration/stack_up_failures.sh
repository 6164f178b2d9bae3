#!/usr/bin/env bash
# check: alone
# `benchlab up` leaves nothing behind on any failure (docs/stack.md). Each
# failure point in turn:
#   1. --dir names a regular file;
#   2. initdb fails;                 (BENCHLAB_PG_BIN: a directory whose initdb is `false`)
#   3. PostgreSQL fails to start;    (... whose postgres is `false`, initdb the real one)
#   4. Redis fails to start;         (BENCHLAB_REDIS_BIN=false)
#   5. the upstream cannot start;    (BENCHLAB_BIN names a program that does not exist)
#   6. the server fails to start.    (BENCHLAB_SERVER_BIN=false)
# Each must exit non-zero with a message naming what failed, leave no process
# (postgres, initdb, redis-server, benchlab upstream, benchlab-server), no
# /tmp/benchlab-pg.* directory (the cluster root keeps outside an unreachable
# DIR) and no data (DIR/pg, DIR/redis).
# As root the test runs in its own PID and mount namespaces with a private
# /tmp, so "nothing left" is exact (no other test's processes or directories
# are seen) and DIR lies below a root-only directory, the case that puts the
# cluster under /tmp/benchlab-pg.*. About 20 s.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$(pwd)}
lab=$(pwd)/$BUILD/benchlab
case $BUILD in /*) lab=$BUILD/benchlab ;; esac

fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$lab" ] || fail "$lab is not built"

# Re-enter in private namespaces when root (and the repository is not under
# /tmp, which the private /tmp would hide).
if [ "${1:-}" != --inside ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    case $(pwd)/ in /tmp/*) false ;; *) true ;; esac; then
    if unshare -m -p -f --mount-proc --propagation private true 2>/dev/null; then
        exec unshare -m -p -f --mount-proc --propagation private bash "$0" --inside
    fi
    echo "note: no private namespaces here; checking against the shared /tmp and process list"
fi
private=0
if [ "${1:-}" = --inside ]; then
    private=1
    mount -t tmpfs -o size=64m,mode=1777 benchlab-test-tmp /tmp || fail "cannot mount a private /tmp"
    echo "private PID namespace and /tmp"
fi

# The real initdb/postgres (as benchlab finds them).
pgbin=${BENCHLAB_PG_BIN:-}
if [ -z "$pgbin" ]; then
    if command -v initdb >/dev/null; then
        pgbin=$(dirname "$(readlink -f "$(command -v initdb)")")
    else
        pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
fi
[ -x "$pgbin/initdb" ] || fail "no initdb found (install postgresql)"
falsebin=$(type -P false) # the program, not the shell builtin
[ -n "$falsebin" ] || fail "no false program"

work=$(mktemp -d /tmp/benchlab-upfail.XXXXXX) # 0700: unreachable for the database user
bins=$(mktemp -d /tmp/benchlab-upfail-bin.XXXXXX) # the fake PostgreSQL bin dirs: reachable
chmod 755 "$bins"
cleanup() { rm -rf "$work" "$bins"; }
trap cleanup EXIT

# Processes of the stacks: the services run in DIR, DIR/redis or the cluster's
# parent (/tmp/benchlab-pg.*), so their working directory says whose they are
# (another user's processes are not readable, another test's are in "before").
service_pids() {
    find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$work/*" -o -lname "/tmp/benchlab-pg.*" \) \
        -printf '%h\n' 2>/dev/null | sed 's|^/proc/||' | sort
}
# Cluster directories outside DIR (only root makes them; in the private /tmp
# all are ours, else those of our user: other users' tests may be running).
pg_dirs() {
    if [ "$private" = 1 ]; then
        ls -d /tmp/benchlab-pg.* 2>/dev/null | sort
    else
        find /tmp -maxdepth 1 -name 'benchlab-pg.*' -user "$(id -u)" 2>/dev/null | sort
    fi
}

n=0
# expect_failure NAME PATTERN [VAR=VALUE...] -- runs `benchlab up` in a fresh
# DIR with those variables and checks the failure and that nothing is left.
expect_failure() {
    local name=$1 pattern=$2
    shift 2
    n=$((n + 1))
    local dir=$work/stack-$n out=$work/up-$n.out err=$work/up-$n.err
    local before_pids before_dirs
    before_pids=$(service_pids)
    before_dirs=$(pg_dirs)
    env "$@" "$lab" up --dir "${DIR_OVERRIDE:-$dir}" --no-seed >"$out" 2>"$err"
    local rc=$?
    [ "$rc" -ne 0 ] || fail "$name: benchlab up exited 0"
    [ "$rc" -ne 2 ] || fail "$name: exit 2 (a usage error?): $(cat "$err")"
    grep -qE "$pattern" "$err" || fail "$name: no message matching /$pattern/: $(cat "$err")"
    [ ! -s "$out" ] || fail "$name: printed an environment: $(cat "$out")"
    sleep 0.2 # a process being reaped
    local left
    left=$(comm -13 <(echo "$before_pids") <(service_pids))
    if [ -n "$left" ]; then
        ps -o pid,args -p "$(echo $left | tr ' ' ,)" 2>/dev/null
        fail "$name: processes left: $left"
    fi
    left=$(comm -13 <(echo "$before_dirs") <(pg_dirs))
    [ -z "$left" ] || fail "$name: directories left: $left"
    if [ -d "$dir" ]; then
        [ ! -e "$dir/pg" ] || fail "$name: $dir/pg left"
        [ ! -e "$dir/redis" ] || fail "$name: $dir/redis left"
        [ ! -e "$dir/pg.path" ] || fail "$name: $dir/pg.path left"
    fi
    echo "ok $n: $name (exit $rc): $(grep -m1 'benchlab up:' "$err")"
}

# the probe sees a process working in $work (as the services do)
mkdir -p "$work/probe"
(cd "$work/probe" && exec sleep 30) &
probe=$!
# (polled: the subshell may take a while to reach its cd; the list is taken
# whole before grep -q, whose early exit would fail the pipeline under pipefail)
for _ in $(seq 50); do
    grep -qx "$probe" <<<"$(service_pids)" && break
    sleep 0.1
done
grep -qx "$probe" <<<"$(service_pids)" || fail "the process probe does not see a process working in $work"
kill "$probe"
wait "$probe" 2>/dev/null

# 1. DIR is a regular file
touch "$work/a-file"
DIR_OVERRIDE=$work/a-file expect_failure "--dir names a regular file" "is not a directory"
[ -f "$work/a-file" ] || fail "the regular file was removed"

# 2. initdb fails
mkdir -p "$bins/pg-initdb-fails"
ln -s "$falsebin" "$bins/pg-initdb-fails/initdb"
ln -s "$pgbin/postgres" "$bins/pg-initdb-fails/postgres"
expect_failure "initdb fails" "postgres failed to start: initdb exited with status 1( |$)" \
    BENCHLAB_PG_BIN="$bins/pg-initdb-fails"

# 3. PostgreSQL fails to start (initdb finds the real postgres next to its real path)
mkdir -p "$bins/pg-postgres-fails"
ln -s "$pgbin/initdb" "$bins/pg-postgres-fails/initdb"
ln -s "$falsebin" "$bins/pg-postgres-fails/postgres"
expect_failure "postgres fails to start" "postgres failed to start: .*exited with status 1( |$)" \
    BENCHLAB_PG_BIN="$bins/pg-postgres-fails"

# 4. Redis fails (PostgreSQL ran and must be stopped again)
expect_failure "redis fails to start" "redis failed to start: .*exited with status 1( |$)" \
    BENCHLAB_REDIS_BIN="$falsebin"

# 5. the upstream's program does not exist (PostgreSQL and Redis ran)
expect_failure "upstream program missing" "upstream failed to start" \
    BENCHLAB_BIN="$work/no-such-benchlab"

# 6. the server fails (PostgreSQL, Redis and the upstream ran)
expect_failure "server fails to start" "server failed to start: .*exited with status 1( |$)" \
    BENCHLAB_SERVER_BIN="$falsebin"

echo "stack_up_failures: $n failure points, nothing left behind"
