/* /n-plus-one/{lazy,eager,subquery}: the same authors page with their posts,
 * fetched with 1+N queries, one LEFT JOIN, or two queries (scenario 11). */
#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *author_with_posts(const PGresult *r, int row) {
    json_t *a = db_row_range(r, row, 0, 5);
    json_object_set_new(a, "posts", json_array());
    return a;
}

static int lazy(struct db_conn *c, const PGresult *authors, json_t *out) {
    for (int i = 0; i < PQntuples(authors); i++) {
        json_t *a = author_with_posts(authors, i);
        json_array_append_new(out, a);
        const char *p[] = {PQgetvalue(authors, i, 0)};
        PGresult *posts = db_run(c, STMT_POSTS_OF_AUTHOR, 1, p);
        if (!db_ok(posts)) {
            PQclear(posts);
            return -1;
        }
        json_t *arr = json_object_get(a, "posts");
        for (int k = 0; k < PQntuples(posts); k++)
            json_array_append_new(arr, db_row(posts, k));
        PQclear(posts);
    }
    return 0;
}

static int subquery(struct db_conn *c, const PGresult *authors, json_t *out) {
    int n = PQntuples(authors);
    /* An int[] literal "{1,2,3}" of the page's author ids. */
    char *ids = malloc((size_t)n * 12 + 3);
    if (ids == NULL)
        return -1;
    size_t len = 0;
    ids[len++] = '{';
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(ids + len, "%s%s", i ? "," : "", PQgetvalue(authors, i, 0));
    ids[len++] = '}';
    ids[len] = '\0';
    const char *p[] = {ids};
    PGresult *posts = db_run(c, STMT_POSTS_OF_AUTHORS, 1, p);
    free(ids);
    if (!db_ok(posts)) {
        PQclear(posts);
        return -1;
    }
    int k = 0, np = PQntuples(posts);
    for (int i = 0; i < n; i++) {
        json_t *a = author_with_posts(authors, i);
        json_array_append_new(out, a);
        long long id = db_ll(authors, i, 0);
        json_t *arr = json_object_get(a, "posts");
        /* Both results are ordered by author id. */
        while (k < np && db_ll(posts, k, 0) < id)
            k++;
        for (; k < np && db_ll(posts, k, 0) == id; k++)
            json_array_append_new(arr, db_row_range(posts, k, 1, 6));
    }
    PQclear(posts);
    return 0;
}

static int eager(const PGresult *r, json_t *out) {
    json_t *cur = NULL;
    long long cur_id = -1;
    for (int i = 0; i < PQntuples(r); i++) {
        long long id = db_ll(r, i, 0);
        if (cur == NULL || id != cur_id) {
            cur = author_with_posts(r, i);
            cur_id = id;
            json_array_append_new(out, cur);
        }
        if (!PQgetisnull(r, i, 5))
            json_array_append_new(json_object_get(cur, "posts"), db_row_range(r, i, 5, 10));
    }
    return 0;
}

HANDLER(h_nplusone) {
    const char *mode = req_param(req, "mode");
    int m = mode == NULL                    ? -1
            : strcmp(mode, "lazy") == 0     ? 0
            : strcmp(mode, "eager") == 0    ? 1
            : strcmp(mode, "subquery") == 0 ? 2
                                            : -1;
    if (m < 0)
        return reply_error(resp, 404, "not_found", "mode must be lazy, eager or subquery");
    INT_PARAM(limit, "limit", 1, 100, 20);
    INT_PARAM(offset, "offset", 0, 2147483647LL, 0);
    char lim[24], off[24];
    snprintf(lim, sizeof lim, "%lld", limit);
    snprintf(off, sizeof off, "%lld", offset);
    const char *p[] = {lim, off};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, m == 1 ? STMT_AUTHORS_POSTS_JOIN : STMT_AUTHORS_PAGE, 2, p);
    json_t *out = json_array();
    int ok = db_ok(r);
    if (ok)
        ok = (m == 0 ? lazy(c, r, out) : m == 1 ? eager(r, out) : subquery(c, r, out)) == 0;
    int rc;
    if (ok) {
        rc = reply_json(resp, 200, out);
    } else {
        json_decref(out);
        rc = reply_db_failure(resp, c, r);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
