/* Unit tests for the slot reservation shared by the server's pools. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "server/slots.h"

static void takes_every_slot_once_then_times_out(void **state) {
    (void)state;
    struct slots s;
    assert_int_equal(slots_init(&s, 3), 0);
    int a = slots_take(&s, 100), b = slots_take(&s, 100), c = slots_take(&s, 100);
    assert_true(a >= 0 && b >= 0 && c >= 0);
    assert_true(a != b && b != c && a != c);
    assert_int_equal(slots_in_use(&s), 3);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(slots_take(&s, 150), -1); /* full: waits 150 ms, gives up */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(waited_ms >= 140 && waited_ms < 1000);
    slots_give(&s, b);
    assert_int_equal(slots_in_use(&s), 2);
    assert_int_equal(slots_take(&s, 100), b); /* the freed one comes back */
    slots_destroy(&s);
}

struct giver {
    struct slots *s;
    int index;
};

static void *give_later(void *arg) {
    struct giver *g = arg;
    usleep(200 * 1000);
    slots_give(g->s, g->index);
    return NULL;
}

static void a_waiter_wakes_when_a_slot_is_given_back(void **state) {
    (void)state;
    struct slots s;
    assert_int_equal(slots_init(&s, 1), 0);
    int only = slots_take(&s, 100);
    assert_int_equal(only, 0);
    struct giver g = {&s, only};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, give_later, &g), 0);
    assert_int_equal(slots_take(&s, 5000), 0); /* blocks until the other thread gives it */
    pthread_join(t, NULL);
    assert_int_equal(slots_in_use(&s), 1);
    slots_destroy(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_every_slot_once_then_times_out),
        cmocka_unit_test(a_waiter_wakes_when_a_slot_is_given_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
