#include "server/db/pool.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/db/dep_guard.h"
#include "server/http/fiber.h"
#include "server/slots.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_conn {
    PGconn *pg;
    struct db_pool *pool;
    unsigned char prepared[STMT_COUNT];
    int lost;
};

struct db_pool {
    char *dsn;
    int size;
    int timeout_ms;
    char connect_timeout[16]; /* seconds, for libpq's own blocking paths */
    char options[64];         /* -c statement_timeout=... */
    struct db_conn *slots;
    struct slots reserved;
    struct dep_guard guard;
};

static int probe(void *cls);

#define PROBE_TIMEOUT_MS 5000

struct db_pool *db_pool_new(const char *dsn, int size, int timeout_ms) {
    struct db_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->dsn = strdup(dsn);
    p->size = size;
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : DB_TIMEOUT_MS_DEFAULT;
    /* libpq treats values below 2 s as 2 s; our own deadline is enforced
     * around PQconnectPoll anyway. */
    snprintf(p->connect_timeout, sizeof p->connect_timeout, "%d",
             p->timeout_ms < 2000 ? 2 : (p->timeout_ms + 999) / 1000);
    /* The server gives up on a slow statement first (57014: a 503 that does
     * not mark PostgreSQL down); the client deadline, later, catches a server
     * that does not answer at all (a stall: it marks PostgreSQL down). */
    snprintf(p->options, sizeof p->options, "-c statement_timeout=%d",
             p->timeout_ms * 4 / 5 > 0 ? p->timeout_ms * 4 / 5 : 1);
    p->slots = calloc((size_t)size, sizeof *p->slots);
    if (p->dsn == NULL || p->slots == NULL || slots_init(&p->reserved, size) != 0) {
        free(p->dsn);
        free(p->slots);
        free(p);
        return NULL;
    }
    for (int i = 0; i < size; i++)
        p->slots[i].pool = p;
    if (dep_guard_start(&p->guard, "postgres", probe, p) != 0) {
        slots_destroy(&p->reserved);
        free(p->dsn);
        free(p->slots);
        free(p);
        return NULL;
    }
    return p;
}

void db_pool_free(struct db_pool *p) {
    if (p == NULL)
        return;
    dep_guard_stop(&p->guard);
    for (int i = 0; i < p->size; i++)
        if (p->slots[i].pg != NULL)
            PQfinish(p->slots[i].pg);
    slots_destroy(&p->reserved);
    free(p->slots);
    free(p->dsn);
    free(p);
}

static void close_slot(struct db_conn *c) {
    if (c->pg != NULL)
        PQfinish(c->pg);
    c->pg = NULL;
    c->lost = 0;
    memset(c->prepared, 0, sizeof c->prepared);
}

/* Waits until pg's socket is readable (or writable); 0 ready, 1 deadline
 * passed, -1 error. In a request fiber the event loop serves other requests
 * meanwhile (http/fiber.h). */
static int wait_socket(PGconn *pg, int for_write, uint64_t deadline_ns) {
    return io_wait_fd(PQsocket(pg), for_write, deadline_ns);
}

static uint64_t deadline_after(int ms) {
    return clock_mono_ns() + (uint64_t)ms * 1000000ull;
}

/* PQconnectStartParams with the pool's settings (driven with PQconnectPoll). */
static PGconn *connect_start(struct db_pool *p) {
    /* The DSN is expanded first (expand_dbname); later keys override it. */
    const char *keys[] = {"dbname",
                          "connect_timeout",
                          "keepalives",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "options",
                          NULL};
    const char *vals[] = {p->dsn, p->connect_timeout, "1", "5", "2", "3", p->options, NULL};
    return PQconnectStartParams(keys, vals, 1);
}

/* A new connection with the pool's settings, within the deadline; NULL
 * (logged) when PostgreSQL refused, failed or did not finish in time. */
static PGconn *open_conn(struct db_pool *p, int timeout_ms) {
    uint64_t deadline = deadline_after(timeout_ms);
    PGconn *pg = connect_start(p);
    if (pg == NULL) {
        LOG_W("postgres: connect failed: out of memory");
        return NULL;
    }
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (PQstatus(pg) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int w = wait_socket(pg, st == PGRES_POLLING_WRITING, deadline);
        if (w != 0) {
            LOG_W("postgres: connect %s", w > 0               ? "timed out"
                                          : fiber_cancelled() ? "given up"
                                                              : "failed");
            PQfinish(pg);
            return NULL;
        }
        st = PQconnectPoll(pg);
    }
    if (PQstatus(pg) != CONNECTION_OK || PQsetnonblocking(pg, 1) != 0) {
        LOG_W("postgres: connect failed: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* Opens the slot's connection when it has none; 0 when usable. */
static int ensure_connected(struct db_pool *p, struct db_conn *c) {
    if (c->pg != NULL && !c->lost && PQstatus(c->pg) == CONNECTION_OK)
        return 0;
    close_slot(c);
    c->pg = open_conn(p, p->timeout_ms);
    if (c->pg == NULL) {
        if (!fiber_cancelled()) /* a request given up is not PostgreSQL's fault */
            dep_guard_trip(&p->guard);
        return -1;
    }
    return 0;
}

struct db_conn *db_acquire(struct db_pool *p) {
    if (dep_guard_down(&p->guard))
        return NULL; /* stalled or down: 503 now, the probe brings it back */
    int i = slots_take(&p->reserved, p->timeout_ms);
    if (i < 0) {
        LOG_W("postgres: no free pool slot within %d ms", p->timeout_ms);
        return NULL;
    }
    struct db_conn *c = &p->slots[i];
    /* Connecting happens outside the lock so other slots stay usable. */
    if (ensure_connected(p, c) != 0) {
        db_release(p, c);
        return NULL;
    }
    return c;
}

/* Sends what libpq buffered and collects the results of the command just
 * sent, within the deadline: the last result, or the first error. NULL and
 * c->lost when the connection broke or the deadline passed (then the guard
 * trips: the request answers 503 and the slot reconnects). */
static PGresult *finish(struct db_conn *c, int sent) {
    PGconn *pg = c->pg;
    uint64_t deadline = deadline_after(c->pool->timeout_ms);
    PGresult *keep = NULL;
    int w = 0;
    if (!sent)
        goto lost;
    for (;;) {
        int f = PQflush(pg);
        if (f == 0)
            break;
        if (f < 0 || (w = wait_socket(pg, 1, deadline)) != 0)
            goto lost;
    }
    for (;;) {
        while (PQisBusy(pg)) {
            if ((w = wait_socket(pg, 0, deadline)) != 0 || !PQconsumeInput(pg))
                goto lost;
        }
        PGresult *r = PQgetResult(pg);
        if (r == NULL)
            break;
        if (keep != NULL && !db_ok(keep)) {
            PQclear(r); /* keep the first error */
        } else {
            PQclear(keep);
            keep = r;
        }
    }
    if (keep != NULL && strcmp(db_sqlstate(keep), "57014") == 0) {
        /* statement_timeout (or a cancel): the server gave up in time. */
        LOG_W("postgres: statement timed out after %d ms", c->pool->timeout_ms);
        c->lost = 1;
    }
    if (PQstatus(pg) != CONNECTION_OK)
        c->lost = 1;
    return keep;
lost:
    PQclear(keep);
    c->lost = 1;
    if (w > 0) {
        LOG_W("postgres: no answer within %d ms", c->pool->timeout_ms);
        dep_guard_trip(&c->pool->guard);
    } else if (PQstatus(pg) != CONNECTION_OK) {
        dep_guard_trip(&c->pool->guard);
    }
    return NULL;
}

static PGresult *run_text(struct db_conn *c, const char *sql) {
    return finish(c, PQsendQuery(c->pg, sql));
}

void db_release(struct db_pool *p, struct db_conn *c) {
    if (c == NULL)
        return;
    if (c->pg != NULL && PQstatus(c->pg) != CONNECTION_OK)
        c->lost = 1;
    if (c->pg != NULL && !c->lost && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = run_text(c, "ROLLBACK");
        PQclear(r);
        if (c->lost || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            c->lost = 1;
    }
    if (c->lost)
        close_slot(c);
    slots_give(&p->reserved, (int)(c - p->slots));
}

int db_pool_in_use(struct db_pool *p) {
    return slots_in_use(&p->reserved);
}

int db_pool_down(struct db_pool *p) {
    return dep_guard_down(&p->guard);
}

PGresult *db_run(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params) {
    const struct statement *s = statement_get(id);
    if (!c->prepared[id]) {
        PGresult *r = finish(c, PQsendPrepare(c->pg, s->name, s->sql, 0, NULL));
        if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
            if (r != NULL && !c->lost)
                LOG_E("postgres: prepare %s: %s", s->name, PQresultErrorMessage(r));
            return r;
        }
        PQclear(r);
        c->prepared[id] = 1;
    }
    return finish(c, PQsendQueryPrepared(c->pg, s->name, nparams, params, NULL, NULL, 0));
}

PGresult *db_exec(struct db_conn *c, const char *sql) {
    return run_text(c, sql);
}

int db_conn_lost(struct db_conn *c) {
    return c->lost || c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK;
}

int db_ok(const PGresult *r) {
    if (r == NULL)
        return 0;
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

const char *db_sqlstate(const PGresult *r) {
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

/* The guard's probe: a fresh connection and SELECT 1. No request waits for
 * it, so it may take longer than a request's deadline: a PostgreSQL that has
 * just been thawed works through its backlog of connection attempts first. */
static int probe(void *cls) {
    struct db_pool *p = cls;
    struct db_conn c = {.pool = p};
    c.pg = open_conn(p, p->timeout_ms < PROBE_TIMEOUT_MS ? PROBE_TIMEOUT_MS : p->timeout_ms);
    if (c.pg == NULL)
        return -1;
    PGresult *r = run_text(&c, "SELECT 1");
    int ok = db_ok(r) && !c.lost;
    PQclear(r);
    PQfinish(c.pg);
    return ok ? 0 : -1;
}
