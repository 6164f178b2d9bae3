/* The response parser: lengths, chunked, close-delimited, interim responses,
 * byte-by-byte feeding, malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "load/http_resp.h"

/* Feeds the text in pieces of `step` bytes; returns the final result. */
static int feed(http_resp_t *r, const char *text, size_t step, size_t *left) {
    size_t n = strlen(text), off = 0;
    int rc = HTTP_MORE;
    while (off < n && rc == HTTP_MORE) {
        size_t k = n - off < step ? n - off : step, used;
        rc = http_resp_feed(r, text + off, k, &used);
        off += used;
    }
    if (left)
        *left = n - off;
    return rc;
}

static void content_length_any_split(void **state) {
    (void)state;
    const char *resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";
    for (size_t step = 1; step <= strlen(resp); step++) {
        http_resp_t r;
        http_resp_init(&r);
        http_resp_reset(&r, 0, 1);
        assert_int_equal(feed(&r, resp, step, NULL), HTTP_DONE);
        assert_int_equal(r.status, 200);
        assert_int_equal(r.body_len, 15);
        assert_string_equal(r.body, "{\"status\":\"ok\"}");
        assert_int_equal(r.conn_close, 0);
        http_resp_free(&r);
    }
}

static void chunked_with_extensions_and_trailers(void **state) {
    (void)state;
    const char *resp = "HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                       "5\r\nhello\r\nA;x=y\r\n, world!!!\r\n0\r\nX-Trailer: 1\r\n\r\n";
    for (size_t step = 1; step <= strlen(resp); step += 3) {
        http_resp_t r;
        http_resp_init(&r);
        http_resp_reset(&r, 0, 1);
        assert_int_equal(feed(&r, resp, step, NULL), HTTP_DONE);
        assert_int_equal(r.status, 201);
        assert_string_equal(r.body, "hello, world!!!");
        assert_int_equal(r.body_bytes, 15);
        http_resp_free(&r);
    }
}

static void body_not_kept_unless_asked(void **state) {
    (void)state;
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 0);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 100, NULL),
                     HTTP_DONE);
    assert_int_equal(r.body_len, 0);
    assert_int_equal(r.body_bytes, 3);
    http_resp_free(&r);
}

static void keepalive_and_close(void **state) {
    (void)state;
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 0);
    assert_int_equal(
        feed(&r, "HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", 7, NULL),
        HTTP_DONE);
    assert_int_equal(r.conn_close, 1);
    http_resp_reset(&r, 0, 0); /* HTTP/1.0 closes unless keep-alive */
    assert_int_equal(feed(&r, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 64, NULL), HTTP_DONE);
    assert_int_equal(r.conn_close, 1);
    http_resp_reset(&r, 0, 0);
    assert_int_equal(feed(&r,
                          "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
                          64, NULL),
                     HTTP_DONE);
    assert_int_equal(r.conn_close, 0);
    http_resp_free(&r);
}

static void close_delimited_body(void **state) {
    (void)state;
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 1);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\n\r\npart1 part2", 4, NULL), HTTP_MORE);
    assert_int_equal(http_resp_eof(&r), HTTP_DONE);
    assert_string_equal(r.body, "part1 part2");
    assert_int_equal(r.conn_close, 1);
    /* EOF in the middle of a length-delimited body is an error */
    http_resp_reset(&r, 0, 0);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 64, NULL),
                     HTTP_MORE);
    assert_int_equal(http_resp_eof(&r), HTTP_ERROR);
    http_resp_reset(&r, 0, 0);
    assert_true(http_resp_untouched(&r));
    assert_int_equal(http_resp_eof(&r), HTTP_ERROR);
    assert_non_null(strstr(r.error, "before a response"));
    http_resp_free(&r);
}

static void no_body_statuses_and_head(void **state) {
    (void)state;
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 0);
    assert_int_equal(feed(&r, "HTTP/1.1 204 No Content\r\n\r\n", 64, NULL), HTTP_DONE);
    http_resp_reset(&r, 1, 0); /* HEAD: Content-Length describes a body that is not sent */
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", 64, NULL),
                     HTTP_DONE);
    http_resp_reset(&r, 0, 1); /* 100 Continue, then the real response */
    assert_int_equal(feed(&r,
                          "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
                          "2\r\n\r\nok",
                          5, NULL),
                     HTTP_DONE);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok");
    http_resp_free(&r);
}

static void leftover_bytes_are_not_consumed(void **state) {
    (void)state;
    http_resp_t r;
    size_t left;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 0);
    assert_int_equal(feed(&r, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 1000, &left),
                     HTTP_DONE);
    assert_int_equal(left, 5);
    http_resp_free(&r);
}

static void malformed_inputs(void **state) {
    (void)state;
    static const char *const bad[] = {
        "HTTP/1.1 abc\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_resp_t r;
        http_resp_init(&r);
        http_resp_reset(&r, 0, 1);
        int rc = feed(&r, bad[i], 3, NULL);
        if (rc != HTTP_ERROR)
            fail_msg("accepted malformed response %zu: %s", i, bad[i]);
        assert_non_null(r.error);
        http_resp_free(&r);
    }
    /* an endless header line is cut off */
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, 0, 0);
    char big[HTTP_LINE_MAX + 100];
    memset(big, 'a', sizeof big);
    size_t used;
    assert_int_equal(http_resp_feed(&r, "HTTP/1.1 200 OK\r\nX: ", 21, &used), HTTP_MORE);
    assert_int_equal(http_resp_feed(&r, big, sizeof big, &used), HTTP_ERROR);
    http_resp_free(&r);
}

/* Header names: matched without regard to case, by their whole name (other
 * headers of the same length are ignored); Connection's tokens in one value. */
static void header_names_and_connection_tokens(void **state) {
    (void)state;
    struct {
        const char *text;
        int rc, status, close, body_len;
    } cases[] = {
        /* "Content-Lengtx" and "Connectiox" have the lengths of the real ones */
        {"HTTP/1.1 200 OK\r\nContent-Lengtx: 9\r\nCONTENT-length: 2\r\nConnectiox: close\r\n\r\nok",
         HTTP_DONE, 200, 0, 2},
        {"HTTP/1.1 200 OK\r\nconnection: Keep-Alive, CLOSE\r\nContent-Length: 1\r\n\r\nx",
         HTTP_DONE, 200, 1, 1},
        {"HTTP/1.0 200 OK\r\nConnection: foo,keep-alive\r\nContent-Length: 0\r\n\r\n", HTTP_DONE,
         200, 0, 0},
        {"HTTP/1.1 200 OK\r\nX-Long-Header-Name-That-Is-Long: 1\r\nContent-Length: 0\r\n\r\n",
         HTTP_DONE, 200, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_resp_t r;
        http_resp_init(&r);
        http_resp_reset(&r, 0, 1);
        assert_int_equal(feed(&r, cases[i].text, 1000, NULL), cases[i].rc);
        assert_int_equal(r.status, cases[i].status);
        assert_int_equal(r.conn_close, cases[i].close);
        assert_int_equal(r.body_len, cases[i].body_len);
        http_resp_free(&r);
    }
    const char *bad[][2] = {
        {"HTTP/1.1 200 OK\r\nContent Length: 1\r\n\r\nx", "bad header name"},
        {"HTTP/1.1 200 OK\r\nX-A\t: 1\r\n\r\n", "bad header name"},
        {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "bad header line"},
        {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "bad header line"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_resp_t r;
        http_resp_init(&r);
        http_resp_reset(&r, 0, 0);
        assert_int_equal(feed(&r, bad[i][0], 1000, NULL), HTTP_ERROR);
        assert_string_equal(r.error, bad[i][1]);
        http_resp_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_length_any_split),
        cmocka_unit_test(chunked_with_extensions_and_trailers),
        cmocka_unit_test(body_not_kept_unless_asked),
        cmocka_unit_test(keepalive_and_close),
        cmocka_unit_test(close_delimited_body),
        cmocka_unit_test(no_body_statuses_and_head),
        cmocka_unit_test(leftover_bytes_are_not_consumed),
        cmocka_unit_test(malformed_inputs),
        cmocka_unit_test(header_names_and_connection_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
