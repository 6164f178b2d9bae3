/* Boxes: backend choice, naming, the registry of live boxes and cleanup. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "lab/box/internal.h"

static box_t *live_boxes; /* every box created and not yet destroyed */
static int box_counter;

static const struct {
    const char *name;
    box_backend_t b;
} backend_names[] = {
    {"native", BOX_NATIVE}, {"cgroup-v1", BOX_CGROUP_V1}, {"cgroup-v2", BOX_CGROUP_V2},
    {"docker", BOX_DOCKER}, {"podman", BOX_PODMAN},       {"none", BOX_NONE},
};

int box_backend_parse(const char *name, box_backend_t *out) {
    for (size_t i = 0; i < sizeof backend_names / sizeof backend_names[0]; i++)
        if (strcmp(name, backend_names[i].name) == 0) {
            *out = backend_names[i].b;
            return 0;
        }
    return -1;
}

const char *box_backend_name(box_backend_t b) {
    for (size_t i = 0; i < sizeof backend_names / sizeof backend_names[0]; i++)
        if (backend_names[i].b == b)
            return backend_names[i].name;
    return "?";
}

box_backend_t box_detect(char *why, size_t why_len) {
#ifndef __linux__
    snprintf(why, why_len, "native boxes are Linux cgroups (use the docker backend or none)");
    return BOX_NONE;
#endif
    const char *root = box_cgroup_root();
    char path[PATH_MAX];
    box_backend_t found = BOX_NONE;
    snprintf(path, sizeof path, "%s/cgroup.controllers", root);
    if (box_path_exists(path)) {
        found = BOX_CGROUP_V2;
    } else {
        snprintf(path, sizeof path, "%s/cpu/cpu.cfs_quota_us", root);
        char mem[PATH_MAX];
        snprintf(mem, sizeof mem, "%s/memory/memory.limit_in_bytes", root);
        if (box_path_exists(path) && box_path_exists(mem))
            found = BOX_CGROUP_V1;
    }
    if (found == BOX_NONE) {
        snprintf(why, why_len, "no cgroup v1 cpu+memory or v2 hierarchy under %s", root);
        return BOX_NONE;
    }
    if (geteuid() != 0 && !getenv("BENCHLAB_CGROUP_ROOT")) {
        snprintf(why, why_len, "cgroups need root (running as uid %d)", (int)geteuid());
        return BOX_NONE;
    }
    snprintf(why, why_len, "%s", found == BOX_CGROUP_V2 ? "cgroup v2" : "cgroup v1");
    return found;
}

box_t *box_create(box_backend_t backend, const char *label, const box_limits_t *limits, char *err,
                  size_t err_len) {
    if (backend == BOX_NATIVE) {
        char why[256];
        backend = box_detect(why, sizeof why);
        if (backend == BOX_NONE) {
            snprintf(err, err_len, "native box unavailable: %s", why);
            return NULL;
        }
    }
    if (limits->cpuset && *limits->cpuset && box_cpulist_count(limits->cpuset) <= 0) {
        snprintf(err, err_len, "bad cpuset '%s' (expected a CPU list like 1 or 0-3,6)",
                 limits->cpuset);
        return NULL;
    }
    int nmounts = 0;
    for (; limits->mounts && limits->mounts[nmounts]; nmounts++) {
        const char *m = limits->mounts[nmounts];
        /* -v splits at ':', and a name without '/' would be a named volume */
        if (m[0] != '/' || strchr(m, ':') || strlen(m) >= PATH_MAX) {
            snprintf(err, err_len, "mount '%s': expected an absolute path without ':'", m);
            return NULL;
        }
        if (nmounts == BOX_MAX_MOUNTS) {
            snprintf(err, err_len, "more than %d mounts", BOX_MAX_MOUNTS);
            return NULL;
        }
    }
    box_t *b = xcalloc(1, sizeof *b);
    if (!b) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    b->backend = backend;
    b->cpus = limits->cpus;
    b->mem_bytes = limits->mem_bytes;
    snprintf(b->cpuset, sizeof b->cpuset, "%s", limits->cpuset ? limits->cpuset : "");
    snprintf(b->user, sizeof b->user, "%s", limits->user ? limits->user : "");
    snprintf(b->image, sizeof b->image, "%s", limits->image ? limits->image : "");
    snprintf(b->endpoint, sizeof b->endpoint, "%s", limits->endpoint ? limits->endpoint : "");
    snprintf(b->root, sizeof b->root, "%s", box_cgroup_root());
    for (b->nmounts = 0; b->nmounts < nmounts; b->nmounts++)
        snprintf(b->mounts[b->nmounts], sizeof b->mounts[b->nmounts], "%s",
                 limits->mounts[b->nmounts]);
    snprintf(b->name, sizeof b->name, "benchlab-%ld-%s-%d", (long)getpid(),
             label && *label ? label : "box", ++box_counter);
    switch (backend) {
#ifdef __linux__
    case BOX_CGROUP_V1:
        b->ops = &box_ops_v1;
        break;
    case BOX_CGROUP_V2:
        b->ops = &box_ops_v2;
        break;
#else
    case BOX_CGROUP_V1:
    case BOX_CGROUP_V2:
        snprintf(err, err_len, "%s boxes need Linux (use the docker backend or none)",
                 box_backend_name(backend));
        free(b);
        return NULL;
#endif
    case BOX_DOCKER:
    case BOX_PODMAN:
        b->ops = &box_ops_docker;
        break;
    default:
        b->ops = &box_ops_none;
        break;
    }
    if (b->ops->create(b, err, err_len) != 0) {
        free(b);
        return NULL;
    }
    b->next = live_boxes;
    live_boxes = b;
    return b;
}

const char *box_name(const box_t *b) {
    return b->name;
}

box_backend_t box_backend(const box_t *b) {
    return b->backend;
}

const char *box_cgroup_dir(const box_t *b, int i) {
    return i >= 0 && i < b->ndirs ? b->dirs[i] : NULL;
}

int box_enter(void *box) {
    box_t *b = box;
    return b->ops->enter(b);
}

void box_track_pid(box_t *b, pid_t pid) {
    b->tracked = pid;
}

int box_stats(box_t *b, box_stats_t *out) {
    memset(out, 0, sizeof *out);
    int rc = b->ops->stats(b, out);
    out->available = rc == 0;
    return rc;
}

void box_reset_peak(box_t *b) {
    if (b->ops->reset_peak)
        b->ops->reset_peak(b);
}

box_stats_t box_stats_sub(const box_stats_t *after, const box_stats_t *before) {
    box_stats_t d = *after;
    d.cpu_user_s -= before->cpu_user_s;
    d.cpu_sys_s -= before->cpu_sys_s;
    d.throttled_s -= before->throttled_s;
    d.nr_throttled -= before->nr_throttled;
    d.oom_kills -= before->oom_kills;
    return d;
}

void box_destroy(box_t *b) {
    if (!b)
        return;
    for (box_t **p = &live_boxes; *p; p = &(*p)->next)
        if (*p == b) {
            *p = b->next;
            break;
        }
    b->ops->destroy(b);
    free(b);
}

void box_destroy_all(void) {
    while (live_boxes)
        box_destroy(live_boxes);
}

static void on_fatal_signal(int sig) {
    /* Not async-signal-safe in theory (free); the process ends right after,
     * and leaving cgroups behind is the worse outcome. */
    box_destroy_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

void box_cleanup_on_signals(void) {
    static int installed;
    if (installed)
        return;
    installed = 1;
    atexit(box_destroy_all);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Removes stale benchlab-<pid>-* directories under one parent cgroup. */
static int sweep_dir(const char *parent) {
    DIR *d = opendir(parent);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid;
        if (sscanf(e->d_name, "benchlab-%ld-", &pid) != 1 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
            continue; /* its owner lives */
        char dir[PATH_MAX];
        if (snprintf(dir, sizeof dir, "%s/%s", parent, e->d_name) >= (int)sizeof dir)
            continue;
        box_kill_procs(dir);
        if (rmdir(dir) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}

int box_sweep_stale(void) {
    const char *root = box_cgroup_root();
    char why[128];
    box_backend_t b = box_detect(why, sizeof why);
    int removed = 0;
    char self[PATH_MAX], parent[PATH_MAX * 2];
    if (b == BOX_CGROUP_V2) {
        if (box_self_cgroup("", self, sizeof self) != 0)
            snprintf(self, sizeof self, "/");
        snprintf(parent, sizeof parent, "%s%s", root, self);
        removed += sweep_dir(parent);
        snprintf(parent, sizeof parent, "%s", root);
        removed += sweep_dir(parent);
    } else if (b == BOX_CGROUP_V1) {
        static const char *ctrls[] = {"cpu", "cpuacct", "cpuset", "memory"};
        for (size_t i = 0; i < 4; i++) {
            if (box_self_cgroup(ctrls[i], self, sizeof self) != 0)
                snprintf(self, sizeof self, "/");
            snprintf(parent, sizeof parent, "%s/%s%s", root, ctrls[i], self);
            removed += sweep_dir(parent);
        }
    }
    return removed;
}
