/* The driver process (internal.h): benchlab-load run/verify for a unit,
 * pinned, or as containers on a topology's client hosts (merged), waited for
 * while the server's CPU is sampled; and its calibration. */
#include "lab/study/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/stack/spawn.h"
#include "lab/study/calibrate.h"
#include "lab/study/runfile.h"
#include "lab/study/study_topology.h"
#include "lab/study/topology_facts.h"

/* Waits for a child, stopping it on a stop signal or after timeout_s.
 * Returns its status (exit code or 128+signal), -2 when stopped for a
 * signal, -3 on timeout. */
/* Waits for the child, sampling the server's CPU into cpu (may be NULL) meanwhile. */
static int wait_child(pid_t pid, double timeout_s, cpu_series_t *cpu) {
    double deadline = study_mono_s() + timeout_s;
    struct timespec step = {0, 50 * 1000 * 1000};
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0 && errno != EINTR)
            return -1;
        if (study_stop_signal) {
            spawn_stop(pid, 3000);
            return -2;
        }
        if (study_mono_s() > deadline) {
            spawn_stop(pid, 3000);
            return -3;
        }
        cpu_series_tick(cpu, study_mono_s());
        nanosleep(&step, NULL);
    }
}

/* Why the last driver's outputs could not be fetched from its host. */
static char fetch_err[1024];

const char *study_driver_fetch_error(void) {
    return fetch_err;
}

/* A driver container's outputs into summary and timeseries (either NULL:
 * not wanted) when it ran (status 0, or 99: thresholds failed); rc
 * otherwise, or STUDY_DRIVER_FETCH_FAILED with the reason in fetch_err. */
static int fetch_outputs(study_t *s, const box_t *box, int rc, const char *summary,
                         const char *timeseries) {
    if (!box || (rc != 0 && rc != 99))
        return rc;
    char err[900];
    if (summary &&
        study_topology_fetch(box, s->backend, STUDY_TOPO_SUMMARY, summary, err, sizeof err) != 0) {
        snprintf(fetch_err, sizeof fetch_err, "the driver's summary: %s", err);
        return STUDY_DRIVER_FETCH_FAILED;
    }
    if (timeseries && study_topology_fetch(box, s->backend, STUDY_TOPO_TIMESERIES, timeseries, err,
                                           sizeof err) != 0) {
        snprintf(fetch_err, sizeof fetch_err, "the driver's per-second file: %s", err);
        return STUDY_DRIVER_FETCH_FAILED;
    }
    return rc;
}

/* Seconds between the drivers' start commands and the start they agree on:
 * room for each engine to start its container. */
#define DRIVERS_LEAD_S 2.0

/* Several drivers (a topology's "driver.host" array): each a container on
 * its host with its share of the load, all starting at one agreed time
 * (now + DRIVERS_LEAD_S in our clock, given to each in its host's clock:
 * + that host's measured offset); their summaries fetched and merged into
 * summary (`benchlab-load merge --parallel`), with the start recorded in it
 * ("start"). The first failing driver's status, else merge's. */
static int run_drivers(study_t *s, char *const argv[], const char *const paths[],
                       const char *summary, const char *timeseries, const char *log, double limit,
                       cpu_series_t *cpu) {
    int nd = topology_ndrivers(&s->profile.topo), rc = 0;
    pid_t pids[TOPO_MAX_HOSTS];
    box_t *boxes[TOPO_MAX_HOSTS] = {0};
    char logs[TOPO_MAX_HOSTS][PATH_MAX + 8], parts[TOPO_MAX_HOSTS][PATH_MAX + 8], err[1024];
    double starts[TOPO_MAX_HOSTS];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double agreed = (double)now.tv_sec + (double)now.tv_nsec / 1e9 + DRIVERS_LEAD_S;
    int started = 0;
    for (int i = 0; i < nd; i++) {
        const topo_host_t *h = topology_driver_host(&s->profile.topo, i);
        starts[i] = agreed + topo_facts_clock_offset(h ? (int)(h - s->profile.topo.hosts) : -1);
        char **cmd = study_topology_driver_i(&s->profile, s->backend, argv, paths, i, starts[i],
                                             &boxes[i], err, sizeof err);
        if (!cmd) {
            progress_line(&s->progress, "benchlab run: driver %d: %s", i, err);
            rc = -1;
            break;
        }
        snprintf(logs[i], sizeof logs[i], i ? "%s.d%d" : "%s", log, i);
        snprintf(parts[i], sizeof parts[i], "%s.d%d", summary, i);
        spawn_opts_t so = {.log_path = logs[i]};
        pids[i] = spawn_process(cmd, &so);
        box_free_argv(cmd);
        if (pids[i] < 0) {
            rc = -1;
            break;
        }
        started++;
    }
    if (cpu && started)
        cpu_series_start(cpu, cpu->box, study_mono_s());
    int status[TOPO_MAX_HOSTS];
    for (int i = 0; i < started; i++) {
        status[i] = wait_child(pids[i], limit, i == 0 ? cpu : NULL);
        if (rc == 0 && status[i] != 0 && status[i] != 99)
            rc = status[i];
    }
    for (int i = 0; i < started && rc == 0; i++)
        if (fetch_outputs(s, boxes[i], status[i], parts[i], i == 0 ? timeseries : NULL) ==
            STUDY_DRIVER_FETCH_FAILED)
            rc = STUDY_DRIVER_FETCH_FAILED;
    for (int i = 0; i < nd; i++)
        if (boxes[i])
            box_destroy(boxes[i]);
    if (rc != 0)
        return rc;
    char *merge[4 + TOPO_MAX_HOSTS + 4];
    int m = 0;
    merge[m++] = s->load_bin;
    merge[m++] = "merge";
    for (int i = 0; i < nd; i++)
        merge[m++] = parts[i];
    merge[m++] = "--out";
    merge[m++] = (char *)summary;
    merge[m++] = "--parallel";
    merge[m] = NULL;
    char mlog[PATH_MAX + 8];
    snprintf(mlog, sizeof mlog, "%s.merge", log);
    spawn_opts_t so = {.log_path = mlog};
    pid_t pid = spawn_process(merge, &so);
    rc = pid < 0 ? -1 : wait_child(pid, 60, NULL);
    for (int i = 0; i < nd; i++)
        unlink(parts[i]);
    json_t *sum = rc == 0 || rc == 99 ? json_load_file(summary, 0, NULL) : NULL;
    if (sum) { /* when they were told to start (docs/multi-host.md) */
        json_t *drivers = json_array();
        for (int i = 0; i < nd; i++) {
            const topo_host_t *h = topology_driver_host(&s->profile.topo, i);
            /* milliseconds as integers: Unix seconds as reals lose them in a summary */
            json_array_append_new(drivers, json_pack("{s:s,s:I,s:f}", "host", h ? h->name : "",
                                                     "start_at_host_ms",
                                                     (json_int_t)llround(starts[i] * 1e3),
                                                     "clock_offset_s", starts[i] - agreed));
        }
        json_object_set_new(sum, "start",
                            json_pack("{s:I,s:f,s:o}", "agreed_unix_ms",
                                      (json_int_t)llround(agreed * 1e3), "lead_s", DRIVERS_LEAD_S,
                                      "drivers", drivers));
        study_write_json(summary, sum);
        json_decref(sum);
    }
    return rc;
}

/* Runs benchlab-load MODE (run or verify) for unit u. summary and timeseries
 * (the driver's per-second file) may be NULL; cpu, when not NULL, samples the
 * server box meanwhile. duration_s < 0: the plan's. Returns wait_child's result. */
int study_run_driver(study_t *s, const plan_unit_t *u, const char *mode, double duration_s,
                     const char *summary, const char *timeseries, cpu_series_t *cpu,
                     const char *log) {
    char vus[16], dur[32], rate[32], maxvus[16], threads[16], capacity[32];
    char *argv[32];
    int n = 0;
    argv[n++] = s->load_bin;
    argv[n++] = (char *)mode;
    argv[n++] = (char *)u->scenario_path;
    argv[n++] = "--base-url";
    argv[n++] = s->st.server_url;
    if (strcmp(mode, "run") == 0) {
        snprintf(vus, sizeof vus, "%d", u->vus);
        snprintf(dur, sizeof dur, "%gs", duration_s >= 0 ? duration_s : u->duration_s);
        argv[n++] = "--vus";
        argv[n++] = vus;
        argv[n++] = "--duration";
        argv[n++] = dur;
        if (u->rate > 0) {
            snprintf(rate, sizeof rate, "%g", u->rate);
            argv[n++] = "--rate";
            argv[n++] = rate;
        }
        if (u->max_vus > 0) {
            snprintf(maxvus, sizeof maxvus, "%d", u->max_vus);
            argv[n++] = "--max-vus";
            argv[n++] = maxvus;
        }
        if (u->capacity > 0) { /* staged scenarios: "P%" targets (docs/stress.md) */
            snprintf(capacity, sizeof capacity, "%g", u->capacity);
            argv[n++] = "--capacity";
            argv[n++] = capacity;
        }
        if (s->profile.driver_threads > 0) {
            snprintf(threads, sizeof threads, "%d", s->profile.driver_threads);
            argv[n++] = "--threads";
            argv[n++] = threads;
        }
        if (summary) {
            argv[n++] = "--summary-export";
            argv[n++] = (char *)summary;
        }
        if (timeseries) {
            argv[n++] = "--timeseries";
            argv[n++] = (char *)timeseries;
        }
    }
    argv[n] = NULL;
    /* a topology: the driver is a container on its host (study/study_topology.h) */
    box_t *dbox = NULL;
    char derr[1024];
    const char *paths[] = {u->scenario_path, summary ? summary : log, timeseries ? timeseries : log,
                           NULL};
    if (topology_ndrivers(&s->profile.topo) > 1 && summary)
        return run_drivers(s, argv, paths, summary, timeseries, log,
                           (duration_s >= 0 ? duration_s : u->duration_s) + 120, cpu);
    char **remote =
        study_topology_driver(&s->profile, s->backend, argv, paths, &dbox, derr, sizeof derr);
    if (s->profile.topo.nhosts > 0 && !remote) {
        progress_line(&s->progress, "benchlab run: driver: %s", derr);
        return -1;
    }
    spawn_opts_t so = {.log_path = log,
                       .before_exec = *s->profile.driver_cpuset && !remote ? box_pin_hook : NULL,
                       .ctx = s->profile.driver_cpuset};
    pid_t pid = spawn_process(remote ? remote : argv, &so);
    box_free_argv(remote);
    if (pid < 0) {
        if (dbox)
            box_destroy(dbox);
        return -1;
    }
    double limit = (duration_s >= 0 ? duration_s : u->duration_s) + 120;
    if (cpu)
        cpu_series_start(cpu, cpu->box, study_mono_s());
    int drc = wait_child(pid, strcmp(mode, "verify") == 0 ? 300 : limit, cpu);
    if (dbox) { /* its outputs from its host, then the container removed */
        drc = fetch_outputs(s, dbox, drc, summary, timeseries);
        box_destroy(dbox);
    }
    return drc;
}

/* The driver's ceiling against a null responder on the server's CPUs (study/calibrate.h). */
void study_calibrate_driver(study_t *s) {
    if (!(s->profile.driver_calibrate_s > 0))
        return;
    char log[PATH_MAX + 32];
    snprintf(log, sizeof log, "%s/calibration.log", s->results);
    calib_opts_t co = {.load_bin = s->load_bin,
                       .driver_cpuset = s->profile.driver_cpuset,
                       .driver_threads = s->profile.driver_threads,
                       .target_cpuset = s->profile.boxes[LAB_SVC_SERVER].cpuset,
                       .vus = 10,
                       .seconds = s->profile.driver_calibrate_s,
                       .log_path = log};
    char err[256] = "";
    progress_line(&s->progress, "calibrating the driver (%g s against a null responder)...",
                  co.seconds);
    double c = study_calibrate(&co, err, sizeof err);
    s->driver_ceiling = c > 0 ? c : 0;
    if (c > 0)
        progress_line(&s->progress,
                      "driver ceiling %.0f req/s: runs above %.0f%% of it are "
                      "flagged driver-bound",
                      c, 100 * s->profile.driver_bound_fraction);
    else
        progress_line(&s->progress,
                      "benchlab run: driver calibration failed (%s); no "
                      "driver-bound flags",
                      err);
    study_calibrate_record(s->results, &co, s->driver_ceiling, s->profile.driver_bound_fraction,
                           c > 0 ? NULL : err);
}
