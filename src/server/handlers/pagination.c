/* /users/offset and /users/cursor over users_pagination (scenario 09). */
#include "server/handlers/dbutil.h"

#include "server/db/rows.h"
#include "server/db/rows_json.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>

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
        struct strbuf sb = {0};
        char tail[160];
        sb_puts(&sb, "{\"items\":");
        sb_rows(&sb, items, 0, PQntuples(items));
        snprintf(tail, sizeof tail,
                 ",\"total\":%lld,\"page\":%lld,\"size\":%lld,\"total_pages\":%lld}", total, page,
                 size, (total + size - 1) / size);
        sb_puts(&sb, tail);
        rc = reply_json_text(resp, 200, sb.failed ? (free(sb.p), NULL) : sb.p, sb.len);
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
        struct strbuf sb = {0};
        char tail[96], next[24] = "null";
        if (n > size)
            snprintf(next, sizeof next, "%lld", db_ll(r, shown - 1, 0));
        sb_puts(&sb, "{\"items\":");
        sb_rows(&sb, r, 0, shown);
        snprintf(tail, sizeof tail, ",\"next_cursor\":%s,\"size\":%lld}", next, size);
        sb_puts(&sb, tail);
        rc = reply_json_text(resp, 200, sb.failed ? (free(sb.p), NULL) : sb.p, sb.len);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
