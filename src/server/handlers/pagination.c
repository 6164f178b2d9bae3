/* /users/offset and /users/cursor over users_pagination (scenario 09). */
#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/handlers/params.h"

#include <stdio.h>

HANDLER(h_users_offset) {
    INT_PARAM(page, "page", 1, 1000000000LL, 1);
    INT_PARAM(size, "size", 1, 100, 20);
    char lim[24], off[24];
    snprintf(lim, sizeof lim, "%lld", size);
    snprintf(off, sizeof off, "%lld", (page - 1) * size);
    const char *p[] = {lim, off};
    ACQUIRE_DB(c);
    PGresult *items = db_run(c, STMT_PAGE_OFFSET, 2, p);
    PGresult *count = db_ok(items) ? db_run(c, STMT_PAGE_COUNT, 0, NULL) : NULL;
    int rc;
    if (!db_ok(items) || !db_ok(count)) {
        rc = reply_db_failure(resp, c, db_ok(items) ? count : items);
    } else {
        long long total = db_ll(count, 0, 0);
        json_t *o = json_object();
        json_object_set_new(o, "items", db_rows(items));
        json_object_set_new(o, "total", json_integer(total));
        json_object_set_new(o, "page", json_integer(page));
        json_object_set_new(o, "size", json_integer(size));
        json_object_set_new(o, "total_pages", json_integer((total + size - 1) / size));
        rc = reply_json(resp, 200, o);
    }
    PQclear(items);
    PQclear(count);
    db_release(app->db, c);
    return rc;
}

HANDLER(h_users_cursor) {
    INT_PARAM(cursor, "cursor", 0, 2147483647LL, 0);
    INT_PARAM(size, "size", 1, 100, 20);
    char cur[24], lim[24];
    snprintf(cur, sizeof cur, "%lld", cursor);
    snprintf(lim, sizeof lim, "%lld", size + 1); /* one extra row says whether more follow */
    const char *p[] = {cur, lim};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, STMT_PAGE_CURSOR, 2, p);
    int rc;
    if (!db_ok(r)) {
        rc = reply_db_failure(resp, c, r);
    } else {
        int n = PQntuples(r);
        int shown = n > size ? (int)size : n;
        json_t *items = json_array();
        for (int i = 0; i < shown; i++)
            json_array_append_new(items, db_row(r, i));
        json_t *o = json_object();
        json_object_set_new(o, "items", items);
        json_object_set_new(o, "next_cursor",
                            n > size ? json_integer(db_ll(r, shown - 1, 0)) : json_null());
        json_object_set_new(o, "size", json_integer(size));
        rc = reply_json(resp, 200, o);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
