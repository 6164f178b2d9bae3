#include "server/db/rows_json.h"

#include "server/db/pg_types.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct strbuf *s, size_t need) {
    if (s->failed)
        return -1;
    if (s->len + need + 1 <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + need + 1)
        cap *= 2;
    char *p = realloc(s->p, cap);
    if (p == NULL) {
        s->failed = 1;
        return -1;
    }
    s->p = p;
    s->cap = cap;
    return 0;
}

void sb_put(struct strbuf *s, const char *str, size_t n) {
    if (grow(s, n) != 0)
        return;
    memcpy(s->p + s->len, str, n);
    s->len += n;
    s->p[s->len] = '\0';
}

void sb_puts(struct strbuf *s, const char *str) {
    sb_put(s, str, strlen(str));
}

/* 1 for the bytes JSON strings must escape. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1 /* " */, ['\\'] = 1};

/* Whether any of the 8 bytes in w is below 0x20, '"' or '\\' (the classic
 * "has a zero byte" bit trick on w, w ^ '"'x8 and w ^ '\\'x8). Exact as a
 * yes/no answer; the byte loop then finds which. */
static int word_needs_escape(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t below_space = (w - ones * 0x20) & ~w;
    uint64_t quote = (q - ones) & ~q, backslash = (b - ones) & ~b;
    return ((below_space | quote | backslash) & highs) != 0;
}

/* The end of the run of bytes from i that need no escape: 8 at a time, then
 * byte by byte (most strings are plain: names, emails, timestamps). */
static size_t plain_run(const char *str, size_t i, size_t n) {
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, str + i, 8);
        if (word_needs_escape(w))
            break;
        i += 8;
    }
    while (i < n && !needs_escape[(unsigned char)str[i]])
        i++;
    return i;
}

void sb_json_string(struct strbuf *s, const char *str, size_t n) {
    /* Worst case every byte becomes \u00XX. */
    if (grow(s, n * 6 + 2) != 0)
        return;
    static const char hex[] = "0123456789abcdef";
    char *o = s->p + s->len;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        /* Copy the run of bytes that need no escape in one go. */
        size_t run = plain_run(str, i, n);
        memcpy(o, str + i, run - i);
        o += run - i;
        if (run == n)
            break;
        unsigned char c = (unsigned char)str[run];
        *o++ = '\\';
        if (c == '"' || c == '\\')
            *o++ = (char)c;
        else if (c == '\n')
            *o++ = 'n';
        else if (c == '\r')
            *o++ = 'r';
        else if (c == '\t')
            *o++ = 't';
        else {
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
        i = run + 1;
    }
    *o++ = '"';
    s->len = (size_t)(o - s->p);
    s->p[s->len] = '\0';
}

/* A number PostgreSQL printed; NaN and infinities are not JSON: null. */
static void number(struct strbuf *s, const char *v, size_t n) {
    if (n == 0 || v[0] == 'N' || v[0] == 'I' || (v[0] == '-' && n > 1 && v[1] == 'I'))
        sb_put(s, "null", 4);
    else
        sb_put(s, v, n);
}

/* One value of a column whose type OID is known. */
static void value(struct strbuf *s, const PGresult *r, int row, int col, Oid type) {
    if (PQgetisnull(r, row, col)) {
        sb_put(s, "null", 4);
        return;
    }
    const char *v = PQgetvalue(r, row, col);
    size_t n = (size_t)PQgetlength(r, row, col);
    switch (type) {
    case OID_BOOL:
        sb_puts(s, v[0] == 't' ? "true" : "false");
        return;
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        number(s, v, n);
        return;
    case OID_JSON:
    case OID_JSONB:
        sb_put(s, v, n); /* PostgreSQL only stores valid JSON */
        return;
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ: {
        size_t before = s->len;
        sb_json_string(s, v, n);
        if (!s->failed) {
            char *sp = memchr(s->p + before, ' ', s->len - before);
            if (sp != NULL)
                *sp = 'T';
        }
        return;
    }
    default:
        sb_json_string(s, v, n);
    }
}

#define MAX_COLS 128

void sb_rows(struct strbuf *s, const PGresult *r, int first, int last) {
    int nf = PQnfields(r);
    if (nf > MAX_COLS)
        nf = MAX_COLS;
    /* Column keys ("name": with its comma) and types, once per result. */
    struct strbuf keys = {0};
    size_t key_off[MAX_COLS + 1];
    Oid types[MAX_COLS];
    for (int c = 0; c < nf; c++) {
        key_off[c] = keys.len;
        if (c > 0)
            sb_put(&keys, ",", 1);
        const char *name = PQfname(r, c);
        sb_json_string(&keys, name, strlen(name));
        sb_put(&keys, ":", 1);
        types[c] = PQftype(r, c);
    }
    key_off[nf] = keys.len;
    if (keys.failed) {
        s->failed = 1;
        free(keys.p);
        return;
    }
    /* A first guess of the size saves most reallocations. */
    grow(s, (size_t)(last - first) * (keys.len + 64) + 2);
    sb_put(s, "[", 1);
    for (int row = first; row < last; row++) {
        sb_put(s, row > first ? ",{" : "{", row > first ? 2 : 1);
        for (int c = 0; c < nf; c++) {
            sb_put(s, keys.p + key_off[c], key_off[c + 1] - key_off[c]);
            value(s, r, row, c, types[c]);
        }
        sb_put(s, "}", 1);
    }
    sb_put(s, "]", 1);
    free(keys.p);
}
