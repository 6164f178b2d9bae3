#include "server/cache/redis_pool.h"

#include "common/log.h"
#include "server/slots.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ACQUIRE_TIMEOUT_S 5

struct redis_conn {
    redisContext *ctx;
    int broken;
};

struct redis_pool {
    char *host;
    int port, db, size;
    struct redis_conn *slots;
    struct slots reserved;
};

struct redis_pool *redis_pool_new(const char *host, int port, int db, int size) {
    struct redis_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->host = strdup(host);
    p->slots = calloc((size_t)size, sizeof *p->slots);
    if (p->host == NULL || p->slots == NULL || slots_init(&p->reserved, size) != 0) {
        free(p->host);
        free(p->slots);
        free(p);
        return NULL;
    }
    p->port = port;
    p->db = db;
    p->size = size;
    return p;
}

void redis_pool_free(struct redis_pool *p) {
    if (p == NULL)
        return;
    for (int i = 0; i < p->size; i++)
        if (p->slots[i].ctx != NULL)
            redisFree(p->slots[i].ctx);
    slots_destroy(&p->reserved);
    free(p->slots);
    free(p->host);
    free(p);
}

static void close_slot(struct redis_conn *c) {
    if (c->ctx != NULL)
        redisFree(c->ctx);
    c->ctx = NULL;
    c->broken = 0;
}

static int ensure_connected(struct redis_pool *p, struct redis_conn *c) {
    if (c->ctx != NULL && !c->broken && c->ctx->err == 0)
        return 0;
    close_slot(c);
    struct timeval tv = {2, 0};
    c->ctx = redisConnectWithTimeout(p->host, p->port, tv);
    if (c->ctx == NULL || c->ctx->err) {
        LOG_W("redis: connect failed: %s", c->ctx ? c->ctx->errstr : "out of memory");
        close_slot(c);
        return -1;
    }
    redisSetTimeout(c->ctx, tv);
    if (p->db != 0) {
        redisReply *r = redisCommand(c->ctx, "SELECT %d", p->db);
        int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
        if (r != NULL)
            freeReplyObject(r);
        if (!ok) {
            close_slot(c);
            return -1;
        }
    }
    return 0;
}

struct redis_conn *redis_acquire(struct redis_pool *p) {
    int i = slots_take(&p->reserved, ACQUIRE_TIMEOUT_S);
    if (i < 0)
        return NULL;
    struct redis_conn *c = &p->slots[i];
    if (ensure_connected(p, c) != 0) {
        redis_release(p, c);
        return NULL;
    }
    return c;
}

void redis_release(struct redis_pool *p, struct redis_conn *c) {
    if (c == NULL)
        return;
    if (c->broken || (c->ctx != NULL && c->ctx->err))
        close_slot(c);
    slots_give(&p->reserved, (int)(c - p->slots));
}

int redis_pool_in_use(struct redis_pool *p) {
    return slots_in_use(&p->reserved);
}

redisReply *redis_cmd(struct redis_conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (r == NULL || c->ctx->err)
        c->broken = 1;
    return r;
}

int redis_append(struct redis_conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = redisvAppendCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (rc != REDIS_OK)
        c->broken = 1;
    return rc == REDIS_OK ? 0 : -1;
}

redisReply *redis_get_reply(struct redis_conn *c) {
    void *reply = NULL;
    if (redisGetReply(c->ctx, &reply) != REDIS_OK || reply == NULL) {
        c->broken = 1;
        return NULL;
    }
    return reply;
}
