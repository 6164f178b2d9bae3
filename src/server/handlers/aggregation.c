/* /aggregation: the statements an ORM would emit ("orm": several queries
 * merged in C) versus one hand-written statement ("raw") (scenario 18). */
#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "orm" -> 0, "raw" -> 1, else -1. */
static int mode_of(const struct _u_request *req) {
    const char *m = req_param(req, "mode");
    if (m != NULL && strcmp(m, "orm") == 0)
        return 0;
    if (m != NULL && strcmp(m, "raw") == 0)
        return 1;
    return -1;
}

HANDLER(h_agg_count) {
    int raw = mode_of(req);
    if (raw < 0)
        return reply_error(resp, 404, "not_found", "mode must be orm or raw");
    ACQUIRE_DB(c);
    long long v[3] = {0, 0, 0};
    PGresult *fail = NULL;
    if (raw) {
        PGresult *r = db_run(c, STMT_AGG_COUNT_ALL, 0, NULL);
        if (db_ok(r)) {
            for (int i = 0; i < 3; i++)
                v[i] = db_ll(r, 0, i);
            PQclear(r);
        } else {
            fail = r;
        }
    } else {
        const enum stmt_id ids[3] = {STMT_AGG_COUNT_STAR, STMT_AGG_COUNT_ID,
                                     STMT_AGG_COUNT_DISTINCT};
        for (int i = 0; i < 3 && fail == NULL; i++) {
            PGresult *r = db_run(c, ids[i], 0, NULL);
            if (db_ok(r)) {
                v[i] = db_ll(r, 0, 0);
                PQclear(r);
            } else {
                fail = r;
            }
        }
    }
    int rc;
    if (fail != NULL || db_conn_lost(c)) {
        rc = reply_db_failure(resp, c, fail);
    } else {
        json_t *o = json_object();
        json_object_set_new(o, "count_star", json_integer(v[0]));
        json_object_set_new(o, "count_id", json_integer(v[1]));
        json_object_set_new(o, "count_distinct_status", json_integer(v[2]));
        rc = reply_json(resp, 200, o);
    }
    PQclear(fail);
    db_release(app->db, c);
    return rc;
}

/* Shared by the country and author stats: the statements and the output field
 * names of (key, label, count, total, avg); label is NULL for countries. */
struct stats_shape {
    enum stmt_id counts, sums, raw;
    const char *key, *label, *count, *total, *avg;
};

static json_t *stats_row(const struct stats_shape *s, json_t *key, json_t *label, json_t *count,
                         json_t *total, json_t *avg) {
    json_t *o = json_object();
    json_object_set_new(o, s->key, key);
    if (s->label != NULL)
        json_object_set_new(o, s->label, label);
    json_object_set_new(o, s->count, count);
    json_object_set_new(o, s->total, total);
    json_object_set_new(o, s->avg, avg);
    return o;
}

/* Appends v as an element of a PostgreSQL array literal ("{...}"), quoted. */
static int append_elem(char **buf, size_t *len, size_t *cap, const char *v) {
    size_t need = *len + strlen(v) * 2 + 4;
    if (need > *cap) {
        size_t nc = need * 2;
        char *nb = realloc(*buf, nc);
        if (nb == NULL)
            return -1;
        *buf = nb;
        *cap = nc;
    }
    char *p = *buf + *len;
    if (*len > 1)
        *p++ = ',';
    *p++ = '"';
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            *p++ = '\\';
        *p++ = *v;
    }
    *p++ = '"';
    *p = '\0';
    *len = (size_t)(p - *buf);
    return 0;
}

static int stats(const struct _u_request *req, struct _u_response *resp, struct app *app,
                 const struct stats_shape *s) {
    int raw = mode_of(req);
    if (raw < 0)
        return reply_error(resp, 404, "not_found", "mode must be orm or raw");
    INT_PARAM(limit, "limit", 1, 1000, 10);
    char lim[24];
    snprintf(lim, sizeof lim, "%lld", limit);
    const char *p[] = {lim};
    int has_label = s->label != NULL;
    ACQUIRE_DB(c);
    json_t *out = json_array();
    PGresult *fail = NULL;
    if (raw) {
        /* key, [label], count, sum, avg */
        PGresult *r = db_run(c, s->raw, 1, p);
        if (db_ok(r)) {
            int b = has_label;
            for (int i = 0; i < PQntuples(r); i++)
                json_array_append_new(out, stats_row(s, db_value(r, i, 0),
                                                     has_label ? db_value(r, i, 1) : NULL,
                                                     db_value(r, i, 1 + b), db_value(r, i, 2 + b),
                                                     db_value(r, i, 3 + b)));
            PQclear(r);
        } else {
            fail = r;
        }
    } else {
        /* 1: the ordered groups with their counts; 2: sums and averages of those groups. */
        PGresult *groups = db_run(c, s->counts, 1, p);
        PGresult *sums = NULL;
        char *arr = NULL;
        size_t len = 1, cap = 256;
        if (db_ok(groups) && (arr = malloc(cap)) != NULL) {
            strcpy(arr, "{");
            int ok = 1;
            for (int i = 0; i < PQntuples(groups) && ok; i++)
                ok = append_elem(&arr, &len, &cap, PQgetvalue(groups, i, 0)) == 0;
            if (ok && len + 2 <= cap) {
                strcat(arr, "}");
                const char *sp[] = {arr};
                sums = db_run(c, s->sums, 1, sp);
            }
        }
        if (!db_ok(groups)) {
            fail = groups;
            groups = NULL;
        } else if (!db_ok(sums)) {
            fail = sums;
            sums = NULL;
        } else {
            int b = has_label;
            for (int i = 0; i < PQntuples(groups); i++) {
                const char *key = PQgetvalue(groups, i, 0);
                int k = 0;
                while (k < PQntuples(sums) && strcmp(PQgetvalue(sums, k, 0), key) != 0)
                    k++;
                json_t *total = k < PQntuples(sums) ? db_value(sums, k, 1) : json_integer(0);
                json_t *avg = k < PQntuples(sums) ? db_value(sums, k, 2) : json_real(0);
                json_array_append_new(out, stats_row(s, db_value(groups, i, 0),
                                                     has_label ? db_value(groups, i, 1) : NULL,
                                                     db_value(groups, i, 1 + b), total, avg));
            }
        }
        free(arr);
        PQclear(groups);
        PQclear(sums);
    }
    int rc;
    if (fail != NULL || db_conn_lost(c)) {
        json_decref(out);
        rc = reply_db_failure(resp, c, fail);
    } else {
        rc = reply_json(resp, 200, out);
    }
    PQclear(fail);
    db_release(app->db, c);
    return rc;
}

HANDLER(h_agg_country) {
    static const struct stats_shape s = {STMT_AGG_COUNTRY_COUNTS,
                                         STMT_AGG_COUNTRY_SUMS,
                                         STMT_AGG_COUNTRY_RAW,
                                         "country",
                                         NULL,
                                         "user_count",
                                         "total_logins",
                                         "avg_logins"};
    return stats(req, resp, app, &s);
}

HANDLER(h_agg_author) {
    static const struct stats_shape s = {
        STMT_AGG_AUTHOR_COUNTS, STMT_AGG_AUTHOR_SUMS, STMT_AGG_AUTHOR_RAW, "author_id",
        "author_name",          "post_count",         "total_views",       "avg_views"};
    return stats(req, resp, app, &s);
}
