#include "server/db/async.h"

#ifdef __linux__ /* epoll and eventfd; elsewhere db_async_new fails (see the end) */

#include "common/clock.h"
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_PARAMS 8
#define WAKE_TAG UINT32_MAX
/* A queued job waits for a connection at most this many deadlines (a backlog
 * on a slow machine, not a stall: a stall trips the guard first). */
#define WAIT_FACTOR 5

struct job {
    struct job *next;
    enum stmt_id id;
    int nparams;
    char *params[MAX_PARAMS];
    db_async_done done;
    void *arg;
    uint64_t deadline_ns;
};

struct aconn {
    PGconn *pg;
    unsigned char prepared[STMT_COUNT];
    struct job *job; /* NULL: idle */
    int connecting;  /* PQconnectPoll in progress */
    int fd;          /* the socket registered with epoll, -1 none */
    int preparing;   /* the PREPARE of job's statement is in flight */
    int want_write;  /* libpq has unsent output */
    PGresult *keep;  /* the last result so far, or the first error */
};

struct db_async {
    struct db_pool *pool;
    int n;
    struct aconn *conns;
    int epfd, evfd;
    pthread_t thread;
    pthread_mutex_t mu; /* guards the queue and stopping */
    struct job *head, *tail;
    int stopping;
};

static void job_end(struct job *j, PGresult *r) {
    j->done(j->arg, r);
    for (int i = 0; i < j->nparams; i++)
        free(j->params[i]);
    free(j);
}

static void drop_conn(struct db_async *a, struct aconn *c) {
    if (c->fd >= 0)
        epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->fd = -1;
    c->connecting = 0;
    if (c->pg != NULL)
        PQfinish(c->pg);
    PQclear(c->keep);
    c->keep = NULL;
    c->pg = NULL;
    c->preparing = c->want_write = 0;
    memset(c->prepared, 0, sizeof c->prepared);
}

/* Ends the connection's job with r (NULL = unavailable); drops the
 * connection when it is not reusable. */
static void finish_job(struct db_async *a, struct aconn *c, PGresult *r, int drop) {
    struct job *j = c->job;
    c->job = NULL;
    c->preparing = 0;
    if (drop || c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK)
        drop_conn(a, c);
    job_end(j, r);
}

/* Registers the connection's socket (it may change while connecting) for
 * reading, and writing when want_write. */
static void watch(struct db_async *a, struct aconn *c) {
    int fd = PQsocket(c->pg);
    struct epoll_event ev = {.events = EPOLLIN | (c->want_write ? EPOLLOUT : 0),
                             .data.u32 = (uint32_t)(c - a->conns)};
    if (fd != c->fd && c->fd >= 0)
        epoll_ctl(a->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    if (fd >= 0)
        epoll_ctl(a->epfd, fd == c->fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
    c->fd = fd;
}

/* Sends what libpq holds; 0, or -1 when the connection broke. */
static int flush(struct db_async *a, struct aconn *c) {
    int f = PQflush(c->pg);
    if (f < 0)
        return -1;
    if ((f == 1) != c->want_write) {
        c->want_write = f == 1;
        watch(a, c);
    }
    return 0;
}

/* Sends the job's next command (its PREPARE on first use, then the query). */
static int send_step(struct db_async *a, struct aconn *c) {
    const struct statement *s = statement_get(c->job->id);
    int ok;
    if (!c->prepared[c->job->id]) {
        c->preparing = 1;
        ok = PQsendPrepare(c->pg, s->name, s->sql, 0, NULL);
    } else {
        c->preparing = 0;
        ok = PQsendQueryPrepared(c->pg, s->name, c->job->nparams,
                                 (const char *const *)c->job->params, NULL, NULL, 0);
    }
    return ok ? flush(a, c) : -1;
}

/* Moves a connection being opened on; when it is up, sends the job. */
static void connect_step(struct db_async *a, struct aconn *c) {
    PostgresPollingStatusType st = PQconnectPoll(c->pg);
    if (st == PGRES_POLLING_READING || st == PGRES_POLLING_WRITING) {
        c->want_write = st == PGRES_POLLING_WRITING;
        watch(a, c);
        return;
    }
    c->connecting = 0;
    c->want_write = 0;
    if (st != PGRES_POLLING_OK || PQsetnonblocking(c->pg, 1) != 0) {
        LOG_W("postgres: connect failed: %s", PQerrorMessage(c->pg));
        db_pool_trip(a->pool);
        finish_job(a, c, NULL, 1);
        return;
    }
    watch(a, c);
    if (send_step(a, c) != 0) {
        LOG_W("postgres: send failed: %s", PQerrorMessage(c->pg));
        db_pool_trip(a->pool);
        finish_job(a, c, NULL, 1);
    }
}

static void start_job(struct db_async *a, struct aconn *c, struct job *j) {
    c->job = j;
    /* The deadline counts from here, as for a blocking call (db/pool.h),
     * connecting included: waiting for a free connection is not a stall, and
     * when PostgreSQL stalls the running jobs miss their deadline, the guard
     * trips, and the queued ones end at once. */
    j->deadline_ns = clock_mono_ns() + (uint64_t)db_pool_timeout_ms(a->pool) * 1000000ull;
    if (c->pg == NULL) {
        c->pg = db_pool_connect_start(a->pool);
        if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
            LOG_W("postgres: connect failed: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
            db_pool_trip(a->pool);
            finish_job(a, c, NULL, 1);
            return;
        }
        /* As libpq says: behave as if PQconnectPoll had said WRITING. */
        c->connecting = 1;
        c->want_write = 1;
        watch(a, c);
        return;
    }
    if (send_step(a, c) != 0) {
        LOG_W("postgres: send failed: %s", PQerrorMessage(c->pg));
        db_pool_trip(a->pool);
        finish_job(a, c, NULL, 1);
    }
}

/* The socket is ready: read what arrived and move the job on. */
static void on_ready(struct db_async *a, struct aconn *c) {
    if (c->job == NULL || c->pg == NULL) {
        if (c->pg != NULL && !PQconsumeInput(c->pg))
            drop_conn(a, c); /* an idle connection closed by the server */
        return;
    }
    if (c->connecting) {
        connect_step(a, c);
        return;
    }
    if (c->want_write && flush(a, c) != 0)
        goto broken;
    if (!PQconsumeInput(c->pg))
        goto broken;
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r != NULL) {
            if (c->keep != NULL && !db_ok(c->keep)) {
                PQclear(r); /* keep the first error */
            } else {
                PQclear(c->keep);
                c->keep = r;
            }
            continue;
        }
        /* The command is complete. */
        PGresult *res = c->keep;
        c->keep = NULL;
        if (c->preparing && res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            c->prepared[c->job->id] = 1;
            if (send_step(a, c) != 0)
                goto broken;
            return;
        }
        if (res != NULL && strcmp(db_sqlstate(res), "57014") == 0) {
            LOG_W("postgres: statement timed out after %d ms", db_pool_timeout_ms(a->pool));
            PQclear(res);
            finish_job(a, c, NULL, 1);
            return;
        }
        if (c->preparing && res != NULL)
            LOG_E("postgres: prepare %s: %s", statement_get(c->job->id)->name,
                  PQresultErrorMessage(res));
        finish_job(a, c, res, 0);
        return;
    }
    return;
broken:
    LOG_W("postgres: connection lost: %s", PQerrorMessage(c->pg));
    db_pool_trip(a->pool);
    finish_job(a, c, NULL, 1);
}

/* Running jobs past their deadline end unavailable; returns the epoll
 * timeout until the next deadline (-1: none). */
static int expire(struct db_async *a, uint64_t now) {
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < a->n; i++) {
        struct aconn *c = &a->conns[i];
        if (c->job == NULL)
            continue;
        if (now >= c->job->deadline_ns) {
            LOG_W("postgres: no answer within %d ms", db_pool_timeout_ms(a->pool));
            db_pool_trip(a->pool);
            finish_job(a, c, NULL, 1);
        } else if (c->job->deadline_ns < next) {
            next = c->job->deadline_ns;
        }
    }
    pthread_mutex_lock(&a->mu);
    if (a->head != NULL && a->head->deadline_ns < next)
        next = a->head->deadline_ns;
    pthread_mutex_unlock(&a->mu);
    if (next == UINT64_MAX)
        return -1;
    return next <= now ? 0 : (int)((next - now + 999999) / 1000000);
}

/* Hands queued jobs to idle connections; ends them at once when PostgreSQL is
 * marked down, their deadline passed, or the engine stops. */
static int dispatch(struct db_async *a) {
    for (;;) {
        pthread_mutex_lock(&a->mu);
        int stopping = a->stopping;
        struct job *j = a->head;
        struct aconn *idle = NULL;
        for (int i = 0; j != NULL && i < a->n && idle == NULL; i++)
            if (a->conns[i].job == NULL)
                idle = &a->conns[i];
        int fail =
            j != NULL && (stopping || db_pool_down(a->pool) || clock_mono_ns() >= j->deadline_ns);
        if (j != NULL && (idle != NULL || fail)) {
            a->head = j->next;
            if (a->head == NULL)
                a->tail = NULL;
        } else {
            j = NULL;
        }
        pthread_mutex_unlock(&a->mu);
        if (j == NULL)
            return stopping;
        if (fail)
            job_end(j, NULL);
        else
            start_job(a, idle, j);
    }
}

static void *loop(void *arg) {
    struct db_async *a = arg;
    struct epoll_event ev[32];
    for (;;) {
        if (dispatch(a)) {
            for (int i = 0; i < a->n; i++) {
                if (a->conns[i].job != NULL)
                    finish_job(a, &a->conns[i], NULL, 1);
                drop_conn(a, &a->conns[i]);
            }
            return NULL;
        }
        int timeout = expire(a, clock_mono_ns());
        int n = epoll_wait(a->epfd, ev, 32, timeout);
        if (n < 0 && errno != EINTR) {
            LOG_E("postgres async: epoll_wait: %s", strerror(errno));
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.u32 == WAKE_TAG) {
                uint64_t v;
                ssize_t rd = read(a->evfd, &v, sizeof v);
                (void)rd;
            } else {
                on_ready(a, &a->conns[ev[i].data.u32]);
            }
        }
        expire(a, clock_mono_ns());
    }
}

struct db_async *db_async_new(struct db_pool *pool, int nconns) {
    struct db_async *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->pool = pool;
    a->n = nconns;
    a->conns = calloc((size_t)nconns, sizeof *a->conns);
    for (int i = 0; a->conns != NULL && i < nconns; i++)
        a->conns[i].fd = -1;
    a->epfd = epoll_create1(EPOLL_CLOEXEC);
    a->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_mutex_init(&a->mu, NULL);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = WAKE_TAG};
    if (a->conns == NULL || a->epfd < 0 || a->evfd < 0 ||
        epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->evfd, &ev) != 0 ||
        pthread_create(&a->thread, NULL, loop, a) != 0) {
        if (a->epfd >= 0)
            close(a->epfd);
        if (a->evfd >= 0)
            close(a->evfd);
        pthread_mutex_destroy(&a->mu);
        free(a->conns);
        free(a);
        return NULL;
    }
    return a;
}

static void wake(struct db_async *a) {
    uint64_t one = 1;
    ssize_t w = write(a->evfd, &one, sizeof one);
    (void)w;
}

int db_async_submit(struct db_async *a, enum stmt_id id, int nparams, const char *const *params,
                    db_async_done done, void *arg) {
    if (nparams > MAX_PARAMS)
        return -1;
    struct job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return -1;
    j->id = id;
    j->done = done;
    j->arg = arg;
    j->deadline_ns =
        clock_mono_ns() + (uint64_t)db_pool_timeout_ms(a->pool) * WAIT_FACTOR * 1000000ull;
    for (int i = 0; i < nparams; i++) {
        if (params[i] != NULL && (j->params[i] = strdup(params[i])) == NULL) {
            for (int k = 0; k < i; k++)
                free(j->params[k]);
            free(j);
            return -1;
        }
        j->nparams = i + 1;
    }
    pthread_mutex_lock(&a->mu);
    int stopping = a->stopping;
    if (!stopping) {
        if (a->tail != NULL)
            a->tail->next = j;
        else
            a->head = j;
        a->tail = j;
    }
    pthread_mutex_unlock(&a->mu);
    if (stopping) {
        for (int i = 0; i < j->nparams; i++)
            free(j->params[i]);
        free(j);
        return -1;
    }
    wake(a);
    return 0;
}

void db_async_stop(struct db_async *a) {
    if (a == NULL)
        return;
    pthread_mutex_lock(&a->mu);
    int was = a->stopping;
    a->stopping = 1;
    pthread_mutex_unlock(&a->mu);
    if (was)
        return;
    wake(a);
    pthread_join(a->thread, NULL);
}

void db_async_free(struct db_async *a) {
    if (a == NULL)
        return;
    db_async_stop(a);
    close(a->epfd);
    close(a->evfd);
    pthread_mutex_destroy(&a->mu);
    free(a->conns);
    free(a);
}

#else /* !__linux__: no engine; GET /users stays on the synchronous path */

struct db_async *db_async_new(struct db_pool *pool, int nconns) {
    (void)pool;
    (void)nconns;
    return NULL;
}

int db_async_submit(struct db_async *a, enum stmt_id id, int nparams, const char *const *params,
                    db_async_done done, void *arg) {
    (void)a;
    (void)id;
    (void)nparams;
    (void)params;
    (void)done;
    (void)arg;
    return -1;
}

void db_async_stop(struct db_async *a) {
    (void)a;
}

void db_async_free(struct db_async *a) {
    (void)a;
}

#endif
