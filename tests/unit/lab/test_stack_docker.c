/* The stack's container path (stack_prepare_spawn, stack_program,
 * stack_service_user): what each service's `docker run` command line holds,
 * and that the client itself is spawned without the service's user, hook or
 * directory. No engine needed: box_create only wants a `docker` on PATH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/box/box.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"
#include "lab/stack/internal.h"

static char tmp[256];
static char *saved_path;

static int setup(void **state) {
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/benchlab-stack-docker.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    char p[512];
    snprintf(p, sizeof p, "%s/docker", tmp);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("#!/bin/sh\nexit 0\n", f);
    fclose(f);
    chmod(p, 0755);
    const char *old = getenv("PATH");
    saved_path = strdup(old ? old : "");
    char path[2048];
    snprintf(path, sizeof path, "%s:%s", tmp, saved_path);
    setenv("PATH", path, 1);
    unsetenv("BENCHLAB_SERVER_BIN");
    unsetenv("BENCHLAB_BIN");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    setenv("PATH", saved_path, 1);
    free(saved_path);
    box_destroy_all();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static int dummy_hook(void *ctx) {
    (void)ctx;
    return 0;
}

static size_t find(char *const *cmd, const char *word) {
    for (size_t i = 0; cmd[i]; i++)
        if (strcmp(cmd[i], word) == 0)
            return i;
    return (size_t)-1;
}

static box_t *docker_box(lab_service_t svc, const char *image) {
    char err[256];
    box_limits_t lim = {.cpus = 1, .cpuset = "1", .mem_bytes = 1 << 30, .image = image};
    box_t *b = box_create(BOX_DOCKER, lab_service_name(svc), &lim, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    return b;
}

static void test_each_service_runs_from_its_image(void **state) {
    (void)state;
    lab_stack_t *st = calloc(1, sizeof *st);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/stack", tmp);
    assert_int_equal(stack_init(st, dir), 0);
    static const char *const images[LAB_SVC_COUNT] = {"benchlab-postgres", "benchlab-redis",
                                                      "benchlab-server", "benchlab-server"};
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        st->hooks[s].box = docker_box((lab_service_t)s, images[s]);
        st->hooks[s].before_exec = dummy_hook;
        assert_true(stack_in_container(st, (lab_service_t)s));
    }
    /* the programs come from the images, by name */
    char bin[256];
    assert_int_equal(stack_program(st, LAB_SVC_SERVER, "benchlab-server", "BENCHLAB_SERVER_BIN",
                                   bin, sizeof bin),
                     0);
    assert_string_equal(bin, "benchlab-server");
    setenv("BENCHLAB_BIN", "/nix/store/x-benchlab/bin/benchlab", 1); /* a path the image holds */
    assert_int_equal(
        stack_program(st, LAB_SVC_UPSTREAM, "benchlab", "BENCHLAB_BIN", bin, sizeof bin), -1);
    unsetenv("BENCHLAB_BIN"); /* (not executable here: -1, as natively) */

    /* PostgreSQL's cluster outside DIR is mounted too, at its own path */
    snprintf(st->pg_data, sizeof st->pg_data, "/tmp/benchlab-pg.abc123/pg");
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        char *argv[] = {(char *)lab_service_name((lab_service_t)s), "--flag", NULL};
        spawn_opts_t o = {.log_path = "/dev/null"};
        char **owned = NULL;
        char cwd[PATH_MAX + 16];
        snprintf(cwd, sizeof cwd, "%s%s", st->dir, s == LAB_SVC_REDIS ? "/redis" : "");
        char *const *cmd = stack_prepare_spawn(st, (lab_service_t)s, argv, cwd, NULL, &o, &owned);
        assert_non_null(cmd);
        assert_ptr_equal(cmd, owned);
        /* the client: no privilege drop, no hook, no chdir; the log stays */
        assert_null(o.run_as_user);
        assert_null(o.before_exec);
        assert_null(o.cwd);
        assert_string_equal(o.log_path, "/dev/null");
        assert_string_equal(cmd[0], "docker");
        assert_string_equal(cmd[1], "run");
        size_t i = find(cmd, "--network");
        assert_string_equal(cmd[i + 1], "host");
        i = find(cmd, "--name");
        assert_string_equal(cmd[i + 1], box_name(st->hooks[s].box));
        assert_true(find(cmd, "--rm") != (size_t)-1 && find(cmd, "--init") != (size_t)-1);
        i = find(cmd, images[s]);
        assert_true(i != (size_t)-1);
        assert_string_equal(cmd[i + 1], lab_service_name((lab_service_t)s));
        assert_string_equal(cmd[i + 2], "--flag");
        assert_null(cmd[i + 3]);
        char vol[2 * PATH_MAX + 2];
        snprintf(vol, sizeof vol, "%s:%s", st->dir, st->dir);
        assert_true(find(cmd, vol) != (size_t)-1);
        i = find(cmd, "-w");
        assert_string_equal(cmd[i + 1], cwd);
        bool outside = find(cmd, "/tmp/benchlab-pg.abc123:/tmp/benchlab-pg.abc123") != (size_t)-1;
        assert_int_equal(outside, s == LAB_SVC_POSTGRES);
        size_t u = find(cmd, "--user");
        if (s == LAB_SVC_POSTGRES && geteuid() == 0) {
            /* not root, not the host's "postgres": nobody, by number */
            struct passwd *pw = getpwnam("nobody");
            assert_non_null(pw);
            char want[32];
            snprintf(want, sizeof want, "%d:%d", (int)pw->pw_uid, (int)pw->pw_gid);
            assert_true(u != (size_t)-1);
            assert_string_equal(cmd[u + 1], want);
            assert_string_equal(stack_service_user(st, LAB_SVC_POSTGRES), "nobody");
        } else if (geteuid() == 0) {
            assert_true(u == (size_t)-1); /* the image's user */
        } else {
            char want[32];
            snprintf(want, sizeof want, "%d:%d", (int)geteuid(), (int)getegid());
            assert_string_equal(cmd[u + 1], want);
        }
        box_free_argv(owned);
    }
    /* a one-off container next to the service's: its own name */
    char *argv[] = {"initdb", NULL};
    spawn_opts_t o = {0};
    char **owned = NULL;
    char *const *cmd =
        stack_prepare_spawn(st, LAB_SVC_POSTGRES, argv, st->dir, "-initdb", &o, &owned);
    char name[200];
    snprintf(name, sizeof name, "%s-initdb", box_name(st->hooks[LAB_SVC_POSTGRES].box));
    assert_string_equal(cmd[find(cmd, "--name") + 1], name);
    box_free_argv(owned);

    /* a profile's user for a service is passed by number too, or refused */
    st->hooks[LAB_SVC_SERVER].run_as_user = "no-such-user-here";
    char *sargv[] = {"benchlab-server", NULL};
    cmd = stack_prepare_spawn(st, LAB_SVC_SERVER, sargv, st->dir, NULL, &o, &owned);
    assert_null(cmd);
    assert_non_null(strstr(st->err, "server failed to start"));
    assert_non_null(strstr(st->err, "no user 'no-such-user-here'"));
    free(st);
}

static void test_native_and_unboxed_are_unchanged(void **state) {
    (void)state;
    lab_stack_t *st = calloc(1, sizeof *st);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/stack2", tmp);
    assert_int_equal(stack_init(st, dir), 0);
    int ctx = 0;
    st->hooks[LAB_SVC_SERVER].before_exec = dummy_hook;
    st->hooks[LAB_SVC_SERVER].ctx = &ctx;
    st->hooks[LAB_SVC_SERVER].run_as_user = "nobody";
    char *argv[] = {"benchlab-server", NULL};
    spawn_opts_t o = {0};
    char **owned = (char **)&ctx;
    char *const *cmd = stack_prepare_spawn(st, LAB_SVC_SERVER, argv, st->dir, NULL, &o, &owned);
    assert_ptr_equal(cmd, argv);
    assert_null(owned);
    assert_string_equal(o.run_as_user, "nobody");
    assert_ptr_equal(o.before_exec, dummy_hook);
    assert_ptr_equal(o.ctx, &ctx);
    assert_string_equal(o.cwd, st->dir);
    assert_false(stack_in_container(st, LAB_SVC_SERVER));
    free(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_each_service_runs_from_its_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_native_and_unboxed_are_unchanged, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
