/* Unit tests for request fibers (http/fiber.h): a ulfius instance with one
 * epoll thread, the access hook in front as server.c wires it. Handlers
 * that wait (a timer descriptor through io_wait_fd, a deadline through
 * fiber_park, a pool slot through slots_take) do not hold the event loop:
 * concurrent waits overlap and other requests are answered meanwhile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
/* cmocka needs the three above first */
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <ulfius.h>
#include <unistd.h>

#include "common/clock.h"
#include "server/http/access_hook.h"
#include "server/http/fiber.h"
#include "server/slots.h"

/* Under valgrind threads take turns: the timings are not checked there. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#ifdef __ELF__
#define need_interposition() ((void)0)
#else
#define need_interposition() skip()
#endif

static struct slots one_slot;

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
    fiber_request_completed(conn);
    mhd_request_completed(cls, conn, con_cls, toe);
}

/* /timer: a timer descriptor 300 ms ahead (io_wait_fd); /park: a 300 ms
 * deadline (fiber_park); /slot: the one slot for 100 ms; /cpu/quick
 * (no fiber): at once. */
static int handler(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)data;
    const char *path = req->url_path;
    char body[64] = "quick";
    unsigned status = 200;
    if (strcmp(path, "/timer") == 0) {
        int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value = {0, 300 * 1000000L}};
        timerfd_settime(fd, 0, &its, NULL);
        int w = io_wait_fd(fd, 0, clock_mono_ns() + 5000000000ull);
        close(fd);
        snprintf(body, sizeof body, "timer %d fiber %d", w, fiber_self() != NULL);
    } else if (strcmp(path, "/park") == 0) {
        int w = fiber_park(clock_mono_ns() + 300000000ull);
        snprintf(body, sizeof body, "park %d", w);
    } else if (strcmp(path, "/slot") == 0) {
        int i = slots_take(&one_slot, 1000);
        if (i < 0) {
            status = 503;
        } else {
            fiber_park(clock_mono_ns() + 100000000ull);
            slots_give(&one_slot, i);
        }
        snprintf(body, sizeof body, "slot %d", i);
    } else {
        snprintf(body, sizeof body, "quick fiber %d", fiber_self() != NULL);
    }
    ulfius_set_string_body_response(resp, status, body);
    return U_CALLBACK_COMPLETE;
}

struct server {
    struct _u_instance inst;
    unsigned port;
};

static void server_start(struct server *s) {
    assert_int_equal(fiber_init(), 0);
    assert_int_equal(ulfius_init_instance(&s->inst, 1, NULL, NULL), U_OK);
    ulfius_set_default_endpoint(&s->inst, handler, NULL);
    access_hook_arm(&s->inst, fiber_access);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_OptionItem ops[] = {{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL},
                                   {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
                                   {MHD_OPTION_SOCK_ADDR, 0, &sa},
                                   {MHD_OPTION_END, 0, NULL}};
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    assert_int_equal(ulfius_start_framework_with_mhd_options(&s->inst, flags, ops), U_OK);
    assert_int_equal(access_hook_installed(), 1);
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(s->inst.mhd_daemon, MHD_DAEMON_INFO_LISTEN_FD);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(di->listen_fd, (struct sockaddr *)&sa, &sl), 0);
    s->port = ntohs(sa.sin_port);
}

/* The order of server.c: waits end, the daemon stops, then the watcher. */
static void server_stop(struct server *s) {
    fiber_shutdown();
    ulfius_stop_framework(&s->inst);
    ulfius_clean_instance(&s->inst);
    fiber_free();
    access_hook_disarm();
}

struct reply {
    unsigned port;
    const char *path;
    long status;
    char text[256];
    size_t len;
    double ms;
};

static size_t collect(char *p, size_t sz, size_t n, void *ud) {
    struct reply *r = ud;
    size_t add = sz * n;
    if (r->len + add < sizeof r->text) {
        memcpy(r->text + r->len, p, add);
        r->len += add;
        r->text[r->len] = '\0';
    }
    return add;
}

static void *request(void *arg) {
    struct reply *r = arg;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", r->port, r->path);
    uint64_t t0 = clock_mono_ns();
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r->status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    r->ms = (double)(clock_mono_ns() - t0) / 1e6;
    return NULL;
}

/* n concurrent requests to path; returns the wall time in ms. */
static double concurrent(struct server *s, const char *path, struct reply *r, int n) {
    pthread_t t[16];
    uint64_t t0 = clock_mono_ns();
    for (int i = 0; i < n; i++) {
        r[i] = (struct reply){.port = s->port, .path = path};
        pthread_create(&t[i], NULL, request, &r[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return (double)(clock_mono_ns() - t0) / 1e6;
}

/* 8 handlers waiting 300 ms each on one MHD thread: together, not one after
 * the other (2.4 s); a request without waits is answered meanwhile. */
static void waits_overlap_on_one_thread(void **state) {
    (void)state;
    need_interposition();
    struct server s;
    server_start(&s);
    const char *paths[] = {"/timer", "/park"};
    for (int p = 0; p < 2; p++) {
        struct reply r[8];
        pthread_t quick;
        struct reply q = {.port = s.port, .path = "/cpu/quick"};
        uint64_t t0 = clock_mono_ns();
        pthread_t t[8];
        for (int i = 0; i < 8; i++) {
            r[i] = (struct reply){.port = s.port, .path = paths[p]};
            pthread_create(&t[i], NULL, request, &r[i]);
        }
        usleep(100000);
        pthread_create(&quick, NULL, request, &q);
        pthread_join(quick, NULL);
        for (int i = 0; i < 8; i++)
            pthread_join(t[i], NULL);
        double ms = (double)(clock_mono_ns() - t0) / 1e6;
        for (int i = 0; i < 8; i++) {
            assert_int_equal(r[i].status, 200);
            /* the timer is ready (0), the park ends at its deadline (1) */
            assert_string_equal(r[i].text, p == 0 ? "timer 0 fiber 1" : "park 1");
            assert_true(r[i].ms >= 290.0);
        }
        assert_int_equal(q.status, 200);
        assert_string_equal(q.text, "quick fiber 0"); /* no fiber for it */
        if (q.ms >= 600.0 && !RUNNING_ON_VALGRIND)    /* one after the other: >= 2.2 s */
            fail_msg("%s: a request without waits took %.0f ms behind them", paths[p], q.ms);
        if (ms >= 1500.0 && !RUNNING_ON_VALGRIND)
            fail_msg("%s: 8 waits of 300 ms took %.0f ms: they did not overlap", paths[p], ms);
    }
    server_stop(&s);
}

/* One pool slot, three requests holding it 100 ms each: handed from one
 * fiber to the next (about 300 ms in all), each got slot 0. */
static void a_slot_is_handed_to_the_next_fiber(void **state) {
    (void)state;
    need_interposition();
    assert_int_equal(slots_init(&one_slot, 1), 0);
    struct server s;
    server_start(&s);
    struct reply r[3];
    double ms = concurrent(&s, "/slot", r, 3);
    for (int i = 0; i < 3; i++)
        print_message("request %d: %ld '%s' after %.0f ms\n", i, r[i].status, r[i].text, r[i].ms);
    for (int i = 0; i < 3; i++)
        if (r[i].status != 200 || strcmp(r[i].text, "slot 0") != 0)
            fail_msg("request %d: %ld '%s' after %.0f ms", i, r[i].status, r[i].text, r[i].ms);
    assert_true(ms >= 290.0);
    if (ms >= 1500.0 && !RUNNING_ON_VALGRIND)
        fail_msg("3 x 100 ms on one slot took %.0f ms", ms);
    assert_int_equal(slots_in_use(&one_slot), 0);
    server_stop(&s);
    slots_destroy(&one_slot);
}

/* Outside a fiber io_wait_fd is poll(): ready, and the deadline. */
static void io_wait_outside_a_fiber(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_null(fiber_self());
    assert_int_equal(io_wait_fd(p[0], 0, clock_mono_ns() + 50000000ull), 1);
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(io_wait_fd(p[0], 0, clock_mono_ns() + 50000000ull), 0);
    assert_int_equal(io_wait_fd(-1, 0, clock_mono_ns()), -1);
    assert_int_equal(fiber_park(clock_mono_ns()), -1); /* not in a fiber */
    close(p[0]);
    close(p[1]);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waits_overlap_on_one_thread),
        cmocka_unit_test(a_slot_is_handed_to_the_next_fiber),
        cmocka_unit_test(io_wait_outside_a_fiber),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
