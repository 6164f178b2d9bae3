/* /flow (scenario 20, the end-to-end flow): log in with email and password
 * (bcrypt) for an HS256 JWT, read the account's feed (posts JOIN accounts,
 * newest first, keyset pagination), write a post, read it back. */
#include "server/handlers/search_flow.h"

#include "common/clock.h"
#include "server/db/rows.h"
#include "server/db/rows_json.h"
#include "server/handlers/dbutil.h"
#include "server/handlers/params.h"
#include "server/parse/auth_header.h"
#include "server/parse/json_body.h"
#include "server/parse/jwt_token.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FLOW_TOKEN_TTL_S 1800

static int flow_unauthorized(struct _u_response *resp, const char *why) {
    u_map_put(resp->map_header, "WWW-Authenticate", "Bearer");
    return reply_error(resp, 401, "unauthorized", "%s", why);
}

/* The account id of the request's Bearer JWT; -1 when it already answered 401. */
static long long flow_account(const struct _u_request *req, struct _u_response *resp,
                              struct app *app) {
    const char *tok;
    size_t len;
    if (parse_bearer(req_header(req, "Authorization"), &tok, &len) != 0) {
        flow_unauthorized(resp, "Authorization: Bearer <token from POST /flow/login> required");
        return -1;
    }
    long long id;
    char err[128];
    if (jwt_verify_hs256(tok, len, app->cfg->jwt_secret, (long long)time(NULL), &id, err,
                         sizeof err) != 0) {
        flow_unauthorized(resp, err);
        return -1;
    }
    return id;
}

/* A string field of 1..max characters; NULL with err set otherwise. */
static const char *text_field(json_t *o, const char *name, size_t max, char *err, size_t errlen) {
    json_t *v = json_object_get(o, name);
    if (!json_is_string(v)) {
        snprintf(err, errlen, "field '%s' is required and must be a string", name);
        return NULL;
    }
    size_t chars = utf8_chars(json_string_value(v), json_string_length(v));
    if (chars < 1 || chars > max || strlen(json_string_value(v)) != json_string_length(v)) {
        snprintf(err, errlen, "field '%s' must be 1 to %zu characters", name, max);
        return NULL;
    }
    return json_string_value(v);
}

HANDLER(h_flow_login) {
    uint64_t start = clock_mono_ns();
    char err[256];
    json_t *body = parse_json_object(req->binary_body, req->binary_body_length, err, sizeof err);
    if (body == NULL)
        return reply_error(resp, 422, "validation_error", "%s", err);
    const char *email = text_field(body, "email", 255, err, sizeof err);
    const char *password = email ? text_field(body, "password", 72, err, sizeof err) : NULL;
    if (password == NULL) {
        json_decref(body);
        return reply_error(resp, 422, "validation_error", "%s", err);
    }
    const char *p[] = {email};
    struct db_conn *c = db_acquire(app->db);
    if (c == NULL) {
        json_decref(body);
        return reply_unavailable(resp, "database");
    }
    PGresult *r = db_run(c, STMT_FLOW_ACCOUNT, 1, p);
    if (!db_ok(r)) {
        int rc = reply_db_failure(resp, c, r);
        PQclear(r);
        db_release(app->db, c);
        json_decref(body);
        return rc;
    }
    db_release(app->db, c); /* not held while bcrypt runs */
    long long id = PQntuples(r) ? db_ll(r, 0, 0) : 0;
    char hash[128] = "";
    if (PQntuples(r))
        snprintf(hash, sizeof hash, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    int ok = 0;
    if (id > 0) {
        struct crypt_data *cd = calloc(1, sizeof *cd); /* ~32 KiB: not on the stack */
        if (cd == NULL) {
            json_decref(body);
            return reply_error(resp, 500, "internal", "out of memory");
        }
        const char *h = crypt_r(password, hash, cd);
        ok = h != NULL && h[0] != '*' && strcmp(h, hash) == 0;
        free(cd);
    }
    if (!ok) {
        json_decref(body);
        return flow_unauthorized(resp, "wrong email or password");
    }
    char *tok =
        jwt_issue_hs256(app->cfg->jwt_secret, id, email, (long long)time(NULL), FLOW_TOKEN_TTL_S);
    json_decref(body);
    if (tok == NULL)
        return reply_error(resp, 500, "internal", "cannot sign token");
    json_t *o = json_object();
    json_object_set_new(o, "access_token", json_string(tok));
    json_object_set_new(o, "token_type", json_string("bearer"));
    json_object_set_new(o, "account_id", json_integer(id));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    free(tok);
    return reply_json(resp, 200, o);
}

HANDLER(h_flow_feed) {
    INT_PARAM(limit, "limit", 1, 100, 20);
    INT_PARAM(before, "before", 1, 2147483647LL, 2147483647LL);
    long long account = flow_account(req, resp, app);
    if (account < 0)
        return U_CALLBACK_COMPLETE;
    char acc[24], bef[24], lim[24];
    snprintf(acc, sizeof acc, "%lld", account);
    snprintf(bef, sizeof bef, "%lld", before);
    snprintf(lim, sizeof lim, "%lld", limit + 1); /* one more says whether a next page exists */
    const char *p[] = {acc, bef, lim};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, STMT_FLOW_FEED, 3, p);
    int rc;
    if (!db_ok(r)) {
        rc = reply_db_failure(resp, c, r);
    } else {
        int n = PQntuples(r);
        int shown = n > limit ? (int)limit : n;
        char buf[96], next[24] = "null";
        if (n > limit)
            snprintf(next, sizeof next, "%lld", db_ll(r, shown - 1, 0));
        struct strbuf sb = {0};
        snprintf(buf, sizeof buf, "{\"account_id\":%lld,\"items\":", account);
        sb_puts(&sb, buf);
        sb_rows(&sb, r, 0, shown);
        snprintf(buf, sizeof buf, ",\"next_before\":%s}", next);
        sb_puts(&sb, buf);
        rc = reply_json_text(resp, 200, sb.failed ? (free(sb.p), NULL) : sb.p, sb.len);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

/* Runs a statement answering one post row: ok_status with it, 404 when none. */
static int reply_post(struct _u_response *resp, struct app *app, enum stmt_id id, int n,
                      const char *const *p, unsigned ok_status) {
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, id, n, p);
    int rc;
    if (!db_ok(r))
        rc = reply_db_failure(resp, c, r);
    else if (PQntuples(r) == 0)
        rc = reply_error(resp, 404, "not_found", "post not found");
    else
        rc = reply_json(resp, ok_status, db_row(r, 0));
    PQclear(r);
    db_release(app->db, c);
    return rc;
}

HANDLER(h_flow_post_create) {
    long long account = flow_account(req, resp, app);
    if (account < 0)
        return U_CALLBACK_COMPLETE;
    char err[256];
    json_t *body = parse_json_object(req->binary_body, req->binary_body_length, err, sizeof err);
    if (body == NULL)
        return reply_error(resp, 422, "validation_error", "%s", err);
    const char *title = text_field(body, "title", 200, err, sizeof err);
    const char *text = title ? text_field(body, "body", 10000, err, sizeof err) : NULL;
    if (text == NULL) {
        json_decref(body);
        return reply_error(resp, 422, "validation_error", "%s", err);
    }
    char acc[24];
    snprintf(acc, sizeof acc, "%lld", account);
    const char *p[] = {acc, title, text};
    int rc = reply_post(resp, app, STMT_FLOW_POST_INSERT, 3, p, 201);
    json_decref(body);
    return rc;
}

HANDLER(h_flow_post_get) {
    long long account = flow_account(req, resp, app);
    if (account < 0)
        return U_CALLBACK_COMPLETE;
    ID_PARAM(id, "id", "post");
    char ids[24], acc[24];
    snprintf(ids, sizeof ids, "%lld", id);
    snprintf(acc, sizeof acc, "%lld", account);
    const char *p[] = {ids, acc};
    return reply_post(resp, app, STMT_FLOW_POST_GET, 2, p, 200);
}
