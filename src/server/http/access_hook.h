/* A hook in front of ulfius' request dispatcher, at the libmicrohttpd level.
 *
 * ulfius 2.7 hands its own (static) dispatcher to MHD_start_daemon and queues
 * a response as soon as a handler returns: a handler can neither reach its
 * MHD connection nor leave the status for later. To answer a request after
 * waiting without a thread (suspend, resume, then MHD_queue_response with the
 * status known only then), the server needs MHD's access-handler calls
 * themselves. This file defines MHD_start_daemon: in an ELF executable that
 * definition takes precedence over libmicrohttpd's, also for the call made by
 * libulfius, so it sees ulfius' dispatcher, keeps it, and starts the daemon
 * (through MHD_start_daemon_va) with a front handler that offers every call to
 * the hook first. Daemons it was not armed for start unchanged. */
#ifndef BENCHLAB_SERVER_HTTP_ACCESS_HOOK_H
#define BENCHLAB_SERVER_HTTP_ACCESS_HOOK_H

#include <microhttpd.h>
#include <stddef.h>

/* Returns 1 when it handled the call (MHD's return value in *ret), 0 to let
 * ulfius have it. Called on MHD's threads. con_cls is the request's
 * closure: what the URI log callback returned (ulfius' request state unless
 * the server's own callback claimed the request, see http/fast_routes.h). */
typedef int (*access_hook_fn)(struct MHD_Connection *conn, const char *url, const char *method,
                              const char *upload_data, size_t *upload_data_size, void **con_cls,
                              enum MHD_Result *ret);

/* Arms the hook for the next daemon started with access-handler closure
 * dh_cls (ulfius passes its struct _u_instance). */
void access_hook_arm(void *dh_cls, access_hook_fn fn);
/* Whether that daemon was started with the hook in front (0 when the
 * interposition did not happen, e.g. a static libmicrohttpd). */
int access_hook_installed(void);
/* From the hook: the request's HTTP version as libmicrohttpd passed it to
 * the access handler (a pointer into its read buffer, see
 * http/request_check.h); NULL before the first call on this thread. */
const char *access_hook_version(void);
/* From the hook: ulfius' dispatcher for this call (http/fiber.h runs it on
 * a fiber's stack). */
enum MHD_Result access_hook_inner(struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls);
/* After the daemon stopped. */
void access_hook_disarm(void);

#endif
