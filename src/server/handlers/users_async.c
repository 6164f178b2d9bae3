#include "server/handlers/users_async.h"

#include "common/log.h"
#include "server/db/async.h"
#include "server/db/rows_json.h"
#include "server/http/suspended.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending {
    struct suspended s; /* first */
    unsigned status;
    char *body;
    size_t len;
};

static struct {
    struct db_async *engine;
    struct suspended_table t;
} U = {.t = SUSPENDED_TABLE_INIT};

static void free_pending(struct suspended *s) {
    struct pending *p = (struct pending *)s;
    free(p->body);
    free(p);
}

static char *copy_text(const char *s, size_t *len) {
    *len = strlen(s);
    return strdup(s);
}

/* The async thread: the answer's status and body, then resume. */
static void on_result(void *arg, PGresult *r) {
    struct pending *p = arg;
    unsigned status;
    char *body;
    size_t len = 0;
    if (r != NULL && db_ok(r)) {
        struct strbuf sb = {0};
        sb_rows(&sb, r, 0, PQntuples(r));
        status = 200;
        body = sb.failed ? NULL : sb.p;
        len = sb.len;
        if (sb.failed)
            free(sb.p);
    } else if (r != NULL) {
        char msg[160];
        LOG_E("postgres: %s", PQresultErrorMessage(r));
        snprintf(msg, sizeof msg,
                 "{\"error\":\"internal\",\"detail\":\"database error (SQLSTATE %s)\"}",
                 db_sqlstate(r));
        status = 500;
        body = copy_text(msg, &len);
    } else {
        status = 503;
        body = copy_text("{\"error\":\"service_unavailable\",\"detail\":\"database unavailable\"}",
                         &len);
    }
    PQclear(r);
    p->status = status;
    p->body = body;
    p->len = len;
    if (!suspended_done(&U.t, &p->s))
        free_pending(&p->s);
}

static enum MHD_Result answer(struct MHD_Connection *conn, struct pending *p) {
    unsigned status = p->status;
    struct MHD_Response *resp;
    if (p->body != NULL) {
        resp = MHD_create_response_from_buffer(p->len, p->body, MHD_RESPMEM_MUST_FREE);
        if (resp != NULL)
            p->body = NULL;
    } else {
        static char oom[] = "{\"error\":\"internal\",\"detail\":\"out of memory\"}";
        status = 500;
        resp = MHD_create_response_from_buffer(sizeof oom - 1, oom, MHD_RESPMEM_PERSISTENT);
    }
    free_pending(&p->s);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    if (log_get_level() >= LOG_INFO)
        LOG_I("GET /users -> %u", status);
    return ret;
}

int users_async_access(struct MHD_Connection *conn, const char *url, const char *method,
                       const char *upload_data, size_t *upload_data_size, void **con_cls,
                       enum MHD_Result *ret) {
    (void)upload_data;
    (void)con_cls;
    if (U.engine == NULL || url == NULL || method == NULL || strcmp(url, "/users") != 0 ||
        strcmp(method, "GET") != 0)
        return 0;
    *ret = MHD_YES;
    pthread_mutex_lock(&U.t.mu);
    struct pending *p = (struct pending *)suspended_find(&U.t, conn);
    if (p == NULL) {
        /* The first call: headers are in, a body may follow. */
        if (suspended_add(&U.t, conn, sizeof *p) == NULL)
            *ret = MHD_NO;
        pthread_mutex_unlock(&U.t.mu);
        return 1;
    }
    if (p->s.phase == SUSPENDED_RECEIVING && *upload_data_size != 0) {
        *upload_data_size = 0; /* a body on this GET is ignored */
        pthread_mutex_unlock(&U.t.mu);
        return 1;
    }
    if (p->s.phase == SUSPENDED_RECEIVING) {
        /* The final call: suspend first, so the resume always comes after. */
        p->s.phase = SUSPENDED_WAITING;
        pthread_mutex_unlock(&U.t.mu);
        MHD_suspend_connection(conn);
        if (db_async_submit(U.engine, STMT_USERS_ALL, 0, NULL, on_result, p) != 0)
            on_result(p, NULL); /* stopping: 503 at once */
        return 1;
    }
    if (p->s.phase == SUSPENDED_WAITING) {
        pthread_mutex_unlock(&U.t.mu);
        return 1;
    }
    suspended_unlink(&U.t, &p->s);
    pthread_mutex_unlock(&U.t.mu);
    *ret = answer(conn, p);
    return 1;
}

void users_async_request_completed(struct MHD_Connection *conn) {
    suspended_completed(&U.t, conn, free_pending);
}

int users_async_init(struct db_pool *pool, int nconns) {
    U.engine = db_async_new(pool, nconns);
    return U.engine != NULL ? 0 : -1;
}

void users_async_stop(void) {
    db_async_stop(U.engine);
}

void users_async_free(void) {
    db_async_free(U.engine);
    U.engine = NULL;
    suspended_drain(&U.t, free_pending);
}
