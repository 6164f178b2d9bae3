#!/usr/bin/env bash
# check: parallel
# benchlab run over three "hosts" (a topology profile, docs/multi-host.md):
# each host is a network namespace this test creates (client 10.213.0.1, app
# .2, db .3 on a bridge in a fourth namespace; nothing is routed outside
# them; client2 for the second driver), with its own "engine": tests/support/fake-docker reached at
# unix://FILE, which runs each container inside that host's namespace
# (ip netns exec) on the CPU list it was given. benchlab itself runs on the
# client host. Checks:
#  1. a plan over the server (app), PostgreSQL, Redis and the upstream (db)
#     and the driver (client, as a benchlab-load container) writes valid run
#     files, whose summaries were fetched from the driver's container
#     (docker cp) and whose boxes' statistics came from each host's engine
#     (docker exec; server_cpu_us_per_request > 0); the manifest records the
#     three hosts, engines, roles, kernel, CPU model, clock offsets and the
#     client->server RTT;
#  2. each engine ran what its host holds (the command lines are printed),
#     with --network host, its role's --cpuset-cpus, and the addresses of the
#     hosts the other services run on;
#  3. traffic crossed the namespaces: the server's host had connections from
#     the client's address, PostgreSQL's host from the app's;
#  4. two drivers (client and client2, 10.213.0.4) split the VUs 2+2, their
#     summaries merged (benchlab-load merge --parallel) into one valid run
#     file, the server seeing both clients' addresses; both were given one
#     start time (--start-at), client2's shifted by its engine's clock offset
#     (0.5 s, which the lab measured);
#  5. an engine that does not answer stops the study before it starts,
#     naming the host, the engine and the command;
#  6. a host that disappears mid-run (the db's processes killed, its engine
#     no longer answering) makes that run a failed attempt (host-lost, naming
#     the host), no run file, and the study stops with nothing left running;
#  7. nothing is left in any namespace; the namespaces are removed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ROOT=$(pwd)
export BENCHLAB_ROOT=${BENCHLAB_ROOT:-$ROOT}
lab=$ROOT/$BUILD/benchlab

. tests/integration/lib/common.sh
need_built "$BUILD" benchlab benchlab-load benchlab-server
if [ "$(uname -s)" != Linux ] || [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    echo "SKIP: needs root on Linux with iproute2 (the hosts are network namespaces)"
    exit 0
fi
[ "$(nproc)" -ge 2 ] || {
    echo "SKIP: the test topology pins to 2 CPUs"
    exit 0
}

tag=bl$$
ns_br=$tag-br
hosts=(client app db client2)
declare -A addr=([client]=10.213.0.1 [app]=10.213.0.2 [db]=10.213.0.3 [client2]=10.213.0.4)
work=$(mktemp -d /tmp/benchlab-multihost-test.XXXXXX)
chmod 755 "$work"
poll_pid=""
cleanup() {
    [ -z "$poll_pid" ] || kill "$poll_pid" 2>/dev/null
    local h p
    for h in "${hosts[@]}" br; do
        for p in $(ip netns pids "$tag-$h" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$tag-$h" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

# --- the hosts ------------------------------------------------------------------
if ! ip netns add "$ns_br" 2>/dev/null; then
    echo "SKIP: cannot create network namespaces here"
    exit 0
fi
ip -n "$ns_br" link add br0 type bridge || fail "no bridge in $ns_br"
ip -n "$ns_br" link set br0 up
ip -n "$ns_br" link set lo up
mkdir -p "$work/engines"
for h in "${hosts[@]}"; do
    ns=$tag-$h
    ip netns add "$ns" || fail "ip netns add $ns"
    # the veth pair is made inside the namespaces: nothing in ours
    ip -n "$ns" link add eth0 type veth peer name "p-$h" netns "$ns_br" || fail "veth for $h"
    ip -n "$ns" addr add "${addr[$h]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns_br" link set "p-$h" master br0
    ip -n "$ns_br" link set "p-$h" up
    echo "netns $ns" >"$work/engines/$h.sock"
done
echo "clock_offset 0.5" >>"$work/engines/client2.sock"

mkdir -p "$work/bin"
ln -s "$ROOT/tests/support/fake-docker" "$work/bin/docker"
pgbin=""
if ! command -v initdb >/dev/null; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$pgbin" ] || fail "no PostgreSQL (initdb) found"
fi
export PATH="$work/bin:$ROOT/$BUILD${pgbin:+:$pgbin}:$PATH"
unset BENCHLAB_BIN BENCHLAB_SERVER_BIN BENCHLAB_PG_BIN BENCHLAB_REDIS_BIN BENCHLAB_BOX_ENGINE \
    BENCHLAB_LOAD_BIN DOCKER_HOST
export FAKE_DOCKER_STATE=$work/state FAKE_DOCKER_CGROUPS=0
export FAKE_DOCKER_IMAGES="benchlab-server benchlab-postgres benchlab-redis benchlab-load"

profile=$work/three.json
cat >"$profile" <<JSON
{"description": "test: three hosts in network namespaces",
 "backend": "docker",
 "hosts": {
   "client": {"engine": "unix://$work/engines/client.sock", "address": "${addr[client]}", "cpuset": "0-1"},
   "app": {"engine": "unix://$work/engines/app.sock", "address": "${addr[app]}", "cpuset": "0-1"},
   "db": {"engine": "unix://$work/engines/db.sock", "address": "${addr[db]}", "cpuset": "0-1"}},
 "driver": {"host": "client", "cpuset": "0"},
 "validity": {"max_overrun": 100, "min_requests": 0, "max_host_outside": 1, "max_steal": 1,
              "max_load_per_cpu": 1000000, "min_server_cpu": 0, "trend_change": 100},
 "boxes": {
   "server": {"host": "app", "cpus": 1, "cpuset": "1", "memory": "1G", "image": "benchlab-server"},
   "postgres": {"host": "db", "cpus": 1, "cpuset": "0", "memory": "1G", "image": "benchlab-postgres"},
   "redis": {"host": "db", "cpus": 0.5, "cpuset": "1", "memory": "256M", "image": "benchlab-redis"},
   "upstream": {"host": "db", "cpus": 0.5, "memory": "256M", "image": "benchlab-server"}}}
JSON
cat >"$work/plan.json" <<'PLAN'
{"description": "test: three hosts",
 "defaults": {"runs": 1, "vus": 2, "duration": "2s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight", "basic/04-db-write", "caching/15-cache",
                            "basic/05-external-http"]}]}
PLAN

# --- 1. the plan, run from the client host ------------------------------------------
# meanwhile, what the app's and the db's kernels see connected
(
    while :; do
        ip netns exec "$tag-app" ss -tnH state established 2>/dev/null
        ip netns exec "$tag-db" ss -tnH state established 2>/dev/null | sed 's/^/db /'
        sleep 0.2
    done
) >"$work/ss.log" &
poll_pid=$!
res=$work/res
res2=$work/res2
ip netns exec "$tag-client" "$lab" run "$work/plan.json" --profile "$profile" --results "$res" \
    --min-free 0 >"$work/run1.out" 2>&1
rc=$?
kill "$poll_pid" 2>/dev/null
wait "$poll_pid" 2>/dev/null
poll_pid=""
cat "$work/run1.out"
[ "$rc" = 0 ] || fail "benchlab run exited $rc"
for s in basic/01-lightweight basic/04-db-write caching/15-cache basic/05-external-http; do
    f=$res/raw/$s/c-ulfius-epoll/run-01.json
    [ -f "$f" ] || fail "missing $f"
    python3 - "$f" "$s" <<'PY' || fail "bad run file $f"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is True, j["invalid_reasons"]
assert j["summary"]["metrics"]["http_reqs"]["count"] > 0
assert j["summary"]["metrics"].get("http_req_failed", {}).get("rate", 0) == 0, j["summary"]["metrics"]["http_req_failed"]
# the boxes' statistics, read through each host's engine
b = j["boxes"]
assert b["server"]["available"] is True and b["server"]["cpu_user_s"] + b["server"]["cpu_sys_s"] > 0, b["server"]
assert b["server"]["memory_peak_bytes"] > 0, b["server"]
assert j["server_cpu_us_per_request"] and j["server_cpu_us_per_request"] > 0, j.get("server_cpu_us_per_request")
if sys.argv[2] == "basic/04-db-write":
    assert b["postgres"]["available"] is True and b["postgres"]["cpu_user_s"] + b["postgres"]["cpu_sys_s"] > 0, b["postgres"]
print(f"{sys.argv[2]}: server {j['server_cpu_us_per_request']:.0f} us CPU/request (from app's engine)")
PY
    ts=${f%.json}.timeseries.jsonl
    [ -s "$ts" ] || fail "no per-second file fetched for $s"
done
# the driver's outputs came out of its container on the client host
grep -qE "^docker@$tag-client \| cp \| benchlab-[0-9]+-driver-[0-9]+:/tmp/benchlab-summary.json \| $res/raw/" \
    "$work/state/calls.log" || fail "no docker cp of the driver's summary"
grep -qE "^docker@$tag-app \| exec \| benchlab-[0-9]+-server-[0-9]+ \| head " "$work/state/calls.log" ||
    fail "no docker exec for the server's statistics"
[ -z "$(ls "$work/state/host-$tag-client/fs" 2>/dev/null)" ] || fail "driver containers left on the client"
python3 - "$res/manifest.json" "$work" <<'PY' || fail "bad manifest"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["completed"] is True and m["runs_on_disk"] == 4, m
h = m["topology"]["hosts"]
assert set(h) == {"client", "app", "db"}, h
assert h["client"]["roles"] == ["driver"] and h["app"]["roles"] == ["server"], h
assert sorted(h["db"]["roles"]) == ["postgres", "redis", "upstream"], h
for name, v in h.items():
    assert v["engine"] == f"unix://{sys.argv[2]}/engines/{name}.sock", v
    assert "netns" in v["engine_version"], v
    assert v["kernel"] and v["ncpu"] >= 1 and v["mem_bytes"] > 0, v
    assert v["cpu_model"], v
    # one clock here: the offset measured is 0 within its uncertainty (the
    # half-width of the bracket around the engine's answer)
    assert abs(v["clock_offset_s"]) <= v["clock_offset_uncertainty_s"] + 0.01, v
rtt = m["topology"]["rtt"]
assert rtt["from"] == "client" and rtt["to"] == "app" and rtt["samples"] >= 5, rtt
assert rtt["target"].startswith("10.213.0.2:") and 0 < rtt["min_ms"] <= rtt["median_ms"] < 100, rtt
print(f"RTT client->app {rtt['median_ms']:.3f} ms (median of {rtt['samples']} TCP connects)")
PY

# --- 2. what each engine ran ---------------------------------------------------------
echo "--- the command lines the lab issued, per host ---"
for h in "${hosts[@]}"; do
    echo "[$h]"
    grep "^docker@$tag-$h | " "$work/state/calls.log" | grep -v -e " | inspect | " -e " | exec | " |
        sed 's/ | / /g; s/^/  /'
    n=$(grep -c "^docker@$tag-$h | exec | " "$work/state/calls.log")
    [ "$n" = 0 ] || echo "  (and $n of: $(grep -m1 "^docker@$tag-$h | exec | " "$work/state/calls.log" |
        sed 's/ | / /g; s/ benchlab-[0-9]*-[a-z]*-[0-9]* / NAME /'))"
done
python3 - "$work/state" "$tag" "${addr[app]}" "${addr[db]}" <<'PY' || fail "containers run wrongly"
import os, sys
state, tag, app, db = sys.argv[1:]
want = {"client": {"driver": "0"}, "app": {"server": "1"},
        "db": {"postgres": "0", "redis": "1", "upstream": ""}}
for host, roles in want.items():
    d = os.path.join(state, f"host-{tag}-{host}", "runs")
    seen = set()
    for name in os.listdir(d):
        if name.split("-")[2] == "probe":
            continue  # the facts and RTT probes (benchlab-load containers)
        rec = {"arg": []}
        for line in open(os.path.join(d, name)):
            k, _, v = line.rstrip("\n").partition(" ")
            if k == "arg":
                rec["arg"].append(v)
            else:
                rec[k] = v
        role = name.split("-")[2]
        assert role in roles, (host, name)
        assert rec["netns"] == f"{tag}-{host}" and rec["network"] == "host", (name, rec)
        assert rec["cpuset"] == roles[role], (name, rec["cpuset"])
        a = " ".join(rec["arg"])
        if role == "server" and not name.endswith("-initdb"):
            assert f"--listen {app}:" in a and f"host={db} " in a, a
            assert f"redis://{db}:" in a and f"--upstream http://{db}:" in a, a
        if role == "driver":
            assert rec["image"] == "benchlab-load" and f"--base-url http://{app}:" in a, a
        if role == "postgres" and not name.endswith("-initdb"):
            assert f"listen_addresses={db}" in a, a
        seen.add(role)
    assert seen == set(roles), (host, seen)
PY

# --- 3. traffic crossed the namespaces ------------------------------------------------
grep -qE "^[0-9]+ +[0-9]+ +${addr[app]//./\\.}:[0-9]+ +${addr[client]//./\\.}:" "$work/ss.log" ||
    fail "the server's host saw no connection from the client's address: $(head -5 "$work/ss.log")"
grep -qE "^db +[0-9]+ +[0-9]+ +${addr[db]//./\\.}:[0-9]+ +${addr[app]//./\\.}:" "$work/ss.log" ||
    fail "PostgreSQL's host saw no connection from the app's address"
echo "server saw: $(grep -oE "^[0-9]+ +[0-9]+ +${addr[app]//./\\.}:[0-9]+ +${addr[client]//./\\.}:[0-9]+" "$work/ss.log" | head -1 | awk '{print $3 " (server) <- " $4 " (client)"}')"

# --- 4. two drivers: client and client2 split the VUs, summaries merged ------------
python3 - "$profile" "$work/two.json" "$work" "${addr[client2]}" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["hosts"]["client2"] = {"engine": f"unix://{sys.argv[3]}/engines/client2.sock",
                         "address": sys.argv[4], "cpuset": "0-1"}
p["driver"]["host"] = ["client", "client2"]
json.dump(p, open(sys.argv[2], "w"))
PY
rm -f "$work/state/host-$tag-client/runs/"* # section 1's driver containers
cat >"$work/plan2.json" <<'PLAN'
{"defaults": {"runs": 1, "vus": 4, "duration": "2s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/01-lightweight"]}]}
PLAN
(
    while :; do
        ip netns exec "$tag-app" ss -tnH state established 2>/dev/null
        sleep 0.2
    done
) >"$work/ss2.log" &
poll_pid=$!
ip netns exec "$tag-client" "$lab" run "$work/plan2.json" --profile "$work/two.json" \
    --results "$work/res2" --min-free 0 >"$work/run3.out" 2>&1
rc=$?
kill "$poll_pid" 2>/dev/null
wait "$poll_pid" 2>/dev/null
poll_pid=""
cat "$work/run3.out"
[ "$rc" = 0 ] || fail "two drivers: benchlab run exited $rc"
python3 - "$res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json" "$work/state" "$tag" <<'PY' ||
import json, os, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is True, j["invalid_reasons"]
assert j["summary"]["metrics"]["http_reqs"]["count"] > 0
# the run file's summary is the two drivers' summaries merged side by side
assert j["summary"].get("merge_mode") == "parallel", j["summary"].get("merge_mode")
assert len(j["summary"]["merged_from"]) == 2, j["summary"]["merged_from"]
vus, start = {}, {}
for host in ("client", "client2"):
    d = os.path.join(sys.argv[2], f"host-{sys.argv[3]}-{host}", "runs")
    for name in os.listdir(d):
        args = [l[4:].rstrip("\n") for l in open(os.path.join(d, name)) if l.startswith("arg ")]
        if len(args) > 1 and args[1] == "run":
            vus[host] = int(args[args.index("--vus") + 1])
            start[host] = float(args[args.index("--start-at") + 1])
assert vus == {"client": 2, "client2": 2}, vus
# one agreed start, each in its host's clock (client2's engine is 0.5 s ahead,
# measured within its uncertainty)
st = j["summary"]["start"]
m = json.load(open(os.path.join(os.path.dirname(sys.argv[1]), "../../../../manifest.json")))
off = {h: m["topology"]["hosts"][h]["clock_offset_s"] for h in ("client", "client2")}
unc = {h: m["topology"]["hosts"][h]["clock_offset_uncertainty_s"] for h in ("client", "client2")}
assert abs(off["client2"] - 0.5) <= unc["client2"] + 0.01, (off, unc)
for h in ("client", "client2"):
    assert abs(start[h] - (st["agreed_unix_ms"] / 1e3 + off[h])) < 0.003, (h, start, st, off)
    d = [x for x in st["drivers"] if x["host"] == h][0]
    assert abs(d["start_at_host_ms"] / 1e3 - start[h]) < 0.002, (d, start)
print(f"start at {st['agreed_unix_ms'] / 1e3:.3f}: --start-at client {start['client']:.3f}, "
      f"client2 {start['client2']:.3f} (its clock, measured {off['client2']:+.3f} +- {unc['client2']:.3f} s)")
PY
    fail "two drivers: bad run file or split"
for c in client client2; do
    grep -qE "^[0-9]+ +[0-9]+ +${addr[app]//./\\.}:[0-9]+ +${addr[$c]//./\\.}:" "$work/ss2.log" ||
        fail "the server saw no connection from $c's address"
done
[ ! -e "$work/res2/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json.summary.tmp.d1" ] ||
    fail "a driver's part summary was left"

# --- 5. an engine that does not answer -----------------------------------------------
sed "s#unix://$work/engines/db.sock#unix://$work/engines/gone.sock#" "$profile" >"$work/gone.json"
ip netns exec "$tag-client" "$lab" run "$work/plan.json" --profile "$work/gone.json" \
    --results "$work/res-gone" --min-free 0 >"$work/run2.out" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "an unreachable engine: exit $rc, expected 1: $(cat "$work/run2.out")"
grep -q "host db: the engine unix://$work/engines/gone.sock does not answer: \`docker -H unix://$work/engines/gone.sock version" \
    "$work/run2.out" || fail "the refusal does not name the host and command: $(cat "$work/run2.out")"
grep -q "no run started" "$work/run2.out" || fail "no 'no run started'"
[ ! -e "$work/res-gone/raw" ] || fail "runs were started"

# --- 6. a host that disappears mid-run ---------------------------------------------------
cat >"$work/plan3.json" <<'PLAN'
{"defaults": {"runs": 2, "vus": 2, "duration": "5s", "warmup": "0s"},
 "entries": [{"scenarios": ["basic/04-db-write"]}]}
PLAN
rm -f "$work/state/host-$tag-client/runs/"*
(
    # once the driver's run container is up: the db host goes (its engine
    # stops answering, its processes die)
    for _ in $(seq 1 1200); do
        grep -lqx "arg run" "$work/state/host-$tag-client/runs/"benchlab-*-driver-* 2>/dev/null && break
        sleep 0.1
    done
    sleep 1.5
    mv "$work/engines/db.sock" "$work/engines/db.gone"
    for p in $(ip netns pids "$tag-db"); do kill -KILL "$p" 2>/dev/null; done
    echo "db gone at $(date +%T.%N)"
) >"$work/gone.log" 2>&1 &
poll_pid=$!
ip netns exec "$tag-client" timeout 300 "$lab" run "$work/plan3.json" --profile "$profile" \
    --results "$work/res3" --min-free 0 >"$work/run4.out" 2>&1
rc=$?
wait "$poll_pid" 2>/dev/null
poll_pid=""
cat "$work/gone.log" "$work/run4.out"
mv "$work/engines/db.gone" "$work/engines/db.sock"
[ "$rc" = 1 ] || fail "a lost host: exit $rc, expected 1"
python3 - "$work/res3" <<'PY' || fail "the lost host's run was not a failed attempt"
import json, os, sys
lines = [json.loads(l) for l in open(os.path.join(sys.argv[1], "attempts.jsonl"))]
assert len(lines) == 1 and lines[0]["kind"] == "host-lost" and lines[0]["run"] == 1, lines
assert "host db: the engine unix://" in lines[0]["reason"] and "stopped answering" in lines[0]["reason"], lines
assert not os.path.exists(os.path.join(sys.argv[1], "raw/basic/04-db-write/c-ulfius-epoll/run-01.json"))
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
assert m["completed"] is False and m["runs_on_disk"] == 0 and m["failed_attempts"] == 1, m
print("lost host:", lines[0]["reason"][:110])
PY
for h in client app; do
    left=$(find "$work/state/host-$tag-$h" -name '*.pid')
    [ -z "$left" ] || fail "containers left on $h after the lost host: $left"
done

# --- 7. nothing left --------------------------------------------------------------------
left=$(find "$work/state" -name '*.pid' -o -name '*.exited')
[ -z "$left" ] || fail "containers left behind: $left"
for h in "${hosts[@]}"; do
    p=$(ip netns pids "$tag-$h")
    [ -z "$p" ] || fail "processes left in host $h: $p"
done
for h in "${hosts[@]}" br; do ip netns del "$tag-$h" || fail "ip netns del $tag-$h"; done
left=$(ip netns list | grep "^$tag-")
[ -z "$left" ] || fail "namespaces left: $left"
echo "study_multihost: ok"
