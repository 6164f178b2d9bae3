/* Every endpoint handler; one .c file per endpoint family. */
#ifndef BENCHLAB_SERVER_HANDLERS_H
#define BENCHLAB_SERVER_HANDLERS_H

#include <jansson.h>
#include <ulfius.h>

#include "server/app.h"

#define HANDLER(name)                                                                              \
    int name(const struct _u_request *req, struct _u_response *resp, struct app *app)

typedef int (*handler_fn)(const struct _u_request *req, struct _u_response *resp, struct app *app);

/* basic.c */
HANDLER(h_health);
HANDLER(h_echo);
/* /health's body (built once, kept for the process' life); NULL when out of memory. */
const char *health_text(const struct app *app, size_t *len);
/* /echo's answer for a raw body: 200 and the echo, or 422 and the error. */
json_t *echo_answer(const char *body, size_t len, unsigned *status);
HANDLER(h_upload);
/* middleware.c: the /protected chain (request id, logging, auth) and its end */
int mw_request_id(const struct _u_request *req, struct _u_response *resp, void *data);
int mw_log(const struct _u_request *req, struct _u_response *resp, void *data);
int mw_auth(const struct _u_request *req, struct _u_response *resp, void *data);
HANDLER(h_protected);
/* external.c */
HANDLER(h_external);
HANDLER(h_external_http);
HANDLER(h_io_sleep);
/* users.c */
HANDLER(h_users_list);
HANDLER(h_user_get);
HANDLER(h_user_create);
HANDLER(h_user_update);
HANDLER(h_user_delete);
/* pagination.c */
HANDLER(h_users_offset);
HANDLER(h_users_cursor);
/* columns.c */
HANDLER(h_columns);
HANDLER(h_columns_type);
/* nplusone.c */
HANDLER(h_nplusone);
/* bulk.c */
HANDLER(h_bulk_cleanup);
HANDLER(h_bulk_op);
/* transactions.c */
HANDLER(h_tx_reset);
HANDLER(h_tx_product);
HANDLER(h_tx_decrement);
/* cache.c */
HANDLER(h_cache_nocache);
HANDLER(h_cache_cached);
HANDLER(h_cache_warmup);
HANDLER(h_cache_flush);
HANDLER(h_cache_delete);
/* auth.c */
HANDLER(h_auth_public);
HANDLER(h_auth_login_jwt);
HANDLER(h_auth_protected_jwt);
HANDLER(h_auth_login_session);
HANDLER(h_auth_protected_session);
/* aggregation.c */
HANDLER(h_agg_count);
HANDLER(h_agg_country);
HANDLER(h_agg_author);
/* workload.c: the server-config study's endpoints */
HANDLER(h_io_db);
HANDLER(h_cpu_fibonacci);
HANDLER(h_cpu_hash);
HANDLER(h_cpu_json);
HANDLER(h_mixed_report);

#endif
