#!/usr/bin/env bash
# benchlab run with the docker backend, end to end, without a container engine:
# tests/support/fake-docker stands in for `docker` (first on PATH). It refuses
# what a real engine would refuse or run differently (an unknown image or
# option, a path of the command line that is not mounted, a user name instead
# of UID:GID, a network other than the host's, a name in use) and runs the
# command here, at the same paths, as the given UID:GID, on the given CPUs
# and, when root on cgroup v1, in cgroups of its own with the given limits.
#  1. a plan of four scenarios (PostgreSQL, Redis, the upstream, the server
#     each a container) writes valid run files with box_backend "docker" and
#     each box's statistics read from its container's own cgroup;
#  2. the containers were run as the lab means: each service from its image,
#     --rm --init --network host, named benchlab-<pid>-<service>-N,
#     PostgreSQL (and initdb) as nobody's UID:GID, with the stack directory
#     mounted; every container was removed and no process, cgroup or temp dir
#     is left;
#  3. BENCHLAB_BOX_ENGINE=podman runs the same through `podman` (the manifest
#     and run files say podman); another value is refused;
#  4. a container whose benchlab and `docker run` client were SIGKILLed is
#     removed by the next run (ps --filter name=benchlab-, rm -f);
#  5. a peer's server (--implementation fastapi) runs from its own image.
# check: parallel, about 80 s
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$ROOT}
lab=$ROOT/$BUILD/benchlab

. tests/integration/lib/common.sh
need_built "$BUILD" benchlab benchlab-load benchlab-server
[ "$(uname -s)" = Linux ] || {
    echo "SKIP: the fake engine runs the containers' programs here, as on a Linux engine host"
    exit 0
}
[ "$(nproc)" -ge 2 ] || {
    echo "SKIP: the test profile needs 2 CPUs"
    exit 0
}

# pids whose command line contains $1 (no pgrep in every sandbox)
pids_matching() {
    local d
    for d in /proc/[0-9]*; do
        tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF -- "$1" && echo "${d#/proc/}"
    done
    return 0
}

work=$(mktemp -d /tmp/benchlab-docker-test.XXXXXX)
chmod 755 "$work"
bg_pid=""
cleanup() {
    if [ -n "$bg_pid" ]; then kill -KILL "$bg_pid" 2>/dev/null; fi
    # whatever a failed test left: the fake's containers and cgroups
    if [ -d "$work/state" ]; then
        for f in "$work"/state/*.pid; do
            [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
        done
        find /sys/fs/cgroup -maxdepth 8 -depth -type d -name 'fake-docker-*' -path "*benchlab-*" \
            -exec rmdir {} \; 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The engine first on PATH; the images' programs (benchlab-server, benchlab,
# postgres, initdb, redis-server) are found on PATH by name, as in an image.
mkdir -p "$work/bin"
ln -s "$ROOT/tests/support/fake-docker" "$work/bin/docker"
ln -s "$ROOT/tests/support/fake-docker" "$work/bin/podman"
pgbin=""
if ! command -v initdb >/dev/null; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$pgbin" ] || fail "no PostgreSQL (initdb) found"
fi
export PATH="$work/bin:$ROOT/$BUILD${pgbin:+:$pgbin}:$PATH"
unset BENCHLAB_BIN BENCHLAB_SERVER_BIN BENCHLAB_PG_BIN BENCHLAB_REDIS_BIN BENCHLAB_BOX_ENGINE
export FAKE_DOCKER_STATE=$work/state
cgroups=0
if [ "$(id -u)" = 0 ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] &&
    [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    cgroups=1
fi
export FAKE_DOCKER_CGROUPS=$cgroups
echo "fake engine cgroups: $cgroups"
profile=$ROOT/tests/support/profile-docker-test.json

cat >"$work/plan.json" <<'PLAN'
{"description": "test: every service in a container",
 "defaults": {"runs": 1, "vus": 2, "duration": "1s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight", "basic/04-db-write", "caching/15-cache",
                            "basic/05-external-http"]}]}
PLAN

# --- 1. the plan -------------------------------------------------------------
res=$work/res
"$lab" run "$work/plan.json" --profile "$profile" --results "$res" >"$work/run1.out" 2>&1 &
bg_pid=$!
wait "$bg_pid"
rc=$?
pid1=$bg_pid
bg_pid=""
cat "$work/run1.out"
[ "$rc" = 0 ] || fail "benchlab run exited $rc"
grep -q "profile profile-docker-test (docker" "$work/run1.out" || fail "the backend was not docker"
for s in basic/01-lightweight basic/04-db-write caching/15-cache basic/05-external-http; do
    f=$res/raw/$s/c-ulfius-epoll/run-01.json
    [ -f "$f" ] || fail "missing $f"
    python3 - "$f" "$cgroups" <<'PY' || fail "bad run file $f"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is True, j["invalid_reasons"]
assert j["box_backend"] == "docker", j["box_backend"]
assert j["summary"]["metrics"]["http_reqs"]["count"] > 0
b = j["boxes"]
assert set(b) >= {"server", "postgres", "redis", "upstream"}, sorted(b)
srv = b["server"]
assert srv["available"] and srv["cpu_user_s"] + srv["cpu_sys_s"] > 0, srv
assert srv["oom_kills"] == 0, srv
if sys.argv[2] == "1":
    # each container's own cgroup: the server's peak stays under its 1 GB
    # limit, and the boxes do not all read the same counters
    assert 0 < srv["memory_peak_bytes"] <= 1 << 30, srv
    cpus = {k: round(v["cpu_user_s"] + v["cpu_sys_s"], 6) for k, v in b.items()}
    assert len(set(cpus.values())) > 1, cpus
assert j["box_limits"]["server"]["cpus"] == 1 and j["box_limits"]["server"]["cpuset"] == "1", j["box_limits"]
PY
done
python3 - "$res/manifest.json" <<'PY' || fail "bad manifest"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["completed"] is True and m["runs_on_disk"] == 4, m
assert m["box_backend"] == "docker", m["box_backend"]
PY

# --- 2. how the containers were run -------------------------------------------
# PostgreSQL's user: nobody when root, else our own (both by number)
if [ "$(id -u)" = 0 ]; then pg_user="$(id -u nobody):$(id -g nobody)"; else pg_user="$(id -u):$(id -g)"; fi
python3 - "$work/state" "$pid1" "$pg_user" "$(id -u)" <<'PY' || fail "containers run wrongly"
import os, sys
state, pid, nobody, uid = sys.argv[1:]
runs = {}
for name in os.listdir(os.path.join(state, "runs")):
    rec = {"mount": [], "arg": []}
    for line in open(os.path.join(state, "runs", name)):
        k, _, v = line.rstrip("\n").partition(" ")
        if k in ("mount", "arg"):
            rec[k].append(v)
        else:
            rec[k] = v
    runs[name] = rec
want = {"postgres": ("benchlab-postgres", "postgres"), "redis": ("benchlab-redis", "redis-server"),
        "upstream": ("benchlab-server", "benchlab"), "server": ("benchlab-server", "benchlab-server")}
seen = set()
for name, r in runs.items():
    assert name.startswith(f"benchlab-{pid}-"), name
    svc = name.split("-")[2]
    image, prog = want[svc]
    assert r["image"] == image, (name, r["image"])
    assert r["rm"] == "1" and r["init"] == "1" and r["network"] == "host", (name, r)
    assert r["cpuset"] == "1", (name, r)
    stack = [m for m in r["mount"] if "/benchlab-run-" in m]
    assert stack, (name, r["mount"])
    if name.endswith("-initdb"):
        assert r["arg"][0] == "initdb" and r["user"] == nobody, (name, r)
        continue
    assert r["arg"][0] == prog, (name, r["arg"])
    if svc == "postgres":
        # PostgreSQL refuses root: nobody, by number (the images know it)
        assert r["user"] == nobody, (name, r["user"])
        data = r["arg"][r["arg"].index("-D") + 1]
        assert any(data.startswith(m + "/") for m in r["mount"]), (data, r["mount"])
    elif uid != "0":
        assert r["user"] == f"{uid}:{os.getgid()}", (name, r["user"])
    if svc == "redis":
        assert r["workdir"].endswith("/redis"), r["workdir"]
    if svc == "server":
        assert r["cpus"] == "1" and r["memory"] == str(1 << 30) + "b", r
    seen.add(svc)
assert seen == set(want), seen
assert any(n.endswith("-initdb") for n in runs), sorted(runs)
PY
left=$(ls "$work/state" | grep -E '\.(pid|exited)$')
[ -z "$left" ] || fail "containers left behind: $left"
# each container ended by its client's SIGTERM/SIGINT, before the rm -f
[ ! -s "$work/state/rm-killed.log" ] ||
    fail "the stop did not end these containers (rm -f did): $(cat "$work/state/rm-killed.log")"
grep -q " | rm | -f | benchlab-$pid1-server-" "$work/state/calls.log" || fail "no rm -f after the server stopped"
ls -d "${TMPDIR:-/tmp}/benchlab-run-$pid1-"* >/dev/null 2>&1 && fail "stack temp dir left"
if [ "$cgroups" = 1 ]; then
    d=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "fake-docker-benchlab-$pid1-*" | head -3)
    [ -z "$d" ] || fail "container cgroups left: $d"
fi
# (the containers' clients name benchlab-PID-..., the services' command lines
# the stack directory benchlab-run-PID-...)
for p in $(pids_matching "benchlab-$pid1-") $(pids_matching "benchlab-run-$pid1-"); do
    fail "a process of the study is left: $p $(tr '\0' ' ' <"/proc/$p/cmdline")"
done

# --- 3. podman through BENCHLAB_BOX_ENGINE ----------------------------------------
cat >"$work/one.json" <<'PLAN'
{"defaults": {"runs": 1, "vus": 2, "duration": "1s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/04-db-write"]}]}
PLAN
# only the server (no PostgreSQL to initdb): the quicker runs below
cat >"$work/light.json" <<'PLAN'
{"defaults": {"runs": 1, "vus": 2, "duration": "1s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
BENCHLAB_BOX_ENGINE=podman "$lab" run "$work/light.json" --profile "$profile" --results "$work/res-podman" \
    >"$work/run2.out" 2>&1 || fail "podman run failed: $(cat "$work/run2.out")"
grep -q "profile profile-docker-test (podman" "$work/run2.out" || fail "the backend was not podman"
grep -q '^podman | run | ' "$work/state/calls.log" || fail "podman was not the engine"
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['box_backend']=='podman', j['box_backend']" \
    "$work/res-podman/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" || fail "run file does not say podman"
BENCHLAB_BOX_ENGINE=lxc "$lab" run "$work/one.json" --profile "$profile" --results "$work/res-bad" \
    >"$work/run3.out" 2>&1
[ $? = 2 ] || fail "BENCHLAB_BOX_ENGINE=lxc was not refused"
grep -q "BENCHLAB_BOX_ENGINE='lxc' (expected docker or podman)" "$work/run3.out" ||
    fail "refusal without a reason: $(cat "$work/run3.out")"

# --- 4. a SIGKILLed benchlab: the next run removes its containers ------------
cat >"$work/long.json" <<'PLAN'
{"defaults": {"runs": 1, "vus": 1, "duration": "4s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/04-db-write"]}]}
PLAN
"$lab" run "$work/long.json" --profile "$profile" --results "$work/res-kill" >"$work/run4.out" 2>&1 &
bg_pid=$!
for _ in $(seq 1 600); do
    ls "$work/state/benchlab-$bg_pid-server-"*.pid >/dev/null 2>&1 && break
    sleep 0.1
done
ls "$work/state/benchlab-$bg_pid-server-"*.pid >/dev/null 2>&1 || fail "the server container never started: $(cat "$work/run4.out")"
# the server's client dies too, its container does not (as with an engine)
client=$(pids_matching "docker run --rm --init --name benchlab-$bg_pid-server-")
[ -n "$client" ] || fail "no docker client of the server"
kill -KILL "$bg_pid" $client
wait "$bg_pid" 2>/dev/null
killed=$bg_pid
bg_pid=""
ls "$work/state/benchlab-$killed-"*.pid >/dev/null 2>&1 || fail "no container outlived the SIGKILL (nothing to test)"
"$lab" run "$work/light.json" --profile "$profile" --results "$work/res-after" >"$work/run5.out" 2>&1 ||
    fail "the run after a SIGKILL failed: $(cat "$work/run5.out")"
grep -q " | rm | -f | benchlab-$killed-" "$work/state/calls.log" || fail "the stale containers were not removed"
left=$(ls "$work/state" | grep -E "^benchlab-$killed-.*\.(pid|exited)$")
[ -z "$left" ] || fail "stale containers left: $left"
grep -q "^benchlab-$killed-server-" "$work/state/rm-killed.log" ||
    fail "the orphaned server container was not the one removed"
# --- 5. a peer's server runs from its own image ------------------------------
# (this engine has no benchlab-fastapi image: the refusal names the image the
# lab asked for, the study fails cleanly and leaves no container)
"$lab" run "$work/one.json" --implementation fastapi --profile "$profile" --results "$work/res-peer" \
    >"$work/run6.out" 2>&1 &
bg_pid=$!
wait "$bg_pid"
rc=$?
peer_pid=$bg_pid
bg_pid=""
[ "$rc" = 1 ] || fail "a missing peer image: exit $rc, expected 1: $(cat "$work/run6.out")"
grep -q "Unable to find image 'benchlab-fastapi'" "$work/run6.out" ||
    fail "the peer's server was not run from benchlab-fastapi: $(cat "$work/run6.out")"
left=$(ls "$work/state" | grep -E "^benchlab-$peer_pid-.*\.(pid|exited)$")
[ -z "$left" ] || fail "containers left after a failed start: $left"
echo "study_docker: ok"
