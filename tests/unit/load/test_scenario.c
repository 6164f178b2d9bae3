/* Scenario loading: the reference file, defaults, error messages naming file and
 * field path, templates (incl. unquoted numbers in JSON bodies), multipart,
 * JSON paths and thresholds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "load/jsonpath.h"
#include "load/scenario.h"
#include "load/template.h"
#include "load/threshold.h"

static scenario_t *parse(const char *text, char *err, size_t n) {
    err[0] = '\0';
    return scenario_parse("t.json", text, strlen(text), err, n);
}

/* Expects a load error whose message contains every given fragment. */
static void expect_error(const char *text, const char *frag1, const char *frag2) {
    char err[1024];
    scenario_t *s = parse(text, err, sizeof err);
    if (s)
        fail_msg("accepted: %s", text);
    if (!strstr(err, frag1) || (frag2 && !strstr(err, frag2)))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err, frag1, frag2 ? frag2 : "");
    assert_non_null(strstr(err, "t.json"));
}

static void reference_scenario_loads(void **state) {
    (void)state;
    char err[1024] = "";
    char path[512];
    const char *root = getenv("BENCHLAB_ROOT");
    snprintf(path, sizeof path, "%s/scenarios/basic/01-lightweight.json", root ? root : ".");
    scenario_t *s = scenario_load(path, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_int_equal(s->ngroups, 1);
    assert_int_equal(s->nrequests, 1);
    assert_string_equal(s->reqs[0]->method, "GET");
    assert_int_equal(s->reqs[0]->nchecks, 2);
    assert_int_equal(s->reqs[0]->checks[0].kind, CK_STATUS);
    assert_int_equal(s->reqs[0]->checks[1].kind, CK_EQUALS);
    assert_true(s->reqs[0]->needs_json);
    /* fully static: wire bytes prebuilt */
    assert_non_null(s->reqs[0]->wire);
    assert_non_null(strstr(s->reqs[0]->wire, "GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
    scenario_free(s);
}

static void defaults_and_overrides(void **state) {
    (void)state;
    char err[1024];
    scenario_t *s = parse("{\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}", err, sizeof err);
    assert_non_null(s);
    assert_int_equal(s->vus, 10);
    assert_true(s->duration_s == 30);
    assert_true(s->rate == 0);
    assert_true(s->connect_timeout_s == 5 && s->request_timeout_s == 30);
    assert_string_equal(s->groups[0].name, "default");
    assert_string_equal(s->reqs[0]->name, "GET /x");
    assert_int_equal(scenario_set_base_url(s, "http://localhost:9999", err, sizeof err), 0);
    assert_string_equal(s->addr, "localhost");
    assert_string_equal(s->port, "9999");
    assert_non_null(strstr(s->reqs[0]->wire, "Host: localhost:9999"));
    assert_int_equal(scenario_set_base_url(s, "https://x", err, sizeof err), -1);
    assert_int_equal(scenario_set_base_url(s, "http://x:1/api", err, sizeof err), -1);
    scenario_free(s);
    double d;
    assert_int_equal(parse_duration("1.5s", &d), 0);
    assert_true(d == 1.5);
    assert_int_equal(parse_duration("250ms", &d), 0);
    assert_true(d == 0.25);
    assert_int_equal(parse_duration("2m", &d), 0);
    assert_true(d == 120);
    assert_int_equal(parse_duration("3 parsecs", &d), -1);
}

static void errors_name_file_and_path(void **state) {
    (void)state;
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"/x\",\"methd\":\"GET\"}]}}",
                 "iteration.requests[0].methd", "unknown key");
    expect_error("{\"vus\":0,\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}", "vus", ">= 1");
    /* a serial scenario's iterations share state: one VU only */
    expect_error("{\"serial\":true,\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}", "vus",
                 "exactly one VU (found 10)");
    expect_error("{\"serial\":1,\"vus\":1,\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}",
                 "serial", "true or false");
    /* "server_bound" is the lab's (validity), checked here as a boolean */
    expect_error("{\"server_bound\":\"yes\",\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}",
                 "server_bound", "true or false");
    expect_error("{\"iteration\":{\"groups\":[{\"name\":\"a\",\"requests\":[{\"path\":\"/x\","
                 "\"checks\":[{\"status\":200},{\"json\":\"a\"}]}]}]}}",
                 "iteration.groups[0].requests[0].checks[1].equals", "missing");
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"x\"}]}}", "iteration.requests[0].path",
                 "start with");
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"/{{nope}}\"}]}}", "{{nope}}", NULL);
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"/{{rand 5 1}}\"}]}}", "rand", NULL);
    expect_error("{\"duration\":\"soon\",\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}",
                 "duration", "expected a duration");
    expect_error("{\"thresholds\":{\"http_req_duration\":\"p(95)<<1\"},"
                 "\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}",
                 "thresholds.http_req_duration", NULL);
    expect_error("{\"thresholds\":{\"http_req_duration{group:zz}\":\"p(95)<1\"},"
                 "\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}",
                 "no group named", NULL);
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"/x\",\"json\":{},\"body\":\"\"}]}}",
                 "at most one", NULL);
    expect_error("{\"iteration\":{}}", "iteration", "exactly one");
    expect_error("{}", "iteration", "missing");
    expect_error("{\"iteration\":{\"requests\":[{\"path\":\"/x\"}]},}", "line 1", NULL);
    expect_error("{\"needs\":[1],\"iteration\":{\"requests\":[{\"path\":\"/x\"}]}}", "needs[0]",
                 NULL);
    /* reserved keys are accepted */
    char err[1024];
    scenario_t *s = parse("{\"needs\":[\"postgres\"],\"dirties\":[\"users\"],\"description\":\"d\","
                          "\"iteration\":{\"requests\":[{\"path\":\"/x\",\"description\":\"r\"}]}}",
                          err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    scenario_free(s);
}

static void templates_render(void **state) {
    (void)state;
    char err[1024];
    scenario_t *s = parse(
        "{\"variables\":{\"name\":\"a\\\"b\"},"
        "\"setup\":[{\"path\":\"/login\",\"extract\":{\"token\":\"access_token\"}}],"
        "\"iteration\":{\"requests\":[{\"method\":\"post\",\"path\":\"/u/{{rand 3 3}}?i={{iter}}\","
        "\"headers\":{\"Authorization\":\"Bearer "
        "{{token}}\",\"X-Request-Id\":\"req-{{vu}}-{{iter}}\"},"
        "\"json\":{\"message\":\"hi {{name}}\",\"timestamp\":\"{{raw "
        "now_ms}}\",\"n\":[1,2.5,true,null],"
        "\"id\":\"{{uuid}}\"}}]}}",
        err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    const request_t *r = s->reqs[0];
    assert_null(r->wire); /* templated: rendered per request */
    int tok = varnames_find(&s->vars, "token"), name = varnames_find(&s->vars, "name");
    assert_true(tok >= 0 && name >= 0);
    char *vals[4] = {0};
    vals[tok] = "abc.def";
    vals[name] = s->var_init[name];
    uint64_t rng = 1;
    render_ctx_t ctx = {7, 3, &rng, vals};
    buf_t out = {0}, scratch = {0};
    request_render(s, r, &out, &scratch, &ctx);
    assert_non_null(strstr(out.p, "POST /u/3?i=3 HTTP/1.1\r\n"));
    assert_non_null(strstr(out.p, "Authorization: Bearer abc.def\r\n"));
    assert_non_null(strstr(out.p, "X-Request-Id: req-7-3\r\n"));
    assert_non_null(strstr(out.p, "Content-Type: application/json\r\n"));
    char *body = strstr(out.p, "\r\n\r\n") + 4;
    char cl[64];
    snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", strlen(body));
    assert_non_null(strstr(out.p, cl));
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    if (!j)
        fail_msg("body is not JSON: %s (%s)", body, je.text);
    assert_string_equal(json_string_value(json_object_get(j, "message")), "hi a\"b");
    assert_true(json_is_integer(json_object_get(j, "timestamp"))); /* unquoted number */
    assert_true(json_integer_value(json_object_get(j, "timestamp")) > 1700000000000LL);
    assert_int_equal(json_array_size(json_object_get(j, "n")), 4);
    const char *uuid = json_string_value(json_object_get(j, "id"));
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(uuid[14], '4');
    json_decref(j);
    buf_free(&out);
    buf_free(&scratch);
    scenario_free(s);
}

static void rand_stays_in_range(void **state) {
    (void)state;
    tmpl_t t;
    char err[256];
    assert_int_equal(tmpl_compile(&t, "{{ rand -2 2 }}", NULL, err, sizeof err), 0);
    uint64_t rng = 99;
    render_ctx_t ctx = {1, 0, &rng, NULL};
    int seen[5] = {0};
    for (int i = 0; i < 1000; i++) {
        buf_t b = {0};
        tmpl_render(&t, &b, &ctx);
        int v = atoi(b.p);
        assert_true(v >= -2 && v <= 2);
        seen[v + 2] = 1;
        buf_free(&b);
    }
    for (int i = 0; i < 5; i++)
        assert_true(seen[i]);
    tmpl_free(&t);
    assert_int_equal(tmpl_compile(&t, "{{ unclosed", NULL, err, sizeof err), -1);
}

static void multipart_body(void **state) {
    (void)state;
    char err[1024];
    scenario_t *s = parse(
        "{\"iteration\":{\"requests\":[{\"method\":\"POST\",\"path\":\"/upload\",\"multipart\":["
        "{\"name\":\"file\",\"filename\":\"test.txt\",\"content_type\":\"text/"
        "plain\",\"size\":1024},"
        "{\"name\":\"note\",\"value\":\"vu {{vu}}\"}]}]}}",
        err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    uint64_t rng = 1;
    render_ctx_t ctx = {5, 0, &rng, NULL};
    buf_t out = {0}, scratch = {0};
    request_render(s, s->reqs[0], &out, &scratch, &ctx);
    assert_non_null(strstr(out.p, "Content-Type: multipart/form-data; boundary="));
    assert_non_null(
        strstr(out.p, "name=\"file\"; filename=\"test.txt\"\r\nContent-Type: text/plain"));
    char *data = strstr(out.p, "text/plain\r\n\r\n") + 14;
    char *end = strstr(data, "\r\n--");
    assert_int_equal(end - data, 1024);
    assert_non_null(strstr(out.p, "name=\"note\"\r\n\r\nvu 5\r\n"));
    assert_non_null(strstr(out.p, "--\r\n") + 0);
    buf_free(&out);
    buf_free(&scratch);
    scenario_free(s);
}

static void json_paths(void **state) {
    (void)state;
    json_t *doc =
        json_loads("{\"items\":[1,2,3],\"posts\":[{\"id\":7}],\"a\":{\"0\":\"zero\"}}", 0, NULL);
    jpath_t p;
    assert_int_equal(jpath_parse(&p, "posts.0.id"), 0);
    assert_int_equal(json_integer_value(jpath_get(&p, doc)), 7);
    jpath_free(&p);
    assert_int_equal(jpath_parse(&p, "$.items"), 0);
    assert_int_equal(json_array_size(jpath_get(&p, doc)), 3);
    jpath_free(&p);
    assert_int_equal(jpath_parse(&p, "$"), 0);
    assert_ptr_equal(jpath_get(&p, doc), doc);
    jpath_free(&p);
    assert_int_equal(jpath_parse(&p, "a.0"), 0); /* digit key on an object */
    assert_string_equal(json_string_value(jpath_get(&p, doc)), "zero");
    jpath_free(&p);
    assert_int_equal(jpath_parse(&p, "items.9"), 0);
    assert_null(jpath_get(&p, doc));
    jpath_free(&p);
    assert_int_equal(jpath_parse(&p, "a..b"), -1);
    assert_int_equal(jpath_parse(&p, ""), -1);
    json_decref(doc);
}

static void thresholds_parse_and_compare(void **state) {
    (void)state;
    threshold_t t;
    char err[256];
    assert_int_equal(threshold_parse(&t, "http_req_duration", "p(99.9) < 250", err, sizeof err), 0);
    assert_int_equal(t.metric, TM_DURATION);
    assert_int_equal(t.agg, TA_P);
    assert_true(t.p == 99.9 && t.value == 250 && t.op == TO_LT);
    assert_true(threshold_compare(&t, 249.9));
    assert_false(threshold_compare(&t, 250));
    assert_string_equal(t.label, "http_req_duration: p(99.9) < 250");
    threshold_free(&t);
    assert_int_equal(threshold_parse(&t, "checks{group:login}", "rate>=0.99", err, sizeof err), 0);
    assert_string_equal(t.group, "login");
    assert_true(threshold_compare(&t, 0.99));
    threshold_free(&t);
    assert_int_equal(threshold_parse(&t, "checks", "p(95)<1", err, sizeof err), -1);
    assert_int_equal(threshold_parse(&t, "latency", "p(95)<1", err, sizeof err), -1);
    assert_int_equal(threshold_parse(&t, "http_reqs", "count>", err, sizeof err), -1);
    assert_int_equal(threshold_parse(&t, "http_req_duration", "p(101)<1", err, sizeof err), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_scenario_loads),
        cmocka_unit_test(defaults_and_overrides),
        cmocka_unit_test(errors_name_file_and_path),
        cmocka_unit_test(templates_render),
        cmocka_unit_test(rand_stays_in_range),
        cmocka_unit_test(multipart_body),
        cmocka_unit_test(json_paths),
        cmocka_unit_test(thresholds_parse_and_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
