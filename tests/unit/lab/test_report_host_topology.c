/* Table 1's rows per host (report/host_topology.c): one row per host of a
 * manifest's topology and the RTT; nothing for a one-host manifest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/report/host_topology.h"

static char *rows_of(const char *manifest, int *n) {
    json_t *m = json_loads(manifest, 0, NULL);
    assert_non_null(m);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *n = report_host_topology_rows(f, m);
    fclose(f);
    json_decref(m);
    return buf;
}

static void test_one_row_per_host(void **state) {
    (void)state;
    int n;
    char *t = rows_of(
        "{\"topology\": {\"hosts\": {"
        "\"client\": {\"roles\": [\"driver\"], \"cpu_model\": \"AMD EPYC 7543\", \"ncpu\": 32,"
        " \"cpuset\": \"0-31\", \"mem_bytes\": 137438953472, \"kernel\": \"6.1.0-18-amd64\","
        " \"engine_version\": \"26.1.4\", \"clock_offset_s\": -0.0042,"
        " \"clock_offset_uncertainty_s\": 0.0031},"
        "\"db\": {\"roles\": [\"postgres\", \"redis\"], \"cpu_model\": null, \"ncpu\": 16}},"
        " \"rtt\": {\"from\": \"client\", \"to\": \"app\", \"samples\": 10, \"min_ms\": 0.081,"
        " \"median_ms\": 0.093, \"max_ms\": 0.2}}}",
        &n);
    assert_int_equal(n, 3);
    assert_non_null(strstr(t, "\\midrule\n"));
    assert_non_null(strstr(t, "Host client (driver) & AMD EPYC 7543; 32 CPUs (CPU set 0-31); "
                              "128.0 GiB; kernel 6.1.0-18-amd64; engine 26.1.4; clock -4.2~ms "
                              "$\\pm$ 3.1~ms \\\\\n"));
    assert_non_null(strstr(t, "Host db (postgres, redis) & CPU unknown; 16 CPUs"));
    assert_non_null(strstr(t, "RTT client to app & "));
    assert_non_null(strstr(t, "median of 10 TCP connects"));
    free(t);
}

static void test_one_host_adds_nothing(void **state) {
    (void)state;
    int n;
    char *t = rows_of("{\"host\": {\"cpu_model\": \"x\"}}", &n);
    assert_int_equal(n, 0);
    assert_string_equal(t, "");
    free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_row_per_host),
        cmocka_unit_test(test_one_host_adds_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
