/* benchlab-server flags and environment fallbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "server/config.h"

static int parse(struct server_config *cfg, char *err, size_t errlen, int argc, ...) {
    char *argv[32] = {"benchlab-server"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    return config_parse(cfg, argc, argv, err, errlen);
}

static int clear_env(void **state) {
    (void)state;
    const char *vars[] = {"BENCHLAB_LISTEN",         "BENCHLAB_NAME",
                          "BENCHLAB_THREADING",      "BENCHLAB_PG",
                          "BENCHLAB_REDIS",          "BENCHLAB_UPSTREAM",
                          "BENCHLAB_JWT_SECRET",     "BENCHLAB_FAST_ROUTES",
                          "BENCHLAB_MAX_CONNS",      "BENCHLAB_MAX_CONNS_PER_IP",
                          "BENCHLAB_HEADER_TIMEOUT", "BENCHLAB_BODY_TIMEOUT",
                          "BENCHLAB_DB_TIMEOUT",     "BENCHLAB_REDIS_TIMEOUT",
                          "BENCHLAB_ASYNC_DEPS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    return 0;
}

/* The hostile-client limits: defaults, flags, environment, bad values. */
static void test_connection_limits(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    assert_int_equal(parse(&cfg, err, sizeof err, 1), 0);
    assert_int_equal(cfg.max_conns, 16384);
    assert_int_equal(cfg.max_conns_per_ip, 4096);
    assert_int_equal(cfg.header_timeout, 10);
    assert_int_equal(cfg.body_timeout, 30);
    setenv("BENCHLAB_MAX_CONNS", "500", 1);
    setenv("BENCHLAB_HEADER_TIMEOUT", "0", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 8, "--max-conns", "600", "--max-conns-per-ip",
                           "0", "--body-timeout=5", "--header-timeout", "3"),
                     0);
    assert_int_equal(cfg.max_conns, 600); /* the flag wins */
    assert_int_equal(cfg.max_conns_per_ip, 0);
    assert_int_equal(cfg.body_timeout, 5);
    assert_int_equal(cfg.header_timeout, 3);
    unsetenv("BENCHLAB_HEADER_TIMEOUT");
    assert_int_equal(parse(&cfg, err, sizeof err, 1), 0);
    assert_int_equal(cfg.max_conns, 500);
    unsetenv("BENCHLAB_MAX_CONNS");
    assert_int_equal(parse(&cfg, err, sizeof err, 3, "--max-conns", "8"), -1);
    assert_non_null(strstr(err, "--max-conns"));
    assert_int_equal(parse(&cfg, err, sizeof err, 3, "--header-timeout", "-1"), -1);
    assert_non_null(strstr(err, "--header-timeout"));
    setenv("BENCHLAB_BODY_TIMEOUT", "x", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 1), -1);
    assert_non_null(strstr(err, "BENCHLAB_BODY_TIMEOUT"));
    unsetenv("BENCHLAB_BODY_TIMEOUT");
}

static void test_defaults(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    assert_int_equal(parse(&cfg, err, sizeof err, 1), 0);
    assert_string_equal(cfg.host, "127.0.0.1");
    assert_int_equal(cfg.port, 8080);
    assert_string_equal(cfg.name, "c-ulfius");
#ifdef __linux__
    assert_int_equal(cfg.threading, THREADING_EPOLL);
#else
    assert_int_equal(cfg.threading, THREADING_POLL); /* libmicrohttpd has no epoll there */
#endif
    assert_int_equal(cfg.workers, 1);
    assert_int_equal(cfg.db_pool, 8);
    assert_int_equal(cfg.max_body, 10 * 1024 * 1024);
    assert_int_equal(cfg.max_header, 16 * 1024);
    assert_int_equal(cfg.fast_routes, 0); /* the study measures ulfius on every route */
    assert_int_equal(cfg.conn_timeout, 30);
    assert_int_equal(cfg.db_timeout_ms, 1000);   /* a stalled PostgreSQL: 503 within ~1 s */
    assert_int_equal(cfg.redis_timeout_ms, 250); /* Redis: a short deadline */
    assert_int_equal(cfg.log_level, LOG_OFF);
    assert_int_equal(cfg.redis_port, 6379);
}

static void test_flags(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    int rc = parse(&cfg, err, sizeof err, 22, "--listen", "0.0.0.0:9000", "--name=c-test",
                   "--threading", "pool", "--threads", "4", "--workers", "3", "--db-pool", "2",
                   "--redis", "redis://10.0.0.2:7000/3", "--max-body", "1024", "--log-level",
                   "debug", "--max-header", "4096", "--fast-routes", "on");
    assert_int_equal(rc, 0);
    assert_int_equal(cfg.fast_routes, 1);
    assert_string_equal(cfg.host, "0.0.0.0");
    assert_int_equal(cfg.port, 9000);
    assert_string_equal(cfg.name, "c-test");
    assert_int_equal(cfg.threading, THREADING_POOL);
    assert_int_equal(cfg.threads, 4);
    assert_int_equal(cfg.workers, 3);
    assert_int_equal(cfg.db_pool, 2);
    assert_string_equal(cfg.redis_host, "10.0.0.2");
    assert_int_equal(cfg.redis_port, 7000);
    assert_int_equal(cfg.redis_db, 3);
    assert_int_equal(cfg.max_body, 1024);
    assert_int_equal(cfg.max_header, 4096);
    assert_int_equal(cfg.log_level, LOG_DEBUG);
}

static void test_env_fallback_and_flag_wins(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    setenv("BENCHLAB_NAME", "from-env", 1);
    setenv("BENCHLAB_LISTEN", "127.0.0.1:1234", 1);
    setenv("BENCHLAB_PG", "host=/tmp dbname=x", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 3, "--name", "from-flag"), 0);
    assert_string_equal(cfg.name, "from-flag");
    assert_int_equal(cfg.port, 1234);
    assert_string_equal(cfg.pg, "host=/tmp dbname=x");
    setenv("BENCHLAB_THREADING", "bogus", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 1), -1);
    assert_non_null(strstr(err, "BENCHLAB_THREADING"));
    clear_env(NULL);
}

static void test_bad_values_name_the_flag(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    struct {
        const char *flag, *value;
    } bad[] = {
        {"--listen", "nohost"},      {"--listen", "1.2.3.4:70000"}, {"--threads", "0"},
        {"--workers", "x"},          {"--db-pool", "-1"},           {"--threading", "fork"},
        {"--redis", "http://h:1"},   {"--upstream", "ftp://x"},     {"--max-body", "0"},
        {"--log-level", "verbose"},  {"--conn-timeout", "1e3"},     {"--max-header", "100"},
        {"--max-header", "2000000"}, {"--fast-routes", "yes"},      {"--db-timeout", "5"},
        {"--db-timeout", "1s"},      {"--redis-timeout", "0"},      {"--redis-timeout", "700000"},
        {"--async-deps", "1"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&cfg, err, sizeof err, 3, bad[i].flag, bad[i].value), -1);
        assert_non_null(strstr(err, bad[i].flag + 2));
    }
    assert_int_equal(parse(&cfg, err, sizeof err, 2, "--nope"), -1);
    assert_non_null(strstr(err, "unknown flag"));
    assert_int_equal(parse(&cfg, err, sizeof err, 2, "--threads"), -1);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(parse(&cfg, err, sizeof err, 2, "stray"), -1);
    /* A pool of one thread is ignored by libmicrohttpd: refused up front. */
    assert_int_equal(parse(&cfg, err, sizeof err, 5, "--threading", "pool", "--threads", "1"), -1);
    assert_int_equal(parse(&cfg, err, sizeof err, 2, "--help"), 1);
    assert_non_null(strstr(err, "usage"));
}

static void test_dependency_deadlines(void **state) {
    (void)state;
    struct server_config cfg;
    char err[256];
    assert_int_equal(
        parse(&cfg, err, sizeof err, 5, "--db-timeout", "300", "--redis-timeout", "40"), 0);
    assert_int_equal(cfg.db_timeout_ms, 300);
    assert_int_equal(cfg.redis_timeout_ms, 40);
    setenv("BENCHLAB_DB_TIMEOUT", "2500", 1);
    setenv("BENCHLAB_REDIS_TIMEOUT", "100", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 3, "--db-timeout", "700"), 0);
    assert_int_equal(cfg.db_timeout_ms, 700); /* the flag wins */
    assert_int_equal(cfg.redis_timeout_ms, 100);
    setenv("BENCHLAB_DB_TIMEOUT", "soon", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 1), -1);
    assert_non_null(strstr(err, "BENCHLAB_DB_TIMEOUT"));
    unsetenv("BENCHLAB_DB_TIMEOUT");
    unsetenv("BENCHLAB_REDIS_TIMEOUT");
    /* Waits without holding the event loop: on unless turned off. */
    assert_int_equal(parse(&cfg, err, sizeof err, 1), 0);
    assert_int_equal(cfg.async_deps, 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 3, "--async-deps", "off"), 0);
    assert_int_equal(cfg.async_deps, 0);
    setenv("BENCHLAB_ASYNC_DEPS", "off", 1);
    assert_int_equal(parse(&cfg, err, sizeof err, 1), 0);
    assert_int_equal(cfg.async_deps, 0);
    unsetenv("BENCHLAB_ASYNC_DEPS");
}

static void test_threading_names_round_trip(void **state) {
    (void)state;
    const char *names[] = {"select", "poll", "epoll", "pool", "thread-per-conn"};
    for (int i = 0; i < 5; i++) {
        int t = config_parse_threading(names[i]);
        assert_int_equal(t, i);
        assert_string_equal(config_threading_name((enum threading_model)t), names[i]);
    }
    assert_int_equal(config_parse_threading("EPOLL"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, clear_env),
        cmocka_unit_test_setup(test_connection_limits, clear_env),
        cmocka_unit_test_setup(test_flags, clear_env),
        cmocka_unit_test_setup(test_env_fallback_and_flag_wins, clear_env),
        cmocka_unit_test_setup(test_bad_values_name_the_flag, clear_env),
        cmocka_unit_test(test_threading_names_round_trip),
        cmocka_unit_test_setup(test_dependency_deadlines, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
