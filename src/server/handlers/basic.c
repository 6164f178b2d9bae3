/* /health, /echo, /upload: no database. */
#include "server/handlers/handlers.h"

#include "server/http/respond.h"
#include "server/parse/json_body.h"
#include "server/parse/multipart.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* /health's body is built once: it is the endpoint where a serializer call shows. */
static char *health_body;
static size_t health_len;
static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;

HANDLER(h_health) {
    (void)req;
    pthread_mutex_lock(&health_mu);
    if (health_body == NULL) {
        json_t *o = json_object();
        json_object_set_new(o, "status", json_string("ok"));
        json_object_set_new(o, "server", json_string(app->cfg->name));
        health_body = json_dumps(o, JSON_COMPACT);
        health_len = health_body ? strlen(health_body) : 0;
        json_decref(o);
    }
    char *copy = health_body ? malloc(health_len + 1) : NULL;
    if (copy != NULL)
        memcpy(copy, health_body, health_len + 1);
    pthread_mutex_unlock(&health_mu);
    return reply_json_text(resp, 200, copy, health_len);
}

HANDLER(h_echo) {
    (void)app;
    json_t *message, *data;
    char err[256];
    if (parse_echo_body(req->binary_body, req->binary_body_length, &message, &data, err,
                        sizeof err) != 0)
        return reply_error(resp, 422, "validation_error", "%s", err);
    json_t *o = json_object();
    json_object_set_new(o, "message", message);
    json_object_set_new(o, "data", data);
    return reply_json(resp, 200, o);
}

HANDLER(h_upload) {
    (void)app;
    char boundary[128], err[256];
    const char *ct = req_header(req, "Content-Type");
    if (multipart_boundary(ct, boundary, sizeof boundary) != 0)
        return reply_error(resp, 422, "validation_error",
                           "Content-Type must be multipart/form-data with a boundary");
    struct multipart_part part;
    int rc = multipart_find(req->binary_body, req->binary_body_length, boundary, "file", &part, err,
                            sizeof err);
    if (rc < 0)
        return reply_error(resp, 422, "validation_error", "%s", err);
    if (rc == 0 || !part.has_filename)
        return reply_error(resp, 422, "validation_error", "form field 'file' (a file) is required");
    json_t *o = json_object();
    json_t *fn = json_string(part.filename);
    json_t *ctj =
        json_string(part.content_type[0] ? part.content_type : "application/octet-stream");
    if (fn == NULL || ctj == NULL) {
        json_decref(o);
        json_decref(fn);
        json_decref(ctj);
        return reply_error(resp, 422, "validation_error",
                           "filename and content type must be UTF-8");
    }
    json_object_set_new(o, "filename", fn);
    json_object_set_new(o, "size", json_integer((json_int_t)part.size));
    json_object_set_new(o, "content_type", ctj);
    return reply_json(resp, 200, o);
}
