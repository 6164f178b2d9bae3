/* The JSON for errors answered before any handler (http/early_error.c) and
 * the header-limit rule (http/front.c): every status gives the contract's
 * {"error","detail"}, libmicrohttpd's page only picks the detail, a
 * Content-Length is judged as libmicrohttpd would, 414 only when the request
 * line alone is over the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "server/http/early_error.h"
#include "server/http/front.h"

/* The body for status and page: parsed, with its two fields checked. */
static void expect_json(unsigned status, const char *page, const char *error,
                        const char *detail_part) {
    char out[256];
    size_t n = early_error_json(status, page, page ? strlen(page) : 0, 8192, out, sizeof out);
    assert_int_equal(n, strlen(out));
    json_error_t je;
    json_t *o = json_loads(out, 0, &je);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 2);
    assert_string_equal(json_string_value(json_object_get(o, "error")), error);
    const char *d = json_string_value(json_object_get(o, "detail"));
    assert_non_null(d);
    if (strstr(d, detail_part) == NULL)
        fail_msg("detail '%s' lacks '%s'", d, detail_part);
    json_decref(o);
}

static void test_every_status(void **state) {
    (void)state;
    expect_json(431, "<html><head><title>Request too big</title></head></html>", "header_too_large",
                "8192 bytes");
    expect_json(414, "<html><head><title>Request too big</title></head></html>", "uri_too_long",
                "8192 bytes");
    expect_json(400, "<html><head><title>Request malformed</title>syntactically", "bad_request",
                "malformed request line");
    expect_json(400, "<html>...your HTTP chunked encoding was...", "bad_request", "chunked");
    expect_json(400, "<html>...wrong value for <b>Content-Length</b> header", "bad_request",
                "Content-Length");
    expect_json(400, "<html>...&quot;Host:&quot; header required", "bad_request", "Host");
    expect_json(413, "<html>...chunk size used in your HTTP chunked...", "payload_too_large",
                "chunk");
    expect_json(413, "<html>...too large value for <b>Content-Length</b>", "payload_too_large",
                "Content-Length");
    expect_json(505, "<html><head><title>Requested HTTP version is not supported",
                "http_version_not_supported", "HTTP/1.1");
    expect_json(500, "<html><head><title>Internal server error", "internal", "processed");
    /* libmicrohttpd built without messages: empty pages, same statuses. */
    expect_json(400, "", "bad_request", "malformed");
    expect_json(431, NULL, "header_too_large", "8192");
    expect_json(418, NULL, "bad_request", "parsed");
}

static void test_truncated_output_stays_terminated(void **state) {
    (void)state;
    char out[16];
    size_t n = early_error_json(431, NULL, 0, 8192, out, sizeof out);
    assert_int_equal(n, sizeof out - 1);
    assert_int_equal(strlen(out), sizeof out - 1);
}

static void test_content_length(void **state) {
    (void)state;
    assert_int_equal(early_error_content_length("0", 1), 0);
    assert_int_equal(early_error_content_length("1024", 4), 0);
    assert_int_equal(early_error_content_length("18446744073709551615", 20), 0);
    assert_int_equal(early_error_content_length("18446744073709551616", 20), 413);
    assert_int_equal(early_error_content_length("99999999999999999999999", 23), 413);
    assert_int_equal(early_error_content_length("", 0), 400);
    assert_int_equal(early_error_content_length(NULL, 0), 400);
    assert_int_equal(early_error_content_length("abc", 3), 400);
    assert_int_equal(early_error_content_length("-1", 2), 400);
    assert_int_equal(early_error_content_length("+1", 2), 400);
    assert_int_equal(early_error_content_length("1 2", 3), 400);
    assert_int_equal(early_error_content_length("12x", 3), 400);
    /* Only len bytes count: the rest of the buffer is not the value. */
    assert_int_equal(early_error_content_length("12x", 2), 0);
}

static void test_mhd_page_recognised(void **state) {
    (void)state;
    const char *page = "<html><head><title>Request malformed</title></head></html>";
    assert_true(early_error_is_mhd_page(page, strlen(page)));
    assert_false(early_error_is_mhd_page("{\"status\":\"ok\"}", 15));
    assert_false(early_error_is_mhd_page("<html><head>", 12));
    assert_false(early_error_is_mhd_page(NULL, 0));
}

static void test_header_limit_rule(void **state) {
    (void)state;
    assert_int_equal(front_header_status(100, 20, 16384), 0);
    assert_int_equal(front_header_status(16384, 20, 16384), 0);
    assert_int_equal(front_header_status(16385, 20, 16384), 431);
    assert_int_equal(front_header_status(40000, 16000, 16384), 431);
    assert_int_equal(front_header_status(40000, 16385, 16384), 414);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status),
        cmocka_unit_test(test_truncated_output_stays_terminated),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_mhd_page_recognised),
        cmocka_unit_test(test_header_limit_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
