/* RESULTS/manifest.json: what a study ran on and with (docs/results-format.md):
 * host CPU model, cores, memory, kernel, cgroup version and box backend;
 * versions of PostgreSQL, Redis, ulfius, libmicrohttpd, libpq, jansson and the
 * compiler; the git commit; plan, profile (as loaded), implementation; start
 * and end times, and each resume. */
#ifndef BENCHLAB_LAB_MANIFEST_H
#define BENCHLAB_LAB_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>

#include "lab/study/plan.h"
#include "lab/study/profile.h"

typedef struct manifest_info {
    const plan_t *plan;
    const profile_t *profile;
    const char *implementation;
    const char *backend;     /* the box backend actually used */
    const char *backend_why; /* e.g. "cgroup v1" */
    const char *repo_root;   /* for the git commit; NULL = skip */
    int runs_override;       /* --runs, 0 = the plan's */
    int planned_runs;
} manifest_info_t;

/* The host part: {"cpu_model", "cores", "memory_bytes", "kernel", ...}. */
json_t *manifest_host(void);
/* The versions part. */
json_t *manifest_versions(void);

/* Writes DIR/manifest.json at the start of a study. With an existing one (a
 * resume) keeps its started_at and appends now to resumed_at. 0 or -1. */
int manifest_begin(const char *dir, const manifest_info_t *info);
/* Sets ended_at, completed (every planned run is on disk) and the counts. */
int manifest_finish(const char *dir, bool completed, int runs_done, int runs_invalid,
                    int failed_attempts);

/* This session's database is a copy of the seeded template KEY
 * ($BENCHLAB_PG_TEMPLATE): appends {"key", "at"} to "pg_template". 0 or -1. */
int manifest_note_pg_template(const char *dir, const char *key);

#endif
