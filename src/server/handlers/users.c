/* /users CRUD (scenarios 03, 04). */
#include "server/handlers/handlers.h"

#include "server/db/pool.h"
#include "server/handlers/dbutil.h"
#include "server/db/rows.h"
#include "server/handlers/params.h"
#include "server/parse/json_body.h"

#include <stdio.h>
#include <string.h>

/* Runs one statement and answers with its rows (as_array) or its first row
 * (404 when none). */
static int run_and_reply(struct _u_response *resp, struct app *app, enum stmt_id id, int n,
                         const char *const *params, int as_array, unsigned ok_status) {
    struct db_conn *c = db_acquire(app->db);
    if (c == NULL)
        return reply_unavailable(resp, "database");
    PGresult *r = db_run(c, id, n, params);
    int rc;
    if (!db_ok(r)) {
        if (strcmp(db_sqlstate(r), "23505") == 0)
            rc = reply_error(resp, 409, "conflict", "email already exists");
        else
            rc = reply_db_failure(resp, c, r);
    } else if (as_array) {
        rc = reply_result_rows(resp, r, 0, PQntuples(r));
    } else if (PQntuples(r) == 0) {
        rc = reply_error(resp, 404, "not_found", "user not found");
    } else {
        rc = reply_json(resp, ok_status, db_row(r, 0));
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

HANDLER(h_users_list) {
    (void)req;
    return run_and_reply(resp, app, STMT_USERS_ALL, 0, NULL, 1, 200);
}

HANDLER(h_user_get) {
    ID_PARAM(id, "id", "user");
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    return run_and_reply(resp, app, STMT_USER_GET, 1, p, 0, 200);
}

HANDLER(h_user_create) {
    struct user_input in;
    char err[256];
    if (parse_user_body(req->binary_body, req->binary_body_length, 0, &in, err, sizeof err) != 0)
        return reply_error(resp, 422, "validation_error", "%s", err);
    const char *p[] = {in.name, in.email};
    return run_and_reply(resp, app, STMT_USER_INSERT, 2, p, 0, 201);
}

HANDLER(h_user_update) {
    ID_PARAM(id, "id", "user");
    struct user_input in;
    char err[256];
    if (parse_user_body(req->binary_body, req->binary_body_length, 1, &in, err, sizeof err) != 0)
        return reply_error(resp, 422, "validation_error", "%s", err);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids, in.has_name ? in.name : NULL, in.has_email ? in.email : NULL};
    return run_and_reply(resp, app, STMT_USER_UPDATE, 3, p, 0, 200);
}

HANDLER(h_user_delete) {
    ID_PARAM(id, "id", "user");
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    struct db_conn *c = db_acquire(app->db);
    if (c == NULL)
        return reply_unavailable(resp, "database");
    PGresult *r = db_run(c, STMT_USER_DELETE, 1, p);
    int rc;
    if (!db_ok(r))
        rc = reply_db_failure(resp, c, r);
    else if (strcmp(PQcmdTuples(r), "0") == 0)
        rc = reply_error(resp, 404, "not_found", "user not found");
    else
        rc = reply_no_content(resp);
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
