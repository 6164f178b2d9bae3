/* Unit tests for GET /external/http answered without a thread: a ulfius
 * instance with one epoll thread, wired as server.c wires it (access hook,
 * completion notice), in front of the tiny upstream. Concurrent requests
 * overlap; the status is chosen when the call ends (200, 502); other methods
 * reach ulfius; stopping answers a request still waiting with 503. */
#include "tiny_upstream.h"

#include <jansson.h>
#include <signal.h>
#include <ulfius.h>

#include "common/clock.h"
#include "server/http/access_hook.h"
#include "server/http/upstream_async.h"

/* The hook relies on ELF symbol interposition (Linux); elsewhere (Mach-O's
 * two-level namespace) it is not installed and the server keeps its blocking
 * path, so there is nothing to test. */
#ifdef __ELF__
#define need_interposition() ((void)0)
#else
#define need_interposition() skip()
#endif

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
    upstream_async_request_completed(conn);
    mhd_request_completed(cls, conn, con_cls, toe);
}

static int not_hooked(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)req;
    (void)data;
    ulfius_set_string_body_response(resp, 418, "ulfius");
    return U_CALLBACK_COMPLETE;
}

struct server {
    struct _u_instance inst;
    unsigned port;
};

static void server_start(struct server *s, const char *upstream_url) {
    assert_int_equal(upstream_async_init(upstream_url), 0);
    assert_int_equal(ulfius_init_instance(&s->inst, 1, NULL, NULL), U_OK);
    ulfius_set_default_endpoint(&s->inst, not_hooked, NULL);
    access_hook_arm(&s->inst, upstream_async_access);
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

/* The order of server.c: end upstream calls, stop the daemon, free. */
static void server_stop(struct server *s) {
    upstream_async_stop();
    ulfius_stop_framework(&s->inst);
    ulfius_clean_instance(&s->inst);
    upstream_async_free();
    access_hook_disarm();
}

struct reply {
    unsigned port;
    const char *method, *path, *body;
    long status;
    json_t *json;
    char text[4096];
    size_t len;
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
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
    if (r->body != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r->status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    r->json = json_loadb(r->text, r->len, 0, NULL);
    return NULL;
}

static struct reply get(unsigned port, const char *method, const char *path, const char *body) {
    struct reply r = {.port = port, .method = method, .path = path, .body = body};
    request(&r);
    return r;
}

static const char *error_of(const struct reply *r) {
    return json_string_value(json_object_get(r->json, "error"));
}

/* 8 concurrent requests, one MHD thread, a 300 ms upstream: all 200 in far
 * less than the 2.4 s they would take one at a time. */
static void requests_overlap_on_one_thread(void **state) {
    (void)state;
    need_interposition();
    struct upstream up;
    upstream_up(&up, ANSWER, 300);
    char url[64];
    url_of(&up, url, sizeof url);
    struct server s;
    server_start(&s, url);
    enum { N = 8 };
    struct reply r[N];
    pthread_t t[N];
    uint64_t start = clock_mono_ns();
    for (int i = 0; i < N; i++) {
        r[i] = (struct reply){.port = s.port, .method = "GET", .path = "/external/http"};
        pthread_create(&t[i], NULL, request, &r[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    double ms = (double)(clock_mono_ns() - start) / 1e6;
    for (int i = 0; i < N; i++) {
        if (r[i].status != 200)
            fail_msg("request %d: %ld %s", i, r[i].status, r[i].text);
        assert_string_equal(json_string_value(json_object_get(r[i].json, "source")), "upstream");
        assert_true(json_real_value(json_object_get(r[i].json, "latency_ms")) >= 299.0);
        assert_true(json_is_true(json_object_get(json_object_get(r[i].json, "data"), "ok")));
        json_decref(r[i].json);
    }
    if (ms >= 1800.0)
        fail_msg("8 requests of 300 ms took %.0f ms: they did not overlap", ms);
    /* The same connection-less client again, a body on the GET, a trailing slash. */
    struct reply b = get(s.port, "GET", "/external/http/", "ignored body");
    assert_int_equal(b.status, 200);
    json_decref(b.json);
    server_stop(&s);
    upstream_down(&up);
}

static void down_upstream_is_502_and_other_methods_reach_ulfius(void **state) {
    (void)state;
    need_interposition();
    struct upstream up;
    upstream_up(&up, ANSWER, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    upstream_down(&up); /* refused from now on */
    struct server s;
    server_start(&s, url);
    for (int i = 0; i < 3; i++) {
        struct reply r = get(s.port, "GET", "/external/http", NULL);
        assert_int_equal(r.status, 502);
        assert_non_null(r.json);
        assert_string_equal(error_of(&r), "bad_gateway");
        json_decref(r.json);
    }
    struct reply p = get(s.port, "POST", "/external/http", "x");
    assert_int_equal(p.status, 418);
    struct reply o = get(s.port, "GET", "/external/httpx", NULL);
    assert_int_equal(o.status, 418);
    server_stop(&s);
}

/* A request waiting on an upstream that never answers is answered 503 when
 * the server stops the upstream calls (what the drain's end does). */
static void stop_answers_a_waiting_request(void **state) {
    (void)state;
    need_interposition();
    struct upstream up;
    upstream_up(&up, SILENT, 0);
    char url[64];
    url_of(&up, url, sizeof url);
    struct server s;
    server_start(&s, url);
    struct reply r = {.port = s.port, .method = "GET", .path = "/external/http"};
    pthread_t t;
    pthread_create(&t, NULL, request, &r);
    sleep_ms(300); /* the request is in and suspended */
    upstream_async_stop();
    pthread_join(t, NULL);
    assert_int_equal(r.status, 503);
    assert_string_equal(error_of(&r), "service_unavailable");
    json_decref(r.json);
    server_stop(&s);
    upstream_down(&up);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_overlap_on_one_thread),
        cmocka_unit_test(down_upstream_is_502_and_other_methods_reach_ulfius),
        cmocka_unit_test(stop_answers_a_waiting_request),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
