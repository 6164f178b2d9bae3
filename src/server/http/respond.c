#include "server/http/respond.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/db/pool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int reply_json(struct _u_response *resp, unsigned status, json_t *body) {
    size_t len;
    char *s = json_text(body, &len);
    resp->status = status;
    u_map_put(resp->map_header, "Content-Type", "application/json");
    if (s == NULL) {
        resp->status = 500;
        s = strdup("{\"error\":\"internal\",\"detail\":\"out of memory\"}");
        len = s ? strlen(s) : 0;
    }
    /* Hand the buffer to ulfius (it frees binary_body with free()); no copy. */
    free(resp->binary_body);
    resp->binary_body = s;
    resp->binary_body_length = len;
    return U_CALLBACK_COMPLETE;
}

int reply_json_text(struct _u_response *resp, unsigned status, char *buf, size_t len) {
    if (buf == NULL)
        return reply_error(resp, 500, "internal", "out of memory");
    resp->status = status;
    u_map_put(resp->map_header, "Content-Type", "application/json");
    free(resp->binary_body);
    resp->binary_body = buf;
    resp->binary_body_length = len;
    return U_CALLBACK_COMPLETE;
}

json_t *error_json(const char *error, const char *detail) {
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(error));
    /* json_string rejects invalid UTF-8 (a detail may quote client bytes). */
    json_t *d = json_string(detail);
    json_object_set_new(o, "detail", d ? d : json_string("(detail not valid UTF-8)"));
    return o;
}

char *json_text(json_t *body, size_t *len) {
    char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    json_decref(body);
    *len = s ? strlen(s) : 0;
    return s;
}

int reply_error(struct _u_response *resp, unsigned status, const char *error, const char *fmt,
                ...) {
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return reply_json(resp, status, error_json(error, detail));
}

int reply_unavailable(struct _u_response *resp, const char *what) {
    return reply_error(resp, 503, "service_unavailable", "%s unavailable", what);
}

int reply_db_failure(struct _u_response *resp, struct db_conn *c, const PGresult *r) {
    if (db_conn_lost(c))
        return reply_unavailable(resp, "database");
    const char *msg = r ? PQresultErrorMessage(r) : "no result";
    LOG_E("postgres: %s", msg);
    return reply_error(resp, 500, "internal", "database error (SQLSTATE %s)", db_sqlstate(r));
}

int reply_no_content(struct _u_response *resp) {
    resp->status = 204;
    return U_CALLBACK_COMPLETE;
}

const char *req_param(const struct _u_request *req, const char *name) {
    return u_map_get(req->map_url, name);
}

const char *req_header(const struct _u_request *req, const char *name) {
    return u_map_get_case(req->map_header, name);
}

double elapsed_ms(uint64_t start_ns) {
    return (double)(clock_mono_ns() - start_ns) / 1e6;
}
