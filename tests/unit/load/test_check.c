/* JSON checks: the fast raw-body evaluation must agree with the jansson one
 * whenever it answers, and answer for ordinary API responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "load/check.h"

static check_t make(int kind, const char *path, const char *equals_json, int64_t n) {
    check_t c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    assert_int_equal(jpath_parse(&c.path, path), 0);
    if (equals_json)
        c.equals = json_loads(equals_json, JSON_DECODE_ANY, NULL);
    c.exists = (int)n;
    c.length = n;
    return c;
}

static void drop(check_t *c) {
    jpath_free(&c->path);
    json_decref(c->equals);
}

static const char *const docs[] = {
    "{\"status\":\"ok\",\"server\":\"c-ulfius\"}",
    " {\"status\" : \"ok\" } \n",
    "{\"items\":[1,2,3],\"total\":100000,\"page\":1,\"next_cursor\":null}",
    "[{\"id\":1,\"name\":\"a\\\"b\",\"posts\":[{\"id\":7}]},{\"id\":2}]",
    "{\"a\":{\"b\":1},\"a\":{\"c\":2}}",
    "{\"a\":1,\"a\":2}",
    "{\"v\":1.50,\"w\":-0,\"x\":true,\"y\":false,\"z\":null,\"s\":\"tab\\tq\\/\"}",
    "{\"big\":123456789012345678901234}",
    "{\"e\":1e400}",
    "{\"u\":\"\\u00e9\"}",
    "{\"k\\\"ey\":\"v\"}",
    "{\"n\":\"caf\xc3\xa9\"}",
    "{\"bad\":\"\xff\"}",
    "{\"status\":\"ok\"",
    "{\"status\":\"ok\"}x",
    "",
    "null",
    "\"just a string\"",
    /* one string, parenthesized: clang warns of a missing comma otherwise */
    ("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]"
     "]]]"
     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
    "{\"o\":{\"p\":1,\"q\":2},\"0\":\"zero\"}",
    "[1,2,]",
    "{\"a\":01}",
    "{\"a\":tru}",
};

static void fast_agrees_with_jansson(void **state) {
    (void)state;
    check_t checks[] = {
        make(CK_EQUALS, "status", "\"ok\"", 0),
        make(CK_EQUALS, "status", "\"down\"", 0),
        make(CK_EXISTS, "status", NULL, 1),
        make(CK_EXISTS, "status", NULL, 0),
        make(CK_EXISTS, "next_cursor", NULL, 1),
        make(CK_LENGTH, "items", NULL, 3),
        make(CK_MIN_LENGTH, "items", NULL, 4),
        make(CK_LENGTH, "$", NULL, 2),
        make(CK_EQUALS, "0.posts.0.id", "7", 0),
        make(CK_EQUALS, "0.posts.0.id", "7.0", 0),
        make(CK_EQUALS, "0.name", "\"a\\\"b\"", 0),
        make(CK_LENGTH, "0.name", NULL, 3),
        make(CK_EQUALS, "a.b", "1", 0),
        make(CK_EXISTS, "a.c", NULL, 1),
        make(CK_EQUALS, "a", "2", 0),
        make(CK_EQUALS, "v", "1.5", 0),
        make(CK_EQUALS, "w", "0", 0),
        make(CK_EQUALS, "x", "true", 0),
        make(CK_EQUALS, "y", "false", 0),
        make(CK_EQUALS, "z", "null", 0),
        make(CK_EQUALS, "s", "\"tab\\tq/\"", 0),
        make(CK_EQUALS, "o", "{\"q\":2,\"p\":1}", 0),
        make(CK_LENGTH, "o", NULL, 2),
        make(CK_EQUALS, "0", "\"zero\"", 0),
        make(CK_EXISTS, "big", NULL, 1),
        make(CK_EXISTS, "$", NULL, 1),
        make(CK_EQUALS, "$", "null", 0),
        make(CK_LENGTH, "$", NULL, 13),
    };
    int answered = 0, total = 0;
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        json_t *doc = json_loadb(docs[d], strlen(docs[d]), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++) {
            int slow = check_eval_doc(&checks[k], doc);
            int fast = check_eval_fast(&checks[k], docs[d], strlen(docs[d]));
            total++;
            /* ordinary documents (ASCII, short numbers, no \u, valid) must be answered,
             * except equals on a container and the length of an object */
            int ordinary = d <= 6 || d == 16 || d == 17 || d == 19;
            json_t *val = doc ? jpath_get(&checks[k].path, doc) : NULL;
            int allowed = (checks[k].kind == CK_EQUALS &&
                           (json_is_object(checks[k].equals) || json_is_array(checks[k].equals))) ||
                          ((checks[k].kind == CK_LENGTH || checks[k].kind == CK_MIN_LENGTH) &&
                           json_is_object(val));
            if (fast < 0 && ordinary && !allowed)
                fail_msg("doc %zu check %zu: the fast path should answer", d, k);
            if (fast < 0)
                continue;
            answered++;
            if (fast != slow)
                fail_msg("doc %zu check %zu: fast %d, jansson %d", d, k, fast, slow);
        }
        json_decref(doc);
    }
    /* most combinations are ordinary ASCII JSON: the fast path must answer them */
    assert_true(answered > 0 && answered < total);
    for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++)
        drop(&checks[k]);
}

static void fast_answers_the_common_cases(void **state) {
    (void)state;
    const char *health = "{\"status\":\"ok\",\"server\":\"c-ulfius\"}";
    check_t eq = make(CK_EQUALS, "status", "\"ok\"", 0);
    assert_int_equal(check_eval_fast(&eq, health, strlen(health)), 1);
    const char *page = "{\"items\":[{\"id\":1},{\"id\":2}],\"total\":2,\"page\":1,\"size\":20}";
    check_t len = make(CK_LENGTH, "items", NULL, 2);
    assert_int_equal(check_eval_fast(&len, page, strlen(page)), 1);
    check_t id = make(CK_EQUALS, "items.1.id", "2", 0);
    assert_int_equal(check_eval_fast(&id, page, strlen(page)), 1);
    check_t absent = make(CK_EXISTS, "items.2", NULL, 0);
    assert_int_equal(check_eval_fast(&absent, page, strlen(page)), 1);
    /* not JSON at all: unsure, so the caller asks jansson (which says it is not JSON) */
    assert_int_equal(check_eval_fast(&eq, "<html>", 6), -1);
    drop(&eq);
    drop(&len);
    drop(&id);
    drop(&absent);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_agrees_with_jansson),
        cmocka_unit_test(fast_answers_the_common_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
