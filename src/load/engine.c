#include "load/engine.h"

#include <errno.h>
#include <ev.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/timerfd.h>
#endif

#include "common/portable.h"
#include "load/check.h"
#include "load/check_var.h"
#include "load/http_resp.h"
#include "load/ioring.h"
#include "load/rng.h"
#include "load/xalloc.h"

enum mode { MODE_CLOSED, MODE_OPEN, MODE_ONCE };
enum vu_state { VS_IDLE, VS_CONNECTING, VS_INFLIGHT, VS_DONE };

struct worker;

typedef struct vu {
    struct worker *w;
    int id;
    int fd;
    int state;
    int reused;  /* the connection already carried a response */
    int retried; /* this request was already resent once */
    unsigned io_events;
    ev_io io;
    ev_timer backoff;
    uint64_t iter;
    const request_t *const *plan;
    size_t nplan, pos;
    const request_t *req;
    buf_t out, scratch;
    const char *wire;
    size_t wire_len, wire_off;
    http_resp_t resp;
    uint64_t t_sched, t_send, deadline;
    uint64_t t_iter; /* the iteration's start (open model: its schedule) */
    int first_in_iter;
    int iter_failed; /* a transport error ended the iteration */
    ioconn_t ioc;    /* --io uring: the connection's state in the worker's ring */
    char **vals;
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

static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static atomic_int g_interrupt;
static _Atomic int64_t g_tickets;
static int g_limited; /* iterations limited by g_tickets */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double thread_cpu_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void engine_interrupt(void) {
    atomic_store(&g_interrupt, 1);
}

int engine_resolve(const scenario_t *s) {
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(s->addr, s->port, &hints, &res);
    if (rc != 0 || !res) {
        fprintf(stderr, "benchlab-load: cannot resolve %s:%s: %s\n", s->addr, s->port,
                gai_strerror(rc));
        return -1;
    }
    /* "localhost" may list ::1 first while test servers listen on 127.0.0.1 */
    const struct addrinfo *pick = res;
    for (const struct addrinfo *a = res; a; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    memcpy(&g_addr, pick->ai_addr, pick->ai_addrlen);
    g_addrlen = pick->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static void vu_send(vu_t *v);
static void ts_count(struct worker *w, uint64_t dropped, uint64_t late);
static void vu_start_iteration(vu_t *v, uint64_t t_sched);
static void io_cb(struct ev_loop *loop, ev_io *w, int revents);

/* Ends the worker's loop (libev's, or the ring's). */
static void loop_break(worker_t *w) {
    w->loop_done = 1;
    ev_break(w->loop, EVBREAK_ALL);
}

static void vu_watch(vu_t *v, unsigned events) {
    if (v->w->ring) { /* the ring does this connection's I/O */
        if (v->state == VS_CONNECTING && ioring_poll_out(v->w->ring, &v->ioc, v->fd) < 0)
            v->deadline = 1; /* the sweep fails it as a connect timeout */
        return;
    }
    if (v->io_events == events && ev_is_active(&v->io))
        return;
    ev_io_stop(v->w->loop, &v->io);
    ev_io_set(&v->io, v->fd, (int)events);
    ev_io_start(v->w->loop, &v->io);
    v->io_events = events;
}

static void vu_close(vu_t *v) {
    if (v->fd < 0)
        return;
    ev_io_stop(v->w->loop, &v->io);
    if (v->w->ring)
        ioring_forget(v->w->ring, &v->ioc, v->fd);
    close(v->fd);
    v->fd = -1;
    v->reused = 0;
    v->io_events = 0;
}

static void vu_connect(vu_t *v) {
    const scenario_t *s = v->w->s;
    int fd = portable_socket(g_addr.ss_family, SOCK_STREAM, true);
    if (fd < 0) {
        v->fd = -1;
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    v->fd = fd;
    v->reused = 0;
    v->state = VS_CONNECTING;
    v->deadline = now_ns() + (uint64_t)(s->connect_timeout_s * 1e9);
    if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) == 0 || errno == EINPROGRESS) {
        vu_watch(v, EV_WRITE);
        return;
    }
    close(fd);
    v->fd = -1;
}

/* Stages, closed model: whether the VU is among the active ones now. */
static int vu_active(const vu_t *v) {
    double t = (double)(now_ns() - v->w->t0_ns) / 1e9;
    return v->rank < stages_vus(&v->w->s->stages, t);
}

/* Ends the current iteration and decides what the VU does next. */
static void vu_iteration_end(vu_t *v) {
    worker_t *w = v->w;
    w->st->iterations++;
    hist_record(&w->st->iter_dur, (now_ns() - v->t_iter) / 1000);
    v->iter++;
    v->state = VS_IDLE;
    v->deadline = 0;
    if (w->mode == MODE_ONCE) {
        v->state = VS_DONE;
        loop_break(w);
        return;
    }
    if (w->mode == MODE_OPEN) {
        int failed = v->iter_failed;
        v->iter_failed = 0;
        if (w->bl_len && !failed && !atomic_load(&g_interrupt)) {
            /* a backlogged iteration starts now; its latency still counts from its schedule */
            uint64_t when = w->backlog[w->bl_head];
            w->bl_head = (w->bl_head + 1) % w->bl_cap;
            w->bl_len--;
            ts_count(w, 0, 1);
            vu_start_iteration(v, when);
            return;
        }
        v->next_free = w->free_list;
        w->free_list = v;
        w->busy--;
        if (w->stopping && w->busy == 0 && w->bl_len == 0)
            loop_break(w);
        return;
    }
    int failed = v->iter_failed;
    v->iter_failed = 0;
    if (!w->stopping && w->s->stages.n && !vu_active(v)) {
        vu_close(v); /* ramping down: the VU stops until the target rises again */
        v->parked = 1;
        return;
    }
    if (w->stopping || (g_limited && atomic_fetch_sub(&g_tickets, 1) <= 0)) {
        v->state = VS_DONE;
        if (++w->done_vus == w->nvus)
            loop_break(w);
        return;
    }
    double pause = w->s->think_time_s;
    if (failed && v->fd < 0 && pause < 0.01)
        pause = 0.01; /* a connection failure: do not spin on a dead server */
    if (pause > 0) {
        ev_timer_set(&v->backoff, pause, 0);
        ev_timer_start(w->loop, &v->backoff);
        return;
    }
    vu_start_iteration(v, 0);
}

static void verbose_fail(const vu_t *v, const char *what) {
    if (!v->w->verbose)
        return;
    const http_resp_t *r = &v->resp;
    fprintf(stderr, "FAIL %s: %s", v->req->name, what);
    if (r->status)
        fprintf(stderr, " (status %d", r->status);
    if (r->status && r->body_len)
        fprintf(stderr, ", body: %.200s%s", r->body, r->body_len > 200 ? "..." : "");
    fprintf(stderr, "%s\n", r->status ? ")" : "");
}

static void fail_all_checks(vu_t *v) {
    const request_t *r = v->req;
    for (size_t i = 0; i < r->nchecks; i++) {
        v->w->st->check_fail[r->checks[i].id]++;
        v->w->failures++;
    }
}

/* A transport error: count it, fail the request, drop the connection, end the iteration. */
static void vu_error(vu_t *v, int kind, const char *msg) {
    worker_t *w = v->w;
    stats_t *st = w->st;
    const request_t *r = v->req;
    st->err[kind]++;
    st->reqs++;
    st->failed++;
    st->req_reqs[r->id]++;
    st->req_failed[r->id]++;
    if (r->group >= 0) {
        st->group_reqs[r->group]++;
        st->group_failed[r->group]++;
    }
    if (st->timeseries) {
        ts_sec_t *sec = stats_second(st, (now_ns() - w->t0_ns) / 1000000000ull);
        sec->reqs++;
        sec->errors++;
    }
    w->failures++;
    if (w->verbose) {
        char what[256];
        snprintf(what, sizeof what, "%s error: %s", err_kind_names[kind], msg);
        verbose_fail(v, what);
    }
    fail_all_checks(v);
    vu_close(v);
    v->iter_failed = 1;
    vu_iteration_end(v);
}

static void run_checks(vu_t *v) {
    worker_t *w = v->w;
    const request_t *r = v->req;
    const http_resp_t *resp = &v->resp;
    json_t *doc = NULL;
    int parsed = 0;
    /* Extractions need the document; checks alone usually do not (check_eval_fast). */
    if (r->nextract) {
        json_error_t je;
        doc = json_loadb(resp->body ? resp->body : "", resp->body_len,
                         JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        parsed = 1;
    }
    for (size_t i = 0; i < r->nchecks; i++) {
        const check_t *c = &r->checks[i];
        int ok = 0;
        switch (c->kind) {
        case CK_STATUS:
            for (size_t k = 0; k < c->nstatus; k++)
                ok |= c->statuses[k] == resp->status;
            break;
        case CK_CONTAINS:
            ok = resp->body && memmem(resp->body, resp->body_len, c->text, strlen(c->text));
            break;
        case CK_EQUALS_VAR:
            if (!parsed) {
                json_error_t je;
                doc = json_loadb(resp->body ? resp->body : "", resp->body_len,
                                 JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
                parsed = 1;
            }
            ok = check_eval_var(c, doc, v->vals[c->var]);
            break;
        default:
            ok = parsed ? -1 : check_eval_fast(c, resp->body, resp->body_len);
            if (ok < 0) {
                if (!parsed) {
                    json_error_t je;
                    doc = json_loadb(resp->body ? resp->body : "", resp->body_len,
                                     JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
                    parsed = 1;
                }
                ok = check_eval_doc(c, doc);
            }
        }
        if (ok) {
            w->st->check_pass[c->id]++;
        } else {
            w->st->check_fail[c->id]++;
            w->failures++;
            char what[600];
            snprintf(what, sizeof what, "check \"%s\" failed%s", c->name,
                     parsed && !doc && c->kind != CK_STATUS && c->kind != CK_CONTAINS
                         ? " (body is not JSON)"
                         : "");
            verbose_fail(v, what);
        }
    }
    for (size_t i = 0; i < r->nextract; i++) {
        json_t *val = doc ? jpath_get(&r->extract_path[i], doc) : NULL;
        int var = r->extract_var[i];
        if (!val) {
            w->st->err[ERR_PARSE]++;
            w->failures++;
            char what[600];
            snprintf(what, sizeof what, "extract: no value at \"%s\" for {{%s}}",
                     r->extract_path[i].text, w->s->vars.names[var]);
            verbose_fail(v, what);
            continue;
        }
        free(v->vals[var]);
        v->vals[var] = json_is_string(val) ? xstrdup(json_string_value(val))
                                           : json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
    }
    json_decref(doc);
}

static void vu_complete(vu_t *v) {
    worker_t *w = v->w;
    stats_t *st = w->st;
    const request_t *r = v->req;
    uint64_t now = now_ns();
    uint64_t start = (w->mode == MODE_OPEN && v->first_in_iter) ? v->t_sched : v->t_send;
    uint64_t lat_us = (now - start + 500) / 1000;
    int status = v->resp.status, expected = 0;
    if (r->expected) {
        for (size_t i = 0; i < r->nexpected; i++)
            expected |= r->expected[i] == status;
    } else {
        expected = status >= 200 && status < 400;
    }
    v->deadline = 0;
    st->reqs++;
    st->req_reqs[r->id]++;
    hist_record(&st->dur, lat_us);
    hist_record(&st->req_dur[r->id], lat_us);
    if (r->group >= 0) {
        st->group_reqs[r->group]++;
        hist_record(&st->group_dur[r->group], lat_us);
    }
    if (w->mode == MODE_OPEN)
        hist_record(&st->service, (now - v->t_send + 500) / 1000);
    if (!expected) {
        st->failed++;
        st->err[ERR_STATUS]++;
        st->req_failed[r->id]++;
        if (r->group >= 0)
            st->group_failed[r->group]++;
        w->failures++;
        char what[64];
        snprintf(what, sizeof what, "unexpected status %d", status);
        verbose_fail(v, what);
    }
    if (st->timeseries) {
        ts_sec_t *sec = stats_second(st, (now - w->t0_ns) / 1000000000ull);
        sec->reqs++;
        sec->errors += !expected;
        stats_ts_latency(st, (now - w->t0_ns) / 1000000000ull, lat_us);
    }
    if (r->nchecks || r->nextract)
        run_checks(v);
    if (v->resp.conn_close || v->wire_off < v->wire_len) /* answered before fully sent */
        vu_close(v);
    else
        v->reused = 1;
    v->first_in_iter = 0;
    if (++v->pos < v->nplan) {
        v->req = v->plan[v->pos];
        v->retried = 0;
        v->state = VS_IDLE;
        vu_send(v);
        return;
    }
    vu_iteration_end(v);
}

/* A send failed with err. */
static void vu_send_failed(vu_t *v, int err) {
    if (v->reused && !v->retried && http_resp_untouched(&v->resp)) {
        /* the server dropped an idle keep-alive connection: resend once */
        v->retried = 1;
        vu_close(v);
        vu_send(v);
        return;
    }
    vu_error(v, ERR_RESET, strerror(err));
}

static void vu_write(vu_t *v) {
    if (v->w->ring) {
        int rc = ioring_send(v->w->ring, &v->ioc, v->fd, v->wire + v->wire_off,
                             v->wire_len - v->wire_off);
        if (rc < 0)
            vu_error(v, ERR_RESET, strerror(-rc));
        return; /* ring_send_cb continues */
    }
    while (v->wire_off < v->wire_len) {
        ssize_t n =
            send(v->fd, v->wire + v->wire_off, v->wire_len - v->wire_off, PORTABLE_MSG_NOSIGNAL);
        if (n > 0) {
            v->wire_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            vu_watch(v, EV_READ | EV_WRITE);
            return;
        }
        vu_send_failed(v, errno);
        return;
    }
    vu_watch(v, EV_READ);
}

static void vu_send(vu_t *v) {
    worker_t *w = v->w;
    const request_t *r = v->req;
    if (v->fd < 0) {
        vu_connect(v);
        if (v->fd < 0) {
            vu_error(v, ERR_CONNECT, strerror(errno));
            return;
        }
        if (v->state == VS_CONNECTING)
            return; /* io_cb continues when connected */
    }
    if (r->wire) {
        v->wire = r->wire;
        v->wire_len = r->wire_len;
    } else {
        render_ctx_t ctx = {v->id, v->iter, &w->rng, v->vals};
        request_render(w->s, r, &v->out, &v->scratch, &ctx);
        v->wire = v->out.p;
        v->wire_len = v->out.len;
    }
    v->t_send = now_ns();
    if (v->first_in_iter && !v->retried && w->mode == MODE_OPEN)
        hist_record(&w->st->lag, v->t_send > v->t_sched ? (v->t_send - v->t_sched) / 1000 : 0);
    v->wire_off = 0;
    http_resp_reset(&v->resp, r->head, r->keep_body);
    v->state = VS_INFLIGHT;
    v->deadline = v->t_send + (uint64_t)(w->s->request_timeout_s * 1e9);
    vu_write(v);
}

/* Bytes arrived on the connection. Returns 1 when the response wants more. */
static int vu_got_data(vu_t *v, const char *data, size_t n) {
    if (v->state != VS_INFLIGHT) { /* bytes nobody asked for */
        vu_close(v);
        return 0;
    }
    size_t used;
    int rc = http_resp_feed(&v->resp, data, n, &used);
    if (rc == HTTP_DONE) {
        if (used < n)
            v->resp.conn_close = 1; /* extra bytes: do not trust this connection */
        vu_complete(v);
        return 0;
    }
    if (rc == HTTP_ERROR) {
        vu_error(v, ERR_PARSE, v->resp.error);
        return 0;
    }
    return 1;
}

/* The connection ended: err 0 when the peer closed it, else an errno. */
static void vu_got_end(vu_t *v, int err) {
    if (v->state != VS_INFLIGHT) { /* idle connection closed by the server */
        vu_close(v);
        return;
    }
    if (v->reused && !v->retried && http_resp_untouched(&v->resp)) {
        v->retried = 1;
        vu_close(v);
        vu_send(v);
        return;
    }
    if (err == 0) {
        if (http_resp_eof(&v->resp) == HTTP_DONE) {
            v->resp.conn_close = 1;
            vu_complete(v);
        } else {
            vu_error(v, ERR_PARSE, v->resp.error);
        }
    } else {
        vu_error(v, ERR_RESET, strerror(err));
    }
}

static void vu_read(vu_t *v) {
    worker_t *w = v->w;
    for (;;) {
        ssize_t n = read(v->fd, w->rbuf, sizeof w->rbuf);
        if (n > 0) {
            if (!vu_got_data(v, w->rbuf, (size_t)n) || (size_t)n < sizeof w->rbuf)
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        vu_got_end(v, n == 0 ? 0 : errno);
        return;
    }
}

/* --io uring: a send completed (res: bytes sent or -errno). */
static void ring_send_cb(void *owner, int res) {
    vu_t *v = owner;
    if (v->state != VS_INFLIGHT || v->fd < 0)
        return;
    if (res == -EINTR || res == -EAGAIN) {
        vu_write(v);
        return;
    }
    if (res < 0) {
        vu_send_failed(v, -res);
        return;
    }
    v->wire_off += (size_t)res;
    if (v->wire_off < v->wire_len)
        vu_write(v);
}

/* --io uring: bytes arrived (res > 0), the peer closed (0), or an error (< 0). */
static void ring_recv_cb(void *owner, const char *data, int res) {
    vu_t *v = owner;
    if (v->fd < 0)
        return;
    if (res == -ENOBUFS || res == -EINTR || res == -EAGAIN) {
        if (!v->ioc.recv_armed && ioring_recv(v->w->ring, &v->ioc, v->fd) < 0)
            vu_got_end(v, ENOBUFS);
        return;
    }
    if (res <= 0) {
        vu_got_end(v, -res);
        return;
    }
    uint16_t gen = v->ioc.gen;
    vu_got_data(v, data, (size_t)res);
    /* a multishot receive can end early (e.g. on a full completion queue) */
    if (v->ioc.gen == gen && v->fd >= 0 && !v->ioc.recv_armed &&
        ioring_recv(v->w->ring, &v->ioc, v->fd) < 0)
        vu_error(v, ERR_RESET, "cannot arm a receive");
}

/* --io uring: a connecting socket became writable. */
static void ring_conn_cb(void *owner, int res) {
    (void)res;
    vu_t *v = owner;
    if (v->fd >= 0 && v->state == VS_CONNECTING)
        io_cb(v->w->loop, &v->io, EV_WRITE);
}

static const ioring_ops_t ring_ops = {ring_send_cb, ring_recv_cb, ring_conn_cb};

static void io_cb(struct ev_loop *loop, ev_io *io, int revents) {
    (void)loop;
    vu_t *v = io->data;
    if (v->state == VS_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(v->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            vu_error(v, ERR_CONNECT, strerror(err));
            return;
        }
        v->state = VS_IDLE;
        vu_watch(v, EV_READ);
        if (v->w->ring && ioring_recv(v->w->ring, &v->ioc, v->fd) < 0) {
            vu_error(v, ERR_CONNECT, "cannot arm a receive");
            return;
        }
        vu_send(v);
        return;
    }
    int fd = v->fd;
    if ((revents & EV_WRITE) && v->state == VS_INFLIGHT && v->wire_off < v->wire_len) {
        vu_write(v);
        if (v->fd != fd)
            return;
    }
    if (revents & EV_READ)
        vu_read(v);
}

static void vu_start_iteration(vu_t *v, uint64_t t_sched) {
    worker_t *w = v->w;
    const scenario_t *s = w->s;
    v->t_iter = w->mode == MODE_OPEN && t_sched ? t_sched : now_ns();
    if (w->mode == MODE_ONCE) {
        v->plan = w->once_list;
        v->nplan = w->once_n;
    } else if (s->weighted && s->ngroups > 1) {
        double x = rng_unit(&w->rng) * s->total_weight;
        size_t g = 0;
        while (g + 1 < s->ngroups && x >= s->groups[g].weight) {
            x -= s->groups[g].weight;
            g++;
        }
        v->plan = (const request_t *const *)s->reqs + s->groups[g].requests[0].id;
        v->nplan = s->groups[g].nrequests;
    } else {
        v->plan = (const request_t *const *)s->reqs;
        v->nplan = s->nrequests;
    }
    if (s->nlet && v->nplan && v->plan == (const request_t *const *)s->reqs + v->plan[0]->id) {
        /* iteration.let: per-iteration values shared by the iteration's requests */
        render_ctx_t ctx = {v->id, v->iter, &w->rng, v->vals};
        for (size_t i = 0; i < s->nlet; i++) {
            v->scratch.len = 0;
            buf_reserve(&v->scratch, 0);
            tmpl_render(&s->let_val[i], &v->scratch, &ctx);
            free(v->vals[s->let_var[i]]);
            v->vals[s->let_var[i]] = xstrdup(v->scratch.p);
        }
    }
    v->pos = 0;
    v->req = v->plan[0];
    v->first_in_iter = 1;
    v->t_sched = t_sched;
    v->retried = 0;
    v->state = VS_IDLE;
    if (v->nplan == 0) {
        vu_iteration_end(v);
        return;
    }
    vu_send(v);
}

static void backoff_cb(struct ev_loop *loop, ev_timer *t, int revents) {
    (void)loop;
    (void)revents;
    vu_t *v = t->data;
    if (v->w->stopping) {
        v->state = VS_DONE;
        if (++v->w->done_vus == v->w->nvus)
            loop_break(v->w);
        return;
    }
    vu_start_iteration(v, 0);
}

static void publish(worker_t *w, uint64_t now) {
    atomic_store_explicit(&w->pub_reqs, w->st->reqs, memory_order_relaxed);
    uint64_t errs = 0;
    for (int k = 0; k < ERR_KINDS; k++)
        errs += w->st->err[k];
    atomic_store_explicit(&w->pub_errs, errs, memory_order_relaxed);
    if (w->progress && now - w->last_pub_ns > 500000000ull) {
        atomic_store_explicit(&w->pub_p99, hist_percentile(&w->st->dur, 99), memory_order_relaxed);
        w->last_pub_ns = now;
    }
}

static void sweep_cb(struct ev_loop *loop, ev_timer *t, int revents) {
    (void)loop;
    (void)revents;
    worker_t *w = t->data;
    uint64_t now = now_ns();
    if (atomic_load(&g_interrupt)) {
        w->stopping = 1;
        for (int i = 0; i < w->nvus; i++)
            vu_close(&w->vus[i]);
        loop_break(w);
        return;
    }
    for (int i = 0; i < w->nvus; i++) {
        vu_t *v = &w->vus[i];
        if (v->deadline && now >= v->deadline &&
            (v->state == VS_CONNECTING || v->state == VS_INFLIGHT))
            vu_error(v, ERR_TIMEOUT,
                     v->state == VS_CONNECTING ? "connect timed out" : "request timed out");
    }
    publish(w, now);
}

static void stop_cb(struct ev_loop *loop, ev_timer *t, int revents) {
    (void)loop;
    (void)revents;
    worker_t *w = t->data;
    w->stopping = 1;
    if (w->s->stages.n && w->mode == MODE_CLOSED) {
        ev_timer_stop(w->loop, &w->ramp);
        for (int i = 0; i < w->nvus; i++)
            if (w->vus[i].parked) {
                w->vus[i].parked = 0;
                w->vus[i].state = VS_DONE;
                w->done_vus++;
            }
        if (w->done_vus == w->nvus)
            loop_break(w);
    }
}

/* Stages, closed model: start the parked VUs the target now asks for. */
static void ramp_cb(struct ev_loop *loop, ev_timer *t, int revents) {
    (void)loop;
    (void)revents;
    worker_t *w = t->data;
    if (w->stopping)
        return;
    double now = (double)(now_ns() - w->t0_ns) / 1e9;
    int active = stages_vus(&w->s->stages, now);
    for (int i = 0; i < w->nvus; i++) {
        vu_t *v = &w->vus[i];
        if (v->parked && v->rank < active) {
            v->parked = 0;
            vu_start_iteration(v, 0);
        }
    }
}

/* Open model: the next scheduled start of this worker (constant rate or stages). */
static void sched_advance(worker_t *w) {
    if (!w->s->stages.n) {
        w->next_sched_ns += w->interval_ns;
        return;
    }
    w->sched_k += w->stride;
    w->next_sched_ns = (double)w->t0_ns + 1e9 * stages_arrival_time(&w->s->stages, w->sched_k);
}

/* Open model: counts dropped and late (backlogged) iterations in the current second. */
static void ts_count(worker_t *w, uint64_t dropped, uint64_t late) {
    if (!w->st->timeseries)
        return;
    ts_sec_t *sec = stats_second(w->st, (now_ns() - w->t0_ns) / 1000000000ull);
    sec->dropped += dropped;
    sec->late += late;
}

/* Arms the open-model schedule to fire at the absolute monotonic time `at_ns`. */
static void sched_arm(worker_t *w, double at_ns) {
#ifdef __linux__
    if (w->tfd >= 0) {
        struct itimerspec its = {0};
        uint64_t at = at_ns > 1 ? (uint64_t)at_ns : 1;
        its.it_value.tv_sec = (time_t)(at / 1000000000ull);
        its.it_value.tv_nsec = (long)(at % 1000000000ull);
        timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
        return;
    }
#endif
    double wait = (at_ns - (double)now_ns()) / 1e9;
    ev_timer_set(&w->sched_timer, wait > 0 ? wait : 0, 0);
    ev_timer_start(w->loop, &w->sched_timer);
}

/* Open model: start every iteration whose scheduled time has come. */
static void sched_run(worker_t *w) {
    uint64_t now = now_ns();
    while (w->bl_len && w->free_list) { /* left over after failures */
        vu_t *v = w->free_list;
        w->free_list = v->next_free;
        w->busy++;
        uint64_t when = w->backlog[w->bl_head];
        w->bl_head = (w->bl_head + 1) % w->bl_cap;
        w->bl_len--;
        ts_count(w, 0, 1);
        vu_start_iteration(v, when);
    }
    while (w->next_sched_ns <= (double)now && w->next_sched_ns < (double)w->end_ns) {
        uint64_t when = (uint64_t)w->next_sched_ns;
        sched_advance(w);
        vu_t *v = w->free_list;
        if (!v) {
            if (w->bl_len < w->bl_cap) {
                w->backlog[(w->bl_head + w->bl_len++) % w->bl_cap] = when;
            } else {
                w->st->dropped++;
                ts_count(w, 1, 0);
            }
            continue;
        }
        w->free_list = v->next_free;
        w->busy++;
        vu_start_iteration(v, when);
    }
    if (w->next_sched_ns >= (double)w->end_ns) {
        /* time is up: what still waits for a VU will not start (k6 does the same) */
        w->stopping = 1;
        w->st->dropped += w->bl_len;
        ts_count(w, w->bl_len, 0);
        w->bl_len = 0;
        if (w->busy == 0)
            loop_break(w);
        return;
    }
    sched_arm(w, w->next_sched_ns);
}

static void sched_cb(struct ev_loop *loop, ev_timer *t, int revents) {
    (void)loop;
    (void)revents;
    sched_run(t->data);
}

#ifdef __linux__
static void sched_tfd_cb(struct ev_loop *loop, ev_io *io, int revents) {
    (void)loop;
    (void)revents;
    worker_t *w = io->data;
    uint64_t expirations;
    if (read(w->tfd, &expirations, sizeof expirations) < 0 && errno == EAGAIN)
        return;
    sched_run(w);
}
#endif

static int worker_init(worker_t *w, const scenario_t *s, int mode, int nvus, int first_vu,
                       char *const *vars, stats_t *st) {
    memset(w, 0, sizeof *w);
    w->s = s;
    w->mode = mode;
    w->loop = ev_loop_new(EVFLAG_AUTO);
    if (!w->loop)
        return -1;
    w->st = st ? st : &w->own;
    w->nvus = nvus;
    w->vus = xcalloc((size_t)nvus, sizeof *w->vus);
    w->rng = (uint64_t)now_ns() ^ ((uint64_t)first_vu * 0x9e3779b97f4a7c15ull) ^ (uint64_t)getpid();
    w->vars_init = vars;
    for (int i = 0; i < nvus; i++) {
        vu_t *v = &w->vus[i];
        v->w = w;
        v->id = first_vu + i;
        v->fd = -1;
        http_resp_init(&v->resp);
        ev_init(&v->io, io_cb);
        v->io.data = v;
        v->ioc.owner = v;
        ev_init(&v->backoff, backoff_cb);
        v->backoff.data = v;
        v->vals = xcalloc(s->vars.n + 1, sizeof *v->vals);
        for (size_t k = 0; k < s->vars.n; k++)
            if (vars && vars[k])
                v->vals[k] = xstrdup(vars[k]);
    }
    double sweep = fmin(s->connect_timeout_s, s->request_timeout_s) / 4;
    sweep = fmax(0.001, fmin(0.1, sweep));
    ev_timer_init(&w->sweep, sweep_cb, sweep, sweep);
    w->sweep.data = w;
    ev_timer_start(w->loop, &w->sweep);
    ev_init(&w->stop_timer, stop_cb);
    w->stop_timer.data = w;
    ev_init(&w->ramp, ramp_cb);
    w->ramp.data = w;
    ev_init(&w->sched_timer, sched_cb);
    w->sched_timer.data = w;
    w->tfd = -1;
#ifdef __linux__
    if (mode == MODE_OPEN) {
        w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (w->tfd >= 0) {
            ev_io_init(&w->tfd_io, sched_tfd_cb, w->tfd, EV_READ);
            w->tfd_io.data = w;
            ev_io_start(w->loop, &w->tfd_io);
        }
    }
#endif
    return 0;
}

static void worker_free(worker_t *w) {
    ioring_free(w->ring); /* first: its exit ends what is pending on the VUs' buffers */
    w->ring = NULL;
    for (int i = 0; i < w->nvus; i++) {
        vu_t *v = &w->vus[i];
        vu_close(v);
        buf_free(&v->out);
        buf_free(&v->scratch);
        http_resp_free(&v->resp);
        for (size_t k = 0; k < w->s->vars.n; k++)
            free(v->vals[k]);
        free(v->vals);
    }
    free(w->vus);
    free(w->backlog);
    if (w->tfd >= 0) {
        ev_io_stop(w->loop, &w->tfd_io);
        close(w->tfd);
    }
    if (w->loop)
        ev_loop_destroy(w->loop);
}

static void worker_go(worker_t *w) {
    if (w->use_ring) { /* made here: the ring belongs to the thread that submits */
        w->ring = ioring_new((unsigned)w->nvus, &ring_ops);
        w->ring_ok = w->ring != NULL;
        if (!w->ring)
            fprintf(stderr, "benchlab-load: io_uring unavailable (%s), using epoll\n",
                    strerror(errno));
    }
    uint64_t now = now_ns();
    if (w->mode == MODE_OPEN) {
        for (int i = w->nvus - 1; i >= 0; i--) {
            w->vus[i].next_free = w->free_list;
            w->free_list = &w->vus[i];
        }
#ifdef __linux__
        prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* wake on time, not up to 50 µs late */
#endif
        sched_arm(w, w->next_sched_ns);
    } else {
        if (w->end_ns) {
            double wait = ((double)w->end_ns - (double)now) / 1e9;
            ev_timer_set(&w->stop_timer, wait > 0 ? wait : 0, 0);
            ev_timer_start(w->loop, &w->stop_timer);
        }
        int staged = w->mode == MODE_CLOSED && w->s->stages.n;
        if (staged) {
            ev_timer_set(&w->ramp, 0.01, 0.01);
            ev_timer_start(w->loop, &w->ramp);
        }
        for (int i = 0; i < w->nvus; i++) {
            vu_t *v = &w->vus[i];
            if (w->mode == MODE_CLOSED && g_limited && atomic_fetch_sub(&g_tickets, 1) <= 0) {
                v->state = VS_DONE;
                w->done_vus++;
                continue;
            }
            if (staged && !vu_active(v)) {
                v->parked = 1;
                continue;
            }
            vu_start_iteration(v, 0);
        }
        if (w->done_vus == w->nvus)
            return;
    }
    if (w->ring) {
        int rc = ioring_run(w->ring, w->loop, &w->loop_done,
                            w->mode == MODE_OPEN ? &w->next_sched_ns : NULL);
        if (rc < 0) {
            fprintf(stderr, "benchlab-load: io_uring failed: %s\n", strerror(-rc));
            engine_interrupt();
        }
    } else {
        ev_run(w->loop, 0);
    }
}

static void *worker_main(void *arg) {
    worker_t *w = arg;
    double cpu0 = thread_cpu_s();
    uint64_t t0 = now_ns();
    worker_go(w);
    w->st->cpu_s = thread_cpu_s() - cpu0;
    stats_ts_flush(w->st);
    w->finish_ns = now_ns();
    w->st->wall_s = (double)(w->finish_ns - t0) / 1e9;
    publish(w, now_ns());
    atomic_store(&w->finished, 1);
    return NULL;
}

static void show_progress(worker_t *ws, int n, uint64_t t0, double total_s) {
    uint64_t reqs = 0, errs = 0, p99 = 0;
    for (int i = 0; i < n; i++) {
        reqs += atomic_load_explicit(&ws[i].pub_reqs, memory_order_relaxed);
        errs += atomic_load_explicit(&ws[i].pub_errs, memory_order_relaxed);
        uint64_t p = atomic_load_explicit(&ws[i].pub_p99, memory_order_relaxed);
        if (p > p99)
            p99 = p;
    }
    double el = (double)(now_ns() - t0) / 1e9;
    double left = total_s - el;
    fprintf(stderr, "\r\033[K%8.1fs  %llu reqs  %.0f req/s  %llu errors  p99 %.2f ms  %.0fs left",
            el, (unsigned long long)reqs, el > 0 ? (double)reqs / el : 0.0,
            (unsigned long long)errs, (double)p99 / 1000.0, left > 0 ? left : 0);
    fflush(stderr);
}

int engine_run(const scenario_t *s, const engine_opts_t *o, char *const *vars,
               engine_result_t *res) {
    int open = s->rate > 0;
    int T = o->threads > 0 ? o->threads : 1;
    int total_vus = open ? s->max_vus : s->vus;
    if (T > total_vus)
        T = total_vus;
    memset(res, 0, sizeof *res);
    g_limited = !open && s->iterations > 0;
    atomic_store(&g_tickets, g_limited ? s->iterations : 0);
    worker_t *ws = xcalloc((size_t)T, sizeof *ws);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    res->start_unix_ms = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
    uint64_t t0 = now_ns();
    uint64_t end = t0 + (uint64_t)(s->duration_s * 1e9);
    int first = 1, rc = 0, started = 0;
    for (int i = 0; i < T; i++) {
        int n = total_vus / T + (i < total_vus % T);
        worker_t *w = &ws[i];
        stats_t *st = &w->own;
        if (worker_init(w, s, open ? MODE_OPEN : MODE_CLOSED, n, first, vars, NULL) ||
            stats_init(st, s->ngroups, s->nrequests, s->nchecks, o->timeseries)) {
            fprintf(stderr, "benchlab-load: out of memory\n");
            rc = -1;
            break;
        }
        w->st = st;
        w->idx = i;
        w->progress = o->progress;
        w->use_ring = o->io == ENGINE_IO_URING;
        w->t0_ns = t0;
        w->end_ns = end;
        w->stride = T;
        for (int j = 0; j < n; j++)
            w->vus[j].rank = j * T + i; /* interleaved: a ramp spreads over the threads */
        if (open) {
            w->interval_ns = 1e9 * T / s->rate;
            w->next_sched_ns = (double)t0 + 1e9 * i / s->rate;
            if (s->stages.n) { /* s->rate is the peak */
                w->sched_k = i;
                w->next_sched_ns = (double)t0 + 1e9 * stages_arrival_time(&s->stages, i);
            }
            double cap = s->rate / T * s->request_timeout_s;
            w->bl_cap = (size_t)fmax(1000, fmin(1e6, cap));
            w->backlog = xcalloc(w->bl_cap, sizeof *w->backlog);
        }
        first += n;
    }
    for (int i = 0; rc == 0 && i < T; i++) {
        if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
            fprintf(stderr, "benchlab-load: cannot start thread %d\n", i);
            engine_interrupt();
            rc = -1;
            break;
        }
        started++;
    }
    /* Wait, showing progress on a terminal. */
    uint64_t last = t0;
    for (;;) {
        int done = 0;
        for (int i = 0; i < started; i++)
            done += atomic_load(&ws[i].finished);
        if (done == started)
            break;
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
        uint64_t now = now_ns();
        if (o->progress && now - last >= 1000000000ull) {
            show_progress(ws, started, t0, s->duration_s);
            last = now;
        }
    }
    for (int i = 0; i < started; i++)
        pthread_join(ws[i].th, NULL);
    if (o->progress)
        fprintf(stderr, "\r\033[K");
    uint64_t finish = t0;
    for (int i = 0; i < started; i++)
        if (ws[i].finish_ns > finish)
            finish = ws[i].finish_ns;
    res->duration_s = (double)(finish - t0) / 1e9;
    res->interrupted = atomic_load(&g_interrupt);
    res->threads = T;
    res->io = o->io == ENGINE_IO_URING ? ENGINE_IO_URING : ENGINE_IO_EPOLL;
    for (int i = 0; i < started; i++)
        if (ws[i].use_ring && !ws[i].ring_ok)
            res->io = ENGINE_IO_EPOLL;
    if (rc == 0) {
        stats_init(&res->st, s->ngroups, s->nrequests, s->nchecks, o->timeseries);
        for (int i = 0; i < T; i++)
            stats_merge(&res->st, &ws[i].own);
    }
    for (int i = 0; i < T; i++) {
        if (ws[i].s) {
            stats_free(&ws[i].own);
            worker_free(&ws[i]);
        }
    }
    free(ws);
    return rc;
}

int engine_once(const scenario_t *s, const request_t *const *list, size_t n, int vu, char **vars,
                int verbose, stats_t *stats) {
    if (n == 0)
        return 0;
    worker_t *w = xcalloc(1, sizeof *w);
    stats_t local;
    size_t maxid = 0, maxck = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)list[i]->id + 1 > maxid)
            maxid = (size_t)list[i]->id + 1;
        for (size_t c = 0; c < list[i]->nchecks; c++)
            if ((size_t)list[i]->checks[c].id + 1 > maxck)
                maxck = (size_t)list[i]->checks[c].id + 1;
    }
    if (!stats) {
        stats_init(&local, s->ngroups, maxid, maxck, 0);
        stats = &local;
    }
    if (worker_init(w, s, MODE_ONCE, 1, vu, vars, stats)) {
        free(w);
        return -1;
    }
    w->once_list = list;
    w->once_n = n;
    w->verbose = verbose;
    w->t0_ns = now_ns();
    vu_t *v = &w->vus[0];
    v->id = vu;
    vu_start_iteration(v, 0);
    if (v->state != VS_DONE)
        ev_run(w->loop, 0);
    int failures = w->failures + (atomic_load(&g_interrupt) ? 1 : 0);
    for (size_t k = 0; k < s->vars.n; k++) {
        free(vars[k]);
        vars[k] = v->vals[k] ? xstrdup(v->vals[k]) : NULL;
    }
    worker_free(w);
    free(w);
    if (stats == &local)
        stats_free(&local);
    return failures;
}
