/* Lists the valid runs flagged "driver_bound" (their rate is a lower bound of
 * the server's) in the Markdown summary, with the calibrated ceiling. */
#ifndef BENCHLAB_LAB_REPORT_DRIVER_BOUND_H
#define BENCHLAB_LAB_REPORT_DRIVER_BOUND_H

#include <stdio.h>

#include "lab/results/results.h"

void report_driver_bound_md(FILE *f, const results_t *res);

#endif
