/* The database's own cost of one run, from pg_stat_statements (when the
 * stack's PostgreSQL has it, stack.h pg_stat_statements): reset right before
 * the driver starts, read when it ends. The run file's "db":
 *   {"calls", "exec_ms", "rows", "statements": [{"query", "calls", "exec_ms",
 *    "rows"}, ...]}  (every statement the server ran, by total time)
 * so N+1 shows as statements per request and database time, not only as
 * latency. */
#ifndef BENCHLAB_LAB_STUDY_DBSTATS_H
#define BENCHLAB_LAB_STUDY_DBSTATS_H

#include <jansson.h>

/* pg_stat_statements_reset(); 0 or -1. */
int dbstats_reset(const char *dsn);
/* The statements since the reset (benchlab's own statistics queries left
 * out), or NULL when they cannot be read. */
json_t *dbstats_collect(const char *dsn);

#endif
