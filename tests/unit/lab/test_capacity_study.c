/* Capacity units in the report (report/capacity_study.h) on the fixture's
 * searches (tests/fixtures/results-small, make-results-small.py CAPACITY):
 * grouping by scenario and configuration, the median over runs and the run
 * drawn, that results_load leaves the files out of the cells, and a results
 * set without any. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/report/capacity_study.h"
#include "lab/results/results.h"

static char fixture[4096];

static const cap_group_t *group(const cap_study_t *cs, const char *scenario, const char *config) {
    for (size_t i = 0; i < cs->n; i++)
        if (!strcmp(cs->g[i].scenario, scenario) && !strcmp(cs->g[i].config, config))
            return &cs->g[i];
    fail_msg("no group %s %s", scenario, config);
    return NULL;
}

static void groups_of_the_fixture(void **state) {
    (void)state;
    cap_study_t cs;
    char err[512];
    assert_true(report_has_capacity_runs(fixture));
    assert_int_equal(cap_study_load(&cs, fixture, 0.95, 3, err, sizeof err), 0);
    assert_int_equal(cs.n, 6); /* 2 scenarios x 3 implementations */
    /* sorted by scenario, then config */
    assert_string_equal(cs.g[0].scenario, "basic/01-lightweight");
    assert_string_equal(cs.g[0].config, "c-ulfius-epoll-slo10ms");
    const cap_group_t *c = group(&cs, "basic/01-lightweight", "c-ulfius-epoll-slo10ms");
    assert_string_equal(c->implementation, "c-ulfius");
    assert_int_equal(c->n, 3);
    assert_int_equal(c->bounded, 3);
    assert_true(c->objective_ms == 10);
    assert_true(c->s.median == 40000); /* runs: 38000, 40000, 40000 */
    assert_true(c->s.min == 38000 && c->s.max == 40000);
    /* the curve drawn is a run whose capacity is the median */
    assert_true(json_number_value(json_object_get(c->median_run, "capacity")) == 40000);
    const cap_group_t *f = group(&cs, "basic/03-db-read", "fastapi-slo10ms");
    assert_true(f->s.median == 1400); /* 1600, 1400, 1300 */
    assert_true(json_number_value(json_object_get(f->median_run, "capacity")) == 1400);
    cap_study_free(&cs);
}

static void not_cells_and_none_without(void **state) {
    (void)state;
    results_t r;
    char err[512];
    assert_int_equal(results_load(&r, fixture, err, sizeof err), 0);
    for (size_t i = 0; i < r.ncells; i++)
        assert_null(strstr(r.cells[i].config, "-slo"));
    results_free(&r);
    /* a results directory without capacity runs */
    char dir[] = "/tmp/benchlab-test-capstudy.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_false(report_has_capacity_runs(dir));
    cap_study_t cs;
    assert_int_equal(cap_study_load(&cs, dir, 0.95, 3, err, sizeof err), 0);
    assert_int_equal(cs.n, 0);
    cap_study_free(&cs);
    rmdir(dir);
}

int main(void) {
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    snprintf(fixture, sizeof fixture, "%s/tests/fixtures/results-small", root);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_of_the_fixture),
        cmocka_unit_test(not_cells_and_none_without),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
