/* The load engine's workers and their scheduler: threads, the closed model's
 * VUs, stages' ramps, the open model's arrival schedule and backlog, timeouts,
 * progress, and what a VU does after an iteration. The VU connection state
 * machine itself is vu.c (engine_internal.h). */
#include "load/engine.h"

#include <errno.h>
#include <ev.h>
#include <math.h>
#include <netdb.h>
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

#include "common/clock.h"
#include "common/xalloc.h"
#include "load/engine_internal.h"

struct sockaddr_storage g_addr;
socklen_t g_addrlen;
atomic_int g_interrupt;
static _Atomic int64_t g_tickets;
static int g_limited; /* iterations limited by g_tickets */

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

static void ts_count(worker_t *w, uint64_t dropped, uint64_t late);

/* Ends the worker's loop (libev's, or the ring's). */
void loop_break(worker_t *w) {
    w->loop_done = 1;
    ev_break(w->loop, EVBREAK_ALL);
}

/* Stages, closed model: whether the VU is among the active ones now. */
static int vu_active(const vu_t *v) {
    double t = (double)(clock_mono_ns() - v->w->t0_ns) / 1e9;
    return v->rank < stages_vus(&v->w->s->stages, t);
}

/* The VU ended an iteration (engine_internal.h). */
void worker_vu_free(vu_t *v) {
    worker_t *w = v->w;
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

void backoff_cb(struct ev_loop *loop, ev_timer *t, int revents) {
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
    uint64_t now = clock_mono_ns();
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
    double now = (double)(clock_mono_ns() - w->t0_ns) / 1e9;
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
    ts_sec_t *sec = stats_second(w->st, (clock_mono_ns() - w->t0_ns) / 1000000000ull);
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
    double wait = (at_ns - (double)clock_mono_ns()) / 1e9;
    ev_timer_set(&w->sched_timer, wait > 0 ? wait : 0, 0);
    ev_timer_start(w->loop, &w->sched_timer);
}

/* Open model: start every iteration whose scheduled time has come. */
static void sched_run(worker_t *w) {
    uint64_t now = clock_mono_ns();
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
    w->rng = (uint64_t)clock_mono_ns() ^ ((uint64_t)first_vu * 0x9e3779b97f4a7c15ull) ^
             (uint64_t)getpid();
    w->vars_init = vars;
    for (int i = 0; i < nvus; i++) {
        vu_t *v = &w->vus[i];
        v->w = w;
        v->id = first_vu + i;
        v->fd = -1;
        http_resp_init(&v->resp);
        ev_init(&v->io, vu_io_cb);
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

/* --io uring, closed model: how often libev's timers run (ioring_run). 1 ms
 * when VUs pause between iterations (think time) or stages ramp; else 10 ms,
 * or the timeout sweep's period when shorter: the only timers are then the
 * sweep, the end of the run and a failed connection's pause. Fewer wake-ups
 * cost less CPU per request (docs/scenarios.md, "I/O"). */
static uint64_t ring_tick_ns(const worker_t *w) {
    if (w->s->think_time_s > 0 || w->s->stages.n)
        return 1000000;
    double tick = fmin(0.01, w->sweep.repeat);
    return (uint64_t)(tick * 1e9);
}

static void worker_go(worker_t *w) {
    if (w->use_ring) { /* made here: the ring belongs to the thread that submits */
        w->ring = ioring_new((unsigned)w->nvus, &vu_ring_ops);
        w->ring_ok = w->ring != NULL;
        if (!w->ring)
            fprintf(stderr, "benchlab-load: io_uring unavailable (%s), using epoll\n",
                    strerror(errno));
    }
    uint64_t now = clock_mono_ns();
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
                            w->mode == MODE_OPEN ? &w->next_sched_ns : NULL, ring_tick_ns(w));
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
    uint64_t t0 = clock_mono_ns();
    worker_go(w);
    w->st->cpu_s = thread_cpu_s() - cpu0;
    stats_ts_flush(w->st);
    w->finish_ns = clock_mono_ns();
    w->st->wall_s = (double)(w->finish_ns - t0) / 1e9;
    publish(w, clock_mono_ns());
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
    double el = (double)(clock_mono_ns() - t0) / 1e9;
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
    res->start_unix_ms = clock_wall_ms();
    uint64_t t0 = clock_mono_ns();
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
        uint64_t now = clock_mono_ns();
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
    w->t0_ns = clock_mono_ns();
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
