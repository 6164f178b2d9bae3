/* Answers that wait (the simulated upstream of /external, /io/sleep) without
 * holding a CPU or an MHD worker thread: the handler suspends its connection
 * (MHD_suspend_connection), a timer thread resumes it when the delay is over,
 * and the body is produced then by a response callback, so the latency it
 * reports is measured. ulfius hides the MHD connection from handlers, so the
 * connection is found by its client address, registered when MHD accepts it
 * (MHD_OPTION_NOTIFY_CONNECTION). With thread-per-connection the handler just
 * sleeps: it holds only its own connection's thread. */
#ifndef BENCHLAB_SERVER_HTTP_DEFERRED_H
#define BENCHLAB_SERVER_HTTP_DEFERRED_H

#include <microhttpd.h>
#include <stddef.h>
#include <ulfius.h>

/* Writes the body into buf (at most len bytes including the NUL) given the
 * measured wait; returns its length. The length must not depend on the wait's
 * value beyond what a fixed-width format allows (the Content-Length is fixed
 * before the wait ends). */
typedef size_t (*deferred_body_fn)(double waited_ms, char *buf, size_t len);

/* use_suspend = 0 for thread-per-connection. Starts the timer thread. */
int deferred_init(int use_suspend);
/* Resumes whatever is still waiting and stops the timer thread. */
void deferred_shutdown(void);

/* MHD_OPTION_NOTIFY_CONNECTION callback. */
void deferred_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                                enum MHD_ConnectionNotificationCode toe);

/* Answers req after delay_ms with the body fn builds. */
int deferred_reply(const struct _u_request *req, struct _u_response *resp, int delay_ms,
                   deferred_body_fn fn);

#endif
