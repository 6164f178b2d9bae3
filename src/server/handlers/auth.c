/* /auth: JWT (HS256) and Redis-session logins and protected reads (scenario 17). */
#include "server/handlers/dbutil.h"

#include "common/clock.h"
#include "server/cache/redis_pool.h"
#include "server/handlers/params.h"
#include "server/parse/auth_header.h"
#include "server/parse/jwt_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define TOKEN_TTL_S 1800

HANDLER(h_auth_public) {
    (void)req;
    (void)app;
    json_t *o = json_object();
    json_object_set_new(o, "message", json_string("public endpoint"));
    json_object_set_new(o, "authenticated", json_false());
    return reply_json(resp, 200, o);
}

static int unauthorized(struct _u_response *resp, const char *why) {
    u_map_put(resp->map_header, "WWW-Authenticate", "Bearer");
    return reply_error(resp, 401, "unauthorized", "%s", why);
}

/* user_id query parameter -> the user's email; 401 when there is no such user. */
static int login_user(const struct _u_request *req, struct _u_response *resp, struct app *app,
                      long long *id, char *email, size_t emaillen) {
    long long v;
    enum param_status st = parse_int_param(req_param(req, "user_id"), 1, 2147483647LL, &v);
    if (st == PARAM_MISSING || st == PARAM_NOT_INTEGER) {
        reply_error(resp, 422, "validation_error", "user_id must be a positive integer");
        return -1;
    }
    if (st != PARAM_OK) {
        unauthorized(resp, "no such user");
        return -1;
    }
    char name[128];
    int f = lookup_user(resp, app, v, name, sizeof name, email, emaillen);
    if (f < 0)
        return -1;
    if (f == 0) {
        unauthorized(resp, "no such user");
        return -1;
    }
    *id = v;
    return 0;
}

static int reply_me(struct _u_response *resp, const char *type, long long id, const char *email,
                    uint64_t start) {
    json_t *o = json_object();
    json_object_set_new(o, "message", json_string("Access granted"));
    json_object_set_new(o, "auth_type", json_string(type));
    json_object_set_new(o, "user_id", json_integer(id));
    json_object_set_new(o, "email", json_string(email));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    return reply_json(resp, 200, o);
}

HANDLER(h_auth_login_jwt) {
    uint64_t start = clock_mono_ns();
    long long id;
    char email[300];
    if (login_user(req, resp, app, &id, email, sizeof email) != 0)
        return U_CALLBACK_COMPLETE;
    char *tok =
        jwt_issue_hs256(app->cfg->jwt_secret, id, email, (long long)time(NULL), TOKEN_TTL_S);
    if (tok == NULL)
        return reply_error(resp, 500, "internal", "cannot sign token");
    json_t *o = json_object();
    json_object_set_new(o, "access_token", json_string(tok));
    json_object_set_new(o, "token_type", json_string("bearer"));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    free(tok);
    return reply_json(resp, 200, o);
}

HANDLER(h_auth_protected_jwt) {
    uint64_t start = clock_mono_ns();
    const char *tok;
    size_t len;
    if (parse_bearer(req_header(req, "Authorization"), &tok, &len) != 0)
        return unauthorized(resp, "Authorization: Bearer <jwt> required");
    long long id;
    char err[128];
    if (jwt_verify_hs256(tok, len, app->cfg->jwt_secret, (long long)time(NULL), &id, err,
                         sizeof err) != 0)
        return unauthorized(resp, err);
    char name[128], email[300];
    int f = lookup_user(resp, app, id, name, sizeof name, email, sizeof email);
    if (f < 0)
        return U_CALLBACK_COMPLETE;
    if (f == 0)
        return unauthorized(resp, "user of the token no longer exists");
    return reply_me(resp, "jwt", id, email, start);
}

/* 32 random bytes from getentropy (the kernel's CSPRNG on Linux and macOS; one
 * call gives up to 256 bytes or fails), base64url without padding (43 chars). */
static int session_token(char out[64]) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[33] = {0};
    if (getentropy(raw, 32) != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < 32; i += 3) {
        unsigned v =
            (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | (i + 2 < 32 ? raw[i + 2] : 0);
        int chars = i + 2 < 32 ? 4 : 3; /* last group has 2 bytes -> 3 chars */
        for (int k = 0; k < chars; k++)
            out[o++] = alphabet[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
    return 0;
}

HANDLER(h_auth_login_session) {
    uint64_t start = clock_mono_ns();
    long long id;
    char email[300];
    if (login_user(req, resp, app, &id, email, sizeof email) != 0)
        return U_CALLBACK_COMPLETE;
    char tok[64];
    if (session_token(tok) != 0)
        return reply_error(resp, 500, "internal", "no randomness available");
    struct redis_conn *rc = redis_acquire(app->redis);
    if (rc == NULL)
        return reply_unavailable(resp, "redis");
    redisReply *r = redis_cmd(rc, "SETEX session:%s %d %lld", tok, TOKEN_TTL_S, id);
    int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
    if (r != NULL)
        freeReplyObject(r);
    redis_release(app->redis, rc);
    if (!ok)
        return reply_unavailable(resp, "redis");
    json_t *o = json_object();
    json_object_set_new(o, "session_token", json_string(tok));
    json_object_set_new(o, "token_type", json_string("session"));
    json_object_set_new(o, "elapsed_ms", json_real(elapsed_ms(start)));
    return reply_json(resp, 200, o);
}

HANDLER(h_auth_protected_session) {
    uint64_t start = clock_mono_ns();
    const char *tok;
    size_t len;
    if (parse_bearer(req_header(req, "Authorization"), &tok, &len) != 0 || len > 128)
        return unauthorized(resp, "Authorization: Bearer <session token> required");
    struct redis_conn *rc = redis_acquire(app->redis);
    if (rc == NULL)
        return reply_unavailable(resp, "redis");
    redisReply *r = redis_cmd(rc, "GET session:%b", tok, len);
    redis_release(app->redis, rc);
    if (r == NULL)
        return reply_unavailable(resp, "redis");
    long long id = 0;
    int found =
        r->type == REDIS_REPLY_STRING && parse_int_param(r->str, 1, 2147483647LL, &id) == PARAM_OK;
    freeReplyObject(r);
    if (!found)
        return unauthorized(resp, "unknown or expired session");
    char name[128], email[300];
    int f = lookup_user(resp, app, id, name, sizeof name, email, sizeof email);
    if (f < 0)
        return U_CALLBACK_COMPLETE;
    if (f == 0)
        return unauthorized(resp, "user of the session no longer exists");
    return reply_me(resp, "session", id, email, start);
}
