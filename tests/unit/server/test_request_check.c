/* http/request_check.c on heads parsed in place as libmicrohttpd 0.9.75
 * parses them (mhd_head.h): ordinary requests pass; CL+TE, differing
 * Content-Lengths, NUL/CR/LF in values, bare LF, whitespace before the
 * colon, obs-fold, a missing or doubled Host, Transfer-Encoding in HTTP/1.0
 * or repeated are 400, an unknown Transfer-Encoding 501; each with the
 * detail early_error_json gives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mhd_head.h"
#include "server/http/early_error.h"

static unsigned check(const char *req, size_t len, const char **hint) {
    struct mhd_head h;
    int parsed = mhd_head_parse(&h, req, len ? len : strlen(req));
    assert_int_equal(parsed, 0);
    unsigned st = request_check(&h.head, hint);
    mhd_head_free(&h);
    return st;
}

static void test_ordinary_requests_pass(void **state) {
    (void)state;
    const char *ok[] = {
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.0\r\n\r\n",
        "\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-A: v  \r\nX-B:\r\nX-C:   \r\nX-D:\tv\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        "POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n",
        "GET /x HTTP/1.1\r\nHost: x\r\nX-Weird-Token!#$%&'*+-.^_`|~: ok\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *hint;
        if (check(ok[i], 0, &hint) != 0)
            fail_msg("refused: %s (%s)", ok[i], hint);
    }
}

static void test_smuggling_shapes_refused(void **state) {
    (void)state;
    static const struct {
        const char *req;
        size_t len;
        unsigned status;
        const char *detail; /* a word of early_error_json's detail */
    } bad[] = {
        {"POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
         0, 400, "together"},
        {"POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n",
         0, 400, "together"},
        {"POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", 0, 400,
         "differ"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 37, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: ab\0\r\n\r\n", 37, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\0\r\n\r\n", 28, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 0, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nTransfer-Encoding: chunked\r\n\r\n", 0, 400, "NUL"},
        {"GET / HTTP/1.1\nHost: x\r\n\r\n", 0, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\r\n\n", 0, 400, "NUL"},
        {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n", 0, 400, "colon"},
        {"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 0, 400, "NUL"},
        {"GET / HTTP/1.1\r\n\r\n", 0, 400, "Host"},
        {"GET / HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n", 0, 400, "more than one Host"},
        {"GET / HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n", 0, 400, "more than one Host"},
        {"POST /e HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 400, "HTTP/1.0"},
        {"POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
         "chunked\r\n\r\n",
         0, 400, "repeated"},
        {"POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 0, 501,
         "chunked"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *hint;
        unsigned st = check(bad[i].req, bad[i].len, &hint);
        char body[256];
        early_error_json(st, hint, strlen(hint), 8192, body, sizeof body);
        if (st != bad[i].status || strstr(body, bad[i].detail) == NULL)
            fail_msg("case %zu: %u %s", i, st, body);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_requests_pass),
        cmocka_unit_test(test_smuggling_shapes_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
