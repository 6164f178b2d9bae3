/* Spike recovery, soak drift and the series reader on synthetic per-second
 * series (src/lab/results/stress.c). */
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

#include "lab/results/stress.h"

#define N 40

static double t[N], req[N], err[N], p50[N], p99[N], drop[N], late[N], cpu[N], rss[N];

static ts_series_t series(size_t n) {
    ts_series_t s = {n, t, req, err, p50, p99, drop, late, cpu, rss};
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)i;
        req[i] = 100;
        err[i] = 0;
        p50[i] = 1;
        p99[i] = 2;
        drop[i] = late[i] = 0;
        cpu[i] = rss[i] = NAN;
    }
    return s;
}

static void window_of_a_step_and_a_ramp(void **state) {
    (void)state;
    double d1[] = {0, 10, 0, 5, 0, 20}, g1[] = {20, 20, 150, 150, 20, 20};
    double from, to;
    assert_int_equal(spike_window(d1, g1, 6, 0, &from, &to), 0);
    assert_true(fabs(from - 10) < 1e-12 && fabs(to - 15) < 1e-12);
    double d2[] = {10, 2, 5, 2, 10}, g2[] = {20, 150, 150, 20, 20};
    assert_int_equal(spike_window(d2, g2, 5, 20, &from, &to), 0);
    assert_true(fabs(from - 10) < 1e-12 && fabs(to - 19) < 1e-12);
    double d3[] = {10, 10}, g3[] = {20, 20};
    assert_int_equal(spike_window(d3, g3, 2, 20, &from, &to), -1);
}

static void recovery_after_a_spike(void **state) {
    (void)state;
    ts_series_t s = series(N);
    p99[0] = 50; /* the first second is left out of the baseline */
    p99[3] = 3;  /* median of the rest is still 2 */
    for (int i = 10; i < 15; i++) {
        p99[i] = 100;
        drop[i] = 7;
        late[i] = 20;
    }
    for (int i = 15; i < 18; i++)
        p99[i] = 10;
    late[16] = 5;
    spike_result_t r;
    assert_int_equal(spike_recovery(&s, 10, 15, 2, 3, &r), 0);
    assert_true(fabs(r.baseline_p99_ms - 2) < 1e-12);
    assert_true(fabs(r.peak_p99_ms - 100) < 1e-12);
    assert_true(r.recovered);
    assert_true(fabs(r.recovery_s - 3) < 1e-12);
    assert_true(fabs(r.dropped - 35) < 1e-12 && fabs(r.late - 105) < 1e-12);
    assert_true(fabs(r.dropped_spike - 35) < 1e-12);
    /* a blip inside the hold window postpones recovery */
    p99[19] = 5;
    assert_int_equal(spike_recovery(&s, 10, 15, 2, 3, &r), 0);
    assert_true(fabs(r.recovery_s - 5) < 1e-12);
    /* a second without responses is not recovered (a stalled server has no p99) */
    req[21] = 0;
    p99[21] = 0;
    assert_int_equal(spike_recovery(&s, 10, 15, 2, 3, &r), 0);
    assert_true(fabs(r.recovery_s - 7) < 1e-12);
    /* never back within 2x: not recovered */
    for (int i = 15; i < N; i++)
        p99[i] = 4.5;
    assert_int_equal(spike_recovery(&s, 10, 15, 2, 3, &r), 0);
    assert_false(r.recovered);
    assert_true(isnan(r.recovery_s));
    /* recovered within the last seconds of the run: hold shortens at the end */
    p99[N - 1] = 2;
    assert_int_equal(spike_recovery(&s, 10, 15, 2, 3, &r), 0);
    assert_true(r.recovered && fabs(r.recovery_s - (N - 1 - 15)) < 1e-12);
    /* no second before the spike */
    assert_int_equal(spike_recovery(&s, 0, 5, 2, 3, &r), -1);
}

static void slope_and_its_interval(void **state) {
    (void)state;
    double x[] = {0, 1, 2, 3, 4}, y[] = {0, 2, 1, 3, 4};
    slope_t sl;
    assert_int_equal(ls_slope(x, y, 5, 0.95, &sl), 0);
    /* by hand: b = 9/10, SSE = 1.9, se = sqrt(1.9/3/10), t(0.975, 3) = 3.182446 */
    assert_true(fabs(sl.slope - 0.9) < 1e-12);
    assert_true(fabs(sl.lo - 0.0991020) < 1e-5);
    assert_true(fabs(sl.hi - 1.7008980) < 1e-5);
    assert_int_equal(sl.n, 5);
    double exact[] = {3, 3.5, 4, 4.5, 5};
    assert_int_equal(ls_slope(x, exact, 5, 0.95, &sl), 0);
    assert_true(fabs(sl.slope - 0.5) < 1e-12 && fabs(sl.hi - sl.lo) < 1e-9);
    double nan3[] = {1, NAN, 2, NAN, NAN};
    assert_int_equal(ls_slope(x, nan3, 5, 0.95, &sl), -1); /* 2 finite points */
}

static void drift_flags_a_leak_only_when_rss_grows(void **state) {
    (void)state;
    ts_series_t s = series(N);
    uint64_t r = 7; /* a seed whose flat series has no significant slope (|t| < 1) */
    for (size_t i = 0; i < N; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        double noise = (double)(r >> 40) / (double)(1ull << 24) - 0.5; /* -0.5 .. 0.5 */
        rss[i] = 50 + noise;
        p99[i] = 2 + 0.01 * (double)i + 0.1 * noise;
        err[i] = i % 10 == 0;
    }
    rss[0] = 10; /* start-up: left out by skip */
    drift_result_t d;
    assert_int_equal(soak_drift(&s, 2, 0.95, &d), 0);
    assert_false(d.leak);
    assert_true(d.rss.lo < 0 && d.rss.hi > 0);
    assert_true(d.p99.lo > 0 && fabs(d.p99.slope - 0.01) < 0.005);
    assert_int_equal(d.rss.n, N - 2);
    assert_true(fabs(d.error_rate - 3.0 / (100.0 * (N - 2))) < 1e-12);
    for (size_t i = 0; i < N; i++)
        rss[i] += 0.2 * (double)i; /* 0.2 MB/s */
    assert_int_equal(soak_drift(&s, 2, 0.95, &d), 0);
    assert_true(d.leak);
    assert_true(d.rss.lo > 0.15 && d.rss.hi < 0.25);
    /* shrinking memory is not a leak */
    for (size_t i = 0; i < N; i++)
        rss[i] -= 0.4 * (double)i;
    assert_int_equal(soak_drift(&s, 2, 0.95, &d), 0);
    assert_false(d.leak);
    /* no RSS samples: no slope, no flag */
    for (size_t i = 0; i < N; i++)
        rss[i] = NAN;
    assert_int_equal(soak_drift(&s, 2, 0.95, &d), 0);
    assert_int_equal(d.rss.n, 0);
    assert_false(d.leak);
    assert_int_equal(soak_drift(&s, N - 2, 0.95, &d), -1);
}

static void reads_the_series_format(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-stress-test.XXXXXX", path[128], e[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run-01.timeseries.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"t\":0,\"requests\":10,\"errors\":1,\"p50_ms\":0.5,\"p99_ms\":2.5}\n"
          "{\"t\":1,\"requests\":20,\"errors\":0,\"p50_ms\":0.6,\"p99_ms\":3,\"dropped\":4,"
          "\"late\":5,\"server_cpu\":0.75,\"server_rss_mb\":41.5}\n",
          f);
    fclose(f);
    ts_series_t s;
    assert_int_equal(ts_series_load(path, &s, e, sizeof e), 0);
    assert_int_equal(s.n, 2);
    assert_true(s.requests[1] == 20 && s.errors[0] == 1 && s.p99_ms[0] == 2.5);
    assert_true(s.dropped[0] == 0 && s.dropped[1] == 4 && s.late[1] == 5);
    assert_true(isnan(s.server_cpu[0]) && s.server_cpu[1] == 0.75);
    assert_true(isnan(s.server_rss_mb[0]) && s.server_rss_mb[1] == 41.5);
    ts_series_free(&s);
    f = fopen(path, "a");
    fputs("{\"t\":2}\nnot json\n", f);
    fclose(f);
    assert_int_equal(ts_series_load(path, &s, e, sizeof e), -1);
    assert_non_null(strstr(e, ":4: "));
    unlink(path);
    assert_int_equal(ts_series_load(path, &s, e, sizeof e), -1);
    assert_non_null(strstr(e, path));
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(window_of_a_step_and_a_ramp),
        cmocka_unit_test(recovery_after_a_spike),
        cmocka_unit_test(slope_and_its_interval),
        cmocka_unit_test(drift_flags_a_leak_only_when_rss_grows),
        cmocka_unit_test(reads_the_series_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
