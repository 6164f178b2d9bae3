/* The VU connection state machine (engine_internal.h documents the states):
 * connect, send, receive, record, and the iteration's next request, for both
 * I/O backends (libev's epoll/kqueue watchers, or the io_uring callbacks).
 * Functions in lifecycle order. The worker (engine.c) starts iterations and
 * decides what a VU does after one. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/portable.h"
#include "common/xalloc.h"
#include "load/check.h"
#include "load/check_var.h"
#include "load/engine_internal.h"
#include "load/rng.h"

static void vu_send(vu_t *v);
static void vu_write(vu_t *v);
static void vu_read(vu_t *v);
static void vu_complete(vu_t *v);
static void vu_iteration_end(vu_t *v);

/* --- connection ------------------------------------------------------------ */

/* Which readiness the VU waits for (libev), or a connect's end (ring). */
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

void vu_close(vu_t *v) {
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

/* Starts a non-blocking connect (state CONNECTING); fd -1 when it failed at once. */
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
    v->deadline = clock_mono_ns() + (uint64_t)(s->connect_timeout_s * 1e9);
    if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) == 0 || errno == EINPROGRESS) {
        vu_watch(v, EV_WRITE);
        return;
    }
    close(fd);
    v->fd = -1;
}

/* --- iteration start ------------------------------------------------------- */

void vu_start_iteration(vu_t *v, uint64_t t_sched) {
    worker_t *w = v->w;
    const scenario_t *s = w->s;
    v->t_iter = w->mode == MODE_OPEN && t_sched ? t_sched : clock_mono_ns();
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

/* --- send ------------------------------------------------------------------ */

/* Sends v->req: connects first when there is no connection (the connect's
 * end comes back here), renders templated requests, state INFLIGHT. */
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
            return; /* vu_io_cb continues when connected */
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
    v->t_send = clock_mono_ns();
    if (v->first_in_iter && !v->retried && w->mode == MODE_OPEN)
        hist_record(&w->st->lag, v->t_send > v->t_sched ? (v->t_send - v->t_sched) / 1000 : 0);
    v->wire_off = 0;
    http_resp_reset(&v->resp, r->head, r->keep_body);
    v->state = VS_INFLIGHT;
    v->deadline = v->t_send + (uint64_t)(w->s->request_timeout_s * 1e9);
    vu_write(v);
}

/* The server dropped an idle keep-alive connection before answering (the
 * request was not answered at all): resend once on a new connection.
 * Returns 1 when it resent. */
static int vu_resend(vu_t *v) {
    if (!v->reused || v->retried || !http_resp_untouched(&v->resp))
        return 0;
    v->retried = 1;
    vu_close(v);
    vu_send(v);
    return 1;
}

/* A send failed with err. */
static void vu_send_failed(vu_t *v, int err) {
    if (!vu_resend(v))
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

/* --- I/O events: libev ----------------------------------------------------- */

void vu_io_cb(struct ev_loop *loop, ev_io *io, int revents) {
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

static int vu_got_data(vu_t *v, const char *data, size_t n);
static void vu_got_end(vu_t *v, int err);

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

/* --- I/O events: io_uring -------------------------------------------------- */

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
        vu_io_cb(v->w->loop, &v->io, EV_WRITE);
}

const ioring_ops_t vu_ring_ops = {ring_send_cb, ring_recv_cb, ring_conn_cb};

/* --- receive --------------------------------------------------------------- */

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
    if (vu_resend(v))
        return;
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

/* --- record ---------------------------------------------------------------- */

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

/* Counts one finished request of v->req at `now`: answered (its latency goes
 * into the histograms) or not (a transport error), failed with err_kind or
 * not (err_kind < 0). The one place the completion and error paths count. */
static void record_request(vu_t *v, uint64_t now, int answered, int err_kind) {
    worker_t *w = v->w;
    stats_t *st = w->st;
    const request_t *r = v->req;
    uint64_t lat_us = 0;
    st->reqs++;
    st->req_reqs[r->id]++;
    if (r->group >= 0)
        st->group_reqs[r->group]++;
    if (answered) {
        uint64_t start = (w->mode == MODE_OPEN && v->first_in_iter) ? v->t_sched : v->t_send;
        lat_us = (now - start + 500) / 1000;
        hist_record(&st->dur, lat_us);
        hist_record(&st->req_dur[r->id], lat_us);
        if (r->group >= 0)
            hist_record(&st->group_dur[r->group], lat_us);
        if (w->mode == MODE_OPEN)
            hist_record(&st->service, (now - v->t_send + 500) / 1000);
    }
    if (err_kind >= 0) {
        st->failed++;
        st->err[err_kind]++;
        st->req_failed[r->id]++;
        if (r->group >= 0)
            st->group_failed[r->group]++;
        w->failures++;
    }
    if (st->timeseries) {
        uint64_t sec_i = (now - w->t0_ns) / 1000000000ull;
        ts_sec_t *sec = stats_second(st, sec_i);
        sec->reqs++;
        sec->errors += err_kind >= 0;
        if (answered)
            stats_ts_latency(st, sec_i, lat_us);
    }
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

/* The response is complete: record it, run its checks and extractions, then
 * the iteration's next request or its end. */
static void vu_complete(vu_t *v) {
    const request_t *r = v->req;
    int status = v->resp.status, expected = 0;
    if (r->expected) {
        for (size_t i = 0; i < r->nexpected; i++)
            expected |= r->expected[i] == status;
    } else {
        expected = status >= 200 && status < 400;
    }
    v->deadline = 0;
    record_request(v, clock_mono_ns(), 1, expected ? -1 : ERR_STATUS);
    if (!expected) {
        char what[64];
        snprintf(what, sizeof what, "unexpected status %d", status);
        verbose_fail(v, what);
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

void vu_error(vu_t *v, int kind, const char *msg) {
    worker_t *w = v->w;
    const request_t *r = v->req;
    record_request(v, clock_mono_ns(), 0, kind);
    if (w->verbose) {
        char what[256];
        snprintf(what, sizeof what, "%s error: %s", err_kind_names[kind], msg);
        verbose_fail(v, what);
    }
    for (size_t i = 0; i < r->nchecks; i++) { /* an unanswered request fails its checks */
        w->st->check_fail[r->checks[i].id]++;
        w->failures++;
    }
    vu_close(v);
    v->iter_failed = 1;
    vu_iteration_end(v);
}

/* --- iteration end --------------------------------------------------------- */

static void vu_iteration_end(vu_t *v) {
    v->w->st->iterations++;
    hist_record(&v->w->st->iter_dur, (clock_mono_ns() - v->t_iter) / 1000);
    v->iter++;
    v->state = VS_IDLE;
    v->deadline = 0;
    worker_vu_free(v);
}
