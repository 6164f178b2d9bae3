/* The "equals_var" check: the value at a JSON path equals a VU variable
 * (what an earlier request of the iteration extracted, or a "let" value), so
 * a step can check that it saw the previous step's effect. */
#ifndef BENCHLAB_LOAD_CHECK_VAR_H
#define BENCHLAB_LOAD_CHECK_VAR_H

#include <jansson.h>

#include "load/scenario.h"

/* 1 when doc has a value at c->path whose text (a string as-is, anything else
 * as compact JSON, as "extract" renders it) equals want; 0 otherwise (also
 * when doc is NULL, i.e. the body is not JSON, or the variable is unset). */
int check_eval_var(const check_t *c, json_t *doc, const char *want);

#endif
