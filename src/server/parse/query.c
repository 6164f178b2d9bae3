#include "server/parse/query.h"

#include <stdio.h>

enum param_status parse_int_param(const char *s, long long min, long long max, long long *out) {
    if (s == NULL || *s == '\0')
        return PARAM_MISSING;
    const char *p = s;
    int neg = 0;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (*p == '\0')
        return PARAM_NOT_INTEGER;
    /* Accumulate as a negative number so LLONG_MIN fits; stop at 19 digits worth. */
    unsigned long long v = 0;
    int overflow = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return PARAM_NOT_INTEGER;
        if (v > (~0ULL - 9) / 10)
            overflow = 1;
        else
            v = v * 10 + (unsigned long long)(*p - '0');
    }
    if (overflow || v > 9223372036854775807ULL)
        return PARAM_OUT_OF_RANGE;
    long long x = neg ? -(long long)v : (long long)v;
    if (x < min || x > max)
        return PARAM_OUT_OF_RANGE;
    *out = x;
    return PARAM_OK;
}

int parse_int_or_default(const char *s, const char *name, long long min, long long max,
                         long long dflt, long long *out, char *msg, size_t msglen) {
    enum param_status st = parse_int_param(s, min, max, out);
    if (st == PARAM_MISSING) {
        *out = dflt;
        return 0;
    }
    if (st == PARAM_OK)
        return 0;
    snprintf(msg, msglen, "%s must be an integer between %lld and %lld", name, min, max);
    return -1;
}
