/* The /protected chain, run as separate ulfius callbacks in priority order so
 * the middleware cost is real: request id, logging, auth, then the handler.
 * Logging always formats its line; it is written only when the log level asks. */
#include "server/handlers/handlers.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/http/respond.h"
#include "server/parse/auth_header.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_ulong request_counter;

int mw_request_id(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)data;
    const char *id = req_header(req, "X-Request-Id");
    char gen[32];
    if (id == NULL || *id == '\0' || strlen(id) > 128) {
        snprintf(gen, sizeof gen, "srv-%lu", (unsigned long)atomic_fetch_add(&request_counter, 1));
        id = gen;
    }
    u_map_put(resp->map_header, "X-Request-Id", id);
    return U_CALLBACK_CONTINUE;
}

int mw_log(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)data;
    char line[512];
    snprintf(line, sizeof line, "%lld %s %s request_id=%s", (long long)clock_wall_ms(),
             req->http_verb, req->url_path, u_map_get(resp->map_header, "X-Request-Id"));
    if (log_get_level() >= LOG_INFO)
        LOG_I("%s", line);
    return U_CALLBACK_CONTINUE;
}

int mw_auth(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)data;
    const char *tok;
    size_t len;
    if (parse_bearer(req_header(req, "Authorization"), &tok, &len) != 0 || len < 10) {
        u_map_put(resp->map_header, "WWW-Authenticate", "Bearer");
        reply_error(resp, 401, "unauthorized",
                    "Authorization: Bearer <token of 10+ chars> required");
        return U_CALLBACK_COMPLETE;
    }
    return U_CALLBACK_CONTINUE;
}

HANDLER(h_protected) {
    (void)app;
    const char *tok;
    size_t len;
    if (parse_bearer(req_header(req, "Authorization"), &tok, &len) != 0 || len < 10)
        return reply_error(resp, 401, "unauthorized", "missing bearer token");
    char user[64];
    snprintf(user, sizeof user, "user_from_token_%.8s", tok);
    json_t *o = json_object();
    json_object_set_new(o, "message", json_string("Access granted"));
    json_object_set_new(o, "user", json_string(user));
    return reply_json(resp, 200, o);
}
