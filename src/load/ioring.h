/* The engine's io_uring backend (`--io uring`, Linux): sends and receives of
 * every connection of a worker go through one ring, submitted in one batch per
 * loop turn; receives are multishot into a ring of provided buffers, so a
 * connection is armed once and each response costs no syscall of its own.
 * libev keeps the rest (connects, timers, the open model's timerfd): its epoll
 * descriptor is polled through the ring and run without blocking.
 *
 * Without liburing at build time (macOS, BSDs) ioring_new fails and the
 * engine uses epoll/kqueue through libev (`--io epoll`). */
#ifndef BENCHLAB_LOAD_IORING_H
#define BENCHLAB_LOAD_IORING_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;

/* One connection's state in the ring; embedded in the engine's VU. */
typedef struct ioconn {
    void *owner;
    uint16_t gen;       /* bumped on close: completions of older generations are dropped */
    uint8_t recv_armed; /* a multishot receive is pending */
    uint8_t send_armed; /* a send is pending */
} ioconn_t;

typedef struct ioring_ops {
    /* res: bytes sent, or -errno. */
    void (*on_send)(void *owner, int res);
    /* res > 0: data[0..res) received; 0: the peer closed; < 0: -errno. */
    void (*on_recv)(void *owner, const char *data, int res);
    /* a connecting socket is writable (res: poll events, or -errno) */
    void (*on_writable)(void *owner, int res);
} ioring_ops_t;

typedef struct ioring ioring_t;

/* Whether this build and kernel can run the backend (probes a small ring). */
int ioring_available(void);
/* A ring sized for nconns connections; NULL with errno on failure. Create it
 * on the thread that uses it. */
ioring_t *ioring_new(unsigned nconns, const ioring_ops_t *ops);
void ioring_free(ioring_t *r);
/* Queues a send of buf[0..len) (valid until on_send). Returns 0 or -errno. */
int ioring_send(ioring_t *r, ioconn_t *c, int fd, const void *buf, size_t len);
/* Arms the multishot receive of a connected fd. Returns 0 or -errno. */
int ioring_recv(ioring_t *r, ioconn_t *c, int fd);
/* Waits (once) until fd is writable: a non-blocking connect has ended. */
int ioring_poll_out(ioring_t *r, ioconn_t *c, int fd);
/* Before close(fd): cancels what is pending on fd and forgets its completions. */
void ioring_forget(ioring_t *r, ioconn_t *c, int fd);
/* Runs until *done: waits on the ring, dispatches completions, and runs
 * libev's ready watchers and due timers without blocking every tick_ns (0: 1
 * ms) and when the monotonic time reaches *wake_ns (when wake_ns is not NULL:
 * the open model's next start, armed on a timerfd libev watches; the tick is
 * then 1 ms). Each tick is a wake-up and an epoll_wait: a longer one costs
 * less CPU per request, and makes libev's timers up to a tick late. Returns 0
 * or -errno when the ring fails. */
int ioring_run(ioring_t *r, struct ev_loop *loop, const int *done, const double *wake_ns,
               uint64_t tick_ns);

#endif
