/* The server's access hook (http/access_hook.h): what runs ahead of ulfius
 * for every access-handler call, in order:
 *   1. the header limit: a request whose request line and header fields
 *      (as received, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE) exceed
 *      --max-header gets a JSON 431 (414 when the request line alone is over
 *      it) with Connection: close. libmicrohttpd's per-connection memory is
 *      sized so that such headers still fit (server.c); larger ones are
 *      refused by libmicrohttpd itself, also as JSON (http/mhd_errors.h);
 *   2. GET /health and POST /echo (http/fast_routes.h);
 *   3. GET /external/http without a thread (http/upstream_async.h), where
 *      connections can be suspended.
 * Before 2 and 3, at a request's first call (header fields complete, no body
 * byte read): RFC 9112's framing rules (http/request_check.h: 400/501 and
 * Connection: close), then a declared Content-Length over --max-body gets
 * its 413 at once, with Connection: close, so the body is never read; and
 * the connection's deadlines move on (http/conn_guard.h).
 * Everything else goes to ulfius. */
#ifndef BENCHLAB_SERVER_HTTP_FRONT_H
#define BENCHLAB_SERVER_HTTP_FRONT_H

#include <microhttpd.h>
#include <stddef.h>

/* Before the daemon starts. */
void front_init(size_t max_header, size_t max_body, int async_external);

/* The access hook (access_hook_fn). */
int front_access(struct MHD_Connection *conn, const char *url, const char *method,
                 const char *upload_data, size_t *upload_data_size, void **con_cls,
                 enum MHD_Result *ret);

/* The status for a request of header_size bytes whose request line is
 * line_size bytes long: 0 within max_header, else 431, or 414 when the
 * request line alone is over it. Pure. */
unsigned front_header_status(size_t header_size, size_t line_size, size_t max_header);

#endif
