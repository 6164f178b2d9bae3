#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/db/rows_json.h"
#include "server/http/respond.h"

int reply_result_rows(struct _u_response *resp, const PGresult *r, int first, int last) {
    struct strbuf sb = {0};
    sb_rows(&sb, r, first, last);
    if (sb.failed) {
        free(sb.p);
        sb.p = NULL;
    }
    return reply_json_text(resp, 200, sb.p, sb.len);
}

int reply_rows(struct _u_response *resp, struct app *app, enum stmt_id id, int n,
               const char *const *params) {
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, id, n, params);
    int rc = db_ok(r) ? reply_result_rows(resp, r, 0, PQntuples(r)) : reply_db_failure(resp, c, r);
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

#include <stdio.h>
#include <stdlib.h>

int lookup_user(struct _u_response *resp, struct app *app, long long id, char *name, size_t namelen,
                char *email, size_t emaillen) {
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    struct db_conn *c = db_acquire(app->db);
    if (c == NULL) {
        reply_unavailable(resp, "database");
        return -1;
    }
    PGresult *r = db_run(c, STMT_CACHE_USER, 1, p);
    int rc;
    if (!db_ok(r)) {
        reply_db_failure(resp, c, r);
        rc = -1;
    } else if (PQntuples(r) == 0) {
        rc = 0;
    } else {
        snprintf(name, namelen, "%s", PQgetvalue(r, 0, 1));
        snprintf(email, emaillen, "%s", PQgetvalue(r, 0, 2));
        rc = 1;
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

int reply_reset(struct _u_response *resp, struct app *app, const char *sql, const char *message) {
    ACQUIRE_DB(c);
    PGresult *r = db_exec(c, sql);
    int rc;
    if (db_ok(r)) {
        json_t *o = json_object();
        json_object_set_new(o, "message", json_string(message));
        rc = reply_json(resp, 200, o);
    } else {
        rc = reply_db_failure(resp, c, r);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
