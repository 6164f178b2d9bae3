/* Unit tests for cli_paths: caller-relative paths in BENCHLAB_* variables and
 * in the path flags of up/down/run made absolute before anything changes
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lab/cmd/cli_paths.h"

static void absolute_joins_and_drops_dot_components(void **state) {
    (void)state;
    char out[PATH_MAX];
    assert_int_equal(lab_path_absolute("/home/u/lab", "peers/as-server", out, sizeof out), 0);
    assert_string_equal(out, "/home/u/lab/peers/as-server");
    assert_int_equal(lab_path_absolute("/home/u/lab/", "./build//benchlab", out, sizeof out), 0);
    assert_string_equal(out, "/home/u/lab/build/benchlab");
    /* ".." stays: the kernel resolves it as the caller's shell would */
    assert_int_equal(lab_path_absolute("/home/u/lab", "../d/.", out, sizeof out), 0);
    assert_string_equal(out, "/home/u/lab/../d");
    assert_int_equal(lab_path_absolute("/", ".", out, sizeof out), 0);
    assert_string_equal(out, "/");
    /* absolute paths keep their meaning, without a working directory too */
    assert_int_equal(lab_path_absolute(NULL, "/usr//bin/./x", out, sizeof out), 0);
    assert_string_equal(out, "/usr/bin/x");
}

static void absolute_refuses_what_it_cannot_resolve(void **state) {
    (void)state;
    char out[PATH_MAX], tiny[12];
    assert_int_equal(lab_path_absolute("/w", "", out, sizeof out), -1);
    assert_int_equal(lab_path_absolute("/w", NULL, out, sizeof out), -1);
    assert_int_equal(lab_path_absolute(NULL, "rel", out, sizeof out), -1);
    assert_int_equal(lab_path_absolute("not/absolute", "rel", out, sizeof out), -1);
    assert_int_equal(lab_path_absolute("/workdir", "rel/long", tiny, sizeof tiny), -1);
}

static void env_kinds(void **state) {
    (void)state;
    assert_int_equal(lab_path_env_kind("BENCHLAB_SERVER_BIN"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_LOAD_BIN"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_REDIS_BIN"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_BIN"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_SOMETHING_NEW_BIN"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_PYTHON"), 1);
    assert_int_equal(lab_path_env_kind("BENCHLAB_PG_BIN"), 2); /* a directory */
    assert_int_equal(lab_path_env_kind("BENCHLAB_SQL_DIR"), 2);
    assert_int_equal(lab_path_env_kind("BENCHLAB_ROOT"), 2);
    assert_int_equal(lab_path_env_kind("BENCHLAB_PG"), 0);
    assert_int_equal(lab_path_env_kind("BENCHLAB_URL"), 0);
    assert_int_equal(lab_path_env_kind("BENCHLAB_BINARY"), 0);
    assert_int_equal(lab_path_env_kind("OTHER_BIN"), 0);
}

static void env_paths_are_resolved_names_are_not(void **state) {
    (void)state;
    setenv("BENCHLAB_SERVER_BIN", "peers/as-server", 1);
    setenv("BENCHLAB_LOAD_BIN", "/abs/benchlab-load", 1);
    setenv("BENCHLAB_REDIS_BIN", "redis-server", 1); /* a name: PATH */
    setenv("BENCHLAB_PG_BIN", "pgbin", 1);           /* a directory: always a path */
    setenv("BENCHLAB_SQL_DIR", "./src/server/sql", 1);
    setenv("BENCHLAB_PG", "host=x dbname=y/z", 1); /* not a path */
    setenv("BENCHLAB_PYTHON", "", 1);              /* empty: unset for the lab */
    char *argv[] = {"status", NULL};
    char err[256] = "";
    assert_int_equal(lab_paths_resolve_at("/work/lab", 1, argv, err, sizeof err), 0);
    assert_string_equal(getenv("BENCHLAB_SERVER_BIN"), "/work/lab/peers/as-server");
    assert_string_equal(getenv("BENCHLAB_LOAD_BIN"), "/abs/benchlab-load");
    assert_string_equal(getenv("BENCHLAB_REDIS_BIN"), "redis-server");
    assert_string_equal(getenv("BENCHLAB_PG_BIN"), "/work/lab/pgbin");
    assert_string_equal(getenv("BENCHLAB_SQL_DIR"), "/work/lab/src/server/sql");
    assert_string_equal(getenv("BENCHLAB_PG"), "host=x dbname=y/z");
    assert_string_equal(getenv("BENCHLAB_PYTHON"), "");
    /* idempotent: a child benchlab sees absolute paths and keeps them */
    assert_int_equal(lab_paths_resolve_at("/elsewhere", 1, argv, err, sizeof err), 0);
    assert_string_equal(getenv("BENCHLAB_SERVER_BIN"), "/work/lab/peers/as-server");
    /* no working directory: a relative path is an error naming the variable */
    setenv("BENCHLAB_SERVER_BIN", "peers/as-server", 1);
    assert_int_equal(lab_paths_resolve_at(NULL, 1, argv, err, sizeof err), -1);
    assert_non_null(strstr(err, "BENCHLAB_SERVER_BIN=peers/as-server"));
    const char *vars[] = {"BENCHLAB_SERVER_BIN", "BENCHLAB_LOAD_BIN", "BENCHLAB_REDIS_BIN",
                          "BENCHLAB_PG_BIN",     "BENCHLAB_SQL_DIR",  "BENCHLAB_PG",
                          "BENCHLAB_PYTHON"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

static void flags_of_up_down_run_are_resolved(void **state) {
    (void)state;
    char err[256] = "";
    char *up[] = {"up",    "--implementation", "fastapi",   "--server-arg", "--dir",
                  "--dir", "stacks/a",         "--no-seed", "--port",       "8080"};
    int n = (int)(sizeof up / sizeof up[0]);
    assert_int_equal(lab_paths_resolve_at("/w", n, up, err, sizeof err), 0);
    assert_string_equal(up[4], "--dir"); /* the value of --server-arg, not a flag */
    assert_string_equal(up[6], "/w/stacks/a");
    free(up[6]);

    char *down[] = {"down", "--dir", "../s"};
    assert_int_equal(lab_paths_resolve_at("/w/x", 3, down, err, sizeof err), 0);
    assert_string_equal(down[2], "/w/x/../s");
    free(down[2]);

    char *run[] = {"run",          "plans/my.json", "--results",   "r",
                   "--server-bin", "benchlab-srv",  "--scenarios", "./sc",
                   "--resume",     "--server-bin",  "b/srv"};
    n = (int)(sizeof run / sizeof run[0]);
    assert_int_equal(lab_paths_resolve_at("/w", n, run, err, sizeof err), 0);
    assert_string_equal(run[1], "plans/my.json"); /* read before anything moves */
    assert_string_equal(run[3], "/w/r");
    assert_string_equal(run[5], "benchlab-srv"); /* a name: PATH */
    assert_string_equal(run[7], "/w/sc");
    assert_string_equal(run[10], "/w/b/srv");
    free(run[3]);
    free(run[7]);
    free(run[10]);

    /* report and claims start nothing: their paths stay as written */
    char *report[] = {"report", "res", "--out", "gen"};
    assert_int_equal(lab_paths_resolve_at("/w", 4, report, err, sizeof err), 0);
    assert_string_equal(report[1], "res");
    assert_string_equal(report[3], "gen");

    /* a flag without its value is left for the command to refuse */
    char *dangling[] = {"up", "--dir"};
    assert_int_equal(lab_paths_resolve_at("/w", 2, dangling, err, sizeof err), 0);
    assert_string_equal(dangling[1], "--dir");

    char *nocwd[] = {"up", "--dir", "rel"};
    assert_int_equal(lab_paths_resolve_at(NULL, 3, nocwd, err, sizeof err), -1);
    assert_non_null(strstr(err, "--dir rel"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absolute_joins_and_drops_dot_components),
        cmocka_unit_test(absolute_refuses_what_it_cannot_resolve),
        cmocka_unit_test(env_kinds),
        cmocka_unit_test(env_paths_are_resolved_names_are_not),
        cmocka_unit_test(flags_of_up_down_run_are_resolved),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
