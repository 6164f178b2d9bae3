/* The hosts of a topology: facts, clock offsets, RTT, liveness (see
 * study/topology_facts.h). */
#include "lab/study/topology_facts.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "lab/study/runfile.h"

typedef struct host_facts {
    json_t *info; /* the engine's `info` fields we keep, NULL unknown */
    char cpu_model[128];
    char cpu_error[160];
    double offset_s, offset_unc_s; /* NAN: unmeasured */
    char offset_error[160];
} host_facts_t;

static host_facts_t facts[TOPO_MAX_HOSTS];
static json_t *rtt; /* topology.rtt once measured */

static double wall_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int topo_run_capture(char *const argv[], double timeout_s, char *out, size_t len, char *errout,
                     size_t errlen) {
    int o[2], e[2];
    if (pipe(o) != 0)
        return -1;
    if (pipe(e) != 0) {
        close(o[0]);
        close(o[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(o[1], 1);
        dup2(e[1], 2);
        close(o[0]);
        close(o[1]);
        close(e[0]);
        close(e[1]);
        setpgid(0, 0); /* killed as a group on a timeout (ssh under docker) */
        execvp(argv[0], argv);
        _exit(127);
    }
    close(o[1]);
    close(e[1]);
    if (pid < 0) {
        close(o[0]);
        close(e[0]);
        return -1;
    }
    size_t got = 0, egot = 0;
    double deadline = (double)clock_mono_ns() / 1e9 + timeout_s;
    bool timed_out = false;
    struct pollfd fds[2] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        double left = deadline - (double)clock_mono_ns() / 1e9;
        if (left <= 0) {
            timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        int r = poll(fds, 2, (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR)
            break;
        for (int k = 0; k < 2 && r > 0; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char tmp[1024];
            ssize_t n = read(fds[k].fd, tmp, sizeof tmp);
            if (n <= 0) {
                fds[k].fd = -1;
                open_fds--;
                continue;
            }
            char *dst = k == 0 ? out : errout;
            size_t cap = k == 0 ? len : errlen, *at = k == 0 ? &got : &egot;
            if (dst && cap > 0) {
                size_t take = (size_t)n < cap - 1 - *at ? (size_t)n : cap - 1 - *at;
                memcpy(dst + *at, tmp, take);
                *at += take;
            }
        }
    }
    close(o[0]);
    close(e[0]);
    if (out && len)
        out[got] = '\0';
    if (errout && errlen)
        errout[egot] = '\0';
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out)
        return -3;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ENGINE [-H URL|--context NAME] then rest (NULL-terminated), into argv (room 16). */
static void engine_argv(box_backend_t backend, const topo_host_t *h, const char *const rest[],
                        char **argv) {
    const char *pre[3];
    int n = box_engine_argv(backend, h->engine, pre);
    for (int k = 0; k < n; k++)
        argv[k] = (char *)pre[k];
    for (int k = 0;; k++)
        if (!(argv[n + k] = (char *)rest[k]))
            break;
}

/* "2026-12-02T12:45:31.801175833Z" or "...+01:00" -> Unix seconds; NAN when malformed. */
static double parse_rfc3339(const char *s) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &used) != 6)
        return NAN;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double t = (double)timegm(&tm);
    const char *p = s + used;
    if (*p == '.') {
        double scale = 0.1;
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            t += (*p - '0') * scale;
    }
    int hh, mm;
    if (*p == 'Z' || *p == 'z')
        return t;
    if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2)
        return t - (*p == '+' ? 1 : -1) * (hh * 3600.0 + mm * 60.0);
    return NAN;
}

static void probe_clock(box_backend_t backend, const topo_host_t *h, host_facts_t *f) {
    const char *rest[] = {"info", "--format", "{{.SystemTime}}", NULL};
    char *argv[16], out[128], err[256];
    engine_argv(backend, h, rest, argv);
    f->offset_s = f->offset_unc_s = NAN;
    for (int k = 0; k < 3; k++) {
        double a = wall_s();
        int rc = topo_run_capture(argv, TOPO_ENGINE_TIMEOUT_S, out, sizeof out, err, sizeof err);
        double b = wall_s();
        double t = rc == 0 ? parse_rfc3339(out) : NAN;
        if (!isfinite(t)) {
            out[strcspn(out, "\n")] = '\0';
            snprintf(f->offset_error, sizeof f->offset_error,
                     "`info --format {{.SystemTime}}` exited %d: '%.60s'", rc, out);
            continue;
        }
        double unc = (b - a) / 2;
        if (!isfinite(f->offset_unc_s) || unc < f->offset_unc_s) {
            f->offset_s = t - (a + b) / 2;
            f->offset_unc_s = unc;
        }
    }
    if (isfinite(f->offset_s))
        *f->offset_error = '\0';
}

/* A benchlab-load container on host h running bash -c script args...; its
 * output in out. The exit status (topo_run_capture). */
static int probe_container(box_backend_t backend, const topo_host_t *h, const char *what,
                           const char *script, const char *a1, const char *a2, char *out,
                           size_t len, char *err, size_t errlen) {
    static int seq;
    char name[96];
    snprintf(name, sizeof name, "benchlab-%ld-probe-%d-%s", (long)getpid(), ++seq, what);
    const char *rest[] = {
        "run",  "--rm", "--init", "--name", name, "--network", "host", "benchlab-load",
        "bash", "-c",   script,   what,     a1,   a2,          NULL};
    char *argv[24];
    engine_argv(backend, h, rest, argv);
    int rc = topo_run_capture(argv, 60, out, len, err, errlen);
    if (rc != 0) { /* whatever is left of it */
        const char *rm[] = {"rm", "-f", name, NULL};
        char *rmv[16], ignored[64];
        engine_argv(backend, h, rm, rmv);
        topo_run_capture(rmv, TOPO_ENGINE_TIMEOUT_S, ignored, sizeof ignored, NULL, 0);
    }
    return rc;
}

static const char cpu_script[] =
    "while IFS= read -r l; do case $l in 'model name'*) echo \"${l#*: }\"; exit 0;; esac; "
    "done < /proc/cpuinfo; echo unknown";

void topo_facts_probe(const profile_t *p, box_backend_t backend, int i) {
    const topo_host_t *h = &p->topo.hosts[i];
    host_facts_t *f = &facts[i];
    const char *rest[] = {"info", "--format", "{{json .}}", NULL};
    char *argv[16];
    static char out[65536];
    char err[512];
    engine_argv(backend, h, rest, argv);
    if (f->info)
        json_decref(f->info);
    f->info = NULL;
    if (topo_run_capture(argv, TOPO_ENGINE_TIMEOUT_S, out, sizeof out, err, sizeof err) == 0) {
        json_t *all = json_loads(out, 0, NULL);
        if (all) {
            f->info = json_pack(
                "{s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}", "kernel", json_object_get(all, "KernelVersion"),
                "os", json_object_get(all, "OperatingSystem"), "arch",
                json_object_get(all, "Architecture"), "ncpu", json_object_get(all, "NCPU"),
                "mem_bytes", json_object_get(all, "MemTotal"), "engine_name",
                json_object_get(all, "Name"));
            json_decref(all);
        }
    }
    probe_clock(backend, h, f);
    char model[256] = "";
    int rc = probe_container(backend, h, "cpuinfo", cpu_script, NULL, NULL, model, sizeof model,
                             err, sizeof err);
    model[strcspn(model, "\n")] = '\0';
    if (rc == 0 && *model) {
        snprintf(f->cpu_model, sizeof f->cpu_model, "%.*s", (int)sizeof f->cpu_model - 1, model);
        *f->cpu_error = '\0';
    } else {
        err[strcspn(err, "\n")] = '\0';
        *f->cpu_model = '\0';
        snprintf(f->cpu_error, sizeof f->cpu_error,
                 "a benchlab-load container there exited %d (is the image loaded?): %.80s", rc,
                 err);
    }
}

double topo_facts_clock_offset(int i) {
    return i >= 0 && i < TOPO_MAX_HOSTS && isfinite(facts[i].offset_s) ? facts[i].offset_s : 0;
}

static const char rtt_script[] =
    "for i in 1 2 3 4 5 6 7 8 9 10; do a=$EPOCHREALTIME; exec 3<>\"/dev/tcp/$1/$2\" || exit 1; "
    "b=$EPOCHREALTIME; exec 3>&-; echo \"${a/[.,]/} ${b/[.,]/}\"; done";

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void topo_facts_rtt(const profile_t *p, box_backend_t backend, const char *results,
                    const char *server_url) {
    if (rtt || p->topo.nhosts == 0)
        return;
    const topo_host_t *from = topology_driver_host(&p->topo, 0);
    const topo_host_t *to = topology_host_of(&p->topo, 3 /* LAB_SVC_SERVER */);
    char addr[64] = "", port[16] = "";
    if (!from || !to || sscanf(server_url, "http://%63[^:]:%15[0-9]", addr, port) != 2)
        return;
    char out[2048] = "", err[512] = "";
    int rc = probe_container(backend, from, "rtt", rtt_script, addr, port, out, sizeof out, err,
                             sizeof err);
    double ms[16];
    int n = 0;
    for (char *line = strtok(out, "\n"); line && n < 16; line = strtok(NULL, "\n")) {
        long long a, b;
        if (sscanf(line, "%lld %lld", &a, &b) == 2 && b >= a)
            ms[n++] = (double)(b - a) / 1000.0;
    }
    char target[96];
    snprintf(target, sizeof target, "%s:%s", addr, port);
    if (n == 0) {
        err[strcspn(err, "\n")] = '\0';
        char why[700];
        snprintf(why, sizeof why, "no sample: a benchlab-load container on %s exited %d: %s",
                 from->name, rc, err);
        rtt = json_pack("{s:s,s:s,s:s,s:s,s:s}", "from", from->name, "to", to->name, "target",
                        target, "method", "tcp-connect", "error", why);
    } else {
        qsort(ms, (size_t)n, sizeof ms[0], cmp_double);
        rtt = json_pack("{s:s,s:s,s:s,s:s,s:i,s:f,s:f,s:f}", "from", from->name, "to", to->name,
                        "target", target, "method", "tcp-connect", "samples", n, "min_ms", ms[0],
                        "median_ms", ms[n / 2], "max_ms", ms[n - 1]);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", results);
    json_t *m = json_load_file(path, 0, NULL);
    json_t *t = m ? json_object_get(m, "topology") : NULL;
    if (t) {
        json_object_set(t, "rtt", rtt);
        study_write_json(path, m);
    }
    if (m)
        json_decref(m);
}

void topo_facts_json(const profile_t *p, json_t *topology) {
    json_t *hosts = json_object_get(topology, "hosts");
    for (int i = 0; hosts && i < p->topo.nhosts; i++) {
        json_t *h = json_object_get(hosts, p->topo.hosts[i].name);
        const host_facts_t *f = &facts[i];
        if (!h)
            continue;
        if (f->info)
            json_object_update(h, f->info);
        json_object_set_new(h, "cpu_model",
                            *f->cpu_model ? json_string(f->cpu_model) : json_null());
        if (*f->cpu_error)
            json_object_set_new(h, "cpu_model_error", json_string(f->cpu_error));
        json_object_set_new(h, "clock_offset_s",
                            isfinite(f->offset_s) ? json_real(f->offset_s) : json_null());
        json_object_set_new(h, "clock_offset_uncertainty_s",
                            isfinite(f->offset_unc_s) ? json_real(f->offset_unc_s) : json_null());
        if (*f->offset_error)
            json_object_set_new(h, "clock_offset_error", json_string(f->offset_error));
    }
    if (rtt)
        json_object_set(topology, "rtt", rtt);
}

int topo_hosts_alive(const profile_t *p, box_backend_t backend, char *err, size_t len) {
    for (int i = 0; i < p->topo.nhosts; i++) {
        const topo_host_t *h = &p->topo.hosts[i];
        const char *rest[] = {"version", "--format", "{{.Server.Version}}", NULL};
        char *argv[16], out[128], eout[256];
        engine_argv(backend, h, rest, argv);
        int rc = topo_run_capture(argv, TOPO_ENGINE_TIMEOUT_S, out, sizeof out, eout, sizeof eout);
        if (rc == 0 && *out)
            continue;
        char cmd[512] = "";
        for (int k = 0; argv[k]; k++)
            snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), "%s%s", k ? " " : "", argv[k]);
        eout[strcspn(eout, "\n")] = '\0';
        if (rc == -3)
            snprintf(err, len, "host %s: the engine %s stopped answering: `%s` took over %d s",
                     h->name, h->engine, cmd, TOPO_ENGINE_TIMEOUT_S);
        else
            snprintf(err, len, "host %s: the engine %s stopped answering: `%s` exited %d: %s",
                     h->name, h->engine, cmd, rc, eout);
        return -1;
    }
    return 0;
}
