/* Bad input never gives 5xx or leaks a pool slot; PostgreSQL/Redis outages
 * give 503 and the server recovers; idle and slow connections do not block
 * others; SIGTERM drains in-flight requests and exits 0; prefork workers. */
#include "client.h"
#include "forwarder.h"
#include "spawn.h"

#include <errno.h>
#include <sys/time.h>

/* BENCHLAB_PG with its port replaced; the original port in *port. */
static int pg_with_port(const char *dsn, int newport, char *out, size_t len, int *port) {
    const char *p = strstr(dsn, "port=");
    if (p == NULL)
        return -1;
    *port = atoi(p + 5);
    const char *end = p + 5;
    while (*end >= '0' && *end <= '9')
        end++;
    snprintf(out, len, "%.*sport=%d%s", (int)(p - dsn), dsn, newport, end);
    return 0;
}

static int redis_port(const char *url) {
    const char *c = strrchr(url, ':');
    return c ? atoi(c + 1) : -1;
}

static long status_of(const char *base, const char *method, const char *path) {
    struct http_resp r;
    long st = http_to(base, method, path, NULL, NULL, 0, NULL, &r) == 0 ? r.status : -1;
    if (st == 503)
        assert_string_equal(jstr(r.json, "error"), "service_unavailable");
    http_free(&r);
    return st;
}

/* The status of path once it is `want`, polling for up to 3 s: after an
 * outage the server answers 503 at once until its background probe (every
 * 200 ms) reaches the dependency again (db/dep_guard.h). */
static long status_within(const char *base, const char *method, const char *path, long want) {
    long st = -1;
    for (int i = 0; i < 60; i++) {
        st = status_of(base, method, path);
        if (st == want)
            break;
        usleep(50 * 1000);
    }
    return st;
}

static void test_outage_and_recovery(void **state) {
    (void)state;
    need_stack();
    const char *pg = getenv("BENCHLAB_PG"), *redis = getenv("BENCHLAB_REDIS");
    if (pg == NULL || redis == NULL)
        skip();
    char dsn[512], rurl[128];
    int pg_port, rport = redis_port(redis);
    struct forwarder fpg, frd;
    assert_int_equal(pg_with_port(pg, 0, dsn, sizeof dsn, &pg_port), 0);
    assert_int_equal(fwd_start(&fpg, 0, pg_port), 0);
    assert_int_equal(fwd_start(&frd, 0, rport), 0);
    pg_with_port(pg, fpg.port, dsn, sizeof dsn, &pg_port);
    snprintf(rurl, sizeof rurl, "redis://127.0.0.1:%d", frd.port);
    const char *args[] = {"--pg", dsn, "--redis", rurl, "--db-pool", "2", NULL};
    char base[128];
    pid_t pid = spawn_server(args, base, sizeof base);
    assert_true(pid > 0);
    assert_int_equal(status_of(base, "GET", "/users/1"), 200);
    assert_int_equal(status_of(base, "GET", "/cache/users/1/cached"), 200);
    fwd_set_down(&fpg, 1);
    fwd_set_down(&frd, 1);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(status_of(base, "GET", "/users/1"), 503);
        assert_int_equal(status_of(base, "GET", "/users"), 503);
        assert_int_equal(status_of(base, "GET", "/cache/users/1/cached"), 503);
        assert_int_equal(status_of(base, "POST", "/auth/login/session?user_id=1"), 503);
    }
    assert_int_equal(status_of(base, "GET", "/health"), 200);
    fwd_set_down(&fpg, 0);
    fwd_set_down(&frd, 0);
    assert_int_equal(status_within(base, "GET", "/users/1", 200), 200);
    assert_int_equal(status_within(base, "GET", "/cache/users/1/cached", 200), 200);
    assert_int_equal(status_of(base, "GET", "/n-plus-one/subquery"), 200);
    assert_int_equal(status_of(base, "DELETE", "/cache/flush"), 200); /* the key cached above */
    assert_int_equal(stop_server(pid), 0);
    fwd_stop(&fpg);
    fwd_stop(&frd);
}

/* Every write endpoint with hostile bodies: always a 4xx (or 2xx), never 5xx. */
static void test_garbage_never_5xx(void **state) {
    (void)state;
    need_stack();
    const char *paths[][2] = {{"POST", "/echo"},
                              {"POST", "/users"},
                              {"PUT", "/users/1"},
                              {"POST", "/upload"},
                              {"POST", "/auth/login/jwt?user_id=1"},
                              {"GET", "/auth/protected/jwt"},
                              {"POST", "/transactions/decrement/optimistic?product_id=9"}};
    const char *ctypes[] = {"application/json", "multipart/form-data; boundary=x",
                            "multipart/form-data; boundary=", "text/plain", NULL};
    unsigned seed = 12345;
    char body[4096];
    for (int round = 0; round < 40; round++) {
        size_t len = (size_t)(rand_r(&seed) % (int)sizeof body);
        for (size_t i = 0; i < len; i++)
            body[i] = (char)(rand_r(&seed) % 256);
        if (round % 3 == 0 && len > 20)
            memcpy(body, "{\"message\":\"", 12); /* mostly-JSON prefixes */
        if (round % 5 == 0 && len > 30)
            memcpy(body, "--x\r\nContent-Disposition: ", 26);
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
            struct http_resp r;
            const char *ct = ctypes[(size_t)round % (sizeof ctypes / sizeof ctypes[0])];
            assert_int_equal(http(paths[k][0], paths[k][1], ct, body, len, NULL, &r), 0);
            if (r.status >= 500)
                fail_msg("%s %s answered %ld to garbage", paths[k][0], paths[k][1], r.status);
            http_free(&r);
        }
    }
    /* Hostile query strings and headers. */
    const char *queries[] = {"/users/offset?page=%00",
                             "/users/offset?page=1&page=2&size=%ff",
                             "/n-plus-one/lazy?limit=1e2",
                             "/users/cursor?cursor=0x10",
                             "/cpu/fibonacci?n=99999999999999999999999",
                             "/column-overhead/type/int?limit=+",
                             "/users/%2e%2e",
                             "/cache/users/1%00/cached"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        long st = status_of(stack_url(), "GET", queries[i]);
        if (st < 200 || st >= 500)
            fail_msg("GET %s answered %ld", queries[i], st);
    }
    char hdr[20000];
    memset(hdr, 'a', sizeof hdr);
    memcpy(hdr, "X-Big: ", 7);
    hdr[sizeof hdr - 1] = '\0';
    const char *hs[] = {hdr, NULL};
    struct http_resp r;
    assert_int_equal(http("GET", "/health", NULL, NULL, 0, hs, &r), 0);
    assert_true(r.status == 200 || (r.status >= 400 && r.status < 500));
    http_free(&r);
    assert_int_equal(status_of(stack_url(), "GET", "/health"), 200);
}

/* With a pool of 2, many failing requests must not use up the slots. */
static void test_errors_do_not_leak_pool_slots(void **state) {
    (void)state;
    need_stack();
    const char *pg = getenv("BENCHLAB_PG"), *redis = getenv("BENCHLAB_REDIS");
    if (pg == NULL || redis == NULL)
        skip();
    const char *args[] = {"--pg", pg, "--redis", redis, "--db-pool", "2", NULL};
    char base[128];
    pid_t pid = spawn_server(args, base, sizeof base);
    assert_true(pid > 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(status_of(base, "GET", "/users/999999"), 404);
        assert_int_equal(status_of(base, "GET", "/transactions/products/999999"), 404);
        struct http_resp r;
        const char *upd = "{\"email\":\"user2@example.com\"}"; /* duplicate: 409 */
        assert_int_equal(
            http_to(base, "PUT", "/users/1", "application/json", upd, strlen(upd), NULL, &r), 0);
        assert_int_equal(r.status, 409);
        http_free(&r);
        /* Insufficient stock inside a FOR UPDATE transaction, then a serializable one. */
        assert_int_equal(
            status_of(base, "POST",
                      "/transactions/decrement/pessimistic?product_id=10&quantity=999999"),
            200);
        assert_int_equal(
            status_of(base, "POST",
                      "/transactions/decrement/serializable?product_id=10&quantity=999999"),
            200);
        assert_int_equal(status_of(base, "GET", "/auth/protected/session"), 401);
    }
    /* Both slots still usable, and no transaction was left open. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(status_of(base, "GET", "/users"), 200);
    json_t *p = NULL;
    struct http_resp r;
    assert_int_equal(http_to(base, "GET", "/transactions/products/10", NULL, NULL, 0, NULL, &r), 0);
    p = r.json;
    assert_int_equal(jint(p, "stock"), 1000);
    http_free(&r);
    assert_int_equal(stop_server(pid), 0);
}

static int raw_connect(const char *base) {
    const char *c = strrchr(base, ':');
    return fwd_connect(atoi(c + 1));
}

/* A connection that sends half a request and one that sends nothing do not
 * block other clients; idle ones are closed after --conn-timeout. */
static void test_slow_and_idle_connections(void **state) {
    (void)state;
    need_stack();
    const char *args[] = {"--threading", "epoll", "--conn-timeout", "1", NULL};
    char base[128];
    pid_t pid = spawn_server(args, base, sizeof base);
    assert_true(pid > 0);
    int idle = raw_connect(base), slow = raw_connect(base);
    assert_true(idle >= 0 && slow >= 0);
    const char *half = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mess";
    assert_int_equal(write(slow, half, strlen(half)), (ssize_t)strlen(half));
    for (int i = 0; i < 5; i++)
        assert_int_equal(status_of(base, "GET", "/health"), 200);
    /* After the timeout the server has closed both (read sees EOF or reset). */
    struct timeval tv = {5, 0};
    setsockopt(idle, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t a = read(idle, buf, sizeof buf);
    assert_true(a == 0 || (a < 0 && errno == ECONNRESET));
    ssize_t b;
    while ((b = read(slow, buf, sizeof buf)) > 0)
        ; /* an error response may come first */
    assert_true(b == 0 || (b < 0 && errno == ECONNRESET));
    close(idle);
    close(slow);
    assert_int_equal(status_of(base, "GET", "/health"), 200);
    assert_int_equal(stop_server(pid), 0);
}

/* Reads a whole HTTP response from fd; returns its status (0 if none). */
static int read_status(int fd, char *buf, size_t len) {
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0) {
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "}") != NULL && strstr(buf, "\r\n\r\n") != NULL)
            break; /* the JSON body ended */
    }
    buf[got] = '\0';
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    return status;
}

/* SIGTERM while /external waits (and /external/http on the lab's mock
 * upstream, when the stack has one): both requests still complete, exit 0.
 * For every threading model and for prefork workers. The requests are sent on
 * raw connections before the signal, and a few /health round trips make sure
 * the server has accepted and read them. (The one SIGTERM-drain test: a
 * blocking handler and an asynchronous upstream call side by side.) */
static void test_sigterm_drains(void **state) {
    (void)state;
    need_stack();
    const char *models[][5] = {
        {"--threading", "select", NULL},          {"--threading", "poll", NULL},
        {"--threading", "epoll", NULL},           {"--threading", "pool", "--threads", "2", NULL},
        {"--threading", "thread-per-conn", NULL}, {"--workers", "2", NULL}};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char base[128];
        pid_t pid = spawn_server(models[m], base, sizeof base);
        if (pid <= 0)
            fail_msg("server did not start with %s %s", models[m][0], models[m][1]);
        const char *up = getenv("BENCHLAB_UPSTREAM");
        const char *paths[] = {"/external", up && *up ? "/external/http" : NULL};
        const char *want[] = {"simulated_external_api", "\"upstream\""};
        int fd[2] = {-1, -1};
        for (int k = 0; k < 2 && paths[k]; k++) {
            char req[128];
            snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", paths[k]);
            fd[k] = raw_connect(base);
            assert_true(fd[k] >= 0);
            assert_int_equal(write(fd[k], req, strlen(req)), (ssize_t)strlen(req));
        }
        for (int i = 0; i < 3; i++)
            assert_int_equal(status_of(base, "GET", "/health"), 200);
        int rc = stop_server(pid);
        for (int k = 0; k < 2 && paths[k]; k++) {
            char buf[2048];
            int st = read_status(fd[k], buf, sizeof buf);
            close(fd[k]);
            if (rc != 0 || st != 200 || strstr(buf, want[k]) == NULL)
                fail_msg("%s %s: exit %d, in-flight %s answered %d: %.200s", models[m][0],
                         models[m][1], rc, paths[k], st, buf);
        }
    }
}

static void test_bad_flags_exit_2(void **state) {
    (void)state;
    const char *build = getenv("BUILD");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s/benchlab-server --threading fork 2>/dev/null",
             build && *build ? build : "build");
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 2);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_and_recovery),
        cmocka_unit_test(test_garbage_never_5xx),
        cmocka_unit_test(test_errors_do_not_leak_pool_slots),
        cmocka_unit_test(test_slow_and_idle_connections),
        cmocka_unit_test(test_sigterm_drains),
        cmocka_unit_test(test_bad_flags_exit_2),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
