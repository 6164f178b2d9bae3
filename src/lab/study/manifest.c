/* The study manifest (see manifest.h). */
#include "lab/study/manifest.h"
#include "lab/study/study_topology.h"

#include <glob.h>
#include <libpq-fe.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>
#ifdef __APPLE__
#include <stdint.h>
#include <sys/sysctl.h>
#endif

#include "lab/box/box.h"
#include "lab/study/runfile.h"

#if defined(__clang__)
#define COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER "gcc " __VERSION__
#else
#define COMPILER __VERSION__
#endif

/* First line of a command's output ("" when it fails). */
static void first_line(const char *cmd, char *out, size_t len) {
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (!fgets(out, (int)len, p))
        out[0] = '\0';
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
}

static void now_iso(char *buf, size_t len) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    study_iso_time((long long)ts.tv_sec * 1000, buf, len);
}

json_t *manifest_host(void) {
    char model[256] = "", line[512];
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    if (f)
        fclose(f);
    long long mem_kb = 0;
    f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemTotal: %lld kB", &mem_kb) == 1)
            break;
    if (f)
        fclose(f);
#ifdef __APPLE__
    /* no /proc on macOS */
    size_t sl = sizeof model;
    if (sysctlbyname("machdep.cpu.brand_string", model, &sl, NULL, 0) != 0)
        model[0] = '\0';
    uint64_t memsize = 0;
    sl = sizeof memsize;
    if (sysctlbyname("hw.memsize", &memsize, &sl, NULL, 0) == 0)
        mem_kb = (long long)(memsize / 1024);
#endif
    struct utsname u;
    uname(&u);
    char why[256], host[256] = "";
    box_backend_t b = box_detect(why, sizeof why);
    gethostname(host, sizeof host - 1);
    return json_pack("{s:s,s:i,s:I,s:s,s:s,s:s,s:s}", "cpu_model", model, "cores",
                     (int)sysconf(_SC_NPROCESSORS_ONLN), "memory_bytes",
                     (json_int_t)(mem_kb * 1024), "kernel", u.release, "arch", u.machine, "cgroup",
                     b == BOX_CGROUP_V2   ? "v2"
                     : b == BOX_CGROUP_V1 ? "v1"
                                          : why,
                     "hostname", host);
}

json_t *manifest_versions(void) {
    char pg[256] = "", redis[256] = "", cmd[PATH_MAX + 32];
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/postgres", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
        snprintf(cmd, sizeof cmd, "'%s' --version 2>/dev/null", g.gl_pathv[g.gl_pathc - 1]);
        first_line(cmd, pg, sizeof pg);
    }
    globfree(&g);
    if (!*pg)
        first_line("postgres --version 2>/dev/null", pg, sizeof pg);
    first_line("redis-server --version 2>/dev/null", redis, sizeof redis);
    int v = PQlibVersion();
    char libpq[32];
    snprintf(libpq, sizeof libpq, "%d.%d", v / 10000, v % 10000);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "postgresql", pg, "redis", redis, "ulfius",
                     ULFIUS_VERSION_STR, "libmicrohttpd", MHD_get_version(), "libpq", libpq,
                     "jansson", JANSSON_VERSION, "compiler", COMPILER);
}

static json_t *git_info(const char *root) {
    char cmd[PATH_MAX + 96], commit[128], dirty[16];
    snprintf(cmd, sizeof cmd, "git -C '%s' rev-parse HEAD 2>/dev/null", root);
    first_line(cmd, commit, sizeof commit);
    snprintf(cmd, sizeof cmd,
             "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null | head -1 | wc -l",
             root);
    first_line(cmd, dirty, sizeof dirty);
    return json_pack("{s:s,s:b}", "commit", commit, "dirty", atoi(dirty) > 0);
}

int manifest_begin(const char *dir, const manifest_info_t *info) {
    char path[PATH_MAX + 16], now[32];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    now_iso(now, sizeof now);
    json_t *old = json_load_file(path, 0, NULL);
    json_t *m = json_object();
    json_object_set_new(m, "host", manifest_host());
    json_object_set_new(m, "versions", manifest_versions());
    if (info->repo_root)
        json_object_set_new(m, "git", git_info(info->repo_root));
    json_object_set_new(m, "plan", json_string(info->plan->name));
    json_object_set_new(m, "plan_file", json_deep_copy(info->plan->json));
    json_object_set_new(m, "profile", json_string(info->profile->name));
    json_object_set_new(m, "profile_file", json_deep_copy(info->profile->json));
    json_object_set_new(m, "driver_cpuset", json_string(info->profile->driver_cpuset));
    if (info->profile->topo.nhosts > 0) /* several hosts (study/study_topology.h) */
        json_object_set_new(m, "topology", study_topology_json(info->profile));
    json_object_set_new(m, "implementation", json_string(info->implementation));
    json_object_set_new(m, "box_backend", json_string(info->backend));
    json_object_set_new(m, "box_backend_detail", json_string(info->backend_why));
    json_object_set_new(m, "runs_override",
                        info->runs_override > 0 ? json_integer(info->runs_override) : json_null());
    json_object_set_new(m, "planned_runs", json_integer(info->planned_runs));
    json_t *started = old ? json_object_get(old, "started_at") : NULL;
    json_object_set_new(m, "started_at", started ? json_incref(started) : json_string(now));
    json_t *resumed = old ? json_object_get(old, "resumed_at") : NULL;
    resumed = json_is_array(resumed) ? json_deep_copy(resumed) : json_array();
    if (old)
        json_array_append_new(resumed, json_string(now));
    json_object_set_new(m, "resumed_at", resumed);
    json_object_set_new(m, "ended_at", json_null());
    json_object_set_new(m, "completed", json_false());
    json_t *impls = old ? json_object_get(old, "implementations") : NULL; /* impl_versions.h */
    if (json_is_object(impls))
        json_object_set(m, "implementations", impls);
    int rc = study_write_json(path, m);
    json_decref(m);
    if (old)
        json_decref(old);
    return rc;
}

int manifest_finish(const char *dir, bool completed, int runs_done, int runs_invalid,
                    int failed_attempts) {
    char path[PATH_MAX + 16], now[32];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_t *m = json_load_file(path, 0, NULL);
    if (!m)
        return -1;
    now_iso(now, sizeof now);
    json_object_set_new(m, "ended_at", json_string(now));
    json_object_set_new(m, "completed", json_boolean(completed));
    json_object_set_new(m, "runs_on_disk", json_integer(runs_done));
    json_object_set_new(m, "runs_invalid", json_integer(runs_invalid));
    json_object_set_new(m, "failed_attempts", json_integer(failed_attempts));
    int rc = study_write_json(path, m);
    json_decref(m);
    return rc;
}
