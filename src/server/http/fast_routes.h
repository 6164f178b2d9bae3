/* GET /health and POST /echo answered at the libmicrohttpd level.
 *
 * Profiled on /health (epoll, wrk -c10), a third of the server's user time
 * was ulfius' per-request work: a request struct with five maps filled by
 * copying every header, cookie and query argument, an endpoint list copied
 * per request, a response struct with its maps, the body copied once more
 * into the MHD response. For the two hot fixed routes that work produces
 * nothing the answer needs, so the server's URI log callback claims a
 * request whose raw URI is exactly "/health" or "/echo" (no query, no
 * trailing slash, no escapes) and the access hook (http/front.h) answers it
 * when the method is GET /health or POST /echo, with the same handler code
 * (handlers/basic.c), the same status, headers (Content-Type:
 * application/json, then libmicrohttpd's own) and body as through ulfius, the
 * same 413 above --max-body, and the same log line. Any other method on those
 * paths is handed to ulfius as if it had seen the URI (405 and its Allow
 * header come from the router, unchanged). Only active when the access hook
 * is installed. */
#ifndef BENCHLAB_SERVER_HTTP_FAST_ROUTES_H
#define BENCHLAB_SERVER_HTTP_FAST_ROUTES_H

#include <microhttpd.h>
#include <stddef.h>

struct app;

/* Before the daemon starts: builds /health's response. 0 on success. */
int fast_routes_init(struct app *app);
/* After the daemon started: enable (1) only if the access hook is installed. */
void fast_routes_enable(int on);
/* After the daemon stopped. */
void fast_routes_free(void);

/* From the URI log callback: a closure that claims the request, or NULL
 * (then ulfius' URI logger runs as before). */
void *fast_routes_claim(const char *uri);
/* From the access hook: 1 when the call was handled (*ret set); 0 when the
 * request is not (or no longer) claimed: *con_cls is then ulfius'. */
int fast_routes_access(struct MHD_Connection *conn, const char *method, const char *upload_data,
                       size_t *upload_data_size, void **con_cls, enum MHD_Result *ret);
/* From MHD_OPTION_NOTIFY_COMPLETED: 1 when *con_cls was a claimed request
 * (its state is freed and *con_cls cleared), 0 when it is ulfius'. */
int fast_routes_completed(void **con_cls);

#endif
