/* Errors answered before any handler runs are JSON too: request line or
 * header fields over --max-header (431, 414 for the request line), the same
 * far beyond it (libmicrohttpd's own answers, made JSON by
 * src/server/http/mhd_errors.c), malformed request lines and fields (400),
 * bad Content-Length (400 / 413, one response, not libmicrohttpd 0.9.75's
 * doubled headers), unsupported HTTP versions (505). Each over a raw socket:
 * status, Content-Type, the {"error","detail"} body, the connection closed
 * after it, and the server still serving, without keeping descriptors. */
#include "client.h"
#include "forwarder.h"
#include "spawn.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>

struct raw_resp {
    int status;
    int status_lines; /* "HTTP/1." at the start of a line */
    int closed;       /* EOF or reset after the response */
    char ctype[64];
    json_t *json;
    char text[4096];
};

static int port_of(const char *base) {
    const char *c = strrchr(base, ':');
    return c ? atoi(c + 1) : -1;
}

/* Sends req (len bytes) on a new connection and reads until the server
 * closes it (or 5 s pass). The server may answer and close before reading
 * everything: send errors are expected then. */
static void raw_exchange(const char *base, const char *req, size_t len, struct raw_resp *out) {
    memset(out, 0, sizeof *out);
    int fd = fwd_connect(port_of(base));
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    size_t got = 0;
    ssize_t n;
    while (got + 1 < sizeof out->text &&
           (n = read(fd, out->text + got, sizeof out->text - 1 - got)) > 0)
        got += (size_t)n;
    out->closed = n == 0 || (n < 0 && errno == ECONNRESET);
    out->text[got] = '\0';
    close(fd);
    sscanf(out->text, "HTTP/1.%*d %d", &out->status);
    for (const char *p = out->text; (p = strstr(p, "HTTP/1.")) != NULL; p++)
        if (p == out->text || p[-1] == '\n')
            out->status_lines++;
    const char *ct = strcasestr(out->text, "\r\nContent-Type:");
    if (ct != NULL)
        sscanf(ct + 15, " %63[^\r\n]", out->ctype);
    const char *body = strstr(out->text, "\r\n\r\n");
    if (body != NULL)
        out->json = json_loads(body + 4, 0, NULL);
}

/* The request, the answer's status and error name, the connection closed. */
static void expect_early(const char *base, const char *req, size_t len, int status,
                         const char *error) {
    struct raw_resp r;
    raw_exchange(base, req, len, &r);
    if (r.status != status)
        print_message("request of %zu bytes answered:\n%.300s\n", len, r.text);
    assert_int_equal(r.status, status);
    assert_int_equal(r.status_lines, 1);
    assert_string_equal(r.ctype, "application/json");
    assert_non_null(r.json);
    assert_string_equal(jstr(r.json, "error"), error);
    assert_true(strlen(jstr(r.json, "detail")) > 0);
    assert_true(r.closed);
    json_decref(r.json);
}

static void expect_health(const char *base) {
    struct http_resp r;
    assert_int_equal(http_to(base, "GET", "/health", NULL, NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "ok");
    http_free(&r);
}

/* "GET <path> HTTP/1.1" with n header fields "X-Fill-<i>: <value_len bytes>". */
static char *request_with(const char *path, int fields, size_t value_len, size_t *len) {
    size_t cap = strlen(path) + 64 + (size_t)fields * (value_len + 32);
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = (size_t)snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: x\r\n", path);
    for (int i = 0; i < fields; i++) {
        n += (size_t)snprintf(buf + n, cap - n, "X-Fill-%d: ", i);
        memset(buf + n, 'v', value_len);
        n += value_len;
        memcpy(buf + n, "\r\n", 2);
        n += 2;
    }
    memcpy(buf + n, "\r\n", 3);
    *len = n + 2;
    return buf;
}

/* "/health?q=" followed by n bytes. */
static char *long_path(size_t n) {
    char *p = malloc(n + 16);
    assert_non_null(p);
    strcpy(p, "/health?q=");
    memset(p + 10, 'a', n);
    p[10 + n] = '\0';
    return p;
}

static void over_limit_cases(const char *base, size_t limit) {
    size_t len;
    /* One field over the limit; far over it (libmicrohttpd's own answer). */
    char *req = request_with("/health", 1, limit + 1024, &len);
    expect_early(base, req, len, 431, "header_too_large");
    free(req);
    req = request_with("/health", 1, limit * 4, &len);
    expect_early(base, req, len, 431, "header_too_large");
    free(req);
    /* Many fields adding up to more than the limit. */
    req = request_with("/echo", (int)(limit / 40), 60, &len);
    expect_early(base, req, len, 431, "header_too_large");
    free(req);
    /* A request line over the limit, and far over it. */
    char *path = long_path(limit + 100);
    req = request_with(path, 0, 0, &len);
    expect_early(base, req, len, 414, "uri_too_long");
    free(req);
    free(path);
    path = long_path(limit * 4);
    req = request_with(path, 0, 0, &len);
    expect_early(base, req, len, 414, "uri_too_long");
    free(req);
    free(path);
    expect_health(base);
}

static void test_oversized_headers_default_limit(void **state) {
    (void)state;
    need_stack();
    skip_unless_c_server("the header limit and its answers are benchlab-server's");
    const char *base = stack_url();
    over_limit_cases(base, 16 * 1024);
    /* Within the limit: many ordinary fields are served. */
    size_t len;
    char *req = request_with("/health", 150, 60, &len);
    assert_true(len > 10 * 1024);
    int fd = fwd_connect(port_of(base));
    assert_true(fd >= 0);
    assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
    free(req);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "HTTP/1.1 200"));
    assert_non_null(strstr(buf, "\"status\":\"ok\""));
    close(fd);
}

static void test_malformed_requests(void **state) {
    (void)state;
    need_stack();
    skip_unless_c_server("libmicrohttpd's protocol errors, answered as JSON by benchlab-server");
    const char *base = stack_url();
    static const struct {
        const char *req;
        int status;
        const char *error;
    } cases[] = {
        {"GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, "bad_request"},
        {"GET /health\r\n\r\n", 400, "bad_request"},
        {"GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400, "bad_request"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400, "bad_request"},
        {"POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "bad_request"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413,
         "payload_too_large"},
        {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
         "bad_request"},
        {"GET /health HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"},
        {"GET /health HTTP/0.9\r\n\r\n", 505, "http_version_not_supported"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_early(base, cases[i].req, strlen(cases[i].req), cases[i].status, cases[i].error);
    }
    expect_health(base);
}

/* --max-header moves the limit, in the thread-per-connection model too
 * (the hook is in front of ulfius in every model); repeated errors keep no
 * descriptors. */
static void test_max_header_flag_and_no_leak(void **state) {
    (void)state;
    need_stack();
    skip_unless_c_server("--max-header is a benchlab-server flag");
    const char *models[] = {"thread-per-conn", "epoll"};
    for (size_t m = 0; m < 2; m++) {
        const char *args[] = {"--threading", models[m], "--max-header", "4096", NULL};
        char base[128];
        pid_t pid = spawn_server(args, base, sizeof base);
        assert_true(pid > 0);
        over_limit_cases(base, 4096);
        size_t len;
        char *req = request_with("/health", 1, 3000, &len);
        int fd = fwd_connect(port_of(base));
        assert_true(fd >= 0);
        assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
        free(req);
        char buf[512];
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        assert_true(n > 0);
        buf[n] = '\0';
        assert_non_null(strstr(buf, "HTTP/1.1 200"));
        close(fd);
        int before = open_fds(pid);
        assert_true(before > 0);
        for (int i = 0; i < 20; i++)
            over_limit_cases(base, 4096);
        sleep_ms(200); /* thread-per-conn: the last threads close their sockets */
        int after = open_fds(pid);
        print_message("%s: %d descriptors before 100 refused requests, %d after\n", models[m],
                      before, after);
        assert_true(after <= before + 1);
        assert_int_equal(stop_server(pid), 0);
    }
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversized_headers_default_limit),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_max_header_flag_and_no_leak),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kill_spawned();
    curl_global_cleanup();
    return rc;
}
