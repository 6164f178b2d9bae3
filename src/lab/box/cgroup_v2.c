/* Native boxes on the unified cgroup v2 hierarchy: one directory under the
 * cgroup this process is in, with cpu, cpuset and memory enabled in the
 * parent's cgroup.subtree_control. */
#ifdef __linux__ /* cgroups: the whole file; box.c refuses this backend elsewhere */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/box/internal.h"

static const char *const wanted[] = {"cpu", "cpuset", "memory"};

static int has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
            return 1;
    return 0;
}

static int v2_create(box_t *b, char *err, size_t err_len) {
    char self[PATH_MAX / 2], parent[PATH_MAX], dir[PATH_MAX], val[256];
    if (box_self_cgroup("", self, sizeof self) != 0)
        snprintf(self, sizeof self, "/");
    if (snprintf(parent, sizeof parent, "%s%s", b->root, strcmp(self, "/") == 0 ? "" : self) >=
            (int)sizeof parent ||
        !box_path_exists(parent))
        snprintf(parent, sizeof parent, "%s", b->root);

    char have[512] = "", enabled[512] = "";
    box_read_file(parent, "cgroup.controllers", have, sizeof have);
    box_read_file(parent, "cgroup.subtree_control", enabled, sizeof enabled);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        if (has_word(enabled, wanted[i]))
            continue;
        if (!has_word(have, wanted[i])) {
            snprintf(err, err_len,
                     "cgroup v2: controller '%s' is not available in %s (enable it in the "
                     "parent's cgroup.subtree_control, or run benchlab in a delegated cgroup, "
                     "e.g. systemd-run --scope -p Delegate=yes)",
                     wanted[i], parent);
            return -1;
        }
        snprintf(val, sizeof val, "+%s", wanted[i]);
        if (box_write_file(parent, "cgroup.subtree_control", val) != 0) {
            snprintf(err, err_len,
                     "cgroup v2: cannot enable '%s' in %s/cgroup.subtree_control: %s%s", wanted[i],
                     parent, strerror(errno),
                     errno == EBUSY ? " (that cgroup has processes of its own; run benchlab in a "
                                      "leaf cgroup with delegation, e.g. systemd-run --scope -p "
                                      "Delegate=yes)"
                                    : "");
            return -1;
        }
    }

    if (snprintf(dir, sizeof dir, "%s/%s", parent, b->name) >= (int)sizeof dir ||
        mkdir(dir, 0755) != 0) {
        snprintf(err, err_len, "cgroup v2: mkdir %s/%s: %s", parent, b->name, strerror(errno));
        return -1;
    }
    b->ndirs = 1;
    snprintf(b->dirs[0], sizeof b->dirs[0], "%s", dir);
    if (snprintf(b->procs[0], sizeof b->procs[0], "%s/cgroup.procs", dir) >=
        (int)sizeof b->procs[0]) {
        snprintf(err, err_len, "cgroup v2: path too long: %s", dir);
        rmdir(dir);
        return -1;
    }

    const char *what = NULL;
    if (*b->cpuset && box_write_file(dir, "cpuset.cpus", b->cpuset) != 0)
        what = "cpuset.cpus";
    if (!what && b->cpus > 0) {
        long long quota = (long long)(b->cpus * 100000.0 + 0.5);
        snprintf(val, sizeof val, "%lld 100000", quota < 1000 ? 1000 : quota);
        if (box_write_file(dir, "cpu.max", val) != 0)
            what = "cpu.max";
    }
    if (!what && b->mem_bytes > 0) {
        char path[PATH_MAX + 32];
        snprintf(val, sizeof val, "%lld", b->mem_bytes);
        if (box_write_file(dir, "memory.max", val) != 0)
            what = "memory.max";
        snprintf(path, sizeof path, "%s/memory.swap.max", dir);
        if (!what && box_path_exists(path) && box_write_file(dir, "memory.swap.max", "0") != 0)
            what = "memory.swap.max";
    }
    /* One OOM kill takes the whole box down: a half-killed server is worse. */
    if (!what && b->mem_bytes > 0 && box_write_file(dir, "memory.oom.group", "1") != 0)
        what = "memory.oom.group";
    if (what) {
        snprintf(err, err_len, "cgroup v2 box %s: writing %s: %s", b->name, what, strerror(errno));
        rmdir(dir);
        b->ndirs = 0;
        return -1;
    }
    return 0;
}

static int v2_enter(box_t *b) {
    return box_write_pid(b->procs[0], getpid());
}

static int v2_stats(box_t *b, box_stats_t *out) {
    const char *dir = b->dirs[0];
    long long v;
    int rc = 0;
    if (box_read_keyed(dir, "cpu.stat", "user_usec", &v) == 0)
        out->cpu_user_s = (double)v / 1e6;
    else
        rc = -1;
    if (box_read_keyed(dir, "cpu.stat", "system_usec", &v) == 0)
        out->cpu_sys_s = (double)v / 1e6;
    if (box_read_keyed(dir, "cpu.stat", "nr_throttled", &v) == 0)
        out->nr_throttled = v;
    if (box_read_keyed(dir, "cpu.stat", "throttled_usec", &v) == 0)
        out->throttled_s = (double)v / 1e6;
    if (box_read_ll(dir, "memory.peak", &v) == 0)
        out->memory_peak_bytes = v;
    else if (box_read_ll(dir, "memory.current", &v) == 0)
        out->memory_peak_bytes = v; /* kernels before 5.19 have no memory.peak */
    if (box_read_keyed(dir, "memory.stat", "anon", &v) == 0)
        out->memory_rss_bytes = v;
    if (box_read_keyed(dir, "memory.events", "oom_kill", &v) == 0)
        out->oom_kills = v;
    return rc;
}

static void v2_destroy(box_t *b) {
    if (b->ndirs == 0)
        return;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/cgroup.kill", b->dirs[0]);
    if (box_path_exists(path))
        box_write_file(b->dirs[0], "cgroup.kill", "1");
    for (int t = 0; t < 100; t++) { /* kill again: a late joiner may have arrived */
        box_kill_procs(b->dirs[0]);
        if (rmdir(b->dirs[0]) == 0 || errno == ENOENT)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    b->ndirs = 0;
}

const struct box_ops box_ops_v2 = {v2_create, v2_enter, v2_stats, NULL, v2_destroy};

#else
typedef int box_cgroup_v2_needs_linux; /* ISO C wants a non-empty file */
#endif
