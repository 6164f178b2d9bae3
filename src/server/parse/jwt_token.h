/* HS256 JWTs: issue and verify with the algorithm pinned. Pure (the clock is a
 * parameter), so the verifier is fuzzed. */
#ifndef BENCHLAB_SERVER_PARSE_JWT_TOKEN_H
#define BENCHLAB_SERVER_PARSE_JWT_TOKEN_H

#include <stddef.h>

/* A new token {sub: "<user_id>", email, exp: now + ttl_s}; caller frees. NULL on failure. */
char *jwt_issue_hs256(const char *secret, long long user_id, const char *email, long long now,
                      long long ttl_s);

/* 0 when token is a well-formed JWT whose header says alg HS256 (nothing else
 * is accepted: not "none", not HS384/512, not RS*), whose signature matches
 * secret, whose exp is a number greater than now and whose sub is a positive
 * integer (written to *user_id). -1 otherwise, with the reason in err. */
int jwt_verify_hs256(const char *token, size_t len, const char *secret, long long now,
                     long long *user_id, char *err, size_t errlen);

/* base64url without padding -> bytes; returns the decoded length or -1. */
long base64url_decode(const char *in, size_t len, unsigned char *out, size_t outlen);

#endif
