/* Boxes enforce their limits on this machine (needs root and cgroups; each
 * test skips with the reason otherwise):
 *  - a CPU spinner in a 0.5-CPU box gets <= 0.55 CPU and is throttled;
 *  - a memory hog over its limit is OOM-killed and the kill is reported;
 *  - a process in a box pinned to CPU 1 never runs on CPU 0;
 *  - destroying a box (or SIGTERM to its owner) kills what is left and
 *    removes the cgroups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#ifdef __linux__ /* cgroups, /proc and sched_getaffinity: all of it (else: below) */

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/box/box.h"

static char spin_bin[512], hog_bin[512];

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usable(void) {
    char why[256];
    if (geteuid() != 0) {
        print_message("SKIP: box tests need root (cgroups)\n");
        return 0;
    }
    if (box_detect(why, sizeof why) == BOX_NONE) {
        print_message("SKIP: no native boxes here: %s\n", why);
        return 0;
    }
    return 1;
}

/* fork, join the box, exec argv: what spawn_process does with before_exec. */
static pid_t run_in(box_t *b, char *const argv[]) {
    pid_t pid = fork();
    if (pid == 0) {
        if (box_enter(b) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static box_t *make_box(const char *label, double cpus, const char *cpuset, long long mem) {
    char err[512];
    box_limits_t lim = {.cpus = cpus, .cpuset = cpuset, .mem_bytes = mem};
    box_t *b = box_create(BOX_NATIVE, label, &lim, err, sizeof err);
    if (!b)
        fail_msg("box_create: %s", err);
    return b;
}

static void test_cpu_quota(void **state) {
    (void)state;
    if (!usable())
        skip();
    box_t *b = make_box("spin", 0.5, NULL, 0);
    char *argv[] = {spin_bin, "3", NULL}; /* 30 periods: edge effects < 2 % */
    double t0 = now_s();
    pid_t pid = run_in(b, argv);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    double wall = now_s() - t0;
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    double share = (st.cpu_user_s + st.cpu_sys_s) / wall;
    print_message("0.5-CPU box: %.3f CPU over %.2f s, throttled %lld times (%.2f s)\n", share, wall,
                  st.nr_throttled, st.throttled_s);
    assert_true(share <= 0.55);
    assert_true(share > 0.05); /* it did run */
    /* on a busy host the spinner may get less than its quota and never be
     * throttled; when it got the quota, the quota is what stopped it */
    if (share > 0.49)
        assert_true(st.nr_throttled > 0);
    box_destroy(b);
}

static void test_memory_oom(void **state) {
    (void)state;
    if (!usable())
        skip();
    long long limit = 32ll << 20;
    box_t *b = make_box("hog", 0, NULL, limit);
    char *argv[] = {hog_bin, "256", NULL};
    pid_t pid = run_in(b, argv);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    print_message("32 MB box: peak %lld bytes, %lld OOM kill(s)\n", st.memory_peak_bytes,
                  st.oom_kills);
    assert_true(st.oom_kills >= 1);
    assert_true(st.memory_peak_bytes <= limit);
    assert_true(st.memory_peak_bytes > limit / 2);
    box_destroy(b);
}

static int allowed_list_is(pid_t pid, const char *want) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *v = line + 18;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            ok = strcmp(v, want) == 0;
        }
    fclose(f);
    return ok;
}

/* The CPU the task last ran on: field 39 of /proc/<pid>/stat. */
static int last_cpu(pid_t pid) {
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    int field = 2, cpu = -1;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " "))
        if (++field == 39)
            cpu = atoi(tok);
    return cpu;
}

static void test_cpuset_pinning(void **state) {
    (void)state;
    if (!usable())
        skip();
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        print_message("SKIP: pinning test needs 2 CPUs\n");
        skip();
    }
    box_t *b = make_box("pin", 0, "1", 0);
    char *argv[] = {spin_bin, "1.5", NULL};
    pid_t pid = run_in(b, argv);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    assert_int_equal(allowed_list_is(pid, "1"), 1);
    cpu_set_t set;
    CPU_ZERO(&set);
    assert_int_equal(sched_getaffinity(pid, sizeof set, &set), 0);
    assert_int_equal(CPU_COUNT(&set), 1);
    assert_true(CPU_ISSET(1, &set));
    int samples = 0;
    for (int i = 0; i < 20; i++) {
        int cpu = last_cpu(pid);
        if (cpu >= 0) {
            assert_int_equal(cpu, 1);
            samples++;
        }
        nanosleep(&pause, NULL);
    }
    assert_true(samples > 10);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    box_destroy(b);
}

static void test_destroy_kills_and_removes(void **state) {
    (void)state;
    if (!usable())
        skip();
    box_t *b = make_box("left", 0.2, NULL, 64ll << 20);
    char dirs[4][1024];
    int ndirs = 0;
    struct stat st;
    for (; ndirs < 4 && box_cgroup_dir(b, ndirs); ndirs++) {
        snprintf(dirs[ndirs], sizeof dirs[ndirs], "%s", box_cgroup_dir(b, ndirs));
        assert_int_equal(stat(dirs[ndirs], &st), 0);
    }
    assert_true(ndirs >= 1);
    char *argv[] = {spin_bin, "30", NULL};
    pid_t pid = run_in(b, argv);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    double t0 = now_s();
    box_destroy(b);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_true(now_s() - t0 < 5);
    for (int i = 0; i < ndirs; i++)
        if (stat(dirs[i], &st) == 0)
            fail_msg("left behind: %s", dirs[i]);
}

static void test_sigterm_cleans_up(void **state) {
    (void)state;
    if (!usable())
        skip();
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t owner = fork();
    if (owner == 0) {
        close(fds[0]);
        box_cleanup_on_signals();
        box_t *b = make_box("owner", 0.5, NULL, 0);
        char *argv[] = {spin_bin, "30", NULL};
        pid_t spinner = run_in(b, argv);
        char msg[2400];
        int last = 0;
        while (box_cgroup_dir(b, last + 1))
            last++;
        /* no pause: the signal may come while the spinner is still joining */
        int n = snprintf(msg, sizeof msg, "%ld %s %s\n", (long)spinner, box_cgroup_dir(b, 0),
                         box_cgroup_dir(b, last));
        if (write(fds[1], msg, (size_t)n) != n)
            _exit(3);
        for (;;)
            pause();
    }
    close(fds[1]);
    char msg[2400] = "";
    ssize_t n = read(fds[0], msg, sizeof msg - 1);
    close(fds[0]);
    assert_true(n > 0);
    msg[n] = '\0';
    long spinner;
    char dir[1100], last_dir[1100];
    assert_int_equal(sscanf(msg, "%ld %1099s %1099s", &spinner, dir, last_dir), 3);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    kill(owner, SIGTERM);
    int status;
    assert_int_equal(waitpid(owner, &status, 0), owner);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    assert_int_not_equal(stat(dir, &st), 0);
    if (stat(last_dir, &st) == 0)
        fail_msg("left behind: %s", last_dir);
    /* the spinner was the owner's child and got SIGKILL: within a moment it
     * is gone or a zombie (it may still be in its exit path right now) */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", spinner);
    int gone = 0;
    for (int i = 0; i < 100 && !gone; i++) {
        char line[512] = "";
        FILE *f = fopen(path, "r");
        if (!f) {
            gone = 1;
            break;
        }
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
        char *p = strrchr(line, ')');
        gone = p && (p[2] == 'Z' || p[2] == 'X');
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(gone);
}

/* A failed assertion leaves the test early: remove its boxes anyway. */
static int destroy_boxes(void **state) {
    (void)state;
    box_destroy_all();
    return 0;
}

int main(void) {
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    snprintf(spin_bin, sizeof spin_bin, "%s/tests/support/box_spin", build);
    snprintf(hog_bin, sizeof hog_bin, "%s/tests/support/box_hog", build);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_cpu_quota, destroy_boxes),
        cmocka_unit_test_teardown(test_memory_oom, destroy_boxes),
        cmocka_unit_test_teardown(test_cpuset_pinning, destroy_boxes),
        cmocka_unit_test_teardown(test_destroy_kills_and_removes, destroy_boxes),
        cmocka_unit_test_teardown(test_sigterm_cleans_up, destroy_boxes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
#include <stdio.h>

int main(void) {
    /* Native boxes are Linux cgroups; box.c refuses them elsewhere (unit test). */
    printf("SKIP: native boxes need Linux\n");
    return 0;
}
#endif
