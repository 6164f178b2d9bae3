/* GET /external/http against the lab's mock upstream (BENCHLAB_UPSTREAM,
 * 100 ms): requests overlap on the default single-threaded server; an
 * upstream that goes away gives 502 JSON, the server stays healthy, keeps no
 * extra descriptors and recovers; an upstream that never answers gives 504,
 * also while a SIGTERM drain waits for it. (That every threading model
 * drains an in-flight call: test_resilience.c, test_sigterm_drains.) */
#include "client.h"
#include "forwarder.h"
#include "spawn.h"

#include <errno.h>
#include <pthread.h>
#include <sys/time.h>

static const char *upstream_url(void) {
    const char *u = getenv("BENCHLAB_UPSTREAM");
    return u && *u ? u : NULL;
}

#define need_upstream()                                                                            \
    do {                                                                                           \
        need_stack();                                                                              \
        if (upstream_url() == NULL)                                                                \
            skip();                                                                                \
    } while (0)

struct call {
    const char *base;
    long status;
    char error[64];
    int upstream_source; /* "source" was "upstream" */
};

static void *call_main(void *arg) {
    struct call *c = arg;
    struct http_resp r;
    c->status = http_to(c->base, "GET", "/external/http", NULL, NULL, 0, NULL, &r) == 0 && r.json
                    ? r.status
                    : -1;
    const char *src = json_string_value(json_object_get(r.json, "source"));
    const char *err = json_string_value(json_object_get(r.json, "error"));
    c->upstream_source = src != NULL && strcmp(src, "upstream") == 0;
    snprintf(c->error, sizeof c->error, "%s", err ? err : "");
    http_free(&r);
    return NULL;
}

/* n concurrent GET /external/http on base; returns the wall time in ms. */
static double concurrent_calls(const char *base, struct call *calls, int n) {
    pthread_t t[32];
    struct timeval a, b;
    gettimeofday(&a, NULL);
    for (int i = 0; i < n; i++) {
        calls[i] = (struct call){.base = base};
        pthread_create(&t[i], NULL, call_main, &calls[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    gettimeofday(&b, NULL);
    return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_usec - a.tv_usec) / 1e3;
}

/* 10 concurrent calls to a 100 ms upstream on the stack's default server (one
 * epoll thread) end together: one at a time they would need >= 1000 ms. */
static void test_calls_overlap_on_default_server(void **state) {
    (void)state;
    need_upstream();
#ifndef __ELF__
    skip(); /* no ELF interposition (macOS): the server blocks per call there */
#endif
    struct call warm;
    warm.base = stack_url();
    call_main(&warm);
    assert_int_equal(warm.status, 200);
    enum { N = 10 };
    struct call c[N];
    double ms = concurrent_calls(stack_url(), c, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(c[i].status, 200);
        assert_true(c[i].upstream_source);
    }
    if (ms >= 600.0)
        fail_msg("10 concurrent /external/http took %.0f ms: they did not overlap", ms);
}

static int upstream_port(void) {
    const char *c = strrchr(upstream_url(), ':');
    return c ? atoi(c + 1) : -1;
}

/* The upstream behind a forwarder that is cut off, then restored. For the
 * default model (asynchronous) and thread-per-conn (blocking). */
static void test_upstream_down_is_502_and_server_recovers(void **state) {
    (void)state;
    need_upstream();
    const char *models[][3] = {{"--threading", "epoll", NULL},
                               {"--threading", "thread-per-conn", NULL}};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        struct forwarder f;
        assert_int_equal(fwd_start(&f, 0, upstream_port()), 0);
        char up[64], base[128];
        snprintf(up, sizeof up, "http://127.0.0.1:%d", f.port);
        const char *args[] = {models[m][0], models[m][1], "--upstream", up, NULL};
        pid_t pid = spawn_server(args, base, sizeof base);
        assert_true(pid > 0);
        enum { N = 10 };
        struct call c[N];
        concurrent_calls(base, c, N);
        for (int i = 0; i < N; i++)
            assert_int_equal(c[i].status, 200);
        fwd_set_down(&f, 1);
        int fds_before = open_fds(pid);
        for (int round = 0; round < 3; round++) {
            concurrent_calls(base, c, N);
            for (int i = 0; i < N; i++) {
                if (c[i].status != 502 || strcmp(c[i].error, "bad_gateway") != 0)
                    fail_msg("%s: upstream down: %ld %s", models[m][1], c[i].status, c[i].error);
            }
            struct http_resp h;
            assert_int_equal(http_to(base, "GET", "/health", NULL, NULL, 0, NULL, &h), 0);
            assert_int_equal(h.status, 200);
            http_free(&h);
        }
        sleep_ms(200); /* the server has closed the client connections */
        int fds_after = open_fds(pid);
        if (fds_before >= 0 && fds_after > fds_before + 2)
            fail_msg("%s: %d descriptors before 30 failed calls, %d after", models[m][1],
                     fds_before, fds_after);
        fwd_set_down(&f, 0);
        concurrent_calls(base, c, N);
        for (int i = 0; i < N; i++)
            assert_int_equal(c[i].status, 200);
        assert_int_equal(stop_server(pid), 0);
        fwd_stop(&f);
    }
}

static int raw_connect(const char *base) {
    const char *colon = strrchr(base, ':');
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)atoi(colon + 1)),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends GET /external/http on a new raw connection; the fd. */
static int send_external_http(const char *base) {
    int fd = raw_connect(base);
    assert_true(fd >= 0);
    const char *req = "GET /external/http HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    return fd;
}

/* Reads one whole response (Content-Length framed); its status, 0 if none. */
static int read_response(int fd, char *buf, size_t len) {
    struct timeval tv = {15, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0) {
        got += (size_t)n;
        buf[got] = '\0';
        const char *end = strstr(buf, "\r\n\r\n");
        const char *cl = strcasestr(buf, "Content-Length:");
        if (end != NULL && cl != NULL && got >= (size_t)(end + 4 - buf) + (size_t)atol(cl + 15))
            break;
    }
    buf[got] = '\0';
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    return status;
}

/* An upstream that accepts and never answers: the call times out (5 s) with
 * 504, even though SIGTERM came meanwhile (the drain waits for it, then the
 * server exits 0). Asynchronous and blocking path side by side. */
static void test_silent_upstream_is_504_during_drain(void **state) {
    (void)state;
    need_stack();
    int silent = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(silent, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(silent, 16), 0); /* the kernel completes handshakes; nobody reads */
    assert_int_equal(getsockname(silent, (struct sockaddr *)&sa, &sl), 0);
    char up[64];
    snprintf(up, sizeof up, "http://127.0.0.1:%d", ntohs(sa.sin_port));
    const char *epoll[] = {"--upstream", up, NULL};
    const char *tpc[] = {"--upstream", up, "--threading", "thread-per-conn", NULL};
    char base_a[128], base_b[128];
    pid_t a = spawn_server(epoll, base_a, sizeof base_a);
    pid_t b = spawn_server(tpc, base_b, sizeof base_b);
    assert_true(a > 0 && b > 0);
    int fa = send_external_http(base_a), fb = send_external_http(base_b);
    for (int i = 0; i < 3; i++) { /* both requests are read and waiting */
        struct http_resp h;
        assert_int_equal(http_to(base_a, "GET", "/health", NULL, NULL, 0, NULL, &h), 0);
        http_free(&h);
        assert_int_equal(http_to(base_b, "GET", "/health", NULL, NULL, 0, NULL, &h), 0);
        http_free(&h);
    }
    sleep_ms(100);
    kill(a, SIGTERM);
    kill(b, SIGTERM);
    char buf[2048];
    int sa_status = read_response(fa, buf, sizeof buf);
    if (sa_status != 504 || strstr(buf, "gateway_timeout") == NULL)
        fail_msg("epoll: %d %.300s", sa_status, buf);
    int sb_status = read_response(fb, buf, sizeof buf);
    if (sb_status != 504 || strstr(buf, "gateway_timeout") == NULL)
        fail_msg("thread-per-conn: %d %.300s", sb_status, buf);
    assert_int_equal(stop_server(a), 0);
    assert_int_equal(stop_server(b), 0);
    close(fa);
    close(fb);
    close(silent);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calls_overlap_on_default_server),
        cmocka_unit_test(test_upstream_down_is_502_and_server_recovers),
        cmocka_unit_test(test_silent_upstream_is_504_during_drain),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
