/* Unit tests for the stack's pieces that need no database: flag parsing,
 * ports, log tails in errors, file lookup, PID/state files, resets by name,
 * and the mock upstream (in-process, on a free loopback port). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/fs.h"
#include "lab/stack/stack.h"
#include "lab/stack/cli.h"
#include "lab/stack/internal.h"
#include "lab/stack/upstream.h"

static char tmpdir[64];

static int make_tmp(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test-stack.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state) {
    (void)state;
    return fs_remove_tree(tmpdir);
}

static void cli_int_accepts_only_whole_numbers_in_range(void **state) {
    (void)state;
    long v = -1;
    assert_true(stack_cli_int("t", "--port", "8080", 1, 65535, &v));
    assert_int_equal(v, 8080);
    assert_false(stack_cli_int("t", "--port", "0", 1, 65535, &v));
    assert_false(stack_cli_int("t", "--port", "65536", 1, 65535, &v));
    assert_false(stack_cli_int("t", "--port", "80x", 1, 65535, &v));
    assert_false(stack_cli_int("t", "--port", "", 1, 65535, &v));
    assert_false(stack_cli_int("t", "--port", NULL, 1, 65535, &v));
    assert_int_equal(v, 8080); /* untouched on failure */
}

static void cli_hostport_splits_at_the_last_colon(void **state) {
    (void)state;
    char host[64];
    int port = -1;
    assert_true(stack_cli_hostport("t", "--listen", "127.0.0.1:8081", host, sizeof host, &port));
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8081);
    assert_false(stack_cli_hostport("t", "--listen", "127.0.0.1", host, sizeof host, &port));
    assert_false(stack_cli_hostport("t", "--listen", ":80", host, sizeof host, &port));
    assert_false(stack_cli_hostport("t", "--listen", "h:99999", host, sizeof host, &port));
    char tiny[4];
    assert_false(stack_cli_hostport("t", "--listen", "localhost:80", tiny, sizeof tiny, &port));
}

static void free_ports_are_distinct_and_in_range(void **state) {
    (void)state;
    int a = stack_free_port(), b = stack_free_port();
    assert_true(a > 0 && a < 65536);
    assert_true(b > 0 && b < 65536);
    assert_int_not_equal(a, b);
}

static void service_names_and_log_paths(void **state) {
    (void)state;
    assert_string_equal(lab_service_name(LAB_SVC_POSTGRES), "postgres");
    assert_string_equal(lab_service_name(LAB_SVC_SERVER), "server");
    static lab_stack_t st;
    char dir[128], path[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/a/b", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0); /* creates parents */
    assert_int_equal(access(dir, F_OK), 0);
    stack_log_path(&st, LAB_SVC_REDIS, path, sizeof path);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "%s/redis.log", st.dir);
    assert_string_equal(path, want);
    assert_int_equal(st.upstream_delay_ms, 100);
}

/* An error names the service and ends with the last lines of its log. */
static void failure_message_carries_the_log_tail(void **state) {
    (void)state;
    static lab_stack_t st;
    char dir[128], log[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/tail", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0);
    stack_log_path(&st, LAB_SVC_SERVER, log, sizeof log);
    FILE *f = fopen(log, "w");
    assert_non_null(f);
    for (int i = 1; i <= 40; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    stack_fail(&st, "server failed to start: exited with status %d", 2);
    stack_append_log_tail(&st, LAB_SVC_SERVER);
    assert_non_null(strstr(st.err, "server failed to start: exited with status 2"));
    assert_non_null(strstr(st.err, "line 40"));
    assert_non_null(strstr(st.err, "line 29\n"));
    assert_null(strstr(st.err, "line 28\n")); /* only the last 12 lines */
}

static void a_failing_service_is_reported_and_not_left_running(void **state) {
    (void)state;
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/fail", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0);
    char *argv[] = {"sh", "-c", "echo 'FATAL: something broke'; exit 3", NULL};
    bool in_use = true;
    assert_int_equal(
        stack_spawn_and_wait(&st, LAB_SVC_UPSTREAM, argv, NULL, stack_probe_redis, &in_use), -1);
    assert_false(in_use);
    assert_non_null(strstr(st.err, "upstream failed to start"));
    assert_non_null(strstr(st.err, "status 3"));
    assert_non_null(strstr(st.err, "FATAL: something broke"));
    assert_int_equal(st.pid[LAB_SVC_UPSTREAM], 0);

    /* Never answering: stopped after the readiness timeout. */
    st.ready_timeout_ms = 300;
    st.port[LAB_SVC_REDIS] = stack_free_port();
    char *sleeper[] = {"sleep", "30", NULL};
    assert_int_equal(
        stack_spawn_and_wait(&st, LAB_SVC_REDIS, sleeper, NULL, stack_probe_redis, &in_use), -1);
    assert_non_null(strstr(st.err, "no answer within 300 ms"));
    assert_int_equal(st.pid[LAB_SVC_REDIS], 0);
}

static void open_reads_state_and_ignores_dead_pids(void **state) {
    (void)state;
    static lab_stack_t st;
    char dir[128], path[256];
    snprintf(dir, sizeof dir, "%s/open", tmpdir);
    assert_int_not_equal(stack_open(&st, dir), 0); /* no such dir */
    assert_int_equal(stack_init(&st, dir), 0);
    assert_int_not_equal(stack_open(&st, dir), 0); /* no stack.env */
    assert_non_null(strstr(st.err, "no stack"));
    snprintf(path, sizeof path, "%s/stack.env", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "BENCHLAB_URL=http://127.0.0.1:1234\nBENCHLAB_REDIS=redis://127.0.0.1:9\n"
               "port_server=1234\nport_redis=9\n");
    fclose(f);
    /* A PID file naming a live process that is not ours (this test, whose
     * command line has no port 1234) must not be taken for the server. */
    snprintf(path, sizeof path, "%s/server.pid", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    assert_int_equal(stack_open(&st, dir), 0);
    assert_string_equal(st.server_url, "http://127.0.0.1:1234");
    assert_string_equal(st.redis_url, "redis://127.0.0.1:9");
    assert_int_equal(st.port[LAB_SVC_SERVER], 1234);
    assert_int_equal(st.pid[LAB_SVC_SERVER], 0);
    /* down with nothing running removes the state files. */
    assert_int_equal(stack_down(&st), 0);
    snprintf(path, sizeof path, "%s/stack.env", dir);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void sql_files_are_found_from_the_build_tree(void **state) {
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX + 32];
    unsetenv("BENCHLAB_SQL_DIR");
    assert_int_equal(stack_sql_dir(dir, sizeof dir), 0);
    static const char *const files[] = {
        "schema.sql",         "seed.sql", "reset_users.sql", "reset_bulk_items.sql",
        "reset_products.sql", "flow.sql", "search.sql",      "reset_account_posts.sql"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(access(path, R_OK), 0);
    }
    setenv("BENCHLAB_SQL_DIR", "/somewhere/else", 1);
    assert_int_equal(stack_sql_dir(dir, sizeof dir), 0);
    assert_string_equal(dir, "/somewhere/else");
    unsetenv("BENCHLAB_SQL_DIR");
}

static void programs_are_found_next_to_benchlab_or_by_env(void **state) {
    (void)state;
    char path[PATH_MAX];
    /* This binary lives in BUILD/tests/unit/lab; benchlab is in BUILD. */
    assert_int_equal(stack_find_program("benchlab", NULL, path, sizeof path), 0);
    assert_non_null(strstr(path, "/benchlab"));
    assert_int_equal(access(path, X_OK), 0);
    setenv("BENCHLAB_TEST_BIN", "/bin/true", 1);
    assert_int_equal(stack_find_program("x", "BENCHLAB_TEST_BIN", path, sizeof path), 0);
    assert_string_equal(path, "/bin/true");
    setenv("BENCHLAB_TEST_BIN", "/nonexistent/bin", 1);
    assert_int_equal(stack_find_program("x", "BENCHLAB_TEST_BIN", path, sizeof path), -1);
    unsetenv("BENCHLAB_TEST_BIN");
    assert_int_equal(stack_find_program("no-such-program-xyz", NULL, path, sizeof path), -1);
}

static void reset_rejects_unknown_names_before_touching_anything(void **state) {
    (void)state;
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/reset", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0);
    const char *bad[] = {"../schema"};
    assert_int_equal(stack_reset(&st, bad, 1), -1);
    assert_non_null(strstr(st.err, "unknown name '../schema'"));
    const char *unknown[] = {"orders"};
    assert_int_equal(stack_reset(&st, unknown, 1), -1);
    assert_non_null(strstr(st.err, "'orders'"));
    /* A bad name after a good one: nothing at all is reset (redis is not
     * running here, so flushing first would have failed differently). */
    const char *mixed[] = {"cache", "users", "Users"};
    assert_int_equal(stack_reset(&st, mixed, 3), -1);
    assert_non_null(strstr(st.err, "unknown name 'Users'"));
    const char *cache[] = {"cache"};
    assert_int_equal(stack_reset(&st, cache, 1), -1); /* redis not running */
    assert_non_null(strstr(st.err, "redis is not running"));
}

/* A failing initdb (a fake one via BENCHLAB_PG_BIN) is reported with its
 * output, and no cluster directory is left behind outside DIR. */
static void failed_initdb_is_reported_and_leaves_no_cluster_dir(void **state) {
    (void)state;
    char bin[128], path[192];
    snprintf(bin, sizeof bin, "%s/fakepg", tmpdir);
    assert_int_equal(mkdir(bin, 0755), 0);
    /* The tmpdir is root-only: when root, the cluster would go to /tmp. */
    static const char *const progs[] = {"initdb", "postgres"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", bin, progs[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f, "#!/bin/sh\necho '%s: boom on purpose' >&2\nexit 1\n", progs[i]);
        fclose(f);
        assert_int_equal(chmod(path, 0755), 0);
    }
    assert_int_equal(chmod(tmpdir, 0755), 0); /* the fake must be runnable as postgres */
    setenv("BENCHLAB_PG_BIN", bin, 1);
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/noinit/inner", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0);
    snprintf(path, sizeof path, "%s/noinit", tmpdir);
    assert_int_equal(chmod(path, 0700), 0);
    int rc = stack_start_postgres(&st);
    unsetenv("BENCHLAB_PG_BIN");
    assert_int_equal(chmod(tmpdir, 0700), 0);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(st.err, "postgres failed to start: initdb exited with status 1"));
    assert_non_null(strstr(st.err, "initdb: boom on purpose"));
    assert_int_equal(st.pid[LAB_SVC_POSTGRES], 0);
    char marker[PATH_MAX + 16];
    snprintf(marker, sizeof marker, "%s/pg.path", st.dir);
    assert_int_not_equal(access(marker, F_OK), 0);
}

/* --- the mock upstream --- */

typedef struct {
    int port;
    long status;
    char body[256];
    size_t len;
} fetch_t;

static size_t collect(char *p, size_t size, size_t n, void *ctx) {
    fetch_t *f = ctx;
    size_t k = size * n;
    if (f->len + k < sizeof f->body) {
        memcpy(f->body + f->len, p, k);
        f->len += k;
        f->body[f->len] = '\0';
    }
    return k;
}

static void *fetch(void *arg) {
    fetch_t *f = arg;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/anything?x=1", f->port);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &f->status);
    curl_easy_cleanup(h);
    return NULL;
}

static void upstream_answers_after_the_delay(void **state) {
    (void)state;
    upstream_t *up = upstream_start("127.0.0.1", 0, 150);
    assert_non_null(up);
    fetch_t f = {.port = upstream_port(up)};
    assert_true(f.port > 0);
    uint64_t t0 = clock_mono_ns();
    fetch(&f);
    uint64_t ms = (clock_mono_ns() - t0) / 1000000;
    assert_int_equal(f.status, 200);
    assert_string_equal(f.body, "{\"source\":\"mock_upstream\",\"delay_ms\":150}");
    assert_true(ms >= 150);
    upstream_stop(up);
    assert_null(upstream_start("not-an-ip", 0, 0));
}

/* Eight requests at once take about one delay, not eight: a waiting request
 * blocks only its own connection's thread. */
static void upstream_waits_do_not_block_each_other(void **state) {
    (void)state;
    enum { N = 8, DELAY = 300 };
    upstream_t *up = upstream_start("127.0.0.1", 0, DELAY);
    assert_non_null(up);
    fetch_t f[N];
    pthread_t th[N];
    uint64_t t0 = clock_mono_ns();
    for (int i = 0; i < N; i++) {
        memset(&f[i], 0, sizeof f[i]);
        f[i].port = upstream_port(up);
        assert_int_equal(pthread_create(&th[i], NULL, fetch, &f[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    uint64_t ms = (clock_mono_ns() - t0) / 1000000;
    for (int i = 0; i < N; i++)
        assert_int_equal(f[i].status, 200);
    /* Serialized would be N * DELAY = 2400 ms. */
    assert_true(ms < (uint64_t)(N * DELAY) / 2);
    upstream_stop(up);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli_int_accepts_only_whole_numbers_in_range),
        cmocka_unit_test(cli_hostport_splits_at_the_last_colon),
        cmocka_unit_test(free_ports_are_distinct_and_in_range),
        cmocka_unit_test(service_names_and_log_paths),
        cmocka_unit_test(failure_message_carries_the_log_tail),
        cmocka_unit_test(a_failing_service_is_reported_and_not_left_running),
        cmocka_unit_test(open_reads_state_and_ignores_dead_pids),
        cmocka_unit_test(sql_files_are_found_from_the_build_tree),
        cmocka_unit_test(programs_are_found_next_to_benchlab_or_by_env),
        cmocka_unit_test(reset_rejects_unknown_names_before_touching_anything),
        cmocka_unit_test(failed_initdb_is_reported_and_leaves_no_cluster_dir),
        cmocka_unit_test(upstream_answers_after_the_delay),
        cmocka_unit_test(upstream_waits_do_not_block_each_other),
    };
    int rc = cmocka_run_group_tests(tests, make_tmp, remove_tmp);
    curl_global_cleanup();
    return rc;
}
