/* Integration tests of `benchlab up` / `down` and the stack API.
 *
 * Against the shared stack of tests/run.sh (BENCHLAB_PG, BENCHLAB_STACK_DIR):
 * the seeded volumes and value shapes, seeding twice, the resets. They skip
 * when no shared stack is up.
 * With stacks of their own (no seed, to stay quick): two stacks started at
 * once in two dirs, `up` refusing a dir that already runs one, restarting only
 * the server, restarting PostgreSQL on its existing cluster, `down` leaving no process and no data,
 * a failing server binary reported with its log and nothing left running, and bad flags (exit 2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"
#include "lab/stack/internal.h"

static char tmpdir[64];
static char benchlab[PATH_MAX];
static char standin[PATH_MAX + 32]; /* a /health-answering server while the real one is missing */

static int setup(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test-stack-it.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    if (stack_find_program("benchlab", NULL, benchlab, sizeof benchlab) != 0)
        return -1;
    /* The mock upstream answers every GET, /health included: enough for the
     * stack's readiness check when the shared stack (and so the real server)
     * is not up. */
    snprintf(standin, sizeof standin, "%s/standin-server", tmpdir);
    FILE *f = fopen(standin, "w");
    if (!f)
        return -1;
    fprintf(f, "#!/bin/sh\nexec '%s' upstream --listen \"$2\" --delay-ms 0\n", benchlab);
    fclose(f);
    return chmod(standin, 0755);
}

static int teardown(void **state) {
    (void)state;
    /* A failed assertion may have left a stack of ours running. */
    static const char *const dirs[] = {"a", "b", "broken", "asuser"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        static lab_stack_t st;
        char dir[128];
        snprintf(dir, sizeof dir, "%s/%s", tmpdir, dirs[i]);
        /* Even without stack.env (a start that failed early), down removes
         * a cluster kept outside the directory. */
        if (stack_open(&st, dir) == 0 || st.dir[0])
            stack_down(&st);
    }
    return fs_remove_tree(tmpdir);
}

/* Runs `benchlab ARGS` through sh with env prefix; stdout/stderr into files
 * under tmpdir named by tag. Returns the exit code. */
static int run_benchlab(const char *env, const char *args, const char *tag) {
    char cmd[4 * PATH_MAX];
    int n = snprintf(cmd, sizeof cmd, "%s '%s' %s >'%s/%s.out' 2>'%s/%s.err'", env ? env : "",
                     benchlab, args, tmpdir, tag, tmpdir, tag);
    assert_true(n > 0 && (size_t)n < sizeof cmd);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *output_of(const char *tag, const char *ext) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s.%s", tmpdir, tag, ext);
    char *s = stack_read_file(path);
    assert_non_null(s);
    return s;
}

/* The value of KEY= in text (static buffer), or NULL. */
static const char *value_of(const char *text, const char *key) {
    static char v[512];
    char k[64];
    snprintf(k, sizeof k, "%s=", key);
    const char *p = strstr(text, k);
    if (!p)
        return NULL;
    p += strlen(k);
    size_t n = strcspn(p, "\n");
    snprintf(v, sizeof v, "%.*s", (int)n, p);
    return v;
}

/* Non-NULL when the real benchlab-server can be used: it is there and the
 * shared stack (which runs it) came up, or BENCHLAB_SERVER_BIN names one. */
static const char *server_env(void) {
    char path[PATH_MAX];
    if (getenv("BENCHLAB_SERVER_BIN"))
        return "";
    if (getenv("BENCHLAB_URL") &&
        stack_find_program("benchlab-server", NULL, path, sizeof path) == 0)
        return "";
    return NULL;
}

/* --- against the shared stack --- */

static PGconn *shared_db(void) {
    const char *dsn = getenv("BENCHLAB_PG");
    if (!dsn || !getenv("BENCHLAB_STACK_DIR"))
        return NULL;
    PGconn *c = PQconnectdb(dsn);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    return c;
}

static long long q(PGconn *c, const char *sql) {
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        print_error("query failed: %s: %s\n", sql, PQerrorMessage(c));
        PQclear(r);
        fail();
    }
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static void reset_shared(const char *const *names, int n) {
    static lab_stack_t st;
    assert_int_equal(stack_open(&st, getenv("BENCHLAB_STACK_DIR")), 0);
    if (stack_reset(&st, names, n) != 0)
        fail_msg("reset: %s", st.err);
}

static void seeded_volumes_and_shapes(void **state) {
    (void)state;
    PGconn *c = shared_db();
    if (!c)
        skip();
    /* Earlier tests may have written: start from the seeded state. */
    const char *dirty[] = {"users", "bulk_items", "products"};
    reset_shared(dirty, 3);
    assert_int_equal(q(c, "SELECT count(*) FROM users"), 1000);
    assert_int_equal(q(c, "SELECT count(DISTINCT email) FROM users"), 1000);
    assert_int_equal(q(c, "SELECT count(*) FROM users WHERE created_at < now() - interval "
                          "'30 days' OR created_at > now()"),
                     0);
    static const char *const big[] = {
        "users_pagination",     "users_narrow",       "users_wide",      "users_extra_wide",
        "users_type_int",       "users_type_varchar", "users_type_text", "users_type_jsonb",
        "users_type_timestamp", "users_type_uuid"};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", big[i]);
        assert_int_equal(q(c, sql), 100000);
        snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", big[i]);
        assert_int_equal(q(c, sql), 100000);
    }
    assert_int_equal(q(c, "SELECT count(DISTINCT status) FROM users_narrow WHERE status IN "
                          "('active','inactive')"),
                     2);
    assert_int_equal(q(c, "SELECT count(DISTINCT country) FROM users_wide"), 50);
    assert_int_equal(q(c, "SELECT count(DISTINCT city) FROM users_wide"), 100);
    assert_int_equal(q(c, "SELECT count(*) FROM users_wide WHERE city <> 'City ' || (id % 100) "
                          "OR country <> 'Country' || (id % 50)"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM users_wide WHERE login_count NOT BETWEEN 0 AND "
                          "1000 OR preferences->>'lang' <> 'ko' OR preferences->>'theme' NOT IN "
                          "('dark','light')"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM pg_indexes WHERE (tablename = 'users_wide' AND "
                          "indexdef LIKE '%(country)%') OR (tablename = 'users_wide' AND indexdef "
                          "LIKE '%(status)%') OR (tablename = 'posts' AND indexdef LIKE "
                          "'%(author_id)%')"),
                     3);
    /* id, name, email, field_01..field_45, created_at */
    assert_int_equal(q(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = "
                          "'users_extra_wide'"),
                     49);
    assert_int_equal(q(c, "SELECT count(*) FROM users_extra_wide WHERE field_07 <> 'val_07_' || "
                          "id OR field_45 <> 'val_45_' || id"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = "
                          "'users_type_uuid' AND data_type = 'uuid'"),
                     5);
    assert_int_equal(q(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = "
                          "'users_type_jsonb' AND data_type = 'jsonb'"),
                     5);
    assert_int_equal(q(c, "SELECT count(*) FROM users_type_int WHERE col_03 NOT BETWEEN 0 AND "
                          "1000000"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM users_type_varchar WHERE col_02 <> "
                          "'varchar_value_02_' || id"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM users_type_jsonb WHERE col_04 <> "
                          "jsonb_build_object('id', id, 'type', 'col04', 'data', "
                          "'{\"nested\":\"value\"}'::jsonb)"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM users_type_text WHERE length(col_01) NOT BETWEEN "
                          "85 AND 100"),
                     0);
    assert_int_equal(q(c, "SELECT count(DISTINCT col_01) FROM users_type_uuid"), 100000);
    assert_int_equal(q(c, "SELECT count(*) FROM authors"), 1000);
    long long posts = q(c, "SELECT count(*) FROM posts");
    assert_true(posts >= 5000 && posts <= 15000);
    assert_int_equal(q(c, "SELECT count(*) FROM (SELECT author_id, count(*) AS n FROM posts "
                          "GROUP BY author_id) AS per WHERE n BETWEEN 5 AND 15"),
                     1000);
    assert_int_equal(q(c, "SELECT count(*) FROM posts WHERE view_count NOT BETWEEN 0 AND 10000"),
                     0);
    assert_int_equal(q(c, "SELECT count(*) FROM bulk_items"), 0);
    assert_int_equal(q(c, "SELECT count(*) FROM products WHERE stock = 1000 AND version = 0"), 10);
    PQfinish(c);
}

static void seeding_twice_changes_nothing(void **state) {
    (void)state;
    PGconn *c = shared_db();
    if (!c)
        skip();
    const char *total = "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM posts) + "
                        "(SELECT count(*) FROM users_wide) + (SELECT count(*) FROM products) + "
                        "(SELECT sum(view_count) FROM posts)";
    long long before = q(c, total);
    static lab_stack_t st;
    assert_int_equal(stack_open(&st, getenv("BENCHLAB_STACK_DIR")), 0);
    assert_true(st.pid[LAB_SVC_POSTGRES] > 0);
    if (stack_seed(&st) != 0)
        fail_msg("seed: %s", st.err);
    assert_int_equal(q(c, total), before);
    /* one row per seed file that ran (seed.sql's version 1, flow.sql's 20),
     * none twice */
    assert_int_equal(q(c, "SELECT count(*) FROM benchlab_seed WHERE version = 1"), 1);
    assert_int_equal(q(c, "SELECT count(*) - count(DISTINCT version) FROM benchlab_seed"), 0);
    PQfinish(c);
}

static void resets_undo_what_write_scenarios_do(void **state) {
    (void)state;
    PGconn *c = shared_db();
    if (!c)
        skip();
    PQclear(PQexec(c, "INSERT INTO users (name, email) VALUES ('w', 'reset-test@example.com')"));
    PQclear(PQexec(c, "DELETE FROM users WHERE id = 7"));
    PQclear(PQexec(c, "UPDATE users SET name = 'changed' WHERE id = 8"));
    PQclear(PQexec(c, "INSERT INTO bulk_items (name) SELECT 'b' FROM generate_series(1, 50)"));
    PQclear(PQexec(c, "UPDATE products SET stock = 3, version = 9 WHERE id <= 4"));
    assert_int_equal(q(c, "SELECT count(*) FROM users"), 1000);
    assert_int_equal(q(c, "SELECT count(*) FROM bulk_items"), 50);

    const char *names[] = {"users", "bulk_items", "products", "cache"};
    /* A cached key disappears with "cache". */
    static lab_stack_t st;
    assert_int_equal(stack_open(&st, getenv("BENCHLAB_STACK_DIR")), 0);
    redisContext *r = redisConnect("127.0.0.1", st.port[LAB_SVC_REDIS]);
    assert_true(r && !r->err);
    freeReplyObject(redisCommand(r, "SET user:reset-test 1"));
    reset_shared(names, 4);
    redisReply *got = redisCommand(r, "EXISTS user:reset-test");
    assert_non_null(got);
    assert_int_equal(got->integer, 0);
    freeReplyObject(got);
    redisFree(r);

    assert_int_equal(q(c, "SELECT count(*) FROM users"), 1000);
    assert_int_equal(q(c, "SELECT count(*) FROM users WHERE id = 7 AND email = "
                          "'user7@example.com'"),
                     1);
    assert_int_equal(q(c, "SELECT count(*) FROM users WHERE id = 8 AND name = 'User 8'"), 1);
    assert_int_equal(q(c, "SELECT count(*) FROM bulk_items"), 0);
    assert_int_equal(q(c, "SELECT count(*) FROM products WHERE stock = 1000 AND version = 0"), 10);
    /* The next inserted user gets id 1001 and bulk ids start at 1 again. */
    assert_int_equal(q(c, "INSERT INTO users (name, email) VALUES ('n', 'next@example.com') "
                          "RETURNING id"),
                     1001);
    assert_int_equal(q(c, "INSERT INTO bulk_items (name) VALUES ('x') RETURNING id"), 1);
    reset_shared(names, 3);
    assert_int_equal(q(c, "SELECT count(*) FROM users"), 1000);
    PQfinish(c);
}

/* --- stacks of our own --- */

/* True when some process's command line contains needle. */
static bool process_mentions(const char *needle) {
    DIR *d = opendir("/proc");
    assert_non_null(d);
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
            continue;
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        for (size_t i = 0; i < n; i++)
            if (!buf[i])
                buf[i] = ' ';
        buf[n] = '\0';
        /* Zombies have an empty cmdline and are skipped that way. */
        found = strstr(buf, needle) != NULL && spawn_alive(atoi(e->d_name));
    }
    closedir(d);
    return found;
}

static void assert_stack_gone(const lab_stack_t *st) {
    for (int s = 0; s < LAB_SVC_COUNT; s++)
        if (st->pid[s])
            assert_false(spawn_alive(st->pid[s]));
    char needle[64];
    for (int s = LAB_SVC_REDIS; s < LAB_SVC_COUNT; s++)
        if (st->port[s]) {
            snprintf(needle, sizeof needle, "127.0.0.1:%d", st->port[s]);
            assert_false(process_mentions(needle));
        }
    if (st->pg_data[0])
        assert_false(process_mentions(st->pg_data));
}

static bool health_ok(const char *url) {
    char full[600];
    long status = 0;
    assert_true((size_t)snprintf(full, sizeof full, "%s/health", url) < sizeof full);
    return stack_probe_http(full, &status) && status == 200;
}

static void two_stacks_at_once_then_down_leaves_nothing(void **state) {
    (void)state;
    char env[PATH_MAX + 64] = "";
    if (!server_env())
        snprintf(env, sizeof env, "BENCHLAB_SERVER_BIN='%s'", standin);
    char cmd[6 * PATH_MAX];
    /* Both `up`s at once: they race for ports and must not collide. */
    int n = snprintf(cmd, sizeof cmd,
                     "%s '%s' up --dir '%s/a' --no-seed >'%s/a.out' 2>'%s/a.err' & "
                     "%s '%s' up --dir '%s/b' --no-seed >'%s/b.out' 2>'%s/b.err'; rb=$?; wait $!; "
                     "ra=$?; exit $((ra * 16 + rb))",
                     env, benchlab, tmpdir, tmpdir, tmpdir, env, benchlab, tmpdir, tmpdir, tmpdir);
    assert_true(n > 0 && (size_t)n < sizeof cmd);
    int rc = system(cmd);
    char *a_out = output_of("a", "out"), *b_out = output_of("b", "out");
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        char *ae = output_of("a", "err"), *be = output_of("b", "err");
        print_error("up a: %s\nup b: %s\n", ae, be);
        free(ae);
        free(be);
    }
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
    static const char *const keys[] = {"BENCHLAB_URL", "BENCHLAB_PG", "BENCHLAB_REDIS",
                                       "BENCHLAB_UPSTREAM"};
    for (size_t i = 0; i < 4; i++) {
        char a[512];
        assert_non_null(value_of(a_out, keys[i]));
        snprintf(a, sizeof a, "%s", value_of(a_out, keys[i]));
        assert_non_null(value_of(b_out, keys[i]));
        assert_string_not_equal(a, value_of(b_out, keys[i]));
        const char *shared = getenv(keys[i]);
        if (shared)
            assert_string_not_equal(a, shared);
    }
    char url_a[128];
    snprintf(url_a, sizeof url_a, "%s", value_of(a_out, "BENCHLAB_URL"));
    assert_true(health_ok(url_a));
    assert_true(health_ok(value_of(b_out, "BENCHLAB_URL")));
    PGconn *c = PQconnectdb(value_of(b_out, "BENCHLAB_PG"));
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQfinish(c);

    /* A second `up` in a running dir is refused and changes nothing. */
    char args[512];
    snprintf(args, sizeof args, "up --dir '%s/a' --no-seed", tmpdir);
    assert_int_equal(run_benchlab(env, args, "again"), 1);
    char *again = output_of("again", "err");
    assert_non_null(strstr(again, "already running"));
    free(again);
    assert_true(health_ok(url_a));

    /* Restart only the server: PostgreSQL keeps its pid. */
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/a", tmpdir);
    assert_int_equal(stack_open(&st, dir), 0);
    pid_t pg = st.pid[LAB_SVC_POSTGRES], server = st.pid[LAB_SVC_SERVER];
    assert_true(pg > 0 && server > 0);
    lab_server_opts_t so = {.bin = server_env() ? NULL : standin};
    if (stack_restart_server(&st, &so) != 0)
        fail_msg("restart: %s", st.err);
    assert_int_not_equal(st.pid[LAB_SVC_SERVER], server);
    assert_int_equal(st.pid[LAB_SVC_POSTGRES], pg);
    assert_false(spawn_alive(server));
    assert_true(health_ok(url_a)); /* same port */
    pid_t restarted = st.pid[LAB_SVC_SERVER];

    /* PostgreSQL stopped and started again reuses its cluster (no initdb). */
    char version[PATH_MAX + 16];
    snprintf(version, sizeof version, "%s/PG_VERSION", st.pg_data);
    assert_int_equal(access(version, F_OK), 0);
    assert_int_equal(stack_stop(&st, LAB_SVC_POSTGRES), 0);
    assert_false(spawn_alive(pg));
    if (stack_start_postgres(&st) != 0)
        fail_msg("postgres again: %s", st.err);
    assert_true(stack_probe_postgres(&st));
    pid_t pg_again = st.pid[LAB_SVC_POSTGRES];

    static lab_stack_t before_a, before_b;
    assert_int_equal(stack_open(&before_a, dir), 0);
    snprintf(dir, sizeof dir, "%s/b", tmpdir);
    assert_int_equal(stack_open(&before_b, dir), 0);
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        assert_true(before_a.pid[s] > 0);
        assert_true(before_b.pid[s] > 0);
    }
    assert_int_equal(before_a.pid[LAB_SVC_SERVER], restarted);
    assert_int_equal(before_a.pid[LAB_SVC_POSTGRES], pg_again);

    snprintf(args, sizeof args, "down --dir '%s/a'", tmpdir);
    assert_int_equal(run_benchlab(NULL, args, "down-a"), 0);
    /* Those two were started by this process: reap them. */
    assert_int_equal(waitpid(restarted, NULL, WNOHANG), restarted);
    assert_int_equal(waitpid(pg_again, NULL, WNOHANG), pg_again);
    snprintf(args, sizeof args, "down --dir '%s/b'", tmpdir);
    assert_int_equal(run_benchlab(NULL, args, "down-b"), 0);
    assert_stack_gone(&before_a);
    assert_stack_gone(&before_b);
    char path[256];
    static const char *const gone[] = {"a/pg", "a/redis",        "a/stack.env", "a/server.pid",
                                       "b/pg", "b/postgres.pid", "b/pg.path"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, gone[i]);
        assert_int_not_equal(access(path, F_OK), 0);
    }
    assert_int_not_equal(access(before_b.pg_data, F_OK), 0);
    free(a_out);
    free(b_out);
}

static void failed_start_is_reported_and_leaves_nothing_running(void **state) {
    (void)state;
    char args[512];
    snprintf(args, sizeof args, "up --dir '%s/broken' --no-seed", tmpdir);
    assert_int_equal(run_benchlab("BENCHLAB_SERVER_BIN=/bin/false", args, "broken"), 1);
    char *err = output_of("broken", "err"), *out = output_of("broken", "out");
    assert_non_null(strstr(err, "server failed to start"));
    assert_non_null(strstr(err, "/bin/false exited with status 1"));
    assert_non_null(strstr(err, "last lines of"));
    assert_string_equal(out, ""); /* no BENCHLAB_* lines on failure */
    free(err);
    free(out);
    /* What did start (postgres, redis, upstream) was stopped again. */
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/broken", tmpdir);
    assert_int_equal(stack_open(&st, dir), 0);
    for (int s = 0; s < LAB_SVC_COUNT; s++)
        assert_int_equal(st.pid[s], 0);
    assert_true(st.port[LAB_SVC_UPSTREAM] > 0);
    assert_true(st.pg_data[0] != '\0');
    assert_stack_gone(&st);
    /* The data of the failed start is gone already (the cluster was outside
     * the root-only tmpdir: no leftover there either); the logs stay. */
    assert_int_not_equal(access(st.pg_data, F_OK), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/pg.path", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/server.log", dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(args, sizeof args, "down --dir '%s/broken'", tmpdir);
    assert_int_equal(run_benchlab(NULL, args, "broken-down"), 0);
    assert_int_not_equal(access(path, F_OK), 0);
}

/* The study runs services as a box's user: Redis as nobody, in a DIR below
 * a root-only directory, still starts, answers and stops. */
static void a_service_runs_as_the_hook_user(void **state) {
    (void)state;
    if (geteuid() != 0)
        skip();
    static lab_stack_t st;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/asuser", tmpdir);
    assert_int_equal(stack_init(&st, dir), 0);
    st.hooks[LAB_SVC_REDIS].run_as_user = "nobody";
    if (stack_start_redis(&st) != 0)
        fail_msg("%s", st.err);
    pid_t pid = st.pid[LAB_SVC_REDIS];
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int uid = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Uid: %d", &uid) == 1)
            break;
    fclose(f);
    assert_int_equal(uid, 65534);
    assert_true(stack_probe_redis(&st));
    assert_int_equal(stack_down(&st), 0);
    assert_false(spawn_alive(pid));
}

static void bad_flags_exit_2_naming_the_flag(void **state) {
    (void)state;
    assert_int_equal(run_benchlab(NULL, "up --bogus 1", "f1"), 2);
    char *e = output_of("f1", "err");
    assert_non_null(strstr(e, "'--bogus'"));
    free(e);
    assert_int_equal(run_benchlab(NULL, "up --dir /tmp/x --port abc", "f2"), 2);
    e = output_of("f2", "err");
    assert_non_null(strstr(e, "--port"));
    assert_non_null(strstr(e, "'abc'"));
    free(e);
    assert_int_equal(run_benchlab(NULL, "up --port 8080", "f3"), 2);
    e = output_of("f3", "err");
    assert_non_null(strstr(e, "--dir"));
    free(e);
    assert_int_equal(run_benchlab(NULL, "up --dir", "f4"), 2);
    assert_int_equal(run_benchlab(NULL, "down", "f5"), 2);
    assert_int_equal(run_benchlab(NULL, "down --dir /tmp/x --force", "f6"), 2);
    e = output_of("f6", "err");
    assert_non_null(strstr(e, "'--force'"));
    free(e);
    assert_int_equal(run_benchlab(NULL, "down --dir /nonexistent/benchlab-stack", "f7"), 1);
    assert_int_equal(run_benchlab(NULL, "upstream --listen 127.0.0.1", "f8"), 2);
    assert_int_equal(run_benchlab(NULL, "upstream --listen 127.0.0.1:0 --delay-ms -5", "f9"), 2);
    e = output_of("f9", "err");
    assert_non_null(strstr(e, "--delay-ms"));
    free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seeded_volumes_and_shapes),
        cmocka_unit_test(seeding_twice_changes_nothing),
        cmocka_unit_test(resets_undo_what_write_scenarios_do),
        cmocka_unit_test(two_stacks_at_once_then_down_leaves_nothing),
        cmocka_unit_test(failed_start_is_reported_and_leaves_nothing_running),
        cmocka_unit_test(a_service_runs_as_the_hook_user),
        cmocka_unit_test(bad_flags_exit_2_naming_the_flag),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
