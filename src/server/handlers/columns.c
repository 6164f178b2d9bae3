/* /column-overhead: SELECT * with LIMIT over tables of growing width or of
 * one column type (scenario 10). */
#include "server/handlers/dbutil.h"

#include "server/handlers/params.h"

#include <stdio.h>
#include <string.h>

struct table_choice {
    const char *name;
    enum stmt_id stmt;
};

static const struct table_choice tables[] = {
    {"narrow", STMT_COLS_NARROW}, {"wide", STMT_COLS_WIDE}, {"extra-wide", STMT_COLS_EXTRA_WIDE}};
static const struct table_choice types[] = {
    {"int", STMT_COLS_INT},     {"varchar", STMT_COLS_VARCHAR},     {"text", STMT_COLS_TEXT},
    {"jsonb", STMT_COLS_JSONB}, {"timestamp", STMT_COLS_TIMESTAMP}, {"uuid", STMT_COLS_UUID}};

static int serve(const struct _u_request *req, struct _u_response *resp, struct app *app,
                 const struct table_choice *choices, size_t n, const char *which) {
    const char *v = req_param(req, which);
    INT_PARAM(limit, "limit", 1, 1000, 100);
    for (size_t i = 0; i < n; i++)
        if (v != NULL && strcmp(v, choices[i].name) == 0) {
            char lim[24];
            snprintf(lim, sizeof lim, "%lld", limit);
            const char *p[] = {lim};
            return reply_rows(resp, app, choices[i].stmt, 1, p);
        }
    return reply_error(resp, 404, "not_found", "unknown %s", which);
}

HANDLER(h_columns) {
    return serve(req, resp, app, tables, sizeof tables / sizeof tables[0], "table");
}

HANDLER(h_columns_type) {
    return serve(req, resp, app, types, sizeof types / sizeof types[0], "type");
}
