/* Statistics of a container on another host's engine (box/docker_exec.c):
 * `docker -H URL exec NAME head -n 64 FILES...` parsed for cgroup v2 and v1
 * answers as a real engine prints them, nothing when the engine does not
 * answer; and box_run.keep leaves --rm out (the driver's outputs are
 * fetched with `docker cp` first). The `docker` here is a script printing a
 * canned answer and logging its arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/box/box.h"

static char tmp[256];
static char *saved_path;

static void write_file(const char *name, const char *text) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state) {
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/benchlab-exec-stats.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    char script[1024];
    snprintf(script, sizeof script,
             "#!/bin/sh\necho \"$*\" >>%s/args\ncase \"$*\" in *' exec '*) ;; *) exit 0 ;; esac\n"
             "[ -f %s/answer ] || exit 1\ncat %s/answer\nexit 1\n",
             tmp, tmp, tmp);
    write_file("docker", script);
    char p[512];
    snprintf(p, sizeof p, "%s/docker", tmp);
    chmod(p, 0755);
    const char *old = getenv("PATH");
    saved_path = strdup(old ? old : "");
    char path[2048];
    snprintf(path, sizeof path, "%s:%s", tmp, saved_path);
    setenv("PATH", path, 1);
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

static box_t *remote_box(void) {
    box_limits_t lim = {.cpus = 1, .image = "benchlab-server", .endpoint = "ssh://lab@app"};
    char err[256];
    box_t *b = box_create(BOX_DOCKER, "server", &lim, err, sizeof err);
    assert_non_null(b);
    return b;
}

static void test_v2(void **state) {
    (void)state;
    write_file("answer", "==> /sys/fs/cgroup/cpu.stat <==\n"
                         "usage_usec 3500000\nuser_usec 2500000\nsystem_usec 1000000\n"
                         "nr_periods 40\nnr_throttled 7\nthrottled_usec 250000\n\n"
                         "==> /sys/fs/cgroup/memory.peak <==\n52428800\n\n"
                         "==> /sys/fs/cgroup/memory.current <==\n41943040\n\n"
                         "==> /sys/fs/cgroup/memory.stat <==\nanon 30000000\nfile 100\n\n"
                         "==> /sys/fs/cgroup/memory.events <==\nlow 0\nhigh 0\nmax 0\noom 1\n"
                         "oom_kill 1\n");
    box_t *b = remote_box();
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    assert_true(st.available);
    assert_float_equal(st.cpu_user_s, 2.5, 1e-9);
    assert_float_equal(st.cpu_sys_s, 1.0, 1e-9);
    assert_float_equal(st.throttled_s, 0.25, 1e-9);
    assert_int_equal(st.nr_throttled, 7);
    assert_int_equal(st.memory_peak_bytes, 52428800);
    assert_int_equal(st.memory_rss_bytes, 30000000);
    assert_int_equal(st.oom_kills, 1);
    /* the command line: through the host's engine, inside the container */
    char p[512], line[4096] = "";
    snprintf(p, sizeof p, "%s/args", tmp);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (strstr(line, " exec "))
            break;
    fclose(f);
    char want[256];
    snprintf(want, sizeof want, "-H ssh://lab@app exec %s head -n 64 /sys/fs/cgroup/cpu.stat ",
             box_name(b));
    assert_non_null(strstr(line, want));
    box_destroy(b);
}

static void test_v1(void **state) {
    (void)state;
    long hz = sysconf(_SC_CLK_TCK);
    char answer[1024];
    snprintf(answer, sizeof answer,
             "==> /sys/fs/cgroup/cpuacct/cpuacct.usage <==\n4000000000\n\n"
             "==> /sys/fs/cgroup/cpuacct/cpuacct.stat <==\nuser %ld\nsystem %ld\n\n"
             "==> /sys/fs/cgroup/cpu/cpu.stat <==\nnr_periods 9\nnr_throttled 3\n"
             "throttled_time 500000000\n\n"
             "==> /sys/fs/cgroup/memory/memory.max_usage_in_bytes <==\n1048576\n\n"
             "==> /sys/fs/cgroup/memory/memory.stat <==\ncache 5\nrss 7\ntotal_rss 4096\n",
             3 * hz, 1 * hz);
    write_file("answer", answer);
    box_t *b = remote_box();
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    /* 3 s + 1 s in ticks, scaled to the exact 4 s of cpuacct.usage */
    assert_float_equal(st.cpu_user_s, 3.0, 1e-6);
    assert_float_equal(st.cpu_sys_s, 1.0, 1e-6);
    assert_float_equal(st.throttled_s, 0.5, 1e-9);
    assert_int_equal(st.nr_throttled, 3);
    assert_int_equal(st.memory_peak_bytes, 1048576);
    assert_int_equal(st.memory_rss_bytes, 4096);
    box_destroy(b);
}

static void test_engine_gone(void **state) {
    (void)state; /* no answer file: the script exits 1 with nothing */
    box_t *b = remote_box();
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), -1);
    assert_false(st.available);
    box_destroy(b);
}

static void test_keep_leaves_out_rm(void **state) {
    (void)state;
    box_t *b = remote_box();
    char *argv[] = {"benchlab-load", "run", "x.json", NULL};
    box_run_t keep = {.keep = true}, gone = {0};
    char **k = box_command_run(b, argv, &keep, NULL, 0),
         **g = box_command_run(b, argv, &gone, NULL, 0);
    assert_non_null(k);
    assert_non_null(g);
    bool rm_k = false, rm_g = false;
    for (char **p = k; *p; p++)
        rm_k |= strcmp(*p, "--rm") == 0;
    for (char **p = g; *p; p++)
        rm_g |= strcmp(*p, "--rm") == 0;
    assert_false(rm_k);
    assert_true(rm_g);
    assert_string_equal(k[1], "-H");
    assert_string_equal(k[2], "ssh://lab@app");
    box_free_argv(k);
    box_free_argv(g);
    box_destroy(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_v2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_leaves_out_rm, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
