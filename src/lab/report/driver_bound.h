/* Lists the valid runs flagged "driver_bound" (their rate is a lower bound of
 * the server's) in the Markdown summary, with the calibrated ceiling. */
#ifndef BENCHLAB_LAB_REPORT_DRIVER_BOUND_H
#define BENCHLAB_LAB_REPORT_DRIVER_BOUND_H

#include <stdio.h>

#include "lab/results/results.h"

void report_driver_bound_md(FILE *f, const results_t *res);

/* Valid runs of the cell flagged "driver_bound". */
size_t report_cell_driver_bound(const results_cell_t *c);
/* The LaTeX tables' marker after a cell's throughput: "\textsuperscript{\dag}"
 * when a valid run of the cell is driver-bound, else nothing. */
void report_driver_bound_mark(FILE *f, const results_cell_t *c);
/* driver-bound/runs (valid runs flagged) and driver-bound/note: the captions'
 * sentence explaining the marker when a run is flagged, else empty. */
void report_driver_bound_macros(FILE *f, const results_t *res);

#endif
