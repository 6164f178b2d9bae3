/* Building, judging and writing one run's file (see study/runfile.h). */
#include "lab/study/runfile.h"
#include "common/fs.h"
#include "lab/results/demand.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Above this fraction of failed checks or requests a run is invalid. */
#define MAX_FAIL_FRACTION 0.01

void run_file_path(const char *dir, const char *scenario, const char *config, int run, char *buf,
                   size_t len) {
    snprintf(buf, len, "%s/raw/%s/%s/run-%02d.json", dir, scenario, config, run);
}

void study_iso_time(long long unix_ms, char *buf, size_t len) {
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double num(json_t *obj, const char *a, const char *b) {
    json_t *x = json_object_get(obj, a);
    if (b)
        x = json_object_get(x, b);
    return json_is_number(x) ? json_number_value(x) : 0.0;
}

static void reason(json_t *reasons, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason(json_t *reasons, const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(reasons, json_string(buf));
}

bool run_validity(const run_observed_t *obs, json_t *reasons) {
    size_t before = json_array_size(reasons);
    json_t *s = obs->summary;
    if (obs->driver_timed_out)
        reason(reasons, "driver did not finish in time and was stopped");
    if (!s) {
        reason(reasons, "driver exited with status %d and wrote no summary", obs->driver_status);
    } else {
        json_t *m = json_object_get(s, "metrics");
        double passes = num(m, "checks", "passes"), fails = num(m, "checks", "fails");
        if (passes + fails > 0 && fails / (passes + fails) > MAX_FAIL_FRACTION)
            reason(reasons, "checks failed %.1f%% > 1%%", 100.0 * fails / (passes + fails));
        double reqs = num(m, "http_reqs", "count");
        double failed = num(m, "http_req_failed", "value");
        if (failed > MAX_FAIL_FRACTION)
            reason(reasons, "errors %.1f%% > 1%%", 100.0 * failed);
        if (reqs <= 0)
            reason(reasons, "no request completed");
        json_t *driver = json_object_get(s, "driver");
        if (json_is_true(json_object_get(driver, "saturated")))
            reason(reasons, "driver saturated (busiest thread %.0f%% busy)",
                   100.0 * num(driver, "busiest_thread_util", NULL));
        if (obs->driver_status != 0 && obs->driver_status != 99)
            reason(reasons, "driver exited with status %d", obs->driver_status);
    }
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (obs->boxed[i] && obs->boxes[i].oom_kills > 0)
            reason(reasons, "%s box OOM-killed (%lld)", lab_service_name((lab_service_t)i),
                   obs->boxes[i].oom_kills);
    if (obs->server_died)
        reason(reasons, "server died during the run");
    return json_array_size(reasons) == before;
}

static json_t *box_json(const box_stats_t *b) {
    return json_pack("{s:f,s:f,s:f,s:I,s:I,s:I,s:b}", "cpu_user_s", b->cpu_user_s, "cpu_sys_s",
                     b->cpu_sys_s, "throttled_s", b->throttled_s, "nr_throttled",
                     (json_int_t)b->nr_throttled, "memory_peak_bytes",
                     (json_int_t)b->memory_peak_bytes, "oom_kills", (json_int_t)b->oom_kills,
                     "available", b->available);
}

json_t *run_file_build(const plan_unit_t *u, int run, const char *implementation,
                       const char *profile, const char *plan, const run_observed_t *obs) {
    char started[32];
    study_iso_time(obs->started_unix_ms, started, sizeof started);
    json_t *reasons = json_array();
    bool valid = run_validity(obs, reasons);
    json_t *params = json_pack(
        "{s:i,s:f,s:o,s:s,s:i,s:o}", "vus", u->vus, "duration_s", u->duration_s, "rate",
        u->rate > 0 ? json_real(u->rate) : json_null(), "threading", u->threading, "workers",
        u->workers, "server_cpus", u->server_cpus > 0 ? json_real(u->server_cpus) : json_null());
    json_object_set_new(params, "warmup_s", json_real(u->warmup_s));
    if (u->max_vus > 0)
        json_object_set_new(params, "max_vus", json_integer(u->max_vus));
    if (u->db_pool > 0)
        json_object_set_new(params, "db_pool", json_integer(u->db_pool));
    if (u->threads > 0) /* the plan's "threads" (server threads per process) */
        json_object_set_new(params, "threads", json_integer(u->threads));
    if (u->min_requests > 0)
        json_object_set_new(params, "min_requests", json_integer(u->min_requests));
    json_t *boxes = json_object();
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (obs->boxed[i])
            json_object_set_new(boxes, lab_service_name((lab_service_t)i),
                                box_json(&obs->boxes[i]));
    json_t *teardown = obs->summary ? json_object_get(obs->summary, "teardown") : NULL;
    json_t *j =
        json_pack("{s:s,s:s,s:i,s:b,s:s,s:s,s:s,s:o,s:s,s:f,s:b,s:o,s:O,s:o,s:O}", "scenario",
                  u->scenario, "config", u->config, "run", run, "warmup", 0, "implementation",
                  implementation, "profile", profile, "plan", plan, "params", params, "started_at",
                  started, "wall_s", obs->wall_s, "valid", valid, "invalid_reasons", reasons,
                  "summary", obs->summary ? obs->summary : json_null(), "boxes", boxes, "teardown",
                  teardown ? teardown : json_null());
    json_object_set_new(j, "driver_exit", json_integer(obs->driver_status));
    if (obs->limits)
        json_object_set(j, "box_limits", obs->limits);
    if (obs->backend)
        json_object_set_new(j, "box_backend", json_string(obs->backend));
    if (obs->driver_cpuset)
        json_object_set_new(j, "driver_cpuset", json_string(obs->driver_cpuset));
    if (obs->host_load)
        json_object_set(j, "host_load", obs->host_load);
    if (obs->db)
        json_object_set(j, "db", obs->db);
    demand_annotate(j); /* <box>_cpu_us_per_request */
    return j;
}

int study_write_json(const char *path, json_t *j) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (fs_mkdirs(dir, 0755) != 0)
            return -1;
    }
    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    if (!f)
        return -1;
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    int ok = text && fputs(text, f) >= 0 && fputc('\n', f) == '\n';
    free(text);
    return fs_atomic_commit(&a, ok);
}
