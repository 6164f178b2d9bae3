/* The stack a benchmark or a test runs against, living in one directory DIR:
 * a private PostgreSQL (initdb into DIR/pg), Redis without persistence, the
 * mock upstream (`benchlab upstream`) and benchlab-server, each on a free
 * 127.0.0.1 port, with PID files and logs in DIR so that another process
 * (`benchlab down --dir DIR`) can stop it.
 *
 * Each service starts and stops on its own, and each start can run a hook in
 * the child before exec (the study puts every service in its own box there).
 * Every start waits until the service answers (PostgreSQL: PQping, Redis:
 * PING, upstream and server: an HTTP GET). When a call fails, st->err says
 * which service failed and ends with the last lines of its log; the caller
 * decides what to stop (stack_up stops everything it started).
 *
 * Files in DIR: stack.env (the BENCHLAB_* lines and ports), <service>.pid,
 * <service>.log, pg/ (the database cluster, or pg.path naming it when DIR is
 * not reachable by the unprivileged database user), redis/.
 *
 * Names: the functions here are stack_* (the room's prefix, as box_* in
 * box/box.h), the helpers the stack's files share among themselves too, in
 * stack/internal.h. The types keep lab_ (lab_stack_t, lab_service_t,
 * LAB_SVC_*): POSIX's <signal.h> has a stack_t of its own. */
#ifndef BENCHLAB_LAB_STACK_H
#define BENCHLAB_LAB_STACK_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lab/box/box.h"

typedef enum lab_service {
    LAB_SVC_POSTGRES = 0,
    LAB_SVC_REDIS,
    LAB_SVC_UPSTREAM,
    LAB_SVC_SERVER,
    LAB_SVC_COUNT
} lab_service_t;

/* Per service, set before starting it (all zero = no hook, default user). */
typedef struct lab_hook {
    int (*before_exec)(void *ctx); /* runs in the child before exec (spawn.h) */
    void *ctx;
    /* User to run as when we are root. NULL: PostgreSQL runs as
     * spawn_default_user() ("postgres", else "nobody"), the others as we are.
     * In a container box: PostgreSQL as "nobody" (a uid the images know). */
    const char *run_as_user;
    /* A docker/podman box (box_is_container): the service (and initdb) runs
     * as `ENGINE run ... IMAGE argv` (box_command_run) with the stack
     * directory and the data directory mounted at their own paths, the user
     * as a numeric --user (not a privilege drop of the client), and its
     * programs by name from the image (benchlab-server, benchlab, postgres,
     * initdb, redis-server) unless BENCHLAB_SERVER_BIN, BENCHLAB_BIN,
     * BENCHLAB_PG_BIN, BENCHLAB_REDIS_BIN or lab_server_opts.bin name them
     * (the flake's images hold the store paths the flake's benchlab names).
     * The recorded pid is the `run` client's: stopping it stops the
     * container, and `ENGINE rm -f` follows as a safety net. Native boxes go
     * in before_exec/ctx instead; NULL here = no container. */
    box_t *box;
} lab_hook_t;

typedef struct lab_server_opts {
    const char *implementation; /* passed as --name; NULL = "c-ulfius" */
    /* NULL: $BENCHLAB_SERVER_BIN, else benchlab-server in the directory of the
     * benchlab executable (see stack_find_program). */
    const char *bin;
    int port;          /* 0 = pick a free port */
    char *const *args; /* extra arguments appended as given, e.g. {"--threading", "pool"} */
    int nargs;
} lab_server_opts_t;

typedef struct lab_stack {
    char dir[PATH_MAX];
    lab_hook_t hooks[LAB_SVC_COUNT];
    int upstream_delay_ms; /* the mock upstream's delay; default 100 */
    int ready_timeout_ms;  /* how long a start may take to answer; default 60000 */
    bool skip_seed;        /* stack_up: create nothing in the database */
    /* stack_start_postgres: with $BENCHLAB_PG_TEMPLATE set, copy a seeded
     * cluster from there instead of initdb (stack/pg_template.h). stack_up
     * sets it unless skip_seed; a study sets it. */
    bool pg_use_template;
    /* The IPv4 address each service listens on and is reached at (a
     * topology's host address, topology.h); "" = 127.0.0.1. A service on
     * another address also lets in clients of its subnets (PostgreSQL: a
     * "samenet" trust line in pg_hba.conf; Redis without protected mode). */
    char addr[LAB_SVC_COUNT][64];

    /* Filled in by the start functions (and by stack_open). */
    pid_t pid[LAB_SVC_COUNT]; /* 0 = not running */
    int port[LAB_SVC_COUNT];
    char pg_data[PATH_MAX]; /* the cluster directory */
    char pg_dsn[256];       /* libpq keyword/value DSN, e.g. "host=127.0.0.1 port=P ..." */
    char redis_url[64];     /* redis://127.0.0.1:P */
    char upstream_url[64];  /* http://127.0.0.1:P */
    char server_url[64];    /* http://127.0.0.1:P */
    char err[4096];         /* why the last failing call failed */
    /* PostgreSQL preloads pg_stat_statements and the database has the extension */
    bool pg_stat_statements;
    /* The key of the template the cluster was copied from; "" = initdb here */
    char pg_template_key[72];
} lab_stack_t;

/* "postgres", "redis", "upstream", "server". */
const char *lab_service_name(lab_service_t svc);

/* Zeroes st, sets the defaults and creates DIR (and parents). 0 or -1 (st->err). */
int stack_init(lab_stack_t *st, const char *dir);

/* Reads DIR/stack.env and DIR/<service>.pid of a stack started by another
 * process, so it can be stopped or reset. 0 or -1 (st->err; e.g. no stack there). */
int stack_open(lab_stack_t *st, const char *dir);

/* Start one service and wait until it answers. PostgreSQL: initdb on first
 * use (as the unprivileged user when root), then creates the database
 * "benchlab" (user "benchlab", trust auth on 127.0.0.1 only). The server is
 * given --listen, --name, and --pg/--redis/--upstream for those services that
 * are running, then opts->args. Each start rewrites DIR/stack.env and its PID
 * file. 0, or -1 with st->err set (the child is stopped again). */
int stack_start_postgres(lab_stack_t *st);
int stack_start_redis(lab_stack_t *st);
int stack_start_upstream(lab_stack_t *st);
int stack_start_server(lab_stack_t *st, const lab_server_opts_t *opts);

/* Stops the server (SIGTERM, SIGKILL after a timeout) and starts it again with
 * opts (another threading model, worker count, implementation...), keeping
 * PostgreSQL, Redis and the upstream running. The port stays the same unless
 * opts->port says otherwise. */
int stack_restart_server(lab_stack_t *st, const lab_server_opts_t *opts);

/* Stops one service (SIGTERM, SIGKILL after 10 s) and removes its PID file.
 * Data stays. 0 or -1. */
int stack_stop(lab_stack_t *st, lab_service_t svc);

/* Creates the tables of the contract's data set and seeds them, once:
 * idempotent (a second call changes nothing). Needs PostgreSQL running. */
int stack_seed(lab_stack_t *st);

/* Resets what write scenarios dirty, by name as scenario files list them in
 * "dirties": "users" (back to the seeded 1000 rows), "bulk_items" (emptied),
 * "products" (stock 1000, version 0), "account_posts" (the seeded 20,000
 * posts of scenario 20), "cache" or "redis" (FLUSHALL). An
 * unknown name is an error naming it. */
int stack_reset(lab_stack_t *st, const char *const *names, int n);

/* Starts everything (postgres, redis, upstream, server), seeds (unless
 * st->skip_seed), and returns with it all running. Services already running
 * are kept as they are; on failure it stops what this call started and says
 * which service failed (st->err). */
int stack_up(lab_stack_t *st, const lab_server_opts_t *server_opts);

/* Stops every service whose PID is known (or in DIR's PID files) and removes
 * their data (pg, redis, logs, PID files, stack.env). DIR itself stays. */
int stack_down(lab_stack_t *st);

/* Removes the data of a stopped stack: the cluster (also one outside DIR
 * named by pg.path), redis/, PID files, and unless keep_logs the logs and
 * stack.env. Refuses (-1) while a known service still runs. */
int stack_remove_data(lab_stack_t *st, bool keep_logs);

/* The four lines BENCHLAB_URL=, BENCHLAB_PG=, BENCHLAB_REDIS=,
 * BENCHLAB_UPSTREAM= (only those of running services). */
void stack_print_env(const lab_stack_t *st, FILE *out);

/* Path of DIR/<service>.log into buf. */
void stack_log_path(const lab_stack_t *st, lab_service_t svc, char *buf, size_t len);

/* Finds a program that ships with benchlab ("benchlab", "benchlab-server"):
 * env override (BENCHLAB_BIN / BENCHLAB_SERVER_BIN) first, then the directory
 * of the running executable and up to four parent directories (so test
 * binaries under BUILD/tests/... find BUILD/benchlab). 0 or -1. */
int stack_find_program(const char *name, const char *env_override, char *buf, size_t len);

#endif
