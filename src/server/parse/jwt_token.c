#include "server/parse/jwt_token.h"

#include "server/parse/query.h"

#include <errno.h>
#include <jansson.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX 4096

static int b64url_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

long base64url_decode(const char *in, size_t len, unsigned char *out, size_t outlen) {
    if (len % 4 == 1)
        return -1;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= outlen)
                return -1;
            out[o++] = (unsigned char)((acc >> bits) & 0xff);
        }
    }
    return (long)o;
}

char *jwt_issue_hs256(const char *secret, long long user_id, const char *email, long long now,
                      long long ttl_s) {
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt) != 0)
        return NULL;
    char sub[24];
    snprintf(sub, sizeof sub, "%lld", user_id);
    char *out = NULL;
    if (jwt_add_grant(jwt, "sub", sub) == 0 && jwt_add_grant(jwt, "email", email) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)(now + ttl_s)) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)secret, (int)strlen(secret)) == 0)
        out = jwt_encode_str(jwt);
    jwt_free(jwt);
    return out;
}

/* Checks the header segment ourselves before libjwt sees the token, so the
 * accepted algorithm never depends on what the token claims. */
static int header_is_hs256(const char *tok, size_t hlen) {
    unsigned char buf[512];
    if (hlen > 680)
        return 0;
    long n = base64url_decode(tok, hlen, buf, sizeof buf);
    if (n <= 0)
        return 0;
    json_t *h = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
    int ok = h != NULL && json_is_object(h) && json_is_string(json_object_get(h, "alg")) &&
             strcmp(json_string_value(json_object_get(h, "alg")), "HS256") == 0;
    json_decref(h);
    return ok;
}

int jwt_verify_hs256(const char *token, size_t len, const char *secret, long long now,
                     long long *user_id, char *err, size_t errlen) {
    if (len == 0 || len > TOKEN_MAX || memchr(token, '\0', len) != NULL) {
        snprintf(err, errlen, "token missing or too long");
        return -1;
    }
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (dot1 == NULL || dot2 == NULL || dot2 + 1 == token + len ||
        memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL) {
        snprintf(err, errlen, "not a signed JWT (header.payload.signature)");
        return -1;
    }
    if (!header_is_hs256(token, (size_t)(dot1 - token))) {
        snprintf(err, errlen, "algorithm must be HS256");
        return -1;
    }
    char *copy = strndup(token, len);
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    jwt_t *jwt = NULL;
    int rc = jwt_decode(&jwt, copy, (const unsigned char *)secret, (int)strlen(secret));
    free(copy);
    if (rc != 0 || jwt == NULL) {
        snprintf(err, errlen, "invalid signature or token");
        return -1;
    }
    int ok = -1;
    if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
        snprintf(err, errlen, "algorithm must be HS256");
        goto done;
    }
    errno = 0;
    long exp = jwt_get_grant_int(jwt, "exp");
    if (errno != 0) {
        snprintf(err, errlen, "exp claim missing or not a number");
        goto done;
    }
    if (exp <= now) {
        snprintf(err, errlen, "token expired");
        goto done;
    }
    const char *sub = jwt_get_grant(jwt, "sub");
    if (parse_int_param(sub, 1, 2147483647LL, user_id) != PARAM_OK) {
        snprintf(err, errlen, "sub claim must be a user id");
        goto done;
    }
    ok = 0;
done:
    jwt_free(jwt);
    return ok;
}
