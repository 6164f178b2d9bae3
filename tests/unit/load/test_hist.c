/* Histogram: layout precision, percentiles of known distributions, exact
 * count/min/max/mean, merge(A,B) == hist(A ∪ B), JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "load/hist.h"
#include "load/rng.h"

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* exact percentile by the same rule: the value at rank ceil(p/100*n) */
static uint64_t exact_pct(const uint64_t *sorted, size_t n, double p) {
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

static void every_value_within_precision(void **state) {
    (void)state;
    hist_t h;
    assert_int_equal(hist_init(&h, 3), 0);
    for (uint64_t v = 1; v <= HIST_HIGHEST; v = v * 1.01 + 1) {
        uint64_t lo, hi;
        size_t slot = hist_slot_of(&h, v);
        assert_true(slot < h.counts_len);
        hist_slot_bounds(&h, slot, &lo, &hi);
        assert_true(lo <= v && v <= hi);
        /* 3 significant digits: bucket width below 1/1000 of the value */
        assert_true((double)(hi - lo) <= (double)v / 1000.0);
    }
    /* values below 2048 are exact */
    for (uint64_t v = 0; v < 2048; v++) {
        uint64_t lo, hi;
        hist_slot_bounds(&h, hist_slot_of(&h, v), &lo, &hi);
        assert_int_equal(lo, v);
        assert_int_equal(hi, v);
    }
    hist_free(&h);
}

static void percentiles_of_known_distributions(void **state) {
    (void)state;
    enum { N = 200000 };
    uint64_t *vals = malloc(N * sizeof *vals);
    uint64_t seed = 42;
    for (int dist = 0; dist < 3; dist++) {
        hist_t h;
        hist_init(&h, 3);
        uint64_t sum = 0;
        for (int i = 0; i < N; i++) {
            uint64_t v;
            if (dist == 0) /* uniform 1..1,000,000 µs */
                v = (uint64_t)rng_range(&seed, 1, 1000000);
            else if (dist == 1) /* exponential, mean 5 ms */
                v = (uint64_t)(-log(1.0 - rng_unit(&seed)) * 5000.0) + 1;
            else /* bimodal: 99% ~100 µs, 1% ~ 2 s */
                v = rng_unit(&seed) < 0.99 ? (uint64_t)rng_range(&seed, 90, 110)
                                           : (uint64_t)rng_range(&seed, 1900000, 2100000);
            vals[i] = v;
            sum += v;
            hist_record(&h, v);
        }
        qsort(vals, N, sizeof *vals, cmp_u64);
        assert_int_equal(h.count, N);
        assert_int_equal(h.min, vals[0]);
        assert_int_equal(h.max, vals[N - 1]);
        assert_int_equal(h.sum, sum);
        static const double ps[] = {1, 10, 50, 90, 95, 99, 99.9, 99.99, 100};
        for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
            uint64_t exact = exact_pct(vals, N, ps[k]);
            uint64_t got = hist_percentile(&h, ps[k]);
            /* the reported value is the bucket's upper bound: >= exact, within 0.1% */
            assert_true(got >= exact);
            assert_true((double)(got - exact) <= (double)exact / 1000.0 + 1);
        }
        hist_free(&h);
    }
    free(vals);
}

static void merge_equals_union(void **state) {
    (void)state;
    hist_t a, b, u;
    hist_init(&a, 3);
    hist_init(&b, 3);
    hist_init(&u, 3);
    uint64_t seed = 7;
    for (int i = 0; i < 50000; i++) {
        uint64_t v = (uint64_t)rng_range(&seed, 1, 30000000);
        hist_record(i % 3 ? &a : &b, v);
        hist_record(&u, v);
    }
    assert_int_equal(hist_merge(&a, &b), 0);
    assert_int_equal(a.count, u.count);
    assert_int_equal(a.min, u.min);
    assert_int_equal(a.max, u.max);
    assert_int_equal(a.sum, u.sum);
    assert_memory_equal(a.counts, u.counts, u.counts_len * sizeof *u.counts);
    /* merging into an empty histogram keeps min/max */
    hist_t e;
    hist_init(&e, 3);
    hist_merge(&e, &u);
    assert_int_equal(e.min, u.min);
    /* different layouts refuse */
    hist_t two;
    hist_init(&two, 2);
    assert_int_equal(hist_merge(&two, &u), -1);
    hist_free(&a);
    hist_free(&b);
    hist_free(&u);
    hist_free(&e);
    hist_free(&two);
}

static void json_round_trip(void **state) {
    (void)state;
    hist_t h, back;
    char err[256];
    hist_init(&h, 3);
    uint64_t seed = 3;
    for (int i = 0; i < 10000; i++)
        hist_record(&h, (uint64_t)rng_range(&seed, 1, 5000000));
    hist_record(&h, 90000000); /* above the range: clamped bucket, exact max */
    json_t *j = hist_to_json(&h);
    assert_string_equal(json_string_value(json_object_get(j, "unit")), "us");
    json_t *b0 = json_array_get(json_object_get(j, "buckets"), 0);
    assert_int_equal(json_array_size(b0), 3);
    assert_int_equal(hist_from_json(&back, j, err, sizeof err), 0);
    assert_int_equal(back.count, h.count);
    assert_int_equal(back.max, 90000000);
    assert_memory_equal(back.counts, h.counts, h.counts_len * sizeof *h.counts);
    assert_int_equal(hist_percentile(&back, 99.9), hist_percentile(&h, 99.9));
    /* a bucket that is not one of the layout is rejected */
    json_array_set_new(json_object_get(j, "buckets"), 0, json_pack("[iii]", 3000, 3005, 1));
    hist_free(&back);
    assert_int_equal(hist_from_json(&back, j, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a bucket"));
    json_decref(j);
    hist_free(&h);
}

static void empty_histogram(void **state) {
    (void)state;
    hist_t h;
    hist_init(&h, 3);
    assert_int_equal(hist_percentile(&h, 99), 0);
    assert_true(hist_mean(&h) == 0.0);
    hist_record(&h, 5);
    assert_int_equal(hist_percentile(&h, 0), 5);
    assert_int_equal(hist_percentile(&h, 100), 5);
    hist_free(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_value_within_precision),
        cmocka_unit_test(percentiles_of_known_distributions),
        cmocka_unit_test(merge_equals_union),
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(empty_histogram),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
