/* The --summary-export document (docs/results-format.md), thresholds, the
 * end-of-run text, the time series, and merge/inspect of summary files. */
#ifndef BENCHLAB_LOAD_SUMMARY_H
#define BENCHLAB_LOAD_SUMMARY_H

#include <jansson.h>

#include "load/engine.h"
#include "load/scenario.h"

typedef struct run_info {
    const char *scenario_file;
    int threads;
    double cpu_user_s, cpu_sys_s;
    long rss_max_kb;
    char **teardown_vals; /* variable values after teardown (NULL = none) */
    int teardown_ran;
} run_info_t;

/* Duration fields {avg,min,med,max,p(90),p(95),p(99),p(99.9)} in ms. */
json_t *summary_duration_json(const hist_t *h);
json_t *summary_build(const scenario_t *s, const engine_result_t *r, const run_info_t *info);
/* Evaluates every threshold of the summary's "thresholds" keys against its
 * metrics and sets .ok; returns the number that failed. */
int summary_eval_thresholds(json_t *summary);
/* Writes JSON atomically (temp file + rename). Returns 0 or -1 (message on stderr). */
int summary_write(const json_t *j, const char *path);
/* Human-readable end-of-run text. */
void summary_print(const json_t *summary, FILE *out);
int summary_write_timeseries(const stats_t *st, const char *path);

/* benchlab-load merge / inspect; return process exit codes. */
int summary_merge_files(char **files, int n, const char *out, int parallel);
int summary_inspect_file(const char *file);

#endif
