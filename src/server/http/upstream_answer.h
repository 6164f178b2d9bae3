/* The answer of /external/http for a finished upstream call (pure; shared by
 * the blocking and the asynchronous path):
 *   200 {"source":"upstream","latency_ms":L,"data":<the upstream's JSON>}
 *       for a 2xx answer whose body is JSON (an empty body gives data null);
 *   504 {"error":"gateway_timeout",...} when the upstream did not answer in time;
 *   503 {"error":"service_unavailable",...} for a call ended by shutdown;
 *   502 {"error":"bad_gateway",...} otherwise (unreachable, non-2xx, not JSON,
 *       too large). */
#ifndef BENCHLAB_SERVER_HTTP_UPSTREAM_ANSWER_H
#define BENCHLAB_SERVER_HTTP_UPSTREAM_ANSWER_H

#include "server/http/upstream_client.h"

#include <stddef.h>

/* Returns the HTTP status and sets *body to the serialized JSON (malloc'd,
 * *len bytes); *body is NULL only when out of memory. */
unsigned upstream_answer(const struct upstream_result *r, double latency_ms, char **body,
                         size_t *len);

#endif
