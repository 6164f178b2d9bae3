#include "load/http_resp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"

enum {
    S_STATUS,
    S_HEADER,
    S_BODY_LEN,
    S_CHUNK_SIZE,
    S_CHUNK_DATA,
    S_CHUNK_CRLF,
    S_TRAILER,
    S_BODY_CLOSE,
    S_DONE,
    S_ERROR
};

void http_resp_init(http_resp_t *r) {
    memset(r, 0, sizeof *r);
    http_resp_reset(r, 0, 0);
}

void http_resp_reset(http_resp_t *r, int head_request, int keep_body) {
    r->state = S_STATUS;
    r->status = 0;
    r->minor = 1;
    r->chunked = 0;
    r->conn_close = 0;
    r->keepalive_hdr = 0;
    r->head = head_request;
    r->keep_body = keep_body;
    r->content_length = -1;
    r->remaining = 0;
    r->body_bytes = 0;
    r->line_len = 0;
    r->body_len = 0;
    if (r->body)
        r->body[0] = '\0';
    r->error = NULL;
}

void http_resp_free(http_resp_t *r) {
    free(r->body);
    r->body = NULL;
    r->body_cap = r->body_len = 0;
}

int http_resp_untouched(const http_resp_t *r) {
    return r->state == S_STATUS && r->line_len == 0;
}

static int fail(http_resp_t *r, const char *why) {
    r->state = S_ERROR;
    r->error = why;
    return HTTP_ERROR;
}

static int keep(http_resp_t *r, const char *p, size_t n) {
    r->body_bytes += n;
    if (!r->keep_body || n == 0)
        return 0;
    if (r->body_len + n > HTTP_BODY_KEEP_MAX)
        return -1;
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n + 1)
            cap *= 2;
        char *b = xrealloc(r->body, cap);
        if (!b)
            return -1;
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 0;
}

static int parse_status(http_resp_t *r, const char *s, size_t n) {
    /* HTTP/1.x SP 3DIGIT [SP reason] */
    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ')
        return fail(r, "bad status line");
    if (s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9')
        return fail(r, "bad status code");
    if (n > 12 && s[12] != ' ')
        return fail(r, "bad status line");
    r->minor = s[7] - '0';
    r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    r->state = S_HEADER;
    return HTTP_MORE;
}

/* v[0..n) equals the lower-case token tok[0..tn) without regard to case. */
static int token_eq(const char *v, size_t n, const char *tok, size_t tn) {
    return n == tn && strncasecmp(v, tok, tn) == 0;
}
#define TOKEN_EQ(v, n, lit) token_eq(v, n, lit, sizeof lit - 1)

/* The next token of a comma-separated header value from *i on: its bounds in
 * [*start, *end), blanks trimmed. 0 when none is left. */
static int next_token(const char *v, size_t n, size_t *i, size_t *start, size_t *end) {
    while (*i < n && (v[*i] == ' ' || v[*i] == '\t' || v[*i] == ','))
        (*i)++;
    if (*i >= n)
        return 0;
    *start = *i;
    while (*i < n && v[*i] != ',')
        (*i)++;
    *end = *i;
    while (*end > *start && (v[*end - 1] == ' ' || v[*end - 1] == '\t'))
        (*end)--;
    return 1;
}

/* The tokens of a comma-separated Connection value: *close / *keepalive set
 * when "close" / "keep-alive" is among them (one pass). */
static void connection_tokens(const char *v, size_t n, int *close, int *keepalive) {
    size_t i = 0, start, end;
    while (next_token(v, n, &i, &start, &end)) {
        if (TOKEN_EQ(v + start, end - start, "close"))
            *close = 1;
        else if (TOKEN_EQ(v + start, end - start, "keep-alive"))
            *keepalive = 1;
    }
}

/* Does a comma-separated header value contain the token? */
static int has_token(const char *v, size_t n, const char *tok, size_t tn) {
    size_t i = 0, start, end;
    while (next_token(v, n, &i, &start, &end))
        if (token_eq(v + start, end - start, tok, tn))
            return 1;
    return 0;
}

static int end_of_headers(http_resp_t *r) {
    if (r->status >= 100 && r->status < 200) {
        /* interim response (100 Continue): the real one follows */
        r->state = S_STATUS;
        r->chunked = 0;
        r->content_length = -1;
        return HTTP_MORE;
    }
    if (r->minor == 0 && !r->keepalive_hdr)
        r->conn_close = 1;
    if (r->head || r->status == 204 || r->status == 304) {
        r->state = S_DONE;
        return HTTP_DONE;
    }
    if (r->chunked) {
        r->state = S_CHUNK_SIZE;
    } else if (r->content_length >= 0) {
        r->remaining = (uint64_t)r->content_length;
        r->state = r->remaining ? S_BODY_LEN : S_DONE;
        if (r->state == S_DONE)
            return HTTP_DONE;
    } else {
        r->conn_close = 1;
        r->state = S_BODY_CLOSE;
    }
    return HTTP_MORE;
}

static int parse_header(http_resp_t *r, const char *s, size_t n) {
    if (n == 0)
        return end_of_headers(r);
    /* the name: up to the colon, without blanks (one pass) */
    static const unsigned char name_stop[256] = {[':'] = 1, [' '] = 1, ['\t'] = 1};
    size_t name_len = 0;
    while (name_len < n && !name_stop[(unsigned char)s[name_len]])
        name_len++;
    if (name_len < n && s[name_len] != ':')
        return fail(r, memchr(s + name_len, ':', n - name_len) ? "bad header name"
                                                               : "bad header line");
    if (name_len == n || name_len == 0)
        return fail(r, "bad header line");
    const char *v = s + name_len + 1;
    size_t vn = n - name_len - 1;
    /* only three headers matter; their lengths differ from most others' */
    if (name_len != 14 && name_len != 17 && name_len != 10)
        return HTTP_MORE;
    while (vn && (*v == ' ' || *v == '\t'))
        v++, vn--;
    while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
        vn--;
    if (TOKEN_EQ(s, name_len, "content-length")) {
        if (vn == 0 || vn > 18)
            return fail(r, "bad Content-Length");
        int64_t len = 0;
        for (size_t i = 0; i < vn; i++) {
            if (v[i] < '0' || v[i] > '9')
                return fail(r, "bad Content-Length");
            len = len * 10 + (v[i] - '0');
        }
        if (r->content_length >= 0 && r->content_length != len)
            return fail(r, "conflicting Content-Length");
        r->content_length = len;
    } else if (TOKEN_EQ(s, name_len, "transfer-encoding")) {
        if (has_token(v, vn, "chunked", 7))
            r->chunked = 1;
    } else if (TOKEN_EQ(s, name_len, "connection")) {
        connection_tokens(v, vn, &r->conn_close, &r->keepalive_hdr);
    }
    return HTTP_MORE;
}

static int parse_chunk_size(http_resp_t *r, const char *s, size_t n) {
    uint64_t size = 0;
    size_t i = 0;
    for (; i < n; i++) {
        int d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (i >= 15)
            return fail(r, "chunk size too large");
        size = size * 16 + (uint64_t)d;
    }
    if (i == 0 || (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
        return fail(r, "bad chunk size");
    r->remaining = size;
    r->state = size ? S_CHUNK_DATA : S_TRAILER;
    return HTTP_MORE;
}

/* One complete line (without CRLF) in the current line-oriented state. */
static int on_line(http_resp_t *r, const char *s, size_t n) {
    switch (r->state) {
    case S_STATUS:
        return parse_status(r, s, n);
    case S_HEADER:
        return parse_header(r, s, n);
    case S_CHUNK_SIZE:
        return parse_chunk_size(r, s, n);
    case S_CHUNK_CRLF:
        if (n != 0)
            return fail(r, "missing CRLF after chunk");
        r->state = S_CHUNK_SIZE;
        return HTTP_MORE;
    case S_TRAILER:
        if (n == 0) {
            r->state = S_DONE;
            return HTTP_DONE;
        }
        return HTTP_MORE;
    }
    return fail(r, "parser state");
}

static int line_state(int st) {
    return st == S_STATUS || st == S_HEADER || st == S_CHUNK_SIZE || st == S_CHUNK_CRLF ||
           st == S_TRAILER;
}

int http_resp_feed(http_resp_t *r, const char *data, size_t len, size_t *used) {
    size_t i = 0;
    int rc = HTTP_MORE;
    if (r->state == S_ERROR) {
        *used = 0;
        return HTTP_ERROR;
    }
    while (i < len && rc == HTTP_MORE) {
        if (line_state(r->state)) {
            const char *nl = memchr(data + i, '\n', len - i);
            size_t take = nl ? (size_t)(nl - (data + i)) : len - i;
            const char *line;
            size_t n;
            if (r->line_len == 0 && nl) {
                line = data + i; /* whole line in this read: no copy */
                n = take;
            } else {
                if (r->line_len + take > HTTP_LINE_MAX)
                    return fail(r, "line too long"), *used = i, HTTP_ERROR;
                memcpy(r->line + r->line_len, data + i, take);
                r->line_len += take;
                line = r->line;
                n = r->line_len;
            }
            if (!nl) {
                i = len;
                break;
            }
            i += take + 1;
            if (n && line[n - 1] == '\r')
                n--;
            else
                return fail(r, "line not ended by CRLF"), *used = i, HTTP_ERROR;
            r->line_len = 0;
            rc = on_line(r, line, n);
        } else if (r->state == S_BODY_LEN || r->state == S_CHUNK_DATA) {
            size_t n = len - i;
            if (n > r->remaining)
                n = (size_t)r->remaining;
            if (keep(r, data + i, n))
                return fail(r, "body too large"), *used = i, HTTP_ERROR;
            r->remaining -= n;
            i += n;
            if (r->remaining == 0) {
                if (r->state == S_BODY_LEN) {
                    r->state = S_DONE;
                    rc = HTTP_DONE;
                } else {
                    r->state = S_CHUNK_CRLF;
                }
            }
        } else if (r->state == S_BODY_CLOSE) {
            if (keep(r, data + i, len - i))
                return fail(r, "body too large"), *used = i, HTTP_ERROR;
            i = len;
        } else if (r->state == S_DONE) {
            rc = HTTP_DONE;
        } else {
            rc = HTTP_ERROR;
        }
    }
    *used = i;
    if (r->state == S_DONE)
        return HTTP_DONE;
    return rc;
}

int http_resp_eof(http_resp_t *r) {
    if (r->state == S_BODY_CLOSE) {
        r->state = S_DONE;
        return HTTP_DONE;
    }
    if (r->state == S_DONE)
        return HTTP_DONE;
    return fail(r, http_resp_untouched(r) ? "connection closed before a response"
                                          : "connection closed in the middle of a response");
}
