/* Unit tests for the /external/http answer chosen from an upstream call's
 * outcome (status and JSON body). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "server/http/upstream_answer.h"

/* The answer for r, parsed; its status in *status. */
static json_t *answer_of(struct upstream_result *r, double latency, unsigned *status) {
    char *body = NULL;
    size_t len = 0;
    *status = upstream_answer(r, latency, &body, &len);
    assert_non_null(body);
    assert_int_equal(strlen(body), len);
    json_t *j = json_loadb(body, len, 0, NULL);
    free(body);
    assert_non_null(j);
    return j;
}

static struct upstream_result result(CURLcode code, long status, const char *body) {
    struct upstream_result r = {code, status, 0, NULL, 0};
    if (body != NULL) {
        r.body = strdup(body);
        r.len = strlen(body);
    }
    return r;
}

/* An error answer: the status and {"error": error, "detail": contains detail}. */
static void expect_error(struct upstream_result r, unsigned status, const char *error,
                         const char *detail) {
    unsigned got;
    json_t *j = answer_of(&r, 1.0, &got);
    assert_int_equal(got, status);
    assert_string_equal(json_string_value(json_object_get(j, "error")), error);
    const char *d = json_string_value(json_object_get(j, "detail"));
    assert_non_null(d);
    if (strstr(d, detail) == NULL)
        fail_msg("detail '%s' does not mention '%s'", d, detail);
    assert_null(json_object_get(j, "source"));
    json_decref(j);
    upstream_result_clear(&r);
}

static void success_wraps_the_upstream_json(void **state) {
    (void)state;
    struct upstream_result r = result(CURLE_OK, 200, "{\"source\":\"mock_upstream\",\"n\":[1,2]}");
    unsigned status;
    json_t *j = answer_of(&r, 101.25, &status);
    assert_int_equal(status, 200);
    assert_string_equal(json_string_value(json_object_get(j, "source")), "upstream");
    assert_true(json_is_real(json_object_get(j, "latency_ms")));
    assert_true(json_real_value(json_object_get(j, "latency_ms")) == 101.25);
    json_t *data = json_object_get(j, "data");
    json_t *want = json_loads("{\"source\":\"mock_upstream\",\"n\":[1,2]}", 0, NULL);
    assert_true(json_equal(data, want));
    json_decref(want);
    json_decref(j);
    upstream_result_clear(&r);
    assert_null(r.body);
}

static void any_2xx_is_success_and_an_empty_body_is_null(void **state) {
    (void)state;
    struct upstream_result r = result(CURLE_OK, 204, NULL);
    unsigned status;
    json_t *j = answer_of(&r, 3.0, &status);
    assert_int_equal(status, 200);
    assert_true(json_is_null(json_object_get(j, "data")));
    json_decref(j);
    r = result(CURLE_OK, 201, "[1]");
    j = answer_of(&r, 3.0, &status);
    assert_int_equal(status, 200);
    assert_true(json_is_array(json_object_get(j, "data")));
    json_decref(j);
    upstream_result_clear(&r);
}

static void failures_are_502(void **state) {
    (void)state;
    expect_error(result(CURLE_OK, 500, "{\"x\":1}"), 502, "bad_gateway", "HTTP 500");
    expect_error(result(CURLE_OK, 404, NULL), 502, "bad_gateway", "HTTP 404");
    expect_error(result(CURLE_OK, 301, NULL), 502, "bad_gateway", "HTTP 301");
    expect_error(result(CURLE_OK, 200, "<html>"), 502, "bad_gateway", "not JSON");
    expect_error(result(CURLE_COULDNT_CONNECT, 0, NULL), 502, "bad_gateway", "upstream: ");
    struct upstream_result big = result(CURLE_WRITE_ERROR, 200, NULL);
    big.too_large = 1;
    expect_error(big, 502, "bad_gateway", "more than");
}

static void timeout_is_504_and_shutdown_503(void **state) {
    (void)state;
    expect_error(result(CURLE_OPERATION_TIMEDOUT, 0, NULL), 504, "gateway_timeout", "within");
    /* a timeout after the status line arrived is still a timeout */
    expect_error(result(CURLE_OPERATION_TIMEDOUT, 200, "{\"par"), 504, "gateway_timeout", "within");
    expect_error(result(CURLE_ABORTED_BY_CALLBACK, 0, NULL), 503, "service_unavailable",
                 "shutting down");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_wraps_the_upstream_json),
        cmocka_unit_test(any_2xx_is_success_and_an_empty_body_is_null),
        cmocka_unit_test(failures_are_502),
        cmocka_unit_test(timeout_is_504_and_shutdown_503),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
