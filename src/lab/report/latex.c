/* LaTeX escaping and number formatting. */
#include "lab/report/latex.h"

#include <math.h>
#include <string.h>

void latex_escape(FILE *out, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '#':
        case '$':
        case '%':
        case '&':
        case '_':
        case '{':
        case '}':
            fputc('\\', out);
            fputc(*s, out);
            break;
        case '~':
            fputs("\\textasciitilde{}", out);
            break;
        case '^':
            fputs("\\textasciicircum{}", out);
            break;
        case '\\':
            fputs("\\textbackslash{}", out);
            break;
        case '<': /* a plain < or > prints as an inverted ! or ? in OT1 encoding */
            fputs("\\textless{}", out);
            break;
        case '>':
            fputs("\\textgreater{}", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

const char *latex_sig3(double x, char *buf, size_t len) {
    if (!isfinite(x)) {
        snprintf(buf, len, "--");
        return buf;
    }
    if (fabs(x) < 1e-9)
        x = 0; /* rounding noise (a CV of identical runs), not a value */
    double a = fabs(x);
    int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a == 0 ? 0 : 2 - (int)floor(log10(a));
    if (decimals > 9)
        decimals = 9;
    snprintf(buf, len, "%.*f", decimals, x);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        snprintf(buf, len, "%.*f", decimals, 0.0); /* no "-0.00" */
    return buf;
}

void latex_num(FILE *out, double x) {
    char buf[64];
    if (!isfinite(x))
        fputs("--", out);
    else
        fprintf(out, "\\num{%s}", latex_sig3(x, buf, sizeof buf));
}
