/* Request fibers: PostgreSQL and Redis without holding the event loop in the
 * one-thread models (select, poll, epoll).
 *
 * At a request's final access-handler call (headers and body in), the access
 * hook (http/front.c) runs ulfius' dispatcher, and so the route's handler, on
 * a small stack of its own (a fiber, ucontext). The handler is the ordinary
 * synchronous one. When it has to wait for a dependency, the pools' waits
 * (db/pool.c, cache/redis_pool.c, slots.c) call io_wait_fd() / fiber_park():
 * in a fiber these suspend the MHD connection, hand the socket (or just the
 * deadline) to one watcher thread with an epoll loop, and switch back to the
 * event loop, which goes on serving other requests. When the socket is ready,
 * the deadline passes or a pool slot is handed over, the watcher (or the
 * slot's giver) resumes the connection, libmicrohttpd calls the access
 * handler again, and the hook switches back into the fiber, which goes on
 * where it stopped: the next read, the next statement of a transaction, the
 * next query of an N+1 loop. ulfius queues the answer when the handler
 * returns, as on the synchronous path. So every PostgreSQL and Redis route
 * overlaps its waits with other requests' work, with the same code, bytes
 * and deadlines as in the threaded models.
 *
 * Everything a fiber touches runs on the MHD thread; the watcher only watches
 * and resumes. Outside a fiber (pool, thread-per-conn, the guards' probes)
 * the waits are plain poll() / condition waits with the same deadlines. */
#ifndef BENCHLAB_SERVER_HTTP_FIBER_H
#define BENCHLAB_SERVER_HTTP_FIBER_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

/* Starts the watcher thread; 0 on success (-1: no fibers, handlers block). */
int fiber_init(void);
/* The access hook (access_hook_fn). 0: not a fiber route or fibers off. */
int fiber_access(struct MHD_Connection *conn, const char *url, const char *method,
                 const char *upload_data, size_t *upload_data_size, void **con_cls,
                 enum MHD_Result *ret);
/* From MHD_OPTION_NOTIFY_COMPLETED, before ulfius frees its request: a fiber
 * still running for conn is finished at once (its waits fail) and freed. */
void fiber_request_completed(struct MHD_Connection *conn);
/* 1 while the fiber of conn's abandoned request finishes: its answer is not
 * queued (http/mhd_errors.c). */
int fiber_abandoned(const struct MHD_Connection *conn);
/* After the drain: every wait ends (-1) and new ones fail at once. */
void fiber_shutdown(void);
/* After the daemon stopped: stops the watcher and frees the stacks. */
void fiber_free(void);

/* Waits until fd is readable (for_write 0) or writable, or deadline_ns
 * (clock_mono_ns) passes: 0 ready, 1 deadline, -1 error or abandoned. In a
 * fiber the event loop goes on meanwhile; elsewhere poll(). */
int io_wait_fd(int fd, int for_write, uint64_t deadline_ns);

/* The running fiber on this thread, or NULL. */
struct fiber *fiber_self(void);
/* In a fiber: waits until fiber_wake() or the deadline: 0 woken, 1 deadline,
 * -1 abandoned or shutting down. */
int fiber_park(uint64_t deadline_ns);
/* 1 in a fiber whose waits fail because its request was abandoned or the
 * server is stopping: not the dependency's fault (do not mark it down). */
int fiber_cancelled(void);
/* Ends f's park (any thread); nothing when f is not parked. */
void fiber_wake(struct fiber *f);

#endif
