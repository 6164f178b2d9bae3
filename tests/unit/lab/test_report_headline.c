/* The headline comparison of `benchlab report` on the fixture
 * (tests/fixtures/results-small): c-ulfius vs FastAPI vs Express per scenario
 * (and FastAPI-S, Django and Rails in the few scenarios the fixture has them),
 * the ranking, and its agreement with the study's published order. The
 * fixture's generator documents the expected order (make-results-small.py,
 * PEERS); the medians are recomputed here from the run files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab/report/report.h"
#include "lab/results/results.h"
#include "lab/results/stats.h"

static char fixture[4096], config[4096], published[4096];

static int setup_paths(void **state) {
    (void)state;
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/results-small", root);
    snprintf(config, sizeof config, "%s/paper/comparisons.json", root);
    snprintf(published, sizeof published, "%s/paper/published-study.json", root);
    return 0;
}

/* Loads the fixture; `edit` may change the config before the report is computed. */
static void load(results_t *r, report_t *rep, void (*edit)(json_t *root)) {
    char err[1024];
    if (results_load(r, fixture, err, sizeof err) != 0)
        fail_msg("%s", err);
    report_config_t cfg;
    if (report_config_load(&cfg, config, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (edit)
        edit(cfg.root);
    if (report_compute(rep, r, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    json_error_t je;
    rep->published = json_load_file(published, 0, &je);
    assert_non_null(rep->published);
}

static const report_hl_row_t *row(const report_headline_t *hl, const char *id) {
    for (size_t i = 0; i < hl->nrows; i++)
        if (!strcmp(hl->rows[i].id, id))
            return &hl->rows[i];
    fail_msg("no headline row %s", id);
    return NULL;
}

static int impl(const report_headline_t *hl, const char *id) {
    for (size_t i = 0; i < hl->nimpls; i++)
        if (!strcmp(hl->impls[i].id, id))
            return (int)i;
    fail_msg("no implementation %s", id);
    return -1;
}

/* Median of summary.metrics.http_reqs.rate over run-01..run-NN of a cell. */
static double median_from_files(const char *scenario, const char *config_name, int runs) {
    double v[16];
    for (int k = 0; k < runs; k++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/raw/%s/%s/run-%02d.json", fixture, scenario, config_name,
                 k + 1);
        json_error_t je;
        json_t *j = json_load_file(path, 0, &je);
        if (!j)
            fail_msg("%s: %s", path, je.text);
        v[k] = results_json_number(j, "summary.metrics.http_reqs.rate");
        json_decref(j);
    }
    return stats_median(v, (size_t)runs);
}

static void ranking_on_the_fixture(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load(&r, &rep, NULL);
    report_headline_t hl;
    char err[512];
    assert_int_equal(report_headline_compute(&rep, &hl, err, sizeof err), 0);
    assert_int_equal(hl.nimpls, 6);
    assert_int_equal(hl.nrows, 11);
    int c = impl(&hl, "c-ulfius"), fa = impl(&hl, "fastapi"), ex = impl(&hl, "express");
    int rails = impl(&hl, "rails"), django = impl(&hl, "django");

    /* 03: FastAPI leads here, the study has Express ahead: disagreement */
    const report_hl_row_t *r03 = row(&hl, "basic-03");
    double m_fa = median_from_files("basic/03-db-read", "fastapi", 5);
    double m_ex = median_from_files("basic/03-db-read", "express", 5);
    double m_c = median_from_files("basic/03-db-read", "c-ulfius-epoll", 6);
    assert_true(m_fa > m_ex && m_ex > m_c);
    assert_true(r03->cells[fa] && r03->cells[ex] && r03->cells[c]);
    assert_true(r03->cells[fa]->rps.median == m_fa && r03->cells[ex]->rps.median == m_ex);
    /* the fixture's Rails and FastAPI-S lead on 03; Django has no 03 run */
    assert_string_equal(r03->ours, "Rails > FastAPI-S > FastAPI > Express > c-ulfius");
    assert_int_equal(r03->pos[rails], 1);
    assert_int_equal(r03->pos[fa], 3);
    assert_int_equal(r03->pos[c], 5);
    assert_null(r03->cells[django]);
    assert_int_equal(r03->pos[django], 0);
    assert_string_equal(r03->study, "Express > FastAPI");
    assert_int_equal(r03->agree, HL_DISAGREE);

    /* 05: the study has FastAPI (both variants, 94 and 93) ahead of Express (92) */
    const report_hl_row_t *r05 = row(&hl, "basic-05");
    assert_string_equal(r05->study, "FastAPI > Express");
    assert_true(median_from_files("basic/05-external", "express", 5) >
                median_from_files("basic/05-external", "fastapi", 5));
    assert_int_equal(r05->agree, HL_DISAGREE);

    const report_hl_row_t *r01 = row(&hl, "basic-01");
    assert_string_equal(r01->ours, "c-ulfius > Express > FastAPI > Django");
    assert_int_equal(r01->agree, HL_AGREE);
    assert_true(r01->sure); /* the fixture's medians are far apart */

    /* the auth rows are not in the study's table */
    assert_int_equal(row(&hl, "auth-17a")->agree, HL_NOT_PUBLISHED);
    assert_string_equal(row(&hl, "auth-17a")->study, "not published");

    /* 8 basic rows compared: all but 03 and 05 agree */
    assert_int_equal(hl.compared, 8);
    assert_int_equal(hl.agree, 6);
    assert_int_equal(hl.disagree, 2);
    assert_int_equal(hl.first[c], 9);
    assert_int_equal(hl.first[rails], 2); /* 03 and 08 */
    assert_int_equal(hl.first[fa], 0);
    assert_int_equal(hl.first[ex], 0);

    /* the ratios: hl/<row>/<num>-<den>, median over median */
    const report_ratio_t *x = report_find_ratio(&rep, "hl/basic-03/express-fastapi");
    assert_non_null(x);
    assert_true(fabs(x->ratio - m_ex / m_fa) < 1e-12);
    assert_true(x->ci.lo <= x->ratio && x->ratio <= x->ci.hi);
    assert_non_null(report_find_ratio(&rep, "hl/auth-17c/c-ulfius-fastapi"));
    report_headline_free(&hl);
    report_free(&rep);
    results_free(&r);
}

/* FastAPI standing for both of the study's FastAPI configurations (as before
 * the lab had fastapi-strict). */
static void fastapi_is_both(json_t *root) {
    json_t *im = json_array_get(results_json_path(root, "headline.implementations"), 1);
    assert_string_equal(json_string_value(json_object_get(im, "id")), "fastapi");
    json_object_set_new(im, "published", json_pack("[ss]", "FastAPI-P", "FastAPI-S"));
}

/* Express between FastAPI-P and FastAPI-S in the published row: the study's
 * order is split, and the row is not counted. */
static void split_study_order(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load(&r, &rep, fastapi_is_both);
    json_t *rows = json_object_get(rep.published, "rows");
    json_t *rps = json_object_get(json_array_get(rows, 0), "rps"); /* row 01 */
    json_array_set_new(rps, 1, json_integer(30000));               /* FastAPI-P above Express */
    report_headline_t hl;
    char err[512];
    assert_int_equal(report_headline_compute(&rep, &hl, err, sizeof err), 0);
    const report_hl_row_t *r01 = row(&hl, "basic-01");
    assert_int_equal(r01->agree, HL_SPLIT);
    assert_string_equal(r01->study, "split: FastAPI-P > Express > FastAPI-S");
    assert_int_equal(hl.compared, 7);
    assert_int_equal(hl.agree, 5);
    report_headline_free(&hl);
    report_free(&rep);
    results_free(&r);
}

static void express_renamed(json_t *root) {
    json_t *im = json_array_get(results_json_path(root, "headline.implementations"), 3);
    assert_string_equal(json_string_value(json_object_get(im, "id")), "express");
    json_object_set_new(im, "config", json_string("express-never-run"));
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    static char buf[4 << 20]; /* macros.tex of the fixture is a few hundred kB */
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void tables_and_macros(void **state) {
    (void)state;
    results_t r;
    report_t rep;
    load(&r, &rep, NULL);
    char dir[] = "/tmp/benchlab-test-headline.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char err[1024], path[4200];
    assert_int_equal(report_write_tables(&rep, NULL, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/headline.tex", dir);
    const char *t = slurp(path);
    static const char *want[] = {"c-ulfius",   "FastAPI", "Express", "FastAPI-P",
                                 "FastAPI-S",  "Rails",   "Django",  "Published, other machine",
                                 "17c session"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(t, want[i]))
            fail_msg("headline.tex lacks \"%s\"", want[i]);
    /* 6 implementations x 11 rows; the fixture has FastAPI-S, Django and Rails
     * in two rows each: 27 cells not measured, each column shown */
    size_t nm = 0;
    for (const char *p = t; (p = strstr(p, "not measured")); p++)
        nm++;
    assert_int_equal(nm, 27);
    assert_null(strstr(t, "in this results set:"));
    snprintf(path, sizeof path, "%s/headline-ratios.tex", dir);
    t = slurp(path);
    assert_non_null(strstr(t, "FastAPI \\textgreater{} Express \\textgreater{} c-ulfius"));
    /* the general comparisons table leaves the headline ratios to their own */
    snprintf(path, sizeof path, "%s/comparisons.tex", dir);
    assert_null(strstr(slurp(path), "over FastAPI"));
    snprintf(path, sizeof path, "%s/macros.tex", dir);
    assert_int_equal(report_write_macros(&rep, NULL, NULL, path, err, sizeof err), 0);
    t = slurp(path);
    assert_non_null(strstr(t, "\\blset{rank-agree-basic-03}{no}\n"));
    assert_non_null(strstr(t, "\\blset{rank-agree-basic-01}{yes}\n"));
    assert_non_null(strstr(t, "\\blset{rank-ours-basic-03}{Rails \\textgreater{} FastAPI-S "
                              "\\textgreater{} FastAPI \\textgreater{} Express "
                              "\\textgreater{} c-ulfius}\n"));
    assert_non_null(strstr(t, "\\blset{rank-agree-count}{\\num{6}}\n"));
    assert_non_null(strstr(t, "\\blset{rank-compared}{\\num{8}}\n"));
    assert_non_null(strstr(t, "\\blset{rank-disagree-list}{03 db read, 05 external}\n"));
    assert_non_null(strstr(t, "\\blset{rank-first-c-ulfius}{\\num{9}}\n"));
    assert_non_null(strstr(t, "\\blset{rank-first-rails}{\\num{2}}\n"));
    assert_non_null(strstr(t, "\\blset{cmp/hl/basic-01/c-ulfius-express}{\\num{"));
    report_free(&rep);
    results_free(&r);

    /* an implementation without runs prints as not measured and is not ranked */
    load(&r, &rep, express_renamed);
    assert_int_equal(report_write_tables(&rep, NULL, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/headline.tex", dir);
    /* its column is left out and it is named below the table */
    assert_non_null(strstr(slurp(path), "\\textit{not measured} in this results set: Express}"));
    report_headline_t hl;
    assert_int_equal(report_headline_compute(&rep, &hl, err, sizeof err), 0);
    assert_int_equal(row(&hl, "basic-01")->agree, HL_NOT_MEASURED);
    assert_string_equal(row(&hl, "basic-01")->ours, "c-ulfius > FastAPI > Django");
    assert_int_equal(hl.compared, 0);
    report_headline_free(&hl);
    report_free(&rep);
    results_free(&r);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void bad_headline_is_named(void **state) {
    (void)state;
    results_t r;
    char err[1024];
    if (results_load(&r, fixture, err, sizeof err) != 0)
        fail_msg("%s", err);
    static const char *bad[][2] = {
        {"{\"headline\": {\"implementations\": [{\"id\": \"a\"}]}}", "implementations[0]"},
        {"{\"headline\": {\"implementations\": [{\"id\": \"a\", \"config\": \"x\"}],"
         " \"rank_pair\": {\"a\": \"a\", \"b\": \"zz\"}}}",
         "headline.rank_pair"},
        {"{\"headline\": {\"implementations\": [{\"id\": \"a\", \"config\": \"x\"}],"
         " \"ratios\": [{\"num\": \"a\", \"den\": \"b\"}]}}",
         "headline.ratios[0]"},
        {"{\"headline\": {\"implementations\": [{\"id\": \"a\", \"config\": \"x\"},"
         " {\"id\": \"a\", \"config\": \"y\"}]}}",
         "duplicate id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[] = "/tmp/benchlab-test-hlcfg.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fputs(bad[i][0], f);
        fclose(f);
        report_config_t cfg;
        assert_int_equal(report_config_load(&cfg, path, err, sizeof err), 0);
        report_t rep;
        err[0] = '\0';
        assert_int_equal(report_compute(&rep, &r, &cfg, err, sizeof err), -1);
        if (!strstr(err, bad[i][1]) || !strstr(err, path))
            fail_msg("case %zu: \"%s\" does not name %s", i, err, bad[i][1]);
        report_free(&rep);
        unlink(path);
    }
    results_free(&r);
}

/* Copies the fixture's runs of one server-config cell into dir as another
 * implementation's configuration. */
static void copy_cell(const char *dir, const char *from_config, const char *to_config,
                      const char *implementation) {
    for (int run = 1; run <= 3; run++) {
        char src[8192], dst[8192], cmd[8400];
        snprintf(src, sizeof src, "%s/raw/server-config/io-sleep/%s/run-%02d.json", fixture,
                 from_config, run);
        json_error_t je;
        json_t *j = json_load_file(src, 0, &je);
        if (!j)
            fail_msg("%s: %s", src, je.text);
        json_object_set_new(j, "config", json_string(to_config));
        json_object_set_new(j, "implementation", json_string(implementation));
        snprintf(dst, sizeof dst, "%s/raw/server-config/io-sleep/%s", dir, to_config);
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dst);
        assert_int_equal(system(cmd), 0);
        snprintf(dst + strlen(dst), sizeof dst - strlen(dst), "/run-%02d.json", run);
        assert_int_equal(json_dump_file(j, dst, 0), 0);
        json_decref(j);
    }
}

/* A peer's server-config configurations are compared with the peer's own
 * baseline, never with the C server's (both name their threading "epoll"). */
static void server_config_baseline_per_implementation(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-test-scpeer.XXXXXX";
    assert_non_null(mkdtemp(dir));
    copy_cell(dir, "c-ulfius-epoll-cpu1-vu200", "c-ulfius-epoll-cpu1-vu200", "c-ulfius");
    copy_cell(dir, "c-ulfius-epoll-w2-cpu1-vu200", "c-ulfius-epoll-w2-cpu1-vu200", "c-ulfius");
    copy_cell(dir, "c-ulfius-epoll-cpu1-vu200", "fastapi-epoll-cpu1-vu200", "fastapi");
    copy_cell(dir, "c-ulfius-epoll-w2-cpu1-vu200", "fastapi-epoll-w2-cpu1-vu200", "fastapi");
    results_t r;
    report_t rep;
    char err[1024];
    if (results_load(&r, dir, err, sizeof err) != 0)
        fail_msg("%s", err);
    report_config_t cfg;
    if (report_config_load(&cfg, config, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (report_compute(&rep, &r, &cfg, err, sizeof err) != 0)
        fail_msg("%s", err);
    const report_ratio_t *c = report_find_ratio(&rep, "sc/io-sleep/c-ulfius-epoll-w2-cpu1-vu200");
    const report_ratio_t *p = report_find_ratio(&rep, "sc/io-sleep/fastapi-epoll-w2-cpu1-vu200");
    assert_non_null(c);
    assert_non_null(p);
    assert_string_equal(c->den.config, "c-ulfius-epoll-cpu1-vu200");
    assert_string_equal(p->den.config, "fastapi-epoll-cpu1-vu200");
    const report_cell_t *pc =
        report_find_cell(&rep, "server-config/io-sleep", "fastapi-epoll-cpu1-vu200");
    assert_non_null(pc);
    assert_string_equal(pc->implementation, "fastapi");
    report_free(&rep);
    results_free(&r);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranking_on_the_fixture),
        cmocka_unit_test(split_study_order),
        cmocka_unit_test(tables_and_macros),
        cmocka_unit_test(bad_headline_is_named),
        cmocka_unit_test(server_config_baseline_per_implementation),
    };
    return cmocka_run_group_tests(tests, setup_paths, NULL);
}
