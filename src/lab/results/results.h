/* A results directory as written by `benchlab run` (docs/results-format.md):
 * RESULTS/raw/<scenario>/<config>/run-NN.json plus RESULTS/manifest.json.
 * Runs are grouped into cells (scenario x configuration); warm-up runs are
 * skipped, invalid runs are kept apart and never enter a statistic. */
#ifndef BENCHLAB_LAB_RESULTS_H
#define BENCHLAB_LAB_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct results_run {
    char *path;                    /* relative to the results dir */
    const char *scenario, *config; /* owned by root */
    int run;
    bool valid;
    json_t *root;    /* the whole run file */
    json_t *summary; /* root.summary (borrowed) */
} results_run_t;

typedef struct results_cell {
    const char *scenario, *config;
    results_run_t **valid; /* in run-number order */
    size_t nvalid;
    results_run_t **invalid; /* in run-number order */
    size_t ninvalid;
} results_cell_t;

typedef struct results {
    char *dir;
    results_run_t *runs;
    size_t nruns;
    size_t nwarmup;
    results_cell_t *cells; /* sorted by scenario, then config */
    size_t ncells;
    json_t *manifest; /* NULL when the file is absent */
} results_t;

/* Loads every run file below DIR/raw. Returns 0, or -1 with a message naming
 * the file (and field) in err. A directory without runs loads fine with nruns 0. */
int results_load(results_t *r, const char *dir, char *err, size_t errlen);
void results_free(results_t *r);
/* Groups the runs into cells again after their `valid` changed (the report's
 * validity pass, report/validity.h). 0 or -1 (out of memory). */
int results_regroup(results_t *r);

const results_cell_t *results_find_cell(const results_t *r, const char *scenario,
                                        const char *config);
/* The cell for a scenario when the configuration is not given: `preferred` if
 * that cell exists, else the first configuration (in name order) of the same
 * implementation as `preferred` (the name without its last "-segment"), else
 * the first configuration of any implementation. */
const results_cell_t *results_default_cell(const results_t *r, const char *scenario,
                                           const char *preferred);

/* Names of the groups in a run's summary (root_group.groups), in scenario order; the
 * caller frees the array (not the strings, which the run owns). */
const char **results_run_groups(const results_run_t *run, size_t *n);
/* Union of group names over a cell's valid runs, in scenario order; caller frees the array. */
const char **results_cell_groups(const results_cell_t *cell, size_t *n);

/* Small JSON helpers that follow a dotted path ("metrics.http_reqs.rate"). */
json_t *results_json_path(json_t *root, const char *dotted);
/* A number at a path (NaN when missing or not a number). */
double results_json_number(json_t *root, const char *dotted);

#endif
