/* Words of the paper's text chosen from the numbers: prose/<id> macros.
 *
 * paper/comparisons.json "prose": [{"id": "cache-hit", "comparison": "cache-hit",
 *   "above": "faster than", "below": "slower than", "neither": "indistinguishable from"}]
 * writes \blset{prose/cache-hit}{...}: "above" when the comparison's whole interval
 * lies above 1, "below" when it lies below 1, "neither" when it contains 1 or
 * there is no interval (too few runs); nothing when the ratio is not measured. The text never
 * states a direction the data can contradict. */
#ifndef BENCHLAB_LAB_REPORT_PROSE_H
#define BENCHLAB_LAB_REPORT_PROSE_H

#include <stdio.h>

#include "lab/report/report.h"

/* above, below or neither by where [lo, hi] lies against 1 (NaN: neither). */
const char *report_prose_choice(double lo, double hi, const char *above, const char *below,
                                const char *neither);
/* The prose/<id> macros of the config's "prose" list; an entry naming an
 * unknown comparison or lacking a word writes nothing (the text then prints
 * the missing-key mark). */
void report_prose_keys(FILE *f, const report_t *rep);

#endif
