/* The server-configuration study: /io/db, /cpu/fibonacci, /cpu/hash, /cpu/json-serialize,
 * /mixed/report. */
#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/handlers/params.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIB_MAX 35 /* fib(35) is ~30M calls, well under a second: no runaway requests */
#define JSON_ITEMS 10000

/* Authors with post count and total views (the /io/db query), as JSON. */
static json_t *authors_summary(struct _u_response *resp, struct app *app) {
    struct db_conn *c = db_acquire(app->db);
    if (c == NULL) {
        reply_unavailable(resp, "database");
        return NULL;
    }
    PGresult *r = db_run(c, STMT_IO_DB, 0, NULL);
    json_t *arr = NULL;
    if (!db_ok(r)) {
        reply_db_failure(resp, c, r);
    } else {
        arr = json_array();
        for (int i = 0; i < PQntuples(r); i++) {
            json_t *o = json_object();
            json_object_set_new(o, "id", db_value(r, i, 0));
            json_object_set_new(o, "name", db_value(r, i, 1));
            json_object_set_new(o, "email", db_value(r, i, 2));
            json_object_set_new(o, "post_count", db_value(r, i, 3));
            json_object_set_new(o, "total_views", db_value(r, i, 4));
            json_array_append_new(arr, o);
        }
    }
    PQclear(r);
    db_release(app->db, c);
    return arr;
}

HANDLER(h_io_db) {
    (void)req;
    json_t *arr = authors_summary(resp, app);
    if (arr == NULL)
        return U_CALLBACK_COMPLETE;
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer((json_int_t)json_array_size(arr)));
    json_object_set_new(o, "authors", arr);
    return reply_json(resp, 200, o);
}

/* Deliberately naive: the point is CPU work per request. */
static long long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

HANDLER(h_cpu_fibonacci) {
    (void)app;
    INT_PARAM(n, "n", 0, FIB_MAX, 32);
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer(n));
    json_object_set_new(o, "result", json_integer(fib((int)n)));
    return reply_json(resp, 200, o);
}

HANDLER(h_cpu_hash) {
    (void)req;
    (void)app;
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    struct crypt_data *cd = calloc(1, sizeof *cd); /* ~32 KiB: not on the stack */
    if (cd == NULL || crypt_gensalt_rn("$2b$", 12, NULL, 0, salt, sizeof salt) == NULL) {
        free(cd);
        return reply_error(resp, 500, "internal", "bcrypt salt generation failed");
    }
    const char *h = crypt_r("benchmark-password", salt, cd);
    if (h == NULL || h[0] == '*') {
        free(cd);
        return reply_error(resp, 500, "internal", "bcrypt failed");
    }
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "hash_length", json_integer((json_int_t)strlen(h)));
    free(cd);
    return reply_json(resp, 200, o);
}

HANDLER(h_cpu_json) {
    (void)req;
    (void)app;
    json_t *arr = json_array();
    for (int i = 0; i < JSON_ITEMS; i++) {
        char name[32], email[48];
        snprintf(name, sizeof name, "User %d", i);
        snprintf(email, sizeof email, "user%d@example.com", i);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(i));
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "email", json_string(email));
        json_object_set_new(o, "value", json_real(i * 1.5));
        json_array_append_new(arr, o);
    }
    char *s = json_dumps(arr, JSON_COMPACT);
    size_t bytes = s ? strlen(s) : 0;
    free(s);
    json_decref(arr);
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "items", json_integer(JSON_ITEMS));
    json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
    return reply_json(resp, 200, o);
}

/* Top 10 by `field` (descending, ties by id) as {id, name, field}. */
static json_t *top10(json_t *authors, const char *field) {
    size_t n = json_array_size(authors);
    json_t *top = json_array();
    char *taken = calloc(n ? n : 1, 1);
    for (int k = 0; k < 10 && taken != NULL; k++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (taken[i])
                continue;
            json_t *a = json_array_get(authors, i);
            if (best == n ||
                json_integer_value(json_object_get(a, field)) >
                    json_integer_value(json_object_get(json_array_get(authors, best), field)))
                best = i;
        }
        if (best == n)
            break;
        taken[best] = 1;
        json_t *a = json_array_get(authors, best);
        json_t *o = json_object();
        json_object_set(o, "id", json_object_get(a, "id"));
        json_object_set(o, "name", json_object_get(a, "name"));
        json_object_set(o, field, json_object_get(a, field));
        json_array_append_new(top, o);
    }
    free(taken);
    return top;
}

HANDLER(h_mixed_report) {
    (void)req;
    json_t *arr = authors_summary(resp, app);
    if (arr == NULL)
        return U_CALLBACK_COMPLETE;
    /* A JSON round trip, as a report built from a cached blob would do. */
    char *blob = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    arr = blob ? json_loads(blob, 0, NULL) : NULL;
    size_t blob_bytes = blob ? strlen(blob) : 0;
    free(blob);
    if (arr == NULL)
        return reply_error(resp, 500, "internal", "JSON round trip failed");
    long long posts = 0, views = 0;
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(arr, i);
        posts += json_integer_value(json_object_get(a, "post_count"));
        views += json_integer_value(json_object_get(a, "total_views"));
    }
    json_t *summary = json_object();
    json_object_set_new(summary, "total_authors", json_integer((json_int_t)n));
    json_object_set_new(summary, "total_posts", json_integer(posts));
    json_object_set_new(summary, "total_views", json_integer(views));
    json_object_set_new(summary, "avg_posts_per_author", json_real(n ? (double)posts / n : 0));
    json_object_set_new(summary, "avg_views_per_post",
                        json_real(posts ? (double)views / posts : 0));
    json_object_set_new(summary, "json_bytes", json_integer((json_int_t)blob_bytes));
    json_t *o = json_object();
    json_object_set_new(o, "summary", summary);
    json_object_set_new(o, "top_by_posts", top10(arr, "post_count"));
    json_object_set_new(o, "top_by_views", top10(arr, "total_views"));
    json_decref(arr);
    return reply_json(resp, 200, o);
}
