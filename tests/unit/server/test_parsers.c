/* The server's pure input parsers: query integers, Authorization, JSON bodies,
 * multipart, JWT verification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "server/parse/auth_header.h"
#include "server/parse/json_body.h"
#include "server/parse/jwt_token.h"
#include "server/parse/multipart.h"
#include "server/parse/query.h"

static void test_int_param(void **state) {
    (void)state;
    long long v = 7;
    assert_int_equal(parse_int_param(NULL, 1, 100, &v), PARAM_MISSING);
    assert_int_equal(parse_int_param("", 1, 100, &v), PARAM_MISSING);
    assert_int_equal(v, 7);
    assert_int_equal(parse_int_param("42", 1, 100, &v), PARAM_OK);
    assert_int_equal(v, 42);
    assert_int_equal(parse_int_param("+5", 1, 100, &v), PARAM_OK);
    assert_int_equal(v, 5);
    assert_int_equal(parse_int_param("-3", -5, 0, &v), PARAM_OK);
    assert_int_equal(v, -3);
    assert_int_equal(parse_int_param("0", 1, 100, &v), PARAM_OUT_OF_RANGE);
    assert_int_equal(parse_int_param("101", 1, 100, &v), PARAM_OUT_OF_RANGE);
    assert_int_equal(parse_int_param("99999999999999999999999", 1, 100, &v), PARAM_OUT_OF_RANGE);
    assert_int_equal(parse_int_param("12a", 1, 100, &v), PARAM_NOT_INTEGER);
    assert_int_equal(parse_int_param(" 12", 1, 100, &v), PARAM_NOT_INTEGER);
    assert_int_equal(parse_int_param("1.5", 1, 100, &v), PARAM_NOT_INTEGER);
    assert_int_equal(parse_int_param("-", 1, 100, &v), PARAM_NOT_INTEGER);
    assert_int_equal(parse_int_param("9223372036854775807", 0, 9223372036854775807LL, &v),
                     PARAM_OK);
    assert_true(v == 9223372036854775807LL);
    char msg[128];
    assert_int_equal(parse_int_or_default(NULL, "size", 1, 100, 20, &v, msg, sizeof msg), 0);
    assert_int_equal(v, 20);
    assert_int_equal(parse_int_or_default("abc", "size", 1, 100, 20, &v, msg, sizeof msg), -1);
    assert_string_equal(msg, "size must be an integer between 1 and 100");
}

static void test_bearer(void **state) {
    (void)state;
    const char *tok;
    size_t len;
    assert_int_equal(parse_bearer("Bearer abc.def", &tok, &len), 0);
    assert_int_equal(len, 7);
    assert_memory_equal(tok, "abc.def", 7);
    assert_int_equal(parse_bearer("bearer   xyz  ", &tok, &len), 0);
    assert_int_equal(len, 3);
    assert_int_equal(parse_bearer(NULL, &tok, &len), -1);
    assert_int_equal(parse_bearer("Basic dXNlcjpwdw==", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearer", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearer ", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearerabc", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearer a b", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearer a\x01", &tok, &len), -1);
    assert_int_equal(parse_bearer("Bearer \xc3\xa9t\xc3\xa9", &tok, &len), -1);
}

static void test_echo_body(void **state) {
    (void)state;
    json_t *m, *d;
    char err[256];
    const char *ok = "{\"message\":\"hi\",\"data\":{\"a\":[1,2]}}";
    assert_int_equal(parse_echo_body(ok, strlen(ok), &m, &d, err, sizeof err), 0);
    assert_string_equal(json_string_value(m), "hi");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(d, "a"), 1)), 2);
    json_decref(m);
    json_decref(d);
    const char *nodata = "{\"message\":\"x\"}";
    assert_int_equal(parse_echo_body(nodata, strlen(nodata), &m, &d, err, sizeof err), 0);
    assert_true(json_is_null(d));
    json_decref(m);
    json_decref(d);
    struct {
        const char *body, *needle;
    } bad[] = {{"", "empty"},
               {"{\"message\":", "malformed JSON at line 1"},
               {"[1,2]", "JSON object"},
               {"{}", "'message' is required"},
               {"{\"message\":5}", "must be a string"},
               {"{\"message\":\"a\",\"data\":[1]}", "'data' must be an object"},
               {"{\"message\":\"a\",\"message\":\"b\"}", "malformed JSON"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse_echo_body(bad[i].body, strlen(bad[i].body), &m, &d, err, sizeof err),
                         -1);
        if (strstr(err, bad[i].needle) == NULL)
            fail_msg("'%s': got '%s'", bad[i].body, err);
    }
}

static void test_user_body(void **state) {
    (void)state;
    struct user_input in;
    char err[256];
    const char *ok = "{\"name\":\"Ann\",\"email\":\"ann@x.io\"}";
    assert_int_equal(parse_user_body(ok, strlen(ok), 0, &in, err, sizeof err), 0);
    assert_string_equal(in.name, "Ann");
    assert_string_equal(in.email, "ann@x.io");
    const char *partial = "{\"email\":\"b@y.io\"}";
    assert_int_equal(parse_user_body(partial, strlen(partial), 0, &in, err, sizeof err), -1);
    assert_non_null(strstr(err, "'name' is required"));
    assert_int_equal(parse_user_body(partial, strlen(partial), 1, &in, err, sizeof err), 0);
    assert_false(in.has_name);
    assert_true(in.has_email);
    const char *none = "{\"other\":1}";
    assert_int_equal(parse_user_body(none, strlen(none), 1, &in, err, sizeof err), -1);
    const char *bademail = "{\"name\":\"a\",\"email\":\"nope\"}";
    assert_int_equal(parse_user_body(bademail, strlen(bademail), 0, &in, err, sizeof err), -1);
    assert_non_null(strstr(err, "email"));
    const char *numname = "{\"name\":1,\"email\":\"a@b\"}";
    assert_int_equal(parse_user_body(numname, strlen(numname), 0, &in, err, sizeof err), -1);
    char longname[200];
    snprintf(longname, sizeof longname, "{\"name\":\"%0101d\",\"email\":\"a@b\"}", 0);
    assert_int_equal(parse_user_body(longname, strlen(longname), 0, &in, err, sizeof err), -1);
    const char *nul = "{\"name\":\"a\\u0000b\",\"email\":\"a@b\"}";
    assert_int_equal(parse_user_body(nul, strlen(nul), 0, &in, err, sizeof err), -1);
}

#define MP_BODY                                                                                    \
    "--XyZ\r\n"                                                                                    \
    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"                                        \
    "hello\r\n"                                                                                    \
    "--XyZ\r\n"                                                                                    \
    "Content-Disposition: form-data; name=\"file\"; filename=\"test.txt\"\r\n"                     \
    "Content-Type: text/plain\r\n\r\n"                                                             \
    "0123456789\r\n"                                                                               \
    "--XyZ--\r\n"

static void test_multipart(void **state) {
    (void)state;
    char b[128], err[256];
    assert_int_equal(multipart_boundary("multipart/form-data; boundary=XyZ", b, sizeof b), 0);
    assert_string_equal(b, "XyZ");
    assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"a b\"", b, sizeof b), 0);
    assert_string_equal(b, "a b");
    assert_int_equal(multipart_boundary("application/json", b, sizeof b), -1);
    assert_int_equal(multipart_boundary("multipart/form-data", b, sizeof b), -1);
    assert_int_equal(multipart_boundary(NULL, b, sizeof b), -1);
    struct multipart_part p;
    const char *body = MP_BODY;
    assert_int_equal(multipart_find(body, strlen(body), "XyZ", "file", &p, err, sizeof err), 1);
    assert_string_equal(p.filename, "test.txt");
    assert_string_equal(p.content_type, "text/plain");
    assert_int_equal(p.size, 10);
    assert_memory_equal(p.data, "0123456789", 10);
    assert_int_equal(multipart_find(body, strlen(body), "XyZ", "note", &p, err, sizeof err), 1);
    assert_false(p.has_filename);
    assert_int_equal(p.size, 5);
    assert_int_equal(multipart_find(body, strlen(body), "XyZ", "missing", &p, err, sizeof err), 0);
    /* Every truncation of a valid body is an error or "absent", never a crash. */
    for (size_t cut = 0; cut < strlen(body) - 10; cut++) {
        int rc = multipart_find(body, cut, "XyZ", "file", &p, err, sizeof err);
        assert_true(rc == -1 || rc == 0);
    }
    assert_int_equal(multipart_find("garbage", 7, "XyZ", "file", &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "boundary"));
}

static void test_jwt(void **state) {
    (void)state;
    long long now = 1800000000LL, id = 0;
    char err[128];
    char *tok = jwt_issue_hs256("secret", 42, "u42@example.com", now, 1800);
    assert_non_null(tok);
    assert_int_equal(jwt_verify_hs256(tok, strlen(tok), "secret", now, &id, err, sizeof err), 0);
    assert_int_equal(id, 42);
    /* Wrong key, expired, tampered payload. */
    assert_int_equal(jwt_verify_hs256(tok, strlen(tok), "other", now, &id, err, sizeof err), -1);
    assert_int_equal(jwt_verify_hs256(tok, strlen(tok), "secret", now + 1800, &id, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "expired"));
    char *tampered = strdup(tok);
    char *dot = strchr(tampered, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    assert_int_equal(
        jwt_verify_hs256(tampered, strlen(tampered), "secret", now, &id, err, sizeof err), -1);
    free(tampered);
    free(tok);
    /* alg "none" with an empty signature and with a copied one; alg HS512. */
    const char *none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."     /* {"alg":"none","typ":"JWT"} */
                       "eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ."; /* {"sub":"1","exp":9999999999} */
    assert_int_equal(jwt_verify_hs256(none, strlen(none), "secret", now, &id, err, sizeof err), -1);
    const char *none2 = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                        "eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.c2ln";
    assert_int_equal(jwt_verify_hs256(none2, strlen(none2), "secret", now, &id, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "HS256"));
    const char *hs512 = "eyJhbGciOiJIUzUxMiJ9." /* {"alg":"HS512"} */
                        "eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.c2ln";
    assert_int_equal(jwt_verify_hs256(hs512, strlen(hs512), "secret", now, &id, err, sizeof err),
                     -1);
    const char *junk[] = {"", "a", "a.b", "a.b.c.d", "...", "!!.!!.!!"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        assert_int_equal(
            jwt_verify_hs256(junk[i], strlen(junk[i]), "secret", now, &id, err, sizeof err), -1);
}

static void test_base64url(void **state) {
    (void)state;
    unsigned char out[16];
    assert_int_equal(base64url_decode("aGk", 3, out, sizeof out), 2);
    assert_memory_equal(out, "hi", 2);
    assert_int_equal(base64url_decode("a", 1, out, sizeof out), -1);
    assert_int_equal(base64url_decode("a+b/", 4, out, sizeof out), -1);
    assert_int_equal(base64url_decode("AAAAAAAAAAAAAAAAAAAAAAAA", 24, out, 4), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_param), cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_echo_body), cmocka_unit_test(test_user_body),
        cmocka_unit_test(test_multipart), cmocka_unit_test(test_jwt),
        cmocka_unit_test(test_base64url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
