/* --fast-routes on answers GET /health and POST /echo without ulfius' per-request
 * work (src/server/http/fast_routes.c). It must not change what a client sees:
 * every request here goes to the stack's server (fast routes off, the default)
 * and to a private server with them on, and the two answers must agree on the
 * status, the Content-Type and the JSON body. */
#include "client.h"
#include "spawn.h"

/* The Content-Type header line's value, or "" (headers are "Name: value\r\n" lines). */
static void content_type(const char *headers, char *out, size_t n) {
    out[0] = '\0';
    for (const char *p = headers; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > 14 && strncasecmp(p, "content-type: ", 14) == 0) {
            snprintf(out, n, "%.*s", (int)(len - 14), p + 14);
            return;
        }
        p = eol ? eol + 2 : p + len;
    }
}

static void same_answer(const char *fast, const char *method, const char *path, const char *ctype,
                        const char *body, size_t blen) {
    struct http_resp a, b;
    assert_int_equal(http(method, path, ctype, body, blen, NULL, &a), 0);
    assert_int_equal(http_to(fast, method, path, ctype, body, blen, NULL, &b), 0);
    if (a.status != b.status)
        fail_msg("%s %s: status %ld through ulfius, %ld with fast routes", method, path, a.status,
                 b.status);
    char ca[128], cb[128];
    content_type(a.headers, ca, sizeof ca);
    content_type(b.headers, cb, sizeof cb);
    assert_string_equal(ca, cb);
    if ((a.json == NULL) != (b.json == NULL) || (a.json && !json_equal(a.json, b.json)))
        fail_msg("%s %s: bodies differ:\n  ulfius: %.*s\n  fast:   %.*s", method, path, (int)a.len,
                 a.body ? a.body : "", (int)b.len, b.body ? b.body : "");
    http_free(&a);
    http_free(&b);
}

static void fast_routes_answer_like_ulfius(void **state) {
    (void)state;
    need_stack();
    skip_unless_c_server("--fast-routes is a benchlab-server flag");
    const char *args[] = {"--fast-routes", "on", NULL};
    char fast[128];
    pid_t pid = spawn_server(args, fast, sizeof fast);
    assert_true(pid > 0);
    const char *echo = "{\"message\":\"Hello, benchmark!\",\"timestamp\":1700000000000,"
                       "\"data\":{\"items\":[1,2,3,4,5],\"nested\":{\"key\":\"value\"}}}";
    same_answer(fast, "GET", "/health", NULL, NULL, 0);
    same_answer(fast, "POST", "/echo", "application/json", echo, strlen(echo));
    same_answer(fast, "POST", "/echo", "text/plain", echo, strlen(echo));
    const char *bad[] = {"{}", "{\"message\":42}", "[1]", "", "{\"message\":\"trunc", "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        same_answer(fast, "POST", "/echo", "application/json", bad[i], strlen(bad[i]));
    /* other methods and URIs are ulfius' in both (405 with Allow, 404) */
    same_answer(fast, "GET", "/echo", NULL, NULL, 0);
    same_answer(fast, "POST", "/health", NULL, NULL, 0);
    same_answer(fast, "GET", "/health?x=1", NULL, NULL, 0);
    same_answer(fast, "GET", "/health/", NULL, NULL, 0);
    size_t big = 10u * 1024 * 1024 + 1; /* over the default --max-body: 413 */
    char *body = malloc(big);
    assert_non_null(body);
    memset(body, ' ', big);
    same_answer(fast, "POST", "/echo", "application/json", body, big);
    free(body);
    assert_int_equal(stop_server(pid), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(fast_routes_answer_like_ulfius)};
    curl_global_init(CURL_GLOBAL_ALL);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kill_spawned();
    curl_global_cleanup();
    return rc;
}
