/* Capacity at a latency objective in a study (docs/report.md): the run files
 * of capacity units (study/capacity_unit.c, "kind": "capacity") grouped by
 * scenario and configuration, the capacity's median and interval over runs.
 *   tables/capacity.tex        scenario x implementation: capacity [interval],
 *                              runs, knee p50/p99, closed-model req/s beside it
 *   data/capacity.dat (+.meta) p50/p99 against offered load of the run with the
 *                              median capacity, one gnuplot index per group;
 *                              capacity-knee.dat the knees (plots/capacity.gp)
 *   macros                     capacity/count, capacity/objective,
 *                              capacity/implementations, capacity/<scenario-slug>/<impl>
 *                              [-lo, -hi, -n], capacity/best/<scenario-slug>
 * Nothing but capacity/count = 0 (and the coverage text) when there is none. */
#ifndef BENCHLAB_LAB_REPORT_CAPACITY_STUDY_H
#define BENCHLAB_LAB_REPORT_CAPACITY_STUDY_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/report/report.h"

typedef struct cap_group {
    char *scenario, *config, *implementation;
    double objective_ms;
    double *capacity; /* per run; 0 = no rate met the objective */
    size_t n, bounded;
    json_t *median_run; /* the "capacity" object of the run with the median capacity */
    stats_summary_t s;
} cap_group_t;

typedef struct cap_study {
    cap_group_t *g;
    size_t n;
    json_t **roots; /* the run files, owned */
    size_t nroots;
} cap_study_t;

/* Reads RESULTS/raw/(*)/(*)/(*)/run-*.json of kind "capacity". 0, or -1 with err. */
int cap_study_load(cap_study_t *cs, const char *results_dir, double level, size_t min_runs,
                   char *err, size_t errlen);
void cap_study_free(cap_study_t *cs);
/* Whether the results directory holds a capacity run file. */
bool report_has_capacity_runs(const char *results_dir);

/* The table, the figure's data and the macros (appended to macros_path). 0 or -1. */
int report_write_capacity_study(const report_t *rep, const char *out_dir, const char *macros_path,
                                char *err, size_t errlen);
/* The summary's section (summary.md). */
void report_capacity_study_md(FILE *f, const report_t *rep);

/* tables/implementations.tex (impl_versions_table.c): each headline
 * implementation's versions as its server reported them (manifest
 * "implementations") beside the study's stack (published-study.json "stacks"). */
int report_write_impl_versions(const report_t *rep, const char *dir, char *err, size_t errlen);

#endif
