/* One server process: pools, the ulfius instance, libmicrohttpd's flags per
 * threading model, the signal wait and the drain.
 *
 * A request's path, in order (each layer can answer and end it):
 *  1. Accept (libmicrohttpd): the connection cap and the per-address limit
 *     (MHD_OPTION_CONNECTION_LIMIT, _PER_IP_), then MHD_OPTION_NOTIFY_CONNECTION
 *     -> notify_connection(): http/conn_guard.c (total header and body
 *     deadlines, eviction near the cap) and http/deferred.c (connections by
 *     client address).
 *  2. libmicrohttpd reads the request line and header fields. Its own error
 *     answers (malformed head, headers too large, bad Content-Length, HTTP
 *     version) are made JSON by http/mhd_errors.c, which interposes
 *     MHD_create_response_from_buffer, MHD_queue_response and
 *     MHD_lookup_connection_value_n (ELF symbol interposition).
 *  3. MHD_OPTION_URI_LOG_CALLBACK -> uri_logger(): http/fast_routes.c claims
 *     an exact "/health" or "/echo"; everything else gets ulfius' request
 *     state (ulfius_uri_logger). Counted in in_flight (the drain waits for it).
 *  4. The access handler. http/access_hook.c defines MHD_start_daemon, so the
 *     daemon ulfius starts runs front() ahead of ulfius' dispatcher, and that
 *     offers every call to http/front.c, in this order: a bad Content-Length
 *     noted by mhd_errors (400/413); the header limit (431/414); at the first
 *     call the connection guard's bookkeeping, RFC 9112 framing and smuggling
 *     rules (http/request_check.c: 400/501) and a declared body over
 *     --max-body (413 before it is read); then the fast routes (with
 *     --fast-routes on); GET /external/http on a suspended connection
 *     (http/upstream_async.c); and, in the one-thread models, the routes that
 *     need PostgreSQL or Redis: ulfius' dispatcher run in a request fiber
 *     (http/fiber.c), whose waits suspend the connection.
 *  5. ulfius' dispatcher (everything not answered above): its default
 *     endpoint is routes.c's router (404/405/413, the /protected middleware
 *     chain), then the handler (a file in handlers/).
 *  6. MHD_OPTION_NOTIFY_COMPLETED -> request_completed(): a fiber still
 *     running is finished, the async and guard bookkeeping is dropped, then
 *     ulfius frees its request. */
#include "server/server.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/app.h"
#include "server/cache/redis_pool.h"
#include "server/db/pool.h"
#include "server/http/access_hook.h"
#include "server/http/conn_guard.h"
#include "server/http/deferred.h"
#include "server/http/fast_routes.h"
#include "server/http/fiber.h"
#include "server/http/front.h"
#include "server/http/mhd_errors.h"
#include "server/http/upstream_async.h"
#include "server/routes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>

#define DRAIN_TIMEOUT_NS (10ull * 1000000000ull)

/* Requests between URI parsing and completion: what a drain waits for. */
static atomic_int in_flight;

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)conn;
    void *con_info = fast_routes_claim(uri);
    if (con_info == NULL)
        con_info = ulfius_uri_logger(cls, uri);
    if (con_info != NULL) /* request_completed counts down only these */
        atomic_fetch_add(&in_flight, 1);
    return con_info;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe) {
    fiber_request_completed(conn); /* before ulfius frees the request below */
    upstream_async_request_completed(conn);
    conn_guard_request_completed(conn);
    if (*con_cls != NULL)
        atomic_fetch_sub(&in_flight, 1);
    if (!fast_routes_completed(con_cls)) /* else not ulfius' to free */
        mhd_request_completed(cls, conn, con_cls, toe);
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe) {
    conn_guard_notify(conn, socket_context, toe);
    deferred_notify_connection(cls, conn, socket_context, toe);
}

/* Descriptors kept for everything but client connections: the listening
 * socket, PostgreSQL and Redis pools, the upstream client's keep-alive
 * connections (up to 256), logs, libraries. */
static unsigned fd_reserve(const struct server_config *cfg) {
    return 64 + 256 + 2u * (unsigned)cfg->db_pool;
}

/* Raises the soft descriptor limit to the hard one and returns the
 * connection limit that fits in it (and, with select(), below FD_SETSIZE). */
static unsigned connection_cap(const struct server_config *cfg) {
    struct rlimit rl;
    unsigned cap = (unsigned)cfg->max_conns;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rlim_t want = rl.rlim_max;
            rl.rlim_cur = want;
            if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
                getrlimit(RLIMIT_NOFILE, &rl);
        }
        rlim_t fit = rl.rlim_cur > fd_reserve(cfg) + 16 ? rl.rlim_cur - fd_reserve(cfg) : 16;
        if (rl.rlim_cur != RLIM_INFINITY && fit < cap) {
            LOG_W("--max-conns %u lowered to %u: the descriptor limit is %llu", cap, (unsigned)fit,
                  (unsigned long long)rl.rlim_cur);
            cap = (unsigned)fit;
        }
    }
    if (cfg->threading == THREADING_SELECT || cfg->threading == THREADING_POLL) {
        /* select() cannot watch descriptors >= FD_SETSIZE (libmicrohttpd
         * closes such connections at once); a poll() round costs time in
         * proportion to the connections and libmicrohttpd accepts one
         * connection per round (2,800 connections: 7 ms a round). Both are
         * held to what select() can watch; the guard evicts beyond it. */
        unsigned fit = FD_SETSIZE - 64 - 2u * (unsigned)cfg->db_pool;
        if (cap > fit)
            cap = fit;
    }
    return cap;
}

static unsigned mhd_flags(enum threading_model m) {
    /* TURBO: no shutdown() before close, optimistic reads (fewer syscalls). */
    unsigned f = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_TURBO;
    switch (m) {
    case THREADING_SELECT:
        return f | MHD_ALLOW_SUSPEND_RESUME;
    case THREADING_POLL:
        return f | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME;
    case THREADING_EPOLL:
        return f | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
    case THREADING_POOL:
        /* libmicrohttpd has epoll only on Linux; elsewhere the pool's threads poll() */
        return f |
               (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL
                                                                       : MHD_USE_POLL) |
               MHD_ALLOW_SUSPEND_RESUME;
    case THREADING_THREAD_PER_CONN:
        return f | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    }
    return f;
}

int server_run(const struct server_config *cfg, int reuse_port) {
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    /* Block before any thread starts so only sigwait below sees them. */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    struct app app = {.cfg = cfg};
    app.db = db_pool_new(cfg->pg, cfg->db_pool, cfg->db_timeout_ms);
    app.redis = redis_pool_new(cfg->redis_host, cfg->redis_port, cfg->redis_db, cfg->db_pool,
                               cfg->redis_timeout_ms);
    int use_suspend = cfg->threading != THREADING_THREAD_PER_CONN;
    if (app.db == NULL || app.redis == NULL || deferred_init(use_suspend) != 0) {
        fprintf(stderr, "benchlab-server: out of memory\n");
        db_pool_free(app.db);
        redis_pool_free(app.redis);
        return 1;
    }

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "benchlab-server: --listen host '%s' is not an IPv4 address\n", cfg->host);
        deferred_shutdown();
        db_pool_free(app.db);
        redis_pool_free(app.redis);
        return 1;
    }

    struct _u_instance inst;
    /* The port given here is only validated; MHD_OPTION_SOCK_ADDR decides. */
    if (ulfius_init_instance(&inst, cfg->port ? (unsigned)cfg->port : 1, NULL, NULL) != U_OK) {
        fprintf(stderr, "benchlab-server: ulfius_init_instance failed\n");
        deferred_shutdown();
        db_pool_free(app.db);
        redis_pool_free(app.redis);
        return 1;
    }
    /* Keep one byte more than allowed so an oversized body is seen (413)
     * without buffering all of it; parse multipart and JSON ourselves. */
    inst.max_post_body_size = cfg->max_body + 1;
    inst.allowed_post_processor = U_POST_PROCESS_NONE;
    inst.check_utf8 = 0;
    int rc = 1;
    /* /external/http waits without a thread where connections can be
     * suspended (http/upstream_async.h); thread-per-connection blocks. */
    if (use_suspend && upstream_async_init(cfg->upstream) != 0) {
        fprintf(stderr, "benchlab-server: cannot start the upstream client\n");
        goto out;
    }
    /* With one thread for everything, PostgreSQL and Redis routes wait
     * without holding it (http/fiber.h). */
    int one_thread =
        cfg->threading != THREADING_POOL && cfg->threading != THREADING_THREAD_PER_CONN;
    if (one_thread && cfg->async_deps && fiber_init() != 0)
        LOG_W("no fiber watcher thread (not Linux?): database and cache calls hold the event loop");
    /* The header limit, /health and /echo, /external/http (http/front.h). */
    front_init(cfg->max_header, cfg->max_body, use_suspend);
    mhd_errors_set_limit(cfg->max_header);
    if (fast_routes_init(&app) != 0) {
        fprintf(stderr, "benchlab-server: out of memory\n");
        goto out;
    }
    access_hook_arm(&inst, front_access);
    if (routes_register(&inst, &app) != 0) {
        fprintf(stderr, "benchlab-server: registering routes failed\n");
        goto out;
    }

    unsigned cap = connection_cap(cfg);
    struct conn_guard_limits gl = {cap, (unsigned)cfg->header_timeout, (unsigned)cfg->body_timeout,
                                   (unsigned)cfg->conn_timeout};
    if (conn_guard_init(&gl) != 0) {
        fprintf(stderr, "benchlab-server: cannot start the connection guard\n");
        goto out;
    }

    struct MHD_OptionItem ops[16];
    int n = 0;
    ops[n++] =
        (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logger, NULL};
    ops[n++] =
        (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)notify_connection, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cap, NULL};
    if (cfg->max_conns_per_ip > 0)
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                           (intptr_t)(unsigned)cfg->max_conns_per_ip, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                       (intptr_t)(unsigned)cfg->conn_timeout, NULL};
    /* Request line and headers up to --max-header must fit the connection's
     * memory with room for the field records and the answer: twice the limit
     * (the default 16 KiB gives libmicrohttpd's default, 32 KiB). It zeroes
     * the whole pool between keep-alive requests (8 % of the CPU time of
     * /health at 32 KiB), so it is not made larger than needed. */
    size_t pool = cfg->max_header * 2 < 16 * 1024 ? 16 * 1024 : cfg->max_header * 2;
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL};
    if (reuse_port)
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL};
    if (cfg->threading == THREADING_POOL)
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
                                           (intptr_t)(unsigned)cfg->threads, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    if (ulfius_start_framework_with_mhd_options(&inst, mhd_flags(cfg->threading), ops) != U_OK) {
        fprintf(stderr, "benchlab-server: cannot listen on %s:%d (threading %s)\n", cfg->host,
                cfg->port, config_threading_name(cfg->threading));
        goto out;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(inst.mhd_daemon, MHD_DAEMON_INFO_BIND_PORT);
    fast_routes_enable(cfg->fast_routes && access_hook_installed());
    if (cfg->fast_routes && !access_hook_installed())
        LOG_W("access hook not installed: --fast-routes on has no effect");
    if (use_suspend && !access_hook_installed())
        LOG_W("access hook not installed: /external/http holds a thread while it waits");
    LOG_I("listening on %s:%u (threading %s, pid %d, at most %u connections, %d per address)",
          cfg->host, di ? di->port : 0, config_threading_name(cfg->threading), (int)getpid(), cap,
          cfg->max_conns_per_ip);

    int sig = 0;
    sigwait(&sigs, &sig);
    LOG_I("signal %d: draining", sig);

    /* Stop accepting, then wait for requests already in progress. */
    MHD_socket lsock = MHD_quiesce_daemon(inst.mhd_daemon);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    uint64_t until = clock_mono_ns() + DRAIN_TIMEOUT_NS;
    while (atomic_load(&in_flight) > 0 && clock_mono_ns() < until) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    deferred_shutdown();   /* resumes anything still suspended */
    upstream_async_stop(); /* upstream calls still running end, answered 503 */
    fiber_shutdown();      /* database and cache waits in fibers end (503) */
    ulfius_stop_framework(&inst);
    struct conn_guard_stats gs;
    conn_guard_stats(&gs);
    LOG_I("closed %lu connections at the header deadline, %lu at the body deadline, %lu to make "
          "room",
          gs.header_deadline, gs.body_deadline, gs.evicted);
    rc = 0;
out:
    ulfius_clean_instance(&inst);
    if (rc != 0) {
        deferred_shutdown();
        upstream_async_stop();
        fiber_shutdown();
    }
    upstream_async_free();
    conn_guard_stop();
    fiber_free();
    access_hook_disarm();
    fast_routes_free();
    db_pool_free(app.db);
    redis_pool_free(app.redis);
    return rc;
}
