/* `benchlab report`: statistics over a results directory and everything the
 * paper needs from them (tables, macros, gnuplot data, CSV/Markdown summaries).
 *
 * The comparisons, quoted values and figures come from a config file
 * (paper/comparisons.json, format in docs/report.md) so scenario and group
 * names are written in one place. */
#ifndef BENCHLAB_LAB_REPORT_H
#define BENCHLAB_LAB_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/results/results.h"
#include "lab/results/metric.h"
#include "lab/results/stats.h"

#define REPORT_NPCT 5
extern const double report_percentiles[REPORT_NPCT]; /* 50, 90, 95, 99, 99.9 */

typedef struct report_group {
    const char *name;
    stats_summary_t rps;        /* per-run requests/s of this group */
    double pct_ms[REPORT_NPCT]; /* from the histograms merged over valid runs */
    double mean_ms;
    uint64_t count;
} report_group_t;

typedef struct report_cell {
    const results_cell_t *cell;
    stats_summary_t rps;        /* per-run requests/s */
    double throughput;          /* total requests / total time over valid runs */
    double pct_ms[REPORT_NPCT]; /* merged histograms */
    double mean_ms;
    uint64_t count;
    double checks_rate;
    report_group_t *groups;
    size_t ngroups;
    bool open_model;
    double rate, server_cpus; /* params (NaN when absent) */
    int workers, vus;
    int threads; /* params.threads (Puma's threads, the pool's size), 0 = the server's default */
    const char *threading;
    const char *implementation; /* the run file's "implementation" ("" when absent) */
    /* service demand: CPU us per request of the server, postgres and redis boxes
     * (demand_boxes order; n = 0 when the runs have no box statistics) */
    stats_summary_t cpu_us[3];
} report_cell_t;

typedef struct report_ratio {
    char *id, *label;
    metric_spec_t num, den;
    double ratio;
    stats_interval_t ci;
    size_t nnum, nden;
} report_ratio_t;

typedef struct report_value {
    char *id, *label;
    metric_spec_t spec;
    stats_summary_t s;
} report_value_t;

typedef struct report_config {
    json_t *root;
    char *path;
    const char *default_config;
    double level;
    size_t min_runs; /* "min_runs": fewer valid runs give "too few runs", no interval (3) */
    unsigned resamples;
    uint64_t seed;
} report_config_t;

typedef struct report {
    const results_t *results;
    report_config_t cfg;
    report_cell_t *cells; /* parallel to results->cells */
    size_t ncells;
    report_ratio_t *ratios;
    size_t nratios;
    report_value_t *values;
    size_t nvalues;
    json_t *published; /* paper/published-study.json, or NULL */
} report_t;

/* Loads the config (and the published numbers, when path is not NULL). */
int report_config_load(report_config_t *cfg, const char *path, char *err, size_t errlen);
void report_config_free(report_config_t *cfg);

/* Computes every statistic. Takes ownership of cfg. */
int report_compute(report_t *rep, const results_t *results, report_config_t *cfg, char *err,
                   size_t errlen);
void report_free(report_t *rep);

const report_ratio_t *report_find_ratio(const report_t *rep, const char *id);
const report_value_t *report_find_value(const report_t *rep, const char *id);
/* The row of rep->published (paper/published-study.json "rows") whose "id" is
 * id; NULL when there is none, or no published numbers, or id is NULL. */
const json_t *report_published_row(const report_t *rep, const char *id);
const report_cell_t *report_find_cell(const report_t *rep, const char *scenario,
                                      const char *config);

/* The headline comparison (comparisons.json "headline", docs/report.md): the
 * implementations measured here per scenario, their ranking, and whether the
 * order of the rank pair (Express vs FastAPI) agrees with the study's. */
#define REPORT_HL_MAX_IMPL 8
#define REPORT_HL_MAX_PUB 8

typedef enum { HL_AGREE, HL_DISAGREE, HL_NOT_MEASURED, HL_NOT_PUBLISHED, HL_SPLIT } hl_agree_t;

typedef struct report_hl_impl {
    const char *id, *label, *config;    /* borrowed from the config */
    const char *pub[REPORT_HL_MAX_PUB]; /* the study's column names for it */
    size_t npub;
} report_hl_impl_t;

typedef struct report_hl_row {
    const char *id, *label, *scenario, *published;  /* published row id, or NULL */
    const report_cell_t *cells[REPORT_HL_MAX_IMPL]; /* NULL: no valid run of that impl */
    int pos[REPORT_HL_MAX_IMPL];                    /* 1 = fastest here, 0 = not measured */
    size_t nmeasured;
    char ours[256];  /* "c-ulfius > Express > FastAPI", or "not measured" */
    char study[256]; /* "Express > FastAPI", "split: FastAPI-P > Express > FastAPI-S", ... */
    hl_agree_t agree;
    bool sure; /* agree/disagree: our bootstrap interval of a/b lies on one side of 1 */
} report_hl_row_t;

typedef struct report_headline {
    report_hl_impl_t impls[REPORT_HL_MAX_IMPL];
    size_t nimpls;
    int pair_a, pair_b; /* indexes into impls, -1 without a rank pair */
    report_hl_row_t *rows;
    size_t nrows;
    size_t agree, disagree, agree_sure, disagree_sure, compared;
    size_t first[REPORT_HL_MAX_IMPL]; /* rows where that implementation ranks first */
} report_headline_t;

/* Only the config part (implementations, rows, rank pair; checks the ratios). */
int report_headline_parse(const report_t *rep, report_headline_t *hl, char *err, size_t errlen);
/* Reads the headline section of the config and evaluates it against the cells
 * and the published numbers (rep->published, may be NULL). A config without a
 * headline section gives nrows = 0. -1 with a message for a malformed one. */
int report_headline_compute(const report_t *rep, report_headline_t *hl, char *err, size_t errlen);
void report_headline_free(report_headline_t *hl);
const char *report_hl_agree_name(hl_agree_t a); /* "yes", "no", "not measured", ... */

struct claims;
/* Output writers; each returns 0 or -1 with a message. out_dir is created.
 * claims may be NULL (no claims table, no claim macros). */
int report_write_tables(const report_t *rep, const struct claims *claims, const char *dir,
                        char *err, size_t errlen);
/* point (may be NULL): the claims judged on the point estimate alone, for the
 * claims/point-* keys */
int report_write_macros(const report_t *rep, const struct claims *claims,
                        const struct claims *strict, const char *path, char *err, size_t errlen);
/* DIR/NAME.tex opened for writing with the "generated" header line; NULL and a
 * message in err when it cannot be. report_table_close closes it and says
 * which file failed. Shared by the table writers. */
FILE *report_table_open(const char *dir, const char *name, char *err, size_t errlen);
int report_table_close(FILE *f, const char *dir, const char *name, char *err, size_t errlen);
/* coverage/... macros: what the results set leaves out of what the paper
 * discusses (report/missing.c). */
void report_missing_keys(FILE *f, const report_t *rep);
/* Service demand, CPU us per request per box (report/demand.c): CSV columns
 * (NULL cell: empty), "median [lo, hi]" or "n/a" text, a LaTeX cell, the
 * headline's CPU table and figure data, and the hl-cpu/... demand/... macros. */
void report_demand_csv_header(FILE *f);
void report_demand_csv_cols(FILE *f, const report_cell_t *c);
const char *report_demand_text(const stats_summary_t *s, char *buf, size_t len);
void report_demand_tex(FILE *f, const stats_summary_t *s);
int report_write_headline_cpu(const report_t *rep, const char *dir, char *err, size_t errlen);
int report_write_headline_cpu_dat(const report_t *rep, const char *dir, char *err, size_t errlen);
void report_demand_keys(FILE *f, const report_t *rep);
/* The CPU twin of a throughput ratio (num and den requests/s of whole runs):
 * median server CPU us per request of den over num's, with a bootstrap
 * interval, into *out (only ratio, ci, nnum, nden, num, den, id, label are set;
 * nothing to free). false when r is not a throughput ratio. */
bool report_demand_ratio(const report_t *rep, const report_ratio_t *r, report_ratio_t *out);
/* tables/headline.tex and tables/headline-ratios.tex (called by report_write_tables). */
int report_write_headline_tables(const report_t *rep, const char *dir, char *err, size_t errlen);
int report_write_data(const report_t *rep, const char *dir, char *err, size_t errlen);
/* DIR/summary.csv, DIR/comparisons.csv, DIR/summary.md (for people who do not read LaTeX). */
int report_write_summaries(const report_t *rep, const struct claims *claims, const char *dir,
                           char *err, size_t errlen);

/* A file name from a scenario/config name: '/' and other odd bytes become '-'. */
void report_slug(const char *in, char *out, size_t len);

#endif
