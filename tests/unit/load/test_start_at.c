/* benchlab-load --start-at (load/start_at.c): the value's bounds, a wait
 * that ends at the agreed time, a start already past, and a stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "load/start_at.h"

static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_parse(void **state) {
    (void)state;
    double t = 0;
    assert_int_equal(start_at_parse("1796212800.25", &t), 0);
    assert_float_equal(t, 1796212800.25, 1e-6);
    assert_int_equal(start_at_parse("", &t), -1);
    assert_int_equal(start_at_parse("12", &t), -1);          /* 1970: not a time agreed now */
    assert_int_equal(start_at_parse("1796212800s", &t), -1); /* a suffix */
    assert_int_equal(start_at_parse("9e99", &t), -1);
    assert_int_equal(start_at_parse(NULL, &t), -1);
}

static void test_waits_until_then(void **state) {
    (void)state;
    double t = wall() + 0.3;
    assert_float_equal(start_at_wait(t, NULL), 0, 0);
    double now = wall();
    assert_true(now >= t);
    assert_true(now < t + 0.25);
}

static void test_late_starts_at_once(void **state) {
    (void)state;
    double t0 = wall();
    double late = start_at_wait(t0 - 2, NULL);
    assert_true(late >= 2 && late < 3);
    assert_true(wall() - t0 < 0.1);
}

static void test_stop(void **state) {
    (void)state;
    volatile sig_atomic_t stop = 1;
    double t0 = wall();
    start_at_wait(t0 + 30, &stop);
    assert_true(wall() - t0 < 0.5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_waits_until_then),
        cmocka_unit_test(test_late_starts_at_once),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
