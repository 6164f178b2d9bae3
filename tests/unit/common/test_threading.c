/* Unit tests for src/common/threading.c: the names round-trip, poll among them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/threading.h"

static void names_round_trip(void **state) {
    (void)state;
    for (int m = 0; m < THREADING_MODEL_COUNT; m++) {
        assert_int_equal(threading_parse(threading_name(m)), m);
        assert_non_null(strstr(THREADING_NAMES, threading_name(m)));
    }
    assert_int_equal(threading_parse("poll"), 1);
    assert_int_equal(threading_parse("fork"), -1);
    assert_int_equal(threading_parse(NULL), -1);
    assert_true(threading_one_thread("poll") && threading_one_thread("select") &&
                threading_one_thread("epoll"));
    assert_false(threading_one_thread("pool") || threading_one_thread("thread-per-conn") ||
                 threading_one_thread(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(names_round_trip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
