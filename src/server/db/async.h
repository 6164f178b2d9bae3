/* Asynchronous PostgreSQL queries for the one-thread models (select, poll,
 * epoll): a request's connection is suspended, its query runs here, and the
 * MHD thread serves other requests meanwhile, so queries of concurrent
 * requests overlap instead of holding the event loop one after another.
 *
 * One thread runs an epoll loop over its own non-blocking libpq connections
 * (the pool's settings and guard, db/pool.h): a job takes an idle connection,
 * prepares its statement there on first use (PQsendPrepare), sends it
 * (PQsendQueryPrepared), reads results as the socket gets readable
 * (PQconsumeInput / PQisBusy / PQgetResult), and ends with its callback. A job
 * that misses the deadline (--db-timeout, counted from when it is sent; the
 * connect has its own) ends with r = NULL: its connection is dropped and
 * PostgreSQL is marked down, so queued jobs end at once until the pool's
 * probe reaches it again. A queued job waits for a connection at most five
 * deadlines. */
#ifndef BENCHLAB_SERVER_DB_ASYNC_H
#define BENCHLAB_SERVER_DB_ASYNC_H

#include "server/db/pool.h"

struct db_async;

/* Called once per job on the async thread. r is the statement's result
 * (owned by the callee: PQclear it) or NULL when PostgreSQL was unavailable,
 * missed the deadline, or the engine is stopping (answer 503). */
typedef void (*db_async_done)(void *arg, PGresult *r);

/* nconns connections (opened on first use), settings and guard from pool.
 * NULL when out of memory, or not on Linux (epoll, eventfd). */
struct db_async *db_async_new(struct db_pool *pool, int nconns);
/* Queues a job; params are copied. 0, or -1 when stopping / out of memory
 * (the callback is then not called). */
int db_async_submit(struct db_async *a, enum stmt_id id, int nparams, const char *const *params,
                    db_async_done done, void *arg);
/* Ends every job still queued or running (callback with NULL) and stops the
 * thread. */
void db_async_stop(struct db_async *a);
void db_async_free(struct db_async *a);

#endif
