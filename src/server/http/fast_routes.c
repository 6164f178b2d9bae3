#include "server/http/fast_routes.h"

#include "common/log.h"
#include "server/app.h"
#include "server/handlers/handlers.h"
#include "server/http/respond.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>

enum kind { HEALTH, ECHO };

/* The request closures this file owns, besides allocated state: claimed by
 * the URI logger (method not seen yet), accepted without a body so far, and
 * dead (handing it to ulfius failed; the request is dropped). Their
 * addresses are the markers. */
enum { CLAIM_HEALTH, CLAIM_ECHO, ACCEPT_HEALTH, ACCEPT_ECHO, DEAD, N_MARKERS };
static char markers[N_MARKERS];

/* A request that sent body bytes. Stored in con_cls with the low bit set:
 * ulfius' closures are malloc'd (aligned, low bit clear), so the two can be
 * told apart when the request completes. */
struct fast_req {
    enum kind kind;
    size_t len; /* bytes kept: at most max_body + 1, as ulfius keeps */
    size_t cap;
    char *body; /* /echo only; /health only counts */
};

static struct app *the_app;
static struct MHD_Response *health_resp; /* shared by every /health answer */
static atomic_int enabled;

static int marker_index(const void *p) {
    uintptr_t v = (uintptr_t)p, base = (uintptr_t)markers;
    return v >= base && v < base + N_MARKERS ? (int)(v - base) : -1;
}

static struct fast_req *as_req(void *p) {
    uintptr_t v = (uintptr_t)p;
    if (p == NULL || marker_index(p) >= 0 || (v & 1u) == 0)
        return NULL;
    return (struct fast_req *)(v & ~(uintptr_t)1);
}

int fast_routes_init(struct app *app) {
    the_app = app;
    size_t len;
    const char *body = health_text(app, &len);
    if (body == NULL)
        return -1;
    health_resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (health_resp == NULL)
        return -1;
    if (MHD_add_response_header(health_resp, "Content-Type", "application/json") != MHD_YES) {
        fast_routes_free();
        return -1;
    }
    return 0;
}

void fast_routes_enable(int on) {
    atomic_store(&enabled, on && health_resp != NULL);
}

void fast_routes_free(void) {
    atomic_store(&enabled, 0);
    if (health_resp != NULL)
        MHD_destroy_response(health_resp);
    health_resp = NULL;
}

void *fast_routes_claim(const char *uri) {
    if (!atomic_load_explicit(&enabled, memory_order_relaxed) || uri == NULL)
        return NULL;
    if (strcmp(uri, "/health") == 0)
        return &markers[CLAIM_HEALTH];
    if (strcmp(uri, "/echo") == 0)
        return &markers[CLAIM_ECHO];
    return NULL;
}

/* Keeps body bytes the way ulfius does (at most max_body + 1, the rest read
 * and dropped) so that the router's 413 rule gives the same answer. */
static int keep(struct fast_req *r, const char *data, size_t n) {
    size_t limit = the_app->cfg->max_body + 1;
    size_t take = r->len < limit ? (n < limit - r->len ? n : limit - r->len) : 0;
    if (take == 0)
        return 0;
    if (r->kind == ECHO) {
        if (r->len + take > r->cap) {
            size_t cap = r->cap ? r->cap : 1024;
            while (cap < r->len + take)
                cap *= 2;
            if (cap > limit)
                cap = limit;
            char *b = realloc(r->body, cap);
            if (b == NULL)
                return -1;
            r->body = b;
            r->cap = cap;
        }
        memcpy(r->body + r->len, data, take);
    }
    r->len += take;
    return 0;
}

/* As reply_json: the serialized body, or a 500 when serializing failed. */
static enum MHD_Result queue_json(struct MHD_Connection *conn, unsigned *status, json_t *body) {
    size_t len;
    char *text = json_text(body, &len);
    if (text == NULL) {
        *status = 500;
        text = strdup("{\"error\":\"internal\",\"detail\":\"out of memory\"}");
        if (text == NULL)
            return MHD_NO;
        len = strlen(text);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(text);
        return MHD_NO;
    }
    enum MHD_Result ret = MHD_NO;
    if (MHD_add_response_header(resp, "Content-Type", "application/json") == MHD_YES)
        ret = MHD_queue_response(conn, *status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The final call: what routes.c's router and the handler would answer. */
static enum MHD_Result answer(struct MHD_Connection *conn, enum kind kind, const char *method,
                              const struct fast_req *r) {
    size_t len = r ? r->len : 0, max = the_app->cfg->max_body;
    unsigned status;
    if (len > max) {
        char detail[96];
        snprintf(detail, sizeof detail, "request body larger than %zu bytes", max);
        status = 413;
        return queue_json(conn, &status, error_json("payload_too_large", detail));
    }
    enum MHD_Result ret;
    if (kind == HEALTH) {
        status = 200;
        ret = MHD_queue_response(conn, status, health_resp);
    } else {
        json_t *o = echo_answer(r ? r->body : NULL, len, &status);
        ret = queue_json(conn, &status, o);
    }
    if (log_get_level() >= LOG_INFO)
        LOG_I("%s %s -> %ld", method, kind == HEALTH ? "/health" : "/echo", (long)status);
    return ret;
}

int fast_routes_access(struct MHD_Connection *conn, const char *method, const char *upload_data,
                       size_t *upload_data_size, void **con_cls, enum MHD_Result *ret) {
    void *c = *con_cls;
    int m = marker_index(c);
    struct fast_req *r = as_req(c);
    if (m < 0 && r == NULL)
        return 0; /* ulfius' request */
    *ret = MHD_YES;
    if (m == CLAIM_HEALTH || m == CLAIM_ECHO) {
        /* The first call: headers are in, the method is known. */
        int health = m == CLAIM_HEALTH;
        if (method == NULL || strcmp(method, health ? "GET" : "POST") != 0) {
            /* Not ours: ulfius gets it as if its URI logger had run. */
            *con_cls = ulfius_uri_logger(NULL, health ? "/health" : "/echo");
            if (*con_cls != NULL)
                return 0;
            *con_cls = &markers[DEAD];
            *ret = MHD_NO;
            return 1;
        }
        *con_cls = &markers[health ? ACCEPT_HEALTH : ACCEPT_ECHO];
        return 1;
    }
    if (m == DEAD) {
        *ret = MHD_NO;
        return 1;
    }
    enum kind kind = r ? r->kind : m == ACCEPT_HEALTH ? HEALTH : ECHO;
    if (*upload_data_size != 0) {
        if (r == NULL) {
            r = calloc(1, sizeof *r);
            if (r == NULL) {
                *ret = MHD_NO;
                return 1;
            }
            r->kind = kind;
            *con_cls = (void *)((uintptr_t)r | 1u);
        }
        if (keep(r, upload_data, *upload_data_size) != 0)
            *ret = MHD_NO;
        *upload_data_size = 0;
        return 1;
    }
    *ret = answer(conn, kind, method, r);
    return 1;
}

int fast_routes_completed(void **con_cls) {
    void *c = *con_cls;
    if (marker_index(c) >= 0) {
        *con_cls = NULL;
        return 1;
    }
    struct fast_req *r = as_req(c);
    if (r == NULL)
        return 0;
    free(r->body);
    free(r);
    *con_cls = NULL;
    return 1;
}
