/* Inside the load engine: the workers and their scheduler (engine.c) and the
 * VU connection state machine (vu.c) share these types. Not for other users:
 * the engine's contract is engine.h. */
#ifndef BENCHLAB_LOAD_ENGINE_INTERNAL_H
#define BENCHLAB_LOAD_ENGINE_INTERNAL_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "load/buf.h"
#include "load/engine.h"
#include "load/http_resp.h"
#include "load/ioring.h"

enum mode { MODE_CLOSED, MODE_OPEN, MODE_ONCE };

/* A VU's states, in the order one request goes through them:
 *   VS_IDLE        between requests (or iterations); fd is -1 or an idle
 *                  keep-alive connection
 *   VS_CONNECTING  a non-blocking connect is pending (deadline: connect timeout);
 *                  when it ends the VU goes IDLE and sends
 *   VS_INFLIGHT    the request is being sent and/or its response read
 *                  (deadline: request timeout); completion or a transport error
 *                  records the request (record_request) and moves on to the
 *                  iteration's next request (INFLIGHT again) or ends the iteration
 *                  (IDLE, or DONE)
 *   VS_DONE        no more iterations for this VU (duration over, iterations
 *                  used up, once-mode list run)
 * A parked VU (stages, closed model) is IDLE with no connection until the
 * target rises again. */
enum vu_state { VS_IDLE, VS_CONNECTING, VS_INFLIGHT, VS_DONE };

struct worker;

typedef struct vu {
    struct worker *w;
    int id;
    int fd;
    int state;   /* enum vu_state */
    int reused;  /* the connection already carried a response */
    int retried; /* this request was already resent once */
    unsigned io_events;
    ev_io io;
    ev_timer backoff; /* think time, or the pause after a connection failure */
    uint64_t iter;
    const request_t *const *plan; /* this iteration's requests */
    size_t nplan, pos;
    const request_t *req; /* plan[pos] */
    buf_t out, scratch;   /* rendered request (templated requests) */
    const char *wire;     /* what is being sent: the request's static bytes or out */
    size_t wire_len, wire_off;
    http_resp_t resp;
    uint64_t t_sched, t_send, deadline; /* ns; deadline 0: none */
    uint64_t t_iter; /* the iteration's start (open model: its schedule), for iteration_duration */
    int first_in_iter;
    int iter_failed; /* a transport error ended the iteration */
    ioconn_t ioc;    /* --io uring: the connection's state in the worker's ring */
    char **vals;     /* variable values of this VU */
    struct vu *next_free;
    int rank;   /* stages, closed model: active while rank < the stage's VUs */
    int parked; /* stages, closed model: waiting to become active */
} vu_t;

typedef struct worker {
    int idx, mode;
    struct ev_loop *loop;
    const scenario_t *s;
    vu_t *vus;
    int nvus, busy, done_vus;
    vu_t *free_list;
    stats_t *st;
    stats_t own;
    uint64_t rng;
    ev_timer sweep, stop_timer, sched_timer;
    int tfd; /* open model on Linux: timerfd for µs-precise starts (libev timers wake in ms) */
    ev_io tfd_io;
    int stopping;
    uint64_t t0_ns, end_ns;
    double interval_ns, next_sched_ns;
    int stride;        /* threads: this worker schedules iterations idx, idx+stride, ... */
    double sched_k;    /* stages, open model: the index of the next scheduled iteration */
    ev_timer ramp;     /* stages, closed model: starts VUs as the target rises */
    uint64_t *backlog; /* open model: scheduled starts waiting for a free VU (ring) */
    size_t bl_cap, bl_head, bl_len;
    const request_t *const *once_list;
    size_t once_n;
    int verbose, failures;
    int progress;
    uint64_t last_pub_ns, finish_ns;
    _Atomic uint64_t pub_reqs, pub_errs, pub_p99;
    atomic_int finished;
    pthread_t th;
    char *const *vars_init;
    ioring_t *ring; /* --io uring; NULL: libev does the I/O */
    int use_ring, ring_ok, loop_done;
    char rbuf[65536];
} worker_t;

/* engine.c */
extern struct sockaddr_storage g_addr;
extern socklen_t g_addrlen;
extern atomic_int g_interrupt;
/* Ends the worker's loop (libev's, or the ring's). */
void loop_break(worker_t *w);
/* The VU ended an iteration (vu_iteration_end): the scheduler decides what it
 * does next (the next iteration now or after think time, a backlogged start,
 * the free list, parking, or done). */
void worker_vu_free(vu_t *v);
/* Think time / failure pause over (v->backoff). */
void backoff_cb(struct ev_loop *loop, ev_timer *t, int revents);

/* vu.c: the connection state machine */
extern const ioring_ops_t vu_ring_ops;
/* libev: the VU's socket is ready. */
void vu_io_cb(struct ev_loop *loop, ev_io *io, int revents);
/* Starts an iteration (t_sched: the open model's scheduled start, else 0). */
void vu_start_iteration(vu_t *v, uint64_t t_sched);
/* A transport error (err_kind): the request fails, the connection is dropped,
 * the iteration ends. */
void vu_error(vu_t *v, int kind, const char *msg);
void vu_close(vu_t *v);

#endif
