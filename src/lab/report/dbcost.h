/* The database's own cost per request of each cell (report/dbcost.c), from
 * the run files' "db" (pg_stat_statements, study/dbstats.h): statements,
 * database milliseconds and rows per completed request, medians over the
 * valid runs. With one variant per run (09, 11, 12, 13: docs/study.md) it is
 * each variant's own cost, so N+1 shows as statements per request. */
#ifndef BENCHLAB_LAB_REPORT_DBCOST_H
#define BENCHLAB_LAB_REPORT_DBCOST_H

#include <stddef.h>
#include <stdio.h>

#include "lab/results/results.h"

typedef struct report_dbcost {
    double calls, ms, rows; /* per request; NaN when no valid run recorded "db" */
    size_t runs;            /* valid runs that did */
} report_dbcost_t;

report_dbcost_t report_dbcost_of(const results_cell_t *c);

struct report;
/* tables/dbcost.tex: one row per cell whose runs recorded "db" (every
 * configuration), or a "not measured" row. 0, or -1 with a message. */
int report_dbcost_table(const struct report *rep, const char *dir, char *err, size_t errlen);
/* "## Database cost per request" in summary.md (a line saying none when no
 * run recorded it). */
void report_dbcost_md(FILE *f, const struct report *rep);

#endif
