/* Unit tests for src/lab/study/openload.c: the closed-model capacity an
 * open-model "load" unit runs at a share of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "lab/study/openload.h"
#include "lab/study/runfile.h"

static void base_config_strips_the_load_suffix(void **state) {
    (void)state;
    char b[64];
    assert_int_equal(openload_base_config("c-ulfius-epoll-load80", b, sizeof b), 0);
    assert_string_equal(b, "c-ulfius-epoll");
    assert_int_equal(openload_base_config("fastapi-w2-load12.5", b, sizeof b), 0);
    assert_string_equal(b, "fastapi-w2");
    assert_int_equal(openload_base_config("c-ulfius-epoll", b, sizeof b), -1);
    assert_int_equal(openload_base_config("c-ulfius-epoll-load", b, sizeof b), -1);
    assert_int_equal(openload_base_config("x-load80x", b, sizeof b), -1);
    assert_int_equal(openload_base_config("-load80", b, sizeof b), -1);
}

static void put(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/raw/basic/01/c-ulfius-epoll/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void capacity_is_the_median_of_valid_closed_runs(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-openload.XXXXXX", sub[256];
    assert_non_null(mkdtemp(dir));
    int n = -1;
    assert_true(openload_capacity(dir, "basic/01", "c-ulfius-epoll", &n) == 0);
    assert_int_equal(n, 0);
    snprintf(sub, sizeof sub, "%s/raw/basic/01/c-ulfius-epoll", dir);
    assert_int_equal(fs_mkdirs(sub, 0755), 0);
    const char *fmt = "{\"valid\": %s, \"summary\": {\"metrics\": {\"http_reqs\": "
                      "{\"rate\": %s}}}}";
    char t[256];
    snprintf(t, sizeof t, fmt, "true", "1000");
    put(dir, "run-01.json", t);
    snprintf(t, sizeof t, fmt, "true", "3000");
    put(dir, "run-02.json", t);
    snprintf(t, sizeof t, fmt, "true", "2000");
    put(dir, "run-03.json", t);
    snprintf(t, sizeof t, fmt, "false", "9000"); /* invalid: never the capacity */
    put(dir, "run-04.json", t);
    put(dir, "run-05.timeseries.jsonl", "{\"t\": 1}\n");
    put(dir, "run-06.json.tmp", "{}");
    assert_true(openload_capacity(dir, "basic/01", "c-ulfius-epoll", &n) == 2000);
    assert_int_equal(n, 3);
    /* no valid run: the invalid ones give the scale, and say so (n = 0) */
    for (int i = 1; i <= 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "run-0%d.json", i);
        snprintf(t, sizeof t, fmt, "false", i == 1 ? "100" : "300");
        put(dir, name, t);
    }
    /* 100, 300, 300 and run 4's 9000 */
    assert_true(openload_capacity(dir, "basic/01", "c-ulfius-epoll", &n) == 300);
    assert_int_equal(n, 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_config_strips_the_load_suffix),
        cmocka_unit_test(capacity_is_the_median_of_valid_closed_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
