/* A fixed-size pool of libpq connections with lazily prepared statements.
 * Connections are opened on first use and re-opened after they break, so the
 * server starts without PostgreSQL and recovers when it comes back. */
#ifndef BENCHLAB_SERVER_DB_POOL_H
#define BENCHLAB_SERVER_DB_POOL_H

#include <libpq-fe.h>

#include "server/db/statements.h"

struct db_pool;
struct db_conn;

/* The default of --db-timeout: the client-side deadline of every PostgreSQL
 * call (connect, prepare, query, rollback); 4/5 of it is the server's
 * statement_timeout. */
#define DB_TIMEOUT_MS_DEFAULT 1000

/* timeout_ms bounds every call: connecting (PQconnectPoll on a non-blocking
 * socket), each statement (sent with PQsend*, results read as the socket gets
 * readable) and waiting for a free slot. A call that misses it loses its
 * connection (the request answers 503) and marks PostgreSQL down: requests
 * get 503 at once until a background probe gets an answer (db/dep_guard.h).
 * Connections also carry statement_timeout = 4/5 of timeout_ms (a slow
 * statement is cancelled by the server, a 503 that does not mark PostgreSQL
 * down; only a server that does not answer at all does), TCP keepalives
 * (idle 5 s, interval 2 s, 3 probes) and connect_timeout. */
struct db_pool *db_pool_new(const char *dsn, int size, int timeout_ms);
void db_pool_free(struct db_pool *pool);

/* A connected slot, or NULL when PostgreSQL is unreachable, marked down, or
 * every slot stayed busy for timeout_ms (the caller answers 503). */
struct db_conn *db_acquire(struct db_pool *pool);
/* Returns the slot; a broken connection is closed and re-opened on next use.
 * An open transaction is rolled back first so a slot never leaks one. */
void db_release(struct db_pool *pool, struct db_conn *c);

/* Runs a registered statement (prepared on this connection on first use). */
PGresult *db_run(struct db_conn *c, enum stmt_id id, int nparams, const char *const *params);
/* Runs SQL text without parameters (BEGIN, COMMIT, generated bulk statements). */
PGresult *db_exec(struct db_conn *c, const char *sql);
/* 1 when the connection was lost (the request gets 503, the slot reconnects). */
int db_conn_lost(struct db_conn *c);
/* True for PGRES_TUPLES_OK / PGRES_COMMAND_OK. */
int db_ok(const PGresult *r);
/* SQLSTATE of a failed result ("" when none). */
const char *db_sqlstate(const PGresult *r);

/* Slots currently handed out (for tests and shutdown checks). */
int db_pool_in_use(struct db_pool *pool);
/* 1 while PostgreSQL is marked down (requests get 503 without trying). */
int db_pool_down(struct db_pool *pool);

#endif
