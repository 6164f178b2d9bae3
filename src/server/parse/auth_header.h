/* The Authorization header: pure, fuzzed. */
#ifndef BENCHLAB_SERVER_PARSE_AUTH_HEADER_H
#define BENCHLAB_SERVER_PARSE_AUTH_HEADER_H

#include <stddef.h>

/* Finds the token of "Bearer TOKEN" (scheme case-insensitive, spaces around
 * the token allowed). Returns 0 and sets *tok and *len (pointing into header), or
 * -1 when the header is absent, another scheme, empty, or the token holds a
 * space or control character. */
int parse_bearer(const char *header, const char **tok, size_t *len);

#endif
