/* Unit tests for src/common: clocks and log level parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/clock.h"
#include "common/log.h"

static void mono_clock_advances(void **state) {
    (void)state;
    uint64_t a = clock_mono_ns(), b = clock_mono_ns();
    assert_true(b >= a);
}

static void iso8601_formats_utc(void **state) {
    (void)state;
    char buf[32];
    clock_iso8601(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    clock_iso8601(1795809071, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-27T19:51:11Z");
}

static void log_levels_parse(void **state) {
    (void)state;
    assert_int_equal(log_parse_level("off"), LOG_OFF);
    assert_int_equal(log_parse_level("debug"), LOG_DEBUG);
    assert_int_equal(log_parse_level("loud"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mono_clock_advances),
        cmocka_unit_test(iso8601_formats_utc),
        cmocka_unit_test(log_levels_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
