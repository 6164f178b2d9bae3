/* Unit tests for the validity rules (src/lab/results/validity.c) and the report's
 * validity pass over files on disk (src/lab/report/validity.c): a run made to
 * overrun, one too short, one non-stationary, a starved server box, a busy
 * host, and a clean run that passes every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/report/validity.h"
#include "lab/study/runfile.h"
#include "lab/results/validity.h"

/* A clean closed-model run of a server-bound scenario: 6 s planned, 6.02 s of
 * load, 12,000 requests, the server box busy 0.95 CPU of its 1. */
static json_t *clean_run(void) {
    return json_pack("{s:s,s:s,s:i,s:b,s:s,s:{s:i,s:f,s:n,s:s,s:i},s:f,s:b,s:[],"
                     "s:{s:{s:f},s:{s:{s:i}},s:{s:n}},"
                     "s:{s:{s:f,s:f,s:b}},s:{s:{s:f}}}",
                     "scenario", "basic/01-lightweight", "config", "c-ulfius-epoll", "run", 1,
                     "warmup", 0, "implementation", "c-ulfius", "params", "vus", 10, "duration_s",
                     6.0, "rate", "threading", "epoll", "workers", 1, "wall_s", 6.1, "valid", 1,
                     "invalid_reasons", "summary", "timing", "duration_s", 6.02, "metrics",
                     "http_reqs", "count", 12000, "config", "iterations", "boxes", "server",
                     "cpu_user_s", 5.0, "cpu_sys_s", 0.8, "available", 1, "box_limits", "server",
                     "cpus_effective", 1.0);
}

static const double flat[6] = {2000, 1990, 2010, 2005, 1995, 2000};

static unsigned judge(json_t *run, const double *series, size_t n, json_t **reasons) {
    validity_rules_t r;
    validity_defaults(&r);
    *reasons = json_array();
    unsigned checked = 0;
    unsigned broken = validity_judge(&r, run, series, n, *reasons, &checked);
    return broken;
}

static bool has_prefix(json_t *reasons, const char *prefix) {
    size_t i;
    json_t *s;
    json_array_foreach(reasons, i, s) if (strncmp(json_string_value(s), prefix, strlen(prefix)) ==
                                          0) return true;
    return false;
}

static void a_clean_run_passes_every_rule(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    validity_rules_t r;
    validity_defaults(&r);
    unsigned checked = 0;
    reasons = json_array();
    assert_int_equal(validity_judge(&r, run, flat, 6, reasons, &checked), 0);
    assert_int_equal(json_array_size(reasons), 0);
    /* everything but the host (not recorded) was checked */
    assert_int_equal(checked, (1u << VRULE_COUNT) - 1 - (1u << VRULE_HOST));
    json_decref(reasons);
    json_decref(run);
}

static void a_run_that_overran_is_invalid(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    /* the review's case: 6 s planned, 10 s of load */
    json_object_set_new(json_object_get(json_object_get(run, "summary"), "timing"), "duration_s",
                        json_real(10.0));
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_OVERRUN);
    assert_true(has_prefix(reasons, "overrun: load phase 10.00 s for 6 s planned (+67%"));
    json_decref(reasons);
    /* 10 % over is still fine, 11 % is not */
    json_object_set_new(json_object_get(json_object_get(run, "summary"), "timing"), "duration_s",
                        json_real(6.6));
    assert_int_equal(judge(run, flat, 6, &reasons), 0);
    json_decref(reasons);
    json_decref(run);
}

static void a_run_with_too_few_requests_is_invalid(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    json_t *reqs =
        json_object_get(json_object_get(json_object_get(run, "summary"), "metrics"), "http_reqs");
    json_object_set_new(reqs, "count", json_integer(10)); /* FastAPI's cpu-fibonacci */
    assert_true(judge(run, flat, 6, &reasons) & (1u << VRULE_MIN_REQUESTS));
    assert_true(has_prefix(reasons, "min-requests: 10 requests < 1000"));
    json_decref(reasons);
    /* the plan's minimum wins */
    json_object_set_new(json_object_get(run, "params"), "min_requests", json_integer(5));
    assert_false(judge(run, flat, 6, &reasons) & (1u << VRULE_MIN_REQUESTS));
    json_decref(reasons);
    /* a run bounded by iterations that finished them is enough */
    json_object_del(json_object_get(run, "params"), "min_requests");
    json_t *s = json_object_get(run, "summary");
    json_object_set_new(json_object_get(s, "config"), "iterations", json_integer(500));
    json_object_set_new(json_object_get(s, "metrics"), "iterations",
                        json_pack("{s:i}", "count", 500));
    assert_false(judge(run, flat, 6, &reasons) & (1u << VRULE_MIN_REQUESTS));
    json_decref(reasons);
    json_decref(run);
}

static void a_non_stationary_run_is_invalid(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    /* 08-mixed: throughput falls from 1,900 to 600 req/s */
    const double falling[6] = {1900, 1650, 1400, 1100, 850, 600};
    assert_int_equal(judge(run, falling, 6, &reasons), 1u << VRULE_NONSTATIONARY);
    assert_true(has_prefix(reasons, "non-stationary: requests/s trend -"));
    json_decref(reasons);
    /* a significant but small trend (< 20 % between thirds) is tolerated */
    const double drift[6] = {2000, 2010, 2020, 2030, 2040, 2050};
    assert_int_equal(judge(run, drift, 6, &reasons), 0);
    json_decref(reasons);
    /* a large but noisy difference whose slope interval covers 0 is tolerated */
    const double noisy[6] = {1000, 3000, 1000, 3000, 1000, 3000};
    assert_int_equal(judge(run, noisy, 6, &reasons), 0);
    json_decref(reasons);
    /* a partial last second beyond the planned 6 s is ignored */
    const double tail[7] = {2000, 1990, 2010, 2005, 1995, 2000, 300};
    assert_int_equal(judge(run, tail, 7, &reasons), 0);
    json_decref(reasons);
    /* too short a series is not checked */
    assert_int_equal(judge(run, falling, 5, &reasons), 0);
    json_decref(reasons);
    json_decref(run);
}

static void a_starved_server_box_is_invalid_where_the_server_is_the_bottleneck(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    json_t *box = json_object_get(json_object_get(run, "boxes"), "server");
    json_object_set_new(box, "cpu_user_s", json_real(2.0)); /* 2.8 / 6.1 s = 0.46 CPU */
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_SERVER_QUOTA);
    assert_true(has_prefix(reasons, "server-below-quota: server box used 0.46 CPU of the 1.00"));
    json_decref(reasons);
    /* a one-thread model with one worker can use one CPU of a 2-CPU quota */
    json_object_set_new(json_object_get(json_object_get(run, "box_limits"), "server"),
                        "cpus_effective", json_real(2.0));
    json_object_set_new(box, "cpu_user_s", json_real(5.0));
    assert_int_equal(judge(run, flat, 6, &reasons), 0);
    json_decref(reasons);
    /* not a server-bound scenario: not checked */
    json_object_set_new(box, "cpu_user_s", json_real(0.1));
    json_object_set_new(run, "scenario", json_string("basic/05-external"));
    assert_int_equal(judge(run, flat, 6, &reasons), 0);
    json_decref(reasons);
    /* the scenario file's "server_bound", recorded in the run, wins over the
     * name globs (which judge run files without it) */
    json_object_set_new(run, "server_bound", json_true());
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_SERVER_QUOTA);
    json_decref(reasons);
    json_object_set_new(run, "scenario", json_string("basic/01-lightweight"));
    json_object_set_new(run, "server_bound", json_false());
    assert_int_equal(judge(run, flat, 6, &reasons), 0);
    json_decref(reasons);
    json_decref(run);
}

static void a_busy_host_is_invalid(void **state) {
    (void)state;
    json_t *run = clean_run(), *reasons;
    /* 2 CPUs, 6 s: 12 CPU-s; 3 of them busy outside (25 %), steal 0.1 % */
    json_object_set_new(run, "host_load",
                        json_pack("{s:i,s:f,s:f,s:f,s:f,s:b}", "cpus", 2, "wall_s", 6.0,
                                  "outside_s", 3.0, "steal_s", 0.012, "loadavg_max", 1.0, "boxed",
                                  1));
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_HOST);
    assert_true(has_prefix(reasons, "host-interference: 25% of the host's CPU busy outside"));
    json_decref(reasons);
    /* steal and load average break it alone too */
    json_t *h = json_object_get(run, "host_load");
    json_object_set_new(h, "outside_s", json_real(0.1));
    json_object_set_new(h, "steal_s", json_real(1.2));
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_HOST);
    assert_true(has_prefix(reasons, "host-interference: steal 10.0%"));
    json_decref(reasons);
    json_object_set_new(h, "steal_s", json_real(0));
    json_object_set_new(h, "loadavg_max", json_real(9.3));
    assert_int_equal(judge(run, flat, 6, &reasons), 1u << VRULE_HOST);
    json_decref(reasons);
    json_decref(run);
}

static void rules_parse_with_errors_naming_the_field(void **state) {
    (void)state;
    validity_rules_t r;
    validity_defaults(&r);
    char err[256];
    json_t *o =
        json_pack("{s:f,s:i,s:[s]}", "max_overrun", 0.2, "min_requests", 50, "server_bound", "x/*");
    assert_int_equal(validity_parse(&r, o, "p.json", err, sizeof err), 0);
    assert_true(r.max_overrun == 0.2 && r.min_requests == 50 && r.nserver_bound == 1);
    json_decref(o);
    o = json_pack("{s:s}", "max_steal", "lots");
    assert_int_equal(validity_parse(&r, o, "p.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "p.json: validity.max_steal: expected a number"));
    json_decref(o);
    o = json_pack("{s:i}", "max_overun", 1);
    assert_int_equal(validity_parse(&r, o, "p.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "validity.max_overun: unknown key"));
    json_decref(o);
}

static void trend_of_a_line_is_exact(void **state) {
    (void)state;
    const double y[5] = {1, 3, 5, 7, 9};
    double b, lo, hi;
    assert_int_equal(validity_trend(y, 5, 0.95, &b, &lo, &hi), 0);
    assert_true(fabs(b - 2) < 1e-12 && fabs(lo - 2) < 1e-9 && fabs(hi - 2) < 1e-9);
    assert_int_equal(validity_trend(y, 2, 0.95, &b, &lo, &hi), -1);
}

/* The pass over a directory: a valid overrun run becomes invalid in memory,
 * keeps its file untouched, and its series file is read. */
static void the_pass_judges_files_on_disk(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-validity-test.XXXXXX", path[256], ts[256];
    assert_non_null(mkdtemp(dir));
    json_t *good = clean_run(), *bad = clean_run();
    json_object_set_new(bad, "run", json_integer(2));
    snprintf(path, sizeof path, "%s/raw/basic/01-lightweight/c-ulfius-epoll/run-01.json", dir);
    assert_int_equal(study_write_json(path, good), 0);
    snprintf(path, sizeof path, "%s/raw/basic/01-lightweight/c-ulfius-epoll/run-02.json", dir);
    assert_int_equal(study_write_json(path, bad), 0);
    snprintf(ts, sizeof ts, "%s/raw/basic/01-lightweight/c-ulfius-epoll/run-02.timeseries.jsonl",
             dir);
    FILE *f = fopen(ts, "w");
    assert_non_null(f);
    for (int i = 0; i < 6; i++)
        fprintf(f, "{\"t\":%d,\"requests\":%d}\n", i, 2000 - 300 * i);
    fclose(f);
    results_t r;
    char err[512];
    assert_int_equal(results_load(&r, dir, err, sizeof err), 0);
    validity_rules_t rules;
    assert_int_equal(report_validity_rules(&r, &rules, err, sizeof err), 0);
    validity_tally_t t;
    assert_int_equal(report_validity_pass(&r, &rules, &t), 0);
    assert_int_equal(t.runs, 2);
    assert_int_equal(t.newly_invalid, 1);
    assert_int_equal(t.broken[VRULE_NONSTATIONARY], 1);
    assert_int_equal(t.checked[VRULE_NONSTATIONARY], 1);
    assert_int_equal(t.only[VRULE_NONSTATIONARY], 1);
    assert_int_equal(r.ncells, 1);
    assert_int_equal(r.cells[0].nvalid, 1);
    assert_int_equal(r.cells[0].ninvalid, 1);
    assert_true(has_prefix(json_object_get(r.cells[0].invalid[0]->root, "invalid_reasons"),
                           "non-stationary:"));
    results_free(&r);
    json_t *disk = json_load_file(path, 0, NULL); /* the file itself is unchanged */
    assert_true(json_is_true(json_object_get(disk, "valid")));
    json_decref(disk);
    json_decref(good);
    json_decref(bad);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_clean_run_passes_every_rule),
        cmocka_unit_test(a_run_that_overran_is_invalid),
        cmocka_unit_test(a_run_with_too_few_requests_is_invalid),
        cmocka_unit_test(a_non_stationary_run_is_invalid),
        cmocka_unit_test(a_starved_server_box_is_invalid_where_the_server_is_the_bottleneck),
        cmocka_unit_test(a_busy_host_is_invalid),
        cmocka_unit_test(rules_parse_with_errors_naming_the_field),
        cmocka_unit_test(trend_of_a_line_is_exact),
        cmocka_unit_test(the_pass_judges_files_on_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
