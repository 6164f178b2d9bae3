/* Unit tests for the upstream client: calls on one multi handle overlap, each
 * ends exactly once, failures are reported, stop ends what still runs. The
 * upstream is a tiny HTTP server on a loopback port picked by the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "server/http/upstream_client.h"
#include "tiny_upstream.h"

/* --- collecting outcomes --------------------------------------------------- */

#define MAX_CALLS 16

struct outcomes {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done[MAX_CALLS]; /* how many times each call's done ran */
    struct upstream_result res[MAX_CALLS];
    int total;
};

struct slot {
    struct outcomes *o;
    int index;
};

static void on_done(void *ctx, struct upstream_result *r) {
    struct slot *s = ctx;
    pthread_mutex_lock(&s->o->mu);
    s->o->done[s->index]++;
    s->o->res[s->index] = *r;
    s->o->total++;
    pthread_cond_broadcast(&s->o->cv);
    pthread_mutex_unlock(&s->o->mu);
}

static void outcomes_init(struct outcomes *o, struct slot *slots) {
    memset(o, 0, sizeof *o);
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->cv, NULL);
    for (int i = 0; i < MAX_CALLS; i++)
        slots[i] = (struct slot){o, i};
}

/* Waits until n calls ended (at most 20 s). */
static void wait_for(struct outcomes *o, int n) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&o->mu);
    while (o->total < n)
        if (pthread_cond_timedwait(&o->cv, &o->mu, &until) != 0)
            break;
    int total = o->total;
    pthread_mutex_unlock(&o->mu);
    if (total < n)
        fail_msg("only %d of %d calls ended", total, n);
}

static void outcomes_free(struct outcomes *o) {
    for (int i = 0; i < MAX_CALLS; i++)
        upstream_result_clear(&o->res[i]);
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->cv);
}

/* --- tests ------------------------------------------------------------------- */

/* 8 calls against a 300 ms upstream end together: one at a time would take
 * 2.4 s (the bound leaves room for valgrind). */
static void calls_overlap_and_each_ends_once(void **state) {
    (void)state;
    struct upstream up;
    upstream_up(&up, ANSWER, 300);
    char url[64];
    url_of(&up, url, sizeof url);
    struct upstream_client *c = upstream_client_new(url);
    assert_non_null(c);
    struct outcomes o;
    struct slot slots[MAX_CALLS];
    outcomes_init(&o, slots);
    enum { N = 8 };
    uint64_t start = clock_mono_ns();
    for (int i = 0; i < N; i++) {
        struct upstream_call *call = upstream_call_new(c, on_done, &slots[i]);
        assert_non_null(call);
        upstream_call_start(c, call);
    }
    wait_for(&o, N);
    double ms = (double)(clock_mono_ns() - start) / 1e6;
    upstream_client_free(c);
    for (int i = 0; i < N; i++) {
        assert_int_equal(o.done[i], 1);
        assert_int_equal(o.res[i].code, CURLE_OK);
        assert_int_equal(o.res[i].status, 200);
        assert_string_equal(o.res[i].body, "{\"ok\":true}");
        assert_int_equal(o.res[i].len, strlen("{\"ok\":true}"));
    }
    if (ms >= 1800.0)
        fail_msg("8 calls of 300 ms took %.0f ms: they did not overlap", ms);
    outcomes_free(&o);
    upstream_down(&up);
}

static void refused_connection_is_reported(void **state) {
    (void)state;
    struct upstream up;
    upstream_up(&up, ANSWER, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    upstream_down(&up); /* nothing listens there any more */
    struct upstream_client *c = upstream_client_new(url);
    assert_non_null(c);
    struct outcomes o;
    struct slot slots[MAX_CALLS];
    outcomes_init(&o, slots);
    upstream_call_start(c, upstream_call_new(c, on_done, &slots[0]));
    wait_for(&o, 1);
    assert_int_equal(o.res[0].code, CURLE_COULDNT_CONNECT);
    assert_int_equal(o.res[0].status, 0);
    assert_null(o.res[0].body);
    upstream_client_free(c);
    assert_int_equal(o.done[0], 1);
    outcomes_free(&o);
}

static void too_large_answers_fail(void **state) {
    (void)state;
    struct upstream up;
    upstream_up(&up, HUGE, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    struct upstream_client *c = upstream_client_new(url);
    struct outcomes o;
    struct slot slots[MAX_CALLS];
    outcomes_init(&o, slots);
    upstream_call_start(c, upstream_call_new(c, on_done, &slots[0]));
    wait_for(&o, 1);
    upstream_client_free(c);
    assert_int_not_equal(o.res[0].code, CURLE_OK);
    assert_int_equal(o.res[0].too_large, 1);
    assert_true(o.res[0].len <= UPSTREAM_MAX_BYTES);
    outcomes_free(&o);
    upstream_down(&up);
}

/* Calls to an upstream that never answers end at stop, each once; a call
 * prepared before stop and started after ends at once; none is taken after. */
static void stop_ends_calls_still_running(void **state) {
    (void)state;
    struct upstream up;
    upstream_up(&up, SILENT, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    struct upstream_client *c = upstream_client_new(url);
    struct outcomes o;
    struct slot slots[MAX_CALLS];
    outcomes_init(&o, slots);
    for (int i = 0; i < 3; i++)
        upstream_call_start(c, upstream_call_new(c, on_done, &slots[i]));
    struct upstream_call *late = upstream_call_new(c, on_done, &slots[3]);
    assert_non_null(late);
    sleep_ms(100); /* the three are connected and waiting */
    pthread_mutex_lock(&o.mu);
    assert_int_equal(o.total, 0);
    pthread_mutex_unlock(&o.mu);
    upstream_client_stop(c);
    assert_int_equal(o.total, 3);
    upstream_call_start(c, late); /* ends on this thread */
    assert_int_equal(o.total, 4);
    assert_null(upstream_call_new(c, on_done, &slots[4]));
    upstream_client_free(c);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(o.done[i], 1);
        assert_int_equal(o.res[i].code, CURLE_ABORTED_BY_CALLBACK);
    }
    assert_int_equal(o.done[4], 0);
    outcomes_free(&o);
    upstream_down(&up);
}

static void blocking_fetch_gets_the_answer(void **state) {
    (void)state;
    struct upstream up;
    upstream_up(&up, ANSWER, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    struct upstream_result r;
    upstream_fetch(url, &r);
    assert_int_equal(r.code, CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"ok\":true}");
    upstream_result_clear(&r);
    upstream_down(&up);
    upstream_fetch(url, &r);
    assert_int_equal(r.code, CURLE_COULDNT_CONNECT);
    upstream_result_clear(&r);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_overlap_and_each_ends_once),
        cmocka_unit_test(refused_connection_is_reported),
        cmocka_unit_test(too_large_answers_fail),
        cmocka_unit_test(stop_ends_calls_still_running),
        cmocka_unit_test(blocking_fetch_gets_the_answer),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
