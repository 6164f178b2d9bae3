/* The stack's PostgreSQL: initdb, start, database creation, seed, resets. */
#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "common/fs.h"
#include "common/portable.h"
#include "common/xalloc.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"
#include "lab/stack/internal.h"
#include "lab/stack/seed_extra.h"
#include "lab/stack/pg_template.h"

/* The directory with initdb and postgres: $BENCHLAB_PG_BIN, else PATH, else
 * the newest /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH). */
static int pg_bindir(char *buf, size_t len) {
    const char *env = getenv("BENCHLAB_PG_BIN");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return 0;
    }
    const char *path = getenv("PATH");
    if (path) {
        char *copy = xstrdup(path), *save = NULL;
        for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d;
             d = strtok_r(NULL, ":", &save)) {
            char a[PATH_MAX], b[PATH_MAX];
            snprintf(a, sizeof a, "%s/initdb", d);
            snprintf(b, sizeof b, "%s/postgres", d);
            if (access(a, X_OK) == 0 && access(b, X_OK) == 0) {
                /* Follow a symlinked initdb (/usr/local/bin -> the versioned dir)
                 * so initdb and postgres come from the same installation. */
                char real[PATH_MAX];
                if (realpath(a, real)) {
                    *strrchr(real, '/') = '\0';
                    snprintf(buf, len, "%s", real);
                } else {
                    snprintf(buf, len, "%s", d);
                }
                free(copy);
                return 0;
            }
        }
        free(copy);
    }
    DIR *dir = opendir("/usr/lib/postgresql");
    int best = -1;
    if (dir) {
        for (struct dirent *e; (e = readdir(dir));) {
            int v = atoi(e->d_name);
            char a[PATH_MAX];
            snprintf(a, sizeof a, "/usr/lib/postgresql/%s/bin/postgres", e->d_name);
            if (v > best && access(a, X_OK) == 0)
                best = v;
        }
        closedir(dir);
    }
    if (best < 0)
        return -1;
    snprintf(buf, len, "/usr/lib/postgresql/%d/bin", best);
    return 0;
}

/* Can user reach (search) dir? Checked by running test(1) as that user. */
static bool user_can_reach(const char *dir, const char *user) {
    char *argv[] = {"test", "-x", (char *)dir, NULL};
    spawn_opts_t o = {.run_as_user = user, .cwd = "/"};
    return spawn_run(argv, &o) == 0;
}

/* Picks st->pg_data: DIR/pg, or, when the unprivileged database user cannot
 * reach DIR (a root-only mktemp directory above it, say), a fresh
 * /tmp/benchlab-pg.XXXXXX/pg that DIR/pg.path names so down removes it. */
static int choose_data_dir(lab_stack_t *st, const char *user, char *cwd, size_t cwd_len) {
    char marker[PATH_MAX + 16];
    snprintf(marker, sizeof marker, "%s/pg.path", st->dir);
    char *outside = stack_read_file(marker);
    if (outside) {
        outside[strcspn(outside, "\n")] = '\0';
        if (outside[0] != '/' || access(outside, F_OK) != 0) {
            unlink(marker); /* names a directory that is gone: start afresh */
            free(outside);
            outside = NULL;
        }
    }
    if (outside) {
        snprintf(cwd, cwd_len, "%s", outside);
        free(outside);
    } else if (!user || user_can_reach(st->dir, user)) {
        snprintf(cwd, cwd_len, "%s", st->dir);
    } else {
        char tmpl[] = "/tmp/benchlab-pg.XXXXXX";
        if (!mkdtemp(tmpl))
            return stack_fail(st, "postgres: mkdtemp: %s", strerror(errno));
        /* Until DIR/pg.path names it, nothing else would remove it. */
        if (spawn_chown_tree(tmpl, user) != 0) {
            fs_remove_tree(tmpl);
            return stack_fail(st, "postgres: cannot give %s to user %s", tmpl, user);
        }
        FILE *f = fopen(marker, "w");
        int werr = !f || fprintf(f, "%s\n", tmpl) < 0;
        if ((f && fclose(f) != 0) || werr) {
            int e = errno;
            unlink(marker);
            fs_remove_tree(tmpl);
            return stack_fail(st, "postgres: cannot write %s: %s", marker, strerror(e));
        }
        snprintf(cwd, cwd_len, "%s", tmpl);
    }
    if (snprintf(st->pg_data, sizeof st->pg_data, "%s/pg", cwd) >= (int)sizeof st->pg_data)
        return stack_fail(st, "postgres: path too long");
    return 0;
}

/* After a failed initdb: a cluster directory made outside DIR would outlive
 * DIR (initdb already emptied it), so remove it and its marker. */
static void forget_outside_dir(lab_stack_t *st) {
    char marker[PATH_MAX + 16];
    snprintf(marker, sizeof marker, "%s/pg.path", st->dir);
    char *outside = stack_read_file(marker);
    if (!outside)
        return;
    outside[strcspn(outside, "\n")] = '\0';
    if (strncmp(outside, "/tmp/benchlab-pg.", 17) == 0 && !strstr(outside, ".."))
        fs_remove_tree(outside);
    free(outside);
    unlink(marker);
    st->pg_data[0] = '\0';
}

/* PostgreSQL on a host address (a topology): the server and the lab reach
 * it from other hosts of its subnets, which initdb's trust lines (loopback
 * only) would refuse. The cluster must be readable here (a local engine, or
 * the same path shared); a remote engine's cluster is left as initdb made it. */
static int allow_other_hosts(lab_stack_t *st) {
    if (!*st->addr[LAB_SVC_POSTGRES] || strcmp(st->addr[LAB_SVC_POSTGRES], "127.0.0.1") == 0)
        return 0;
    char hba[PATH_MAX + 16];
    snprintf(hba, sizeof hba, "%s/pg_hba.conf", st->pg_data);
    if (access(hba, F_OK) != 0)
        return 0;
    FILE *f = fopen(hba, "a");
    if (!f || fputs("host all all samenet trust\n", f) < 0 || fclose(f) != 0)
        return stack_fail(st, "postgres: cannot let other hosts in (%s): %s", hba, strerror(errno));
    return 0;
}

static int run_initdb(lab_stack_t *st, const char *bindir, const char *user, const char *cwd) {
    char version[PATH_MAX + 16];
    snprintf(version, sizeof version, "%s/PG_VERSION", st->pg_data);
    if (access(version, F_OK) == 0)
        return 0; /* already a cluster: reuse it */
    if (mkdir(st->pg_data, 0700) != 0 && errno != EEXIST)
        return stack_fail(st, "postgres: mkdir %s: %s", st->pg_data, strerror(errno));
    if (spawn_chown_tree(st->pg_data, user) != 0)
        return stack_fail(st, "postgres: cannot give %s to user %s", st->pg_data, user);
    char initdb[PATH_MAX + 16], log[PATH_MAX + 32];
    snprintf(initdb, sizeof initdb, "%s%sinitdb", bindir, *bindir ? "/" : "");
    stack_log_path(st, LAB_SVC_POSTGRES, log, sizeof log);
    unlink(log);
    /* --no-sync only skips fsync of the fresh files at the end of initdb; the
     * server itself runs with default durability settings. */
    char *argv[] = {initdb, "-D", st->pg_data, STACK_PG_INITDB_OPTIONS, NULL};
    (void)user; /* stack_prepare_spawn: the same stack_service_user */
    spawn_opts_t o = {.log_path = log};
    char **owned;
    char *const *cmd = stack_prepare_spawn(st, LAB_SVC_POSTGRES, argv, cwd, "-initdb", &o, &owned);
    if (!cmd) {
        forget_outside_dir(st);
        return -1;
    }
    int rc = spawn_run(cmd, &o);
    box_free_argv(owned);
    box_remove_container(st->hooks[LAB_SVC_POSTGRES].box, "-initdb");
    if (rc != 0) {
        stack_fail(st, "postgres failed to start: initdb exited with status %d", rc);
        stack_append_log_tail(st, LAB_SVC_POSTGRES);
        forget_outside_dir(st);
        return -1;
    }
    return allow_other_hosts(st);
}

static void set_dsn(lab_stack_t *st, const char *db, char *buf, size_t len) {
    snprintf(buf, len, "host=%s port=%d user=benchlab dbname=%s connect_timeout=5",
             stack_addr(st, LAB_SVC_POSTGRES), st->port[LAB_SVC_POSTGRES], db);
}

bool stack_probe_postgres(lab_stack_t *st) {
    char dsn[256];
    set_dsn(st, "postgres", dsn, sizeof dsn);
    return PQping(dsn) == PQPING_OK;
}

static void quiet_notices(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

static PGconn *connect_db(lab_stack_t *st, const char *db) {
    char dsn[256];
    set_dsn(st, db, dsn, sizeof dsn);
    PGconn *c = PQconnectdb(dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        stack_fail(st, "postgres: cannot connect (%s): %s", dsn, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    return c;
}

/* Runs a script of several statements; 0 or -1 with st->err naming what. */
static int exec_sql(lab_stack_t *st, PGconn *c, const char *sql, const char *what) {
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = stack_fail(st, "postgres: %s: %s", what, PQerrorMessage(c));
    PQclear(r);
    return rc;
}

static int create_database(lab_stack_t *st) {
    PGconn *c = connect_db(st, "postgres");
    if (!c)
        return -1;
    PGresult *r = PQexec(c, "SELECT 1 FROM pg_database WHERE datname = 'benchlab'");
    bool exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    int rc = exists ? 0 : exec_sql(st, c, "CREATE DATABASE benchlab", "CREATE DATABASE benchlab");
    PQfinish(c);
    return rc;
}

/* CREATE EXTENSION pg_stat_statements in the benchlab database (a failure is
 * not fatal: the study then records no database statistics). */
static int create_pgss(lab_stack_t *st) {
    PGconn *c = connect_db(st, "benchlab");
    if (!c)
        return 0;
    PGresult *r = PQexec(c, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    st->pg_stat_statements = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(c);
    return 0;
}

int stack_start_postgres(lab_stack_t *st) {
    if (st->pid[LAB_SVC_POSTGRES])
        return 0;
    char bindir[PATH_MAX] = "", cwd[PATH_MAX];
    const char *pg_env = getenv("BENCHLAB_PG_BIN");
    /* In a container, initdb and postgres are the image's (found by name)
     * unless BENCHLAB_PG_BIN names them. */
    bool by_name = stack_in_container(st, LAB_SVC_POSTGRES) && !(pg_env && *pg_env);
    if (!by_name && pg_bindir(bindir, sizeof bindir) != 0)
        return stack_fail(st, "postgres failed to start: no initdb/postgres found (set "
                              "BENCHLAB_PG_BIN, or install the postgresql package)");
    const char *user = stack_service_user(st, LAB_SVC_POSTGRES);
    if (choose_data_dir(st, user, cwd, sizeof cwd) != 0)
        return -1;
    /* A copy of the seeded template ($BENCHLAB_PG_TEMPLATE) instead of initdb. */
    if (stack_pg_template_restore(st, bindir, user) == 1 ? allow_other_hosts(st) != 0
                                                         : run_initdb(st, bindir, user, cwd) != 0)
        return -1;
    char postgres[PATH_MAX + 16];
    snprintf(postgres, sizeof postgres, "%s%spostgres", bindir, *bindir ? "/" : "");
    for (int attempt = 0; attempt < 3; attempt++) {
        int port = stack_free_port();
        if (port < 0)
            return stack_fail(st, "postgres: no free port: %s", strerror(errno));
        st->port[LAB_SVC_POSTGRES] = port;
        char port_s[16];
        snprintf(port_s, sizeof port_s, "%d", port);
        char listen[96];
        snprintf(listen, sizeof listen, "listen_addresses=%s", stack_addr(st, LAB_SVC_POSTGRES));
        /* TCP on 127.0.0.1 (or the host's address) only, no unix socket (its path could be too long
         * and would need a directory the database user can write). */
        /* pg_stat_statements (the database's own cost per statement, recorded
         * per run by the study) when this PostgreSQL has it: postgresql-contrib */
        char lib[PATH_MAX + 64];
        snprintf(lib, sizeof lib, "%s/../lib/pg_stat_statements.so", bindir);
        bool pgss = *bindir && access(lib, R_OK) == 0;
        char *argv[] = {postgres,
                        "-D",
                        st->pg_data,
                        "-p",
                        port_s,
                        "-c",
                        listen,
                        "-c",
                        "unix_socket_directories=",
                        "-c",
                        "max_connections=200",
                        pgss ? "-c" : NULL,
                        "shared_preload_libraries=pg_stat_statements",
                        NULL};
        bool in_use = false;
        if (stack_spawn_and_wait(st, LAB_SVC_POSTGRES, argv, cwd, stack_probe_postgres, &in_use) ==
            0) {
            set_dsn(st, "benchlab", st->pg_dsn, sizeof st->pg_dsn);
            /* The DSN printed for others: without connect_timeout noise. */
            snprintf(st->pg_dsn, sizeof st->pg_dsn,
                     "host=%s port=%d user=benchlab "
                     "dbname=benchlab",
                     stack_addr(st, LAB_SVC_POSTGRES), port);
            if (create_database(st) != 0 || stack_write_env(st) != 0 ||
                (pgss && create_pgss(st) != 0)) {
                char keep[sizeof st->err];
                memcpy(keep, st->err, sizeof keep);
                stack_stop(st, LAB_SVC_POSTGRES);
                memcpy(st->err, keep, sizeof keep);
                return -1;
            }
            return 0;
        }
        if (!in_use)
            return -1;
    }
    return -1;
}

/* Locates the SQL files; see docs/stack.md ("Where the SQL comes from"). */
int stack_sql_dir(char *buf, size_t len) {
    const char *env = getenv("BENCHLAB_SQL_DIR");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return 0;
    }
    char probe[PATH_MAX + 64];
    char dir[PATH_MAX];
    if (portable_self_exe(dir, sizeof dir) > 0) {
        static const char *const below[] = {"src/server/sql", "share/benchlab/sql"};
        for (int up = 0; up <= 5; up++) {
            char *slash = strrchr(dir, '/');
            if (!slash)
                break;
            *slash = '\0';
            for (int i = 0; i < 2; i++) {
                snprintf(probe, sizeof probe, "%s/%s/schema.sql", dir, below[i]);
                if (access(probe, R_OK) == 0) {
                    snprintf(buf, len, "%s/%s", dir, below[i]);
                    return 0;
                }
            }
        }
    }
    const char *root = getenv("BENCHLAB_ROOT");
    if (root && *root) {
        snprintf(probe, sizeof probe, "%s/src/server/sql/schema.sql", root);
        if (access(probe, R_OK) == 0) {
            snprintf(buf, len, "%s/src/server/sql", root);
            return 0;
        }
    }
    return -1;
}

static int run_sql_file(lab_stack_t *st, PGconn *c, const char *dir, const char *name) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *sql = stack_read_file(path);
    if (!sql)
        return stack_fail(st, "postgres: cannot read %s: %s", path, strerror(errno));
    int rc = exec_sql(st, c, sql, path);
    free(sql);
    return rc;
}

int stack_seed(lab_stack_t *st) {
    /* A copy of the seeded template holds what the seed makes, ANALYZE's
     * statistics too (its key covers the SQL files): nothing to do. */
    if (*st->pg_template_key)
        return 0;
    char dir[PATH_MAX];
    if (stack_sql_dir(dir, sizeof dir) != 0)
        return stack_fail(st, "seed: SQL files not found (set BENCHLAB_SQL_DIR to the "
                              "directory holding schema.sql)");
    PGconn *c = connect_db(st, "benchlab");
    if (!c)
        return -1;
    int rc = run_sql_file(st, c, dir, "schema.sql");
    if (rc == 0)
        rc = run_sql_file(st, c, dir, "seed.sql");
    if (rc == 0)
        rc = stack_seed_extra(st, c, dir);
    PQfinish(c);
    return rc;
}

static int flush_redis(lab_stack_t *st) {
    if (!st->pid[LAB_SVC_REDIS] || !st->port[LAB_SVC_REDIS])
        return stack_fail(st, "reset cache: redis is not running");
    struct timeval tv = {5, 0};
    redisContext *c =
        redisConnectWithTimeout(stack_addr(st, LAB_SVC_REDIS), st->port[LAB_SVC_REDIS], tv);
    if (!c || c->err) {
        stack_fail(st, "reset cache: cannot connect to redis: %s", c ? c->errstr : "out of memory");
        redisFree(c);
        return -1;
    }
    redisReply *r = redisCommand(c, "FLUSHALL");
    int rc =
        r && r->type == REDIS_REPLY_STATUS ? 0 : stack_fail(st, "reset cache: FLUSHALL failed");
    freeReplyObject(r);
    redisFree(c);
    return rc;
}

static bool is_cache_name(const char *name) {
    return strcmp(name, "cache") == 0 || strcmp(name, "redis") == 0;
}

/* A table name with a reset_<name>.sql, as a file name; false when unknown. */
static bool reset_file(const char *name, char *file, size_t len) {
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
    snprintf(file, len, "reset_%s.sql", name);
    return true;
}

int stack_reset(lab_stack_t *st, const char *const *names, int n) {
    char dir[PATH_MAX], file[128], path[PATH_MAX + 160];
    bool need_sql = false;
    /* Check every name first: a typo must not leave half the state reset. */
    for (int i = 0; i < n; i++) {
        if (is_cache_name(names[i]))
            continue;
        if (!need_sql && stack_sql_dir(dir, sizeof dir) != 0)
            return stack_fail(st, "reset: SQL files not found (set BENCHLAB_SQL_DIR)");
        need_sql = true;
        bool known = reset_file(names[i], file, sizeof file);
        if (known) {
            snprintf(path, sizeof path, "%s/%s", dir, file);
            known = access(path, R_OK) == 0;
        }
        if (!known)
            return stack_fail(
                st,
                "reset: unknown name '%s' (known: users, bulk_items, products, account_posts, "
                "cache)",
                names[i]);
    }
    PGconn *c = NULL;
    if (need_sql && !(c = connect_db(st, "benchlab")))
        return -1;
    /* TRUNCATE waits for every lock on the table: a client left idle in a
     * transaction must give an error here, not a study that hangs. */
    int rc = c ? exec_sql(st, c, "SET lock_timeout = '10s'", "SET lock_timeout") : 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (is_cache_name(names[i]))
            rc = flush_redis(st);
        else if (reset_file(names[i], file, sizeof file))
            rc = run_sql_file(st, c, dir, file);
    }
    PQfinish(c);
    return rc;
}
