/* The study's pure parts: run-file paths, the validity rules, the run file's
 * fields (docs/results-format.md), atomic JSON writes, scenario needs/dirties,
 * and every committed scenario file's metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/study/runfile.h"
#include "lab/study/scenario.h"

static json_t *summary(double check_fails, double failed_rate, int saturated, double reqs) {
    return json_pack("{s:{s:{s:f,s:f},s:{s:f,s:f,s:f},s:{s:f,s:f}},s:{s:b,s:f},s:{s:s}}", "metrics",
                     "http_reqs", "count", reqs, "rate", reqs / 3, "http_req_failed", "passes", 0.0,
                     "fails", reqs, "value", failed_rate, "checks", "passes", 1000.0 - check_fails,
                     "fails", check_fails, "driver", "saturated", saturated, "busiest_thread_util",
                     saturated ? 0.99 : 0.3, "teardown", "stock_no_lock", "912");
}

static bool judge(run_observed_t *o, json_t **reasons) {
    *reasons = json_array();
    return run_validity(o, *reasons);
}

static void has_reason(json_t *reasons, const char *text) {
    size_t i;
    json_t *r;
    json_array_foreach(reasons, i, r) if (strstr(json_string_value(r), text)) return;
    fail_msg("no reason containing '%s'", text);
}

static void test_validity_rules(void **state) {
    (void)state;
    run_observed_t o;
    json_t *reasons;
    memset(&o, 0, sizeof o);
    o.summary = summary(5, 0.002, 0, 3000); /* 0.5 % failed checks: fine */
    o.boxed[LAB_SVC_SERVER] = true;
    assert_true(judge(&o, &reasons));
    assert_int_equal(json_array_size(reasons), 0);
    json_decref(reasons);
    json_decref(o.summary);

    o.summary = summary(21, 0.0, 0, 3000);
    assert_false(judge(&o, &reasons));
    has_reason(reasons, "checks failed 2.1% > 1%");
    json_decref(reasons);
    json_decref(o.summary);

    o.summary = summary(0, 0.05, 1, 3000);
    o.boxes[LAB_SVC_SERVER].oom_kills = 1;
    o.server_died = true;
    assert_false(judge(&o, &reasons));
    has_reason(reasons, "errors 5.0% > 1%");
    has_reason(reasons, "driver saturated");
    has_reason(reasons, "server box OOM-killed");
    has_reason(reasons, "server died");
    json_decref(reasons);
    json_decref(o.summary);

    /* an OOM kill in a box that was not measured does not count */
    memset(&o, 0, sizeof o);
    o.summary = summary(0, 0, 0, 10);
    o.boxes[LAB_SVC_REDIS].oom_kills = 3;
    assert_true(judge(&o, &reasons));
    json_decref(reasons);
    json_decref(o.summary);

    memset(&o, 0, sizeof o);
    o.driver_status = 1;
    assert_false(judge(&o, &reasons));
    has_reason(reasons, "wrote no summary");
    json_decref(reasons);

    o.summary = summary(0, 0, 0, 0);
    o.driver_status = 99; /* a failed threshold alone does not invalidate */
    assert_false(judge(&o, &reasons));
    has_reason(reasons, "no request completed");
    assert_int_equal(json_array_size(reasons), 1);
    json_decref(reasons);
    json_decref(o.summary);
}

static void test_run_file_fields(void **state) {
    (void)state;
    plan_unit_t u;
    memset(&u, 0, sizeof u);
    snprintf(u.scenario, sizeof u.scenario, "db-advanced/13-transactions");
    snprintf(u.config, sizeof u.config, "c-ulfius-epoll");
    snprintf(u.threading, sizeof u.threading, "epoll");
    u.vus = 10;
    u.duration_s = 30;
    u.workers = 1;
    u.runs = 10;
    run_observed_t o;
    memset(&o, 0, sizeof o);
    o.summary = summary(0, 0, 0, 100);
    o.boxed[LAB_SVC_SERVER] = o.boxed[LAB_SVC_POSTGRES] = true;
    o.boxes[LAB_SVC_SERVER].cpu_user_s = 1.25;
    o.boxes[LAB_SVC_SERVER].available = true;
    o.boxes[LAB_SVC_POSTGRES].memory_peak_bytes = 123456;
    o.wall_s = 31.5;
    o.started_unix_ms = 1795809071123LL;
    o.limits = json_pack("{s:{s:f}}", "server", "cpus", 1.0);
    o.backend = "cgroup-v1";
    o.driver_cpuset = "0";
    json_t *j = run_file_build(&u, 3, "c-ulfius", "local-2core", "full", &o);
    assert_string_equal(json_string_value(json_object_get(j, "box_backend")), "cgroup-v1");
    assert_string_equal(json_string_value(json_object_get(j, "driver_cpuset")), "0");
    assert_ptr_equal(json_object_get(j, "box_limits"), o.limits);
    json_decref(o.limits);
    assert_string_equal(json_string_value(json_object_get(j, "scenario")),
                        "db-advanced/13-transactions");
    assert_string_equal(json_string_value(json_object_get(j, "config")), "c-ulfius-epoll");
    assert_int_equal(json_integer_value(json_object_get(j, "run")), 3);
    assert_true(json_is_false(json_object_get(j, "warmup")));
    assert_string_equal(json_string_value(json_object_get(j, "profile")), "local-2core");
    assert_string_equal(json_string_value(json_object_get(j, "plan")), "full");
    assert_string_equal(json_string_value(json_object_get(j, "started_at")),
                        "2026-11-27T19:51:11Z");
    assert_true(json_is_true(json_object_get(j, "valid")));
    json_t *params = json_object_get(j, "params");
    assert_int_equal(json_integer_value(json_object_get(params, "vus")), 10);
    assert_true(json_is_null(json_object_get(params, "rate")));
    assert_true(json_is_null(json_object_get(params, "server_cpus")));
    assert_string_equal(json_string_value(json_object_get(params, "threading")), "epoll");
    json_t *boxes = json_object_get(j, "boxes");
    assert_int_equal(json_object_size(boxes), 2);
    assert_true(json_real_value(json_object_get(json_object_get(boxes, "server"), "cpu_user_s")) ==
                1.25);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(boxes, "postgres"), "memory_peak_bytes")),
                     123456);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "teardown"), "stock_no_lock")), "912");
    assert_ptr_equal(json_object_get(j, "summary"), o.summary);
    json_decref(j);
    json_decref(o.summary);

    char path[512];
    run_file_path("res", "basic/01-lightweight", "c-ulfius-epoll", 7, path, sizeof path);
    assert_string_equal(path, "res/raw/basic/01-lightweight/c-ulfius-epoll/run-07.json");
}

static void test_atomic_write(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-test-study-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/a/b/run-01.json", dir);
    json_t *j = json_pack("{s:i}", "x", 1);
    assert_int_equal(study_write_json(path, j), 0);
    json_decref(j);
    json_t *back = json_load_file(path, 0, NULL);
    assert_non_null(back);
    assert_int_equal(json_integer_value(json_object_get(back, "x")), 1);
    json_decref(back);
    /* nothing but the file is left in its directory */
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    DIR *d = opendir(sub);
    int entries = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        entries += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(entries, 1);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_scenario_meta(void **state) {
    (void)state;
    char path[] = "/tmp/benchlab-test-meta-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    FILE *f = fopen(path, "w");
    fputs("{\"needs\": [\"redis\"], \"dirties\": [\"users\", \"cache\"]}", f);
    fclose(f);
    scenario_meta_t m;
    char err[512];
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), 0);
    assert_true(m.needs[LAB_SVC_SERVER]);
    assert_true(m.needs[LAB_SVC_REDIS]);
    assert_true(m.needs[LAB_SVC_POSTGRES]); /* resetting users needs it */
    assert_false(m.needs[LAB_SVC_UPSTREAM]);
    assert_int_equal(m.ndirties, 2);
    assert_string_equal(m.dirties[1], "cache");
    f = fopen(path, "w");
    fputs("{\"needs\": [\"mysql\"]}", f);
    fclose(f);
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs[0]: expected postgres, redis or upstream"));
    assert_false(m.serial);
    f = fopen(path, "w");
    fputs("{\"serial\": true}", f);
    fclose(f);
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), 0);
    assert_true(m.serial);
    f = fopen(path, "w");
    fputs("{\"serial\": \"yes\"}", f);
    fclose(f);
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "serial: expected true or false"));
    assert_false(m.server_bound); /* the default */
    f = fopen(path, "w");
    fputs("{\"server_bound\": true}", f);
    fclose(f);
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), 0);
    assert_true(m.server_bound);
    f = fopen(path, "w");
    fputs("{\"server_bound\": 1}", f);
    fclose(f);
    assert_int_equal(scenario_meta_load(path, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "server_bound: expected true or false"));
    unlink(path);
}

/* Every scenario file says what it needs and dirties; the write scenarios
 * dirty what they write. */
static void test_committed_scenarios(void **state) {
    (void)state;
    const char *root = getenv("BENCHLAB_ROOT");
    char dir[512], cmd[700];
    snprintf(dir, sizeof dir, "%s/scenarios", root && *root ? root : ".");
    snprintf(cmd, sizeof cmd,
             "find '%s' -mindepth 2 -maxdepth 2 -name '*.json' -not -path '*/plans/*' "
             "-not -path '*/profiles/*' | sort",
             dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[1024];
    int n = 0, writes = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        json_t *j = json_load_file(line, 0, NULL);
        if (!j)
            fail_msg("%s: not JSON", line);
        if (!json_is_array(json_object_get(j, "needs")) ||
            !json_is_array(json_object_get(j, "dirties")))
            fail_msg("%s: needs and dirties must be arrays", line);
        json_decref(j);
        scenario_meta_t m;
        char err[512];
        if (scenario_meta_load(line, &m, err, sizeof err) != 0)
            fail_msg("%s", err);
        bool cpu_only = strstr(line, "/01-lightweight.") || strstr(line, "/02-json.") ||
                        strstr(line, "/17-a-public.") || strstr(line, "/server-config/cpu-");
        if (cpu_only != m.server_bound)
            fail_msg("%s: server_bound should be %s", line, cpu_only ? "true" : "false");
        if (strstr(line, "04-db-write") || strstr(line, "08-mixed")) {
            assert_string_equal(m.dirties[0], "users");
            writes++;
        }
        if (strstr(line, "12-bulk")) {
            assert_string_equal(m.dirties[0], "bulk_items");
            writes++;
        }
        if (strstr(line, "13-transactions")) {
            assert_string_equal(m.dirties[0], "products");
            writes++;
        }
        n++;
    }
    pclose(p);
    assert_true(n >= 38);
    /* 04, 08, and 12 and 13 one file per variant (5 bulk methods, 4 locking strategies) */
    assert_int_equal(writes, 2 + 5 + 4);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validity_rules),      cmocka_unit_test(test_run_file_fields),
        cmocka_unit_test(test_atomic_write),        cmocka_unit_test(test_scenario_meta),
        cmocka_unit_test(test_committed_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
