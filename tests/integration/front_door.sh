#!/usr/bin/env bash
# The front door end to end, on a REAL study (not the fixture): a tiny plan
# runs every headline scenario (comparisons.json "headline": basic 01-08 and
# auth 17) for c-ulfius, FastAPI and Express, sub-second runs; then
# `benchlab report`, `benchlab claims` and the paper are built from those
# results into temporary directories. Then the paper again from two subsets
# of the same raw files: c-ulfius alone, and a single scenario. Checks:
#  - every unit wrote its run file, on its own implementation;
#  - the report's headline table and figure data hold the implementations
#    with a valid run and say "not measured" for the rest; the coverage macros
#    name what the results set lacks (the scenarios outside the headline set);
#  - claims: exit 0/1 only, its summary line adds up, and the claims about
#    scenarios outside the plan are "not measured";
#  - every run file records the service demand (CPU us per request per box),
#    the summaries show it, `claims --metric cpu` says it judged by it; a
#    results set without box statistics says "not available";
#  - each paper builds (ci/paper.sh PAPER_OUT=...) into a PDF of >= 4 pages
#    with the partial-results box, and neither paper/ nor results/reference
#    is touched.
# A peer whose runtime is missing is left out (and said so); c-ulfius always runs.
# check: parallel, about 77 s
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
export BENCHLAB_ROOT=$ROOT
lab=$ROOT/$BUILD/benchlab
. tests/integration/lib/common.sh
need_built "$BUILD" benchlab benchlab-load benchlab-server
for tool in gnuplot latexmk pdflatex pdfinfo pdftotext; do
    command -v "$tool" >/dev/null || fail "missing $tool: make deps"
done

impls=(c-ulfius)
if peer_runtime fastapi; then
    impls+=(fastapi)
else
    echo "NOTE: FastAPI's runtime is missing (make deps): left out"
fi
if peer_runtime express; then
    impls+=(express)
else
    echo "NOTE: Express' runtime is missing (make deps): left out"
fi

work=$(mktemp -d /tmp/benchlab-front-door.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# paper/ and results/reference before: the test must leave both as they were
tree_sum() { find paper results/reference -type f -print0 2>/dev/null | sort -z | xargs -0 sha1sum | sha1sum; }
before=$(tree_sum)

# The headline scenarios, as the paper's config names them.
mapfile -t scenarios < <(python3 -c '
import json
for r in json.load(open("paper/comparisons.json"))["headline"]["scenarios"]:
    print(r["scenario"])')
[ ${#scenarios[@]} -ge 11 ] || fail "comparisons.json: ${#scenarios[@]} headline scenarios"
json_list() { printf '"%s",' "$@" | sed 's/,$//'; }
cat >"$work/tiny.json" <<PLAN
{"description": "test: the headline scenarios for each implementation, sub-second runs",
 "defaults": {"runs": 1, "vus": 4, "duration": "500ms", "warmup": "0s",
              "implementation": [$(json_list "${impls[@]}")]},
 "entries": [{"scenarios": [$(json_list "${scenarios[@]}")]}]}
PLAN

profile=local-2core
if [ "$(id -u)" != 0 ] || [ "$(nproc)" -lt 2 ]; then profile=unboxed; fi
# shellcheck source=lib/smoke_profile.sh
. tests/integration/lib/smoke_profile.sh
profile=$(smoke_profile "scenarios/profiles/$profile.json" "$work/profiles") || fail "smoke profile"
res=$work/res
start=$(date +%s)
"$lab" run "$work/tiny.json" --profile "$profile" --results "$res" >"$work/run.out" 2>&1
rc=$?
echo "study: exit $rc, $(($(date +%s) - start)) s"
[ "$rc" -eq 0 ] || { tail -n 30 "$work/run.out"; fail "benchlab run exited $rc"; }

# every unit's run file, on its implementation; which cells are valid
python3 - "$res" "${impls[@]}" >"$work/valid.txt" <<'PY' || fail "run files"
import json, os, sys
res, impls = sys.argv[1], sys.argv[2:]
scen = [r["scenario"] for r in json.load(open("paper/comparisons.json"))["headline"]["scenarios"]]
for name in impls:
    config = "c-ulfius-epoll" if name == "c-ulfius" else name
    nvalid = 0
    for s in scen:
        path = os.path.join(res, "raw", s, config, "run-01.json")
        assert os.path.exists(path), f"missing {path}"
        r = json.load(open(path))
        assert r["implementation"] == name, (path, r["implementation"])
        nvalid += bool(r["valid"])
    print(name, nvalid)
PY
cat "$work/valid.txt"
measured=$(awk '$2 > 0' "$work/valid.txt" | wc -l)
[ "$measured" -ge 1 ] || fail "no implementation has a valid headline run"

# --- benchlab report ------------------------------------------------------------
"$lab" report "$res" --out "$work/gen" --summary-dir "$work/sum" >"$work/report.out" 2>&1 ||
    { cat "$work/report.out"; fail "benchlab report"; }
for f in tables/headline.tex data/headline-rps.dat data/headline-rps.meta macros.tex; do
    [ -s "$work/gen/$f" ] || fail "report: $f missing"
done
for f in summary.csv summary.md; do [ -s "$work/sum/$f" ] || fail "report: $f missing"; done
head -n 1 "$work/sum/summary.csv" | grep -q ',server_cpu_us_per_request,' || fail "summary.csv: no service demand column"
grep -q 'server CPU us/req' "$work/sum/summary.md" || fail "summary.md: no service demand column"
[ -s "$work/gen/tables/headline-cpu.tex" ] || fail "report: tables/headline-cpu.tex missing"
grep -q "hl_nimpl = $measured;" "$work/gen/data/headline-rps.meta" ||
    fail "headline figure: expected $measured measured implementations: $(cat "$work/gen/data/headline-rps.meta")"
for name in "${impls[@]}"; do
    label=$(python3 -c "import json,sys
print([i['label'] for i in json.load(open('paper/comparisons.json'))['headline']['implementations'] if i['id']=='$name'][0])")
    grep -q -- "$label" "$work/gen/tables/headline.tex" || fail "headline table: no column for $label"
    config=$([ "$name" = c-ulfius ] && echo c-ulfius-epoll || echo "$name")
    grep -q ",$config," "$work/sum/summary.csv" || grep -q "$config" "$work/sum/summary.csv" ||
        fail "summary.csv: no row of $config"
done
# an unmeasured cell (an invalid run) says so; every headline row is in the table
nrows=$(grep -c '\\\\$' "$work/gen/tables/headline.tex")
[ "$nrows" -ge $((${#scenarios[@]} + 1)) ] || fail "headline table: $nrows rows"
ninvalid=$(awk '{s += '"${#scenarios[@]}"' - $2} END {print s}' "$work/valid.txt")
if [ "$ninvalid" -gt 0 ]; then
    grep -q 'not measured' "$work/gen/tables/headline.tex" || fail "headline table: an invalid cell is not marked"
fi
# the results set lacks every scenario outside the headline set: the macros say so
grep -q '\\blpartialtrue' "$work/gen/macros.tex" || fail "macros: not marked partial"
grep -q 'coverage/scenarios-missing}{.*db-advanced/09-pagination' "$work/gen/macros.tex" ||
    fail "macros: the missing scenarios are not named"
# the implementations the study measured are not called missing; the headline's
# others (comparisons.json lists six) are
missing=$(sed -n 's/^\\blset{coverage\/impls-missing}{\(.*\)}$/\1/p' "$work/gen/macros.tex")
[ -n "$missing" ] || fail "macros: no coverage/impls-missing"
if [ "$measured" -eq ${#impls[@]} ]; then
    for name in "${impls[@]}"; do
        label=$(python3 -c "import json
print([i['label'] for i in json.load(open('paper/comparisons.json'))['headline']['implementations'] if i['id']=='$name'][0])")
        case ", $missing," in *", $label,"* | *" $label and"* | *"and $label,"*) fail "macros: $label is called missing ($missing)" ;; esac
    done
fi

# --- benchlab claims ------------------------------------------------------------
"$lab" claims "$res" >"$work/claims.out" 2>&1
rc=$?
[ "$rc" -le 1 ] || { cat "$work/claims.out"; fail "claims exited $rc"; }
cat "$work/claims.out" | tail -n 1
python3 - "$work/claims.out" "$rc" <<'PY' || fail "claims output"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
rc = int(sys.argv[2])
m = re.match(r"claims: (\d+) hold, (\d+) fail, (\d+) inconclusive, (\d+) not measured \(of (\d+)\)",
             lines[-1])
assert m, lines[-1]
h, f, i, n, t = map(int, m.groups())
assert h + f + i + n == t and t > 0, m.groups()
assert (rc == 1) == (f > 0), (rc, f)
# "%-13s %-22s %s": status, id, claim
status = {l[14:36].strip(): l[:13].strip() for l in lines
          if l and not l.startswith((" ", "claims:", "judged by:"))}
assert any(l.startswith("judged by: rps") for l in lines), "claims does not say which metric it used"
assert len(status) == t, (len(status), t)
# scenarios outside the plan: pagination, bulk insert, caching are not measured here
for cid in ("cursor-vs-offset", "raw-insert", "redis-hit"):
    assert status.get(cid) == "not measured", (cid, status.get(cid))
assert n >= 3, n
PY

# judged by CPU us per request (service demand): says so; a bad metric is refused
"$lab" claims "$res" --metric cpu >"$work/claims-cpu.out" 2>&1
rc=$?
[ "$rc" -le 1 ] || { cat "$work/claims-cpu.out"; fail "claims --metric cpu exited $rc"; }
grep -q '^judged by: cpu' "$work/claims-cpu.out" || fail "claims --metric cpu does not say so"
grep -q '^claims: .* inconclusive, .* (of [0-9]*)' "$work/claims-cpu.out" || fail "claims --metric cpu: no summary"
"$lab" claims "$res" --metric watts >"$work/claims-bad.out" 2>&1
[ $? -eq 2 ] || fail "claims --metric watts was not refused"
grep -q "not rps or cpu" "$work/claims-bad.out" || fail "unclear message: $(cat "$work/claims-bad.out")"
# every run file records the service demand (a number, or null without box statistics)
python3 - "$res" <<'PY' || fail "service demand fields"
import glob, json, sys
files = glob.glob(sys.argv[1] + "/raw/*/*/*/run-*.json")
assert files
numbers = 0
for p in files:
    r = json.load(open(p))
    for box in ("server", "postgres", "redis"):
        k = box + "_cpu_us_per_request"
        assert k in r, (p, k)
        # an idle PostgreSQL or Redis box may use no CPU at all in a sub-second run
        assert r[k] is None or r[k] > 0 or (box != "server" and r[k] == 0), (p, k, r[k])
    numbers += isinstance(r["server_cpu_us_per_request"], float)
    if r.get("boxes", {}).get("server", {}).get("available"):
        assert r["server_cpu_us_per_request"] is not None, p
print(f"service demand: {numbers} of {len(files)} run files have the server's")
PY

# --- the paper, from the study and from two subsets of its raw files -------------
paper() { # $1 = results, $2 = output dir
    PAPER_OUT="$2" SUMMARY_DIR=none RESULTS="$1" bash ci/paper.sh >"$2.log" 2>&1 ||
        { tail -n 30 "$2.log"; fail "paper from $1"; }
    [ -s "$2/main.pdf" ] || fail "$2/main.pdf missing"
    local pages
    pages=$(pdfinfo "$2/main.pdf" | sed -n 's/^Pages: *//p')
    [ "${pages:-0}" -ge 4 ] || fail "$2/main.pdf has ${pages:-0} pages"
    ! grep -q '^! ' "$2/main.log" || fail "LaTeX error in $2/main.log"
    pdftotext "$2/main.pdf" "$2.txt"
    grep -q 'A partial' "$2.txt" || fail "$2: no partial-results box"
    grep -q 'Not measured in this results set' "$2.txt" || fail "$2: no not-measured figure"
    [ -s "$2/generated/figures/headline-rps.pdf" ] || fail "$2: headline figure not drawn"
    echo "paper $(basename "$2"): $pages pages"
}
paper "$res" "$work/paper-study"

subset() { # $1 = new results dir, $2 = regex of raw/<scenario>/<config> to keep
    mkdir -p "$1/raw"
    cp "$res/manifest.json" "$1/"
    (cd "$res/raw" && find . -mindepth 3 -maxdepth 3 -type d | sed 's|^\./||' | grep -E "$2") |
        while read -r d; do
            mkdir -p "$1/raw/$(dirname "$d")"
            cp -r "$res/raw/$d" "$1/raw/$d"
        done
}
subset "$work/c-only" '/c-ulfius-epoll$'
# ... and as older or unboxed results: no box statistics, no service demand field
python3 - "$work/c-only" <<'PY' || fail "stripping box statistics"
import glob, json, sys
for p in glob.glob(sys.argv[1] + "/raw/*/*/*/run-*.json"):
    r = json.load(open(p))
    r["boxes"] = {}
    for box in ("server", "postgres", "redis"):
        r.pop(box + "_cpu_us_per_request", None)
    json.dump(r, open(p, "w"))
PY
paper "$work/c-only" "$work/paper-c-only"
[ -f "$work/paper-c-only/generated/data/headline-cpu.nodata" ] || fail "c-only without boxes: a CPU figure"
grep -q 'not available' "$work/paper-c-only/generated/tables/headline-cpu.tex" ||
    fail "c-only without boxes: the CPU table does not say 'not available'"
grep -q 'hl_nimpl = 1;' "$work/paper-c-only/generated/data/headline-rps.meta" || fail "c-only: headline figure"
if [ ${#impls[@]} -gt 1 ]; then
    grep -q 'coverage/impls-missing}{FastAPI' "$work/paper-c-only/generated/macros.tex" ||
        grep -q 'coverage/impls-missing}{Express' "$work/paper-c-only/generated/macros.tex" ||
        fail "c-only: the missing peers are not named"
fi

subset "$work/one" '^basic/01-lightweight/'
paper "$work/one" "$work/paper-one"
expected=$(sed -n 's/.*coverage\/scenarios-expected}{\\num{\([0-9]*\)}}.*/\1/p' "$work/paper-one/generated/macros.tex")
grep -q "coverage/scenarios-missing-count}{\\\\num{$((expected - 1))}}" "$work/paper-one/generated/macros.tex" ||
    fail "single scenario: missing count is not $((expected - 1))"

[ "$(tree_sum)" = "$before" ] || fail "paper/ or results/reference changed"
echo "PASS: front door: study of ${impls[*]} ($measured with valid runs), report, claims, three papers"
