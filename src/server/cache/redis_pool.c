#include "server/cache/redis_pool.h"

#include "common/log.h"
#include "server/db/dep_guard.h"
#include "server/slots.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct redis_conn {
    redisContext *ctx;
    struct redis_pool *pool;
    int broken;
};

struct redis_pool {
    char *host;
    int port, db, size, timeout_ms;
    struct redis_conn *slots;
    struct slots reserved;
    struct dep_guard guard;
};

static int probe(void *cls);

struct redis_pool *redis_pool_new(const char *host, int port, int db, int size, int timeout_ms) {
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
    for (int i = 0; i < size; i++)
        p->slots[i].pool = p;
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : REDIS_TIMEOUT_MS_DEFAULT;
    if (dep_guard_start(&p->guard, "redis", probe, p) != 0) {
        slots_destroy(&p->reserved);
        free(p->host);
        free(p->slots);
        free(p);
        return NULL;
    }
    return p;
}

void redis_pool_free(struct redis_pool *p) {
    if (p == NULL)
        return;
    dep_guard_stop(&p->guard);
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

/* A new connection within the pool's deadline (connect, then every command
 * on it), with TCP keepalive; NULL when Redis refused or did not answer. */
static redisContext *open_ctx(struct redis_pool *p, int timeout_ms) {
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    redisContext *ctx = redisConnectWithTimeout(p->host, p->port, tv);
    if (ctx == NULL || ctx->err) {
        LOG_W("redis: connect failed: %s", ctx ? ctx->errstr : "out of memory");
        if (ctx != NULL)
            redisFree(ctx);
        return NULL;
    }
    if (redisSetTimeout(ctx, tv) != REDIS_OK || redisEnableKeepAlive(ctx) != REDIS_OK) {
        redisFree(ctx);
        return NULL;
    }
    if (p->db != 0) {
        redisReply *r = redisCommand(ctx, "SELECT %d", p->db);
        int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
        if (r != NULL)
            freeReplyObject(r);
        if (!ok) {
            LOG_W("redis: SELECT %d failed", p->db);
            redisFree(ctx);
            return NULL;
        }
    }
    return ctx;
}

static int ensure_connected(struct redis_pool *p, struct redis_conn *c) {
    if (c->ctx != NULL && !c->broken && c->ctx->err == 0)
        return 0;
    close_slot(c);
    c->ctx = open_ctx(p, p->timeout_ms);
    if (c->ctx == NULL) {
        dep_guard_trip(&p->guard);
        return -1;
    }
    return 0;
}

struct redis_conn *redis_acquire(struct redis_pool *p) {
    if (dep_guard_down(&p->guard))
        return NULL; /* stalled or down: 503 now, the probe brings it back */
    int i = slots_take(&p->reserved, p->timeout_ms);
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

/* A connection error or a missed deadline (hiredis: REDIS_ERR_IO with
 * EAGAIN, or REDIS_ERR_EOF): the slot reconnects, and Redis is marked down
 * until the probe gets an answer. */
static void mark_broken(struct redis_conn *c) {
    c->broken = 1;
    if (c->ctx->err == REDIS_ERR_IO || c->ctx->err == REDIS_ERR_EOF) {
        LOG_W("redis: %s", c->ctx->errstr);
        dep_guard_trip(&c->pool->guard);
    }
}

int redis_pool_down(struct redis_pool *p) {
    return dep_guard_down(&p->guard);
}

/* The guard's probe: a fresh connection and PING. No request waits for it,
 * so it gets at least PROBE_TIMEOUT_MS (a thawed Redis may be slow at first). */
#define PROBE_TIMEOUT_MS 2000
static int probe(void *cls) {
    struct redis_pool *p = cls;
    redisContext *ctx =
        open_ctx(p, p->timeout_ms < PROBE_TIMEOUT_MS ? PROBE_TIMEOUT_MS : p->timeout_ms);
    if (ctx == NULL)
        return -1;
    redisReply *r = redisCommand(ctx, "PING");
    int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
    if (r != NULL)
        freeReplyObject(r);
    redisFree(ctx);
    return ok ? 0 : -1;
}

redisReply *redis_cmd(struct redis_conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (r == NULL || c->ctx->err)
        mark_broken(c);
    return r;
}

int redis_append(struct redis_conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = redisvAppendCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (rc != REDIS_OK)
        mark_broken(c);
    return rc == REDIS_OK ? 0 : -1;
}

redisReply *redis_get_reply(struct redis_conn *c) {
    void *reply = NULL;
    if (redisGetReply(c->ctx, &reply) != REDIS_OK || reply == NULL) {
        mark_broken(c);
        return NULL;
    }
    return reply;
}
