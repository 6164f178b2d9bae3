/* Unit tests for src/lab/stack/spawn.c: log redirect, cwd, environment, the
 * before_exec hook, privilege drop, stopping stubborn children, zombies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "lab/stack/spawn.h"
#include "lab/stack/internal.h"

static char tmpdir[64];

static int make_tmp(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test-spawn.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state) {
    (void)state;
    return fs_remove_tree(tmpdir);
}

static char *log_of(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return stack_read_file(path);
}

static void output_goes_to_log_and_cwd_applies(void **state) {
    (void)state;
    char log[128];
    snprintf(log, sizeof log, "%s/a.log", tmpdir);
    char *argv[] = {"sh", "-c", "pwd; echo to-stderr >&2", NULL};
    spawn_opts_t o = {.log_path = log, .cwd = tmpdir};
    assert_int_equal(spawn_run(argv, &o), 0);
    char *text = log_of("a.log");
    assert_non_null(text);
    char want[128];
    snprintf(want, sizeof want, "%s\nto-stderr\n", tmpdir);
    assert_string_equal(text, want);
    free(text);
}

static void exit_status_and_signal_are_reported(void **state) {
    (void)state;
    char *exit3[] = {"sh", "-c", "exit 3", NULL};
    assert_int_equal(spawn_run(exit3, NULL), 3);
    char *killed[] = {"sh", "-c", "kill -9 $$", NULL};
    assert_int_equal(spawn_run(killed, NULL), 128 + SIGKILL);
}

static void missing_program_exits_127_with_reason_in_log(void **state) {
    (void)state;
    char log[128];
    snprintf(log, sizeof log, "%s/missing.log", tmpdir);
    char *argv[] = {"/nonexistent/program", NULL};
    spawn_opts_t o = {.log_path = log};
    assert_int_equal(spawn_run(argv, &o), 127);
    char *text = log_of("missing.log");
    assert_non_null(text);
    assert_non_null(strstr(text, "exec /nonexistent/program"));
    free(text);
}

static void environment_is_the_given_one(void **state) {
    (void)state;
    char *envp[] = {"BENCHLAB_SPAWN_TEST=yes", "PATH=/usr/bin:/bin", NULL};
    char *argv[] = {"sh", "-c", "test \"$BENCHLAB_SPAWN_TEST\" = yes && test -z \"$HOME\"", NULL};
    spawn_opts_t o = {.envp = envp};
    assert_int_equal(spawn_run(argv, &o), 0);
}

/* With an environment given, the program is still looked up in our PATH, not
 * the child's (glibc's execvpe; spawn.c's replacement outside Linux does the
 * same), and one found nowhere exits 127 with the reason in the log. */
static void program_is_found_on_our_path_not_the_childs(void **state) {
    (void)state;
    char *envp[] = {"PATH=/nonexistent", NULL};
    char *argv[] = {"sh", "-c", "test \"$PATH\" = /nonexistent", NULL};
    spawn_opts_t o = {.envp = envp};
    assert_int_equal(spawn_run(argv, &o), 0);
    char log[128];
    snprintf(log, sizeof log, "%s/envp-missing.log", tmpdir);
    char *missing[] = {"no-such-program-benchlab", NULL};
    o.log_path = log;
    assert_int_equal(spawn_run(missing, &o), 127);
    char *text = log_of("envp-missing.log");
    assert_non_null(text);
    assert_non_null(strstr(text, "exec no-such-program-benchlab: No such file"));
    free(text);
}

/* The hook runs in the child, before exec: it can change what the program
 * sees (here: an environment variable) and its failure stops the exec. */
static int hook_sets_env(void *ctx) {
    return setenv("BENCHLAB_HOOK", (const char *)ctx, 1);
}

static int hook_fails(void *ctx) {
    (void)ctx;
    return -1;
}

static void before_exec_runs_in_the_child_before_exec(void **state) {
    (void)state;
    char *argv[] = {"sh", "-c", "test \"$BENCHLAB_HOOK\" = ran", NULL};
    spawn_opts_t o = {.before_exec = hook_sets_env, .ctx = "ran"};
    assert_int_equal(spawn_run(argv, &o), 0);
    assert_null(getenv("BENCHLAB_HOOK")); /* not in the parent */

    char log[128], marker[128];
    snprintf(log, sizeof log, "%s/hook.log", tmpdir);
    snprintf(marker, sizeof marker, "%s/should-not-exist", tmpdir);
    char *touch[] = {"touch", marker, NULL};
    spawn_opts_t bad = {.log_path = log, .before_exec = hook_fails};
    assert_int_equal(spawn_run(touch, &bad), 126);
    assert_int_not_equal(access(marker, F_OK), 0);
    char *text = log_of("hook.log");
    assert_non_null(text);
    assert_non_null(strstr(text, "before_exec hook failed"));
    free(text);
}

static void drops_privileges_when_root(void **state) {
    (void)state;
    if (geteuid() != 0)
        skip();
    const char *user = spawn_default_user();
    assert_non_null(user);
    char log[128];
    snprintf(log, sizeof log, "%s/id.log", tmpdir);
    char *argv[] = {"id", "-un", NULL};
    spawn_opts_t o = {.log_path = log, .run_as_user = user, .cwd = "/"};
    assert_int_equal(spawn_run(argv, &o), 0);
    char *text = log_of("id.log");
    assert_non_null(text);
    char want[64];
    snprintf(want, sizeof want, "%s\n", user);
    assert_string_equal(text, want);
    free(text);
    spawn_opts_t nobody = {.run_as_user = "no-such-user-benchlab"};
    assert_int_equal(spawn_process(argv, &nobody), -1);
}

static void stop_kills_a_child_that_ignores_sigterm(void **state) {
    (void)state;
    char *argv[] = {"sh", "-c", "trap '' TERM; while :; do sleep 0.05; done", NULL};
    pid_t pid = spawn_process(argv, NULL);
    assert_true(pid > 0);
    struct timespec t = {0, 200 * 1000 * 1000};
    nanosleep(&t, NULL); /* let the trap be installed */
    assert_true(spawn_alive(pid));
    assert_int_equal(spawn_stop(pid, 300), 0);
    assert_false(spawn_alive(pid));
    assert_int_equal(kill(pid, 0), -1); /* reaped: no zombie left */
}

static bool pid_file_process_alive(const char *name) {
    char *text = log_of(name);
    assert_non_null(text);
    pid_t pid = (pid_t)atoi(text);
    free(text);
    assert_true(pid > 0);
    return spawn_alive(pid);
}

/* A killed parent's own children (say, server workers) do not outlive it. */
static void stop_also_kills_what_the_child_left_in_its_group(void **state) {
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "trap '' TERM; sleep 30 & echo $! > %s/bg.pid; wait", tmpdir);
    char *argv[] = {"sh", "-c", cmd, NULL};
    pid_t pid = spawn_process(argv, NULL);
    assert_true(pid > 0);
    char path[128];
    snprintf(path, sizeof path, "%s/bg.pid", tmpdir);
    struct timespec t = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 250 && access(path, F_OK) != 0; i++)
        nanosleep(&t, NULL);
    nanosleep(&t, NULL);
    assert_true(pid_file_process_alive("bg.pid"));
    assert_int_equal(spawn_stop(pid, 200), 0);
    nanosleep(&t, NULL);
    assert_false(pid_file_process_alive("bg.pid"));
}

static void stop_of_a_polite_child_is_quick_and_zombies_are_not_alive(void **state) {
    (void)state;
    char *argv[] = {"sleep", "30", NULL};
    pid_t pid = spawn_process(argv, NULL);
    assert_true(pid > 0);
    assert_int_equal(spawn_stop(pid, 5000), 0);
    assert_false(spawn_alive(pid));

    char *quick[] = {"true", NULL};
    pid = spawn_process(quick, NULL);
    assert_true(pid > 0);
    struct timespec t = {0, 300 * 1000 * 1000};
    nanosleep(&t, NULL); /* exited, not reaped: a zombie */
    assert_false(spawn_alive(pid));
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_false(spawn_alive(0));
    assert_int_equal(spawn_stop(0, 10), 0);
}

static void chown_tree_gives_files_to_the_user(void **state) {
    (void)state;
    if (geteuid() != 0)
        skip();
    char dir[128], file[160];
    snprintf(dir, sizeof dir, "%s/owned", tmpdir);
    snprintf(file, sizeof file, "%s/f", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(spawn_chown_tree(dir, "nobody"), 0);
    struct stat sb;
    assert_int_equal(stat(file, &sb), 0);
    assert_int_equal(sb.st_uid, 65534);
    assert_int_equal(spawn_chown_tree(dir, "no-such-user-benchlab"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_goes_to_log_and_cwd_applies),
        cmocka_unit_test(exit_status_and_signal_are_reported),
        cmocka_unit_test(missing_program_exits_127_with_reason_in_log),
        cmocka_unit_test(environment_is_the_given_one),
        cmocka_unit_test(program_is_found_on_our_path_not_the_childs),
        cmocka_unit_test(before_exec_runs_in_the_child_before_exec),
        cmocka_unit_test(drops_privileges_when_root),
        cmocka_unit_test(stop_kills_a_child_that_ignores_sigterm),
        cmocka_unit_test(stop_also_kills_what_the_child_left_in_its_group),
        cmocka_unit_test(stop_of_a_polite_child_is_quick_and_zombies_are_not_alive),
        cmocka_unit_test(chown_tree_gives_files_to_the_user),
    };
    return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
