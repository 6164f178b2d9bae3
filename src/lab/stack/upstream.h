/* The mock upstream behind /external/http: an HTTP server that answers every
 * GET, after a fixed delay, with {"source":"mock_upstream","delay_ms":N}.
 * libmicrohttpd with one thread per connection: a waiting request sleeps in
 * its own thread, so it never delays the others (concurrency = connections). */
#ifndef BENCHLAB_LAB_UPSTREAM_H
#define BENCHLAB_LAB_UPSTREAM_H

typedef struct upstream upstream_t;

/* Listens on host:port (port 0 = any free port; host must be an IPv4
 * address). Returns NULL with a message on stderr when it cannot listen. */
upstream_t *upstream_start(const char *host, int port, int delay_ms);

/* The port actually bound. */
int upstream_port(const upstream_t *up);

/* Stops listening, finishes the requests in flight, frees everything. */
void upstream_stop(upstream_t *up);

#endif
