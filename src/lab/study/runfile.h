/* One run's file, RESULTS/raw/<scenario>/<config>/run-NN.json
 * (docs/results-format.md): the driver summary, each box's statistics for the
 * run, and whether the run is valid. Invalid runs are written too, marked. */
#ifndef BENCHLAB_LAB_STUDY_RUNFILE_H
#define BENCHLAB_LAB_STUDY_RUNFILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab/box/box.h"
#include "lab/study/plan.h"
#include "lab/stack/stack.h"

/* What the study observed around one driver run. */
typedef struct run_observed {
    json_t *summary;   /* the driver's summary (borrowed), NULL when none */
    int driver_status; /* exit status, 128+signal, -1 not started */
    bool driver_timed_out;
    bool server_died;
    bool boxed[LAB_SVC_COUNT]; /* which services had a box (and stats below) */
    box_stats_t boxes[LAB_SVC_COUNT];
    double wall_s;
    long long started_unix_ms;
    json_t *limits;            /* borrowed: each box's limits, {"server": {...}} or NULL */
    const char *backend;       /* the box backend ("cgroup-v1", "none"), or NULL */
    const char *driver_cpuset; /* where the driver was pinned ("" = not pinned), or NULL */
    json_t *host_load;         /* borrowed: hostload.h's record of the run, or NULL */
    json_t *db;                /* borrowed: study/dbstats.h's record, or NULL */
} run_observed_t;

/* DIR/raw/<scenario>/<config>/run-NN.json into buf (NN: 2 digits, more if needed). */
void run_file_path(const char *dir, const char *scenario, const char *config, int run, char *buf,
                   size_t len);

/* The validity rules; appends one human-readable reason per broken rule to
 * reasons (a JSON array). Returns true when there is none. */
bool run_validity(const run_observed_t *obs, json_t *reasons);

/* The whole run file. */
json_t *run_file_build(const plan_unit_t *u, int run, const char *implementation,
                       const char *profile, const char *plan, const run_observed_t *obs);

/* Writes JSON to path atomically (temp file in the same directory, fsync,
 * rename), creating parent directories. 0 or -1 (errno). */
int study_write_json(const char *path, json_t *j);

/* ISO-8601 UTC of a Unix time in milliseconds. */
void study_iso_time(long long unix_ms, char *buf, size_t len);

#endif
