#include "server/routes.h"

#include "common/log.h"
#include "server/handlers/search_flow.h"
#include "server/http/respond.h"

#include <stdio.h>
#include <string.h>

static const struct route routes[] = {
    {"GET", "/health", h_health, 0},
    {"POST", "/echo", h_echo, 0},
    {"GET", "/users", h_users_list, 0},
    {"POST", "/users", h_user_create, 0},
    {"GET", "/users/offset", h_users_offset, 0},
    {"GET", "/users/cursor", h_users_cursor, 0},
    {"GET", "/users/{id}", h_user_get, 0},
    {"PUT", "/users/{id}", h_user_update, 0},
    {"DELETE", "/users/{id}", h_user_delete, 0},
    {"GET", "/external", h_external, 0},
    {"GET", "/external/http", h_external_http, 0},
    {"GET", "/protected", h_protected, 1},
    {"POST", "/upload", h_upload, 0},
    {"GET", "/column-overhead/type/{type}", h_columns_type, 0},
    {"GET", "/column-overhead/{table}", h_columns, 0},
    {"GET", "/n-plus-one/{mode}", h_nplusone, 0},
    {"DELETE", "/bulk-operations/cleanup", h_bulk_cleanup, 0},
    {"POST", "/bulk-operations/{operation}", h_bulk_op, 0},
    {"POST", "/transactions/reset", h_tx_reset, 0},
    {"GET", "/transactions/products/{id}", h_tx_product, 0},
    {"POST", "/transactions/decrement/{method}", h_tx_decrement, 0},
    {"GET", "/cache/users/{id}/no-cache", h_cache_nocache, 0},
    {"GET", "/cache/users/{id}/cached", h_cache_cached, 0},
    {"POST", "/cache/warmup", h_cache_warmup, 0},
    {"DELETE", "/cache/flush", h_cache_flush, 0},
    {"DELETE", "/cache/users/{id}", h_cache_delete, 0},
    {"GET", "/auth/public", h_auth_public, 0},
    {"POST", "/auth/login/jwt", h_auth_login_jwt, 0},
    {"GET", "/auth/protected/jwt", h_auth_protected_jwt, 0},
    {"POST", "/auth/login/session", h_auth_login_session, 0},
    {"GET", "/auth/protected/session", h_auth_protected_session, 0},
    {"GET", "/aggregation/count/{mode}", h_agg_count, 0},
    {"GET", "/aggregation/stats/country/{mode}", h_agg_country, 0},
    {"GET", "/aggregation/stats/author/{mode}", h_agg_author, 0},
    {"GET", "/io/sleep", h_io_sleep, 0},
    {"GET", "/io/db", h_io_db, 0},
    {"GET", "/cpu/fibonacci", h_cpu_fibonacci, 0},
    {"GET", "/cpu/hash", h_cpu_hash, 0},
    {"GET", "/cpu/json-serialize", h_cpu_json, 0},
    {"GET", "/mixed/report", h_mixed_report, 0},
    {"GET", "/search/posts", h_search_posts, 0},
    {"POST", "/flow/login", h_flow_login, 0},
    {"GET", "/flow/feed", h_flow_feed, 0},
    {"POST", "/flow/posts", h_flow_post_create, 0},
    {"GET", "/flow/posts/{id}", h_flow_post_get, 0},
};

static struct app *the_app;

const struct route *routes_table(size_t *count) {
    *count = sizeof routes / sizeof routes[0];
    return routes;
}

/* Matches url_path against pattern; with params, "{x}" segments are stored
 * under "x". */
static int route_match(const char *pattern, const char *path, struct _u_map *params) {
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close == NULL || *u == '/')
                return 0; /* bad pattern or empty segment */
            const char *seg = u;
            while (*u && *u != '/')
                u++;
            if (params != NULL) {
                char name[32], value[256];
                size_t nl = (size_t)(close - p - 1), vl = (size_t)(u - seg);
                if (nl >= sizeof name || vl >= sizeof value)
                    return 0;
                memcpy(name, p + 1, nl);
                name[nl] = '\0';
                memcpy(value, seg, vl);
                value[vl] = '\0';
                u_map_put(params, name, value);
            }
            p = close + 1;
            continue;
        }
        if (*p != *u)
            return 0;
        p++;
        u++;
    }
    /* Tolerate one trailing slash on the request. */
    if (*p == '\0' && u[0] == '/' && u[1] == '\0')
        return 1;
    return *p == '\0' && *u == '\0';
}

int route_path_matches(const char *pattern, const char *path) {
    return route_match(pattern, path, NULL);
}

/* The router. ulfius matches endpoints by splitting every registered
 * format per request (allocations per endpoint); with ~40 routes that cost
 * more than a whole /health. So every request reaches this default endpoint
 * and is matched here without allocating: literal routes first (so
 * /users/offset wins over /users/{id}), then parameterised ones. Unknown
 * path: 404; known path with another method: 405. */
static int router(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)data;
    const char *path = req->url_path ? req->url_path : "";
    const char *method = req->http_verb ? req->http_verb : "";
    const struct route *hit = NULL;
    char allowed[128] = "";
    for (int pass = 0; pass < 2 && hit == NULL; pass++)
        for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
            const struct route *r = &routes[i];
            if ((strchr(r->path, '{') != NULL) != pass || !route_match(r->path, path, NULL))
                continue;
            if (strcmp(r->method, method) == 0) {
                hit = r;
                break;
            }
            if (strlen(allowed) + strlen(r->method) + 3 < sizeof allowed) {
                if (allowed[0])
                    strcat(allowed, ", ");
                strcat(allowed, r->method);
            }
        }
    if (hit == NULL) {
        if (allowed[0]) {
            u_map_put(resp->map_header, "Allow", allowed);
            return reply_error(resp, 405, "method_not_allowed", "allowed: %s", allowed);
        }
        return reply_error(resp, 404, "not_found", "no such endpoint");
    }
    if (strchr(hit->path, '{') != NULL)
        route_match(hit->path, path, req->map_url);
    if (req->binary_body_length > the_app->cfg->max_body)
        return reply_error(resp, 413, "payload_too_large", "request body larger than %zu bytes",
                           the_app->cfg->max_body);
    if (hit->middleware) {
        /* The /protected chain: each step may answer and stop it. */
        int (*const chain[])(const struct _u_request *, struct _u_response *,
                             void *) = {mw_request_id, mw_log, mw_auth};
        for (size_t k = 0; k < sizeof chain / sizeof chain[0]; k++)
            if (chain[k](req, resp, NULL) != U_CALLBACK_CONTINUE)
                return U_CALLBACK_COMPLETE;
    }
    int rc = hit->handler(req, resp, the_app);
    if (log_get_level() >= LOG_INFO)
        LOG_I("%s %s -> %ld", method, path, resp->status);
    return rc;
}

int routes_register(struct _u_instance *inst, struct app *app) {
    the_app = app;
    /* ulfius wants at least one endpoint; this one matches nothing real. */
    if (ulfius_add_endpoint_by_val(inst, "BENCHLAB-NONE", NULL, "/.none", 0, router, NULL) != U_OK)
        return -1;
    return ulfius_set_default_endpoint(inst, router, NULL) == U_OK ? 0 : -1;
}
