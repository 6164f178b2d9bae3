/* Parsing the values people type in flags, plans and scenario files, once for
 * the three programs: durations and bounded decimal integers. Each returns 0
 * on success and -1 on anything else, leaving *out untouched; the caller
 * names the flag or field in its own message. */
#ifndef BENCHLAB_COMMON_PARSE_H
#define BENCHLAB_COMMON_PARSE_H

/* A duration: a non-negative finite number followed by nothing or "s"
 * (seconds), "ms", "m" or "h"; *out in seconds. */
int parse_duration(const char *s, double *out);

/* A decimal integer in [min, max]: an optional '-' only when min < 0, then
 * digits; no blank, '+', suffix or overflow. */
int parse_long_in(const char *s, long min, long max, long *out);

#endif
