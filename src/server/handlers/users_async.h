/* GET /users without holding the event loop (the one-thread models: select,
 * poll, epoll): at the request's final access-handler call the connection is
 * suspended and the query handed to db/async.h; when it ends, the async
 * thread writes the JSON and resumes the connection, MHD calls the handler
 * again, and the answer (200 rows, 503 unavailable, 500 database error) is
 * queued then, the same bytes the ulfius route gives. Reached through the
 * access hook (http/front.c), like /external/http; the ulfius route stays as
 * the path of the other models. */
#ifndef BENCHLAB_SERVER_HANDLERS_USERS_ASYNC_H
#define BENCHLAB_SERVER_HANDLERS_USERS_ASYNC_H

#include <microhttpd.h>
#include <stddef.h>

struct db_pool;

/* Starts the async engine with nconns connections. 0 on success. */
int users_async_init(struct db_pool *pool, int nconns);
/* The access hook (access_hook_fn); 0 when not this route or not started. */
int users_async_access(struct MHD_Connection *conn, const char *url, const char *method,
                       const char *upload_data, size_t *upload_data_size, void **con_cls,
                       enum MHD_Result *ret);
/* From MHD_OPTION_NOTIFY_COMPLETED: forgets a request that ended early. */
void users_async_request_completed(struct MHD_Connection *conn);
/* After the drain: ends queries still running (503) and stops the thread. */
void users_async_stop(void);
/* After the daemon stopped. */
void users_async_free(void);

#endif
