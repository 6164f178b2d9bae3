/* /bulk-operations: five ways to write N rows of bulk_items (scenario 12). */
#include "server/handlers/dbutil.h"

#include "common/clock.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HANDLER(h_bulk_cleanup) {
    (void)req;
    return reply_reset(resp, app, "TRUNCATE bulk_items RESTART IDENTITY", "bulk_items truncated");
}

/* Runs a statement and adds its affected-row count; -1 on failure (r kept in *fail). */
static int step(PGresult *r, long long *count, PGresult **fail) {
    if (!db_ok(r)) {
        *fail = r;
        return -1;
    }
    *count += strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return 0;
}

static int rows_one_by_one(struct db_conn *c, long long n, int update, long long *count,
                           PGresult **fail) {
    for (long long i = 1; i <= n; i++) {
        char a[40], b[24];
        if (update) {
            snprintf(a, sizeof a, "%lld", i);
            snprintf(b, sizeof b, "%lld", i * 10);
        } else {
            snprintf(a, sizeof a, "item_%lld", i);
            snprintf(b, sizeof b, "%lld", i);
        }
        const char *p[] = {a, b};
        if (step(db_run(c, update ? STMT_BULK_UPDATE : STMT_BULK_INSERT, 2, p), count, fail) != 0)
            return -1;
    }
    return 0;
}

static int in_transaction(struct db_conn *c, long long n, long long *count, PGresult **fail) {
    long long ignored = 0;
    if (step(db_exec(c, "BEGIN"), &ignored, fail) != 0)
        return -1;
    if (rows_one_by_one(c, n, 0, count, fail) != 0)
        return -1; /* db_release rolls back */
    return step(db_exec(c, "COMMIT"), &ignored, fail);
}

/* One statement generated from integers only (no client text reaches SQL). */
static int generated(struct db_conn *c, long long n, int update, long long *count,
                     PGresult **fail) {
    size_t cap = (size_t)n * 48 + 256;
    char *sql = malloc(cap);
    if (sql == NULL)
        return -1;
    size_t len = 0;
    if (update) {
        len += (size_t)snprintf(sql, cap, "UPDATE bulk_items SET value = CASE id");
        for (long long i = 1; i <= n; i++)
            len += (size_t)snprintf(sql + len, cap - len, " WHEN %lld THEN %lld", i, i * 10);
        snprintf(sql + len, cap - len, " ELSE value END WHERE id BETWEEN 1 AND %lld", n);
    } else {
        len += (size_t)snprintf(sql, cap, "INSERT INTO bulk_items (name, value) VALUES ");
        for (long long i = 1; i <= n; i++)
            len += (size_t)snprintf(sql + len, cap - len, "%s('item_%lld', %lld)", i > 1 ? "," : "",
                                    i, i);
    }
    int rc = step(db_exec(c, sql), count, fail);
    free(sql);
    return rc;
}

HANDLER(h_bulk_op) {
    static const char *const ops[] = {"insert-individual", "insert-batch", "insert-raw",
                                      "update-individual", "update-bulk"};
    const char *op = req_param(req, "operation");
    int which = -1;
    for (int i = 0; op != NULL && i < 5; i++)
        if (strcmp(op, ops[i]) == 0)
            which = i;
    if (which < 0)
        return reply_error(resp, 404, "not_found",
                           "operation must be insert-individual, insert-batch, insert-raw, "
                           "update-individual or update-bulk");
    INT_PARAM(n, "count", 1, 10000, 1000);
    uint64_t start = clock_mono_ns();
    ACQUIRE_DB(c);
    long long count = 0;
    PGresult *fail = NULL;
    int ok;
    switch (which) {
    case 0:
        ok = rows_one_by_one(c, n, 0, &count, &fail) == 0;
        break;
    case 1:
        ok = in_transaction(c, n, &count, &fail) == 0;
        break;
    case 2:
        ok = generated(c, n, 0, &count, &fail) == 0;
        break;
    case 3:
        ok = rows_one_by_one(c, n, 1, &count, &fail) == 0;
        break;
    default:
        ok = generated(c, n, 1, &count, &fail) == 0;
        break;
    }
    int rc;
    if (ok) {
        json_t *o = json_object();
        json_object_set_new(o, "operation", json_string(op));
        json_object_set_new(o, "count", json_integer(count));
        json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
        rc = reply_json(resp, 200, o);
    } else {
        rc = reply_db_failure(resp, c, fail);
    }
    PQclear(fail);
    db_release(app->db, c);
    return rc;
}
