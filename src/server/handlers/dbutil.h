/* Helpers shared by handlers that run one query and answer with its rows. */
#ifndef BENCHLAB_SERVER_HANDLERS_DBUTIL_H
#define BENCHLAB_SERVER_HANDLERS_DBUTIL_H

#include "server/db/pool.h"
#include "server/handlers/handlers.h"

/* Acquires a connection or answers 503 and returns from the handler. */
#define ACQUIRE_DB(c)                                                                              \
    struct db_conn *c = db_acquire(app->db);                                                       \
    if (c == NULL)                                                                                 \
    return reply_unavailable(resp, "database")

/* Answers 200 with rows [first, last) of r as a JSON array (direct writer). */
int reply_result_rows(struct _u_response *resp, const PGresult *r, int first, int last);

/* Runs one statement and answers with every row as an array of objects. */
int reply_rows(struct _u_response *resp, struct app *app, enum stmt_id id, int n,
               const char *const *params);

/* Reads users row id -> (name, email) copied into the buffers.
 * Returns 1 found, 0 absent, -1 when it already answered (503/500). */
int lookup_user(struct _u_response *resp, struct app *app, long long id, char *name, size_t namelen,
                char *email, size_t emaillen);
/* The reset routes (POST /transactions/reset, DELETE /bulk-operations/cleanup):
 * one SQL statement without parameters, then 200 {"message": message}. */
int reply_reset(struct _u_response *resp, struct app *app, const char *sql, const char *message);
#endif
