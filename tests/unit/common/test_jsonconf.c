/* Unit tests for src/common/jsonconf.c: messages name file and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/jsonconf.h"

static char err[512];
static jsonconf_t c = {.file = "x.json", .err = err, .errlen = sizeof err};

static void keys_and_types(void **state) {
    (void)state;
    json_t *j = json_loads("{\"a\": 1, \"description\": \"d\", \"b\": {\"zz\": true}}", 0, NULL);
    static const char *const ab[] = {"a", "b", NULL}, *const none[] = {NULL};
    assert_int_equal(jsonconf_only_keys(&c, j, "", ab), 0);
    assert_int_equal(jsonconf_only_keys(&c, json_object_get(j, "b"), "b", ab), -1);
    assert_string_equal(err, "x.json: b.zz: unknown key (allowed here: a, b, description)");
    assert_int_equal(jsonconf_only_keys(&c, j, "", none), -1);
    assert_non_null(strstr(err, "x.json: a: unknown key (allowed here: description)"));

    long long n = 0;
    assert_int_equal(jsonconf_int(&c, json_object_get(j, "a"), "a", 1, LLONG_MAX, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(jsonconf_int(&c, json_object_get(j, "a"), "a", 2, 5, &n), -1);
    assert_string_equal(err, "x.json: a: expected an integer 2..5, found a smaller one");
    assert_int_equal(jsonconf_int(&c, json_object_get(j, "b"), "a", 2, LLONG_MAX, &n), -1);
    assert_string_equal(err, "x.json: a: expected an integer >= 2, found an object");

    const char *s;
    assert_int_equal(jsonconf_string(&c, json_object_get(j, "description"), "description", &s), 0);
    assert_string_equal(s, "d");
    bool b = false;
    assert_int_equal(jsonconf_bool(&c, json_object_get(json_object_get(j, "b"), "zz"), "", &b), 0);
    assert_true(b);
    assert_int_equal(jsonconf_bool(&c, json_object_get(j, "a"), "", &b), -1);
    assert_string_equal(err, "x.json: (top level): expected true or false, found a number");

    char p[64];
    jsonconf_index(p, sizeof p, "entries", 2);
    jsonconf_key(p + strlen(p), sizeof p - strlen(p), "", "vus");
    assert_string_equal(p, "entries[2]vus");
    jsonconf_key(p, sizeof p, "entries[2]", "vus");
    assert_string_equal(p, "entries[2].vus");
    assert_int_equal(jsonconf_array(&c, json_object_get(j, "nope"), p, 1, "names"), -1);
    assert_string_equal(err, "x.json: entries[2].vus: expected a non-empty array of names, "
                             "found missing");
    assert_int_equal(jsonconf_object(&c, json_object_get(j, "a"), "a"), -1);
    assert_string_equal(err, "x.json: a: expected an object, found a number");
    json_decref(j);
}

static void loading(void **state) {
    (void)state;
    char path[] = "/tmp/benchlab-jsonconf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\n\"a\": }\n", 9), 9);
    close(fd);
    jsonconf_t f = {.file = path, .err = err, .errlen = sizeof err};
    bool unreadable = true;
    assert_null(jsonconf_load(&f, &unreadable));
    assert_false(unreadable);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, ": line 2, column "));
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"a\": 1, \"a\": 2}", 16), 16);
    close(fd);
    assert_null(jsonconf_load(&f, &unreadable));
    assert_non_null(strstr(err, "duplicate"));
    unlink(path);
    assert_null(jsonconf_load(&f, &unreadable));
    assert_true(unreadable);
    assert_non_null(strstr(err, "cannot read it"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_and_types),
        cmocka_unit_test(loading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
