/* The summary's "Stress" section (docs/stress.md): spike recovery and soak
 * drift of every valid run of a stress/ scenario; nothing when there is none. */
#ifndef BENCHLAB_LAB_REPORT_STRESS_H
#define BENCHLAB_LAB_REPORT_STRESS_H

#include <stdio.h>

#include "lab/results/results.h"

void report_stress_md(FILE *f, const results_t *res);

#endif
