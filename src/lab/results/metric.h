/* One number per valid run, named by a metric spec from paper/comparisons.json:
 *   {"scenario": "db-advanced/09-pagination", "config": "c-ulfius-epoll" (optional),
 *    "group": "cursor" (optional), "request": "GET /users/cursor" (optional, needs group),
 *    "metric": "p95", ...}
 * metric is one of
 *   rps            requests per second (the group's, or the whole run's)
 *   p50 p90 p95 p99 p99.9 (any pNN)   latency percentile in ms from the run's histogram
 *   mean           mean latency in ms
 *   checks_rate    passed / all checks (the group's, or the run's)
 *   teardown       the number in teardown.<var>
 *   teardown_per_request  teardown.<version_var, else var> / requests of the group
 *                  (or run): successful writes (a version counter) per request
 *   cpu_us         service demand: the server box's CPU microseconds per completed
 *                  request (postgres_cpu_us, redis_cpu_us: those boxes'); whole run
 *                  only (no group); NaN when the run has no box statistics
 *   lost_updates   writes the server made minus the stock that really went:
 *                  teardown.<version_var> * per_request - (initial - teardown.<var>);
 *                  without version_var the group's passed checks count the writes
 * Missing data gives NaN for that run; values_of drops NaNs. */
#ifndef BENCHLAB_LAB_RESULTS_METRIC_H
#define BENCHLAB_LAB_RESULTS_METRIC_H

#include <jansson.h>
#include <stddef.h>

#include "lab/results/results.h"

enum metric_kind {
    METRIC_RPS,
    METRIC_PERCENTILE,
    METRIC_MEAN,
    METRIC_CHECKS_RATE,
    METRIC_TEARDOWN,
    METRIC_LOST_UPDATES,
    METRIC_TEARDOWN_PER_REQUEST,
    METRIC_CPU_US, /* service demand: box CPU us per request (results/demand.h) */
};

typedef struct metric_spec {
    char *scenario, *config, *group, *request, *var, *version_var;
    enum metric_kind kind;
    double percentile;  /* METRIC_PERCENTILE */
    double initial;     /* METRIC_LOST_UPDATES */
    double per_request; /* METRIC_LOST_UPDATES, default 1 */
    char *name;         /* the metric as written ("p95") */
    const char *box;    /* METRIC_CPU_US: "server", "postgres" or "redis" */
} metric_spec_t;

/* Parses a spec from an object; `base` (may be NULL) supplies keys the object
 * lacks (a figure's bar + series). `where` names the object in messages. */
int metric_spec_parse(metric_spec_t *m, const json_t *obj, const json_t *base, const char *where,
                      char *err, size_t errlen);
void metric_spec_free(metric_spec_t *m);
/* Unit of the metric for tables: "ms", "req/s", "" (ratio/count). */
const char *metric_unit(const metric_spec_t *m);

/* The spec's value for one run (NaN when the run lacks the data). */
double metric_of_run(const metric_spec_t *m, const results_run_t *run);

/* The cell a spec reads: its config, else `default_config`, else the first
 * one. A spec naming a group G of scenario S reads the cell of scenario
 * "S@G" when the results have it (the variant G measured alone, one variant
 * per run: scenarios/db-advanced/11-n-plus-one@lazy.json), else S's own
 * cell (results where the variants shared one closed loop). NULL if none. */
const results_cell_t *metric_cell(const metric_spec_t *m, const results_t *r,
                                  const char *default_config);

/* Resolves the cell (metric_cell: spec config, else `default_config`, else the first one) and
 * returns a malloc'd array of the non-NaN values over its valid runs (*n may be
 * 0; the array is NULL then). *cell gets the cell used (NULL if none). */
double *metric_values(const metric_spec_t *m, const results_t *r, const char *default_config,
                      size_t *n, const results_cell_t **cell);

#endif
