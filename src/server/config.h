/* benchlab-server configuration: command-line flags with environment fallbacks. */
#ifndef BENCHLAB_SERVER_CONFIG_H
#define BENCHLAB_SERVER_CONFIG_H

#include <stddef.h>

enum threading_model {
    THREADING_SELECT,          /* one internal thread, select() */
    THREADING_POLL,            /* one internal thread, poll() */
    THREADING_EPOLL,           /* one internal thread, epoll (default; Linux only) */
    THREADING_POOL,            /* N internal threads, epoll (poll where no epoll) */
    THREADING_THREAD_PER_CONN, /* one thread per connection */
};

struct server_config {
    char host[64]; /* listen address (numeric IPv4) */
    int port;      /* 0 = any free port */
    char name[64]; /* "server" field of /health */
    enum threading_model threading;
    int threads; /* pool size for THREADING_POOL */
    int workers; /* prefork processes sharing the port (SO_REUSEPORT) */
    int db_pool;
    char pg[1024];
    char redis_host[256];
    int redis_port;
    int redis_db;
    char upstream[1024];
    size_t max_body;
    size_t max_header; /* request line + header fields, bytes (431 above) */
    int conn_timeout;  /* seconds an idle connection is kept */
    /* Hostile clients (docs/server.md, "Connection limits and deadlines"). */
    int max_conns;        /* connections per process (capped by the descriptor limit) */
    int max_conns_per_ip; /* per client address, 0 = no limit */
    int header_timeout;   /* seconds, in total, to send a request's header fields; 0 = none */
    int body_timeout;     /* seconds, in total, to send a request's body; 0 = none */
    int log_level;        /* enum log_level */
    char jwt_secret[256];
    /* GET /health and POST /echo answered at the libmicrohttpd level, without
     * ulfius' per-request work (http/fast_routes.h). Off by default, so that
     * the study's c-ulfius measures ulfius on every endpoint, like the peers
     * measure their frameworks; bench/server.sh measures both. */
    int fast_routes;
    /* One-thread models: PostgreSQL and Redis routes run in request fibers
     * and wait without holding the event loop (http/fiber.h). On by default;
     * off gives the blocking path (each call still has its deadline). */
    int async_deps;
    /* Deadlines of every PostgreSQL / Redis call (client side; PostgreSQL
     * also gets it as statement_timeout): a stalled dependency is answered
     * 503 within about this long (db/pool.h, cache/redis_pool.h). */
    int db_timeout_ms;
    int redis_timeout_ms;
};

/* Fills cfg from argv, then the environment for flags not given, then defaults.
 * Returns 0 on success, 1 when --help was asked (usage written into err), -1 on
 * a bad flag or value (a message naming the flag in err). */
int config_parse(struct server_config *cfg, int argc, char *const argv[], char *err, size_t errlen);

/* "select", "poll", "epoll", "pool", "thread-per-conn"; -1 when unknown. */
int config_parse_threading(const char *s);
const char *config_threading_name(enum threading_model m);

/* Parses "host:port" (numeric IPv4 or "localhost"); 0 on success. */
int config_parse_listen(const char *s, char *host, size_t hostlen, int *port);
/* Parses "redis://host:port[/db]"; 0 on success. */
int config_parse_redis_url(const char *s, char *host, size_t hostlen, int *port, int *db);

extern const char config_usage[];

#endif
