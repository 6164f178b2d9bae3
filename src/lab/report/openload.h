/* The open model at shares of the closed-model capacity (plan key "load",
 * study/openload.h) in the report (report/openload.c): latency percentiles
 * against offered load per scenario and implementation.
 *   data/open-load.dat   one block per scenario x implementation (gnuplot
 *                        "index"): load %, offered req/s, achieved req/s,
 *                        p50, p99, p99.9 ms (histograms merged over valid runs)
 *   data/open-load.meta  ol_n (blocks) and ol_titles (one word per block)
 *   tables/open-load.tex the same as a table; summary.md "Open model at
 *                        shares of capacity"
 *   macros               ol/cells, ol/runs, ol/summary (a sentence, also when
 *                        there are none), ol/<scenario>/<impl>/<P>/{p50,p99,
 *                        p999,offered,achieved}, and \blopenloadtrue when
 *                        there are some (the paper quotes numbers only then)
 * No open-model run: open-load.nodata, a "not measured" table row, and the
 * macros say so. */
#ifndef BENCHLAB_LAB_REPORT_OPENLOAD_H
#define BENCHLAB_LAB_REPORT_OPENLOAD_H

#include <stddef.h>
#include <stdio.h>

struct report;
int report_openload_dat(const struct report *rep, const char *dir, char *err, size_t errlen);
int report_openload_table(const struct report *rep, const char *dir, char *err, size_t errlen);
void report_openload_md(FILE *f, const struct report *rep);
void report_openload_macros(FILE *f, const struct report *rep);

#endif
