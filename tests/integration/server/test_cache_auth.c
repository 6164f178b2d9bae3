/* /cache and /auth. Forged and expired JWTs are made with the secret of a
 * private server started here (--jwt-secret). Ends with the cache flushed. */
#include "client.h"
#include "spawn.h"

#include <jwt.h>

#include "server/parse/jwt_token.h"

static json_t *cached(int id, const char *kind, const char *expect_source) {
    char path[96];
    snprintf(path, sizeof path, "/cache/users/%d/%s", id, kind);
    json_t *j = GET_JSON(path, 200);
    if (strcmp(jstr(j, "source"), expect_source) != 0)
        fail_msg("%s: source %s, expected %s", path, jstr(j, "source"), expect_source);
    assert_int_equal(jint(j, "user_id"), id);
    assert_true(json_is_number(json_object_get(j, "elapsed_ms")));
    return j;
}

static void test_cache_flow(void **state) {
    (void)state;
    need_stack();
    json_decref(call_json("DELETE", "/cache/flush", NULL, 200));
    json_t *db = cached(7, "cached", "database");
    json_t *hit = cached(7, "cached", "cache");
    json_t *nc = cached(7, "no-cache", "database");
    assert_string_equal(jstr(db, "email"), "user7@example.com");
    assert_string_equal(jstr(hit, "email"), jstr(db, "email"));
    assert_string_equal(jstr(hit, "name"), jstr(nc, "name"));
    json_decref(db);
    json_decref(hit);
    json_decref(nc);
    json_t *d = call_json("DELETE", "/cache/users/7", NULL, 200);
    assert_true(json_is_true(json_object_get(d, "deleted")));
    assert_true(json_is_true(json_object_get(d, "success")));
    json_decref(d);
    d = call_json("DELETE", "/cache/users/7", NULL, 200);
    assert_true(json_is_false(json_object_get(d, "deleted")));
    json_decref(d);
    json_decref(cached(7, "cached", "database"));
    json_decref(call_json("DELETE", "/cache/flush", NULL, 200));
    json_t *w = call_json("POST", "/cache/warmup?count=100", NULL, 200);
    assert_int_equal(jint(w, "warmed_count"), 100);
    json_decref(w);
    json_decref(cached(1, "cached", "cache"));
    json_decref(cached(100, "cached", "cache"));
    json_decref(cached(101, "cached", "database"));
    w = call_json("POST", "/cache/warmup?count=1000", NULL, 200);
    assert_int_equal(jint(w, "warmed_count"), 1000);
    json_decref(w);
    json_decref(cached(1000, "cached", "cache"));
    expect_error("GET", "/cache/users/999999/cached", NULL, NULL, 404);
    expect_error("GET", "/cache/users/999999/no-cache", NULL, NULL, 404);
    expect_error("GET", "/cache/users/x/cached", NULL, NULL, 422);
    expect_error("POST", "/cache/warmup?count=0", NULL, NULL, 422);
    expect_error("POST", "/cache/warmup?count=1001", NULL, NULL, 422);
    expect_error("DELETE", "/cache/users/abc", NULL, NULL, 422);
    json_decref(call_json("DELETE", "/cache/flush", NULL, 200));
}

static long get_with_bearer(const char *base, const char *path, const char *token, json_t **out) {
    char h[4096];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    const char *hs[] = {h, NULL};
    struct http_resp r;
    assert_int_equal(http_to(base, "GET", path, NULL, NULL, 0, hs, &r), 0);
    long st = r.status;
    if (st == 401) {
        assert_string_equal(jstr(r.json, "error"), "unauthorized");
        assert_true(has_header(r.headers, "WWW-Authenticate: Bearer"));
    }
    if (out != NULL)
        *out = r.json ? json_incref(r.json) : NULL;
    http_free(&r);
    return st;
}

static void test_auth_public_and_session(void **state) {
    (void)state;
    need_stack();
    json_t *p = GET_JSON("/auth/public", 200);
    assert_string_equal(jstr(p, "message"), "public endpoint");
    assert_true(json_is_false(json_object_get(p, "authenticated")));
    json_decref(p);
    json_t *s = call_json("POST", "/auth/login/session?user_id=3", NULL, 200);
    assert_string_equal(jstr(s, "token_type"), "session");
    const char *tok = jstr(s, "session_token");
    assert_int_equal(strlen(tok), 43);
    assert_int_equal(
        strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    json_t *me = NULL;
    assert_int_equal(get_with_bearer(stack_url(), "/auth/protected/session", tok, &me), 200);
    assert_string_equal(jstr(me, "auth_type"), "session");
    assert_int_equal(jint(me, "user_id"), 3);
    assert_string_equal(jstr(me, "email"), "user3@example.com");
    json_decref(me);
    /* A second login gives another token. */
    json_t *s2 = call_json("POST", "/auth/login/session?user_id=3", NULL, 200);
    assert_string_not_equal(jstr(s2, "session_token"), tok);
    json_decref(s2);
    json_decref(s);
    assert_int_equal(get_with_bearer(stack_url(), "/auth/protected/session",
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL),
                     401);
    assert_int_equal(get_with_bearer(stack_url(), "/auth/protected/session", "*", NULL), 401);
    expect_error("GET", "/auth/protected/session", NULL, NULL, 401);
    expect_error("POST", "/auth/login/session?user_id=999999", NULL, NULL, 401);
    expect_error("POST", "/auth/login/session?user_id=abc", NULL, NULL, 422);
    expect_error("POST", "/auth/login/session", NULL, NULL, 422);
    /* Sessions are Redis keys: leave Redis as the test found it (empty). */
    json_decref(call_json("DELETE", "/cache/flush", NULL, 200));
}

static void test_auth_jwt(void **state) {
    (void)state;
    need_stack();
    json_t *l = call_json("POST", "/auth/login/jwt?user_id=1", NULL, 200);
    assert_string_equal(jstr(l, "token_type"), "bearer");
    json_t *me = NULL;
    assert_int_equal(
        get_with_bearer(stack_url(), "/auth/protected/jwt", jstr(l, "access_token"), &me), 200);
    assert_string_equal(jstr(me, "auth_type"), "jwt");
    assert_int_equal(jint(me, "user_id"), 1);
    assert_string_equal(jstr(me, "email"), "user1@example.com");
    json_decref(me);
    /* Flip a character of the signature. */
    char *t = strdup(jstr(l, "access_token"));
    size_t n = strlen(t);
    t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(get_with_bearer(stack_url(), "/auth/protected/jwt", t, NULL), 401);
    free(t);
    json_decref(l);
    expect_error("POST", "/auth/login/jwt?user_id=999999", NULL, NULL, 401);
    expect_error("POST", "/auth/login/jwt?user_id=-1", NULL, NULL, 401);
    expect_error("GET", "/auth/protected/jwt", NULL, NULL, 401);
    assert_int_equal(get_with_bearer(stack_url(), "/auth/protected/jwt", "a.b.c", NULL), 401);
}

/* A token made with libjwt directly: any algorithm, any claims. */
static char *forge(jwt_alg_t alg, const char *key, const char *sub, long exp) {
    jwt_t *j = NULL;
    assert_int_equal(jwt_new(&j), 0);
    jwt_add_grant(j, "sub", sub);
    jwt_add_grant(j, "email", "x@example.com");
    if (exp != 0)
        jwt_add_grant_int(j, "exp", exp);
    assert_int_equal(jwt_set_alg(j, alg, alg == JWT_ALG_NONE ? NULL : (const unsigned char *)key,
                                 alg == JWT_ALG_NONE ? 0 : (int)strlen(key)),
                     0);
    char *s = jwt_encode_str(j);
    jwt_free(j);
    assert_non_null(s);
    return s;
}

static void test_forged_tokens(void **state) {
    (void)state;
    need_stack();
    const char *pg = getenv("BENCHLAB_PG"), *redis = getenv("BENCHLAB_REDIS");
    if (pg == NULL || redis == NULL)
        skip();
    const char *secret = "integration-secret";
    const char *args[] = {"--pg", pg, "--redis", redis, "--jwt-secret", secret, NULL};
    char base[128];
    pid_t pid = spawn_server(args, base, sizeof base);
    assert_true(pid > 0);
    long now = (long)time(NULL);
    char *good = jwt_issue_hs256(secret, 2, "user2@example.com", now, 1800);
    assert_int_equal(get_with_bearer(base, "/auth/protected/jwt", good, NULL), 200);
    char *expired = jwt_issue_hs256(secret, 2, "user2@example.com", now - 4000, 1800);
    char *other_key = jwt_issue_hs256("not-the-secret", 2, "user2@example.com", now, 1800);
    char *none = forge(JWT_ALG_NONE, NULL, "2", now + 1800);
    char *hs512 = forge(JWT_ALG_HS512, secret, "2", now + 1800);
    char *hs384 = forge(JWT_ALG_HS384, secret, "2", now + 1800);
    char *no_exp = forge(JWT_ALG_HS256, secret, "2", 0);
    char *bad_sub = forge(JWT_ALG_HS256, secret, "admin", now + 1800);
    char *gone_user = forge(JWT_ALG_HS256, secret, "999999", now + 1800);
    char *bad[] = {expired, other_key, none, hs512, hs384, no_exp, bad_sub, gone_user};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long st = get_with_bearer(base, "/auth/protected/jwt", bad[i], NULL);
        if (st != 401)
            fail_msg("forged token %zu accepted with %ld", i, st);
        free(bad[i]);
    }
    free(good);
    assert_int_equal(stop_server(pid), 0);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_flow),
        cmocka_unit_test(test_auth_public_and_session),
        cmocka_unit_test(test_auth_jwt),
        cmocka_unit_test(test_forged_tokens),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
