#include "server/http/front.h"

#include "server/http/access_hook.h"
#include "server/http/conn_guard.h"
#include "server/http/early_error.h"
#include "server/http/fast_routes.h"
#include "server/http/fiber.h"
#include "server/http/mhd_errors.h"
#include "server/http/request_check.h"
#include "server/http/upstream_async.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Written before the daemon starts, read by its threads. */
static size_t max_header = 16 * 1024;
static size_t max_body = 10 * 1024 * 1024;
static int async;

void front_init(size_t limit, size_t body_limit, int async_external) {
    max_header = limit;
    max_body = body_limit;
    async = async_external;
}

unsigned front_header_status(size_t header_size, size_t line_size, size_t limit) {
    if (header_size <= limit)
        return 0;
    return line_size > limit ? 414 : 431;
}

/* Sums "Name: value\r\n" over the header fields. */
static enum MHD_Result add_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size) {
    (void)kind;
    (void)key;
    (void)value;
    *(size_t *)cls += key_size + value_size + 4;
    return MHD_YES;
}

/* Queues the JSON error for status (hint: what early_error_json reads as
 * libmicrohttpd's page) and closes the connection after it. */
static enum MHD_Result queue_early(struct MHD_Connection *conn, unsigned status, const char *hint) {
    char body[256];
    size_t n =
        early_error_json(status, hint, hint ? strlen(hint) : 0, max_header, body, sizeof body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO; /* closes the connection when even this fails */
    if (resp == NULL)
        return ret;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") ==
            MHD_YES &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES)
        ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The 413 for a declared body over --max-body, before any of it is read
 * (libmicrohttpd then drops the connection after the answer). */
static enum MHD_Result queue_too_large(struct MHD_Connection *conn) {
    char body[160];
    int n = snprintf(body, sizeof body,
                     "{\"error\":\"payload_too_large\",\"detail\":\"request body larger than "
                     "%zu bytes\"}",
                     max_body);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    if (resp == NULL)
        return ret;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") ==
            MHD_YES &&
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES)
        ret = MHD_queue_response(conn, 413, resp);
    MHD_destroy_response(resp);
    return ret;
}

struct fields {
    struct rc_field *f;
    size_t n, cap;
    int oom;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size) {
    (void)kind;
    struct fields *fs = cls;
    if (fs->n == fs->cap) {
        size_t cap = fs->cap * 4;
        struct rc_field *f =
            fs->cap > 32 ? realloc(fs->f, cap * sizeof *f) : malloc(cap * sizeof *f);
        if (f == NULL) {
            fs->oom = 1;
            return MHD_NO;
        }
        if (fs->cap <= 32)
            memcpy(f, fs->f, fs->n * sizeof *f);
        fs->f = f;
        fs->cap = cap;
    }
    fs->f[fs->n++] = (struct rc_field){key, value ? value : "", key_size, value_size};
    return MHD_YES;
}

/* The request's first call: RFC 9112's framing rules (http/request_check.h)
 * and the declared body size. 1 when an answer was queued (*ret). */
static int first_call_checks(struct MHD_Connection *conn, const char *method, int *has_body,
                             enum MHD_Result *ret) {
    struct rc_field local[32];
    struct fields fs = {local, 0, 32, 0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect, &fs);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    struct rc_head h = {access_hook_version(), fs.f, fs.n,
                        ci != NULL ? method + ci->header_size : NULL};
    const char *hint = "";
    unsigned status = fs.oom ? 500 : request_check(&h, &hint);
    unsigned long long declared = 0;
    *has_body = 0;
    for (size_t i = 0; status == 0 && i < fs.n; i++) {
        if (fs.f[i].name_len == 14 && strncasecmp(fs.f[i].name, "Content-Length", 14) == 0) {
            /* libmicrohttpd accepted it (all digits, 64 bits), mhd_errors.c */
            declared = strtoull(fs.f[i].value, NULL, 10);
            *has_body = declared > 0;
        } else if (fs.f[i].name_len == 17 &&
                   strncasecmp(fs.f[i].name, "Transfer-Encoding", 17) == 0)
            *has_body = 1;
    }
    if (fs.f != local)
        free(fs.f);
    if (status != 0) {
        *ret = queue_early(conn, status, hint);
        return 1;
    }
    if (declared > max_body) {
        *ret = queue_too_large(conn);
        return 1;
    }
    return 0;
}

/* 1 when the request is over the limit: the error is queued (*ret). */
static int over_limit(struct MHD_Connection *conn, enum MHD_Result *ret) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (ci == NULL || ci->header_size <= max_header)
        return 0;
    /* Rare path: tell a long request line from many or long fields. The raw
     * block is the request line, the fields, and an empty line. */
    size_t fields = 0;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, add_field, &fields);
    size_t line = ci->header_size > fields + 2 ? ci->header_size - fields - 2 : 0;
    *ret = queue_early(conn, front_header_status(ci->header_size, line, max_header), NULL);
    return 1;
}

int front_access(struct MHD_Connection *conn, const char *url, const char *method,
                 const char *upload_data, size_t *upload_data_size, void **con_cls,
                 enum MHD_Result *ret) {
    /* Calls without body bytes are the first and the last of a request;
     * once an answer is queued libmicrohttpd makes no further calls. */
    if (*upload_data_size == 0) {
        unsigned bad = mhd_errors_take_bad_length(conn);
        if (bad != 0) {
            *ret = queue_early(conn, bad, "Content-Length");
            return 1;
        }
        if (over_limit(conn, ret))
            return 1;
        int first = conn_guard_begin(conn);
        if (first != 0) { /* -1: not guarded, check every call without body bytes */
            int has_body = 0;
            if (first_call_checks(conn, method, &has_body, ret))
                return 1;
            if (first > 0 && has_body)
                conn_guard_expect_body(conn);
        } else
            conn_guard_body_done(conn);
    }
    if (fast_routes_access(conn, method, upload_data, upload_data_size, con_cls, ret))
        return 1;
    if (async &&
        upstream_async_access(conn, url, method, upload_data, upload_data_size, con_cls, ret))
        return 1;
    return fiber_access(conn, url, method, upload_data, upload_data_size, con_cls, ret);
}
