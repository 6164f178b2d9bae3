#include "server/db/pool.h"

#include "common/log.h"
#include "server/slots.h"

#include <stdlib.h>
#include <string.h>

#define ACQUIRE_TIMEOUT_S 5

struct db_conn {
    PGconn *pg;
    unsigned char prepared[STMT_COUNT];
    int lost;
};

struct db_pool {
    char *dsn;
    int size;
    struct db_conn *slots;
    struct slots reserved;
};

struct db_pool *db_pool_new(const char *dsn, int size) {
    struct db_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->dsn = strdup(dsn);
    p->size = size;
    p->slots = calloc((size_t)size, sizeof *p->slots);
    if (p->dsn == NULL || p->slots == NULL || slots_init(&p->reserved, size) != 0) {
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

/* Opens the slot's connection when it has none; 0 when usable. */
static int ensure_connected(struct db_pool *p, struct db_conn *c) {
    if (c->pg != NULL && !c->lost && PQstatus(c->pg) == CONNECTION_OK)
        return 0;
    close_slot(c);
    const char *keys[] = {"dbname", "connect_timeout", NULL};
    const char *vals[] = {p->dsn, "3", NULL};
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
        LOG_W("postgres: connect failed: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
        close_slot(c);
        return -1;
    }
    return 0;
}

struct db_conn *db_acquire(struct db_pool *p) {
    int i = slots_take(&p->reserved, ACQUIRE_TIMEOUT_S);
    if (i < 0) {
        LOG_W("postgres: no free pool slot within %d s", ACQUIRE_TIMEOUT_S);
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

void db_release(struct db_pool *p, struct db_conn *c) {
    if (c == NULL)
        return;
    if (c->pg != NULL && PQstatus(c->pg) != CONNECTION_OK)
        c->lost = 1;
    if (c->pg != NULL && !c->lost && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
        if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            c->lost = 1;
    }
    if (c->lost)
        close_slot(c);
    slots_give(&p->reserved, (int)(c - p->slots));
}

int db_pool_in_use(struct db_pool *p) {
    return slots_in_use(&p->reserved);
}

static void check_lost(struct db_conn *c, const PGresult *r) {
    if (r == NULL || PQstatus(c->pg) != CONNECTION_OK)
        c->lost = 1;
}

PGresult *db_run(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params) {
    const struct statement *s = statement_get(id);
    if (!c->prepared[id]) {
        PGresult *r = PQprepare(c->pg, s->name, s->sql, 0, NULL);
        check_lost(c, r);
        if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
            if (r != NULL && !c->lost)
                LOG_E("postgres: prepare %s: %s", s->name, PQresultErrorMessage(r));
            return r;
        }
        PQclear(r);
        c->prepared[id] = 1;
    }
    PGresult *r = PQexecPrepared(c->pg, s->name, nparams, params, NULL, NULL, 0);
    check_lost(c, r);
    return r;
}

PGresult *db_exec(struct db_conn *c, const char *sql) {
    PGresult *r = PQexec(c->pg, sql);
    check_lost(c, r);
    return r;
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
