#include "server/http/upstream_async.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/http/upstream_answer.h"
#include "server/http/upstream_client.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

enum phase {
    RECEIVING, /* between the first and the final access-handler call */
    WAITING,   /* suspended; the upstream call runs */
    DONE,      /* the call ended; resumed, the next handler call answers */
};

/* One /external/http request in progress, found by its connection (MHD runs
 * one request at a time per connection). */
struct pending {
    struct pending *next;
    struct MHD_Connection *conn;
    enum phase phase;
    int orphaned; /* the request ended while WAITING: the call's end frees it */
    uint64_t start_ns;
    struct upstream_result result;
};

static struct {
    struct upstream_client *client;
    pthread_mutex_t mu;
    struct pending *buckets[BUCKETS];
    atomic_int count; /* entries in buckets */
} A = {.mu = PTHREAD_MUTEX_INITIALIZER};

static unsigned bucket(const struct MHD_Connection *conn) {
    return (unsigned)(((uintptr_t)conn >> 4) % BUCKETS);
}

/* With A.mu held. */
static struct pending *find(const struct MHD_Connection *conn) {
    for (struct pending *p = A.buckets[bucket(conn)]; p; p = p->next)
        if (p->conn == conn)
            return p;
    return NULL;
}

/* With A.mu held. */
static void unlink_pending(struct pending *p) {
    for (struct pending **pp = &A.buckets[bucket(p->conn)]; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            atomic_fetch_sub(&A.count, 1);
            return;
        }
}

static void free_pending(struct pending *p) {
    upstream_result_clear(&p->result);
    free(p);
}

/* The upstream client's thread (or ours, when it stopped): keep the outcome
 * and resume the connection; MHD then calls upstream_async_access again. */
static void on_done(void *ctx, struct upstream_result *r) {
    struct pending *p = ctx;
    pthread_mutex_lock(&A.mu);
    if (p->orphaned) {
        pthread_mutex_unlock(&A.mu);
        upstream_result_clear(r);
        free(p);
        return;
    }
    p->result = *r;
    p->phase = DONE;
    struct MHD_Connection *conn = p->conn;
    pthread_mutex_unlock(&A.mu);
    /* The connection stays open while suspended: MHD closes suspended
     * connections only when the daemon stops, after upstream_async_stop. */
    MHD_resume_connection(conn);
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
    free_pending(p);
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
    pthread_mutex_lock(&A.mu);
    struct pending *p = find(conn);
    if (p == NULL) {
        /* The first call: headers are in, a body may follow. */
        p = calloc(1, sizeof *p);
        if (p != NULL) {
            p->conn = conn;
            p->phase = RECEIVING;
            p->next = A.buckets[bucket(conn)];
            A.buckets[bucket(conn)] = p;
            atomic_fetch_add(&A.count, 1);
        } else {
            *ret = MHD_NO;
        }
        pthread_mutex_unlock(&A.mu);
        return 1;
    }
    if (p->phase == RECEIVING && *upload_data_size != 0) {
        *upload_data_size = 0; /* a body on this GET is ignored */
        pthread_mutex_unlock(&A.mu);
        return 1;
    }
    if (p->phase == RECEIVING) {
        /* The final call: start the upstream call and wait without a thread. */
        p->start_ns = clock_mono_ns();
        struct upstream_call *call = upstream_call_new(A.client, on_done, p);
        if (call == NULL) {
            /* Stopping (or out of memory): answer now. */
            p->result.code = CURLE_ABORTED_BY_CALLBACK;
            unlink_pending(p);
            pthread_mutex_unlock(&A.mu);
            *ret = answer(conn, p, url);
            return 1;
        }
        p->phase = WAITING;
        pthread_mutex_unlock(&A.mu);
        /* Suspend before starting, so the resume always comes after. */
        MHD_suspend_connection(conn);
        upstream_call_start(A.client, call);
        return 1;
    }
    if (p->phase == WAITING) {
        pthread_mutex_unlock(&A.mu); /* not expected while suspended; nothing to do */
        return 1;
    }
    unlink_pending(p);
    pthread_mutex_unlock(&A.mu);
    *ret = answer(conn, p, url);
    return 1;
}

void upstream_async_request_completed(struct MHD_Connection *conn) {
    if (atomic_load(&A.count) == 0)
        return;
    pthread_mutex_lock(&A.mu);
    struct pending *p = find(conn);
    if (p != NULL) {
        unlink_pending(p);
        if (p->phase == WAITING)
            p->orphaned = 1;
        else
            free_pending(p);
    }
    pthread_mutex_unlock(&A.mu);
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
    pthread_mutex_lock(&A.mu);
    for (int i = 0; i < BUCKETS; i++)
        while (A.buckets[i] != NULL) {
            struct pending *p = A.buckets[i];
            A.buckets[i] = p->next;
            atomic_fetch_sub(&A.count, 1);
            if (p->phase == WAITING)
                LOG_W("upstream: a call still waiting after stop");
            else
                free_pending(p);
        }
    pthread_mutex_unlock(&A.mu);
}
