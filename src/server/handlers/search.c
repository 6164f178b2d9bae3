/* GET /search/posts (scenario 19): the same search three ways over
 * search_posts.body — like: ILIKE '%q%' (a scan), trgm: lower(body) LIKE
 * lower('%q%') (the pg_trgm GIN index on lower(body)), fts: the tsvector
 * column and its GIN index with websearch_to_tsquery('english', q). */
#include "server/handlers/search_flow.h"

#include "server/db/rows_json.h"
#include "server/handlers/dbutil.h"
#include "server/handlers/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q_MAX_CHARS 100

size_t utf8_chars(const char *s, size_t n) {
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

int like_pattern(const char *s, char *out, size_t outlen) {
    size_t o = 0;
    if (outlen < 3)
        return -1;
    out[o++] = '%';
    for (; *s; s++) {
        if (o + 4 > outlen)
            return -1;
        if (*s == '\\' || *s == '%' || *s == '_')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o++] = '%';
    out[o] = '\0';
    return 0;
}

/* Valid UTF-8 without control characters. */
static int plain_text(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7F)
            return 0;
        int extra = *p < 0x80             ? 0
                    : (*p & 0xE0) == 0xC0 ? 1
                    : (*p & 0xF0) == 0xE0 ? 2
                    : (*p & 0xF8) == 0xF0 ? 3
                                          : -1;
        if (extra < 0 || (extra == 1 && *p < 0xC2))
            return 0;
        p++;
        for (int k = 0; k < extra; k++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

HANDLER(h_search_posts) {
    const char *q = req_param(req, "q");
    const char *method = req_param(req, "method");
    INT_PARAM(limit, "limit", 1, 100, 20);
    if (q == NULL || *q == '\0')
        return reply_error(resp, 422, "validation_error", "q is required (1 to %d characters)",
                           Q_MAX_CHARS);
    size_t qlen = strlen(q);
    if (!plain_text(q) || utf8_chars(q, qlen) > Q_MAX_CHARS)
        return reply_error(resp, 422, "validation_error",
                           "q must be 1 to %d characters of text (UTF-8, no control characters)",
                           Q_MAX_CHARS);
    enum stmt_id id;
    if (method == NULL)
        return reply_error(resp, 422, "validation_error", "method is required: like, trgm or fts");
    else if (strcmp(method, "like") == 0)
        id = STMT_SEARCH_LIKE;
    else if (strcmp(method, "trgm") == 0)
        id = STMT_SEARCH_TRGM;
    else if (strcmp(method, "fts") == 0)
        id = STMT_SEARCH_FTS;
    else
        return reply_error(resp, 422, "validation_error", "method must be one of like, trgm, fts");
    char pattern[2 * 4 * Q_MAX_CHARS + 8], lim[24];
    if (id != STMT_SEARCH_FTS && like_pattern(q, pattern, sizeof pattern) != 0)
        return reply_error(resp, 422, "validation_error", "q is too long");
    snprintf(lim, sizeof lim, "%lld", limit);
    const char *p[] = {id == STMT_SEARCH_FTS ? q : pattern, lim};
    ACQUIRE_DB(c);
    PGresult *r = db_run(c, id, 2, p);
    int rc;
    if (!db_ok(r)) {
        rc = reply_db_failure(resp, c, r);
    } else {
        struct strbuf sb = {0};
        char head[64];
        snprintf(head, sizeof head, "{\"method\":\"%s\",\"q\":", method);
        sb_puts(&sb, head);
        sb_json_string(&sb, q, qlen);
        snprintf(head, sizeof head, ",\"count\":%d,\"items\":", PQntuples(r));
        sb_puts(&sb, head);
        sb_rows(&sb, r, 0, PQntuples(r));
        sb_puts(&sb, "}");
        rc = reply_json_text(resp, 200, sb.failed ? (free(sb.p), NULL) : sb.p, sb.len);
    }
    PQclear(r);
    db_release(app->db, c);
    return rc;
}
