/* Unit tests for the per-second series a study stores next to each run file. */
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

#include "lab/study/timeseries.h"

static void path_sits_next_to_the_run_file(void **state) {
    (void)state;
    char buf[256];
    assert_int_equal(timeseries_path("r/raw/basic/01/c/run-03.json", buf, sizeof buf), 0);
    assert_string_equal(buf, "r/raw/basic/01/c/run-03.timeseries.jsonl");
    assert_int_equal(timeseries_path("run-03.txt", buf, sizeof buf), -1);
    assert_int_equal(timeseries_path("r/run-03.json", buf, 8), -1); /* does not fit */
}

static void server_cpu_is_added_to_the_sampled_seconds_only(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-ts-test.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run-01.timeseries.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"t\":0,\"requests\":10}\n{\"t\":1,\"requests\":20}\n{\"t\":2,\"requests\":30}\n", f);
    fclose(f);
    double cores[] = {0.25, 0.75};
    cpu_series_t cs = {.cores = cores, .n = 2, .cap = 2};
    assert_int_equal(timeseries_add_cpu(path, &cs), 0);
    f = fopen(path, "r");
    char line[256];
    double expect[] = {0.25, 0.75};
    for (int i = 0; i < 3; i++) {
        assert_non_null(fgets(line, sizeof line, f));
        json_t *j = json_loads(line, 0, NULL);
        assert_non_null(j);
        assert_int_equal(json_integer_value(json_object_get(j, "t")), i);
        assert_int_equal(json_integer_value(json_object_get(j, "requests")), 10 * (i + 1));
        json_t *cpu = json_object_get(j, "server_cpu");
        if (i < 2)
            assert_true(json_real_value(cpu) == expect[i]);
        else
            assert_null(cpu);
        json_decref(j);
    }
    assert_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
    assert_int_equal(timeseries_add_cpu(path, &cs), -1); /* gone: reported, not created */
    rmdir(dir);
}

static void server_rss_is_added_where_known(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-ts-test.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run-01.timeseries.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"t\":0,\"requests\":10}\n{\"t\":1,\"requests\":20}\n", f);
    fclose(f);
    double cores[] = {0.25, 0.75}, rss[] = {12.5, NAN};
    cpu_series_t cs = {.cores = cores, .rss_mb = rss, .n = 2, .cap = 2};
    assert_int_equal(timeseries_add_cpu(path, &cs), 0);
    f = fopen(path, "r");
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    json_t *j = json_loads(line, 0, NULL);
    assert_true(json_real_value(json_object_get(j, "server_rss_mb")) == 12.5);
    json_decref(j);
    assert_non_null(fgets(line, sizeof line, f));
    j = json_loads(line, 0, NULL);
    assert_null(json_object_get(j, "server_rss_mb")); /* unknown: left out */
    assert_non_null(json_object_get(j, "server_cpu"));
    json_decref(j);
    fclose(f);
    unlink(path);
    rmdir(dir);
}

static void ticks_without_a_box_sample_nothing(void **state) {
    (void)state;
    cpu_series_t cs;
    cpu_series_start(&cs, NULL, 0.0);
    cpu_series_tick(&cs, 5.0);
    cpu_series_tick(NULL, 5.0);
    assert_int_equal(cs.n, 0);
    cpu_series_free(&cs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_sits_next_to_the_run_file),
        cmocka_unit_test(server_cpu_is_added_to_the_sampled_seconds_only),
        cmocka_unit_test(server_rss_is_added_where_known),
        cmocka_unit_test(ticks_without_a_box_sample_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
