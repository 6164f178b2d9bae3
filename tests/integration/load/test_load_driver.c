/* benchlab-load end to end against tests/support/load_testserver: exact counts,
 * checks and extraction, thresholds and exit codes, errors by kind, timeouts,
 * reconnects, the open model under a stall, verify, merge, time series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static pid_t current_server;
static char bin_load[512], bin_server[512];

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the test server with extra args; returns its pid and port. */
static pid_t start_server(int *port, const char *a1, const char *a2, const char *a3,
                          const char *a4) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the server dies with the test, even when a failed assertion skips stop_server */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_WRONLY);
        dup2(p[1], 1);
        dup2(null, 2);
        close(p[0]);
        close(p[1]);
        execl(bin_server, bin_server, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[32] = "";
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    close(p[0]);
    assert_true(n > 0);
    *port = atoi(buf);
    assert_true(*port > 0);
    current_server = pid;
    return pid;
}

static void stop_server(pid_t pid) {
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (pid == current_server)
        current_server = 0;
}

/* After each test: a server a failed assertion left behind is stopped. */
static int stop_leftover_server(void **state) {
    (void)state;
    if (current_server > 0)
        stop_server(current_server);
    return 0;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Runs benchlab-load with args (NULL-terminated); stdout/stderr go to files in dir.
 * Fails the test if it runs longer than limit_s. Returns the exit code. */
static int run_load(double limit_s, const char *const *args) {
    char out[300], err[300];
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(err, sizeof err, "%s/stderr", dir);
    const char *argv[32];
    int n = 0;
    argv[n++] = bin_load;
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        execv(bin_load, (char *const *)argv);
        _exit(127);
    }
    double t0 = now_s();
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (now_s() - t0 > limit_s) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("benchlab-load hung (> %.0f s)", limit_s);
        }
        usleep(10000);
    }
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static json_t *summary(void) {
    char path[300];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fail_msg("summary not readable: %s", e.text);
    return j;
}

static json_int_t geti(json_t *j, const char *a, const char *b, const char *c) {
    json_t *v = json_object_get(j, a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    if (!json_is_integer(v))
        fail_msg("%s.%s.%s is not an integer", a, b ? b : "", c ? c : "");
    return json_integer_value(v);
}

static double getd(json_t *j, const char *a, const char *b, const char *c) {
    json_t *v = json_object_get(json_object_get(json_object_get(j, a), b), c);
    if (!json_is_number(v))
        fail_msg("%s.%s.%s is not a number", a, b, c);
    return json_number_value(v);
}

/* Writes the scenario and runs it with --summary-export; returns the exit code. */
static int run_scenario(const char *text, double limit_s, const char *base, const char *x1,
                        const char *x2, const char *x3, const char *x4) {
    char sc[300], sum[300];
    snprintf(sc, sizeof sc, "%s/scenario.json", dir);
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    write_file(sc, text);
    unlink(sum);
    const char *args[] = {"run", sc, "--base-url", base, "--quiet", "--summary-export",
                          sum,   x1, x2,           x3,   x4,        NULL};
    return run_load(limit_s, args);
}

static void url(char *buf, size_t n, int port) {
    snprintf(buf, n, "http://127.0.0.1:%d", port);
}

static void exact_counts_checks_extraction(void **state) {
    (void)state;
    int port;
    char base[64];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    const char *sc =
        "{\"vus\":3,\"iterations\":300,"
        "\"setup\":[{\"path\":\"/json\",\"extract\":{\"tok\":\"token\",\"pid\":\"posts.1.id\"}}],"
        "\"iteration\":{\"groups\":["
        " {\"name\":\"plain\",\"requests\":[{\"path\":\"/ok\",\"checks\":[{\"status\":200},"
        "   {\"json\":\"status\",\"equals\":\"ok\"}]}]},"
        " {\"name\":\"templated\",\"requests\":["
        "  {\"method\":\"POST\",\"path\":\"/echo\",\"json\":{\"tok\":\"{{tok}}\",\"id\":\"{{raw "
        "pid}}\","
        "   \"who\":\"{{vu}}-{{iter}}\",\"ts\":\"{{raw now_ms}}\"},"
        "   \"checks\":[{\"json\":\"tok\",\"equals\":\"tok-123\"},{\"json\":\"id\",\"equals\":8},"
        "    {\"json\":\"who\",\"exists\":true},{\"json\":\"nope\",\"exists\":false}]},"
        "  "
        "{\"path\":\"/"
        "chunked\",\"checks\":[{\"json\":\"n\",\"length\":2},{\"body_contains\":\"ok\"}]},"
        "  {\"path\":\"/json\",\"checks\":[{\"json\":\"$.items\",\"min_length\":3},"
        "   {\"json\":\"posts.0.id\",\"equals\":7.0},{\"json\":\"nothing\",\"exists\":true}]}]}]},"
        "\"teardown\":[{\"path\":\"/stats\",\"extract\":{\"served\":\"served\"}}],"
        "\"thresholds\":{\"checks\":\"rate==1\",\"iterations\":\"count==300\"}}";
    int rc = run_scenario(sc, 30, base, "--threads", "2", NULL, NULL);
    if (rc != 0) {
        char errpath[300];
        snprintf(errpath, sizeof errpath, "%s/stderr", dir);
        fail_msg("exit %d: %s", rc, read_file(errpath));
    }
    json_t *s = summary();
    assert_int_equal(geti(s, "metrics", "http_reqs", "count"), 1200);
    assert_int_equal(geti(s, "metrics", "iterations", "count"), 300);
    assert_int_equal(geti(s, "metrics", "checks", "passes"), 300 * 11);
    assert_int_equal(geti(s, "metrics", "checks", "fails"), 0);
    assert_int_equal(geti(s, "metrics", "http_req_failed", "passes"), 0);
    json_t *g = json_object_get(json_object_get(s, "root_group"), "groups");
    assert_int_equal(geti(json_object_get(g, "templated"), "http_reqs", "count", NULL), 900);
    assert_int_equal(geti(json_object_get(g, "plain"), "checks", "passes", NULL), 600);
    /* the server answered 1 setup + 1200 load requests before /stats */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(s, "teardown"), "served")), "1201");
    assert_int_equal(geti(s, "histograms", "http_req_duration", "count"), 1200);
    /* one iteration_duration per iteration, at least its slowest request */
    assert_int_equal(geti(s, "histograms", "iteration_duration", "count"), 300);
    json_t *itd = json_object_get(json_object_get(s, "metrics"), "iteration_duration");
    json_t *rqd = json_object_get(json_object_get(s, "metrics"), "http_req_duration");
    assert_true(json_real_value(json_object_get(itd, "max")) >=
                json_real_value(json_object_get(rqd, "max")) * 0.99);
    assert_true(json_real_value(json_object_get(itd, "avg")) >=
                json_real_value(json_object_get(rqd, "avg")));
    assert_true(json_is_true(json_object_get(
        json_object_get(json_object_get(s, "thresholds"), "checks: rate==1"), "ok")));
    assert_int_equal(geti(s, "driver", "threads", NULL), 2);
    json_decref(s);
    stop_server(srv);
}

static void thresholds_set_exit_code(void **state) {
    (void)state;
    int port;
    char base[64];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    const char *fail_sc = "{\"vus\":2,\"iterations\":50,\"iteration\":{\"groups\":[{\"name\":\"g\","
                          "\"requests\":[{\"path\":\"/delay/5\"}]}]},"
                          "\"thresholds\":{\"http_req_duration{group:g}\":[\"p(95)<1\"],"
                          "\"http_req_failed\":\"rate<0.01\"}}";
    assert_int_equal(run_scenario(fail_sc, 30, base, NULL, NULL, NULL, NULL), 99);
    json_t *s = summary();
    json_t *th = json_object_get(s, "thresholds");
    assert_true(json_is_false(
        json_object_get(json_object_get(th, "http_req_duration{group:g}: p(95)<1"), "ok")));
    assert_true(
        json_is_true(json_object_get(json_object_get(th, "http_req_failed: rate<0.01"), "ok")));
    assert_true(getd(s, "metrics", "http_req_duration", "med") >= 5.0);
    json_decref(s);
    const char *pass_sc =
        "{\"vus\":2,\"iterations\":50,\"iteration\":{\"requests\":[{\"path\":\"/ok\","
        "\"checks\":[{\"status\":201}]}]},\"thresholds\":{\"checks\":\"rate<0.5\","
        "\"http_reqs\":\"count>=50\"}}";
    assert_int_equal(run_scenario(pass_sc, 30, base, NULL, NULL, NULL, NULL), 0);
    stop_server(srv);
}

/* One path, N iterations: returns the summary. */
static json_t *errors_for(const char *base, const char *path, const char *timeout) {
    char sc[512];
    snprintf(sc, sizeof sc,
             "{\"vus\":2,\"iterations\":10,\"timeouts\":{\"request\":\"%s\",\"connect\":\"1s\"},"
             "\"iteration\":{\"requests\":[{\"path\":\"%s\",\"checks\":[{\"status\":200}]}]}}",
             timeout, path);
    int rc = run_scenario(sc, 20, base, NULL, NULL, NULL, NULL);
    if (rc != 0)
        fail_msg("%s: exit %d", path, rc);
    return summary();
}

static void errors_by_kind_and_timeouts(void **state) {
    (void)state;
    int port;
    char base[64];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    static const struct {
        const char *path, *kind;
    } cases[] = {{"/malformed", "parse"},
                 {"/early-close", "parse"},
                 {"/reset", "reset"},
                 {"/status/503", "status"},
                 {"/hang", "timeout"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double t0 = now_s();
        json_t *s = errors_for(base, cases[i].path, "200ms");
        if (geti(s, "errors", cases[i].kind, NULL) != 10)
            fail_msg("%s: errors.%s = %lld, want 10", cases[i].path, cases[i].kind,
                     (long long)geti(s, "errors", cases[i].kind, NULL));
        assert_int_equal(geti(s, "metrics", "http_reqs", "count"), 10);
        assert_int_equal(geti(s, "metrics", "http_req_failed", "passes"), 10);
        assert_int_equal(geti(s, "metrics", "checks", "fails"), 10);
        if (strcmp(cases[i].path, "/hang") == 0) /* 5 rounds of 2 VUs x 200 ms */
            assert_true(now_s() - t0 < 5.0);
        json_decref(s);
    }
    /* bodies delimited by close and Connection: close are fine */
    static const char *const good[] = {"/no-length", "/close", "/chunked"};
    for (size_t i = 0; i < 3; i++) {
        json_t *s = errors_for(base, good[i], "2s");
        assert_int_equal(geti(s, "metrics", "checks", "passes"), 10);
        assert_int_equal(geti(s, "metrics", "http_req_failed", "passes"), 0);
        json_decref(s);
    }
    stop_server(srv);
    /* nothing listens any more: connect errors, and it still ends */
    json_t *s = errors_for(base, "/ok", "1s");
    assert_int_equal(geti(s, "errors", "connect", NULL), 10);
    json_decref(s);
}

static void reconnects_after_server_closes(void **state) {
    (void)state;
    const char *modes[2] = {NULL, "--silent-close"};
    for (int m = 0; m < 2; m++) {
        int port;
        char base[64];
        pid_t srv = start_server(&port, "--close-after", "3", modes[m], NULL);
        url(base, sizeof base, port);
        const char *sc =
            "{\"vus\":4,\"iterations\":200,\"iteration\":{\"requests\":[{\"path\":\"/ok\","
            "\"checks\":[{\"status\":200}]},{\"path\":\"/ok\"}]}}";
        assert_int_equal(run_scenario(sc, 30, base, NULL, NULL, NULL, NULL), 0);
        json_t *s = summary();
        assert_int_equal(geti(s, "metrics", "http_reqs", "count"), 400);
        assert_int_equal(geti(s, "metrics", "http_req_failed", "passes"), 0);
        assert_int_equal(geti(s, "metrics", "checks", "passes"), 200);
        const char *kind;
        json_t *count;
        json_object_foreach(json_object_get(s, "errors"), kind, count) {
            if (json_integer_value(count) != 0)
                fail_msg("errors.%s = %lld after reconnects", kind,
                         (long long)json_integer_value(count));
        }
        json_decref(s);
        stop_server(srv);
    }
}

static void open_model_stall_shows_in_latency_not_service_time(void **state) {
    (void)state;
    int port;
    char base[64];
    pid_t srv = start_server(&port, "--stall-at-ms", "500", "--stall-ms", "400");
    url(base, sizeof base, port);
    const char *sc =
        "{\"rate\":200,\"max_vus\":2,\"duration\":\"2s\","
        "\"iteration\":{\"requests\":[{\"path\":\"/ok\",\"checks\":[{\"status\":200}]}]}}";
    /* Not /dev/null: the timeseries is written atomically (temp + rename),
     * which would replace the device node with a regular file. */
    char ts[300];
    snprintf(ts, sizeof ts, "%s/stall-timeseries.jsonl", dir);
    assert_int_equal(run_scenario(sc, 30, base, "--timeseries", ts, NULL, NULL), 0);
    json_t *s = summary();
    int64_t n = geti(s, "metrics", "http_reqs", "count");
    assert_true(n >= 390 && n <= 401); /* 200/s for 2 s */
    double p99 = getd(s, "metrics", "http_req_duration", "p(99)");
    double svc99 = json_number_value(json_object_get(
        json_object_get(json_object_get(s, "open_model"), "service_time"), "p(99)"));
    double lag99 = json_number_value(
        json_object_get(json_object_get(json_object_get(s, "open_model"), "send_lag"), "p(99)"));
    if (!(p99 > 250 && p99 < 700))
        fail_msg("p99 %.1f ms: a 400 ms stall should show", p99);
    if (!(svc99 < 100))
        fail_msg("service time p99 %.1f ms should stay low", svc99);
    assert_true(lag99 > 200);
    assert_int_equal(geti(s, "open_model", "dropped_iterations", NULL), 0);
    json_decref(s);
    /* overload: one VU, 20 ms per request, 1000 starts/s for 1 s. What has not
     * started when the time is up is dropped; every scheduled start is accounted for */
    const char *over = "{\"rate\":1000,\"max_vus\":1,\"duration\":\"1s\","
                       "\"iteration\":{\"requests\":[{\"path\":\"/delay/20\"}]}}";
    double t0 = now_s();
    assert_int_equal(run_scenario(over, 30, base, NULL, NULL, NULL, NULL), 0);
    assert_true(now_s() - t0 < 3.0);
    s = summary();
    json_int_t done = geti(s, "metrics", "iterations", "count");
    json_int_t dropped = geti(s, "open_model", "dropped_iterations", NULL);
    assert_true(done >= 20 && done <= 55);
    if (done + dropped < 999 || done + dropped > 1001)
        fail_msg("%lld done + %lld dropped, want 1000 scheduled", (long long)done,
                 (long long)dropped);
    json_decref(s);
    stop_server(srv);
}

static void weighted_pick_threads_and_multipart(void **state) {
    (void)state;
    int port;
    char base[64];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    const char *sc =
        "{\"vus\":4,\"iterations\":4000,\"iteration\":{\"pick\":\"weighted\",\"groups\":["
        "{\"name\":\"often\",\"weight\":3,\"requests\":[{\"path\":\"/ok\"}]},"
        "{\"name\":\"rarely\",\"weight\":1,\"requests\":[{\"method\":\"POST\",\"path\":\"/echo\","
        "\"multipart\":[{\"name\":\"file\",\"filename\":\"test.txt\",\"content_type\":\"text/"
        "plain\","
        "\"size\":1024}],\"checks\":[{\"body_contains\":\"filename=\\\"test.txt\\\"\"},"
        "{\"body_contains\":\"Content-Type: text/plain\"}]}]}]}}";
    assert_int_equal(run_scenario(sc, 30, base, "--threads", "2", NULL, NULL), 0);
    json_t *s = summary();
    json_t *g = json_object_get(json_object_get(s, "root_group"), "groups");
    json_int_t often = geti(json_object_get(g, "often"), "http_reqs", "count", NULL);
    json_int_t rarely = geti(json_object_get(g, "rarely"), "http_reqs", "count", NULL);
    assert_int_equal(often + rarely, 4000);
    if (rarely < 850 || rarely > 1150) /* 1000 expected; 5 sigma is about 140 */
        fail_msg("weighted pick: %lld of 4000 in the weight-1 group", (long long)rarely);
    assert_int_equal(geti(json_object_get(g, "rarely"), "checks", "passes", NULL), 2 * rarely);
    json_decref(s);
    /* think time: 2 VUs pausing 100 ms after each iteration for 1 s: about 20 iterations */
    const char *think = "{\"vus\":2,\"duration\":\"1s\",\"iteration\":{\"think_time\":\"100ms\","
                        "\"requests\":[{\"path\":\"/ok\"}]}}";
    assert_int_equal(run_scenario(think, 30, base, NULL, NULL, NULL, NULL), 0);
    s = summary();
    json_int_t it = geti(s, "metrics", "iterations", "count");
    if (it < 14 || it > 22)
        fail_msg("think time: %lld iterations in 1 s, want about 20", (long long)it);
    json_decref(s);
    /* open model on two threads: the rate is kept overall */
    const char *open_sc =
        "{\"rate\":200,\"duration\":\"1s\",\"iteration\":{\"requests\":[{\"path\":\"/ok\"}]}}";
    assert_int_equal(run_scenario(open_sc, 30, base, "--threads", "2", NULL, NULL), 0);
    s = summary();
    json_int_t n = geti(s, "metrics", "iterations", "count");
    if (n < 195 || n > 201)
        fail_msg("open model on 2 threads: %lld iterations, want 200", (long long)n);
    json_decref(s);
    stop_server(srv);
}

static void verify_reports_failures(void **state) {
    (void)state;
    int port;
    char base[64], sc[300];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    snprintf(sc, sizeof sc, "%s/verify.json", dir);
    write_file(sc, "{\"setup\":[{\"path\":\"/json\",\"extract\":{\"t\":\"token\"}}],"
                   "\"iteration\":{\"pick\":\"weighted\",\"groups\":["
                   "{\"name\":\"a\",\"weight\":99,\"requests\":[{\"path\":\"/"
                   "ok\",\"checks\":[{\"status\":200}]}]},"
                   "{\"name\":\"b\",\"weight\":1,\"requests\":[{\"path\":\"/headers\",\"headers\":"
                   "{\"Authorization\":\"Bearer {{t}}\"},\"checks\":[{\"body_contains\":\"Bearer "
                   "tok-123\"}]}]}]}}");
    const char *ok_args[] = {"verify", sc, "--base-url", base, NULL};
    assert_int_equal(run_load(20, ok_args), 0);
    write_file(sc, "{\"iteration\":{\"requests\":[{\"path\":\"/json\",\"checks\":["
                   "{\"json\":\"status\",\"equals\":\"down\"},{\"status\":200}]}]}}");
    assert_int_equal(run_load(20, ok_args), 1);
    char errpath[300];
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    char *err = read_file(errpath);
    assert_non_null(strstr(err, "FAIL GET /json"));
    assert_non_null(strstr(err, "json status == \"down\""));
    /* iteration.let: one random value shared by the iteration's requests (the failing
     * check prints the echoed body: the id sent twice and the id extracted in between) */
    write_file(sc, "{\"iteration\":{\"let\":{\"uid\":\"{{rand 1 1000000000}}\"},\"requests\":["
                   "{\"method\":\"POST\",\"path\":\"/echo\",\"json\":{\"id\":\"{{raw uid}}\"},"
                   "\"extract\":{\"first\":\"id\"}},"
                   "{\"method\":\"POST\",\"path\":\"/echo\",\"json\":{\"id\":\"{{raw uid}}\","
                   "\"prev\":\"{{first}}\"},\"checks\":[{\"name\":\"show\",\"json\":\"id\","
                   "\"equals\":0}]}]}}");
    assert_int_equal(run_load(20, ok_args), 1);
    err = read_file(errpath);
    long id = -1, prev = -2;
    char *body = strstr(err, "body: ");
    assert_non_null(body);
    assert_int_equal(sscanf(body, "body: {\"id\":%ld,\"prev\":\"%ld\"}", &id, &prev), 2);
    assert_true(id >= 1);
    assert_int_equal(id, prev);
    stop_server(srv);
}

static void usage_and_scenario_errors_exit_2(void **state) {
    (void)state;
    char sc[300], errpath[300];
    snprintf(sc, sizeof sc, "%s/bad.json", dir);
    snprintf(errpath, sizeof errpath, "%s/stderr", dir);
    write_file(sc, "{\"iteration\":{\"requests\":[{\"path\":\"/x\",\"chekcs\":[]}]}}");
    const char *a1[] = {"run", sc, NULL};
    assert_int_equal(run_load(10, a1), 2);
    char *err = read_file(errpath);
    assert_non_null(strstr(err, "bad.json"));
    assert_non_null(strstr(err, "iteration.requests[0].chekcs"));
    const char *a2[] = {"run", sc, "--vus", "zero", NULL};
    assert_int_equal(run_load(10, a2), 2);
    assert_non_null(strstr(read_file(errpath), "--vus"));
    const char *a3[] = {"frobnicate", NULL};
    assert_int_equal(run_load(10, a3), 2);
    const char *a4[] = {"run", "/nonexistent/file.json", NULL};
    assert_int_equal(run_load(10, a4), 2);
}

static void merge_adds_histograms(void **state) {
    (void)state;
    int port;
    char base[64], a[300], b[300], c[300], sum[300];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(c, sizeof c, "%s/c.json", dir);
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    const char *sc1 = "{\"vus\":2,\"iterations\":100,\"iteration\":{\"groups\":[{\"name\":\"g\","
                      "\"requests\":[{\"path\":\"/ok\",\"checks\":[{\"status\":200}]}]}]},"
                      "\"thresholds\":{\"http_reqs\":\"count>150\"}}";
    const char *sc2 = "{\"vus\":2,\"iterations\":60,\"iteration\":{\"groups\":[{\"name\":\"g\","
                      "\"requests\":[{\"path\":\"/delay/3\",\"checks\":[{\"status\":200}]}]}]},"
                      "\"thresholds\":{\"http_reqs\":\"count>150\"}}";
    assert_int_equal(run_scenario(sc1, 20, base, NULL, NULL, NULL, NULL), 99);
    rename(sum, a);
    assert_int_equal(run_scenario(sc2, 20, base, NULL, NULL, NULL, NULL), 99);
    rename(sum, b);
    const char *args[] = {"merge", a, b, "--out", c, NULL};
    assert_int_equal(run_load(20, args), 0); /* 160 > 150 once merged */
    json_error_t e;
    json_t *ja = json_load_file(a, 0, &e), *jb = json_load_file(b, 0, &e),
           *jc = json_load_file(c, 0, &e);
    assert_non_null(jc);
    assert_int_equal(geti(jc, "metrics", "http_reqs", "count"), 160);
    assert_int_equal(geti(jc, "metrics", "checks", "passes"), 160);
    assert_int_equal(geti(jc, "histograms", "http_req_duration", "count"), 160);
    json_int_t max_a = geti(ja, "histograms", "http_req_duration", "max"),
               max_b = geti(jb, "histograms", "http_req_duration", "max");
    assert_int_equal(geti(jc, "histograms", "http_req_duration", "max"),
                     max_a > max_b ? max_a : max_b);
    assert_int_equal(geti(jc, "histograms", "http_req_duration", "sum"),
                     geti(ja, "histograms", "http_req_duration", "sum") +
                         geti(jb, "histograms", "http_req_duration", "sum"));
    /* the 60 slow requests are the top 37.5%: p(90) comes from run b */
    assert_true(getd(jc, "metrics", "http_req_duration", "p(90)") >= 3.0);
    assert_true(getd(jc, "metrics", "http_req_duration", "med") < 3.0);
    json_t *g = json_object_get(json_object_get(json_object_get(jc, "root_group"), "groups"), "g");
    assert_int_equal(geti(g, "http_reqs", "count", NULL), 160);
    const char *ins[] = {"inspect", c, NULL};
    assert_int_equal(run_load(10, ins), 0);
    char out[300];
    snprintf(out, sizeof out, "%s/stdout", dir);
    assert_non_null(strstr(read_file(out), "{group:g}"));
    json_decref(ja);
    json_decref(jb);
    json_decref(jc);
    stop_server(srv);
}

static void timeseries_has_one_line_per_second(void **state) {
    (void)state;
    int port;
    char base[64], ts[300];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    snprintf(ts, sizeof ts, "%s/ts.jsonl", dir);
    const char *sc =
        "{\"vus\":2,\"duration\":\"2s\",\"iteration\":{\"requests\":[{\"path\":\"/delay/2\"}]}}";
    assert_int_equal(run_scenario(sc, 20, base, "--timeseries", ts, NULL, NULL), 0);
    json_t *s = summary();
    char *text = read_file(ts);
    int lines = 0;
    json_int_t total = 0;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        json_t *j = json_loads(l, 0, NULL);
        assert_non_null(j);
        total += json_integer_value(json_object_get(j, "requests"));
        assert_true(json_is_number(json_object_get(j, "p99_ms")));
        json_decref(j);
        lines++;
    }
    assert_true(lines >= 2 && lines <= 3);
    assert_int_equal(total, geti(s, "metrics", "http_reqs", "count"));
    json_decref(s);
    stop_server(srv);
}

/* Output paths that are not regular files (/dev/null, a FIFO) are written in
 * place: an atomic rename over them would replace the node with a file. */
static void non_regular_output_path_stays_what_it_was(void **state) {
    (void)state;
    int port;
    char base[64], fifo[300], copy[300];
    pid_t srv = start_server(&port, NULL, NULL, NULL, NULL);
    url(base, sizeof base, port);
    snprintf(fifo, sizeof fifo, "%s/ts.fifo", dir);
    snprintf(copy, sizeof copy, "%s/ts.copy", dir);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t reader = fork();
    if (reader == 0) { /* drains the FIFO into a file, as `cat fifo > copy` */
        int in = open(fifo, O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char buf[4096];
        ssize_t n;
        while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    const char *sc =
        "{\"vus\":1,\"duration\":\"1s\",\"iteration\":{\"requests\":[{\"path\":\"/ok\"}]}}";
    assert_int_equal(run_scenario(sc, 20, base, "--timeseries", fifo, NULL, NULL), 0);
    int status;
    assert_int_equal(waitpid(reader, &status, 0), reader);
    struct stat st;
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_non_null(strstr(read_file(copy), "\"requests\""));
    unlink(fifo);
    stop_server(srv);
}

/* The reference scenario against the real server of the private stack, when it is up. */
static void reference_scenario_verifies_against_the_stack(void **state) {
    (void)state;
    const char *base = getenv("BENCHLAB_URL");
    if (!base || !*base)
        skip();
    const char *root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".";
    char sc[512];
    snprintf(sc, sizeof sc, "%s/scenarios/basic/01-lightweight.json", root);
    const char *args[] = {"verify", sc, "--base-url", base, NULL};
    int rc = run_load(30, args);
    if (rc != 0) {
        char errpath[300];
        snprintf(errpath, sizeof errpath, "%s/stderr", dir);
        fail_msg("verify against %s: exit %d: %s", base, rc, read_file(errpath));
    }
}

int main(void) {
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    snprintf(bin_load, sizeof bin_load, "%s/benchlab-load", build);
    snprintf(bin_server, sizeof bin_server, "%s/tests/support/load_testserver", build);
    snprintf(dir, sizeof dir, "/tmp/benchlab-load-test.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(exact_counts_checks_extraction, stop_leftover_server),
        cmocka_unit_test_teardown(thresholds_set_exit_code, stop_leftover_server),
        cmocka_unit_test_teardown(errors_by_kind_and_timeouts, stop_leftover_server),
        cmocka_unit_test_teardown(reconnects_after_server_closes, stop_leftover_server),
        cmocka_unit_test_teardown(open_model_stall_shows_in_latency_not_service_time,
                                  stop_leftover_server),
        cmocka_unit_test_teardown(weighted_pick_threads_and_multipart, stop_leftover_server),
        cmocka_unit_test_teardown(verify_reports_failures, stop_leftover_server),
        cmocka_unit_test_teardown(usage_and_scenario_errors_exit_2, stop_leftover_server),
        cmocka_unit_test_teardown(merge_adds_histograms, stop_leftover_server),
        cmocka_unit_test_teardown(timeseries_has_one_line_per_second, stop_leftover_server),
        cmocka_unit_test_teardown(non_regular_output_path_stays_what_it_was, stop_leftover_server),
        cmocka_unit_test_teardown(reference_scenario_verifies_against_the_stack,
                                  stop_leftover_server),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
