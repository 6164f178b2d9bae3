/* Unit tests for src/lab/report/claims.c: rules over a report computed from the
 * fixture results, with small inline claim files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab/report/claims.h"
#include "lab/report/report.h"
#include "lab/results/results.h"

static results_t results;
static report_t rep;

static int setup(void **state) {
    (void)state;
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    char fixture[4096], config[4096], published[4096], err[1024];
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/results-small", root);
    snprintf(config, sizeof config, "%s/paper/comparisons.json", root);
    snprintf(published, sizeof published, "%s/paper/published-study.json", root);
    report_config_t cfg;
    if (results_load(&results, fixture, err, sizeof err) != 0 ||
        report_config_load(&cfg, config, err, sizeof err) != 0 ||
        report_compute(&rep, &results, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    json_error_t je;
    rep.published = json_load_file(published, 0, &je);
    return rep.published ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    report_free(&rep);
    results_free(&results);
    return 0;
}

/* Evaluates a claims file given as text; returns claims_evaluate's result. */
static int eval(const char *text, claims_t *out, char *err, size_t errlen) {
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root)
        fail_msg("bad test JSON: %s", je.text);
    int rc = claims_evaluate(out, root, "inline.json", &rep, err, errlen);
    json_decref(root);
    return rc;
}

static void holds_fails_and_not_measured(void **state) {
    (void)state;
    claims_t c;
    char err[1024];
    const char *text =
        "{\"claims\": ["
        "{\"id\": \"a\", \"claim\": \"cursor wins\", \"their\": \"1.7x\","
        " \"rules\": [{\"comparison\": \"pagination\", \"op\": \">=\", \"threshold\": 1.3}]},"
        "{\"id\": \"b\", \"claim\": \"cursor wins by 1000x\", \"their\": \"-\","
        " \"rules\": [{\"comparison\": \"pagination\", \"op\": \">=\", \"threshold\": 1000}]},"
        "{\"id\": \"c\", \"claim\": \"pessimistic exact\", \"their\": \"-\","
        " \"rules\": [{\"value\": \"tx-lost-pessimistic\", \"op\": \"==\", \"threshold\": 0},"
        "             {\"value\": \"tx-lost-nolock\", \"op\": \">\", \"threshold\": 0}]},"
        "{\"id\": \"d\", \"claim\": \"collapse\", \"their\": \"-\","
        " \"rules\": [{\"comparisons_prefix\": \"over/\", \"op\": \"<\", \"threshold\": 1}]},"
        "{\"id\": \"e\", \"claim\": \"nothing there\", \"their\": \"-\","
        " \"rules\": [{\"comparisons_prefix\": \"nothing/\", \"op\": \"<\", \"threshold\": 1}]},"
        "{\"id\": \"f\", \"claim\": \"json\", \"their_published\": {\"num\": \"01\", \"den\": "
        "\"02\"},"
        " \"rules\": [{\"comparison\": \"basic-json\", \"op\": \">\", \"threshold\": 0}]}"
        "]}";
    if (eval(text, &c, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.n, 6);
    assert_int_equal(c.items[0].status, CLAIM_HOLDS);
    assert_int_equal(c.items[1].status, CLAIM_FAILS);
    assert_int_equal(c.items[2].status, CLAIM_HOLDS);
    assert_int_equal(c.items[3].status, CLAIM_HOLDS);
    assert_int_equal(c.items[4].status, CLAIM_NOT_MEASURED);
    assert_int_equal(c.holds, 4);
    assert_int_equal(c.fails, 1);
    assert_int_equal(c.not_measured, 1);
    /* ours quotes the ratio with its interval */
    assert_non_null(strstr(c.items[0].ours, "x ["));
    /* their number from the published table: Express 20492/17403 = 1.18 is
     * inside, Rails 3632/4200 = 0.865 is the minimum, FastAPI-P 1.21 the maximum */
    assert_string_equal(c.items[5].their, "0.865-1.21x (5 frameworks)");
    claims_free(&c);
}

static void not_measured_when_scenario_absent(void **state) {
    (void)state;
    /* a comparison over a scenario the fixture lacks */
    char err[1024];
    results_t r2;
    report_t rep2;
    report_config_t cfg;
    char dir[] = "/tmp/benchlab-test-claims.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[4200];
    snprintf(path, sizeof path, "%s/cfg.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"comparisons\": [{\"id\": \"ghost\", \"label\": \"g\","
          " \"num\": {\"scenario\": \"x/none\", \"metric\": \"rps\"},"
          " \"den\": {\"scenario\": \"basic/02-json\", \"metric\": \"rps\"}}]}",
          f);
    fclose(f);
    assert_int_equal(results_load(&r2, results.dir, err, sizeof err), 0);
    assert_int_equal(report_config_load(&cfg, path, err, sizeof err), 0);
    assert_int_equal(report_compute(&rep2, &r2, &cfg, err, sizeof err), 0);
    json_t *root = json_loads("{\"claims\": [{\"id\": \"g\", \"claim\": \"g\", \"their\": \"-\","
                              " \"rules\": [{\"comparison\": \"ghost\", \"op\": \">\","
                              " \"threshold\": 1}]}]}",
                              0, NULL);
    claims_t c;
    assert_int_equal(claims_evaluate(&c, root, "inline.json", &rep2, err, sizeof err), 0);
    assert_int_equal(c.items[0].status, CLAIM_NOT_MEASURED);
    assert_int_equal(c.not_measured, 1);
    claims_free(&c);
    json_decref(root);
    report_free(&rep2);
    results_free(&r2);
    unlink(path);
    rmdir(dir);
}

/* One claim on the pagination ratio with the given op and threshold. */
static claim_status_t verdict(const char *op, double t, bool point_only, char **ours) {
    char text[512], err[1024];
    snprintf(text, sizeof text,
             "{\"claims\": [{\"id\": \"s\", \"claim\": \"s\", \"their\": \"-\", "
             "\"rules\": [{\"comparison\": \"pagination\", \"op\": \"%s\", "
             "\"threshold\": %.17g}]}]}",
             op, t);
    json_t *root = json_loads(text, 0, NULL);
    assert_non_null(root);
    claims_t c;
    if (claims_evaluate_opts(&c, root, "inline.json", &rep, point_only, err, sizeof err) != 0)
        fail_msg("%s", err);
    claim_status_t st = c.items[0].status;
    if (ours)
        *ours = strdup(c.items[0].ours);
    assert_int_equal(c.holds + c.fails + c.inconclusive + c.not_measured, 1);
    claims_free(&c);
    json_decref(root);
    return st;
}

static void a_claim_whose_interval_straddles_is_inconclusive(void **state) {
    (void)state;
    const report_ratio_t *r = report_find_ratio(&rep, "pagination");
    assert_non_null(r);
    assert_true(r->ci.lo < r->ratio && r->ratio < r->ci.hi); /* the fixture's has width */
    /* a threshold between the interval's low end and the point estimate:
     * the point estimate alone would let it hold */
    double t = (r->ci.lo + r->ratio) / 2;
    assert_int_equal(verdict(">=", t, true, NULL), CLAIM_HOLDS);
    char *ours = NULL;
    assert_int_equal(verdict(">=", t, false, &ours), CLAIM_INCONCLUSIVE);
    /* ours states the interval, its coverage and the runs on each side */
    assert_non_null(strstr(ours, " %, "));
    assert_non_null(strstr(ours, "runs)"));
    free(ours);
    /* the whole interval on the claimed side: holds; on the other: fails */
    assert_int_equal(verdict(">=", r->ci.lo * 0.99, false, NULL), CLAIM_HOLDS);
    assert_int_equal(verdict(">=", r->ci.hi * 1.01, false, NULL), CLAIM_FAILS);
    assert_int_equal(verdict("<", r->ci.hi * 1.01, false, NULL), CLAIM_HOLDS);
    assert_int_equal(verdict("<", r->ci.lo * 0.99, false, NULL), CLAIM_FAILS);
    assert_int_equal(verdict("<", r->ratio, false, NULL), CLAIM_INCONCLUSIVE);
    /* == holds only on a point interval at the threshold; here the interval
     * covers the estimate (inconclusive) or misses the threshold (fails) */
    assert_int_equal(verdict("==", r->ratio, false, NULL), CLAIM_INCONCLUSIVE);
    assert_int_equal(verdict("==", r->ci.hi * 2, false, NULL), CLAIM_FAILS);
}

static void bad_rules_are_errors(void **state) {
    (void)state;
    claims_t c;
    char err[1024];
    assert_int_equal(eval("{\"claims\": [{\"id\": \"x\", \"claim\": \"x\", \"their\": \"-\","
                          " \"rules\": [{\"comparison\": \"no-such\", \"op\": \">\","
                          " \"threshold\": 1}]}]}",
                          &c, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "no-such"));
    assert_non_null(strstr(err, "claims[0].rules[0]"));
    assert_int_equal(eval("{\"claims\": [{\"id\": \"x\", \"claim\": \"x\", \"their\": \"-\","
                          " \"rules\": [{\"comparison\": \"pagination\", \"op\": \"~\","
                          " \"threshold\": 1}]}]}",
                          &c, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "op"));
    assert_int_equal(eval("{\"claims\": [{\"id\": \"x\", \"claim\": \"x\", \"rules\": []}]}", &c,
                          err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "claims[0]"));
    assert_int_equal(eval("{\"nope\": 1}", &c, err, sizeof err), -1);
}

/* --metric cpu: a throughput rule is judged on the CPU twin of its ratio (the
 * server box's CPU us per request, den over num) and says "(cpu)"; a latency
 * rule keeps its own metric. */
static void cpu_metric_judges_throughput_rules(void **state) {
    (void)state;
    json_t *root =
        json_loads("{\"claims\": ["
                   "{\"id\": \"t\", \"claim\": \"t\", \"their\": \"-\", \"rules\": "
                   "[{\"comparison\": \"basic-json\", \"op\": \">\", \"threshold\": 0}]},"
                   "{\"id\": \"l\", \"claim\": \"l\", \"their\": \"-\", \"rules\": "
                   "[{\"comparison\": \"pagination\", \"op\": \">\", \"threshold\": 0}]}]}",
                   0, NULL);
    assert_non_null(root);
    claims_t rps, cpu;
    char err[1024];
    assert_int_equal(claims_evaluate_metric(&rps, root, "inline.json", &rep, false,
                                            CLAIMS_METRIC_RPS, err, sizeof err),
                     0);
    assert_int_equal(claims_evaluate_metric(&cpu, root, "inline.json", &rep, false,
                                            CLAIMS_METRIC_CPU, err, sizeof err),
                     0);
    assert_null(strstr(rps.items[0].ours, "(cpu)"));
    assert_non_null(strstr(cpu.items[0].ours, "(cpu)"));
    assert_int_equal(cpu.items[0].status, CLAIM_HOLDS); /* the fixture has box statistics */
    assert_string_not_equal(cpu.items[0].ours, rps.items[0].ours);
    assert_string_equal(cpu.items[1].ours, rps.items[1].ours); /* p95: not a throughput rule */
    claims_free(&rps);
    claims_free(&cpu);
    json_decref(root);
    claims_metric_t m;
    assert_int_equal(claims_metric_parse("cpu", &m), 0);
    assert_int_equal(m, CLAIMS_METRIC_CPU);
    assert_int_not_equal(claims_metric_parse("watts", &m), 0);
}

/* One claim on basic-json judged by --metric cpu with the given op and threshold. */
static claim_status_t cpu_verdict(const char *op, double t, char **ours) {
    char text[512], err[1024];
    snprintf(text, sizeof text,
             "{\"claims\": [{\"id\": \"c\", \"claim\": \"c\", \"their\": \"-\", "
             "\"rules\": [{\"comparison\": \"basic-json\", \"op\": \"%s\", "
             "\"threshold\": %.17g}]}]}",
             op, t);
    json_t *root = json_loads(text, 0, NULL);
    assert_non_null(root);
    claims_t c;
    if (claims_evaluate_metric(&c, root, "inline.json", &rep, false, CLAIMS_METRIC_CPU, err,
                               sizeof err) != 0)
        fail_msg("%s", err);
    claim_status_t st = c.items[0].status;
    if (ours)
        *ours = strdup(c.items[0].ours);
    claims_free(&c);
    json_decref(root);
    return st;
}

/* A CPU-judged rule is three-valued on the interval of its CPU ratio, like any
 * rule: holds/fails only when that whole interval is on one side. */
static void cpu_metric_verdicts_are_three_valued(void **state) {
    (void)state;
    const report_ratio_t *r = report_find_ratio(&rep, "basic-json");
    assert_non_null(r);
    report_ratio_t twin;
    assert_true(report_demand_ratio(&rep, r, &twin));
    assert_true(twin.ci.lo < twin.ratio && twin.ratio < twin.ci.hi);
    assert_non_null(twin.ci.method); /* the exact or bootstrap interval, named */
    char *ours = NULL;
    assert_int_equal(cpu_verdict(">=", (twin.ci.lo + twin.ratio) / 2, &ours), CLAIM_INCONCLUSIVE);
    assert_non_null(strstr(ours, "(cpu)"));
    assert_non_null(strstr(ours, " %, ")); /* its coverage and runs */
    free(ours);
    assert_int_equal(cpu_verdict(">=", twin.ci.lo * 0.99, NULL), CLAIM_HOLDS);
    assert_int_equal(cpu_verdict(">=", twin.ci.hi * 1.01, NULL), CLAIM_FAILS);
}

static void the_papers_claims_evaluate(void **state) {
    (void)state;
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/paper/claims.json", root);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    assert_non_null(j);
    claims_t c;
    if (claims_evaluate(&c, j, path, &rep, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* every claim of the contract is there and measurable on the fixture */
    assert_true(c.n >= 11);
    assert_int_equal(c.not_measured, 0);
    assert_int_equal(c.holds + c.fails + c.inconclusive, c.n);
    claims_free(&c);
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holds_fails_and_not_measured),
        cmocka_unit_test(not_measured_when_scenario_absent),
        cmocka_unit_test(a_claim_whose_interval_straddles_is_inconclusive),
        cmocka_unit_test(bad_rules_are_errors),
        cmocka_unit_test(cpu_metric_judges_throughput_rules),
        cmocka_unit_test(cpu_metric_verdicts_are_three_valued),
        cmocka_unit_test(the_papers_claims_evaluate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
