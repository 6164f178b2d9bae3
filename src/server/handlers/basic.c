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

const char *health_text(const struct app *app, size_t *len) {
    pthread_mutex_lock(&health_mu);
    if (health_body == NULL) {
        json_t *o = json_object();
        json_object_set_new(o, "status", json_string("ok"));
        json_object_set_new(o, "server", json_string(app->cfg->name));
        health_body = json_dumps(o, JSON_COMPACT);
        health_len = health_body ? strlen(health_body) : 0;
        json_decref(o);
    }
    pthread_mutex_unlock(&health_mu);
    *len = health_len;
    return health_body; /* kept for the process' life */
}

HANDLER(h_health) {
    (void)req;
    size_t len;
    const char *body = health_text(app, &len);
    char *copy = body ? malloc(len + 1) : NULL;
    if (copy != NULL)
        memcpy(copy, body, len + 1);
    return reply_json_text(resp, 200, copy, len);
}

json_t *echo_answer(const char *body, size_t len, unsigned *status) {
    json_t *message, *data;
    char err[256];
    if (parse_echo_body(body, len, &message, &data, err, sizeof err) != 0) {
        *status = 422;
        return error_json("validation_error", err);
    }
    json_t *o = json_object();
    json_object_set_new(o, "message", message);
    json_object_set_new(o, "data", data);
    *status = 200;
    return o;
}

HANDLER(h_echo) {
    (void)app;
    unsigned status;
    json_t *o = echo_answer(req->binary_body, req->binary_body_length, &status);
    return reply_json(resp, status, o);
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
