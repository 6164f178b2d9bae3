#include "server/cache/redis_pool.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/db/dep_guard.h"
#include "server/http/fiber.h"
#include "server/slots.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

static uint64_t deadline_after(int ms) {
    return clock_mono_ns() + (uint64_t)ms * 1000000ull;
}

/* Sends what the context holds, then reads until one reply is complete, by
 * the deadline. The context is non-blocking: hiredis only parses, the waits
 * are io_wait_fd (in a request fiber the event loop goes on meanwhile,
 * http/fiber.h). NULL on an error or a missed deadline (*late = 1). */
static redisReply *await_reply(redisContext *ctx, uint64_t deadline, int *late) {
    int done = 0, w;
    *late = 0;
    while (!done) {
        if (redisBufferWrite(ctx, &done) != REDIS_OK)
            return NULL;
        if (!done && (w = io_wait_fd(ctx->fd, 1, deadline)) != 0) {
            *late = w > 0;
            return NULL;
        }
    }
    for (;;) {
        void *reply = NULL;
        if (redisGetReply(ctx, &reply) != REDIS_OK) /* from what was read */
            return NULL;
        if (reply != NULL)
            return reply;
        if ((w = io_wait_fd(ctx->fd, 0, deadline)) != 0) {
            *late = w > 0;
            return NULL;
        }
        if (redisBufferRead(ctx) != REDIS_OK)
            return NULL;
    }
}

/* A new connection within the deadline (connect, then SELECT), with TCP
 * keepalive; NULL when Redis refused or did not answer. */
static redisContext *open_ctx(struct redis_pool *p, int timeout_ms) {
    uint64_t deadline = deadline_after(timeout_ms);
    redisContext *ctx = redisConnectNonBlock(p->host, p->port);
    if (ctx == NULL || ctx->err) {
        LOG_W("redis: connect failed: %s", ctx ? ctx->errstr : "out of memory");
        if (ctx != NULL)
            redisFree(ctx);
        return NULL;
    }
    int err = 0;
    socklen_t len = sizeof err;
    int w = io_wait_fd(ctx->fd, 1, deadline);
    if (w != 0 || getsockopt(ctx->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        LOG_W("redis: connect %s", w > 0 ? "timed out" : err ? strerror(err) : "failed");
        redisFree(ctx);
        return NULL;
    }
    if (redisEnableKeepAlive(ctx) != REDIS_OK) {
        redisFree(ctx);
        return NULL;
    }
    if (p->db != 0) {
        int late = 0;
        redisReply *r = redisAppendCommand(ctx, "SELECT %d", p->db) == REDIS_OK
                            ? await_reply(ctx, deadline, &late)
                            : NULL;
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
        if (!fiber_cancelled()) /* a request given up is not Redis' fault */
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

/* A connection error or a missed deadline: the slot reconnects, and Redis is
 * marked down until the probe gets an answer (a reply that is an error, e.g.
 * a wrong type, does not come here; nor does a wait ended because the
 * request was given up, which only drops the connection). */
static void mark_broken(struct redis_conn *c, int late) {
    c->broken = 1;
    if (late)
        LOG_W("redis: no answer within %d ms", c->pool->timeout_ms);
    else if (c->ctx->err)
        LOG_W("redis: %s", c->ctx->errstr);
    else
        return; /* the request was given up (http/fiber.h): not Redis' fault */
    dep_guard_trip(&c->pool->guard);
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
    int late = 0;
    redisReply *r = redisAppendCommand(ctx, "PING") == REDIS_OK
                        ? await_reply(ctx, deadline_after(PROBE_TIMEOUT_MS), &late)
                        : NULL;
    int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
    if (r != NULL)
        freeReplyObject(r);
    redisFree(ctx);
    return ok ? 0 : -1;
}

redisReply *redis_cmd(struct redis_conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = redisvAppendCommand(c->ctx, fmt, ap);
    va_end(ap);
    if (rc != REDIS_OK) {
        c->broken = 1; /* out of memory or a bad format: not Redis' fault */
        return NULL;
    }
    return redis_get_reply(c);
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
    int late = 0;
    redisReply *r = await_reply(c->ctx, deadline_after(c->pool->timeout_ms), &late);
    if (r == NULL)
        mark_broken(c, late);
    return r;
}
