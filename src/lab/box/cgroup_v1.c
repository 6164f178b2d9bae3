/* Native boxes on cgroup v1 (what these machines mount): one directory per
 * controller hierarchy (cpu, cpuacct, cpuset, memory), created under the
 * cgroup this process is in, so a box never escapes limits set on us. */
#ifdef __linux__ /* cgroups: the whole file; box.c refuses this backend elsewhere */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/box/internal.h"

enum { C_CPU, C_CPUACCT, C_CPUSET, C_MEMORY };
static const char *const controllers[4] = {"cpu", "cpuacct", "cpuset", "memory"};

static void remove_dirs(box_t *b) {
    /* Kill again on every round: a child that was between fork and exec may
     * join one of the directories after it was found empty. */
    bool gone[BOX_MAX_DIRS] = {false};
    for (int round = 0; round < 100; round++) {
        bool all = true;
        for (int i = b->ndirs - 1; i >= 0; i--) {
            if (gone[i])
                continue;
            box_kill_procs(b->dirs[i]);
            gone[i] = rmdir(b->dirs[i]) == 0 || errno == ENOENT;
            all &= gone[i];
        }
        if (all)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    b->ndirs = 0;
}

static int fail(box_t *b, char *err, size_t len, const char *what, const char *dir) {
    snprintf(err, len, "cgroup v1 box %s: %s in %s: %s", b->name, what, dir, strerror(errno));
    remove_dirs(b);
    return -1;
}

static int v1_create(box_t *b, char *err, size_t err_len) {
    char real[BOX_MAX_DIRS][PATH_MAX];
    for (int c = 0; c < 4; c++) {
        char self[PATH_MAX / 2], parent[PATH_MAX], dir[PATH_MAX];
        if (box_self_cgroup(controllers[c], self, sizeof self) != 0)
            snprintf(self, sizeof self, "/");
        if (snprintf(parent, sizeof parent, "%s/%s%s", b->root, controllers[c], self) >=
                (int)sizeof parent ||
            !box_path_exists(parent))
            snprintf(parent, sizeof parent, "%s/%s", b->root, controllers[c]);
        char resolved[PATH_MAX];
        if (!realpath(parent, resolved)) {
            snprintf(err, err_len, "cgroup v1: no %s hierarchy at %s: %s", controllers[c], parent,
                     strerror(errno));
            remove_dirs(b);
            return -1;
        }
        /* co-mounted controllers (cpu,cpuacct) share one directory */
        int same = -1;
        for (int i = 0; i < b->ndirs; i++)
            if (strcmp(real[i], resolved) == 0)
                same = i;
        if (same >= 0) {
            b->v1_dir[c] = same;
            continue;
        }
        if (snprintf(dir, sizeof dir, "%s/%s", resolved, b->name) >= (int)sizeof dir)
            return fail(b, err, err_len, "path too long", resolved);
        if (mkdir(dir, 0755) != 0)
            return fail(b, err, err_len, "mkdir", dir);
        int i = b->ndirs++;
        snprintf(real[i], sizeof real[i], "%s", resolved);
        snprintf(b->dirs[i], sizeof b->dirs[i], "%s", dir);
        if (snprintf(b->procs[i], sizeof b->procs[i], "%s/cgroup.procs", dir) >=
            (int)sizeof b->procs[i])
            return fail(b, err, err_len, "path too long", dir);
        b->v1_dir[c] = i;
    }

    /* cpuset: a new v1 cpuset is empty; it must get CPUs and memory nodes
     * before any task can join. Copy what the parent has where unset. */
    const char *cs = b->dirs[b->v1_dir[C_CPUSET]];
    const char *cs_parent = real[b->v1_dir[C_CPUSET]];
    char val[256];
    if (box_read_file(cs_parent, "cpuset.mems", val, sizeof val) != 0 || !*val)
        snprintf(val, sizeof val, "0");
    if (box_write_file(cs, "cpuset.mems", val) != 0)
        return fail(b, err, err_len, "writing cpuset.mems", cs);
    if (*b->cpuset)
        snprintf(val, sizeof val, "%s", b->cpuset);
    else if (box_read_file(cs_parent, "cpuset.cpus", val, sizeof val) != 0 || !*val)
        snprintf(val, sizeof val, "0");
    if (box_write_file(cs, "cpuset.cpus", val) != 0)
        return fail(b, err, err_len, "writing cpuset.cpus (CPU not on this host?)", cs);

    if (b->cpus > 0) {
        const char *cpu = b->dirs[b->v1_dir[C_CPU]];
        long long quota = (long long)(b->cpus * 100000.0 + 0.5);
        if (quota < 1000)
            quota = 1000; /* the kernel's minimum quota is 1 ms */
        snprintf(val, sizeof val, "%lld", quota);
        if (box_write_file(cpu, "cpu.cfs_period_us", "100000") != 0 ||
            box_write_file(cpu, "cpu.cfs_quota_us", val) != 0)
            return fail(b, err, err_len, "writing cpu.cfs_quota_us", cpu);
    }
    if (b->mem_bytes > 0) {
        const char *mem = b->dirs[b->v1_dir[C_MEMORY]];
        char path[PATH_MAX + 32];
        snprintf(val, sizeof val, "%lld", b->mem_bytes);
        if (box_write_file(mem, "memory.limit_in_bytes", val) != 0)
            return fail(b, err, err_len, "writing memory.limit_in_bytes", mem);
        /* With swap accounting, memory+swap gets the same limit: no swapping out. */
        snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", mem);
        if (box_path_exists(path) && box_write_file(mem, "memory.memsw.limit_in_bytes", val) != 0)
            return fail(b, err, err_len, "writing memory.memsw.limit_in_bytes", mem);
    }
    return 0;
}

static int v1_enter(box_t *b) {
    pid_t self = getpid();
    /* cpuset first, so the process is never on a forbidden CPU after joining */
    static const int order[4] = {C_CPUSET, C_MEMORY, C_CPU, C_CPUACCT};
    int done[BOX_MAX_DIRS] = {0};
    for (int k = 0; k < 4; k++) {
        int i = b->v1_dir[order[k]];
        if (done[i])
            continue;
        done[i] = 1;
        if (box_write_pid(b->procs[i], self) != 0)
            return -1;
    }
    return 0;
}

static int v1_stats(box_t *b, box_stats_t *out) {
    const char *acct = b->dirs[b->v1_dir[C_CPUACCT]];
    const char *cpu = b->dirs[b->v1_dir[C_CPU]];
    const char *mem = b->dirs[b->v1_dir[C_MEMORY]];
    long long v;
    int rc = 0;
    long long total, us = 0;
    if (box_read_ll(acct, "cpuacct.usage", &total) == 0 &&
        box_read_ll(acct, "cpuacct.usage_user", &v) == 0 &&
        box_read_ll(acct, "cpuacct.usage_sys", &us) == 0) {
        /* cpuacct.usage is exact; its user/sys split is sampled at ticks */
        double user_share = v + us > 0 ? (double)v / (double)(v + us) : 1.0;
        out->cpu_user_s = (double)total / 1e9 * user_share;
        out->cpu_sys_s = (double)total / 1e9 - out->cpu_user_s;
    } else {
        double hz = (double)sysconf(_SC_CLK_TCK);
        if (box_read_keyed(acct, "cpuacct.stat", "user", &v) == 0)
            out->cpu_user_s = (double)v / hz;
        else
            rc = -1;
        if (box_read_keyed(acct, "cpuacct.stat", "system", &v) == 0)
            out->cpu_sys_s = (double)v / hz;
    }
    if (box_read_keyed(cpu, "cpu.stat", "nr_throttled", &v) == 0)
        out->nr_throttled = v;
    if (box_read_keyed(cpu, "cpu.stat", "throttled_time", &v) == 0)
        out->throttled_s = (double)v / 1e9;
    if (box_read_ll(mem, "memory.max_usage_in_bytes", &v) == 0)
        out->memory_peak_bytes = v;
    else
        rc = -1;
    if (box_read_keyed(mem, "memory.stat", "total_rss", &v) == 0)
        out->memory_rss_bytes = v;
    if (box_read_keyed(mem, "memory.oom_control", "oom_kill", &v) == 0)
        out->oom_kills = v;
    return rc;
}

static void v1_reset_peak(box_t *b) {
    box_write_file(b->dirs[b->v1_dir[C_MEMORY]], "memory.max_usage_in_bytes", "0");
}

static void v1_destroy(box_t *b) {
    remove_dirs(b);
}

const struct box_ops box_ops_v1 = {v1_create, v1_enter, v1_stats, v1_reset_peak, v1_destroy};

#else
typedef int box_cgroup_v1_needs_linux; /* ISO C wants a non-empty file */
#endif
