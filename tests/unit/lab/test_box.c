/* Box backends without root: CPU lists, the files the cgroup v1 and v2
 * backends write (into fake cgroup trees in a temp dir, via
 * BENCHLAB_CGROUP_ROOT), the stats they read, and the docker/podman command
 * line (a fake `docker` on PATH records what it is asked). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/box/box.h"

static char tmp[256];

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void get(const char *path, char *buf, size_t len) {
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("missing %s", path);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

#ifdef __linux__
static void mk(const char *fmt, const char *a) {
    char p[512];
    snprintf(p, sizeof p, fmt, tmp, a);
    assert_int_equal(mkdir(p, 0755), 0);
}
#endif

static int setup_tmp(void **state) {
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/benchlab-test-box.XXXXXX");
    assert_non_null(mkdtemp(tmp));
    setenv("BENCHLAB_CGROUP_ROOT", tmp, 1);
    return 0;
}

static int teardown_tmp(void **state) {
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    assert_int_equal(system(cmd), 0);
    unsetenv("BENCHLAB_CGROUP_ROOT");
    return 0;
}

static void test_cpulist(void **state) {
    (void)state;
    assert_int_equal(box_cpulist_count("1"), 1);
    assert_int_equal(box_cpulist_count("0-3,6"), 5);
    assert_int_equal(box_cpulist_count("2,4-5"), 3);
    assert_int_equal(box_cpulist_count(""), -1);
    assert_int_equal(box_cpulist_count("3-1"), -1);
    assert_int_equal(box_cpulist_count("1,"), -1);
    assert_int_equal(box_cpulist_count("a"), -1);
    assert_int_equal(box_cpulist_valid("0-1", 2), 1);
    assert_int_equal(box_cpulist_valid("0-2", 2), 0);
    assert_int_equal(box_cpulist_valid("x", 2), 0);
}

static void test_backend_names(void **state) {
    (void)state;
    box_backend_t b;
    assert_int_equal(box_backend_parse("cgroup-v1", &b), 0);
    assert_int_equal(b, BOX_CGROUP_V1);
    assert_int_equal(box_backend_parse("podman", &b), 0);
    assert_int_equal(b, BOX_PODMAN);
    assert_int_equal(box_backend_parse("lxc", &b), -1);
    assert_string_equal(box_backend_name(BOX_DOCKER), "docker");
}

static void test_bad_cpuset_refused(void **state) {
    (void)state;
    char err[256];
    box_limits_t lim = {.cpuset = "1-"};
    assert_null(box_create(BOX_NONE, "x", &lim, err, sizeof err));
    assert_non_null(strstr(err, "bad cpuset '1-'"));
}

#ifdef __linux__
static void test_v1_writes_limits_and_reads_stats(void **state) {
    (void)state;
    const char *ctrls[] = {"cpu", "cpuacct", "cpuset", "memory"};
    char p[512], buf[256], err[512];
    for (int i = 0; i < 4; i++)
        mk("%s/%s", ctrls[i]);
    snprintf(p, sizeof p, "%s/cpu/cpu.cfs_quota_us", tmp);
    put(p, "-1\n");
    snprintf(p, sizeof p, "%s/memory/memory.limit_in_bytes", tmp);
    put(p, "9223372036854771712\n");
    snprintf(p, sizeof p, "%s/cpuset/cpuset.mems", tmp);
    put(p, "0\n");
    snprintf(p, sizeof p, "%s/cpuset/cpuset.cpus", tmp);
    put(p, "0-1\n");
    assert_int_equal(box_detect(buf, sizeof buf), BOX_CGROUP_V1);

    box_limits_t lim = {.cpus = 0.5, .cpuset = "1", .mem_bytes = 64ll << 20};
    box_t *b = box_create(BOX_NATIVE, "server", &lim, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    assert_int_equal(box_backend(b), BOX_CGROUP_V1);
    char expect[128];
    snprintf(expect, sizeof expect, "benchlab-%ld-server-", (long)getpid());
    assert_memory_equal(box_name(b), expect, strlen(expect));

    snprintf(p, sizeof p, "%s/cpu/%s/cpu.cfs_quota_us", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "50000");
    snprintf(p, sizeof p, "%s/cpu/%s/cpu.cfs_period_us", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "100000");
    snprintf(p, sizeof p, "%s/cpuset/%s/cpuset.cpus", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "1");
    snprintf(p, sizeof p, "%s/cpuset/%s/cpuset.mems", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "0\n"); /* copied from the parent */
    snprintf(p, sizeof p, "%s/memory/%s/memory.limit_in_bytes", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "67108864");

    /* stats as the kernel would show them */
    snprintf(p, sizeof p, "%s/cpuacct/%s/cpuacct.usage", tmp, box_name(b));
    put(p, "1750000000\n");
    snprintf(p, sizeof p, "%s/cpuacct/%s/cpuacct.usage_user", tmp, box_name(b));
    put(p, "1500000000\n");
    snprintf(p, sizeof p, "%s/cpuacct/%s/cpuacct.usage_sys", tmp, box_name(b));
    put(p, "250000000\n");
    snprintf(p, sizeof p, "%s/cpu/%s/cpu.stat", tmp, box_name(b));
    put(p, "nr_periods 40\nnr_throttled 12\nthrottled_time 600000000\n");
    snprintf(p, sizeof p, "%s/memory/%s/memory.max_usage_in_bytes", tmp, box_name(b));
    put(p, "12345678\n");
    snprintf(p, sizeof p, "%s/memory/%s/memory.oom_control", tmp, box_name(b));
    put(p, "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    assert_true(st.available);
    assert_true(st.cpu_user_s > 1.49 && st.cpu_user_s < 1.51);
    assert_true(st.cpu_sys_s > 0.249 && st.cpu_sys_s < 0.251);
    assert_int_equal(st.nr_throttled, 12);
    assert_true(st.throttled_s > 0.59 && st.throttled_s < 0.61);
    assert_int_equal(st.memory_peak_bytes, 12345678);
    assert_int_equal(st.oom_kills, 2);

    box_stats_t before = st;
    before.cpu_user_s = 1.0;
    before.oom_kills = 2;
    box_stats_t d = box_stats_sub(&st, &before);
    assert_true(d.cpu_user_s > 0.49 && d.cpu_user_s < 0.51);
    assert_int_equal(d.oom_kills, 0);
    assert_int_equal(d.memory_peak_bytes, 12345678);

    box_reset_peak(b);
    get(p, buf, sizeof buf); /* p is still the oom_control path: unchanged */
    snprintf(p, sizeof p, "%s/memory/%s/memory.max_usage_in_bytes", tmp, box_name(b));
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "0");
    box_destroy(b);
}

static void test_v2_writes_limits_and_reads_stats(void **state) {
    (void)state;
    char p[512], buf[256], err[512];
    snprintf(p, sizeof p, "%s/cgroup.controllers", tmp);
    put(p, "cpuset cpu io memory pids\n");
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", tmp);
    put(p, "");
    assert_int_equal(box_detect(buf, sizeof buf), BOX_CGROUP_V2);
    box_limits_t lim = {.cpus = 0.25, .cpuset = "1", .mem_bytes = 1ll << 30};
    box_t *b = box_create(BOX_NATIVE, "postgres", &lim, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    assert_int_equal(box_backend(b), BOX_CGROUP_V2);
    snprintf(p, sizeof p, "%s/cgroup.subtree_control", tmp);
    get(p, buf, sizeof buf);
    assert_true(buf[0] == '+'); /* controllers were enabled in the parent */
    const char *dir = box_cgroup_dir(b, 0);
    assert_non_null(dir);
    assert_null(box_cgroup_dir(b, 1));
    snprintf(p, sizeof p, "%s/cpu.max", dir);
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "25000 100000");
    snprintf(p, sizeof p, "%s/cpuset.cpus", dir);
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "1");
    snprintf(p, sizeof p, "%s/memory.max", dir);
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "1073741824");
    snprintf(p, sizeof p, "%s/memory.oom.group", dir);
    get(p, buf, sizeof buf);
    assert_string_equal(buf, "1");

    snprintf(p, sizeof p, "%s/cpu.stat", dir);
    put(p, "usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\nnr_periods 10\n"
           "nr_throttled 4\nthrottled_usec 250000\n");
    snprintf(p, sizeof p, "%s/memory.peak", dir);
    put(p, "4096\n");
    snprintf(p, sizeof p, "%s/memory.events", dir);
    put(p, "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), 0);
    assert_true(st.cpu_user_s > 1.99 && st.cpu_user_s < 2.01);
    assert_true(st.cpu_sys_s > 0.99 && st.cpu_sys_s < 1.01);
    assert_int_equal(st.nr_throttled, 4);
    assert_true(st.throttled_s > 0.24 && st.throttled_s < 0.26);
    assert_int_equal(st.memory_peak_bytes, 4096);
    assert_int_equal(st.oom_kills, 1);
    box_destroy(b);
}

static void test_v2_missing_controller_is_explained(void **state) {
    (void)state;
    char p[512], err[512];
    snprintf(p, sizeof p, "%s/cgroup.controllers", tmp);
    put(p, "cpu io memory\n");
    box_limits_t lim = {.cpus = 1};
    assert_null(box_create(BOX_CGROUP_V2, "server", &lim, err, sizeof err));
    assert_non_null(strstr(err, "'cpuset' is not available"));
}

#else
/* Elsewhere (macOS) there are no cgroups: native boxes are refused with a
 * reason, even under a cgroup-looking tree, and pinning is unsupported. */
static void test_native_boxes_need_linux(void **state) {
    (void)state;
    char p[512], buf[256], err[512];
    snprintf(p, sizeof p, "%s/cgroup.controllers", tmp);
    put(p, "cpuset cpu io memory pids\n");
    assert_int_equal(box_detect(buf, sizeof buf), BOX_NONE);
    assert_non_null(strstr(buf, "native boxes are Linux cgroups"));
    box_limits_t lim = {.cpus = 1};
    assert_null(box_create(BOX_NATIVE, "server", &lim, err, sizeof err));
    assert_non_null(strstr(err, "native box unavailable: native boxes are Linux cgroups"));
    assert_null(box_create(BOX_CGROUP_V2, "server", &lim, err, sizeof err));
    assert_non_null(strstr(err, "cgroup-v2 boxes need Linux"));
    errno = 0;
    assert_int_equal(box_pin_self("0"), -1);
    assert_int_equal(errno, ENOTSUP);
}
#endif

/* A fake engine: logs its arguments; `inspect` answers "<pid> <oomkilled>". */
static void fake_engine(const char *name) {
    char p[512], script[1024];
    snprintf(p, sizeof p, "%s/%s", tmp, name);
    snprintf(script, sizeof script,
             "#!/bin/sh\necho \"$*\" >> '%s/engine.log'\n"
             "if [ \"$1\" = inspect ]; then echo '0 true'; fi\nexit 0\n",
             tmp);
    put(p, script);
    assert_int_equal(chmod(p, 0755), 0);
}

static void test_docker_command_line(void **state) {
    (void)state;
    char err[512], path[1024], buf[4096];
    fake_engine("docker");
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "");
    snprintf(path, sizeof path, "%s:%s", tmp, saved);
    setenv("PATH", path, 1);

    /* the stack and data directories appear at the same paths inside */
    const char *mounts[] = {"/tmp/benchlab-run-1-stack", "/var/lib/benchlab-work/results", NULL};
    box_limits_t lim = {.cpus = 2, .cpuset = "2-3", .mem_bytes = 2ll << 30, .mounts = mounts};
    box_t *b = box_create(BOX_DOCKER, "server", &lim, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    char *argv[] = {"benchlab-server", "--listen", "127.0.0.1:8080", NULL};
    char **cmd = box_command(b, argv, "/tmp/benchlab-run-1-stack/redis");
    assert_non_null(cmd);
    /* no user asked: as root the image's; otherwise ours, by number (files
     * the container writes in the mounts stay ours) */
    char own_user[32];
    snprintf(own_user, sizeof own_user, "%d:%d", (int)geteuid(), (int)getegid());
    const char *want[] = {"docker",
                          "run",
                          "--rm",
                          "--init",
                          "--name",
                          box_name(b),
                          "--network",
                          "host",
                          "--cpus",
                          "2",
                          "--cpuset-cpus",
                          "2-3",
                          "--memory",
                          "2147483648b",
                          "--memory-swap",
                          "2147483648b",
                          "--user",
                          own_user,
                          "-v",
                          "/tmp/benchlab-run-1-stack:/tmp/benchlab-run-1-stack",
                          "-v",
                          "/var/lib/benchlab-work/results:/var/lib/benchlab-work/results",
                          "-w",
                          "/tmp/benchlab-run-1-stack/redis",
                          "benchlab-server",
                          "benchlab-server",
                          "--listen",
                          "127.0.0.1:8080"};
    if (geteuid() == 0) {
        size_t k = 0;
        for (size_t i = 0; cmd[i]; i++)
            assert_string_not_equal(cmd[i], "--user");
        /* compare against the list without --user UID:GID */
        const char *drop[64];
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
            if (strcmp(want[i], "--user") != 0 && want[i] != own_user)
                drop[k++] = want[i];
        size_t m = 0;
        while (cmd[m])
            m++;
        assert_int_equal(m, k);
        for (size_t i = 0; i < m; i++)
            assert_string_equal(cmd[i], drop[i]);
        box_free_argv(cmd);
        cmd = NULL;
    }
    size_t n = 0;
    while (cmd && cmd[n])
        n++;
    if (cmd) {
        assert_int_equal(n, sizeof want / sizeof want[0]);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(cmd[i], want[i]);
        box_free_argv(cmd);
    }
    assert_true(box_is_container(b));
    assert_int_equal(box_enter(b), 0); /* the limits live in the container */

    /* `inspect` says pid 0 (not running), OOMKilled true: the OOM kill is
     * known, the counters are not (available = false, not zeros) */
    box_stats_t st;
    assert_int_equal(box_stats(b, &st), -1);
    assert_false(st.available);
    assert_int_equal(st.oom_kills, 1);
    char name[128];
    snprintf(name, sizeof name, "%s", box_name(b));
    box_destroy(b);
    snprintf(path, sizeof path, "%s/engine.log", tmp);
    get(path, buf, sizeof buf);
    char rm[256];
    snprintf(rm, sizeof rm, "rm -f %s\n", name);
    assert_non_null(strstr(buf, rm));
    assert_non_null(strstr(buf, "inspect --format"));

    /* podman is the same command with another engine; an explicit image
     * wins; a user given by number stays as given */
    fake_engine("podman");
    box_limits_t lim2 = {.cpus = 0.5, .image = "localhost/benchlab-redis:dev", .user = "999:998"};
    b = box_create(BOX_PODMAN, "redis", &lim2, err, sizeof err);
    assert_non_null(b);
    char *argv2[] = {"redis-server", NULL};
    cmd = box_command(b, argv2, NULL);
    assert_string_equal(cmd[0], "podman");
    n = 0;
    while (cmd[n])
        n++;
    /* no mounts and no working directory asked: neither -v nor -w */
    assert_string_equal(cmd[n - 2], "localhost/benchlab-redis:dev");
    assert_string_equal(cmd[n - 3], "999:998");
    assert_string_equal(cmd[n - 4], "--user");
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(cmd[i], "-v");
        assert_string_not_equal(cmd[i], "-w");
    }
    box_free_argv(cmd);
    box_destroy(b);

    /* a mount docker would misread is refused when the box is made */
    const char *relative[] = {"stack", NULL};
    box_limits_t lim3 = {.mounts = relative};
    assert_null(box_create(BOX_PODMAN, "redis", &lim3, err, sizeof err));
    assert_non_null(strstr(err, "mount 'stack': expected an absolute path without ':'"));
    const char *colon[] = {"/tmp/a:b", NULL};
    lim3.mounts = colon;
    assert_null(box_create(BOX_PODMAN, "redis", &lim3, err, sizeof err));
    assert_non_null(strstr(err, "mount '/tmp/a:b'"));
    const char *many[BOX_MAX_MOUNTS + 2];
    for (int i = 0; i <= BOX_MAX_MOUNTS; i++)
        many[i] = "/tmp";
    many[BOX_MAX_MOUNTS + 1] = NULL;
    lim3.mounts = many;
    assert_null(box_create(BOX_PODMAN, "redis", &lim3, err, sizeof err));
    assert_non_null(strstr(err, "more than 8 mounts"));
    many[BOX_MAX_MOUNTS] = NULL; /* exactly the most allowed */
    b = box_create(BOX_PODMAN, "redis", &lim3, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    cmd = box_command(b, argv2, "/tmp");
    n = 0;
    while (cmd[n])
        n++;
    /* podman run --rm --init --name X --network host [--user U], -v /tmp:/tmp
     * (the same directory is mounted once), -w /tmp, image, redis-server */
    assert_int_equal(n, 8 + (geteuid() == 0 ? 0 : 2) + 2 + 2 + 2); /* the same dir once */
    box_free_argv(cmd);
    box_destroy(b);

    setenv("PATH", "/nonexistent", 1);
    assert_null(box_create(BOX_DOCKER, "server", &lim, err, sizeof err));
    assert_non_null(strstr(err, "'docker' is not on PATH"));
    setenv("PATH", saved, 1);
    free(saved);
}

static size_t argv_find(char **cmd, const char *word) {
    for (size_t i = 0; cmd[i]; i++)
        if (strcmp(cmd[i], word) == 0)
            return i;
    return (size_t)-1;
}

/* What the stack asks of a container run: the service's user by number,
 * more mounts, a one-off name; and the clean-up calls. */
static void test_container_run_options(void **state) {
    (void)state;
    char err[512], path[1024], buf[8192];
    /* `ps` lists a container of a dead benchlab pid, one of ours and a foreign one */
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char p[512], script[2048];
    snprintf(p, sizeof p, "%s/docker", tmp);
    snprintf(script, sizeof script,
             "#!/bin/sh\necho \"$*\" >> '%s/engine.log'\n"
             "if [ \"$1\" = ps ]; then echo benchlab-%d-server-1; echo benchlab-%d-redis-2; "
             "echo other-thing; fi\nexit 0\n",
             tmp, (int)dead, (int)getpid());
    put(p, script);
    assert_int_equal(chmod(p, 0755), 0);
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "");
    snprintf(path, sizeof path, "%s:%s", tmp, saved);
    setenv("PATH", path, 1);

    const char *mounts[] = {"/srv/stack", NULL};
    box_limits_t lim = {.cpus = 1, .mounts = mounts};
    box_t *b = box_create(BOX_DOCKER, "postgres", &lim, err, sizeof err);
    if (!b)
        fail_msg("%s", err);
    assert_string_equal(box_engine(BOX_PODMAN), "podman");
    char *argv[] = {"initdb", "-D", "/tmp/benchlab-pg.x/pg", NULL};
    const char *more[] = {"/tmp/benchlab-pg.x", "/srv/stack", NULL};
    box_run_t run = {
        .cwd = "/tmp/benchlab-pg.x", .user = "nobody", .mounts = more, .name_suffix = "-initdb"};
    char **cmd = box_command_run(b, argv, &run, err, sizeof err);
    if (!cmd)
        fail_msg("%s", err);
    /* the name with its suffix, the image from the label */
    char name[160];
    snprintf(name, sizeof name, "%s-initdb", box_name(b));
    size_t i = argv_find(cmd, "--name");
    assert_true(i != (size_t)-1);
    assert_string_equal(cmd[i + 1], name);
    assert_true(argv_find(cmd, "benchlab-postgres") != (size_t)-1);
    /* the user by number: the host's nobody, whatever the image calls it */
    struct passwd *pw = getpwnam("nobody");
    if (pw) {
        char want[32];
        snprintf(want, sizeof want, "%d:%d", (int)pw->pw_uid, (int)pw->pw_gid);
        i = argv_find(cmd, "--user");
        assert_true(i != (size_t)-1);
        assert_string_equal(cmd[i + 1], want);
    }
    /* the box's mount and the run's, each once, at their own paths */
    int vs = 0;
    for (size_t k = 0; cmd[k]; k++)
        vs += strcmp(cmd[k], "-v") == 0;
    assert_int_equal(vs, 2);
    assert_true(argv_find(cmd, "/srv/stack:/srv/stack") != (size_t)-1);
    assert_true(argv_find(cmd, "/tmp/benchlab-pg.x:/tmp/benchlab-pg.x") != (size_t)-1);
    i = argv_find(cmd, "-w");
    assert_string_equal(cmd[i + 1], "/tmp/benchlab-pg.x");
    i = argv_find(cmd, "initdb"); /* the command follows the image */
    assert_string_equal(cmd[i - 1], "benchlab-postgres");
    assert_string_equal(cmd[i + 2], "/tmp/benchlab-pg.x/pg");
    box_free_argv(cmd);

    /* an unknown user name is an error naming it; a relative mount too */
    run.user = "no-such-user-here";
    assert_null(box_command_run(b, argv, &run, err, sizeof err));
    assert_non_null(strstr(err, "no user 'no-such-user-here'"));
    run.user = "70:70";
    const char *rel[] = {"data", NULL};
    run.mounts = rel;
    assert_null(box_command_run(b, argv, &run, err, sizeof err));
    assert_non_null(strstr(err, "mount 'data'"));
    run.mounts = NULL;
    cmd = box_command_run(b, argv, &run, err, sizeof err);
    assert_string_equal(cmd[argv_find(cmd, "--user") + 1], "70:70");
    box_free_argv(cmd);

    /* clean-up: rm -f of the one-off container; the sweep removes only the
     * container whose benchlab is dead */
    box_remove_container(b, "-initdb");
    assert_int_equal(box_sweep_stale_containers(BOX_DOCKER), 1);
    assert_int_equal(box_sweep_stale_containers(BOX_CGROUP_V1), 0); /* not a container backend */
    box_destroy(b);
    snprintf(path, sizeof path, "%s/engine.log", tmp);
    get(path, buf, sizeof buf);
    char line[256];
    snprintf(line, sizeof line, "rm -f %s\n", name);
    assert_non_null(strstr(buf, line));
    assert_non_null(strstr(buf, "ps -a --filter name=benchlab- --format {{.Names}}\n"));
    snprintf(line, sizeof line, "rm -f benchlab-%d-server-1\n", (int)dead);
    assert_non_null(strstr(buf, line));
    snprintf(line, sizeof line, "rm -f benchlab-%d-redis-2\n", (int)getpid());
    assert_null(strstr(buf, line));
    assert_null(strstr(buf, "rm -f other-thing"));
    setenv("PATH", saved, 1);
    free(saved);
}

static void test_native_command_is_unchanged(void **state) {
    (void)state;
    char err[128];
    box_limits_t lim = {0};
    box_t *b = box_create(BOX_NONE, "load", &lim, err, sizeof err);
    assert_non_null(b);
    char *argv[] = {"/bin/true", "x", NULL};
    char **cmd = box_command(b, argv, "/tmp"); /* natively, spawn's chdir does the cwd */
    assert_string_equal(cmd[0], "/bin/true");
    assert_string_equal(cmd[1], "x");
    assert_null(cmd[2]);
    box_free_argv(cmd);
    assert_false(box_is_container(b));
    box_remove_container(b, NULL); /* nothing to remove natively */
    box_destroy_all();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_tmp, teardown_tmp)
int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpulist),
        cmocka_unit_test(test_backend_names),
        cmocka_unit_test(test_bad_cpuset_refused),
#ifdef __linux__
        T(test_v1_writes_limits_and_reads_stats),
        T(test_v2_writes_limits_and_reads_stats),
        T(test_v2_missing_controller_is_explained),
#else
        T(test_native_boxes_need_linux),
#endif
        T(test_docker_command_line),
        T(test_container_run_options),
        cmocka_unit_test(test_native_command_is_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
