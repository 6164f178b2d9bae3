/* The report's validity pass: the rules of validity.h applied to every run
 * of a results directory as it is on disk, so results written before a rule
 * existed can be judged by it (`benchlab validity`, `benchlab report
 * --revalidate`). */
#ifndef BENCHLAB_LAB_REPORT_VALIDITY_H
#define BENCHLAB_LAB_REPORT_VALIDITY_H

#include <stdio.h>

#include "lab/results/results.h"
#include "lab/results/validity.h"

typedef struct validity_tally {
    size_t runs;                 /* runs judged (warm-ups are not runs) */
    size_t were_invalid;         /* invalid before the pass (the recorded rules) */
    size_t newly_invalid;        /* valid before, broken by a rule now */
    size_t checked[VRULE_COUNT]; /* runs the rule could judge (its data was recorded) */
    size_t broken[VRULE_COUNT];  /* runs it marks invalid (valid before or not) */
    size_t only[VRULE_COUNT];    /* valid runs this rule alone marks invalid */
} validity_tally_t;

/* Judges every run (its .timeseries.jsonl too); a broken rule appends its
 * reason to the run's invalid_reasons and makes it invalid (in memory, never
 * on disk), then the cells are regrouped. tally may be NULL. 0 or -1. */
int report_validity_pass(results_t *r, const validity_rules_t *rules, validity_tally_t *tally);

/* The rules a results directory was run under: the defaults, overridden by
 * the "validity" of the profile its manifest recorded (profile_file). 0, or
 * -1 with a message (a malformed validity object). */
int report_validity_rules(const results_t *r, validity_rules_t *rules, char *err, size_t errlen);

/* The thresholds of the rules for the paper (validity/... macros: max-overrun,
 * min-requests, max-host-outside, max-steal, max-load-per-cpu,
 * min-server-cpu, trend-level, trend-change, trend-min-points; percentages
 * where the rule is a fraction). */
void report_validity_macros(FILE *f, const validity_rules_t *r);

struct report;
/* tables/validity.tex: per cell, the valid and invalid runs, the driver's
 * utilisation (its busiest thread, the highest over the cell's runs), the
 * server box's CPU (median over valid runs, cores) and the longest load phase
 * against the plan. 0, or -1 with a message. */
int report_validity_table(const struct report *rep, const char *dir, char *err, size_t errlen);
/* cell/<scenario>/<config>/driver-util (percent, the cell's highest) and,
 * where the runs recorded pg_stat_statements, .../db-calls-per-req and
 * .../db-ms-per-req (statements and database milliseconds per request,
 * medians over valid runs) */
void report_driver_macros(FILE *f, const struct report *rep);

/* The tally as a plain-text table (what `benchlab validity` prints). */
void report_validity_print(FILE *f, const validity_tally_t *t);

#endif
