/* Seeds after seed.sql: flow.sql (scenario 20) and search.sql (scenario 19). */
#ifndef BENCHLAB_LAB_STACK_SEED_EXTRA_H
#define BENCHLAB_LAB_STACK_SEED_EXTRA_H

#include <libpq-fe.h>
#include <stddef.h>

#include "lab/stack/stack.h"

#define STACK_SEARCH_POSTS_DEFAULT 50000

/* The search corpus size: BENCHLAB_SEARCH_POSTS (1..10,000,000), else the
 * default; -1 with a message in err when the variable is malformed. */
int stack_search_posts(char *err, size_t errlen);

/* Runs flow.sql, then search.sql with benchlab.search_posts set; prints the
 * corpus's seeding time on stderr when it was seeded now. 0 or -1 (st->err). */
int stack_seed_extra(lab_stack_t *st, PGconn *c, const char *dir);

#endif
