/* A container's statistics on another host's engine (box/internal.h): its
 * pid and cgroup are that host's, so they are read inside the container,
 * through the engine, as
 *   ENGINE -H URL exec NAME head -n 64 /sys/fs/cgroup/cpu.stat ... (v2 and v1 files)
 * `head` prints each file that exists after a "==> FILE <==" line; the
 * container sees its own cgroup at /sys/fs/cgroup (cgroup v2 with a private
 * cgroup namespace, Docker's default there; v1: each controller mounted at
 * /sys/fs/cgroup/CONTROLLER). The images need `head` (coreutils). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/box/internal.h"

static const char *const files[] = {
    /* v2 */
    "/sys/fs/cgroup/cpu.stat", "/sys/fs/cgroup/memory.peak", "/sys/fs/cgroup/memory.current",
    "/sys/fs/cgroup/memory.stat", "/sys/fs/cgroup/memory.events",
    /* v1 */
    "/sys/fs/cgroup/cpuacct/cpuacct.usage", "/sys/fs/cgroup/cpuacct/cpuacct.stat",
    "/sys/fs/cgroup/cpu/cpu.stat", "/sys/fs/cgroup/memory/memory.max_usage_in_bytes",
    "/sys/fs/cgroup/memory/memory.stat", "/sys/fs/cgroup/memory/memory.oom_control"};
#define NFILES (sizeof files / sizeof files[0])

/* Runs argv with stdout into out (NUL-terminated, truncated to len), stderr
 * discarded. Its exit status, or -1 when it could not run. */
static int run_out(char *const argv[], char *out, size_t len) {
    pid_t pid;
    int fd = box_spawn_reader(argv, &pid);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t r;
    char sink[512];
    while (got + 1 < len && (r = read(fd, out + got, len - 1 - got)) > 0)
        got += (size_t)r;
    while (read(fd, sink, sizeof sink) > 0)
        ;
    close(fd);
    out[got] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The value of "key V" in the section of file f, or of its first line when
 * key is NULL. 0, or -1 when absent. */
static int value(const char *out, const char *f, const char *key, long long *v) {
    char head[128];
    snprintf(head, sizeof head, "==> %s <==\n", f);
    const char *p = strstr(out, head);
    if (!p)
        return -1;
    p += strlen(head);
    const char *end = strstr(p, "==> ");
    if (!end)
        end = p + strlen(p);
    if (!key)
        return sscanf(p, "%lld", v) == 1 ? 0 : -1;
    size_t kl = strlen(key);
    for (const char *l = p; l < end; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : end)
        if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
            return sscanf(l + kl + 1, "%lld", v) == 1 ? 0 : -1;
    return -1;
}

int box_docker_exec_stats(box_t *b, box_stats_t *out) {
    const char *pre[3];
    int np = box_engine_argv(b->backend, b->endpoint, pre);
    char *argv[3 + 5 + NFILES + 1];
    int n = 0;
    for (int i = 0; i < np; i++)
        argv[n++] = (char *)pre[i];
    argv[n++] = "exec";
    argv[n++] = b->name;
    argv[n++] = "head";
    argv[n++] = "-n";
    argv[n++] = "64";
    for (size_t i = 0; i < NFILES; i++)
        argv[n++] = (char *)files[i];
    argv[n] = NULL;
    static char buf[16384];
    run_out(argv, buf, sizeof buf); /* exits 1 for the files of the other version */
    long long v, u, s;
    if (value(buf, files[0], "usage_usec", &v) == 0) { /* v2 */
        if (value(buf, files[0], "user_usec", &u) == 0 &&
            value(buf, files[0], "system_usec", &s) == 0) {
            out->cpu_user_s = (double)u / 1e6;
            out->cpu_sys_s = (double)s / 1e6;
        } else
            out->cpu_user_s = (double)v / 1e6;
        if (value(buf, files[0], "nr_throttled", &v) == 0)
            out->nr_throttled = v;
        if (value(buf, files[0], "throttled_usec", &v) == 0)
            out->throttled_s = (double)v / 1e6;
        if (value(buf, files[1], NULL, &v) == 0 || value(buf, files[2], NULL, &v) == 0)
            out->memory_peak_bytes = v;
        if (value(buf, files[3], "anon", &v) == 0)
            out->memory_rss_bytes = v;
        if (value(buf, files[4], "oom_kill", &v) == 0)
            out->oom_kills = v;
    } else if (value(buf, files[6], "user", &u) == 0 &&
               value(buf, files[6], "system", &s) == 0) { /* v1, USER_HZ ticks */
        double hz = (double)sysconf(_SC_CLK_TCK);
        out->cpu_user_s = (double)u / hz;
        out->cpu_sys_s = (double)s / hz;
        if (value(buf, files[5], NULL, &v) == 0 &&
            (double)v / 1e9 > out->cpu_user_s + out->cpu_sys_s) {
            /* the exact total, split as the ticks are */
            double t = (double)v / 1e9, k = t / (out->cpu_user_s + out->cpu_sys_s);
            out->cpu_user_s *= k;
            out->cpu_sys_s *= k;
        }
        if (value(buf, files[7], "nr_throttled", &v) == 0)
            out->nr_throttled = v;
        if (value(buf, files[7], "throttled_time", &v) == 0)
            out->throttled_s = (double)v / 1e9;
        if (value(buf, files[8], NULL, &v) == 0)
            out->memory_peak_bytes = v;
        if (value(buf, files[9], "total_rss", &v) == 0)
            out->memory_rss_bytes = v;
        if (value(buf, files[10], "oom_kill", &v) == 0)
            out->oom_kills = v;
    } else
        return -1; /* the container is gone, or its engine does not answer */
    out->available = true;
    return 0;
}
