/* /health, /echo, /protected, /upload, /external, /io, /cpu, routing errors. */
#include "client.h"

#include <pthread.h>

static void test_health(void **state) {
    (void)state;
    need_stack();
    json_t *j = GET_JSON("/health", 200);
    assert_string_equal(jstr(j, "status"), "ok");
    assert_string_equal(jstr(j, "server"), impl_under_test());
    json_decref(j);
}

static void test_echo(void **state) {
    (void)state;
    need_stack();
    const char *body = "{\"message\":\"Hello, benchmark!\",\"timestamp\":1,"
                       "\"data\":{\"items\":[1,2,3,4,5],\"nested\":{\"key\":\"value\"}}}";
    json_t *j = call_json("POST", "/echo", body, 200);
    assert_string_equal(jstr(j, "message"), "Hello, benchmark!");
    json_t *expect = json_loads("{\"items\":[1,2,3,4,5],\"nested\":{\"key\":\"value\"}}", 0, NULL);
    assert_true(json_equal(json_object_get(j, "data"), expect));
    assert_null(json_object_get(j, "timestamp"));
    json_decref(expect);
    json_decref(j);
    j = call_json("POST", "/echo", "{\"message\":\"m\"}", 200);
    assert_true(json_is_null(json_object_get(j, "data")));
    json_decref(j);
}

static void test_echo_errors(void **state) {
    (void)state;
    need_stack();
    const char *bad[] = {"{}",
                         "{\"message\":42}",
                         "{\"message\":null}",
                         "{\"message\":\"x\",\"data\":\"str\"}",
                         "[\"message\"]",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error("POST", "/echo", "application/json", bad[i], 422);
    const char *not_json[] = {"{\"message\":\"trunc", "not json"};
    for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++)
        expect_error("POST", "/echo", "application/json", not_json[i], malformed_json_status());
    /* Content-Type is not required to parse: the raw body is JSON. */
    expect_error("POST", "/echo", "text/plain", "{}", 422);
    expect_error("GET", "/echo", NULL, NULL, wrong_method_status());
}

static void test_protected(void **state) {
    (void)state;
    need_stack();
    const char *h[] = {"Authorization: Bearer test-token-12345", "X-Request-Id: req-3-7", NULL};
    struct http_resp r;
    assert_int_equal(http("GET", "/protected", NULL, NULL, 0, h, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "message"), "Access granted");
    assert_string_equal(jstr(r.json, "user"), "user_from_token_test-tok");
    assert_true(has_header(r.headers, "X-Request-Id: req-3-7"));
    http_free(&r);
    const char *bad[][2] = {{NULL, NULL},
                            {"Authorization: Bearer short", NULL},
                            {"Authorization: Basic dGVzdC10b2tlbi0xMjM0NQ==", NULL},
                            {"Authorization: Bearer ", NULL},
                            {"Authorization: Bearer a b c d e f g h i j k", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(http("GET", "/protected", NULL, NULL, 0, bad[i], &r), 0);
        assert_int_equal(r.status, 401);
        assert_string_equal(jstr(r.json, "error"), "unauthorized");
        http_free(&r);
    }
}

static void test_upload(void **state) {
    (void)state;
    need_stack();
    char body[2048];
    char file[1024];
    memset(file, 'a', sizeof file);
    int n = snprintf(body, sizeof body,
                     "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; "
                     "filename=\"test.txt\"\r\nContent-Type: text/plain\r\n\r\n");
    memcpy(body + n, file, sizeof file);
    n += (int)sizeof file;
    n += snprintf(body + n, sizeof body - (size_t)n, "\r\n--b0undary--\r\n");
    struct http_resp r;
    assert_int_equal(http("POST", "/upload", "multipart/form-data; boundary=b0undary", body,
                          (size_t)n, NULL, &r),
                     0);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "filename"), "test.txt");
    assert_int_equal(jint(r.json, "size"), 1024);
    assert_string_equal(jstr(r.json, "content_type"), "text/plain");
    http_free(&r);
    /* Missing field, wrong content type, truncated body, no boundary. */
    const char *nofile = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n";
    expect_error("POST", "/upload", "multipart/form-data; boundary=b", nofile, 422);
    expect_error("POST", "/upload", "application/json", "{}", 422);
    body[n - 30] = '\0'; /* cut inside the file's bytes: no closing boundary */
    expect_error("POST", "/upload", "multipart/form-data; boundary=b0undary", body, 422);
    expect_error("POST", "/upload", "multipart/form-data", nofile, 422);
}

static void test_body_limit(void **state) {
    (void)state;
    need_stack();
    skip_unless_c_server("the contract sets no body limit (10 MB is benchlab-server's --max-body)");
    size_t big = 10u * 1024 * 1024 + 1;
    char *body = malloc(big);
    assert_non_null(body);
    memset(body, ' ', big);
    struct http_resp r;
    assert_int_equal(http("POST", "/echo", "application/json", body, big, NULL, &r), 0);
    assert_int_equal(r.status, 413);
    assert_string_equal(jstr(r.json, "error"), "payload_too_large");
    http_free(&r);
    free(body);
    /* Still serving afterwards. */
    json_decref(GET_JSON("/health", 200));
}

static void test_routing_errors(void **state) {
    (void)state;
    need_stack();
    expect_error("GET", "/no/such/path", NULL, NULL, 404);
    expect_error("DELETE", "/health", NULL, NULL, wrong_method_status());
    expect_error("GET", "/column-overhead/medium", NULL, NULL, 404);
    expect_error("GET", "/n-plus-one/greedy", NULL, NULL, 404);
    expect_error("GET", "/aggregation/count/sql", NULL, NULL, 404);
    expect_error("POST", "/bulk-operations/insert-magic", NULL, NULL, 404);
    expect_error("POST", "/transactions/decrement/optimism", NULL, NULL, 404);
}

static void test_external(void **state) {
    (void)state;
    need_stack();
    json_t *j = GET_JSON("/external", 200);
    assert_string_equal(jstr(j, "source"), "simulated_external_api");
    double lat = json_real_value(json_object_get(j, "latency_ms"));
    assert_true(lat >= 99.0);
    assert_string_equal(jstr(json_object_get(j, "data"), "message"), "External API response");
    json_decref(j);
    j = GET_JSON("/io/sleep", 200);
    assert_string_equal(jstr(j, "status"), "ok");
    assert_true(json_real_value(json_object_get(j, "slept_ms")) >= 99.0);
    json_decref(j);
}

static void *external_worker(void *arg) {
    struct http_resp r;
    int rc = http("GET", "/external", NULL, NULL, 0, NULL, &r);
    *(long *)arg = rc == 0 && r.json ? r.status : -1;
    http_free(&r);
    return NULL;
}

/* Many waits at once all complete (the wait does not take a worker each). */
static void test_external_concurrent(void **state) {
    (void)state;
    need_stack();
    enum { N = 32 };
    pthread_t t[N];
    long status[N];
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, external_worker, &status[i]);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(status[i], 200);
    }
}

static void test_external_http(void **state) {
    (void)state;
    need_stack();
    if (getenv("BENCHLAB_UPSTREAM") == NULL)
        skip();
    json_t *j = GET_JSON("/external/http", 200);
    assert_string_equal(jstr(j, "source"), "upstream");
    assert_true(json_is_number(json_object_get(j, "latency_ms")));
    assert_non_null(json_object_get(j, "data"));
    json_decref(j);
}

static void test_cpu(void **state) {
    (void)state;
    need_stack();
    json_t *j = GET_JSON("/cpu/fibonacci?n=20", 200);
    assert_int_equal(jint(j, "n"), 20);
    assert_int_equal(jint(j, "result"), 6765);
    json_decref(j);
    j = GET_JSON("/cpu/fibonacci", 200);
    assert_int_equal(jint(j, "n"), 32);
    assert_int_equal(jint(j, "result"), 2178309);
    json_decref(j);
    expect_error("GET", "/cpu/fibonacci?n=36", NULL, NULL, 422);
    expect_error("GET", "/cpu/fibonacci?n=-1", NULL, NULL, 422);
    expect_error("GET", "/cpu/fibonacci?n=ten", NULL, NULL, 422);
    j = GET_JSON("/cpu/hash", 200);
    assert_int_equal(jint(j, "hash_length"), 60);
    json_decref(j);
    j = GET_JSON("/cpu/json-serialize", 200);
    assert_int_equal(jint(j, "items"), 10000);
    assert_true(jint(j, "bytes") > 10000 * 40);
    json_decref(j);
}

static void test_io_db_and_report(void **state) {
    (void)state;
    need_stack();
    json_t *db = GET_JSON("/io/db", 200);
    assert_int_equal(jint(db, "count"), 1000);
    json_t *authors = json_object_get(db, "authors");
    assert_int_equal(json_array_size(authors), 1000);
    long long posts = 0, views = 0, max_posts = 0;
    for (size_t i = 0; i < json_array_size(authors); i++) {
        json_t *a = json_array_get(authors, i);
        posts += jint(a, "post_count");
        views += jint(a, "total_views");
        if (jint(a, "post_count") > max_posts)
            max_posts = jint(a, "post_count");
    }
    json_t *rep = GET_JSON("/mixed/report", 200);
    json_t *sum = json_object_get(rep, "summary");
    assert_int_equal(jint(sum, "total_authors"), 1000);
    assert_int_equal(jint(sum, "total_posts"), posts);
    assert_int_equal(jint(sum, "total_views"), views);
    json_t *top = json_object_get(rep, "top_by_posts");
    assert_int_equal(json_array_size(top), 10);
    assert_int_equal(jint(json_array_get(top, 0), "post_count"), max_posts);
    assert_int_equal(json_array_size(json_object_get(rep, "top_by_views")), 10);
    json_decref(rep);
    json_decref(db);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_echo_errors),
        cmocka_unit_test(test_protected),
        cmocka_unit_test(test_upload),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_routing_errors),
        cmocka_unit_test(test_external),
        cmocka_unit_test(test_external_concurrent),
        cmocka_unit_test(test_external_http),
        cmocka_unit_test(test_cpu),
        cmocka_unit_test(test_io_db_and_report),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
