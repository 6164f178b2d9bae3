/* Boxes as docker/podman containers: the command is wrapped in
 * `ENGINE run --rm --name benchlab-... --network host --cpus ... IMAGE argv...`.
 * The images are the ones the flake builds (benchlab-server, benchlab-postgres,
 * benchlab-redis, benchlab-load); by default the image is benchlab-<label>. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/box_internal.h"

extern char **environ;

static const char *engine(const box_t *b) {
    return b->backend == BOX_PODMAN ? "podman" : "docker";
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

/* Runs argv, returns its exit status with the first line of stdout in out. */
static int capture(char *const argv[], char *out, size_t len) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1 /* O_WRONLY */, 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    size_t got = 0;
    ssize_t r;
    char sink[256];
    while (got + 1 < len && (r = read(fds[0], out + got, len - 1 - got)) > 0)
        got += (size_t)r;
    while (read(fds[0], sink, sizeof sink) > 0)
        ;
    close(fds[0]);
    if (len)
        out[got < len ? got : len - 1] = '\0';
    if (len)
        out[strcspn(out, "\n")] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
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

/* Reads the container's own cgroup files through its main pid. */
static int docker_stats(box_t *b, box_stats_t *out) {
    char *argv[] = {(char *)engine(b), "inspect", "--format", "{{.State.Pid}} {{.State.OOMKilled}}",
                    b->name,           NULL};
    char line[256];
    if (capture(argv, line, sizeof line) != 0)
        return -1;
    long pid = 0;
    char oom[16] = "";
    if (sscanf(line, "%ld %15s", &pid, oom) < 1)
        return -1;
    out->oom_kills = strcmp(oom, "true") == 0;
#ifndef __linux__
    /* The containers run in a Linux VM (Docker Desktop): no cgroup files here. */
    return 0;
#else
    if (pid <= 0)
        return 0;
    box_t probe;
    memset(&probe, 0, sizeof probe);
    char path[64], cg[PATH_MAX / 2];
    snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    static const char *v1[] = {"cpu", "cpuacct", "cpuset", "memory"};
    int v1_found = 0, v2 = 0;
    while (fgets(cg, sizeof cg, f)) {
        cg[strcspn(cg, "\n")] = '\0';
        char *c1 = strchr(cg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        if (strcmp(cg, "0") == 0 && c1[1] == '\0') {
            snprintf(probe.dirs[0], sizeof probe.dirs[0], "%s%s", box_cgroup_root(), c2 + 1);
            v2 = 1;
            continue;
        }
        for (int c = 0; c < 4; c++)
            if (strstr(c1 + 1, v1[c])) {
                snprintf(probe.dirs[c], sizeof probe.dirs[c], "%s/%s%s", box_cgroup_root(), v1[c],
                         c2 + 1);
                probe.v1_dir[c] = c;
                v1_found = 1;
            }
    }
    fclose(f);
    long long keep = out->oom_kills;
    int rc = v1_found ? box_ops_v1.stats(&probe, out) : v2 ? box_ops_v2.stats(&probe, out) : 0;
    if (keep > out->oom_kills)
        out->oom_kills = keep;
    return rc;
#endif
}

static void docker_destroy(box_t *b) {
    char *argv[] = {(char *)engine(b), "rm", "-f", b->name, NULL};
    char ignored[64];
    capture(argv, ignored, sizeof ignored);
    if (b->tracked > 0)
        kill(b->tracked, SIGKILL);
}

const struct box_ops box_ops_docker = {docker_create, docker_enter, docker_stats, NULL,
                                       docker_destroy};

/* --- the command line --------------------------------------------------- */

static int push(char **v, int *n, int cap, const char *s) {
    if (*n >= cap - 1 || !(v[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

char **box_command(const box_t *b, char *const argv[], const char *cwd) {
    int argc = 0;
    while (argv[argc])
        argc++;
    int cap = argc + 32 + 2 * BOX_MAX_MOUNTS, n = 0, bad = 0;
    char **v = calloc((size_t)cap, sizeof *v);
    if (!v)
        return NULL;
    if (b->backend != BOX_DOCKER && b->backend != BOX_PODMAN) {
        for (int i = 0; i < argc; i++)
            bad |= push(v, &n, cap, argv[i]);
    } else {
        char num[64];
        bad |= push(v, &n, cap, engine(b));
        bad |= push(v, &n, cap, "run");
        bad |= push(v, &n, cap, "--rm");
        bad |= push(v, &n, cap, "--name");
        bad |= push(v, &n, cap, b->name);
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
        if (*b->user) {
            bad |= push(v, &n, cap, "--user");
            bad |= push(v, &n, cap, b->user);
        }
        /* The same path inside as outside: the command line's paths stay valid. */
        for (int i = 0; i < b->nmounts; i++) {
            char vol[2 * PATH_MAX + 2];
            snprintf(vol, sizeof vol, "%s:%s", b->mounts[i], b->mounts[i]);
            bad |= push(v, &n, cap, "-v");
            bad |= push(v, &n, cap, vol);
        }
        if (cwd && *cwd) {
            bad |= push(v, &n, cap, "-w");
            bad |= push(v, &n, cap, cwd);
        }
        bad |= push(v, &n, cap, b->image);
        for (int i = 0; i < argc; i++)
            bad |= push(v, &n, cap, argv[i]);
    }
    if (bad) {
        box_free_argv(v);
        return NULL;
    }
    return v;
}

void box_free_argv(char **argv) {
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}
