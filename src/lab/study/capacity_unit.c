/* A capacity unit of a study (a plan entry with "objective_ms"; plan.h): each
 * of its runs is one capacity search (capacity.h) against the study's server,
 * every step a benchlab-load run of the unit's scenario in the open model at
 * the step's rate for the unit's duration, started from the unit's "rate".
 * The run file, RESULTS/raw/<scenario>/<config>/run-NN.json, is
 *   {"kind": "capacity", "scenario", "config", "implementation", "run",
 *    "valid", "invalid_reasons", "plan", "profile", "started_at", "wall_s",
 *    "step_duration_s", "max_vus", "capacity": capacity_to_json()}
 * which results_load leaves out of the cells and report/capacity_study.c
 * reads (docs/results-format.md). */
#include "lab/study/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "lab/stack/spawn.h"
#include "lab/study/capacity.h"
#include "lab/study/runfile.h"

typedef struct {
    study_t *s;
    int ui, run, step;
    plan_unit_t unit; /* the unit, its rate the step's */
    char dir[PATH_MAX], logs[PATH_MAX];
    int driver_rc; /* the failing driver's status, 0 when none */
    char why[PATH_MAX + 128];
} cap_run_t;

static int measure(double rate, void *vctx, capacity_point_t *p) {
    cap_run_t *c = vctx;
    study_t *s = c->s;
    const scenario_meta_t *m = &s->meta[c->ui];
    char summary[PATH_MAX + 64], log[PATH_MAX + 64];
    c->step++;
    snprintf(summary, sizeof summary, "%s/run-%02d.step-%02d.summary.tmp", c->dir, c->run, c->step);
    snprintf(log, sizeof log, "%s/run-%02d-step-%02d.log", c->logs, c->run, c->step);
    if (study_reset_dirty(s, m) != 0) {
        snprintf(c->why, sizeof c->why, "reset failed: %s", s->st.err);
        c->driver_rc = -2;
        return -1;
    }
    c->unit.rate = rate;
    unlink(summary);
    int rc = study_run_driver(s, &c->unit, "run", c->unit.duration_s, summary, NULL, NULL, log);
    study_mark_dirty(s, m);
    json_t *j = rc == 0 || rc == 99 ? json_load_file(summary, 0, NULL) : NULL;
    unlink(summary);
    if (rc == -2 || (!j && rc != -3)) {
        c->driver_rc = rc == 0 || rc == 99 ? LOAD_EXIT_OUTPUT : rc;
        snprintf(c->why, sizeof c->why, "benchlab-load at %g/s %s (exit %d); see %s", rate,
                 rc == -2 ? "was stopped" : "gave no summary", rc, log);
        return -1;
    }
    bool died = !spawn_alive(s->st.pid[LAB_SVC_SERVER]);
    if (!j || capacity_point_from_summary(j, p) != 0 || died) {
        /* a timeout, a summary without latencies or a server that died: the
         * step misses the objective */
        memset(p, 0, sizeof *p);
        p->failed = 1;
    }
    json_decref(j);
    p->rate = rate;
    progress_line(&s->progress,
                  "%s %s run %d step %d: %.6g/s offered, p50 %.3f ms, p99 %.3f ms, "
                  "dropped %.0f, failed %.2f%%%s",
                  c->unit.scenario, c->unit.config, c->run, c->step, rate, p->p50_ms, p->p99_ms,
                  p->dropped, 100 * p->failed, died ? " (the server died; restarting it)" : "");
    if (died) {
        s->server_up = false;
        if (study_ensure_server(s, &s->plan.units[c->ui]) != 0) {
            snprintf(c->why, sizeof c->why, "the server died and could not restart: %s", s->st.err);
            c->driver_rc = -2;
            return -1;
        }
    }
    return 0;
}

int study_capacity_run(study_t *s, int ui, int run) {
    const plan_unit_t *u = &s->plan.units[ui];
    cap_run_t *c = xcalloc(1, sizeof *c);
    if (!c)
        return -1;
    c->s = s;
    c->ui = ui;
    c->run = run;
    c->unit = *u;
    study_unit_dir(s, u, "raw", c->dir, sizeof c->dir);
    study_unit_dir(s, u, "logs", c->logs, sizeof c->logs);
    capacity_opts_t o = {.objective_ms = u->objective_ms,
                         .start = u->rate,
                         .tolerance = u->search_tolerance,
                         .max_steps = u->search_steps,
                         .confirm = 1};
    /* a p99 needs samples: at least 100 per step */
    o.min_rate = u->duration_s > 0 ? 100 / u->duration_s : 0;
    capacity_defaults(&o);
    long long started = clock_wall_ms();
    double t0 = study_mono_s();
    capacity_result_t res;
    int rc = capacity_search(&o, measure, c, &res);
    if (rc != 0 && c->driver_rc == -2 && study_stop_signal) {
        capacity_result_free(&res);
        free(c);
        return -2;
    }
    if (rc != 0) { /* the lab's own failure: no run file, --resume runs it again */
        study_failed_attempt(s, u, run, "capacity-step", c->why, c->driver_rc, false);
        capacity_result_free(&res);
        free(c);
        return 2;
    }
    json_t *reasons = json_array();
    if (res.capacity <= 0)
        json_array_append_new(reasons, json_string("no rate met the objective"));
    char iso[32], path[PATH_MAX];
    study_iso_time(started, iso, sizeof iso);
    json_t *j = json_pack(
        "{s:s,s:s,s:s,s:s,s:i,s:b,s:o,s:s,s:s,s:s,s:f,s:f,s:o,s:o}", "kind", "capacity", "scenario",
        u->scenario, "config", u->config, "implementation", u->implementation, "run", run, "valid",
        1, "invalid_reasons", reasons, "plan", s->plan.name, "profile", s->profile.name,
        "started_at", iso, "wall_s", study_mono_s() - t0, "step_duration_s", u->duration_s,
        "max_vus", u->max_vus > 0 ? json_integer(u->max_vus) : json_null(), "capacity",
        capacity_to_json(&o, &res));
    run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
    int w = j ? study_write_json(path, j) : -1;
    json_decref(j);
    if (w != 0) {
        char reason[PATH_MAX + 64];
        snprintf(reason, sizeof reason, "cannot write %s", path);
        study_failed_attempt(s, u, run, "run-file", reason, 0, true);
        capacity_result_free(&res);
        free(c);
        return -1;
    }
    if (res.capacity > 0)
        progress_line(&s->progress,
                      "%s %s run %d/%d: capacity %.1f/s at p99 <= %g ms (%s, %zu steps)",
                      u->scenario, u->config, run, u->runs, res.capacity, o.objective_ms,
                      res.bounded ? "bounded" : "not bounded", res.n);
    else
        progress_line(&s->progress, "%s %s run %d/%d: no rate down to %g/s met p99 <= %g ms",
                      u->scenario, u->config, run, u->runs, o.min_rate, o.objective_ms);
    capacity_result_free(&res);
    free(c);
    return 0;
}
