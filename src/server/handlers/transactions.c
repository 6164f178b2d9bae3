/* /transactions: stock decrements under four concurrency-control methods
 * (scenario 13). Contention outcomes (lost race, serialization failure,
 * insufficient stock) are 200 with success=false and the reason in "error". */
#include "server/handlers/dbutil.h"

#include "common/clock.h"
#include "server/db/rows.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPTIMISTIC_RETRIES 5

HANDLER(h_tx_reset) {
    (void)req;
    return reply_reset(resp, app, statement_get(STMT_PRODUCTS_RESET)->sql,
                       "products reset to stock 1000, version 0");
}

HANDLER(h_tx_product) {
    ID_PARAM(id, "id", "product");
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, STMT_PRODUCT_GET, 1, p);
    int rc;
    if (!db_ok(r))
        rc = reply_db_failure(resp, c, r);
    else if (PQntuples(r) == 0)
        rc = reply_error(resp, 404, "not_found", "product not found");
    else
        rc = reply_json(resp, 200, db_row(r, 0));
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

enum outcome { DONE, NOT_FOUND, DB_FAILED };

struct attempt {
    long long old_stock, new_stock;
    int success, retries;
    const char *error;
    PGresult *fail; /* the failed result when DB_FAILED */
};

static int is_conflict(const PGresult *r) {
    const char *s = db_sqlstate(r);
    return strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0;
}

/* Reads stock (and version) of product ids; NOT_FOUND when absent. */
static enum outcome read_product(struct db_conn *c, enum stmt_id stmt, const char *ids,
                                 long long *stock, long long *version, struct attempt *a) {
    const char *p[] = {ids};
    PGresult *r = db_run(c, stmt, 1, p);
    if (!db_ok(r)) {
        a->fail = r;
        return DB_FAILED;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        return NOT_FOUND;
    }
    *stock = db_ll(r, 0, 2);
    *version = db_ll(r, 0, 3);
    PQclear(r);
    return DONE;
}

static PGresult *write_stock(struct db_conn *c, const char *ids, long long stock) {
    char s[24];
    snprintf(s, sizeof s, "%lld", stock);
    const char *p[] = {ids, s};
    return db_run(c, STMT_PRODUCT_SET_STOCK, 2, p);
}

/* no-lock, pessimistic (FOR UPDATE in a transaction), serializable. */
static enum outcome read_then_write(struct db_conn *c, const char *ids, long long q,
                                    const char *begin, enum stmt_id read_stmt, struct attempt *a) {
    long long version;
    if (begin != NULL) {
        PGresult *r = db_exec(c, begin);
        if (!db_ok(r)) {
            a->fail = r;
            return DB_FAILED;
        }
        PQclear(r);
    }
    enum outcome o = read_product(c, read_stmt, ids, &a->old_stock, &version, a);
    if (o != DONE) {
        if (o == DB_FAILED && is_conflict(a->fail)) {
            PQclear(a->fail);
            a->fail = NULL;
            a->error = "serialization failure";
            a->new_stock = a->old_stock;
            return DONE;
        }
        return o;
    }
    a->new_stock = a->old_stock;
    if (a->old_stock < q) {
        a->error = "insufficient stock";
        return DONE; /* release rolls back an open transaction */
    }
    PGresult *r = write_stock(c, ids, a->old_stock - q);
    if (db_ok(r) && begin != NULL) {
        PQclear(r);
        r = db_exec(c, "COMMIT");
        /* COMMIT of a failed serializable transaction reports the conflict. */
    }
    if (!db_ok(r)) {
        if (is_conflict(r)) {
            PQclear(r);
            a->error = "serialization failure";
            return DONE;
        }
        a->fail = r;
        return DB_FAILED;
    }
    PQclear(r);
    a->new_stock = a->old_stock - q;
    a->success = 1;
    return DONE;
}

static enum outcome optimistic(struct db_conn *c, const char *ids, long long q, struct attempt *a) {
    for (;;) {
        long long version;
        enum outcome o = read_product(c, STMT_PRODUCT_GET, ids, &a->old_stock, &version, a);
        if (o != DONE)
            return o;
        a->new_stock = a->old_stock;
        if (a->old_stock < q) {
            a->error = "insufficient stock";
            return DONE;
        }
        char s[24], v[24];
        snprintf(s, sizeof s, "%lld", a->old_stock - q);
        snprintf(v, sizeof v, "%lld", version);
        const char *p[] = {ids, s, v};
        PGresult *r = db_run(c, STMT_PRODUCT_CAS, 3, p);
        if (!db_ok(r)) {
            a->fail = r;
            return DB_FAILED;
        }
        int swapped = strcmp(PQcmdTuples(r), "1") == 0;
        PQclear(r);
        if (swapped) {
            a->new_stock = a->old_stock - q;
            a->success = 1;
            return DONE;
        }
        if (a->retries == OPTIMISTIC_RETRIES) {
            a->error = "version conflict: gave up after 5 retries";
            return DONE;
        }
        a->retries++;
    }
}

HANDLER(h_tx_decrement) {
    static const char *const methods[] = {"no-lock", "pessimistic", "optimistic", "serializable"};
    const char *m = req_param(req, "method");
    int which = -1;
    for (int i = 0; m != NULL && i < 4; i++)
        if (strcmp(m, methods[i]) == 0)
            which = i;
    if (which < 0)
        return reply_error(resp, 404, "not_found",
                           "method must be no-lock, pessimistic, optimistic or serializable");
    INT_PARAM(pid, "product_id", 1, 2147483647LL, 1);
    INT_PARAM(q, "quantity", 1, 1000000, 1);
    uint64_t start = clock_mono_ns();
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", pid);
    ACQUIRE_DB(c);
    struct attempt a = {0};
    enum outcome o;
    switch (which) {
    case 0:
        o = read_then_write(c, ids, q, NULL, STMT_PRODUCT_GET, &a);
        break;
    case 1:
        o = read_then_write(c, ids, q, "BEGIN", STMT_PRODUCT_GET_FOR_UPDATE, &a);
        break;
    case 2:
        o = optimistic(c, ids, q, &a);
        break;
    default:
        o = read_then_write(c, ids, q, "BEGIN ISOLATION LEVEL SERIALIZABLE", STMT_PRODUCT_GET, &a);
        break;
    }
    int rc;
    if (o == DB_FAILED) {
        rc = reply_db_failure(resp, c, a.fail);
    } else if (o == NOT_FOUND) {
        rc = reply_error(resp, 404, "not_found", "product not found");
    } else {
        json_t *j = json_object();
        json_object_set_new(j, "success", json_boolean(a.success));
        json_object_set_new(j, "method", json_string(m));
        json_object_set_new(j, "product_id", json_integer(pid));
        json_object_set_new(j, "old_stock", json_integer(a.old_stock));
        json_object_set_new(j, "new_stock", json_integer(a.new_stock));
        json_object_set_new(j, "retries", json_integer(a.retries));
        json_object_set_new(j, "elapsed_ms", json_real(elapsed_ms(start)));
        json_object_set_new(j, "error", a.error ? json_string(a.error) : json_null());
        rc = reply_json(resp, 200, j);
    }
    PQclear(a.fail);
    db_release(app->db, c);
    return rc;
}
