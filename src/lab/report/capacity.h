/* The summary's "Capacity at the latency objective" section: every
 * RESULTS/capacity/NAME.json that `benchlab capacity --out` wrote (docs/stress.md);
 * nothing when there is none. */
#ifndef BENCHLAB_LAB_REPORT_CAPACITY_H
#define BENCHLAB_LAB_REPORT_CAPACITY_H

#include <stdio.h>

void report_capacity_md(FILE *f, const char *results_dir);

#endif
