/* What every handler can reach: configuration and the connection pools. */
#ifndef BENCHLAB_SERVER_APP_H
#define BENCHLAB_SERVER_APP_H

#include "server/config.h"

struct app {
    const struct server_config *cfg;
    struct db_pool *db;
    struct redis_pool *redis;
};

#endif
