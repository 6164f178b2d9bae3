#include "server/http/upstream_answer.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static unsigned serialize(json_t *o, unsigned status, char **body, size_t *len) {
    *body = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    *len = *body ? strlen(*body) : 0;
    json_decref(o);
    return status;
}

static unsigned error(unsigned status, const char *error, const char *detail, char **body,
                      size_t *len) {
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(error));
    json_object_set_new(o, "detail", json_string(detail));
    return serialize(o, status, body, len);
}

unsigned upstream_answer(const struct upstream_result *r, double latency_ms, char **body,
                         size_t *len) {
    char detail[256];
    if (r->code == CURLE_OPERATION_TIMEDOUT) {
        snprintf(detail, sizeof detail, "upstream did not answer within %ld ms",
                 (long)UPSTREAM_TIMEOUT_MS);
        return error(504, "gateway_timeout", detail, body, len);
    }
    if (r->code == CURLE_ABORTED_BY_CALLBACK)
        return error(503, "service_unavailable", "server shutting down", body, len);
    if (r->too_large) {
        snprintf(detail, sizeof detail, "upstream answered more than %d bytes", UPSTREAM_MAX_BYTES);
        return error(502, "bad_gateway", detail, body, len);
    }
    if (r->code != CURLE_OK) {
        snprintf(detail, sizeof detail, "upstream: %s", curl_easy_strerror(r->code));
        return error(502, "bad_gateway", detail, body, len);
    }
    if (r->status < 200 || r->status > 299) {
        snprintf(detail, sizeof detail, "upstream answered HTTP %ld", r->status);
        return error(502, "bad_gateway", detail, body, len);
    }
    json_t *data = r->len == 0 ? json_null() : json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
    if (data == NULL)
        return error(502, "bad_gateway", "upstream answered something not JSON", body, len);
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string("upstream"));
    json_object_set_new(o, "latency_ms", json_real(latency_ms));
    json_object_set_new(o, "data", data);
    return serialize(o, 200, body, len);
}
