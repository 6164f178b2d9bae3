/* GET /external/http without holding an MHD thread (every threading model but
 * thread-per-connection): at the request's final access-handler call the
 * connection is suspended and the upstream call handed to the upstream client
 * (http/upstream_client.h); when it ends, the client's thread resumes the
 * connection, MHD calls the handler again, and only then is the response
 * built and queued, so its status (200, 502, 504) follows the outcome. The
 * calls reach this file through the access hook (http/access_hook.h), ahead
 * of ulfius; the ulfius route of /external/http stays as the blocking path. */
#ifndef BENCHLAB_SERVER_HTTP_UPSTREAM_ASYNC_H
#define BENCHLAB_SERVER_HTTP_UPSTREAM_ASYNC_H

#include <microhttpd.h>
#include <stddef.h>

/* Starts the upstream client for url. 0 on success. */
int upstream_async_init(const char *url);
/* The access hook (access_hook_fn). */
int upstream_async_access(struct MHD_Connection *conn, const char *url, const char *method,
                          const char *upload_data, size_t *upload_data_size, void **con_cls,
                          enum MHD_Result *ret);
/* From MHD_OPTION_NOTIFY_COMPLETED: forgets a request that ended before its
 * answer was queued (client gone, daemon stopping). Cheap when none waits. */
void upstream_async_request_completed(struct MHD_Connection *conn);
/* Before the daemon stops (after the drain): ends upstream calls still
 * running, which resumes their connections with a 503, and stops the thread. */
void upstream_async_stop(void);
/* After the daemon stopped: frees what is left. */
void upstream_async_free(void);

#endif
