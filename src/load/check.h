/* Evaluating JSON checks on a response body: exactly (jansson document) or
 * fast (scanning the raw bytes without building a document, for the common
 * case; it answers "unsure" whenever it could disagree with jansson). */
#ifndef BENCHLAB_LOAD_CHECK_H
#define BENCHLAB_LOAD_CHECK_H

#include <jansson.h>
#include <stddef.h>

#include "load/scenario.h"

/* A json check (equals/exists/length/min_length) against a parsed document
 * (NULL = the body is not JSON). Returns 1 pass, 0 fail. */
int check_eval_doc(const check_t *c, json_t *doc);

/* The same on the raw body: 1 pass, 0 fail, -1 unsure (use check_eval_doc).
 * Sure only for ASCII documents without \u escapes, numbers of at most 15
 * characters without exponent and nesting up to 64 levels; equals on
 * objects/arrays and the length of an object are unsure. */
int check_eval_fast(const check_t *c, const char *body, size_t len);

#endif
