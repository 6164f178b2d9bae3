# smoke_profile SRC DIR: writes DIR/<name of SRC> = the profile SRC with the
# method's validity rules (docs/study.md "Validity") relaxed, and prints its
# path. The tests that use it check the study's mechanics with 1-second runs
# of a few VUs on a shared 2-core host: too short, too few requests and too
# noisy for the rules meant for real studies (tests/unit/lab/test_validity.c
# tests the rules; study_run.sh checks that a study applies them).
smoke_profile() {
    local src=$1 dir=$2
    mkdir -p "$dir"
    local out="$dir/$(basename "$src")"
    python3 - "$src" "$out" <<'PY' || return 1
import json, sys
p = json.load(open(sys.argv[1]))
p["validity"] = {"max_overrun": 100, "min_requests": 0, "max_host_outside": 1, "max_steal": 1,
                 "max_load_per_cpu": 1000000, "min_server_cpu": 0, "trend_change": 100}
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
    echo "$out"
}
