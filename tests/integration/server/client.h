/* A tiny HTTP client for the server's integration tests (libcurl + jansson),
 * header-only because each test_*.c is linked on its own. Tests call
 * need_stack() first: it skips (cmocka skip) when BENCHLAB_URL is unset. */
#ifndef BENCHLAB_TESTS_SERVER_CLIENT_H
#define BENCHLAB_TESTS_SERVER_CLIENT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct http_resp {
    long status;
    char *body;
    size_t len;
    char *headers;
    size_t hlen;
    json_t *json; /* parsed body, NULL when not JSON */
};

static inline const char *stack_url(void) {
    const char *u = getenv("BENCHLAB_URL");
    return u && *u ? u : NULL;
}

#define need_stack()                                                                               \
    do {                                                                                           \
        if (stack_url() == NULL)                                                                   \
            skip();                                                                                \
    } while (0)

/* The implementation under test: BENCHLAB_EXPECT_NAME, the `server` its
 * /health names (default c-ulfius). tests/integration/peers_suite.sh runs the
 * HTTP-only tests against each peer with it set. Where the contract is
 * silent and a peer's framework answers otherwise, docs/peers.md ("Where the
 * contract is silent") records the answer and the tests expect exactly that. */
static inline const char *impl_under_test(void) {
    const char *n = getenv("BENCHLAB_EXPECT_NAME");
    return n && *n ? n : "c-ulfius";
}

static inline int impl_is(const char *name) {
    return strcmp(impl_under_test(), name) == 0;
}

/* peers/fastapi and peers/fastapi-strict: one stack, the same answers. */
static inline int impl_is_fastapi(void) {
    return impl_is("fastapi") || impl_is("fastapi-strict");
}

/* Skips a test of something the contract leaves to benchlab-server (its own
 * options and names), saying why, when a peer is under test. */
#define skip_unless_c_server(why)                                                                  \
    do {                                                                                           \
        if (!impl_is("c-ulfius")) {                                                                \
            print_message("SKIP on %s: %s\n", impl_under_test(), why);                             \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* A body that is not JSON at all: 422 (benchlab-server, FastAPI); Express's
 * body parser answers 400 entity.parse.failed before any route runs, DRF's
 * JSONParser a 400 ParseError, Rails' params parser a 400 Bad Request. */
static inline long malformed_json_status(void) {
    return impl_is("express") || impl_is("django") || impl_is("rails") ? 400 : 422;
}

/* A known path with a method it lacks: 405; Express and Rails route by
 * method and path, so it is an unknown route there (404). */
static inline long wrong_method_status(void) {
    return impl_is("express") || impl_is("rails") ? 404 : 405;
}

/* An empty query value (?page=): the default, except where the framework
 * validates "" as an integer (FastAPI): 422. */
static inline int empty_query_is_invalid(void) {
    return impl_is_fastapi();
}

/* Header names are case-insensitive (uvicorn sends them in lower case). */
static inline int has_header(const char *headers, const char *line) {
    return headers != NULL && strcasestr(headers, line) != NULL;
}

static inline size_t client_append(char *p, size_t sz, size_t n, void *ud) {
    char **bufs = ud; /* [0] = data, [1] = (char *)&len */
    size_t *len = (size_t *)bufs[1];
    size_t add = sz * n;
    char *nb = realloc(bufs[0], *len + add + 1);
    if (nb == NULL)
        return 0;
    memcpy(nb + *len, p, add);
    *len += add;
    nb[*len] = '\0';
    bufs[0] = nb;
    return add;
}

/* One request to base + path. headers: NULL-terminated "Name: value" list. */
static inline int http_to(const char *base, const char *method, const char *path, const char *ctype,
                          const char *body, size_t blen, const char *const *headers,
                          struct http_resp *out) {
    memset(out, 0, sizeof *out);
    CURL *c = curl_easy_init();
    if (c == NULL)
        return -1;
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct curl_slist *hl = NULL;
    char ct[256];
    if (ctype != NULL) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        hl = curl_slist_append(hl, ct);
    }
    hl = curl_slist_append(hl, "Expect:");
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    char *bb[2] = {NULL, (char *)&out->len};
    char *hb[2] = {NULL, (char *)&out->hlen};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, client_append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, bb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, client_append);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, hb);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
    } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    if (strcmp(method, "GET") == 0)
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    out->body = bb[0];
    out->headers = hb[0];
    if (out->body != NULL)
        out->json = json_loadb(out->body, out->len, JSON_DECODE_ANY, NULL);
    return rc == CURLE_OK ? 0 : -1;
}

static inline int http(const char *method, const char *path, const char *ctype, const char *body,
                       size_t blen, const char *const *headers, struct http_resp *out) {
    return http_to(stack_url(), method, path, ctype, body, blen, headers, out);
}

static inline void http_free(struct http_resp *r) {
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* Requests and asserts the status; returns the parsed JSON (new reference). */
static inline json_t *call_json(const char *method, const char *path, const char *json_body,
                                long expect) {
    struct http_resp r;
    int rc = http(method, path, json_body ? "application/json" : NULL, json_body,
                  json_body ? strlen(json_body) : 0, NULL, &r);
    if (rc != 0 || r.status != expect)
        fail_msg("%s %s: expected %ld, got %ld: %.300s", method, path, expect, r.status,
                 r.body ? r.body : "(no body)");
    json_t *j = r.json ? json_incref(r.json) : NULL;
    http_free(&r);
    return j;
}

#define GET_JSON(path, status) call_json("GET", path, NULL, status)

/* Asserts an error response: status and {"error": string, "detail": string}. */
static inline void expect_error(const char *method, const char *path, const char *ctype,
                                const char *body, long status) {
    struct http_resp r;
    assert_int_equal(http(method, path, ctype, body, body ? strlen(body) : 0, NULL, &r), 0);
    if (r.status != status)
        fail_msg("%s %s: expected %ld, got %ld: %.300s", method, path, status, r.status,
                 r.body ? r.body : "");
    assert_non_null(r.json);
    assert_true(json_is_string(json_object_get(r.json, "error")));
    assert_true(json_is_string(json_object_get(r.json, "detail")));
    http_free(&r);
}

static inline long long jint(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("field %s is not an integer", key);
    return json_integer_value(v);
}

static inline const char *jstr(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("field %s is not a string", key);
    return json_string_value(v);
}

#endif
