/* Deadlines and a connection cap that a slow client cannot stretch.
 *
 * libmicrohttpd's connection timeout is an idle timer: a client that sends
 * one byte a second resets it forever (slowloris), and once its connection
 * limit is reached it stops accepting, so idle connections can starve
 * everyone else. This registry keeps every connection (through
 * MHD_OPTION_NOTIFY_CONNECTION) in one of four FIFO lists by what the
 * server waits for:
 *   - NEW:  a new connection, until its first request's header fields are
 *           complete: --header-timeout from the accept, in total;
 *   - NEXT: a kept-alive connection after a request, until the next
 *           request's header fields are complete: --conn-timeout (the idle
 *           time a kept-alive connection may wait) + --header-timeout from
 *           the end of the previous request, in total;
 *   - BODY: a request with a body, until the body is complete:
 *           --body-timeout from the end of its header fields, in total;
 *   - BUSY: a request being answered (no deadline here; --conn-timeout, the
 *           idle timer, still applies to clients that stop reading).
 * Each list only ever receives entries with the same offset from "now", so
 * it is ordered by deadline; a timer thread (every 100 ms) looks at the
 * heads and shuts down (shutdown(2), SHUT_RDWR) connections past their
 * deadline. libmicrohttpd then sees end of file and closes them in its own
 * thread, in every threading model; the registry's lock is held around
 * shutdown and libmicrohttpd reports a connection closed (which takes the
 * lock) before it closes the descriptor, so a descriptor reused by a new
 * connection is never shut down by mistake.
 *
 * Eviction: when a new connection makes the count reach the high-water mark
 * (the connection cap minus 1/16 of it), the oldest connection that is
 * waiting for headers (NEXT first, then NEW, then BODY) is shut down, so the
 * cap is never reached while idle or slow connections hold it and a new
 * client is always accepted. */
#ifndef BENCHLAB_SERVER_HTTP_CONN_GUARD_H
#define BENCHLAB_SERVER_HTTP_CONN_GUARD_H

#include <microhttpd.h>

struct conn_guard_limits {
    unsigned max_conns;      /* libmicrohttpd's connection limit (per process) */
    unsigned header_timeout; /* seconds, 0 = none */
    unsigned body_timeout;   /* seconds, 0 = none */
    unsigned conn_timeout;   /* seconds, libmicrohttpd's idle timer */
};

/* Starts the timer thread; 0 on success. */
int conn_guard_init(const struct conn_guard_limits *l);
/* Stops it (after the daemon stopped). */
void conn_guard_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION. */
void conn_guard_notify(struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);

/* From the access hook, at every call without body bytes: 1 when this is
 * the request's first call (its header fields are complete; the connection
 * leaves NEW/NEXT for BUSY), 0 for a later call, -1 for a connection the
 * guard does not know (out of memory at its start). */
int conn_guard_begin(struct MHD_Connection *conn);
/* After the first call of a request that declares a body: BUSY -> BODY. */
void conn_guard_expect_body(struct MHD_Connection *conn);
/* From the access hook: the request's body is complete (BODY -> BUSY). */
void conn_guard_body_done(struct MHD_Connection *conn);
/* MHD_OPTION_NOTIFY_COMPLETED: the connection waits for its next request. */
void conn_guard_request_completed(struct MHD_Connection *conn);

/* Counters since start: connections shut down for a passed header deadline,
 * a passed body deadline, and to make room (eviction). */
struct conn_guard_stats {
    unsigned long header_deadline, body_deadline, evicted;
    unsigned open;
};
void conn_guard_stats(struct conn_guard_stats *out);

#endif
