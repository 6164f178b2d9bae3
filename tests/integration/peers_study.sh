#!/usr/bin/env bash
# One study, three implementations: a plan whose entries name c-ulfius,
# fastapi and express (the plan key "implementation") runs each unit on its
# own server: every unit's scenario checks that /health names the
# implementation the unit says (checks failing above 1 % make a run invalid),
# so every run passing its checks = every restart switched the program. Also: the run files
# and the manifest name the implementations, a peer's config name has no
# threading model, and --implementation keeps only that implementation's
# units. Peers whose runtime is missing are left out (SKIP when none is there).
# check: parallel
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
lab=$ROOT/$BUILD/benchlab
. tests/integration/lib/common.sh
need_built "$BUILD" benchlab benchlab-load benchlab-server

peers=()
if peer_runtime fastapi; then
    peers+=(fastapi)
fi
if peer_runtime express; then
    peers+=(express)
fi
if [ ${#peers[@]} -eq 0 ]; then
    echo "SKIP: peers_study: neither peer's runtime is installed"
    exit 0
fi

work=$(mktemp -d /tmp/benchlab-peers-study.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A scenarios tree of our own (peers/ next to it, as in the repository).
mkdir -p "$work/root/scenarios/t" "$work/root/scenarios/plans"
ln -s "$ROOT/peers" "$work/root/peers"
impls=(c-ulfius "${peers[@]}")
entries=""
for name in "${impls[@]}"; do
    cat >"$work/root/scenarios/t/health-$name.json" <<SCEN
{"description": "GET /health answered by $name", "needs": [], "dirties": [],
 "iteration": {"groups": [{"name": "health", "requests": [{"method": "GET", "path": "/health",
   "checks": [{"status": 200}, {"json": "server", "equals": "$name"}]}]}]},
 "thresholds": {"checks": "rate>0.99"}}
SCEN
    entries+="${entries:+,}{\"scenarios\": [\"t/health-$name\"], \"implementation\": \"$name\"}"
done
# the last peer again with 2 workers (gunicorn / a node cluster)
last=${peers[${#peers[@]} - 1]}
entries+=",{\"scenarios\": [\"t/health-$last\"], \"implementation\": \"$last\", \"workers\": [2], \"threading\": [\"epoll\", \"pool\"]}"
cat >"$work/root/scenarios/plans/three.json" <<PLAN
{"description": "test: one unit per implementation", "defaults": {"runs": 1, "vus": 2, "duration": "1s"},
 "entries": [$entries]}
PLAN

profile=local-2core
if [ "$(id -u)" != 0 ] || [ "$(nproc)" -lt 2 ]; then profile=unboxed; fi
# shellcheck source=lib/smoke_profile.sh
. "$ROOT/tests/integration/lib/smoke_profile.sh"
smoke=$(smoke_profile "$ROOT/scenarios/profiles/$profile.json" "$work/profiles") || exit 1
cd "$work/root" || exit 1
"$lab" run three --scenarios "$work/root/scenarios" --profile "$smoke" \
    --results "$work/res" >"$work/run.out" 2>&1
rc=$?
cat "$work/run.out"
[ "$rc" -eq 0 ] || fail "benchlab run exited $rc"

python3 - "$work/res" "$last" "${impls[@]}" <<'PY' || fail "run files"
import json, os, sys
res, last, impls = sys.argv[1], sys.argv[2], sys.argv[3:]
def checks_ok(r):
    # what this test is about: the checks (the right implementation answered);
    # a fast server on a quiet host may also saturate the one-core driver,
    # which says nothing about which program answered
    bad = [x for x in (r.get("invalid_reasons") or []) if not x.startswith("driver saturated")]
    return not bad
def run(scenario, config):
    path = os.path.join(res, "raw", "t", scenario, config, "run-01.json")
    assert os.path.exists(path), f"missing {path}"
    return json.load(open(path))
for name in impls:
    config = "c-ulfius-epoll" if name == "c-ulfius" else name
    r = run(f"health-{name}", config)
    assert r["implementation"] == name, (name, r["implementation"])
    assert checks_ok(r), (name, r.get("invalid_reasons"))
r = run(f"health-{last}", f"{last}-w2")   # one unit: a peer has no threading model
assert checks_ok(r) and r["params"]["workers"] == 2, r.get("invalid_reasons")
assert sorted(os.listdir(os.path.join(res, "raw", "t", f"health-{last}"))) == [last, f"{last}-w2"]
m = json.load(open(os.path.join(res, "manifest.json")))
assert m["implementation"] == ",".join(impls), m["implementation"]
assert m["completed"] is True
# what each server runs on, read from its X-Benchlab-Framework header (docs/peers.md)
fw = {n: (m.get("implementations", {}).get(n) or {}).get("framework") or "" for n in impls}
want = {"c-ulfius": "benchlab-server ulfius/", "fastapi": "FastAPI/", "express": "Express/"}
for n in impls:
    assert fw[n].startswith(want[n]), (n, m.get("implementations"))
print("run files: every unit passed its checks on its own implementation; versions:", fw)
PY

# --implementation keeps only that implementation's units
out=$("$lab" run three --scenarios "$work/root/scenarios" --profile "$ROOT/scenarios/profiles/unboxed.json" --implementation "$last" --dry-run) ||
    fail "dry run with --implementation $last"
echo "$out" | grep -q "2 units" || fail "--implementation $last: expected its 2 units: $out"
if "$lab" run three --scenarios "$work/root/scenarios" --profile "$ROOT/scenarios/profiles/unboxed.json" --implementation nosuch --dry-run \
    >"$work/err" 2>&1; then
    fail "--implementation nosuch was accepted"
fi
grep -q "no unit runs implementation 'nosuch'" "$work/err" || fail "unclear message: $(cat "$work/err")"
echo "PASS: one study ran ${impls[*]}"
