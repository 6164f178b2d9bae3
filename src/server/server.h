/* One server process: pools, ulfius instance, signal wait, drain, stop. */
#ifndef BENCHLAB_SERVER_SERVER_H
#define BENCHLAB_SERVER_SERVER_H

#include "server/config.h"

/* Runs until SIGTERM/SIGINT, then stops accepting, lets in-flight requests
 * finish (up to 10 s), closes the pools and returns 0 (1 when it could not
 * start). reuse_port: bind with SO_REUSEPORT (prefork workers). */
int server_run(const struct server_config *cfg, int reuse_port);

#endif
