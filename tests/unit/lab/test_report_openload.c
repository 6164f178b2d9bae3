/* Unit tests for src/lab/report/openload.c: latency against offered load for
 * the open model at shares of the closed-model capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/report/openload.h"
#include "lab/report/report.h"

static json_t *run_at(double load, double rate) {
    return json_pack("{s:{s:f,s:f,s:f}}", "params", "load_pct", load, "rate", rate, "capacity_rps",
                     1000.0);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void rows_are_sorted_and_the_figure_has_a_block_per_implementation(void **state) {
    (void)state;
    /* cells in the loader's order (config names sort -load100 before -load50) */
    results_run_t runs[4] = {{.valid = true}, {.valid = true}, {.valid = true}, {.valid = true}};
    runs[0].root = run_at(100, 1000);
    runs[1].root = run_at(50, 500);
    runs[2].root = run_at(120, 240);
    runs[3].root = json_pack("{s:{s:n}}", "params", "rate"); /* a closed run */
    results_run_t *v[4] = {&runs[0], &runs[1], &runs[2], &runs[3]};
    results_cell_t rc[4] = {{.scenario = "basic/01-lightweight",
                             .config = "c-ulfius-epoll-load100",
                             .valid = &v[0],
                             .nvalid = 1},
                            {.scenario = "basic/01-lightweight",
                             .config = "c-ulfius-epoll-load50",
                             .valid = &v[1],
                             .nvalid = 1},
                            {.scenario = "basic/01-lightweight",
                             .config = "fastapi-load120",
                             .valid = &v[2],
                             .nvalid = 1},
                            {.scenario = "basic/01-lightweight",
                             .config = "c-ulfius-epoll",
                             .valid = &v[3],
                             .nvalid = 1}};
    report_cell_t cells[4];
    memset(cells, 0, sizeof cells);
    const char *impl[4] = {"c-ulfius", "c-ulfius", "fastapi", "c-ulfius"};
    for (int i = 0; i < 4; i++) {
        cells[i].cell = &rc[i];
        cells[i].implementation = impl[i];
        cells[i].rps.median = 100.0 * (i + 1);
        for (int k = 0; k < REPORT_NPCT; k++)
            cells[i].pct_ms[k] = (i + 1) * (k + 1);
    }
    report_t rep = {.cells = cells, .ncells = 4};
    char dir[] = "/tmp/benchlab-openload-report.XXXXXX", path[200], err[256];
    assert_non_null(mkdtemp(dir));
    assert_int_equal(report_openload_dat(&rep, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/open-load.dat", dir);
    char *dat = slurp(path);
    /* c-ulfius at 50 then 100 %, then FastAPI's block; the closed cell is not a row */
    char *a = strstr(dat, "# 01-lightweight/c-ulfius\n 50 500 200 2 8 10\n 100 1000 100 1 4 5\n");
    assert_non_null(a);
    assert_non_null(strstr(a, "\n\n\n# 01-lightweight/fastapi\n 120 240 300 3 12 15\n"));
    snprintf(path, sizeof path, "%s/open-load.meta", dir);
    assert_string_equal(
        slurp(path), "ol_titles = \"01-lightweight/c-ulfius 01-lightweight/fastapi\"\nol_n = 2\n");
    snprintf(path, sizeof path, "%s/open-load.nodata", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    /* macros: per point, and the section's sentence */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_openload_macros(f, &rep);
    fclose(f);
    assert_non_null(strstr(text, "\\blset{ol/basic/01-lightweight/fastapi/120/p99}{"));
    assert_non_null(strstr(text, "\\blset{ol/cells}{3}"));
    assert_non_null(strstr(text, "3 valid open-model runs over 3 cells (2 implementations)"));
    assert_non_null(strstr(text, "\\blopenloadtrue"));
    free(text);
    /* none: the figure is marked not measured, the sentence says so */
    rep.ncells = 0;
    assert_int_equal(report_openload_dat(&rep, dir, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/open-load.nodata", dir);
    assert_int_equal(access(path, F_OK), 0);
    f = open_memstream(&text, &len);
    report_openload_macros(f, &rep);
    report_openload_md(f, &rep);
    fclose(f);
    assert_non_null(strstr(text, "\\blset{ol/cells}{0}"));
    assert_non_null(strstr(text, "has no open-model runs"));
    assert_null(strstr(text, "blopenloadtrue"));
    assert_non_null(strstr(text, "none (no open-model run"));
    free(text);
    for (int i = 0; i < 4; i++)
        json_decref(runs[i].root);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_are_sorted_and_the_figure_has_a_block_per_implementation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
