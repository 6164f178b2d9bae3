/* Service demand per run (results/demand.h): CPU us per completed request from
 * a run file's box statistics, the recorded field winning over the derivation,
 * and "not available" (NaN / null) without box statistics or requests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab/results/demand.h"
#include "lab/results/metric.h"

static json_t *run_file(const char *text) {
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static void test_from_boxes(void **state) {
    (void)state;
    json_t *r = run_file(
        "{\"summary\": {\"metrics\": {\"http_reqs\": {\"count\": 2000}}},"
        " \"boxes\": {\"server\": {\"cpu_user_s\": 0.03, \"cpu_sys_s\": 0.01, \"available\": true},"
        "             \"postgres\": {\"cpu_user_s\": 0.002, \"cpu_sys_s\": 0, \"available\": true},"
        "             \"redis\": {\"cpu_user_s\": 0.5, \"cpu_sys_s\": 0.5, \"available\": "
        "false}}}");
    assert_float_equal(demand_from_boxes(r, "server"), 20.0, 1e-9); /* 0.04 s / 2000 */
    assert_float_equal(demand_of_run(r, "postgres"), 1.0, 1e-9);
    assert_true(isnan(demand_of_run(r, "redis"))); /* statistics not available */
    demand_annotate(r);
    assert_float_equal(json_real_value(json_object_get(r, "server_cpu_us_per_request")), 20.0,
                       1e-9);
    assert_true(json_is_null(json_object_get(r, "redis_cpu_us_per_request")));
    /* the recorded field wins (and null stays not available) */
    json_object_set_new(r, "server_cpu_us_per_request", json_real(7.5));
    assert_float_equal(demand_of_run(r, "server"), 7.5, 1e-9);
    json_object_set_new(r, "postgres_cpu_us_per_request", json_null());
    assert_true(isnan(demand_of_run(r, "postgres")));
    json_decref(r);
}

static void test_not_available(void **state) {
    (void)state;
    json_t *r = run_file("{\"summary\": {\"metrics\": {\"http_reqs\": {\"count\": 10}}},"
                         " \"boxes\": {}}"); /* unboxed */
    assert_true(isnan(demand_of_run(r, "server")));
    json_decref(r);
    r = run_file("{\"summary\": {\"metrics\": {\"http_reqs\": {\"count\": 0}}},"
                 " \"boxes\": {\"server\": {\"cpu_user_s\": 1, \"cpu_sys_s\": 0}}}");
    assert_true(isnan(demand_of_run(r, "server"))); /* no request completed */
    json_decref(r);
    r = run_file("{\"summary\": null}"); /* older or broken run file */
    assert_true(isnan(demand_of_run(r, "server")));
    json_decref(r);
}

static void test_metric_spec(void **state) {
    (void)state;
    metric_spec_t m;
    char err[256];
    json_t *o = run_file("{\"scenario\": \"basic/01-lightweight\", \"metric\": \"cpu_us\"}");
    assert_int_equal(metric_spec_parse(&m, o, NULL, "t", err, sizeof err), 0);
    assert_int_equal(m.kind, METRIC_CPU_US);
    assert_string_equal(m.box, "server");
    metric_spec_free(&m);
    json_decref(o);
    o = run_file("{\"scenario\": \"basic/03-db-read\", \"metric\": \"postgres_cpu_us\"}");
    assert_int_equal(metric_spec_parse(&m, o, NULL, "t", err, sizeof err), 0);
    assert_string_equal(m.box, "postgres");
    metric_spec_free(&m);
    json_decref(o);
    o = run_file("{\"scenario\": \"s\", \"metric\": \"cpu_us\", \"group\": \"g\"}");
    assert_int_not_equal(metric_spec_parse(&m, o, NULL, "t", err, sizeof err), 0);
    assert_non_null(strstr(err, "per run"));
    json_decref(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_boxes),
        cmocka_unit_test(test_not_available),
        cmocka_unit_test(test_metric_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
