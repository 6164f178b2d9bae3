/* Unit tests for src/lab/results/stats.c against hand-computed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "lab/results/stats.h"

/* cmocka here has only a float comparison; these numbers need double precision. */
static void near_(double a, double b, double eps, const char *file, int line) {
    if (!(fabs(a - b) <= eps) && !(a == b)) {
        print_error("%.15g != %.15g (tolerance %g)\n", a, b, eps);
        _fail(file, line);
    }
}
#define assert_double_equal(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)

/* 1..10 in a scrambled order: the functions must not rely on sorted input. */
static const double ten[10] = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};

static void median_ci_ranks_for_n10(void **state) {
    (void)state;
    size_t lo, hi;
    /* P(B(10,1/2) <= 1) = 11/1024 <= 0.025 < P(B <= 2) = 56/1024, so the
     * interval is [x(2), x(9)] with coverage 1 - 2 * 11/1024. */
    double cov = stats_median_ci_ranks(10, 0.95, &lo, &hi);
    assert_int_equal(lo, 2);
    assert_int_equal(hi, 9);
    assert_double_equal(cov, 1 - 22.0 / 1024, 1e-12);
    stats_interval_t ci = stats_median_ci(ten, 10, 0.95);
    assert_double_equal(ci.lo, 2, 0);
    assert_double_equal(ci.hi, 9, 0);
}

static void median_ci_small_samples(void **state) {
    (void)state;
    size_t lo, hi;
    /* n = 6: P(B <= 0) = 1/64 <= 0.025, so [x(1), x(6)], coverage 62/64. */
    assert_double_equal(stats_median_ci_ranks(6, 0.95, &lo, &hi), 62.0 / 64, 1e-12);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 6);
    /* n = 5 cannot reach 95 %: the whole sample, and the coverage says so. */
    double cov = stats_median_ci_ranks(5, 0.95, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 5);
    assert_double_equal(cov, 30.0 / 32, 1e-12);
    assert_true(cov < 0.95);
    /* n = 20: P(B <= 5) = 21700/2^20 = 0.0207 <= 0.025 < P(B <= 6) = 0.0577 -> [x(6), x(15)] */
    assert_double_equal(stats_median_ci_ranks(20, 0.95, &lo, &hi), 1 - 2 * 21700.0 / 1048576,
                        1e-12);
    assert_int_equal(lo, 6);
    assert_int_equal(hi, 15);
}

static void descriptive(void **state) {
    (void)state;
    assert_double_equal(stats_median(ten, 10), 5.5, 1e-12);
    assert_double_equal(stats_mean(ten, 10), 5.5, 1e-12);
    /* sum of squares about the mean = 82.5; / 9 = 9.1667 */
    assert_double_equal(stats_stdev(ten, 10), sqrt(82.5 / 9), 1e-12);
    double odd[3] = {3, 1, 2};
    assert_double_equal(stats_median(odd, 3), 2, 0);
    stats_summary_t s;
    stats_summarize(ten, 10, 0.95, &s);
    assert_int_equal(s.n, 10);
    assert_double_equal(s.cv, sqrt(82.5 / 9) / 5.5, 1e-12);
    assert_double_equal(s.min, 1, 0);
    assert_double_equal(s.max, 10, 0);
    stats_summarize(NULL, 0, 0.95, &s);
    assert_true(isnan(s.median));
}

static void t_quantiles(void **state) {
    (void)state;
    /* Table values of Student's t, two-sided 95 %. */
    assert_double_equal(stats_t_quantile(0.975, 1), 12.7062047, 1e-5);
    assert_double_equal(stats_t_quantile(0.975, 9), 2.2621572, 1e-6);
    assert_double_equal(stats_t_quantile(0.975, 30), 2.0422725, 1e-6);
    assert_double_equal(stats_t_quantile(0.995, 5), 4.0321430, 1e-6);
    assert_double_equal(stats_t_quantile(0.025, 9), -2.2621572, 1e-6);
    assert_double_equal(stats_t_cdf(0, 4), 0.5, 1e-12);
}

static void mean_ci_n10(void **state) {
    (void)state;
    stats_interval_t ci = stats_mean_ci(ten, 10, 0.95);
    double half = 2.2621572 * sqrt(82.5 / 9) / sqrt(10); /* = 2.16585 */
    assert_double_equal(ci.lo, 5.5 - half, 1e-5);
    assert_double_equal(ci.hi, 5.5 + half, 1e-5);
}

static void bootstrap_reproducible(void **state) {
    (void)state;
    double a[8] = {10.2, 9.8, 10.5, 11.0, 9.9, 10.1, 10.7, 10.3};
    double b[6] = {5.1, 4.9, 5.3, 5.0, 5.2, 4.8};
    stats_interval_t c1, c2, c3;
    double r1 = stats_bootstrap_ratio(a, 8, b, 6, 0.95, 2000, 42, &c1);
    double r2 = stats_bootstrap_ratio(a, 8, b, 6, 0.95, 2000, 42, &c2);
    double r3 = stats_bootstrap_ratio(a, 8, b, 6, 0.95, 2000, 43, &c3);
    /* point estimate: median(a) = 10.25, median(b) = 5.05 */
    assert_double_equal(r1, 10.25 / 5.05, 1e-12);
    assert_double_equal(r1, r2, 0);
    /* the same seed gives bit-identical intervals */
    assert_memory_equal(&c1, &c2, sizeof c1);
    /* another seed gives (slightly) different ones */
    assert_true(c1.lo != c3.lo || c1.hi != c3.hi);
    (void)r3;
    assert_true(c1.lo <= r1 && r1 <= c1.hi);
    /* the interval lies inside the range of possible ratios of medians */
    assert_true(c1.lo >= 9.8 / 5.3 && c1.hi <= 11.0 / 4.8);
}

static void bootstrap_degenerate(void **state) {
    (void)state;
    double a[3] = {4, 4, 4}, b[4] = {2, 2, 2, 2};
    stats_interval_t ci;
    assert_double_equal(stats_bootstrap_ratio(a, 3, b, 4, 0.95, 500, 1, &ci), 2, 0);
    assert_double_equal(ci.lo, 2, 0);
    assert_double_equal(ci.hi, 2, 0);
    assert_true(isnan(stats_bootstrap_ratio(a, 3, b, 0, 0.95, 500, 1, &ci)));
    assert_true(isnan(ci.lo));
}

static void rng_fixed_sequence(void **state) {
    (void)state;
    stats_rng_t r1, r2;
    stats_rng_seed(&r1, 7);
    stats_rng_seed(&r2, 7);
    for (int i = 0; i < 100; i++) {
        uint64_t x = stats_rng_next(&r1);
        assert_true(x == stats_rng_next(&r2));
    }
    for (int i = 0; i < 1000; i++)
        assert_true(stats_rng_below(&r1, 7) < 7);
}

static void quantile_sorted(void **state) {
    (void)state;
    double s[5] = {1, 2, 3, 4, 5};
    assert_double_equal(stats_quantile_sorted(s, 5, 0.5), 3, 0);
    assert_double_equal(stats_quantile_sorted(s, 5, 0.25), 2, 0);
    assert_double_equal(stats_quantile_sorted(s, 5, 0.1), 1.4, 1e-12);
    assert_double_equal(stats_quantile_sorted(s, 5, 1), 5, 0);
}

static void median_interval_says_its_coverage(void **state) {
    (void)state;
    const double three[3] = {3, 1, 2}, five[5] = {5, 4, 3, 2, 1};
    /* 3 runs: the min-max covers 1 - 2/8 = 75 %, 5 runs 1 - 2/32 = 93.75 % */
    stats_interval_t ci = stats_median_ci(three, 3, 0.95);
    assert_double_equal(ci.coverage, 0.75, 1e-12);
    assert_string_equal(ci.method, STATS_M_ORDER);
    assert_double_equal(ci.lo, 1, 0);
    assert_double_equal(ci.hi, 3, 0);
    assert_double_equal(stats_median_ci(five, 5, 0.95).coverage, 0.9375, 1e-12);
    /* below the minimum: no interval, said so */
    stats_summary_t s;
    stats_summarize(three, 2, 0.95, &s);
    stats_apply_min_runs(&s, 3);
    assert_true(isnan(s.median_ci.lo) && isnan(s.median_ci.hi));
    assert_string_equal(s.median_ci.method, STATS_M_FEW);
    assert_double_equal(s.median, 2, 0); /* the point estimate stays */
}

static void mann_whitney_null_distribution(void **state) {
    (void)state;
    /* 3 vs 3: 20 arrangements, U = 0 in one of them, U <= 1 in two */
    assert_double_equal(stats_mw_cdf(3, 3, 0), 1.0 / 20, 1e-15);
    assert_double_equal(stats_mw_cdf(3, 3, 1), 2.0 / 20, 1e-15);
    assert_double_equal(stats_mw_cdf(3, 3, 9), 1, 0);
    /* 5 vs 5: 252 arrangements; U <= 3 in 1 + 1 + 2 + 3 of them */
    assert_double_equal(stats_mw_cdf(5, 5, 3), 7.0 / 252, 1e-15);
    /* symmetric: P(U <= 12) = 1 - P(U <= 12) + P(U = 12.5)... for 5 x 5 the
     * median 12.5 is not an atom: P(U <= 12) = 1/2 */
    assert_double_equal(stats_mw_cdf(5, 5, 12), 0.5, 1e-15);
    assert_double_equal(stats_mw_cdf(2, 4, 0), 1.0 / 15, 1e-15);
}

static void ratio_interval_exact_for_few_runs(void **state) {
    (void)state;
    const double a[3] = {30, 20, 10}, b[3] = {2, 1, 4};
    /* 3 vs 3: P(U <= 0) = 0.05 > 0.025, so k = 1: the smallest and largest of
     * the 9 pairwise ratios, coverage 1 - 2/20 = 90 % */
    stats_interval_t ci = stats_ratio_exact(a, 3, b, 3, 0.95);
    assert_string_equal(ci.method, STATS_M_MW);
    assert_double_equal(ci.lo, 10.0 / 4, 1e-12);
    assert_double_equal(ci.hi, 30.0 / 1, 1e-12);
    assert_double_equal(ci.coverage, 0.9, 1e-12);
    /* 5 vs 5: k = 3 (P(U <= 2) = 4/252), coverage 1 - 8/252 */
    const double c[5] = {1, 2, 3, 4, 5}, d[5] = {1, 1, 1, 1, 1};
    ci = stats_ratio_exact(c, 5, d, 5, 0.95);
    assert_double_equal(ci.coverage, 1 - 8.0 / 252, 1e-12);
    assert_double_equal(ci.lo, 1, 0); /* ratios 1 x5, 2 x5, ...: the 3rd is 1 */
    assert_double_equal(ci.hi, 5, 0);
    /* a value <= 0 has no ratio interval */
    const double z[3] = {0, 1, 2};
    assert_true(isnan(stats_ratio_exact(z, 3, b, 3, 0.95).lo));
}

static void ratio_interval_method_by_run_count(void **state) {
    (void)state;
    double a[10], b[10];
    for (int i = 0; i < 10; i++) {
        a[i] = 100 + i;
        b[i] = 50 + i;
    }
    stats_interval_t ci;
    double r = stats_ratio_interval(a, 2, b, 10, 0.95, 3, 2000, 1, &ci);
    assert_double_equal(r, 100.5 / 54.5, 1e-12); /* the point estimate is always given */
    assert_string_equal(ci.method, STATS_M_FEW);
    assert_true(isnan(ci.lo) && ci.coverage == 0);
    stats_ratio_interval(a, 9, b, 10, 0.95, 3, 2000, 1, &ci);
    assert_string_equal(ci.method, STATS_M_MW);
    assert_true(ci.coverage >= 0.95 && ci.lo < 2 && ci.hi > 1.7);
    stats_ratio_interval(a, 10, b, 10, 0.95, 3, 2000, 1, &ci);
    assert_string_equal(ci.method, STATS_M_BOOT);
    assert_double_equal(ci.coverage, 0.95, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_ci_ranks_for_n10),
        cmocka_unit_test(median_ci_small_samples),
        cmocka_unit_test(descriptive),
        cmocka_unit_test(t_quantiles),
        cmocka_unit_test(mean_ci_n10),
        cmocka_unit_test(bootstrap_reproducible),
        cmocka_unit_test(bootstrap_degenerate),
        cmocka_unit_test(rng_fixed_sequence),
        cmocka_unit_test(quantile_sorted),
        cmocka_unit_test(median_interval_says_its_coverage),
        cmocka_unit_test(mann_whitney_null_distribution),
        cmocka_unit_test(ratio_interval_exact_for_few_runs),
        cmocka_unit_test(ratio_interval_method_by_run_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
