/* Shorthands for handlers reading integer parameters (422 on bad values). */
#ifndef BENCHLAB_SERVER_HANDLERS_PARAMS_H
#define BENCHLAB_SERVER_HANDLERS_PARAMS_H

#include "server/http/respond.h"
#include "server/parse/query.h"

/* Reads query/path parameter `name` into a long long `var`; on a bad value
 * answers 422 and returns from the handler. */
#define INT_PARAM(var, name, min, max, dflt)                                                       \
    long long var;                                                                                 \
    do {                                                                                           \
        char msg_[160];                                                                            \
        if (parse_int_or_default(req_param(req, name), name, min, max, dflt, &var, msg_,           \
                                 sizeof msg_) != 0)                                                \
            return reply_error(resp, 422, "validation_error", "%s", msg_);                         \
    } while (0)

/* A path id: non-numeric -> 422; numeric but outside 1..INT32_MAX -> 404
 * (no such row can exist). */
#define ID_PARAM(var, name, what)                                                                  \
    long long var;                                                                                 \
    do {                                                                                           \
        enum param_status st_ = parse_int_param(req_param(req, name), -9223372036854775807LL,      \
                                                9223372036854775807LL, &var);                      \
        if (st_ == PARAM_NOT_INTEGER || st_ == PARAM_MISSING)                                      \
            return reply_error(resp, 422, "validation_error", "%s must be an integer", name);      \
        if (st_ != PARAM_OK || var < 1 || var > 2147483647LL)                                      \
            return reply_error(resp, 404, "not_found", "%s not found", what);                      \
    } while (0)

#endif
