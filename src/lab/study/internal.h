/* What the files of a study share (study.c the loop, setup.c set-up,
 * dry-run and teardown, services.c the services and their boxes, driver.c
 * the driver process, run.c one run and the lab's own failures): the study's
 * state and the functions they call across. Not for use outside study/. */
#ifndef BENCHLAB_LAB_STUDY_INTERNAL_H
#define BENCHLAB_LAB_STUDY_INTERNAL_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/clock.h"
#include "lab/box/box.h"
#include "lab/stack/stack.h"
#include "lab/study/plan.h"
#include "lab/study/profile.h"
#include "lab/study/progress.h"
#include "lab/study/run_order.h"
#include "lab/study/scenario.h"
#include "lab/study/study.h"
#include "lab/study/timeseries.h"

/* The server program of one implementation the plan runs. */
typedef struct impl_program {
    char name[32];
    char peer_start[PATH_MAX];      /* peers/<name>/start, "" for benchlab-server's flags */
    char server_bin[PATH_MAX + 32]; /* what the stack starts; "" = benchlab-server */
    bool versions_read;             /* its versions are in the manifest (impl_versions.h) */
} impl_program_t;

#define STUDY_MAX_IMPLS 8

typedef struct study {
    const study_opts_t *o;
    const char *impl; /* the implementations, comma-separated (manifest, resume check) */
    char impls[STUDY_MAX_IMPLS * 34];
    impl_program_t progs[STUDY_MAX_IMPLS];
    int nprogs;
    char results[PATH_MAX];
    char scenarios[PATH_MAX];
    char load_bin[PATH_MAX];
    double driver_ceiling; /* req/s from the calibration; 0 = none (study/calibrate.h) */
    char stack_dir[PATH_MAX];
    plan_t plan;
    profile_t profile;
    box_backend_t backend;
    char backend_why[256];
    scenario_meta_t *meta; /* per unit */
    lab_stack_t st;
    bool stack_inited;
    box_t *boxes[LAB_SVC_COUNT];
    bool server_up;
    plan_unit_t server_cfg; /* the configuration the running server has */
    char dirty[SCENARIO_MAX_DIRTIES * 2][32];
    int ndirty;
    progress_t progress;
    double overhead_sum; /* measured wall time of runs beyond their duration */
    int overhead_n;
    int done, total;
    long long min_free; /* bytes the results and stack file systems must keep free */
    int attempts;       /* failed attempts recorded by this invocation */
} study_t;

/* benchlab-load's exit status when it could not write its summary or time
 * series (docs/scenarios.md): no result, and no measurement either. */
#define LOAD_EXIT_OUTPUT 3

/* Set by SIGINT/SIGTERM/SIGHUP while study_run runs (study.c); every wait
 * returns early when it is set. */
extern volatile sig_atomic_t study_stop_signal;

/* Monotonic seconds. */
static inline double study_mono_s(void) {
    return (double)clock_mono_ns() / 1e9;
}

/* --- study.c -------------------------------------------------------------- */
bool study_file_exists(const char *path);
/* RESULTS/top/scenario/config ("" when it does not fit). */
void study_unit_dir(const study_t *s, const plan_unit_t *u, const char *top, char *buf, size_t len);
/* Seconds the missing runs from (unit, run) on will take, by the overhead measured so far. */
double study_planned_seconds(const study_t *s, int from_unit, int from_run);

/* --- setup.c: before the first run and after the last ----------------------- */
/* Loads profile, plan and scenarios, finds the programs, checks every
 * scenario file, the results directory and a resumed study. 0, or 2 (message
 * printed). */
int study_prepare(study_t *s);
void study_print_dry_run(study_t *s);
/* Stops the stack (its logs copied into the results), the boxes and the stack directory. */
void study_teardown(study_t *s);
/* Stacks of a benchlab run killed outright; stops and removes them. How many. */
int study_sweep_stale_stacks(void);
/* The interleaved order's seed: --seed, the resumed study's, else the time. */
long long study_order_seed(const study_t *s);
/* Was the study being resumed interleaved? */
bool study_recorded_interleaved(const study_t *s);
/* Builds the interleaved order and records it in the manifest. 0 or -1 (errno). */
int study_record_order(study_t *s, uint64_t seed, run_slot_t **order, size_t *n);

/* --- services.c: the services and their boxes ------------------------------- */
int study_start_service(study_t *s, lab_service_t svc);
const impl_program_t *study_program_of(const study_t *s, const char *implementation);
/* Starts the server for unit u unless the running one already fits. 0 or -1. */
int study_ensure_server(study_t *s, const plan_unit_t *u);
/* Resets what the last scenario and the next one dirty. 0 or -1. */
int study_reset_dirty(study_t *s, const scenario_meta_t *m);
/* After the driver touched the data: what the scenario dirties is dirty now. */
void study_mark_dirty(study_t *s, const scenario_meta_t *m);

/* --- driver.c: the driver process ------------------------------------------- */
/* Runs benchlab-load MODE (run or verify) for unit u; see driver.c. */
int study_run_driver(study_t *s, const plan_unit_t *u, const char *mode, double duration_s,
                     const char *summary, const char *timeseries, cpu_series_t *cpu,
                     const char *log);
/* study_run_driver's status when a driver ran on its host but its outputs
 * could not be fetched from there (study_driver_fetch_error says why). */
#define STUDY_DRIVER_FETCH_FAILED -4
const char *study_driver_fetch_error(void);
/* The driver's ceiling against a null responder (study/calibrate.h), into s->driver_ceiling. */
void study_calibrate_driver(study_t *s);

/* --- run.c: one run and the lab's own failures (study/attempts.h) ------------ */
/* One run: reset, driver, box statistics, validity, the file. 0, 2 a failed
 * attempt (go on), 1 the unit cannot go on, -1 fatal, -2 stopped. */
int study_one_run(study_t *s, int ui, int run);
/* --- capacity_unit.c: a unit with "objective_ms" (plan.h) --------------------- */
/* One run of it: a capacity search (study/capacity.h), its run file. As study_one_run. */
int study_capacity_run(study_t *s, int ui, int run);
/* Do the results and stack file systems still have --min-free? 0 or -1 (said). */
int study_space_ok(study_t *s);
/* A run the lab could not complete for its own reasons (see run.c). */
void study_failed_attempt(study_t *s, const plan_unit_t *u, int run, const char *kind,
                          const char *reason, int driver_exit, bool stop);
/* A service the study needs could not start (or be seeded). */
void study_service_failed(study_t *s, const char *kind, const char *why);

#endif
