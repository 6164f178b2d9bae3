/* The route table: every endpoint the server serves, in OpenAPI path syntax
 * ("/users/{id}"). tests/unit/server checks it against spec/openapi.yaml. */
#ifndef BENCHLAB_SERVER_ROUTES_H
#define BENCHLAB_SERVER_ROUTES_H

#include <stddef.h>
#include <ulfius.h>

#include "server/handlers/handlers.h"

struct route {
    const char *method;
    const char *path; /* OpenAPI syntax; "{x}" segments become ulfius ":x" */
    handler_fn handler;
    int middleware; /* 1: runs behind the request-id, logging and auth chain */
};

const struct route *routes_table(size_t *count);

/* 1 when url_path matches the pattern ("{x}" matches one non-empty segment). */
int route_path_matches(const char *pattern, const char *url_path);

/* Registers every route plus the 404/405 default endpoint on the instance. */
int routes_register(struct _u_instance *instance, struct app *app);

#endif
