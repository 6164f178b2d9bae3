/* Intervals that say what they are: the coverage and method of every
 * interval the report prints (docs/report.md "Intervals"). */
#ifndef BENCHLAB_LAB_REPORT_COVERAGE_H
#define BENCHLAB_LAB_REPORT_COVERAGE_H

#include <stdio.h>

#include "lab/report/report.h"

/* "[lo, hi] (75 %)" for a table cell; "too few runs" when the interval was
 * withheld, "--" when there is none. */
void report_interval_cov(FILE *f, const stats_interval_t *ci);
/* Short name of an interval's method for tables ("exact", "bootstrap"). */
const char *report_method_short(const stats_interval_t *ci);

/* The coverage macros (called by report_write_macros): per cell
 * .../rps-cov, cmp/<id>/cov and /method, val/<id>/cov; the ranges over the
 * paper's intervals cov/median, cov/ratio (text), cov/median-few,
 * cov/ratio-few, cov/ratio-methods; the method's worked numbers
 * study/min-runs-interval, study/bootstrap-min-runs, study/cov-n3,
 * study/cov-n5, study/cov-mw3, study/cov-mw5. */
void report_coverage_macros(FILE *f, const report_t *rep);

#endif
