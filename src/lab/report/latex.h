/* Helpers for writing LaTeX: escaping text and formatting numbers for siunitx. */
#ifndef BENCHLAB_LAB_LATEX_H
#define BENCHLAB_LAB_LATEX_H

#include <stddef.h>
#include <stdio.h>

/* Writes s with LaTeX special characters escaped (# $ % & _ { } ~ ^ \ < >). */
void latex_escape(FILE *out, const char *s);
/* Formats x with three significant digits and no exponent ("12345", "123",
 * "12.3", "1.23", "0.0123"); "--" for NaN/inf. Returns buf. */
const char *latex_sig3(double x, char *buf, size_t len);
/* Writes \num{x} (three significant digits) or "--" for NaN. */
void latex_num(FILE *out, double x);

#endif
