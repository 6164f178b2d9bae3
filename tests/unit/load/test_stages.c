/* Stage schedules: the value, VU count, arrival integral and its inverse, the
 * flag parser, percentages of a capacity, and scenario files with stages. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "load/scenario.h"
#include "load/stages.h"

static stages_t make(const char *text, double start, double capacity) {
    stages_t st = {0};
    char err[256] = "";
    assert_int_equal(stages_parse(&st, text, err, sizeof err), 0);
    st.start = start;
    assert_int_equal(stages_resolve(&st, capacity, 1e6, err, sizeof err), 0);
    return st;
}

static void test_value_ramps(void **state) {
    (void)state;
    stages_t st = make("10s:100,5s:100,10s:0", 0, 0);
    assert_true(fabs(stages_total(&st) - 25) < 1e-12);
    assert_true(fabs(stages_max(&st) - 100) < 1e-12);
    assert_true(fabs(stages_value(&st, 0) - 0) < 1e-12);
    assert_true(fabs(stages_value(&st, 5) - 50) < 1e-12);
    assert_true(fabs(stages_value(&st, 12) - 100) < 1e-12);
    assert_true(fabs(stages_value(&st, 20) - 50) < 1e-12);
    assert_true(fabs(stages_value(&st, 99) - 0) < 1e-12);
    assert_int_equal(stages_vus(&st, 0.5), 5);
    assert_int_equal(stages_vus(&st, 9.99), 99);
    assert_int_equal(stages_vus(&st, 10), 100);
    stages_free(&st);
}

static void test_zero_duration_jumps(void **state) {
    (void)state;
    /* a 0 s stage is a step: the spike's shape */
    stages_t st = make("0s:20,10s:20,0s:150,5s:150,0s:20,10s:20", 7, 0);
    assert_true(fabs(stages_value(&st, 0) - 20) < 1e-12);
    assert_true(fabs(stages_value(&st, 9.9) - 20) < 1e-12);
    assert_true(fabs(stages_value(&st, 10) - 150) < 1e-12);
    assert_true(fabs(stages_value(&st, 15) - 20) < 1e-12);
    /* arrivals: 20*10 + 150*5 + 20*10 */
    assert_true(fabs(stages_arrivals(&st, 25) - 1150) < 1e-9);
    assert_true(fabs(stages_arrival_time(&st, 200) - 10) < 1e-9);
    assert_true(fabs(stages_arrival_time(&st, 350) - 11) < 1e-9);
    stages_free(&st);
}

static void test_arrivals_inverse(void **state) {
    (void)state;
    stages_t st = make("10s:100,10s:100,5s:10,5s:0", 20, 0);
    /* integral of a linear ramp from 20 to 100 over 10 s = 600 */
    assert_true(fabs(stages_arrivals(&st, 10) - 600) < 1e-9);
    assert_true(fabs(stages_arrivals(&st, 20) - 1600) < 1e-9);
    assert_true(fabs(stages_arrivals(&st, 25) - 1875) < 1e-9);
    assert_true(fabs(stages_arrivals(&st, 30) - 1900) < 1e-9);
    assert_true(fabs(stages_arrival_time(&st, 0)) < 1e-12);
    /* the inverse: arrival_time(arrivals(t)) == t everywhere in the run */
    for (double t = 0.05; t < 29.9; t += 0.37) {
        double k = stages_arrivals(&st, t);
        assert_true(fabs(stages_arrival_time(&st, k) - t) < 1e-6);
    }
    /* times are increasing in k, and beyond the last arrival the run is over */
    double prev = -1;
    for (double k = 0; k < 1900; k += 1) {
        double t = stages_arrival_time(&st, k);
        assert_true(t > prev);
        prev = t;
    }
    assert_true(stages_arrival_time(&st, 1901) >= stages_total(&st));
    stages_free(&st);
}

static void test_ramp_from_zero(void **state) {
    (void)state;
    /* rate 0 -> 100 over 10 s: N(t) = 5 t^2, so iteration k is at sqrt(k/5) */
    stages_t st = make("10s:100", 0, 0);
    assert_true(fabs(stages_arrival_time(&st, 0)) < 1e-12);
    assert_true(fabs(stages_arrival_time(&st, 5) - 1) < 1e-9);
    assert_true(fabs(stages_arrival_time(&st, 125) - 5) < 1e-9);
    stages_free(&st);
}

static void test_percent_and_errors(void **state) {
    (void)state;
    stages_t st = make("0s:20%,10s:150%", 0, 400);
    assert_true(fabs(stages_value(&st, 0) - 80) < 1e-9);
    assert_true(fabs(stages_max(&st) - 600) < 1e-9);
    stages_free(&st);
    char err[256];
    stages_t b = {0};
    assert_int_equal(stages_parse(&b, "10s:50%", err, sizeof err), 0);
    assert_int_equal(stages_resolve(&b, 0, 1e6, err, sizeof err), -1);
    assert_non_null(strstr(err, "capacity"));
    assert_int_equal(stages_parse(&b, "10s", err, sizeof err), -1);
    assert_non_null(strstr(err, "stage 1"));
    assert_int_equal(stages_parse(&b, "10s:5,xs:5", err, sizeof err), -1);
    assert_non_null(strstr(err, "stage 2"));
    assert_int_equal(stages_parse(&b, "10s:-1", err, sizeof err), -1);
    assert_int_equal(stages_parse(&b, "", err, sizeof err), -1);
    assert_int_equal(stages_parse(&b, "10s:0,5s:0", err, sizeof err), 0);
    assert_int_equal(stages_resolve(&b, 0, 1e6, err, sizeof err), -1);
    assert_non_null(strstr(err, "every target is 0"));
    assert_int_equal(stages_parse(&b, "10s:200", err, sizeof err), 0);
    assert_int_equal(stages_resolve(&b, 0, 100, err, sizeof err), -1);
    assert_non_null(strstr(err, "stages[0].target"));
    stages_free(&b);
}

static void test_scenario_file(void **state) {
    (void)state;
    const char *ok = "{\"executor\":\"ramping-arrival-rate\",\"capacity\":1000,"
                     "\"stages\":[{\"duration\":\"2s\",\"target\":\"20%\"},"
                     "{\"duration\":1,\"target\":300}],"
                     "\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}";
    char err[512] = "";
    scenario_t *s = scenario_parse("t.json", ok, strlen(ok), err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->stages.n, 2);
    assert_int_equal(s->executor, 2);
    assert_true(s->stages.st[0].percent);
    assert_true(fabs(s->stages.st[0].target - 20) < 1e-12);
    assert_true(fabs(s->stages.st[1].duration_s - 1) < 1e-12);
    assert_true(fabs(s->capacity - 1000) < 1e-12);
    scenario_free(s);
    static const struct {
        const char *doc, *want;
    } bad[] = {
        {"{\"stages\":[],\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}",
         "t.json: stages"},
        {"{\"stages\":[{\"duration\":\"1s\",\"target\":\"x\"}],"
         "\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}",
         "stages[0].target"},
        {"{\"stages\":[{\"target\":3}],"
         "\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}",
         "stages[0].duration"},
        {"{\"stages\":[{\"duration\":\"1s\",\"target\":3,\"x\":1}],"
         "\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}",
         "stages[0]"},
        {"{\"executor\":\"constant-vus\","
         "\"iteration\":{\"requests\":[{\"method\":\"GET\",\"path\":\"/\"}]}}",
         "executor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        s = scenario_parse("t.json", bad[i].doc, strlen(bad[i].doc), err, sizeof err);
        assert_null(s);
        if (!strstr(err, bad[i].want))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_ramps),        cmocka_unit_test(test_zero_duration_jumps),
        cmocka_unit_test(test_arrivals_inverse),   cmocka_unit_test(test_ramp_from_zero),
        cmocka_unit_test(test_percent_and_errors), cmocka_unit_test(test_scenario_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
