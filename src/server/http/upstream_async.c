#include "server/http/upstream_async.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/http/upstream_answer.h"
#include "server/http/upstream_client.h"
#include "server/http/suspended.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One /external/http request in progress. */
struct pending {
    struct suspended s; /* first */
    uint64_t start_ns;
    struct upstream_result result;
};

static struct {
    struct upstream_client *client;
    struct suspended_table t;
} A = {.t = SUSPENDED_TABLE_INIT};

static void free_pending(struct suspended *s) {
    struct pending *p = (struct pending *)s;
    upstream_result_clear(&p->result);
    free(p);
}

/* The upstream client's thread (or ours, when it stopped): keep the outcome
 * and resume the connection; MHD then calls upstream_async_access again. */
static void on_done(void *ctx, struct upstream_result *r) {
    struct pending *p = ctx;
    p->result = *r;
    if (!suspended_done(&A.t, &p->s))
        free_pending(&p->s);
}

static int is_route(const char *url, const char *method) {
    return strcmp(method, "GET") == 0 &&
           (strcmp(url, "/external/http") == 0 || strcmp(url, "/external/http/") == 0);
}

static enum MHD_Result answer(struct MHD_Connection *conn, struct pending *p, const char *url) {
    char *body;
    size_t len;
    unsigned status =
        upstream_answer(&p->result, (double)(clock_mono_ns() - p->start_ns) / 1e6, &body, &len);
    free_pending(&p->s);
    struct MHD_Response *resp;
    if (body != NULL) {
        resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
        if (resp == NULL)
            free(body);
    } else {
        static char oom[] = "{\"error\":\"internal\",\"detail\":\"out of memory\"}";
        status = 500;
        resp = MHD_create_response_from_buffer(sizeof oom - 1, oom, MHD_RESPMEM_PERSISTENT);
    }
    if (resp == NULL)
        return MHD_NO; /* MHD closes the connection */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    if (log_get_level() >= LOG_INFO)
        LOG_I("GET %s -> %u", url, status);
    return ret;
}

int upstream_async_access(struct MHD_Connection *conn, const char *url, const char *method,
                          const char *upload_data, size_t *upload_data_size, void **con_cls,
                          enum MHD_Result *ret) {
    (void)upload_data;
    (void)con_cls;
    if (A.client == NULL || url == NULL || method == NULL || !is_route(url, method))
        return 0;
    *ret = MHD_YES;
    pthread_mutex_lock(&A.t.mu);
    struct pending *p = (struct pending *)suspended_find(&A.t, conn);
    if (p == NULL) {
        /* The first call: headers are in, a body may follow. */
        if (suspended_add(&A.t, conn, sizeof *p) == NULL)
            *ret = MHD_NO;
        pthread_mutex_unlock(&A.t.mu);
        return 1;
    }
    if (p->s.phase == SUSPENDED_RECEIVING && *upload_data_size != 0) {
        *upload_data_size = 0; /* a body on this GET is ignored */
        pthread_mutex_unlock(&A.t.mu);
        return 1;
    }
    if (p->s.phase == SUSPENDED_RECEIVING) {
        /* The final call: start the upstream call and wait without a thread. */
        p->start_ns = clock_mono_ns();
        struct upstream_call *call = upstream_call_new(A.client, on_done, p);
        if (call == NULL) {
            /* Stopping (or out of memory): answer now. */
            p->result.code = CURLE_ABORTED_BY_CALLBACK;
            suspended_unlink(&A.t, &p->s);
            pthread_mutex_unlock(&A.t.mu);
            *ret = answer(conn, p, url);
            return 1;
        }
        p->s.phase = SUSPENDED_WAITING;
        pthread_mutex_unlock(&A.t.mu);
        /* Suspend before starting, so the resume always comes after. */
        MHD_suspend_connection(conn);
        upstream_call_start(A.client, call);
        return 1;
    }
    if (p->s.phase == SUSPENDED_WAITING) {
        pthread_mutex_unlock(&A.t.mu); /* not expected while suspended; nothing to do */
        return 1;
    }
    suspended_unlink(&A.t, &p->s);
    pthread_mutex_unlock(&A.t.mu);
    *ret = answer(conn, p, url);
    return 1;
}

void upstream_async_request_completed(struct MHD_Connection *conn) {
    suspended_completed(&A.t, conn, free_pending);
}

int upstream_async_init(const char *url) {
    A.client = upstream_client_new(url);
    return A.client != NULL ? 0 : -1;
}

void upstream_async_stop(void) {
    upstream_client_stop(A.client);
}

void upstream_async_free(void) {
    upstream_client_free(A.client);
    A.client = NULL;
    for (int n = suspended_drain(&A.t, free_pending); n > 0; n--)
        LOG_W("upstream: a call still waiting after stop");
}
