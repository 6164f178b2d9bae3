/* Unit tests for histogram merging, the results loader and `benchlab report`
 * on the fixture results directory (tests/fixtures/results-small). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fs.h"
#include "lab/report/claims.h"
#include "lab/report/dbcost.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"
#include "lab/results/results.h"
#include "lab/results/hist.h"
#include "lab/results/metric.h"
#include "lab/results/stats.h"

static void near_(double a, double b, double eps, const char *file, int line) {
    if (!(fabs(a - b) <= eps) && !(a == b)) {
        print_error("%.15g != %.15g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}
#define assert_double_equal(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)

static char fixture[4096], config[4096], claims_path[4096], published[4096];

static int setup_paths(void **state) {
    (void)state;
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/results-small", root);
    snprintf(config, sizeof config, "%s/paper/comparisons.json", root);
    snprintf(claims_path, sizeof claims_path, "%s/paper/claims.json", root);
    snprintf(published, sizeof published, "%s/paper/published-study.json", root);
    return 0;
}

static json_t *hist_json(const char *text) {
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    assert_non_null(j);
    return j;
}

#define HIST(count, min, max, buckets)                                                             \
    "{\"unit\":\"us\",\"lowest\":1,\"highest\":60000000,\"significant_digits\":3,"                 \
    "\"count\":" #count ",\"min\":" #min ",\"max\":" #max ",\"sum\":100,\"buckets\":" buckets "}"

/* The default cell of a scenario: the preferred config, else one of the same
 * implementation, else any; never a peer's cell while ours exists. */
static void default_cell_prefers_the_same_implementation(void **state) {
    (void)state;
    results_cell_t cells[] = {
        {.scenario = "basic/01", .config = "c-ulfius-pool"},
        {.scenario = "basic/03", .config = "c-ulfius-epoll"},
        {.scenario = "basic/03", .config = "express"},
        {.scenario = "basic/05", .config = "c-ulfius-epoll-vu50"},
        {.scenario = "basic/05", .config = "c-ulfiusx"},
        {.scenario = "basic/07", .config = "express"},
        {.scenario = "basic/07", .config = "fastapi"},
    };
    /* sorted as the loader sorts; "basic/01" deliberately has no peer */
    results_t r = {.cells = cells, .ncells = sizeof cells / sizeof cells[0]};
    assert_ptr_equal(results_default_cell(&r, "basic/03", "c-ulfius-epoll"), &cells[1]);
    assert_ptr_equal(results_default_cell(&r, "basic/01", "c-ulfius-epoll"), &cells[0]);
    /* "c-ulfiusx" is another implementation's name, not a c-ulfius config */
    assert_ptr_equal(results_default_cell(&r, "basic/05", "c-ulfius-epoll"), &cells[3]);
    /* no c-ulfius cell at all: the first by name */
    assert_ptr_equal(results_default_cell(&r, "basic/07", "c-ulfius-epoll"), &cells[5]);
    assert_ptr_equal(results_default_cell(&r, "basic/07", NULL), &cells[5]);
    assert_null(results_default_cell(&r, "basic/99", "c-ulfius-epoll"));
}

/* A spec naming scenario S and group G reads the variant cell "S@G" (G measured
 * alone) when the results have one, else S's own cell (variants in one loop). */
static void metric_cell_prefers_the_variant_run(void **state) {
    (void)state;
    results_cell_t cells[] = {
        {.scenario = "db/11", .config = "c-ulfius-epoll"},
        {.scenario = "db/11@eager", .config = "c-ulfius-epoll"},
        {.scenario = "db/11@lazy", .config = "c-ulfius-epoll"},
        {.scenario = "db/11@lazy", .config = "fastapi"},
    };
    results_t r = {.cells = cells, .ncells = sizeof cells / sizeof cells[0]};
    metric_spec_t m = {.scenario = "db/11", .group = "lazy"};
    assert_ptr_equal(metric_cell(&m, &r, "c-ulfius-epoll"), &cells[2]);
    m.config = "fastapi";
    assert_ptr_equal(metric_cell(&m, &r, "c-ulfius-epoll"), &cells[3]);
    m.config = NULL;
    m.group = "subquery"; /* no variant run: the shared loop's cell */
    assert_ptr_equal(metric_cell(&m, &r, "c-ulfius-epoll"), &cells[0]);
    m.group = NULL;
    assert_ptr_equal(metric_cell(&m, &r, "c-ulfius-epoll"), &cells[0]);
    m.scenario = "db/12";
    m.group = "lazy";
    assert_null(metric_cell(&m, &r, "c-ulfius-epoll"));
}

/* The database's cost per request: medians over the valid runs that recorded
 * "db" (calls, exec_ms, rows over the run's requests); none recorded: NaN. */
static void dbcost_is_per_request_median(void **state) {
    (void)state;
    const char *text[] = {
        "{\"db\":{\"calls\":2100,\"exec_ms\":50,\"rows\":4000},"
        "\"summary\":{\"metrics\":{\"http_reqs\":{\"count\":100}}}}",
        "{\"db\":{\"calls\":4200,\"exec_ms\":300,\"rows\":8000},"
        "\"summary\":{\"metrics\":{\"http_reqs\":{\"count\":200}}}}",
        "{\"db\":{\"calls\":2300,\"exec_ms\":10,\"rows\":4400},"
        "\"summary\":{\"metrics\":{\"http_reqs\":{\"count\":100}}}}",
        "{\"summary\":{\"metrics\":{\"http_reqs\":{\"count\":100}}}}",
    };
    results_run_t runs[4];
    results_run_t *valid[4];
    for (int i = 0; i < 4; i++) {
        memset(&runs[i], 0, sizeof runs[i]);
        runs[i].root = json_loads(text[i], 0, NULL);
        assert_non_null(runs[i].root);
        runs[i].summary = json_object_get(runs[i].root, "summary");
        valid[i] = &runs[i];
    }
    results_cell_t c = {.scenario = "db/11@lazy", .config = "x", .valid = valid, .nvalid = 4};
    report_dbcost_t d = report_dbcost_of(&c);
    assert_int_equal(d.runs, 3);
    assert_double_equal(d.calls, 21, 1e-9); /* 21, 21, 23 */
    assert_double_equal(d.ms, 0.5, 1e-9);   /* 0.5, 1.5, 0.1 */
    assert_double_equal(d.rows, 40, 1e-9);  /* 40, 40, 44 */
    c.valid = valid + 3;
    c.nvalid = 1;
    d = report_dbcost_of(&c);
    assert_int_equal(d.runs, 0);
    assert_true(isnan(d.calls));
    for (int i = 0; i < 4; i++)
        json_decref(runs[i].root);
}

static void hist_percentiles_by_rule(void **state) {
    (void)state;
    json_t *j = hist_json(HIST(10, 1, 3, "[[1,1,5],[2,2,3],[3,4,2]]"));
    results_hist_t h;
    char err[256];
    assert_int_equal(results_hist_from_json(&h, j, err, sizeof err), 0);
    /* target = ceil(p/100 * 10): p50 -> 5 (bucket [1,1]), p80 -> 8 ([2,2]),
     * p90 -> 9 ([3,4], hi 4 capped at max 3) */
    assert_double_equal(results_hist_percentile_us(&h, 50), 1, 0);
    assert_double_equal(results_hist_percentile_us(&h, 50.1), 2, 0);
    assert_double_equal(results_hist_percentile_us(&h, 80), 2, 0);
    assert_double_equal(results_hist_percentile_us(&h, 90), 3, 0);
    results_hist_free(&h);
    json_decref(j);
}

static void hist_merge_adds_equal_buckets(void **state) {
    (void)state;
    json_t *a = hist_json(HIST(3, 1, 2, "[[1,1,1],[2,2,2]]"));
    json_t *b = hist_json(HIST(5, 2, 900, "[[2,2,1],[896,903,4]]"));
    results_hist_t ha, hb, m;
    char err[256];
    assert_int_equal(results_hist_from_json(&ha, a, err, sizeof err), 0);
    assert_int_equal(results_hist_from_json(&hb, b, err, sizeof err), 0);
    results_hist_init(&m);
    assert_int_equal(results_hist_merge(&m, &ha, err, sizeof err), 0);
    assert_int_equal(results_hist_merge(&m, &hb, err, sizeof err), 0);
    assert_int_equal(m.count, 8);
    assert_int_equal(m.nbuckets, 3);
    assert_int_equal(m.buckets[1].lo, 2);
    assert_int_equal(m.buckets[1].count, 3);
    assert_int_equal(m.min, 1);
    assert_int_equal(m.max, 900);
    /* p50 -> target 4: 1 + 3 reach it in bucket [2,2] */
    assert_double_equal(results_hist_percentile_us(&m, 50), 2, 0);
    assert_double_equal(results_hist_percentile_us(&m, 99), 900, 0);
    results_hist_free(&ha);
    results_hist_free(&hb);
    results_hist_free(&m);
    json_decref(a);
    json_decref(b);
}

static void hist_rejects_bad_input(void **state) {
    (void)state;
    results_hist_t h;
    char err[256];
    json_t *j = hist_json(HIST(9, 1, 3, "[[1,1,5],[2,2,3]]"));
    assert_int_equal(results_hist_from_json(&h, j, err, sizeof err), -1);
    assert_non_null(strstr(err, "count"));
    json_decref(j);
    j = hist_json(HIST(2, 1, 3, "[[2,2,1],[1,1,1]]"));
    assert_int_equal(results_hist_from_json(&h, j, err, sizeof err), -1);
    assert_non_null(strstr(err, "ascending"));
    json_decref(j);
    /* different resolutions do not merge */
    json_t *a = hist_json(HIST(1, 1, 1, "[[1,1,1]]"));
    json_t *b = hist_json("{\"unit\":\"us\",\"lowest\":1,\"highest\":60000000,"
                          "\"significant_digits\":2,\"count\":1,\"min\":1,\"max\":1,\"sum\":1,"
                          "\"buckets\":[[1,1,1]]}");
    results_hist_t ha, hb;
    assert_int_equal(results_hist_from_json(&ha, a, err, sizeof err), 0);
    assert_int_equal(results_hist_from_json(&hb, b, err, sizeof err), 0);
    assert_int_equal(results_hist_merge(&ha, &hb, err, sizeof err), -1);
    results_hist_free(&ha);
    results_hist_free(&hb);
    json_decref(a);
    json_decref(b);
}

static void loader_separates_invalid_and_warmup(void **state) {
    (void)state;
    results_t r;
    char err[1024];
    if (results_load(&r, fixture, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(r.nwarmup, 1);
    const results_cell_t *c = results_find_cell(&r, "basic/01-lightweight", "c-ulfius-epoll");
    assert_non_null(c);
    assert_int_equal(c->nvalid, 6);
    assert_int_equal(c->ninvalid, 1);
    assert_int_equal(c->invalid[0]->run, 7);
    for (size_t i = 1; i < c->nvalid; i++)
        assert_true(c->valid[i - 1]->run < c->valid[i]->run);
    size_t ng;
    const char **groups = results_cell_groups(
        results_find_cell(&r, "db-advanced/11-n-plus-one", "c-ulfius-epoll"), &ng);
    assert_int_equal(ng, 3);
    assert_string_equal(groups[0], "lazy"); /* in the scenario's order */
    assert_string_equal(groups[2], "subquery");
    free((void *)groups);
    assert_non_null(r.manifest);
    results_free(&r);
}

/* Makes dir (a mkdtemp template) a results directory holding one run file,
 * raw/x/y/c/run-01.json, with the given text. */
static void write_one_run(char *dir, const char *text) {
    assert_non_null(mkdtemp(dir));
    char path[4200];
    snprintf(path, sizeof path, "%s/raw/x/y/c", dir);
    assert_int_equal(fs_mkdirs(path, 0755), 0);
    snprintf(path, sizeof path, "%s/raw/x/y/c/run-01.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void loader_names_the_bad_file(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-test-report.XXXXXX";
    write_one_run(dir, "{\"scenario\": \"x/y\", \"config\": \"c\", \"run\": 1, "
                       "\"valid\": \"yes\", \"summary\": {}}");
    results_t r;
    char err[1024];
    assert_int_equal(results_load(&r, dir, err, sizeof err), -1);
    assert_non_null(strstr(err, "run-01.json"));
    assert_non_null(strstr(err, "valid"));
    results_free(&r);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void invalid_run_without_summary_is_listed(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-test-report.XXXXXX";
    write_one_run(dir, "{\"scenario\": \"x/y\", \"config\": \"c\", \"run\": 1, \"valid\": false, "
                       "\"invalid_reasons\": [\"server died\"], \"summary\": null, "
                       "\"teardown\": null}");
    results_t r;
    char err[1024];
    if (results_load(&r, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    const results_cell_t *c = results_find_cell(&r, "x/y", "c");
    assert_non_null(c);
    assert_int_equal(c->nvalid, 0);
    assert_int_equal(c->ninvalid, 1);
    results_free(&r);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void latex_numbers_and_escapes(void **state) {
    (void)state;
    char b[64];
    assert_string_equal(latex_sig3(12345.6, b, sizeof b), "12346");
    assert_string_equal(latex_sig3(123.4, b, sizeof b), "123");
    assert_string_equal(latex_sig3(12.34, b, sizeof b), "12.3");
    assert_string_equal(latex_sig3(1.234, b, sizeof b), "1.23");
    assert_string_equal(latex_sig3(0.01234, b, sizeof b), "0.0123");
    assert_string_equal(latex_sig3(-2.5, b, sizeof b), "-2.50");
    assert_string_equal(latex_sig3(1e-12, b, sizeof b), "0");
    assert_string_equal(latex_sig3(NAN, b, sizeof b), "--");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    latex_escape(f, "a_b%c&d#e{f}~^\\<>");
    fclose(f);
    assert_string_equal(text, "a\\_b\\%c\\&d\\#e\\{f\\}\\textasciitilde{}\\textasciicircum{}"
                              "\\textbackslash{}\\textless{}\\textgreater{}");
    free(text);
}

/* Loads the fixture and computes the report with the paper's config. */
static void load_report(results_t *r, report_t *rep) {
    char err[1024];
    if (results_load(r, fixture, err, sizeof err) != 0)
        fail_msg("%s", err);
    report_config_t cfg;
    if (report_config_load(&cfg, config, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (report_compute(rep, r, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    json_error_t je;
    rep->published = json_load_file(published, 0, &je);
    assert_non_null(rep->published);
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void statistics_use_valid_runs_only(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load_report(&r, &rep);
    const report_cell_t *c = report_find_cell(&rep, "basic/01-lightweight", "c-ulfius-epoll");
    assert_non_null(c);
    /* recompute the median of metrics.http_reqs.rate straight from the six valid files */
    double rates[6];
    size_t n = 0;
    double reqs = 0, secs = 0;
    for (int run = 1; run <= 6; run++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/raw/basic/01-lightweight/c-ulfius-epoll/run-%02d.json",
                 fixture, run);
        json_error_t je;
        json_t *j = json_load_file(path, 0, &je);
        assert_non_null(j);
        rates[n++] = results_json_number(j, "summary.metrics.http_reqs.rate");
        reqs += results_json_number(j, "summary.metrics.http_reqs.count");
        secs += results_json_number(j, "summary.timing.duration_s");
        json_decref(j);
    }
    qsort(rates, 6, sizeof rates[0], cmp_d);
    assert_int_equal(c->rps.n, 6);
    assert_double_equal(c->rps.median, (rates[2] + rates[3]) / 2, 1e-9);
    assert_double_equal(c->rps.median_ci.lo, rates[0], 1e-9); /* n = 6: [x(1), x(6)] */
    assert_double_equal(c->rps.median_ci.hi, rates[5], 1e-9);
    assert_double_equal(c->throughput, reqs / secs, 1e-9);
    /* the invalid run has ten times the throughput: it must not be in the max */
    assert_true(c->rps.max < 1.5 * c->rps.median);
    /* merged percentiles are ordered */
    for (int k = 1; k < REPORT_NPCT; k++)
        assert_true(c->pct_ms[k] >= c->pct_ms[k - 1]);
    report_free(&rep);
    results_free(&r);
}

static void comparisons_and_values(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load_report(&r, &rep);
    const report_ratio_t *p = report_find_ratio(&rep, "pagination");
    assert_non_null(p);
    assert_int_equal(p->nnum, 6);
    assert_true(p->ratio > 1 && p->ci.lo <= p->ratio && p->ratio <= p->ci.hi);
    /* every server-config configuration gets a ratio against the baseline */
    size_t sc = 0, over = 0;
    for (size_t i = 0; i < rep.nratios; i++) {
        sc += strncmp(rep.ratios[i].id, "sc/", 3) == 0;
        over += strncmp(rep.ratios[i].id, "over/", 5) == 0;
    }
    /* C: 3 workloads x (w2, w4) x 3 CPU limits; each peer against its own
     * single process: 3 workloads x (w2, w4) at 1 CPU */
    assert_int_equal(sc, 3 * 2 * 3 + 2 * 3 * 2);
    assert_non_null(report_find_ratio(&rep, "sc/cpu-fibonacci/fastapi-w4-cpu1-vu50"));
    /* fibonacci with workers > ceil(cpus): C w2@0.25, w4@0.25, w2@1, w4@1,
     * w4@2; each peer w2@1, w4@1 */
    assert_int_equal(over, 5 + 2 * 2);
    const report_value_t *v = report_find_value(&rep, "tx-lost-pessimistic");
    assert_non_null(v);
    assert_int_equal(v->s.n, 6);
    assert_double_equal(v->s.median, 0, 0);
    report_free(&rep);
    results_free(&r);
}

static int exists(const char *dir, const char *name) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

static void writes_every_table_and_figure(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load_report(&r, &rep);
    char dir[] = "/tmp/benchlab-test-report.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char tables[4200], data[4200], macros[4200], err[1024];
    snprintf(tables, sizeof tables, "%s/tables", dir);
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(macros, sizeof macros, "%s/macros.tex", dir);
    json_error_t je;
    json_t *croot = json_load_file(claims_path, 0, &je);
    assert_non_null(croot);
    claims_t cl;
    assert_int_equal(claims_evaluate(&cl, croot, claims_path, &rep, err, sizeof err), 0);
    assert_int_equal(report_write_tables(&rep, &cl, tables, err, sizeof err), 0);
    assert_int_equal(report_write_data(&rep, data, err, sizeof err), 0);
    assert_int_equal(report_write_macros(&rep, &cl, NULL, macros, err, sizeof err), 0);
    assert_int_equal(report_write_summaries(&rep, &cl, dir, err, sizeof err), 0);
    static const char *tabs[] = {"summary.tex",
                                 "invalid.tex",
                                 "basic.tex",
                                 "server-config.tex",
                                 "host.tex",
                                 "claims.tex",
                                 "artifact.tex",
                                 "comparisons.tex",
                                 "comparisons-server-config.tex",
                                 "groups-basic.tex",
                                 "groups-db-advanced.tex",
                                 "groups-caching.tex",
                                 "groups-auth.tex",
                                 "groups-real-world.tex"};
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
        if (!exists(tables, tabs[i]))
            fail_msg("missing table %s", tabs[i]);
    /* every figure of paper/comparisons.json has data (no .nodata marker) */
    static const char *figs[] = {
        "basic-rps", "latency-percentiles", "open-closed", "pagination", "nplusone",
        "bulk",      "transactions",        "caching",     "auth",       "aggregation",
        "columns",   "server-config",       "timeseries"};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s.dat", figs[i]);
        if (!exists(data, name))
            fail_msg("missing figure data %s", name);
        snprintf(name, sizeof name, "%s.nodata", figs[i]);
        if (exists(data, name))
            fail_msg("figure %s says it has no data", figs[i]);
    }
    /* the server-config panels: one file per workload and their list */
    assert_true(exists(data, "server-config.list") &&
                exists(data, "server-config-cpu-fibonacci.dat") &&
                exists(data, "server-config-io-sleep.dat"));
    assert_true(exists(dir, "macros.tex") && exists(dir, "summary.csv") &&
                exists(dir, "summary.md") && exists(dir, "comparisons.csv"));
    /* the invalid run is listed with its reason */
    char path[4300], buf[8192] = {0};
    snprintf(path, sizeof path, "%s/invalid.tex", tables);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_true(got > 0);
    assert_non_null(strstr(buf, "driver saturated"));
    /* a macro the paper quotes */
    snprintf(path, sizeof path, "%s", macros);
    f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (getline(&line, &cap, f) > 0)
        found |= strstr(line, "\\blset{cmp/pagination}{\\num{") == line;
    free(line);
    fclose(f);
    assert_true(found);
    claims_free(&cl);
    json_decref(croot);
    report_free(&rep);
    results_free(&r);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void bootstrap_in_report_is_reproducible(void **state) {
    (void)state;
    results_t r1, r2;
    report_t a, b;
    load_report(&r1, &a);
    load_report(&r2, &b);
    assert_int_equal(a.nratios, b.nratios);
    for (size_t i = 0; i < a.nratios; i++) {
        assert_string_equal(a.ratios[i].id, b.ratios[i].id);
        assert_memory_equal(&a.ratios[i].ci, &b.ratios[i].ci, sizeof a.ratios[i].ci);
    }
    report_free(&a);
    report_free(&b);
    results_free(&r1);
    results_free(&r2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latex_numbers_and_escapes),
        cmocka_unit_test(default_cell_prefers_the_same_implementation),
        cmocka_unit_test(metric_cell_prefers_the_variant_run),
        cmocka_unit_test(dbcost_is_per_request_median),
        cmocka_unit_test(hist_percentiles_by_rule),
        cmocka_unit_test(hist_merge_adds_equal_buckets),
        cmocka_unit_test(hist_rejects_bad_input),
        cmocka_unit_test(loader_separates_invalid_and_warmup),
        cmocka_unit_test(loader_names_the_bad_file),
        cmocka_unit_test(invalid_run_without_summary_is_listed),
        cmocka_unit_test(statistics_use_valid_runs_only),
        cmocka_unit_test(comparisons_and_values),
        cmocka_unit_test(writes_every_table_and_figure),
        cmocka_unit_test(bootstrap_in_report_is_reproducible),
    };
    return cmocka_run_group_tests(tests, setup_paths, NULL);
}
