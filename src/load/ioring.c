#include "load/ioring.h"

#include <errno.h>

#ifndef BENCHLAB_HAVE_URING

int ioring_available(void) {
    return 0;
}
ioring_t *ioring_new(unsigned nconns, const ioring_ops_t *ops) {
    (void)nconns;
    (void)ops;
    errno = ENOSYS;
    return NULL;
}
void ioring_free(ioring_t *r) {
    (void)r;
}
int ioring_send(ioring_t *r, ioconn_t *c, int fd, const void *buf, size_t len) {
    (void)r, (void)c, (void)fd, (void)buf, (void)len;
    return -ENOSYS;
}
int ioring_recv(ioring_t *r, ioconn_t *c, int fd) {
    (void)r, (void)c, (void)fd;
    return -ENOSYS;
}
void ioring_forget(ioring_t *r, ioconn_t *c, int fd) {
    (void)r, (void)c, (void)fd;
}
int ioring_poll_out(ioring_t *r, ioconn_t *c, int fd) {
    (void)r, (void)c, (void)fd;
    return -ENOSYS;
}
int ioring_run(ioring_t *r, struct ev_loop *loop, const int *done, const double *wake_ns,
               uint64_t tick_ns) {
    (void)r, (void)loop, (void)done, (void)wake_ns, (void)tick_ns;
    return -ENOSYS;
}

#else

#include <ev.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include "common/clock.h"

#define BGID 1
#define BUF_SIZE 16384u

/* user_data: the ioconn pointer (8-byte aligned, below 2^48), the operation in
 * its low 3 bits and the connection's generation in the top 16. */
enum { OP_SEND = 1, OP_RECV = 2, OP_CANCEL = 3, OP_POLLOUT = 4, OP_TICK = 5 };

#ifndef IORING_TIMEOUT_MULTISHOT
#define IORING_TIMEOUT_MULTISHOT (1U << 6) /* Linux 6.4; liburing 2.3 predates it */
#endif

struct ioring {
    struct io_uring ring;
    const ioring_ops_t *ops;
    struct io_uring_buf_ring *br;
    size_t br_bytes;
    char *bufs;
    unsigned nbufs;
    int tick;     /* 1: a multishot 1 ms timeout is armed; -1: the kernel has none */
    int tick_due; /* it fired since libev last ran */
    struct __kernel_timespec tick_ts; /* its period */
};

static uint64_t pack(const ioconn_t *c, int op) {
    return ((uint64_t)c->gen << 48) | (uint64_t)(uintptr_t)c | (uint64_t)op;
}

int ioring_available(void) {
    struct io_uring ring;
    if (io_uring_queue_init(4, &ring, 0) < 0)
        return 0;
    struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
    int ok = p && io_uring_opcode_supported(p, IORING_OP_SEND) &&
             io_uring_opcode_supported(p, IORING_OP_RECV) &&
             io_uring_opcode_supported(p, IORING_OP_ASYNC_CANCEL) &&
             io_uring_opcode_supported(p, IORING_OP_POLL_ADD);
    if (p)
        io_uring_free_probe(p);
    /* provided-buffer rings (5.19) come with multishot receive (6.0) in practice;
     * registering one is the test */
    if (ok) {
        size_t bytes = sizeof(struct io_uring_buf) * 8;
        void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
        struct io_uring_buf_reg reg = {.ring_addr = (uintptr_t)mem, .ring_entries = 8, .bgid = 0};
        ok = mem != MAP_FAILED && io_uring_register_buf_ring(&ring, &reg, 0) == 0;
        if (mem != MAP_FAILED)
            munmap(mem, bytes);
    }
    io_uring_queue_exit(&ring);
    return ok;
}

ioring_t *ioring_new(unsigned nconns, const ioring_ops_t *ops) {
    ioring_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ops = ops;
    unsigned entries = 64;
    while (entries < 2 * nconns + 16 && entries < 4096)
        entries <<= 1;
    struct io_uring_params p = {0};
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    int rc = io_uring_queue_init_params(entries, &r->ring, &p);
    if (rc < 0) { /* kernels before 6.1 */
        memset(&p, 0, sizeof p);
        p.flags = IORING_SETUP_COOP_TASKRUN;
        rc = io_uring_queue_init_params(entries, &r->ring, &p);
    }
    if (rc < 0) {
        free(r);
        errno = -rc;
        return NULL;
    }
    /* Buffers: one per connection and then some (a buffer goes back to the
     * ring as soon as its completion is handled), a power of two. */
    unsigned n = 64;
    while (n < 2 * nconns && n < 4096)
        n <<= 1;
    r->nbufs = n;
    r->br_bytes = sizeof(struct io_uring_buf) * n;
    r->br = mmap(NULL, r->br_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    r->bufs = malloc((size_t)n * BUF_SIZE);
    if (r->br == MAP_FAILED || !r->bufs) {
        if (r->br == MAP_FAILED)
            r->br = NULL;
        ioring_free(r);
        errno = ENOMEM;
        return NULL;
    }
    struct io_uring_buf_reg reg = {.ring_addr = (uintptr_t)r->br, .ring_entries = n, .bgid = BGID};
    rc = io_uring_register_buf_ring(&r->ring, &reg, 0);
    if (rc < 0) {
        ioring_free(r);
        errno = -rc;
        return NULL;
    }
    io_uring_buf_ring_init(r->br);
    for (unsigned i = 0; i < n; i++)
        io_uring_buf_ring_add(r->br, r->bufs + (size_t)i * BUF_SIZE, BUF_SIZE, (unsigned short)i,
                              io_uring_buf_ring_mask(n), (int)i);
    io_uring_buf_ring_advance(r->br, (int)n);
    io_uring_register_ring_fd(&r->ring); /* io_uring_enter without an fd lookup; optional */
    return r;
}

void ioring_free(ioring_t *r) {
    if (!r)
        return;
    if (r->ring.ring_fd > 0)
        io_uring_queue_exit(&r->ring);
    if (r->br)
        munmap(r->br, r->br_bytes);
    free(r->bufs);
    free(r);
}

static struct io_uring_sqe *sqe_get(ioring_t *r) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
    if (!sqe) { /* full: submit what is queued and try again */
        io_uring_submit(&r->ring);
        sqe = io_uring_get_sqe(&r->ring);
    }
    return sqe;
}

int ioring_send(ioring_t *r, ioconn_t *c, int fd, const void *buf, size_t len) {
    struct io_uring_sqe *sqe = sqe_get(r);
    if (!sqe)
        return -EBUSY;
    io_uring_prep_send(sqe, fd, buf, len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, pack(c, OP_SEND));
    c->send_armed = 1;
    return 0;
}

int ioring_recv(ioring_t *r, ioconn_t *c, int fd) {
    struct io_uring_sqe *sqe = sqe_get(r);
    if (!sqe)
        return -EBUSY;
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, pack(c, OP_RECV));
    c->recv_armed = 1;
    return 0;
}

int ioring_poll_out(ioring_t *r, ioconn_t *c, int fd) {
    struct io_uring_sqe *sqe = sqe_get(r);
    if (!sqe)
        return -EBUSY;
    io_uring_prep_poll_add(sqe, fd, POLLOUT);
    io_uring_sqe_set_data64(sqe, pack(c, OP_POLLOUT));
    c->send_armed = 1;
    return 0;
}

void ioring_forget(ioring_t *r, ioconn_t *c, int fd) {
    if (c->recv_armed || c->send_armed) {
        struct io_uring_sqe *sqe = sqe_get(r);
        if (sqe) {
            io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
            io_uring_sqe_set_data64(sqe, OP_CANCEL);
        }
        /* submitted before close(fd), so a queued operation cannot reach a
         * later connection that gets the same descriptor number */
        io_uring_submit(&r->ring);
    }
    c->recv_armed = c->send_armed = 0;
    c->gen++;
}

static void recycle(ioring_t *r, unsigned flags) {
    if (!(flags & IORING_CQE_F_BUFFER))
        return;
    unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
    io_uring_buf_ring_add(r->br, r->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE, (unsigned short)bid,
                          io_uring_buf_ring_mask(r->nbufs), 0);
    io_uring_buf_ring_advance(r->br, 1);
}

/* Handles one completion (already marked seen). */
static void dispatch(ioring_t *r, uint64_t ud, int res, unsigned flags) {
    int op = (int)(ud & 7);
    if (op == OP_CANCEL)
        return;
    if (op == OP_TICK) {
        r->tick_due = 1;
        if (!(flags & IORING_CQE_F_MORE))
            r->tick = res == -EINVAL ? -1 : 0;
        return;
    }
    ioconn_t *c = (ioconn_t *)(uintptr_t)(ud & 0x0000fffffffffff8ull);
    uint16_t gen = (uint16_t)(ud >> 48);
    if (gen != c->gen) { /* the connection was closed since */
        recycle(r, flags);
        return;
    }
    if (op == OP_SEND || op == OP_POLLOUT) {
        c->send_armed = 0;
        if (op == OP_SEND)
            r->ops->on_send(c->owner, res);
        else
            r->ops->on_writable(c->owner, res);
        return;
    }
    if (!(flags & IORING_CQE_F_MORE))
        c->recv_armed = 0;
    if (res == -ENOBUFS) { /* every buffer was in use: arm again */
        if (!c->recv_armed)
            r->ops->on_recv(c->owner, NULL, -ENOBUFS);
        return;
    }
    const char *data = NULL;
    if (res > 0 && (flags & IORING_CQE_F_BUFFER))
        data = r->bufs + (size_t)(flags >> IORING_CQE_BUFFER_SHIFT) * BUF_SIZE;
    r->ops->on_recv(c->owner, data, res);
    recycle(r, flags);
}

/* Arms the multishot tick: one timer for the whole run instead of one per wait. */
static void arm_tick(ioring_t *r) {
    struct io_uring_sqe *sqe = sqe_get(r);
    if (!sqe)
        return;
    io_uring_prep_timeout(sqe, &r->tick_ts, 0, IORING_TIMEOUT_MULTISHOT);
    io_uring_sqe_set_data64(sqe, OP_TICK);
    r->tick = 1;
}

static void drain(ioring_t *r, const int *done) {
    struct io_uring_cqe *cqe;
    while (!*done && io_uring_peek_cqe(&r->ring, &cqe) == 0) {
        uint64_t ud = cqe->user_data;
        int res = cqe->res;
        unsigned flags = cqe->flags;
        io_uring_cqe_seen(&r->ring, cqe);
        dispatch(r, ud, res, flags);
    }
}

int ioring_run(ioring_t *r, struct ev_loop *loop, const int *done, const double *wake_ns,
               uint64_t tick_ns) {
    /* libev's timers run every tick: 1 ms with an open-model schedule */
    const uint64_t tick = wake_ns || !tick_ns ? 1000000 : tick_ns;
    r->tick_ts.tv_sec = (long long)(tick / 1000000000ull);
    r->tick_ts.tv_nsec = (long long)(tick % 1000000000ull);
    uint64_t last_ev = clock_mono_ns();
    ev_run(loop, EVRUN_NOWAIT);
    while (!*done) {
        int rc;
        if (!wake_ns && r->tick >= 0) {
            /* closed model: block until a completion; the tick wakes libev */
            if (r->tick == 0)
                arm_tick(r);
            rc = io_uring_submit_and_wait(&r->ring, 1);
            if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY && rc != -EAGAIN)
                return rc;
            drain(r, done);
            if (r->tick_due) {
                r->tick_due = 0;
                ev_run(loop, EVRUN_NOWAIT);
            }
            continue;
        }
        /* open model (or no multishot timeouts): wait at most until the next
         * start or libev's next millisecond */
        uint64_t now = clock_mono_ns();
        uint64_t wait = now - last_ev >= tick ? 0 : tick - (now - last_ev);
        if (wake_ns) {
            double until = *wake_ns - (double)now;
            if (until < (double)wait)
                wait = until > 0 ? (uint64_t)until : 0;
        }
        struct io_uring_cqe *cqe;
        struct __kernel_timespec ts = {(long long)(wait / 1000000000ull),
                                       (long long)(wait % 1000000000ull)};
        /* with a zero wait, still run the deferred task work that posts completions */
        rc = wait ? io_uring_submit_and_wait_timeout(&r->ring, &cqe, 1, &ts, NULL)
                  : io_uring_submit_and_get_events(&r->ring);
        if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EBUSY && rc != -EAGAIN)
            return rc;
        drain(r, done);
        now = clock_mono_ns();
        if (now - last_ev >= tick || (wake_ns && (double)now >= *wake_ns)) {
            ev_run(loop, EVRUN_NOWAIT);
            last_ev = now;
        }
    }
    return 0;
}

#endif
