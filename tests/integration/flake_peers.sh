#!/usr/bin/env bash
# The flake's peers (packages.<system>.peer-fastapi, peer-express, their images
# and the lab's way to them), tried here without Nix builds: the definitions are
# evaluated against the stand-in nixpkgs (ci/nix-stub), then
#  1. Express's dependencies: every entry of peers/express/package-lock.json is
#     fetched by a fixed-output derivation whose hash is the entry's integrity
#     and whose URL is the registry's tarball URL; `npm ci` of the same lock
#     into a temporary directory, with an empty private npm cache, fetches
#     every one of them from that same URL with that same integrity (the
#     registry is needed for this; offline, this part and Express's run skip);
#  2. the launchers (their text as the flake writes it, with the store paths
#     pointed at local equivalents: Debian's python3 and node, a copy of the
#     tree, the node_modules npm ci just installed) refuse a missing BENCHLAB_LISTEN,
#     serve /health and GET /users against PostgreSQL and Redis with the port on
#     the server's command line (benchlab down checks it), and exit 0 on
#     SIGTERM;
#  3. the lab: packages.lab holds peers/<name>/start links to exactly those
#     launchers beside a copy of benchlab and its scenarios, and benchlab run
#     from such a tree (not from a working copy) finds them;
#  4. image-fastapi and image-express: no Entrypoint, their command is the very
#     launcher the lab links (same store path), /bin/sh for the lab's wrapper.
# A running stack is used when BENCHLAB_PG/BENCHLAB_REDIS are set (make check),
# else a small one from peers/dev/stack.sh. A runtime that is missing (python3
# without FastAPI, node, or the registry for npm ci) skips that peer's run only.
# Nothing of this machine's state is used: no ~/.npm, no node_modules of the
# working tree, a private Nix setup (ci/nix-private.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCHLAB_SKIP_FLAKE_CHECK:-0}" = 1 ]; then
    echo "flake_peers: skipped (BENCHLAB_SKIP_FLAKE_CHECK=1, e.g. inside a Nix build)"
    exit 0
fi
BUILD=${BUILD:-build}
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$BUILD/benchlab" ] || fail "$BUILD/benchlab is not built (make)"
for t in jq python3 curl; do
    command -v "$t" >/dev/null || fail "$t missing (make deps)"
done
. tests/integration/lib/flake_env.sh
flake_need_nix
system=$(flake_system) || fail "no flake system for $(uname -m)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/flake-peers.XXXXXX")
chmod 755 "$tmp"
pids=()
stack=""
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -z "$stack" ] || peers/dev/stack.sh down "$stack" >/dev/null 2>&1 || true
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
flake_private_nix
mkdir -p "$tmp/flake"
ci/check-flake --copy "$tmp/flake"

# drvs OUTPUT: $tmp/OUTPUT.json holds every derivation packages.$system.OUTPUT
# is made of; prints its drvPath.
drvs() {
    local drv
    drv=$(nixc eval --raw --override-input nixpkgs "path:$tmp/flake/ci/nix-stub" \
        "path:$tmp/flake#packages.$system.$1.drvPath" 2>"$tmp/eval.err") ||
        { cat "$tmp/eval.err"; fail "evaluating packages.$system.$1"; }
    nixc show-derivation -r "$drv" >"$tmp/$1.json"
    echo "$drv"
}
# outpath DRV-JSON DRV: the out path of DRV
outpath() { jq -r --arg d "$2" '.[$d].outputs.out.path' "$1"; }

echo "== 1. Express's locked dependencies, fetched by their integrity"
drvs peer-express >/dev/null
# What npm itself fetches for this lock: npm ci into a temporary copy of the
# app, with an empty cache of its own (never ~/.npm: a warm cache would answer
# without the registry, and a cold one would change what this test sees).
npmapp=$tmp/npm-app
mkdir -p "$npmapp"
cp peers/express/package.json peers/express/package-lock.json "$npmapp/"
npm_ok=0
if ! command -v npm >/dev/null; then
    echo "SKIP: npm ci of the lock: npm is not installed (ci/debian-packages.txt, # peers)"
elif (cd "$npmapp" && npm_config_cache=$tmp/npm-cache npm ci --omit=dev --no-audit --no-fund \
    --loglevel=error) >"$tmp/npm.log" 2>&1; then
    npm_ok=1
else
    echo "SKIP: npm ci of the lock failed (offline?): $(grep -m1 -i 'err' "$tmp/npm.log" || tail -n 1 "$tmp/npm.log")"
fi
python3 - "$tmp/peer-express.json" peers/express/package-lock.json "$tmp/npm-cache/_cacache/index-v5" "$npm_ok" <<'PY'
import base64, json, os, sys
drvs = json.load(open(sys.argv[1]))
lock = json.load(open(sys.argv[2]))["packages"]
def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)
# the fixed-output derivations, by their out path
fetched = {}
for d in drvs.values():
    out = d["outputs"]["out"]
    if "hash" in out:
        fetched[out["path"]] = (d["env"].get("url"), out.get("hashAlgo"), out["hash"])
# importNpmLock's output: the lock whose entries point at those paths
sources = [d for d in drvs.values() if "packageLock" in d["env"] and d["env"]["name"].endswith("-sources-" + d["system"])]
if len(sources) != 1:
    fail("expected one importNpmLock derivation in peer-express, found %d" % len(sources))
patched = json.loads(sources[0]["env"]["packageLock"])["packages"]
if set(patched) != set(lock):
    fail("importNpmLock's lock has other entries than peers/express/package-lock.json")
# what npm ci fetched just now into its private cache (its cache index)
npm = {}
for dirpath, _, files in os.walk(sys.argv[3]):
    for f in files:
        for line in open(os.path.join(dirpath, f), errors="replace"):
            try:
                e = json.loads(line.split("\t", 1)[1])
            except (IndexError, ValueError):
                continue
            key = e.get("key", "")
            prefix = "make-fetch-happen:request-cache:"
            if key.startswith(prefix) and key.endswith(".tgz"):
                npm[key[len(prefix):]] = e.get("integrity")
n = confirmed = 0
for path, entry in lock.items():
    if path == "":
        continue
    n += 1
    resolved = patched[path].get("resolved", "")
    if not resolved.startswith("file:/nix/store/"):
        fail("%s: resolved is %r, not a store path" % (path, resolved))
    got = fetched.get(resolved[len("file:"):])
    if got is None:
        fail("%s: %s is not a fixed-output derivation's output" % (path, resolved))
    url, algo, hexhash = got
    name = path.rsplit("node_modules/", 1)[1]
    want_url = "https://registry.npmjs.org/%s/-/%s-%s.tgz" % (name, name.split("/")[-1], entry["version"])
    if url != want_url:
        fail("%s: fetched from %s, not %s" % (path, url, want_url))
    kind, b64 = entry["integrity"].split("-", 1)
    want = (kind, base64.b64decode(b64).hex())
    if (algo.replace("r:", ""), hexhash) != want:
        fail("%s: fixed-output hash %s:%s is not the lock's integrity" % (path, algo, hexhash))
    if url in npm:
        if npm[url] != entry["integrity"]:
            fail("%s: npm's cache has another integrity for %s" % (path, url))
        confirmed += 1
print("ok   %d locked packages: each fetched from the registry URL by the lock's integrity hash" % n)
if sys.argv[4] == "1":
    if confirmed != n:
        fail("npm ci fetched only %d of the %d locked packages from the URLs the flake uses" % (confirmed, n))
    print("ok   npm ci fetched all %d from the same URLs with the same integrity" % confirmed)
PY

echo "== 2. the launchers, made local, against PostgreSQL and Redis"
# script PKG NAME: the launcher NAME (a writeShellApplication in packages.PKG)
# with its store paths made local; extra sed expressions as further arguments.
script() {
    local pkg=$1 name=$2
    shift 2
    jq -r --arg n "$name-$system" 'to_entries[] | select(.value.env.name == $n) | .value.env.scriptText' \
        "$tmp/$pkg.json" |
        sed -E "$@" \
            -e "s#/nix/store/[a-z0-9]{32}-bash-interactive-[^/]*/bin/bash#/bin/bash#g" \
            -e "s#/nix/store/[a-z0-9]{32}-coreutils-[^/]*/bin#/usr/bin#g" >"$tmp/$name"
    [ -s "$tmp/$name" ] || fail "no script $name in packages.$system.$pkg"
    ! grep -n /nix/store "$tmp/$name" || fail "$name: store paths left after localizing"
    chmod 755 "$tmp/$name"
}
# The local stand-in for the packaged Python: one that has the FastAPI stack.
localpy=/usr/bin/python3
for candidate in /usr/bin/python3 "$(command -v python3)"; do
    if "$candidate" -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null; then
        localpy=$candidate
        break
    fi
done
drvs peer-fastapi >/dev/null
script peer-fastapi benchlab-peer-fastapi \
    -e "s#/nix/store/[a-z0-9]{32}-python3-env-[^/]*/bin/python3#$localpy#g" \
    -e "s#/nix/store/[a-z0-9]{32}-source/start#$tmp/flake/peers/fastapi/start#g"
# The Express app as buildNpmPackage installs it: the package's files and its
# node_modules (here the ones npm ci installed above from the same lock).
app=$tmp/express-app/lib/node_modules/benchlab-peer-express
mkdir -p "$app"
cp -R peers/express/package.json peers/express/package-lock.json peers/express/src "$app/"
[ "$npm_ok" != 1 ] || ln -s "$npmapp/node_modules" "$app/node_modules"
script peer-express benchlab-peer-express \
    -e "s#/nix/store/[a-z0-9]{32}-benchlab-peer-express-app-[^/]*/lib#$tmp/express-app/lib#g" \
    -e "s#/nix/store/[a-z0-9]{32}-nodejs-[^/]*/bin/node#$(command -v node || echo /nonexistent/node)#g"
grep -q "cd $app\$" "$tmp/benchlab-peer-express" || fail "benchlab-peer-express does not cd into the app"
# It replaces peers/express/start (minus install.sh): the same environment and
# node command line, so the two cannot drift apart unnoticed.
for what in '^export ' '^exec '; do
    a=$(grep -E "$what" peers/express/start | sed -E 's#^exec node #exec NODE #')
    b=$(grep -E "$what" "$tmp/benchlab-peer-express" | sed -E 's#^exec [^ ]*/node #exec NODE #')
    [ "$a" = "$b" ] || fail "benchlab-peer-express has '$b' where peers/express/start has '$a' (nix/peers.nix)"
done
echo "ok   benchlab-peer-express: the environment and node command line of peers/express/start"

for name in fastapi express; do
    rc=0
    env -u BENCHLAB_LISTEN "$tmp/benchlab-peer-$name" >"$tmp/nolisten.log" 2>&1 || rc=$?
    if [ "$rc" -ne 2 ] || ! grep -q BENCHLAB_LISTEN "$tmp/nolisten.log"; then
        cat "$tmp/nolisten.log"
        fail "benchlab-peer-$name without BENCHLAB_LISTEN: exit $rc, expected 2 naming it"
    fi
    echo "ok   benchlab-peer-$name without BENCHLAB_LISTEN: exit 2 ($(head -n 1 "$tmp/nolisten.log"))"
done

runnable=()
if "$localpy" -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null; then
    runnable+=(fastapi)
else
    echo "SKIP: running benchlab-peer-fastapi: python3 lacks the FastAPI stack (ci/debian-packages.txt, # peers)"
fi
if ! command -v node >/dev/null; then
    echo "SKIP: running benchlab-peer-express: node is not installed"
elif [ "$npm_ok" != 1 ]; then
    echo "SKIP: running benchlab-peer-express: npm ci of its lock failed (above)"
else
    runnable+=(express)
fi
if [ ${#runnable[@]} -gt 0 ] && { [ -z "${BENCHLAB_PG:-}" ] || [ -z "${BENCHLAB_REDIS:-}" ]; }; then
    stack=$tmp/stack
    peers/dev/stack.sh up "$stack" 200 >"$tmp/stack.env" 2>"$tmp/stack.log" ||
        { cat "$tmp/stack.log"; fail "peers/dev/stack.sh up"; }
    BENCHLAB_PG=$(sed -n 's/^BENCHLAB_PG=//p' "$tmp/stack.env")
    BENCHLAB_REDIS=$(sed -n 's/^BENCHLAB_REDIS=//p' "$tmp/stack.env")
fi
for name in "${runnable[@]}"; do
    port=$(free_port)
    BENCHLAB_LISTEN=127.0.0.1:$port BENCHLAB_PG=$BENCHLAB_PG BENCHLAB_REDIS=$BENCHLAB_REDIS \
        "$tmp/benchlab-peer-$name" >"$tmp/$name.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    ok=0
    for _ in $(seq 1 150); do
        if curl -fsS "http://127.0.0.1:$port/health" >"$tmp/health.json" 2>/dev/null; then
            ok=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ "$ok" = 1 ] || { cat "$tmp/$name.log"; fail "benchlab-peer-$name did not answer /health"; }
    [ "$(jq -r '.status + " " + .server' "$tmp/health.json")" = "ok $name" ] ||
        fail "benchlab-peer-$name /health: $(cat "$tmp/health.json")"
    # `benchlab down` signals a PID file's process only if its command line has its port
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$port" ||
        fail "benchlab-peer-$name: the server's command line lacks its port: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
    curl -fsS "http://127.0.0.1:$port/users" >"$tmp/users.json" || fail "benchlab-peer-$name GET /users"
    users=$(jq 'if type == "array" then length else (.users // .items // []) | length end' "$tmp/users.json")
    [ "$users" -gt 0 ] || fail "benchlab-peer-$name GET /users returned no users: $(head -c 200 "$tmp/users.json")"
    kill -TERM "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$tmp/$name.log"; fail "benchlab-peer-$name exited $rc on SIGTERM"; }
    echo "ok   benchlab-peer-$name: /health {status ok, server $name}, port on its command line, GET /users ($users rows), SIGTERM: exit 0"
done

echo "== 3. the lab finds the packaged peers"
labdrv=$(drvs lab)
nixc show-derivation "$labdrv" | jq -r '.[].env.installPhase' >"$tmp/lab-install"
for name in fastapi express; do
    drv=$(jq -r --arg n "benchlab-peer-$name-$system" 'to_entries[] | select(.value.env.name == $n) | .key' \
        "$tmp/peer-$name.json")
    launcher=$(outpath "$tmp/peer-$name.json" "$drv")/bin/benchlab-peer-$name
    grep -qF "ln -s $launcher \$out/share/benchlab/peers/$name/start" "$tmp/lab-install" ||
        fail "packages.lab does not link share/benchlab/peers/$name/start to $launcher"
    echo "ok   lab: share/benchlab/peers/$name/start -> $(basename "$(dirname "$(dirname "$launcher")")")"
done
python=$(grep -o -- "--set-default BENCHLAB_PYTHON [^ ]*" "$tmp/lab-install" | cut -d' ' -f3)
[ -n "$python" ] || fail "the lab's wrapper does not set BENCHLAB_PYTHON"
jq -r '.[].env.scriptText // empty' "$tmp/peer-fastapi.json" | grep -qF "BENCHLAB_PYTHON=$python" ||
    fail "the lab's BENCHLAB_PYTHON ($python) is not the FastAPI launcher's"
# shellcheck disable=SC2016 # $out is the build's, not this shell's
grep -qE 'makeWrapper \$out/share/benchlab/bin/benchlab ' "$tmp/lab-install" ||
    fail "the lab's wrapper does not run its own copy of benchlab (share/benchlab/bin)"
# shellcheck disable=SC2016
grep -qE 'install -m755 /nix/store/[^ ]*-benchlab-bin-[^ ]*/bin/benchlab \$out/share/benchlab/bin/benchlab' "$tmp/lab-install" ||
    fail "the lab does not copy benchlab into share/benchlab/bin (a link would be resolved to labBin's tree)"
# shellcheck disable=SC2016
grep -qE 'cp -R --no-preserve=mode /nix/store/[^ ]*/share/benchlab/scenarios \$out/share/benchlab/scenarios' "$tmp/lab-install" ||
    fail "the lab does not copy the scenarios beside its benchlab"
grep -qE 'install -m755 /nix/store/[^ ]*/peers/as-server \$out/share/benchlab/peers/as-server' "$tmp/lab-install" ||
    fail "the lab does not install peers/as-server (a study runs every peer through it)"
# The same layout with local files, run from outside any working copy.
tree=$tmp/lab/share/benchlab
mkdir -p "$tree/bin" "$tree/peers/fastapi" "$tree/peers/express" "$tmp/elsewhere"
cp "$BUILD/benchlab" "$tree/bin/benchlab"
# the lab's wrapper sets BENCHLAB_LOAD_BIN (run --dry-run checks the scenarios with it)
loadbin=$(cd "$BUILD" && pwd)/benchlab-load
cp -R scenarios "$tree/scenarios"
cp peers/as-server "$tree/peers/as-server"
ln -s "$tmp/benchlab-peer-fastapi" "$tree/peers/fastapi/start"
ln -s "$tmp/benchlab-peer-express" "$tree/peers/express/start"
for name in fastapi express; do
    (cd "$tmp/elsewhere" && env -u BENCHLAB_ROOT BENCHLAB_LOAD_BIN="$loadbin" "$tree/bin/benchlab" run reference-peers \
        --implementation "$name" --profile unboxed --dry-run) >"$tmp/dry.log" 2>&1 ||
        { cat "$tmp/dry.log"; fail "benchlab run --implementation $name from the lab's tree"; }
    echo "ok   benchlab run reference-peers --implementation $name --dry-run: found peers/$name/start beside benchlab"
done
rm "$tree/peers/express/start"
rc=0
(cd "$tmp/elsewhere" && env -u BENCHLAB_ROOT BENCHLAB_LOAD_BIN="$loadbin" "$tree/bin/benchlab" run reference-peers \
    --implementation express --profile unboxed --dry-run) >"$tmp/dry.log" 2>&1 || rc=$?
if [ "$rc" -ne 2 ] || ! grep -qF "$tree/scenarios/../peers/express/start" "$tmp/dry.log"; then
    cat "$tmp/dry.log"
    fail "without peers/express/start: exit $rc, expected 2 naming the path it looked at"
fi
echo "ok   without the link: exit 2 (it looked for $tree/scenarios/../peers/express/start)"

echo "== 4. image-fastapi, image-express"
for name in fastapi express; do
    drv=$(drvs "image-$name")
    conf=$(jq -r --arg d "$drv" '.[$d].env.conf' "$tmp/image-$name.json")
    [ "$(jq -r '.config | has("Entrypoint")' <<<"$conf")" = false ] || fail "image-$name has an Entrypoint"
    launcher=$(sed -n "s#.*ln -s \(/nix/store/[^ ]*\) \$out/share/benchlab/peers/$name/start.*#\1#p" "$tmp/lab-install")
    [ "$(jq -r '.config.Cmd[0]' <<<"$conf")" = "$launcher" ] ||
        fail "image-$name runs $(jq -r '.config.Cmd[0]' <<<"$conf"), not the lab's $launcher"
    jq -r '.contents[]' <<<"$conf" | grep -qxF "${launcher%/bin/*}" || fail "image-$name does not hold $launcher"
    jq -r '.contents[]' <<<"$conf" | grep -qE -- "-bin-sh-$system\$" || fail "image-$name has no /bin/sh (binSh)"
    [ "$(jq -r '.config.User' <<<"$conf")" = 65534:65534 ] || fail "image-$name does not run as nobody"
    echo "ok   image-$name: Cmd is the lab's launcher, /bin/sh, nobody, no Entrypoint"
done
echo "flake_peers: ok"
