/* Boxes: a resource-limited, optionally pinned place for one service.
 *
 * A box is created with a CPU quota, a CPU set, a memory limit and the user its
 * process runs as. The native backends are cgroups (v1 as on these machines,
 * v2 where /sys/fs/cgroup is pure v2): a child joins the box in box_enter(),
 * called as spawn_opts.before_exec, so it is limited before it execs anything.
 * The docker/podman backend instead wraps the command in `run --cpus ...`.
 *
 * Every box is named benchlab-<pid>-<label>; all live boxes of this process are
 * destroyed by box_destroy_all() (called at exit and from box_cleanup_on_signals),
 * and box_sweep_stale() removes boxes left by a benchlab process that died. */
#ifndef BENCHLAB_LAB_BOX_H
#define BENCHLAB_LAB_BOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum {
    BOX_NATIVE,    /* cgroup v2 or v1, detected */
    BOX_CGROUP_V1, /* forced */
    BOX_CGROUP_V2, /* forced */
    BOX_DOCKER,
    BOX_PODMAN,
    BOX_NONE, /* no limits at all (not root): recorded as such */
} box_backend_t;

typedef struct box_limits {
    double cpus;         /* CPU quota in CPUs (0.25, 1, 2); <= 0 = unlimited */
    const char *cpuset;  /* CPUs it may run on ("1", "0-3,6"); NULL/"" = any */
    long long mem_bytes; /* memory limit (swap included where possible); <= 0 = none */
    const char *user;    /* run as this user when root; NULL = unchanged */
    const char *image;   /* docker/podman image (benchlab-server, ...); unused natively */
    /* docker/podman: directories bind-mounted at the same path inside the
     * container (-v DIR:DIR), so the command line's paths (the stack and data
     * directories, logs) mean the same thing in there; NULL-terminated, at most
     * BOX_MAX_MOUNTS, each absolute and without ':'. Unused natively. */
    const char *const *mounts;
    /* docker/podman: the engine to run it on, a context name or a DOCKER_HOST
     * URL (contains "://"); NULL/"" = the client's default (topology.h). */
    const char *endpoint;
} box_limits_t;

#define BOX_MAX_MOUNTS 8

/* Counters are cumulative since the box was created (see box_stats_sub). */
typedef struct box_stats {
    double cpu_user_s;
    double cpu_sys_s;
    double throttled_s;
    long long nr_throttled;
    long long memory_peak_bytes; /* since creation or the last box_reset_peak */
    long long memory_rss_bytes;  /* anonymous memory now (memory.stat); 0 = unknown */
    long long oom_kills;
    bool available; /* false when the backend could not read them */
} box_stats_t;

typedef struct box box_t;

/* Parses a backend name: native, cgroup-v1, cgroup-v2, docker, podman, none. */
int box_backend_parse(const char *name, box_backend_t *out);
const char *box_backend_name(box_backend_t b);

/* The backend `native` resolves to on this host: BOX_CGROUP_V2, BOX_CGROUP_V1,
 * or BOX_NONE with the reason in why (no cgroup controllers, not root). The cgroup
 * file system root is $BENCHLAB_CGROUP_ROOT or /sys/fs/cgroup. */
box_backend_t box_detect(char *why, size_t why_len);

/* Creates a box. label is a short word (server, postgres); the box is named
 * benchlab-<pid>-<label>[-N]. Returns NULL with a message in err on failure. */
box_t *box_create(box_backend_t backend, const char *label, const box_limits_t *limits, char *err,
                  size_t err_len);

const char *box_name(const box_t *b);
box_backend_t box_backend(const box_t *b);
/* The i-th cgroup directory of a native box (v1 has one per hierarchy), or
 * NULL past the last one (for diagnostics and tests). */
const char *box_cgroup_dir(const box_t *b, int i);

/* spawn_opts.before_exec: the calling process joins box (a box_t *). Uses only
 * async-signal-safe calls. Returns 0, or -1 (the child must then not exec). */
int box_enter(void *box);

/* How one command runs in a container box (ignored by native boxes). */
typedef struct box_run {
    /* The working directory, -w (it should lie in a mounted directory);
     * NULL = the image's. Natively the spawn's chdir does that. */
    const char *cwd;
    /* --user: a user name, turned into its numeric UID:GID here (the image
     * need not know the host's names; files the container writes in a mount
     * then belong to that host user), or "UID[:GID]". NULL: the box's user;
     * without one, our own UID:GID when not root, else the image's user. */
    const char *user;
    /* More directories bind-mounted at the same path (NULL-terminated, the
     * same rules as box_limits.mounts; at most BOX_MAX_MOUNTS in all). */
    const char *const *mounts;
    /* Appended to the container's name: a one-off command next to the
     * service's own container (initdb before postgres); NULL = none. */
    const char *name_suffix;
    /* No --rm: the container stays after its command ends, so its files can
     * be fetched (`ENGINE cp NAME:PATH DEST`) before box_destroy's rm -f. */
    bool keep;
} box_run_t;

/* The argv to spawn for a command in this box: argv itself for native boxes;
 * for docker/podman
 *   ENGINE run --rm --init --name NAME[SUFFIX] --network host [--cpus N]
 *     [--cpuset-cpus L] [--memory B --memory-swap B] [--user UID:GID]
 *     [-v DIR:DIR ...] [-w CWD] IMAGE argv...
 * run in the foreground: the `run` client stays attached and forwards the
 * signals it gets to the container (--sig-proxy, on by default), where --init
 * passes them on to the program; --rm removes the container when it ends.
 * Free with box_free_argv. NULL with a message in err (err may be NULL) on a
 * bad mount or allocation failure. */
char **box_command_run(const box_t *b, char *const argv[], const box_run_t *run, char *err,
                       size_t err_len);
/* box_command_run with only a working directory. */
char **box_command(const box_t *b, char *const argv[], const char *cwd);
void box_free_argv(char **argv);

/* True for docker/podman boxes: commands run through box_command_run, in the
 * engine's containers, not in this process's children. */
bool box_is_container(const box_t *b);
/* docker/podman: `ENGINE rm -f NAME[SUFFIX]`, a no-op natively and when no
 * such container exists (the safety net after a stop). */
void box_remove_container(const box_t *b, const char *name_suffix);
/* The engine's program for a container backend: "docker" or "podman". */
const char *box_engine(box_backend_t backend);
/* The start of an engine command line for endpoint (NULL/"" = the default):
 * v[0] = the engine, then "-H URL" for a URL (with "://") or "--context NAME".
 * Returns how many of v (room for 3) it set; the strings are not copies. */
int box_engine_argv(box_backend_t backend, const char *endpoint, const char *v[3]);
/* The endpoint a container box runs on ("" = the default engine). */
const char *box_endpoint(const box_t *b);
/* `ENGINE ps/rm -f` of stale benchlab containers as box_sweep_stale_containers,
 * on the engine at endpoint. */
int box_sweep_stale_containers_at(box_backend_t backend, const char *endpoint);

/* Adds the process pid to the box's knowledge (docker: the `docker run`
 * client; the container's cgroup is looked up again for a new pid). */
void box_track_pid(box_t *b, pid_t pid);

/* Containers: from the container's cgroup on this host, found through
 * `ENGINE inspect` (its main pid) and /proc/PID/cgroup; OOMKilled from
 * inspect. When the cgroup files cannot be read (the engine runs in a VM, or
 * benchlab in another pid namespace) the result is available=false. */
int box_stats(box_t *b, box_stats_t *out);
/* Restarts memory_peak_bytes from the current usage (v1, also a container's
 * v1 cgroup; a no-op elsewhere). */
void box_reset_peak(box_t *b);
/* after - before for the counters; the peak and availability of after. */
box_stats_t box_stats_sub(const box_stats_t *after, const box_stats_t *before);

/* Kills every process left in the box, removes it, frees b. */
void box_destroy(box_t *b);
/* Destroys every box this process created and has not destroyed. */
void box_destroy_all(void);
/* Installs SIGINT/SIGTERM/SIGHUP handlers that destroy all boxes and then
 * re-raise the signal (for programs without their own shutdown path), and an
 * atexit hook doing the same at normal exit. */
void box_cleanup_on_signals(void);
/* Removes benchlab-<pid>-* cgroups whose pid is no longer alive. Returns how
 * many were removed. */
int box_sweep_stale(void);
/* The same for containers: `ENGINE ps -a --filter name=benchlab-` and
 * `ENGINE rm -f` of those whose benchlab pid is gone. Returns how many. */
int box_sweep_stale_containers(box_backend_t backend);

/* CPU lists ("0-2,5"): count, and pinning the caller (driver outside boxes). */
int box_cpulist_count(const char *list);           /* -1 when malformed */
int box_cpulist_valid(const char *list, int ncpu); /* 1 when every CPU < ncpu */
/* sched_setaffinity; async-signal-safe. Linux only: -1 with ENOTSUP elsewhere. */
int box_pin_self(const char *list);
/* spawn_opts.before_exec that pins to the CPU list in ctx (a const char *). */
int box_pin_hook(void *cpulist);

#endif
