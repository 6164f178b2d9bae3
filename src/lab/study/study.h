/* A study: `benchlab run PLAN`. For each unit of the plan (a scenario under
 * one server configuration and load) it makes sure the services it needs run
 * in their boxes, verifies the scenario once, resets what write scenarios
 * dirty before every run, warms up once, runs the driver N times pinned
 * outside the boxes, and writes each run's file atomically. An interrupted
 * study resumes from the first missing run; SIGINT/SIGTERM stop it cleanly
 * (no process, cgroup or temporary directory left). */
#ifndef BENCHLAB_LAB_STUDY_H
#define BENCHLAB_LAB_STUDY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct study_opts {
    const char *plan;           /* name or path */
    const char *profile;        /* NULL = profile_default_name() */
    const char *results;        /* NULL = results/<plan>-<UTC time> */
    int runs;                   /* > 0 overrides the plan's runs */
    bool resume;                /* continue a study already in results */
    const char *implementation; /* NULL = "c-ulfius" */
    const char *server_bin;     /* NULL = benchlab-server next to benchlab */
    const char *scenarios_dir;  /* NULL = found (see study_find_scenarios) */
    bool dry_run;               /* print the units and exit */
    bool interleaved;           /* randomized interleaved trials (run_order.h) */
    long long seed;             /* their shuffle's seed; < 0 = the resumed study's, else time */
    long long min_free;         /* bytes that must stay free for results and stack (--min-free);
                                   < 0: STUDY_MIN_FREE_DEFAULT, 0: no check */
} study_opts_t;

/* Runs the study; returns the exit code: 0 every planned run is on disk
 * (valid or not), 1 a failure (some runs missing), 2 bad arguments or files,
 * 128+signal when interrupted. */
int study_run(const study_opts_t *opts);

/* The scenarios directory: $BENCHLAB_ROOT/scenarios, ./scenarios, or
 * scenarios/ next to the parent of the benchlab executable. 0 or -1. */
int study_find_scenarios(char *buf, size_t len);

#endif
