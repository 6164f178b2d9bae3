/* Boxes as docker/podman containers: the command is wrapped in
 * `ENGINE run --rm --init --name benchlab-... --network host --cpus ... IMAGE argv...`.
 * The images are the ones the flake builds (benchlab-server, benchlab-postgres,
 * benchlab-redis, benchlab-load); by default the image is benchlab-<label>.
 * Statistics come from the container's cgroup on this host. */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "lab/box/internal.h"

extern char **environ;

const char *box_engine(box_backend_t backend) {
    return backend == BOX_PODMAN ? "podman" : "docker";
}

static const char *engine(const box_t *b) {
    return box_engine(b->backend);
}

int box_engine_argv(box_backend_t backend, const char *endpoint, const char *v[3]) {
    v[0] = box_engine(backend);
    if (!endpoint || !*endpoint)
        return 1;
    v[1] = strstr(endpoint, "://") ? "-H" : "--context";
    v[2] = endpoint;
    return 3;
}

const char *box_endpoint(const box_t *b) {
    return b ? b->endpoint : "";
}

/* The engine's own host: the container's pid and cgroup are this host's
 * (the default engine, or one behind a local unix socket). */
static bool engine_is_local(const box_t *b) {
    return !*b->endpoint || strncmp(b->endpoint, "unix://", 7) == 0;
}

/* argv for the engine at b's endpoint: the prefix, then the NULL-terminated
 * rest; out has room for 3 + the rest + 1. */
static void engine_cmd(const box_t *b, char *const rest[], char **out) {
    const char *pre[3];
    int n = box_engine_argv(b->backend, b->endpoint, pre);
    for (int i = 0; i < n; i++)
        out[i] = (char *)pre[i];
    for (int i = 0;; i++)
        if (!(out[n + i] = rest[i]))
            break;
}

bool box_is_container(const box_t *b) {
    return b && (b->backend == BOX_DOCKER || b->backend == BOX_PODMAN);
}

static int on_path(const char *prog) {
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char dir[PATH_MAX];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        if (n < sizeof dir - 64) {
            char file[PATH_MAX];
            snprintf(dir, sizeof dir, "%.*s", (int)n, p);
            if (snprintf(file, sizeof file, "%s/%s", n ? dir : ".", prog) < (int)sizeof file &&
                access(file, X_OK) == 0)
                return 1;
        }
        p += n;
        if (*p == ':')
            p++;
    }
    return 0;
}

int box_spawn_reader(char *const argv[], pid_t *pid) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1 /* O_WRONLY */, 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    return fds[0];
}

/* Runs argv, returns its exit status with the first line of stdout in out. */
static int capture(char *const argv[], char *out, size_t len) {
    pid_t pid;
    int fd = box_spawn_reader(argv, &pid);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t r;
    char sink[256];
    while (got + 1 < len && (r = read(fd, out + got, len - 1 - got)) > 0)
        got += (size_t)r;
    while (read(fd, sink, sizeof sink) > 0)
        ;
    close(fd);
    if (len)
        out[got < len ? got : len - 1] = '\0';
    if (len)
        out[strcspn(out, "\n")] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int docker_create(box_t *b, char *err, size_t err_len) {
    if (!on_path(engine(b))) {
        snprintf(err, err_len, "%s backend: '%s' is not on PATH", engine(b), engine(b));
        return -1;
    }
    if (!*b->image) {
        /* the label is the part of the name between the pid and the counter */
        const char *label = strchr(b->name + strlen("benchlab-"), '-');
        const char *dash = label ? strrchr(label + 1, '-') : NULL;
        if (label && dash)
            snprintf(b->image, sizeof b->image, "benchlab-%.*s", (int)(dash - label - 1),
                     label + 1);
    }
    return 0;
}

static int docker_enter(box_t *b) {
    (void)b; /* the engine client runs outside; the container holds the limits */
    return 0;
}

/* Finds the cgroup directories of the process pid (the container's main
 * process) from /proc/PID/cgroup into b->dirs: v1 the cpu, cpuacct, cpuset and
 * memory hierarchies, v2 the one directory. Returns 1 (v1), 2 (v2) or 0. */
static int find_cgroup(box_t *b, long pid) {
#ifndef __linux__
    (void)b;
    (void)pid;
    return 0; /* Docker Desktop: the containers run in a Linux VM */
#else
    char path[64], line[PATH_MAX / 2];
    snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0; /* another pid namespace: benchlab itself in a container */
    static const char *v1[] = {"cpu", "cpuacct", "cpuset", "memory"};
    int found = 0, v2 = 0;
    b->ndirs = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        if (strcmp(line, "0") == 0 && c1[1] == '\0') {
            snprintf(b->dirs[0], sizeof b->dirs[0], "%s%s", b->root, c2 + 1);
            v2 = 1;
            continue;
        }
        /* "4:cpu,cpuacct:/docker/ID": each controller named in the list */
        char list[128];
        snprintf(list, sizeof list, ",%s,", c1 + 1);
        for (int c = 0; c < 4; c++) {
            char want[32];
            snprintf(want, sizeof want, ",%s,", v1[c]);
            if (strstr(list, want)) {
                snprintf(b->dirs[c], sizeof b->dirs[c], "%s/%s%s", b->root, v1[c], c2 + 1);
                b->v1_dir[c] = c;
                found |= 1 << c;
            }
        }
    }
    fclose(f);
    char probe[PATH_MAX + 32];
    if ((found & 0x3) == 0x3 && (found & 0x8)) {
        snprintf(probe, sizeof probe, "%s/cpuacct.usage", b->dirs[1]);
        if (box_path_exists(probe)) {
            b->ndirs = 4;
            return 1;
        }
    }
    if (v2) {
        snprintf(probe, sizeof probe, "%s/cpu.stat", b->dirs[0]);
        if (box_path_exists(probe)) {
            b->ndirs = 1;
            return 2;
        }
    }
    return 0;
#endif
}

/* `ENGINE inspect`: the container's main pid and whether it was OOM-killed. */
static int inspect(const box_t *b, long *pid, bool *oom) {
    char *rest[] = {"inspect", "--format", "{{.State.Pid}} {{.State.OOMKilled}}", (char *)b->name,
                    NULL};
    char *argv[8];
    engine_cmd(b, rest, argv);
    char line[256];
    if (capture(argv, line, sizeof line) != 0)
        return -1;
    char word[16] = "";
    *pid = 0;
    if (sscanf(line, "%ld %15s", pid, word) < 1)
        return -1;
    *oom = strcmp(word, "true") == 0;
    return 0;
}

/* The cgroup is looked up once per tracked pid (one `inspect`); after that a
 * sample is a few file reads, as for native boxes. */
static int docker_stats(box_t *b, box_stats_t *out) {
    /* an engine named by a topology: another host's pids (box/docker_exec.c) */
    if (*b->endpoint)
        return box_docker_exec_stats(b, out);
    if (b->cgroup_version == 0 || b->cgroup_for != b->tracked) {
        long pid;
        bool oom = false;
        b->cgroup_version = 0;
        if (inspect(b, &pid, &oom) != 0)
            return -1;
        out->oom_kills = oom;
        if (pid <= 0)
            return -1; /* not running: nothing to read */
        /* a remote engine's pid means nothing here: only OOMKilled is known */
        b->cgroup_version = engine_is_local(b) ? find_cgroup(b, pid) : 0;
        b->cgroup_for = b->tracked;
        if (b->cgroup_version == 0)
            return -1; /* only OOMKilled is known */
    }
#ifdef __linux__
    int rc = b->cgroup_version == 1 ? box_ops_v1.stats(b, out) : box_ops_v2.stats(b, out);
    if (rc != 0)
        b->cgroup_version = 0; /* the container is gone: look again next time */
    return rc;
#else
    return -1;
#endif
}

static void docker_reset_peak(box_t *b) {
#ifdef __linux__
    if (b->cgroup_version == 1)
        box_ops_v1.reset_peak(b);
#else
    (void)b;
#endif
}

void box_remove_container(const box_t *b, const char *name_suffix) {
    if (!box_is_container(b))
        return;
    char name[sizeof b->name + 32];
    snprintf(name, sizeof name, "%s%s", b->name, name_suffix ? name_suffix : "");
    char *rest[] = {"rm", "-f", name, NULL};
    char *argv[8];
    engine_cmd(b, rest, argv);
    char ignored[64];
    capture(argv, ignored, sizeof ignored);
}

/* Only the container: the tracked `run` client is the stack's child, stopped
 * and reaped by it, so its pid may belong to another process by now (a client
 * still running ends when its container is removed). */
static void docker_destroy(box_t *b) {
    box_remove_container(b, NULL);
    b->ndirs = 0; /* the container's cgroup: the engine's, not ours to remove */
}

const struct box_ops box_ops_docker = {docker_create, docker_enter, docker_stats, docker_reset_peak,
                                       docker_destroy};

int box_sweep_stale_containers(box_backend_t backend) {
    return box_sweep_stale_containers_at(backend, NULL);
}

int box_sweep_stale_containers_at(box_backend_t backend, const char *endpoint) {
    if (backend != BOX_DOCKER && backend != BOX_PODMAN)
        return 0;
    const char *eng = box_engine(backend);
    if (!on_path(eng))
        return 0;
    const char *pre[3];
    int np = box_engine_argv(backend, endpoint, pre);
    char *argv[16];
    int na = 0;
    for (int i = 0; i < np; i++)
        argv[na++] = (char *)pre[i];
    char *ps[] = {"ps", "-a", "--filter", "name=benchlab-", "--format", "{{.Names}}", NULL};
    for (int i = 0; ps[i]; i++)
        argv[na++] = ps[i];
    argv[na] = NULL;
    pid_t pid;
    int fd = box_spawn_reader(argv, &pid);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "r");
    char names[32][256];
    int n = 0;
    char line[sizeof names[0]];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        long owner;
        /* only ours: benchlab-<pid>-..., whose benchlab process is gone */
        if (n < (int)(sizeof names / sizeof names[0]) &&
            sscanf(line, "benchlab-%ld-", &owner) == 1 && owner > 0 && owner != (long)getpid() &&
            !(kill((pid_t)owner, 0) == 0 || errno == EPERM))
            memcpy(names[n++], line, sizeof line);
    }
    if (f)
        fclose(f);
    else
        close(fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int removed = 0;
    for (int i = 0; i < n; i++) {
        char *rm[8];
        int k = 0;
        for (int j = 0; j < np; j++)
            rm[k++] = (char *)pre[j];
        rm[k++] = "rm";
        rm[k++] = "-f";
        rm[k++] = names[i];
        rm[k] = NULL;
        char ignored[64];
        removed += capture(rm, ignored, sizeof ignored) == 0;
    }
    return removed;
}

/* --- the command line --------------------------------------------------- */

static int push(char **v, int *n, int cap, const char *s) {
    if (*n >= cap - 1 || !(v[*n] = xstrdup(s)))
        return -1;
    (*n)++;
    return 0;
}

/* The --user value: "UID:GID" of a host user name, a numeric one as given;
 * "" when the image's user applies. */
static int user_spec(const box_t *b, const box_run_t *run, char *out, size_t len, char *err,
                     size_t err_len) {
    const char *user = run && run->user ? run->user : *b->user ? b->user : NULL;
    out[0] = '\0';
    if (!user) {
        if (geteuid() != 0) /* files it writes in the mounts stay ours */
            snprintf(out, len, "%d:%d", (int)geteuid(), (int)getegid());
        return 0;
    }
    if (strspn(user, "0123456789:") == strlen(user) && user[0] != ':') {
        snprintf(out, len, "%s", user);
        return 0;
    }
    struct passwd pwbuf, *pw = NULL;
    char buf[1024];
    if (getpwnam_r(user, &pwbuf, buf, sizeof buf, &pw) != 0 || !pw) {
        if (err)
            snprintf(err, err_len, "%s box %s: no user '%s' on this host (give UID:GID)", engine(b),
                     b->name, user);
        return -1;
    }
    snprintf(out, len, "%d:%d", (int)pw->pw_uid, (int)pw->pw_gid);
    return 0;
}

char **box_command_run(const box_t *b, char *const argv[], const box_run_t *run, char *err,
                       size_t err_len) {
    int argc = 0;
    while (argv[argc])
        argc++;
    int cap = argc + 40 + 4 * BOX_MAX_MOUNTS, n = 0, bad = 0;
    char **v = xcalloc((size_t)cap, sizeof *v);
    if (!v)
        goto oom;
    if (!box_is_container(b)) {
        for (int i = 0; i < argc; i++)
            bad |= push(v, &n, cap, argv[i]);
    } else {
        char num[64], user[64];
        if (user_spec(b, run, user, sizeof user, err, err_len) != 0) {
            box_free_argv(v);
            return NULL;
        }
        int extra = 0;
        for (; run && run->mounts && run->mounts[extra]; extra++) {
            const char *m = run->mounts[extra];
            if (m[0] != '/' || strchr(m, ':') || strlen(m) >= PATH_MAX ||
                b->nmounts + extra >= BOX_MAX_MOUNTS) {
                if (err)
                    snprintf(err, err_len,
                             "%s box %s: mount '%s': expected an absolute path without ':' "
                             "(at most %d mounts)",
                             engine(b), b->name, m, BOX_MAX_MOUNTS);
                box_free_argv(v);
                return NULL;
            }
        }
        char name[sizeof b->name + 32];
        snprintf(name, sizeof name, "%s%s", b->name,
                 run && run->name_suffix ? run->name_suffix : "");
        const char *pre[3];
        int np = box_engine_argv(b->backend, b->endpoint, pre);
        for (int i = 0; i < np; i++)
            bad |= push(v, &n, cap, pre[i]);
        bad |= push(v, &n, cap, "run");
        if (!run || !run->keep)
            bad |= push(v, &n, cap, "--rm");
        /* a small init as pid 1: forwards SIGTERM/SIGINT and reaps */
        bad |= push(v, &n, cap, "--init");
        bad |= push(v, &n, cap, "--name");
        bad |= push(v, &n, cap, name);
        bad |= push(v, &n, cap, "--network");
        bad |= push(v, &n, cap, "host");
        if (b->cpus > 0) {
            snprintf(num, sizeof num, "%g", b->cpus);
            bad |= push(v, &n, cap, "--cpus");
            bad |= push(v, &n, cap, num);
        }
        if (*b->cpuset) {
            bad |= push(v, &n, cap, "--cpuset-cpus");
            bad |= push(v, &n, cap, b->cpuset);
        }
        if (b->mem_bytes > 0) {
            /* memory-swap equal to memory: the container cannot swap */
            snprintf(num, sizeof num, "%lldb", b->mem_bytes);
            bad |= push(v, &n, cap, "--memory");
            bad |= push(v, &n, cap, num);
            bad |= push(v, &n, cap, "--memory-swap");
            bad |= push(v, &n, cap, num);
        }
        if (*user) {
            bad |= push(v, &n, cap, "--user");
            bad |= push(v, &n, cap, user);
        }
        /* The same path inside as outside: the command line's paths stay valid. */
        for (int i = 0; i < b->nmounts + extra; i++) {
            const char *m = i < b->nmounts ? b->mounts[i] : run->mounts[i - b->nmounts];
            bool dup = false;
            for (int j = 0; j < i && !dup; j++)
                dup = strcmp(m, j < b->nmounts ? b->mounts[j] : run->mounts[j - b->nmounts]) == 0;
            if (dup)
                continue;
            char vol[2 * PATH_MAX + 2];
            snprintf(vol, sizeof vol, "%s:%s", m, m);
            bad |= push(v, &n, cap, "-v");
            bad |= push(v, &n, cap, vol);
        }
        if (run && run->cwd && *run->cwd) {
            bad |= push(v, &n, cap, "-w");
            bad |= push(v, &n, cap, run->cwd);
        }
        bad |= push(v, &n, cap, b->image);
        for (int i = 0; i < argc; i++)
            bad |= push(v, &n, cap, argv[i]);
    }
    if (!bad)
        return v;
    box_free_argv(v);
oom:
    if (err)
        snprintf(err, err_len, "out of memory");
    return NULL;
}

char **box_command(const box_t *b, char *const argv[], const char *cwd) {
    box_run_t run = {.cwd = cwd};
    return box_command_run(b, argv, &run, NULL, 0);
}

void box_free_argv(char **argv) {
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}
