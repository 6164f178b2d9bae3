/* The driver calibration (study/calibrate.h): the null responder answers, a
 * calibration against it yields a ceiling and lands in the manifest, and the
 * driver-bound flag follows the stated fraction of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/report/driver_bound.h"
#include "lab/study/calibrate.h"

static json_t *run_with_rate(double rate) {
    return json_pack("{s:{s:{s:{s:f}}}}", "summary", "metrics", "http_reqs", "rate", rate);
}

static void flag_follows_the_fraction(void **state) {
    (void)state;
    json_t *r = run_with_rate(900);
    assert_true(study_flag_driver_bound(r, 1000, 0.8));
    assert_true(json_is_true(json_object_get(r, "driver_bound")));
    assert_true(json_number_value(json_object_get(r, "driver_ceiling_rps")) == 1000);
    assert_false(study_flag_driver_bound(r, 1000, 0.95));
    assert_true(json_is_false(json_object_get(r, "driver_bound")));
    json_decref(r);
    r = run_with_rate(900); /* no calibration: no flag at all */
    assert_false(study_flag_driver_bound(r, 0, 0.8));
    assert_null(json_object_get(r, "driver_bound"));
    json_decref(r);
}

static void null_responder_answers_each_request(void **state) {
    (void)state;
    int port;
    pid_t pid = null_responder_start("", &port);
    assert_true(pid > 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    const char *two = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(write(fd, two, strlen(two)), (ssize_t)strlen(two));
    char buf[1024];
    size_t got = 0;
    int answers = 0;
    while (answers < 2) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        assert_true(n > 0);
        got += (size_t)n;
        buf[got] = '\0';
        answers = 0;
        for (const char *p = buf; (p = strstr(p, "{\"status\":\"ok\"}")); p++)
            answers++;
    }
    assert_non_null(strstr(buf, "HTTP/1.1 200 OK"));
    close(fd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void calibration_records_a_ceiling(void **state) {
    (void)state;
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char load[512], dir[] = "/tmp/benchlab-calib-test.XXXXXX", man[600];
    snprintf(load, sizeof load, "%s/benchlab-load", build);
    assert_non_null(mkdtemp(dir));
    /* the request is built in: no scenarios directory anywhere (a study with
     * its own --scenarios calibrates too), and its temporary file is removed */
    char *old_tmp = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", dir, 1);
    snprintf(man, sizeof man, "%s/manifest.json", dir);
    FILE *f = fopen(man, "w");
    assert_non_null(f);
    fputs("{\"plan\": \"quick\"}\n", f);
    fclose(f);
    calib_opts_t o = {.load_bin = load,
                      .driver_cpuset = "",
                      .driver_threads = 1,
                      .target_cpuset = "",
                      .vus = 4,
                      .seconds = 1.0};
    char err[256] = "";
    double c = study_calibrate(&o, err, sizeof err);
    if (old_tmp)
        setenv("TMPDIR", old_tmp, 1);
    else
        unsetenv("TMPDIR");
    free(old_tmp);
    if (!(c > 100))
        fail_msg("ceiling %.0f req/s: %s", c, err);
    char ls[700];
    snprintf(ls, sizeof ls, "ls -A '%s' | grep -v '^manifest.json$' | wc -l", dir);
    FILE *p = popen(ls, "r");
    int left = -1;
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &left), 1);
    pclose(p);
    assert_int_equal(left, 0);
    /* the built-in scenario is one the driver's strict loader accepts */
    assert_non_null(strstr(CALIBRATE_SCENARIO, "/health"));
    assert_int_equal(study_calibrate_record(dir, &o, c, 0.8, NULL), 0);
    json_t *m = json_load_file(man, 0, NULL);
    json_t *dc = json_object_get(m, "driver_calibration");
    assert_true(json_number_value(json_object_get(dc, "ceiling_rps")) == c);
    assert_true(json_number_value(json_object_get(dc, "bound_fraction")) == 0.8);
    assert_string_equal(json_string_value(json_object_get(m, "plan")), "quick");
    json_decref(m);
    /* a driver that cannot run gives an error, not a ceiling */
    calib_opts_t bad = o;
    bad.load_bin = "/nonexistent/benchlab-load";
    assert_true(study_calibrate(&bad, err, sizeof err) < 0);
    assert_non_null(strstr(err, "calibration run failed"));
    unlink(man);
    rmdir(dir);
}

static void summary_lists_driver_bound_runs(void **state) {
    (void)state;
    results_run_t bound = {.run = 2, .valid = true}, fine = {.run = 3, .valid = true};
    bound.root = run_with_rate(950);
    fine.root = run_with_rate(100);
    study_flag_driver_bound(bound.root, 1000, 0.8);
    study_flag_driver_bound(fine.root, 1000, 0.8);
    results_run_t *valid[] = {&bound, &fine};
    results_cell_t cell = {.scenario = "basic/01-lightweight",
                           .config = "c-ulfius-epoll",
                           .valid = valid,
                           .nvalid = 2};
    results_t res = {.cells = &cell, .ncells = 1};
    res.manifest = json_pack("{s:{s:f,s:f}}", "driver_calibration", "ceiling_rps", 1000.0,
                             "bound_fraction", 0.8);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_driver_bound_md(f, &res);
    fclose(f);
    assert_non_null(strstr(text, "driver ceiling 1000 req/s; flagged above 80%"));
    assert_non_null(strstr(text, "- basic/01-lightweight / c-ulfius-epoll run 2: 950 req/s"));
    assert_null(strstr(text, "run 3"));
    free(text);
    /* the LaTeX tables mark the cell, the captions' note says why */
    assert_int_equal(report_cell_driver_bound(&cell), 1);
    f = open_memstream(&text, &len);
    report_driver_bound_mark(f, &cell);
    report_driver_bound_macros(f, &res);
    fclose(f);
    assert_non_null(strstr(text, "\\textsuperscript{\\dag}\\blset{driver-bound/runs}{1}"));
    assert_non_null(strstr(text, "\\SI{80}{\\percent} of the driver's calibrated ceiling "
                                 "(\\num{1000} req/s)"));
    free(text);
    cell.nvalid = 1;
    valid[0] = &fine; /* no flagged run: no marker, an empty note */
    f = open_memstream(&text, &len);
    report_driver_bound_mark(f, &cell);
    report_driver_bound_macros(f, &res);
    fclose(f);
    assert_string_equal(text, "\\blset{driver-bound/runs}{0}\n\\blset{driver-bound/note}{}\n");
    free(text);
    valid[0] = &bound;
    cell.nvalid = 2;
    json_decref(res.manifest);
    res.manifest = NULL; /* no calibration: said so */
    f = open_memstream(&text, &len);
    report_driver_bound_md(f, &res);
    fclose(f);
    assert_non_null(strstr(text, "no driver calibration"));
    free(text);
    json_decref(bound.root);
    json_decref(fine.root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flag_follows_the_fraction),
        cmocka_unit_test(null_responder_answers_each_request),
        cmocka_unit_test(calibration_records_a_ceiling),
        cmocka_unit_test(summary_lists_driver_bound_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
