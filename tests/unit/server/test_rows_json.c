/* The direct JSON writer: every string it escapes parses back to the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "server/db/rows_json.h"

static void round_trip(const char *in, size_t n) {
    struct strbuf sb = {0};
    sb_json_string(&sb, in, n);
    assert_false(sb.failed);
    json_error_t e;
    json_t *j = json_loadb(sb.p, sb.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (j == NULL)
        fail_msg("not JSON: %s (%s)", sb.p, e.text);
    assert_true(json_is_string(j));
    assert_int_equal(json_string_length(j), n);
    assert_memory_equal(json_string_value(j), in, n);
    json_decref(j);
    free(sb.p);
}

static void test_escapes(void **state) {
    (void)state;
    round_trip("", 0);
    round_trip("plain text", 10);
    round_trip("quote \" backslash \\ slash /", 27);
    round_trip("tab\tnl\ncr\r", 10);
    char ctl[32];
    for (int i = 0; i < 32; i++)
        ctl[i] = (char)i;
    round_trip(ctl, sizeof ctl);
    round_trip("caf\xc3\xa9 \xe2\x82\xac", 10);
    struct strbuf sb = {0};
    sb_json_string(&sb, "a\"b", 3);
    assert_string_equal(sb.p, "\"a\\\"b\"");
    free(sb.p);
}

/* Every byte value at every offset of a 0..24-byte string (the 8-byte scan
 * and its tail): same bytes back, and an escape only where JSON needs one. */
static void test_every_byte_at_every_offset(void **state) {
    (void)state;
    char buf[24];
    for (size_t len = 1; len <= sizeof buf; len++)
        for (size_t at = 0; at < len; at++)
            for (int c = 1; c < 256; c++) {
                memset(buf, 'a', len);
                buf[at] = (char)c;
                if (c < 0x80) /* a lone high byte is not UTF-8: jansson refuses it */
                    round_trip(buf, len);
                struct strbuf sb = {0};
                sb_json_string(&sb, buf, len);
                int escaped = c < 0x20 || c == '"' || c == '\\';
                assert_int_equal(memchr(sb.p + 1, '\\', sb.len - 2) != NULL, escaped);
                free(sb.p);
            }
}

static void test_buffer_grows(void **state) {
    (void)state;
    struct strbuf sb = {0};
    for (int i = 0; i < 10000; i++)
        sb_puts(&sb, "0123456789");
    assert_false(sb.failed);
    assert_int_equal(sb.len, 100000);
    assert_int_equal(strlen(sb.p), 100000);
    free(sb.p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_every_byte_at_every_offset),
        cmocka_unit_test(test_buffer_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
