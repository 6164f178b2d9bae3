/* The capacity search against a model server: an M/M/1 queue whose p99 of
 * the response time is ln(100) / (mu - rate) (seconds), so the capacity at a
 * p99 objective T is mu - ln(100) / T exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "lab/study/capacity.h"

typedef struct model {
    double mu;         /* service rate, per second */
    int stall_call;    /* this call sees a momentary stall (p99 of a minute) */
    double drop_above; /* rates above this drop iterations (0: never) */
    int calls, fail_at;
} model_t;

static int mm1(double rate, void *ctx, capacity_point_t *p) {
    model_t *m = ctx;
    if (++m->calls == m->fail_at)
        return -1;
    p->rate = rate;
    p->achieved = rate < m->mu ? rate : m->mu;
    p->p99_ms = rate < m->mu ? 1000 * log(100) / (m->mu - rate) : 60000;
    if (m->calls == m->stall_call)
        p->p99_ms = 60000;
    p->p50_ms = rate < m->mu ? 1000 * log(2) / (m->mu - rate) : 60000;
    p->dropped = m->drop_above > 0 && rate > m->drop_above ? 5 : 0;
    return 0;
}

static void finds_the_knee_within_the_tolerance(void **state) {
    (void)state;
    model_t m = {.mu = 1000};
    capacity_opts_t o = {.objective_ms = 10, .start = 50, .tolerance = 0.02};
    capacity_result_t r;
    assert_int_equal(capacity_search(&o, mm1, &m, &r), 0);
    double truth = 1000 - log(100) / 0.010; /* 539.5 */
    assert_true(r.bounded);
    assert_true(r.capacity <= truth && r.capacity >= truth * 0.98);
    assert_true(r.upper > truth && (r.upper - r.capacity) / r.capacity <= 0.02);
    /* doubling 50, 100, 200, 400, 800 then bisecting: a handful of steps */
    assert_true(r.n <= 12);
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.points[i].ok, r.points[i].p99_ms <= 10);
    json_t *j = capacity_to_json(&o, &r);
    json_t *curve = json_object_get(j, "curve");
    assert_int_equal(json_array_size(curve), r.n);
    for (size_t i = 1; i < json_array_size(curve); i++) /* sorted by rate */
        assert_true(json_number_value(json_object_get(json_array_get(curve, i), "rate")) >
                    json_number_value(json_object_get(json_array_get(curve, i - 1), "rate")));
    assert_true(json_number_value(json_object_get(json_object_get(j, "knee"), "rate")) ==
                r.capacity);
    assert_true(json_number_value(json_object_get(j, "objective_p99_ms")) == 10);
    json_decref(j);
    capacity_result_free(&r);
}

static void halves_when_the_start_fails_and_dropping_fails(void **state) {
    (void)state;
    model_t m = {.mu = 1000, .drop_above = 300};
    capacity_opts_t o = {.objective_ms = 10, .start = 800, .tolerance = 0.05};
    capacity_result_t r;
    assert_int_equal(capacity_search(&o, mm1, &m, &r), 0);
    /* 800 fails, 400 fails (drops), 200 passes; bisect 200..400 -> at most 300 */
    assert_true(r.points[0].rate == 800 && !r.points[0].ok);
    assert_true(r.bounded);
    assert_true(r.capacity <= 300 && r.capacity >= 300 * 0.95);
    capacity_result_free(&r);
}

static void unbounded_and_none(void **state) {
    (void)state;
    /* passes at the largest rate asked for: not bounded, capacity = max */
    model_t m = {.mu = 1e6};
    capacity_opts_t o = {.objective_ms = 10, .start = 100, .max_rate = 1000};
    capacity_result_t r;
    assert_int_equal(capacity_search(&o, mm1, &m, &r), 0);
    assert_false(r.bounded);
    assert_true(r.capacity == 1000 && r.upper == 0);
    capacity_result_free(&r);
    /* nothing passes down to min_rate */
    model_t slow = {.mu = 50};
    capacity_opts_t q = {.objective_ms = 10, .start = 100, .min_rate = 10};
    assert_int_equal(capacity_search(&q, mm1, &slow, &r), 0);
    assert_true(r.capacity == 0 && !r.bounded);
    json_t *j = capacity_to_json(&q, &r);
    assert_true(json_is_null(json_object_get(j, "capacity")));
    assert_true(json_is_null(json_object_get(j, "knee")));
    json_decref(j);
    capacity_result_free(&r);
    /* max_steps bounds the search; a failed measurement ends it with what was measured */
    model_t f = {.mu = 1000, .fail_at = 3};
    assert_int_equal(capacity_search(&o, mm1, &f, &r), -1);
    assert_int_equal(r.n, 2);
    capacity_result_free(&r);
    model_t s = {.mu = 1000};
    capacity_opts_t few = {.objective_ms = 10, .start = 50, .tolerance = 0.001, .max_steps = 7};
    assert_int_equal(capacity_search(&few, mm1, &s, &r), 0);
    assert_int_equal(r.n, 7);
    assert_false(r.bounded);
    assert_true(r.capacity > 0 && r.capacity < r.upper);
    capacity_result_free(&r);
}

static void a_momentary_stall_is_measured_again(void **state) {
    (void)state;
    /* the 3rd step (200/s) stalls: without confirm it ends the bracket */
    model_t m = {.mu = 1000, .stall_call = 3};
    capacity_opts_t o = {.objective_ms = 10, .start = 50, .tolerance = 0.02};
    capacity_result_t r;
    assert_int_equal(capacity_search(&o, mm1, &m, &r), 0);
    assert_true(r.capacity < 200);
    capacity_result_free(&r);
    model_t m2 = {.mu = 1000, .stall_call = 3};
    o.confirm = 1;
    assert_int_equal(capacity_search(&o, mm1, &m2, &r), 0);
    double truth = 1000 - log(100) / 0.010;
    assert_true(r.capacity <= truth && r.capacity >= truth * 0.98);
    assert_true(r.points[2].rate == 200 && !r.points[2].ok); /* both kept in the curve */
    assert_true(r.points[3].rate == 200 && r.points[3].ok);
    json_t *j = capacity_to_json(&o, &r);
    assert_true(json_is_true(json_object_get(json_object_get(j, "knee"), "ok")));
    json_decref(j);
    capacity_result_free(&r);
}

static void reads_a_driver_summary(void **state) {
    (void)state;
    json_t *sum = json_loads("{\"metrics\":{\"http_req_duration\":{\"med\":1.5,\"p(99)\":7.25},"
                             "\"iterations\":{\"count\":990,\"rate\":99},"
                             "\"http_req_failed\":{\"passes\":1,\"fails\":989,\"value\":0.00101}},"
                             "\"open_model\":{\"dropped_iterations\":3}}",
                             0, NULL);
    assert_non_null(sum);
    capacity_point_t p = {0};
    assert_int_equal(capacity_point_from_summary(sum, &p), 0);
    assert_true(p.p50_ms == 1.5 && p.p99_ms == 7.25 && p.achieved == 99);
    assert_true(p.dropped == 3 && fabs(p.failed - 0.00101) < 1e-12);
    capacity_opts_t o = {0};
    capacity_defaults(&o);
    assert_false(capacity_passes(&o, &p)); /* dropped */
    p.dropped = 0;
    assert_false(capacity_passes(&o, &p)); /* 0.101 % failed > 0.1 % */
    p.failed = 0;
    assert_true(capacity_passes(&o, &p));
    json_decref(sum);
    json_t *empty = json_object();
    assert_int_equal(capacity_point_from_summary(empty, &p), -1);
    json_decref(empty);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_knee_within_the_tolerance),
        cmocka_unit_test(halves_when_the_start_fails_and_dropping_fails),
        cmocka_unit_test(unbounded_and_none),
        cmocka_unit_test(a_momentary_stall_is_measured_again),
        cmocka_unit_test(reads_a_driver_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
