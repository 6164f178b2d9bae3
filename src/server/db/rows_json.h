/* PGresult rows written straight to JSON text (no intermediate jansson
 * objects): the hot path of /users, /users/offset|cursor and
 * /column-overhead. Same typing rules as db/rows.h. */
#ifndef BENCHLAB_SERVER_DB_ROWS_JSON_H
#define BENCHLAB_SERVER_DB_ROWS_JSON_H

#include <libpq-fe.h>
#include <stddef.h>

struct strbuf {
    char *p;
    size_t len, cap;
    int failed; /* an allocation failed; p is then unusable */
};

void sb_put(struct strbuf *s, const char *str, size_t n);
void sb_puts(struct strbuf *s, const char *str);
/* A JSON string literal with the escapes JSON requires. */
void sb_json_string(struct strbuf *s, const char *str, size_t n);
/* Rows [first, last) as a JSON array of objects. */
void sb_rows(struct strbuf *s, const PGresult *r, int first, int last);

#endif
