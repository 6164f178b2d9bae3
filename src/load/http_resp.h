/* Incremental HTTP/1.1 response parser: status line, headers (Content-Length,
 * Transfer-Encoding: chunked, Connection), bodies by length, chunked or until
 * close. Feed it bytes as they arrive; it never needs the whole response. */
#ifndef BENCHLAB_LOAD_HTTP_RESP_H
#define BENCHLAB_LOAD_HTTP_RESP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX 8192             /* longest status/header/chunk-size line */
#define HTTP_BODY_KEEP_MAX (64u << 20) /* cap of a stored body */

enum http_result { HTTP_MORE = 0, HTTP_DONE = 1, HTTP_ERROR = -1 };

typedef struct http_resp {
    int state;
    int status;
    int minor; /* HTTP/1.<minor> */
    int chunked;
    int conn_close;         /* server will close after this response */
    int keepalive_hdr;      /* "Connection: keep-alive" seen (HTTP/1.0) */
    int head;               /* response to HEAD: no body */
    int keep_body;          /* store the body in body/body_len */
    int64_t content_length; /* -1 unknown */
    uint64_t remaining;     /* bytes left in body or chunk */
    uint64_t body_bytes;    /* body bytes seen (decoded) */
    char line[HTTP_LINE_MAX];
    size_t line_len;
    char *body;
    size_t body_len, body_cap;
    const char *error; /* static text when HTTP_ERROR */
} http_resp_t;

void http_resp_init(http_resp_t *r);
/* Prepares for the next response; keeps the body buffer allocation. */
void http_resp_reset(http_resp_t *r, int head_request, int keep_body);
void http_resp_free(http_resp_t *r);
/* Consumes bytes; *used says how many (less than len only when done). */
int http_resp_feed(http_resp_t *r, const char *data, size_t len, size_t *used);
/* The peer closed: HTTP_DONE if the response was delimited by close, else HTTP_ERROR. */
int http_resp_eof(http_resp_t *r);
/* Nothing of this response has been received yet. */
int http_resp_untouched(const http_resp_t *r);

#endif
