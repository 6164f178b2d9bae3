/* One run (internal.h): reset, the driver, box statistics, host load,
 * database statistics, validity, the run file; and the lab's own failures,
 * recorded as failed attempts rather than measurements (study/attempts.h). */
#include "lab/study/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/results/validity.h"
#include "lab/stack/spawn.h"
#include "lab/study/attempts.h"
#include "lab/study/calibrate.h"
#include "lab/study/dbstats.h"
#include "lab/study/openload.h"
#include "lab/study/hostload.h"
#include "lab/study/runfile.h"
#include "lab/study/topology_facts.h"

/* What each box was given for unit u; "cpus_effective" is what the quota
 * can really use on its CPU set (a 2-CPU quota on one pinned CPU is 1). */
static json_t *limits_json(const study_t *s, const plan_unit_t *u) {
    json_t *all = json_object();
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        const profile_box_t *pb = &s->profile.boxes[i];
        if (!pb->boxed || !s->boxes[i])
            continue; /* not started for this study */
        double cpus = i == LAB_SVC_SERVER && u->server_cpus > 0 ? u->server_cpus : pb->cpus;
        int ncpu = *pb->cpuset ? box_cpulist_count(pb->cpuset) : (int)sysconf(_SC_NPROCESSORS_ONLN);
        double effective = cpus > 0 && cpus < ncpu ? cpus : ncpu;
        json_object_set_new(
            all, lab_service_name((lab_service_t)i),
            json_pack("{s:o,s:s,s:f,s:o}", "cpus", cpus > 0 ? json_real(cpus) : json_null(),
                      "cpuset", pb->cpuset, "cpus_effective", effective, "memory_bytes",
                      pb->mem_bytes > 0 ? json_integer(pb->mem_bytes) : json_null()));
    }
    return all;
}

/* The host's CPU outside our boxes and the driver during the run (hostload.h). */
static json_t *host_load_of_run(const study_t *s, const run_observed_t *obs,
                                const host_sample_t *before, const host_sample_t *after) {
    double ours = 0;
    bool boxed = true;
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        if (obs->boxed[i] && obs->boxes[i].available)
            ours += obs->boxes[i].cpu_user_s + obs->boxes[i].cpu_sys_s;
        else if (s->st.pid[i] > 0)
            boxed = false; /* a service ran unboxed: its CPU is not ours to subtract */
    }
    json_t *drv = json_object_get(obs->summary, "driver");
    ours += json_number_value(json_object_get(drv, "cpu_user_s")) +
            json_number_value(json_object_get(drv, "cpu_sys_s"));
    return host_load_json(before, after, obs->wall_s, ours, boxed);
}

/* Do the results and stack file systems still have --min-free? Before each run. */
int study_space_ok(study_t *s) {
    char err[PATH_MAX + 160];
    const char *dirs[2] = {s->results, *s->stack_dir ? s->stack_dir : NULL};
    for (int i = 0; i < 2; i++)
        if (dirs[i] && study_check_free(dirs[i], s->min_free, err, sizeof err) != 0) {
            progress_line(&s->progress,
                          "benchlab run: stopping before the disk fills: %s; free space, then "
                          "--resume",
                          err);
            return -1;
        }
    return 0;
}

/* A run the lab could not complete for its own reasons: no run file (so no
 * statistic sees it and --resume runs it again), a line in attempts.jsonl.
 * stop: the study ends here; the space reserve is given back first, so the
 * record and the manifest fit on a full disk. */
void study_failed_attempt(study_t *s, const plan_unit_t *u, int run, const char *kind,
                          const char *reason, int driver_exit, bool stop) {
    if (stop)
        study_space_release(s->results);
    if (study_attempt_record(s->results, u, run, kind, reason, driver_exit) != 0)
        progress_line(&s->progress,
                      "benchlab run: cannot record the failed attempt in "
                      "%s/attempts.jsonl: %s",
                      s->results, strerror(errno));
    s->attempts++;
    progress_line(&s->progress, "%s %s run %d/%d: FAILED ATTEMPT, not a measurement (%s: %s)%s",
                  u->scenario, u->config, run, u->runs, kind, reason,
                  stop ? "; stopping the study (--resume runs it again)" : "");
}

/* A service the study needs could not start (or be seeded): the first
 * missing run of the first unit with one is the attempt it cost. */
void study_service_failed(study_t *s, const char *kind, const char *why) {
    for (int i = 0; i < s->plan.nunits; i++)
        for (int r = 1; r <= s->plan.units[i].runs; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, s->plan.units[i].scenario, s->plan.units[i].config, r, path,
                          sizeof path);
            if (!study_file_exists(path)) {
                study_failed_attempt(s, &s->plan.units[i], r, kind, why, -2, true);
                return;
            }
        }
}

/* One run: reset, driver, box statistics, validity, the file. 0, 2 a failed
 * attempt (go on), 1 the unit cannot go on, -1 fatal, -2 stopped. */
int study_one_run(study_t *s, int ui, int run) {
    const plan_unit_t *u = &s->plan.units[ui];
    if (u->objective_ms > 0) /* a capacity search (capacity_unit.c) */
        return study_capacity_run(s, ui, run);
    const scenario_meta_t *m = &s->meta[ui];
    char path[PATH_MAX], summary_path[PATH_MAX + 32], log[PATH_MAX + 32], dir[PATH_MAX];
    run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
    snprintf(summary_path, sizeof summary_path, "%s.summary.tmp", path);
    study_unit_dir(s, u, "logs", dir, sizeof dir);
    snprintf(log, sizeof log, "%s/run-%02d.log", dir, run);
    double capacity = 0; /* an open-model unit at a share of it (study/openload.h) */
    int capacity_valid = 0;
    if (u->load_pct > 0) {
        char base[sizeof u->config];
        int nclosed = 0;
        if (openload_base_config(u->config, base, sizeof base) == 0)
            capacity = openload_capacity(s->results, u->scenario, base, &nclosed);
        capacity_valid = nclosed;
        if (!(capacity > 0)) {
            char reason[sizeof u->config + 160];
            snprintf(reason, sizeof reason,
                     "no closed-model run of %s on disk to take %g%% of (plan key load)", base,
                     u->load_pct);
            study_failed_attempt(s, u, run, "capacity", reason, -2, false);
            return 2;
        }
        s->plan.units[ui].rate = capacity * u->load_pct / 100;
    }
    if (study_reset_dirty(s, m) != 0) {
        char reason[sizeof s->st.err + 32];
        snprintf(reason, sizeof reason, "reset failed: %s", s->st.err);
        study_failed_attempt(s, u, run, "reset", reason, -2, true);
        return -1;
    }

    if (s->profile.topo.nhosts > 0) /* once: driver host -> server (topology_facts.h) */
        topo_facts_rtt(&s->profile, s->backend, s->results, s->st.server_url);

    run_observed_t obs;
    memset(&obs, 0, sizeof obs);
    box_stats_t before[LAB_SVC_COUNT];
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (s->boxes[i]) {
            box_reset_peak(s->boxes[i]);
            box_stats(s->boxes[i], &before[i]);
        }
    unlink(summary_path);
    bool dbstats = s->st.pg_stat_statements && s->st.pid[LAB_SVC_POSTGRES] > 0 &&
                   m->needs[LAB_SVC_POSTGRES] && dbstats_reset(s->st.pg_dsn) == 0;
    host_sample_t host_before, host_after;
    host_sample(&host_before);
    obs.started_unix_ms = clock_wall_ms();
    double t0 = study_mono_s();
    char ts_path[PATH_MAX + 32];
    bool with_ts = timeseries_path(path, ts_path, sizeof ts_path) == 0;
    cpu_series_t cpu = {.box = s->boxes[LAB_SVC_SERVER]};
    int rc = study_run_driver(s, u, "run", -1, summary_path, with_ts ? ts_path : NULL, &cpu, log);
    obs.wall_s = study_mono_s() - t0;
    host_sample(&host_after);
    cpu_series_finish(&cpu, study_mono_s());
    study_mark_dirty(s, m);
    if (with_ts && study_file_exists(ts_path) && timeseries_add_cpu(ts_path, &cpu) != 0)
        progress_line(&s->progress, "benchlab run: cannot add server CPU to %s", ts_path);
    cpu_series_free(&cpu);
    if (rc == -2) {
        unlink(summary_path);
        if (with_ts)
            unlink(ts_path);
        return -2;
    }
    /* several hosts: one that stopped answering during the run (its engine
     * gone) spoilt it, and the study cannot go on; a driver's outputs that
     * could not be fetched from its host are the lab's failure too */
    char herr[1100] = "";
    bool lost = s->profile.topo.nhosts > 0 &&
                topo_hosts_alive(&s->profile, s->backend, herr, sizeof herr) != 0;
    if (lost || rc == STUDY_DRIVER_FETCH_FAILED) {
        if (!lost)
            snprintf(herr, sizeof herr, "%s", study_driver_fetch_error());
        unlink(summary_path);
        if (with_ts)
            unlink(ts_path);
        study_failed_attempt(s, u, run, lost ? "host-lost" : "driver-fetch", herr, rc, true);
        return -1;
    }
    /* the driver could not start (-1, 126, 127), refused the load (2: the
     * process has less than `check` saw), could not write its summary (3)
     * or was killed (128+signal: a crash, the OOM killer): nothing was
     * measured */
    if (rc == -1 || rc == 126 || rc == 127 || rc == 2 || rc == LOAD_EXIT_OUTPUT || rc > 128) {
        unlink(summary_path);
        if (with_ts)
            unlink(ts_path);
        char reason[PATH_MAX + 256], free_s[32];
        long long avail = study_free_bytes(path);
        study_format_bytes(avail, free_s, sizeof free_s);
        bool full = avail >= 0 && (avail < (1 << 20) || avail < s->min_free);
        if (rc == LOAD_EXIT_OUTPUT)
            snprintf(reason, sizeof reason,
                     "benchlab-load could not write its summary (exit 3)%s%s%s; see %s",
                     full ? "; the results disk is full, " : "", full ? free_s : "",
                     full ? " free" : "", log);
        else if (rc > 128)
            snprintf(reason, sizeof reason, "benchlab-load was killed by signal %d; see %s",
                     rc - 128, log);
        else
            snprintf(reason, sizeof reason, "benchlab-load %s (exit %d); see %s",
                     rc == 2 ? "refused the load" : "could not be started", rc, log);
        bool go_on = rc == 2 || rc > 128;
        const char *kind = rc == LOAD_EXIT_OUTPUT ? (full ? "disk-full" : "driver-output")
                           : rc == 2              ? "driver-refused"
                           : rc > 128             ? "driver-killed"
                                                  : "driver-start";
        study_failed_attempt(s, u, run, kind, reason, rc, !go_on);
        return go_on ? 2 : -1;
    }
    obs.driver_status = rc;
    obs.driver_timed_out = rc == -3;
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (s->boxes[i]) {
            box_stats_t after;
            box_stats(s->boxes[i], &after);
            obs.boxes[i] = box_stats_sub(&after, &before[i]);
            obs.boxed[i] = true;
        }
    obs.server_died = !spawn_alive(s->st.pid[LAB_SVC_SERVER]);
    obs.limits = limits_json(s, u);
    obs.backend = box_backend_name(s->backend);
    obs.driver_cpuset = s->profile.driver_cpuset;
    obs.summary = json_load_file(summary_path, 0, NULL);
    unlink(summary_path);
    obs.host_load = host_load_of_run(s, &obs, &host_before, &host_after);
    obs.db = dbstats ? dbstats_collect(s->st.pg_dsn) : NULL;
    json_t *j = run_file_build(u, run, u->implementation, s->profile.name, s->plan.name, &obs);
    json_object_set_new(j, "server_bound", json_boolean(m->server_bound)); /* scenario.h */
    if (capacity > 0) {
        json_t *params = json_object_get(j, "params");
        json_object_set_new(params, "load_pct", json_real(u->load_pct));
        json_object_set_new(params, "capacity_rps", json_real(capacity));
        json_object_set_new(params, "capacity_valid_runs", json_integer(capacity_valid));
    }
    validity_apply(&s->profile.validity, j, with_ts && study_file_exists(ts_path) ? ts_path : NULL);
    bool bound = study_flag_driver_bound(j, s->driver_ceiling, s->profile.driver_bound_fraction);
    int wrc = study_write_json(path, j);
    if (wrc != 0) { /* the lab could not record it: not a result either */
        int e = errno;
        char reason[PATH_MAX + 160];
        snprintf(reason, sizeof reason, "cannot write %s: %s", path, strerror(e));
        bool full = study_errno_is_space(e);
        json_decref(j);
        json_decref(obs.limits);
        if (obs.summary)
            json_decref(obs.summary);
        if (with_ts)
            unlink(ts_path);
        study_failed_attempt(s, u, run, full ? "disk-full" : "run-file", reason, rc, true);
        return -1;
    }
    bool valid = json_is_true(json_object_get(j, "valid"));
    json_t *reasons = json_object_get(j, "invalid_reasons");
    char why[512] = "";
    size_t i, off = 0;
    json_t *r;
    json_array_foreach(reasons, i, r) off +=
        (size_t)snprintf(why + off, off < sizeof why ? sizeof why - off : 0, "%s%s", i ? "; " : "",
                         json_string_value(r));
    json_t *metrics = obs.summary ? json_object_get(obs.summary, "metrics") : NULL;
    double rps = json_number_value(json_object_get(json_object_get(metrics, "http_reqs"), "rate"));
    double p99 =
        json_number_value(json_object_get(json_object_get(metrics, "http_req_duration"), "p(99)"));
    progress_line(&s->progress, "%s %s run %d/%d: %.0f req/s, p99 %.2f ms, %s%s%s%s", u->scenario,
                  u->config, run, u->runs, rps, p99, valid ? "valid" : "INVALID (", why,
                  valid ? "" : ")", bound ? ", driver-bound (a lower bound)" : "");
    json_decref(j);
    json_decref(obs.limits);
    json_decref(obs.host_load);
    json_decref(obs.db);
    if (obs.summary)
        json_decref(obs.summary);
    if (!obs.driver_timed_out && rc >= 0) {
        s->overhead_sum += obs.wall_s - u->duration_s > 0 ? obs.wall_s - u->duration_s : 0;
        s->overhead_n++;
    }
    if (obs.server_died) {
        progress_line(&s->progress, "server died during %s run %d; restarting it", u->scenario,
                      run);
        s->server_up = false;
        if (study_ensure_server(s, u) != 0) {
            if (run < u->runs)
                study_failed_attempt(s, u, run + 1, "server-start", s->st.err, -2, false);
            return 1;
        }
    }
    return 0;
}
