/* Unit tests for src/common/parse.c: durations and bounded integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/parse.h"

static void durations_with_units(void **state) {
    (void)state;
    double d = -1;
    assert_int_equal(parse_duration("1.5s", &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(parse_duration("250ms", &d), 0);
    assert_true(d == 0.25);
    assert_int_equal(parse_duration("2m", &d), 0);
    assert_true(d == 120);
    assert_int_equal(parse_duration("1h", &d), 0);
    assert_true(d == 3600);
    assert_int_equal(parse_duration("7", &d), 0);
    assert_true(d == 7);
}

static void durations_refused(void **state) {
    (void)state;
    double d = 42;
    const char *bad[] = {"", " 1s", "-1s", "1x", "s", "nan", "inf", "1e999", "10 s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_duration(bad[i], &d), -1);
    assert_int_equal(parse_duration(NULL, &d), -1);
    assert_true(d == 42); /* untouched on failure */
}

static void bounded_integers(void **state) {
    (void)state;
    long v = 0;
    assert_int_equal(parse_long_in("1000", 1, 1000, &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(parse_long_in("-5", -10, 10, &v), 0);
    assert_int_equal(v, -5);
    const char *bad[] = {"", "1001", "0", "+5", " 5", "5 ", "5k", "-5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_long_in(bad[i], 1, 1000, &v), -1);
    assert_int_equal(parse_long_in(NULL, 1, 10, &v), -1);
    assert_int_equal(v, -5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations_with_units),
        cmocka_unit_test(durations_refused),
        cmocka_unit_test(bounded_integers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
