/* /cache: users read from PostgreSQL or through Redis (scenarios 14-16). */
#include "server/handlers/dbutil.h"

#include "common/clock.h"
#include "server/cache/redis_pool.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_TTL_S 300

static int reply_user(struct _u_response *resp, const char *source, long long id, const char *name,
                      const char *email, uint64_t start) {
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string(source));
    json_object_set_new(o, "user_id", json_integer(id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "email", json_string(email));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    return reply_json(resp, 200, o);
}

HANDLER(h_cache_nocache) {
    uint64_t start = clock_mono_ns();
    ID_PARAM(id, "id", "user");
    char name[128], email[300];
    int f = lookup_user(resp, app, id, name, sizeof name, email, sizeof email);
    if (f < 0)
        return U_CALLBACK_COMPLETE;
    if (f == 0)
        return reply_error(resp, 404, "not_found", "user not found");
    return reply_user(resp, "database", id, name, email, start);
}

static char *user_json(const char *name, const char *email) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "email", json_string(email));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

HANDLER(h_cache_cached) {
    uint64_t start = clock_mono_ns();
    ID_PARAM(id, "id", "user");
    struct redis_conn *rc = redis_acquire(app->redis);
    if (rc == NULL)
        return reply_unavailable(resp, "redis");
    redisReply *r = redis_cmd(rc, "GET user:%lld", id);
    if (r == NULL) {
        redis_release(app->redis, rc);
        return reply_unavailable(resp, "redis");
    }
    if (r->type == REDIS_REPLY_STRING) {
        json_t *cached = json_loadb(r->str, r->len, 0, NULL);
        freeReplyObject(r);
        redis_release(app->redis, rc);
        if (cached != NULL && json_is_string(json_object_get(cached, "name")) &&
            json_is_string(json_object_get(cached, "email"))) {
            int ret =
                reply_user(resp, "cache", id, json_string_value(json_object_get(cached, "name")),
                           json_string_value(json_object_get(cached, "email")), start);
            json_decref(cached);
            return ret;
        }
        json_decref(cached);
        /* An unreadable entry is treated as a miss (overwritten below). */
    } else {
        freeReplyObject(r);
        redis_release(app->redis, rc);
    }
    char name[128], email[300];
    int f = lookup_user(resp, app, id, name, sizeof name, email, sizeof email);
    if (f < 0)
        return U_CALLBACK_COMPLETE;
    if (f == 0)
        return reply_error(resp, 404, "not_found", "user not found");
    char *val = user_json(name, email);
    struct redis_conn *wc = val ? redis_acquire(app->redis) : NULL;
    if (wc == NULL) {
        free(val);
        return reply_unavailable(resp, "redis");
    }
    r = redis_cmd(wc, "SETEX user:%lld %d %s", id, CACHE_TTL_S, val);
    free(val);
    int ok = r != NULL && r->type != REDIS_REPLY_ERROR;
    if (r != NULL)
        freeReplyObject(r);
    redis_release(app->redis, wc);
    if (!ok)
        return reply_unavailable(resp, "redis");
    return reply_user(resp, "database", id, name, email, start);
}

HANDLER(h_cache_warmup) {
    uint64_t start = clock_mono_ns();
    INT_PARAM(count, "count", 1, 1000, 100);
    char lim[24];
    snprintf(lim, sizeof lim, "%lld", count);
    const char *p[] = {lim};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, STMT_CACHE_WARM, 1, p);
    if (!db_ok(r)) {
        int ret = reply_db_failure(resp, c, r);
        PQclear(r);
        db_release(app->db, c);
        return ret;
    }
    db_release(app->db, c);
    struct redis_conn *rc = redis_acquire(app->redis);
    if (rc == NULL) {
        PQclear(r);
        return reply_unavailable(resp, "redis");
    }
    /* One pipeline: every SETEX is sent, then every reply read. */
    int n = PQntuples(r), sent = 0, ok = 1;
    for (int i = 0; i < n && ok; i++) {
        char *val = user_json(PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
        ok = val != NULL &&
             redis_append(rc, "SETEX user:%s %d %s", PQgetvalue(r, i, 0), CACHE_TTL_S, val) == 0;
        free(val);
        sent += ok;
    }
    for (int i = 0; i < sent; i++) {
        redisReply *rep = redis_get_reply(rc);
        if (rep == NULL) {
            ok = 0;
            break;
        }
        if (rep->type == REDIS_REPLY_ERROR)
            ok = 0;
        freeReplyObject(rep);
    }
    redis_release(app->redis, rc);
    PQclear(r);
    if (!ok)
        return reply_unavailable(resp, "redis");
    json_t *o = json_object();
    json_object_set_new(o, "warmed_count", json_integer(n));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    return reply_json(resp, 200, o);
}

/* Runs one Redis command; answers 503 itself when Redis is unreachable. */
static redisReply *one_command(struct _u_response *resp, struct app *app, const char *cmd,
                               long long arg) {
    struct redis_conn *rc = redis_acquire(app->redis);
    if (rc == NULL) {
        reply_unavailable(resp, "redis");
        return NULL;
    }
    redisReply *r = arg >= 0 ? redis_cmd(rc, cmd, arg) : redis_cmd(rc, cmd);
    redis_release(app->redis, rc);
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        if (r != NULL)
            freeReplyObject(r);
        reply_unavailable(resp, "redis");
        return NULL;
    }
    return r;
}

HANDLER(h_cache_flush) {
    (void)req;
    redisReply *r = one_command(resp, app, "FLUSHDB", -1);
    if (r == NULL)
        return U_CALLBACK_COMPLETE;
    freeReplyObject(r);
    json_t *o = json_object();
    json_object_set_new(o, "message", json_string("cache flushed"));
    return reply_json(resp, 200, o);
}

HANDLER(h_cache_delete) {
    ID_PARAM(id, "id", "user");
    redisReply *r = one_command(resp, app, "DEL user:%lld", id);
    if (r == NULL)
        return U_CALLBACK_COMPLETE;
    long long n = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    json_t *o = json_object();
    json_object_set_new(o, "deleted", json_boolean(n > 0));
    json_object_set_new(o, "success", json_true());
    return reply_json(resp, 200, o);
}
