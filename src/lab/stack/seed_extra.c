/* The seeds after seed.sql: scenario 20's accounts (flow.sql) and scenario
 * 19's search corpus (search.sql), whose size is BENCHLAB_SEARCH_POSTS
 * (default 50,000) and whose seeding time is reported on stderr. */
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/parse.h"
#include "lab/stack/internal.h"
#include "lab/stack/seed_extra.h"

int stack_search_posts(char *err, size_t errlen) {
    const char *env = getenv("BENCHLAB_SEARCH_POSTS");
    if (env == NULL || *env == '\0')
        return STACK_SEARCH_POSTS_DEFAULT;
    long v;
    if (parse_long_in(env, 1, 10000000, &v) != 0) {
        snprintf(err, errlen,
                 "BENCHLAB_SEARCH_POSTS: expected an integer from 1 to 10000000, got '%s'", env);
        return -1;
    }
    return (int)v;
}

static int exec_file(lab_stack_t *st, PGconn *c, const char *dir, const char *name) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *sql = stack_read_file(path);
    if (!sql)
        return stack_fail(st, "postgres: cannot read %s: %s", path, strerror(errno));
    PGresult *r = PQexec(c, sql);
    free(sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = stack_fail(st, "postgres: %s: %s", path, PQerrorMessage(c));
    PQclear(r);
    return rc;
}

int stack_seed_extra(lab_stack_t *st, PGconn *c, const char *dir) {
    char err[160];
    int posts = stack_search_posts(err, sizeof err);
    if (posts < 0)
        return stack_fail(st, "seed: %s", err);
    if (exec_file(st, c, dir, "flow.sql") != 0)
        return -1;
    char set[96];
    snprintf(set, sizeof set, "SET benchlab.search_posts = '%d'", posts);
    PGresult *r = PQexec(c, set);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
        return stack_fail(st, "postgres: %s: %s", set, PQerrorMessage(c));
    /* -1: no corpus yet (search_seed is missing or empty), else its size. */
    long before = -1;
    r = PQexec(c, "SELECT posts FROM search_seed LIMIT 1");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        before = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    uint64_t t0 = clock_mono_ns();
    if (exec_file(st, c, dir, "search.sql") != 0)
        return -1;
    double took = (double)(clock_mono_ns() - t0) / 1e9;
    if (before < 0)
        fprintf(stderr, "seed: search corpus of %d posts seeded in %.1f s\n", posts, took);
    else if (before != posts)
        fprintf(stderr, "seed: search corpus already there with %ld posts (not the %d asked for)\n",
                before, posts);
    return 0;
}
