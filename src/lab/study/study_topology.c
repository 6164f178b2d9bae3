/* A study over several hosts (see study/study_topology.h). */
#include "lab/study/study_topology.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "lab/stack/spawn.h"
#include "lab/study/topology_facts.h"

static char versions[TOPO_MAX_HOSTS][64];

int study_topology_preflight(profile_t *p, box_backend_t backend, char *err, size_t len) {
    for (int i = 0; i < p->topo.nhosts; i++) {
        const topo_host_t *h = &p->topo.hosts[i];
        const char *pre[3];
        int n = box_engine_argv(backend, h->engine, pre);
        char *argv[8];
        for (int k = 0; k < n; k++)
            argv[k] = (char *)pre[k];
        argv[n] = "version";
        argv[n + 1] = "--format";
        argv[n + 2] = "{{.Server.Version}}";
        argv[n + 3] = NULL;
        char cmd[512] = "";
        for (int k = 0; argv[k]; k++)
            snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", k ? " " : "", argv[k]);
        int fds[2];
        if (pipe(fds) != 0) {
            snprintf(err, len, "pipe: %s", strerror(errno));
            return -1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
            execvp(argv[0], argv);
            _exit(127);
        }
        close(fds[1]);
        char out[128] = "";
        ssize_t got = pid > 0 ? read(fds[0], out, sizeof out - 1) : -1;
        out[got > 0 ? got : 0] = '\0';
        out[strcspn(out, "\r\n")] = '\0';
        close(fds[0]);
        int status = 0;
        while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !*out) {
            snprintf(err, len,
                     "%s: host %s: the engine %s does not answer: `%s` %s %d; start it, check "
                     "the SSH key or context, then run again",
                     p->path, h->name, h->engine, cmd,
                     pid > 0 && WIFSIGNALED(status) ? "was killed by signal" : "exited",
                     pid > 0 && WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            return -1;
        }
        snprintf(versions[i], sizeof versions[i], "%.*s", (int)sizeof versions[i] - 1, out);
        box_sweep_stale_containers_at(backend, h->engine);
        topo_facts_probe(p, backend, i); /* kernel, CPU model, clock offset */
    }
    return 0;
}

const char *study_topology_endpoint(const profile_t *p, int role) {
    const topo_host_t *h = topology_host_of(&p->topo, role);
    return h ? h->engine : "";
}

void study_topology_addresses(const profile_t *p, lab_stack_t *st) {
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        const topo_host_t *h = topology_host_of(&p->topo, s);
        if (h)
            snprintf(st->addr[s], sizeof st->addr[s], "%s", h->address);
    }
}

static char **driver_on(const profile_t *p, box_backend_t backend, const topo_host_t *h,
                        char *const argv[], const char *const paths[], box_t **box, char *err,
                        size_t len);

char **study_topology_driver(const profile_t *p, box_backend_t backend, char *const argv[],
                             const char *const paths[], box_t **box, char *err, size_t len) {
    *box = NULL;
    return driver_on(p, backend, topology_host_of(&p->topo, TOPO_DRIVER), argv, paths, box, err,
                     len);
}

/* n split into parts: part i's share (the first n % parts get one more). */
static long long share(long long n, int parts, int i) {
    return n / parts + (i < n % parts ? 1 : 0);
}

char **study_topology_driver_i(const profile_t *p, box_backend_t backend, char *const argv[],
                               const char *const paths[], int i, double start_at, box_t **box,
                               char *err, size_t len) {
    *box = NULL;
    int n = topology_ndrivers(&p->topo);
    const topo_host_t *h = topology_driver_host(&p->topo, i);
    if (!h) {
        snprintf(err, len, "no driver %d", i);
        return NULL;
    }
    static char vals[5][PATH_MAX + 16];
    char *args[64];
    int k = 0;
    for (int a = 0; argv[a] && k < 60; a++) { /* room for --start-at T and the NULL */
        const char *o = argv[a], *v = argv[a + 1];
        if (v && (strcmp(o, "--vus") == 0 || strcmp(o, "--max-vus") == 0)) {
            long long x = share(atoll(v), n, i);
            char *slot = vals[strcmp(o, "--vus") == 0 ? 0 : 1];
            snprintf(slot, sizeof vals[0], "%lld", x < 1 ? 1 : x);
            args[k++] = (char *)o;
            args[k++] = slot;
            a++;
        } else if (v && strcmp(o, "--rate") == 0) {
            snprintf(vals[2], sizeof vals[2], "%g", atof(v) / n);
            args[k++] = (char *)o;
            args[k++] = vals[2];
            a++;
        } else if (v && strcmp(o, "--summary-export") == 0) {
            snprintf(vals[3], sizeof vals[3], "%s.d%d", v, i);
            args[k++] = (char *)o;
            args[k++] = vals[3];
            a++;
        } else if (v && strcmp(o, "--timeseries") == 0 && i > 0) {
            a++; /* one per-second file: driver 0's */
        } else {
            args[k++] = (char *)o;
        }
    }
    if (start_at > 0) { /* the agreed start, in this host's clock */
        snprintf(vals[4], sizeof vals[4], "%.3f", start_at);
        args[k++] = "--start-at";
        args[k++] = vals[4];
    }
    args[k] = NULL;
    return driver_on(p, backend, h, args, paths, box, err, len);
}

static char **driver_on(const profile_t *p, box_backend_t backend, const topo_host_t *h,
                        char *const argv[], const char *const paths[], box_t **box, char *err,
                        size_t len) {
    if (!h)
        return NULL;
    box_limits_t lim = {
        .cpuset = p->driver_cpuset, .image = "benchlab-load", .endpoint = h->engine};
    *box = box_create(backend, "driver", &lim, err, len);
    if (!*box)
        return NULL;
    /* the directory of the scenario file (and its family's, for files it
     * names) at its own path; the outputs stay in the container's /tmp
     * (fetched with study_topology_fetch) */
    static char dirs[8][PATH_MAX];
    const char *mounts[9];
    int nm = 0;
    for (int i = 0; paths[i] && nm < 8 && i < 1; i++) {
        char tmp[PATH_MAX], abs[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", paths[i]);
        const char *d = dirname(tmp);
        if (!realpath(d, abs))
            continue;
        bool dup = false;
        for (int k = 0; k < nm; k++)
            dup |= strcmp(mounts[k], abs) == 0;
        if (dup)
            continue;
        snprintf(dirs[nm], sizeof dirs[nm], "%s", abs);
        mounts[nm] = dirs[nm];
        nm++;
    }
    mounts[nm] = NULL;
    /* the image's benchlab-load by name, unless BENCHLAB_LOAD_BIN names one */
    int argc = 0;
    while (argv[argc])
        argc++;
    char **args = xcalloc((size_t)argc + 1, sizeof *args);
    if (!args) {
        snprintf(err, len, "out of memory");
        box_destroy(*box);
        *box = NULL;
        return NULL;
    }
    const char *env = getenv("BENCHLAB_LOAD_BIN");
    args[0] = env && *env ? (char *)env : "benchlab-load";
    static char scenario[PATH_MAX];
    for (int i = 1; i < argc; i++) {
        args[i] = argv[i];
        if (i == 2 && realpath(argv[i], scenario)) /* run|verify FILE: its path in there */
            args[i] = scenario;
        if (i > 1 && (strcmp(argv[i - 1], "--summary-export") == 0 ||
                      strcmp(argv[i - 1], "--timeseries") == 0))
            args[i] = strcmp(argv[i - 1], "--timeseries") == 0 ? STUDY_TOPO_TIMESERIES
                                                               : STUDY_TOPO_SUMMARY;
    }
    /* our cwd too, at its path (files a scenario names relative to it); the
     * working directory is the image's (/tmp), where the outputs go */
    static char cwd[PATH_MAX];
    box_run_t run = {.mounts = mounts, .keep = true};
    if (getcwd(cwd, sizeof cwd) && nm < 8) {
        bool dup = false;
        for (int k = 0; k < nm; k++)
            dup |= strcmp(mounts[k], cwd) == 0;
        if (!dup) {
            mounts[nm++] = cwd;
            mounts[nm] = NULL;
        }
    }
    char **cmd = box_command_run(*box, args, &run, err, len);
    free(args);
    if (!cmd) {
        box_destroy(*box);
        *box = NULL;
    }
    return cmd;
}

json_t *study_topology_json(const profile_t *p) {
    json_t *j = topology_json(&p->topo);
    json_t *hosts = json_object_get(j, "hosts");
    for (int i = 0; hosts && i < p->topo.nhosts; i++)
        json_object_set_new(json_object_get(hosts, p->topo.hosts[i].name), "engine_version",
                            *versions[i] ? json_string(versions[i]) : json_null());
    if (j)
        topo_facts_json(p, j);
    return j;
}

int study_topology_fetch(const box_t *box, box_backend_t backend, const char *file,
                         const char *dest, char *err, size_t len) {
    const char *pre[3];
    int n = box_engine_argv(backend, box_endpoint(box), pre);
    char src[256];
    snprintf(src, sizeof src, "%s:%s/%s", box_name(box), STUDY_TOPO_OUTDIR, file);
    char *argv[8];
    for (int k = 0; k < n; k++)
        argv[k] = (char *)pre[k];
    argv[n] = "cp";
    argv[n + 1] = src;
    argv[n + 2] = (char *)dest;
    argv[n + 3] = NULL;
    char out[256], eout[512];
    int rc = topo_run_capture(argv, 60, out, sizeof out, eout, sizeof eout);
    if (rc == 0)
        return 0;
    eout[strcspn(eout, "\n")] = '\0';
    char cmd[1024] = "";
    for (int k = 0; argv[k]; k++)
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", k ? " " : "", argv[k]);
    snprintf(err, len, "`%s` %s %d: %s", cmd, rc == -3 ? "timed out after" : "exited",
             rc == -3 ? 60 : rc, eout);
    return -1;
}
