/* What the box backends share; not for users of box.h. */
#ifndef BENCHLAB_LAB_BOX_INTERNAL_H
#define BENCHLAB_LAB_BOX_INTERNAL_H

#include <limits.h>

#include "lab/box/box.h"

#define BOX_MAX_DIRS 4 /* v1: cpu, cpuacct, cpuset, memory (deduplicated) */

struct box_ops {
    int (*create)(box_t *b, char *err, size_t err_len);
    int (*enter)(box_t *b);
    int (*stats)(box_t *b, box_stats_t *out);
    void (*reset_peak)(box_t *b);
    void (*destroy)(box_t *b); /* kill what is left, remove */
};

struct box {
    char name[128];
    box_backend_t backend;
    const struct box_ops *ops;
    double cpus;
    char cpuset[128];
    long long mem_bytes;
    char user[64];
    char image[128];
    char endpoint[256]; /* docker/podman: -H URL or --context NAME; "" = default */
    int nmounts;
    char mounts[BOX_MAX_MOUNTS][PATH_MAX]; /* docker/podman: -v DIR:DIR */
    char root[PATH_MAX - 64];              /* cgroup fs root */
    /* Native: the cgroup directories, and the file a child writes its pid to
     * in each of them (precomputed: box_enter runs between fork and exec). */
    int ndirs;
    char dirs[BOX_MAX_DIRS][PATH_MAX];
    char procs[BOX_MAX_DIRS][PATH_MAX];
    int v1_dir[4]; /* v1: index in dirs of cpu, cpuacct, cpuset, memory */
    pid_t tracked;
    /* docker/podman: the container's cgroup directories (in dirs, v1_dir,
     * ndirs) were found for this tracked pid; 1 = v1, 2 = v2, 0 = not yet. */
    pid_t cgroup_for;
    int cgroup_version;
    struct box *next;
};

extern const struct box_ops box_ops_v1, box_ops_v2, box_ops_docker, box_ops_none;

const char *box_cgroup_root(void);

/* Small file helpers on cgroup files (box/fs.c). */
int box_write_file(const char *dir, const char *file, const char *value);
int box_read_file(const char *dir, const char *file, char *buf, size_t len);
int box_read_ll(const char *dir, const char *file, long long *out);
/* The value after "key " in a "key value" per line file; -1 when absent. */
int box_read_keyed(const char *dir, const char *file, const char *key, long long *out);
int box_path_exists(const char *path);
/* Kills every pid listed in dir/cgroup.procs until it is empty (up to ~2 s). */
int box_kill_procs(const char *dir);
/* The calling process's cgroup path for a v1 controller ("memory") or v2 (""). */
int box_self_cgroup(const char *controller, char *out, size_t len);
/* A container's counters read inside it through its engine (`ENGINE exec
 * NAME head ...` of its cgroup files; box/docker_exec.c), for engines on
 * other hosts. 0 (available set), or -1 when nothing could be read. */
int box_docker_exec_stats(box_t *b, box_stats_t *out);

/* Starts argv (searched in PATH) with its stdout on a pipe and its stderr on
 * /dev/null; returns the pipe's read end (the caller reads it, closes it and
 * reaps *pid), or -1 when it could not be started (box/docker.c). */
int box_spawn_reader(char *const argv[], pid_t *pid);
/* Writes the decimal pid to path with open/write/close only. */
int box_write_pid(const char *path, pid_t pid);

#endif
