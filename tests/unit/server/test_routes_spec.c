/* Every route the server registers is in spec/openapi.yaml and every spec
 * operation is served (paths and methods, both directions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/routes.h"

#define MAX_OPS 256

struct op {
    char method[8];
    char path[128];
};

/* Reads "paths:" of the YAML: path keys at indent 2, methods at indent 4. */
static int spec_ops(struct op *ops, int max) {
    const char *root = getenv("BENCHLAB_ROOT");
    char file[1024];
    snprintf(file, sizeof file, "%s/spec/openapi.yaml", root ? root : ".");
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char line[1024], path[128] = "";
    int in_paths = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "paths:", 6) == 0) {
            in_paths = 1;
            continue;
        }
        if (!in_paths)
            continue;
        if (line[0] != ' ' && line[0] != '\n' && line[0] != '#')
            break; /* next top-level key */
        if (strncmp(line, "  /", 3) == 0) {
            char *colon = strrchr(line, ':');
            assert_non_null(colon);
            *colon = '\0';
            snprintf(path, sizeof path, "%.127s", line + 2);
            continue;
        }
        static const char *const methods[] = {"get", "post", "put", "delete", "patch"};
        for (int m = 0; m < 5; m++) {
            char key[16];
            snprintf(key, sizeof key, "    %s:", methods[m]);
            if (strncmp(line, key, strlen(key)) == 0 && path[0] && n < max) {
                for (int k = 0; methods[m][k]; k++)
                    ops[n].method[k] = (char)toupper((unsigned char)methods[m][k]);
                ops[n].method[strlen(methods[m])] = '\0';
                snprintf(ops[n].path, sizeof ops[n].path, "%s", path);
                n++;
            }
        }
    }
    fclose(f);
    return n;
}

static void test_routes_match_spec(void **state) {
    (void)state;
    static struct op ops[MAX_OPS];
    int n = spec_ops(ops, MAX_OPS);
    assert_true(n >= 40);
    size_t nr;
    const struct route *routes = routes_table(&nr);
    for (size_t i = 0; i < nr; i++) {
        int found = 0;
        for (int k = 0; k < n; k++)
            found |= strcmp(ops[k].method, routes[i].method) == 0 &&
                     strcmp(ops[k].path, routes[i].path) == 0;
        if (!found)
            fail_msg("route %s %s is not in spec/openapi.yaml", routes[i].method, routes[i].path);
    }
    for (int k = 0; k < n; k++) {
        int found = 0;
        for (size_t i = 0; i < nr; i++)
            found |= strcmp(ops[k].method, routes[i].method) == 0 &&
                     strcmp(ops[k].path, routes[i].path) == 0;
        if (!found)
            fail_msg("spec operation %s %s is not served", ops[k].method, ops[k].path);
    }
    assert_int_equal((size_t)n, nr);
}

static void test_route_path_matches(void **state) {
    (void)state;
    assert_true(route_path_matches("/users/{id}", "/users/12"));
    assert_true(route_path_matches("/users/{id}", "/users/12/"));
    assert_false(route_path_matches("/users/{id}", "/users/"));
    assert_false(route_path_matches("/users/{id}", "/users/1/2"));
    assert_true(route_path_matches("/cache/users/{id}/cached", "/cache/users/abc/cached"));
    assert_false(route_path_matches("/cache/users/{id}/cached", "/cache/users/1/no-cache"));
    assert_true(route_path_matches("/health", "/health"));
    assert_false(route_path_matches("/health", "/healthz"));
    assert_false(route_path_matches("/health", "/"));
}

static void test_no_duplicate_routes(void **state) {
    (void)state;
    size_t nr;
    const struct route *r = routes_table(&nr);
    for (size_t i = 0; i < nr; i++)
        for (size_t k = i + 1; k < nr; k++)
            assert_false(strcmp(r[i].method, r[k].method) == 0 &&
                         strcmp(r[i].path, r[k].path) == 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_match_spec),
        cmocka_unit_test(test_route_path_matches),
        cmocka_unit_test(test_no_duplicate_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
