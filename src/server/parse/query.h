/* Integer query and path parameters: pure, no server needed (fuzzed). */
#ifndef BENCHLAB_SERVER_PARSE_QUERY_H
#define BENCHLAB_SERVER_PARSE_QUERY_H

#include <stddef.h>

enum param_status { PARAM_OK = 0, PARAM_MISSING, PARAM_NOT_INTEGER, PARAM_OUT_OF_RANGE };

/* Parses a base-10 integer (optional sign, no spaces, no trailing bytes) in
 * [min, max]. NULL or "" gives PARAM_MISSING and leaves *out untouched. */
enum param_status parse_int_param(const char *s, long long min, long long max, long long *out);

/* Like parse_int_param, but a missing value yields dflt. On failure writes
 * "<name> must be an integer between MIN and MAX" into msg. */
int parse_int_or_default(const char *s, const char *name, long long min, long long max,
                         long long dflt, long long *out, char *msg, size_t msglen);

#endif
