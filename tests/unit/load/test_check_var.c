/* The "equals_var" check (load/check_var.h): a value compared with a VU
 * variable as "extract" renders it, and the loader's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "load/check_var.h"

static int eval(const char *path, const char *doc_text, const char *want) {
    check_t c;
    memset(&c, 0, sizeof c);
    c.kind = CK_EQUALS_VAR;
    assert_int_equal(jpath_parse(&c.path, path), 0);
    json_t *doc = doc_text ? json_loads(doc_text, JSON_DECODE_ANY, NULL) : NULL;
    int ok = check_eval_var(&c, doc, want);
    json_decref(doc);
    jpath_free(&c.path);
    return ok;
}

static void values_compare_as_extract_renders_them(void **state) {
    (void)state;
    const char *post = "{\"id\":20001,\"account_id\":7,\"title\":\"post 1-0\",\"ok\":true,"
                       "\"tags\":[1,\"a\"],\"none\":null}";
    assert_int_equal(eval("id", post, "20001"), 1);
    assert_int_equal(eval("id", post, "20002"), 0);
    assert_int_equal(eval("account_id", post, "7"), 1);
    assert_int_equal(eval("title", post, "post 1-0"), 1);
    assert_int_equal(eval("title", post, "post 1-"), 0);
    assert_int_equal(eval("title", post, "post 1-00"), 0);
    assert_int_equal(eval("ok", post, "true"), 1);
    assert_int_equal(eval("tags", post, "[1,\"a\"]"), 1);
    assert_int_equal(eval("none", post, "null"), 1);
    /* absent path, unset variable, body not JSON */
    assert_int_equal(eval("missing", post, "7"), 0);
    assert_int_equal(eval("id", post, NULL), 0);
    assert_int_equal(eval("id", NULL, "20001"), 0);
}

static char *write_scenario(const char *check) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_check_var_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f,
            "{\"iteration\": {\"let\": {\"t\": \"x{{vu}}\"}, \"requests\": ["
            "{\"path\": \"/a\", \"extract\": {\"id\": \"id\"}},"
            "{\"path\": \"/b\", \"checks\": [%s]}]}}",
            check);
    fclose(f);
    return path;
}

static void the_loader_knows_the_variable(void **state) {
    (void)state;
    char err[512];
    const char *ok[] = {"{\"json\": \"id\", \"equals_var\": \"id\"}",
                        "{\"json\": \"title\", \"equals_var\": \"t\"}"};
    for (size_t i = 0; i < 2; i++) {
        char *p = write_scenario(ok[i]);
        scenario_t *s = scenario_load(p, err, sizeof err);
        assert_non_null(s);
        assert_int_equal(s->groups[0].requests[1].checks[0].kind, CK_EQUALS_VAR);
        scenario_free(s);
        unlink(p);
    }
    char *p = write_scenario("{\"json\": \"id\", \"equals_var\": \"nosuch\"}");
    assert_null(scenario_load(p, err, sizeof err));
    assert_non_null(strstr(err, "equals_var: unknown variable 'nosuch'"));
    unlink(p);
    p = write_scenario("{\"json\": \"id\", \"equals_var\": \"id\", \"equals\": 1}");
    assert_null(scenario_load(p, err, sizeof err));
    assert_non_null(strstr(err, "too many"));
    unlink(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_compare_as_extract_renders_them),
        cmocka_unit_test(the_loader_knows_the_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
