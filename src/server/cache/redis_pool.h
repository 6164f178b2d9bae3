/* A fixed-size pool of hiredis connections, opened on first use and re-opened
 * after an error, so Redis may go away and come back. */
#ifndef BENCHLAB_SERVER_CACHE_REDIS_POOL_H
#define BENCHLAB_SERVER_CACHE_REDIS_POOL_H

#include <hiredis/hiredis.h>

struct redis_pool;
struct redis_conn;

/* The default of --redis-timeout (milliseconds). */
#define REDIS_TIMEOUT_MS_DEFAULT 250

/* timeout_ms bounds connecting, every command and waiting for a free slot.
 * Connections are non-blocking: hiredis builds and parses, the waits are
 * io_wait_fd (http/fiber.h), so in a request fiber the event loop goes on. A command that misses it
 * (or a connection error) breaks the slot (the request answers 503) and marks Redis down: requests
 * get 503 at once until a background probe (PING) answers (db/dep_guard.h). */
struct redis_pool *redis_pool_new(const char *host, int port, int db, int size, int timeout_ms);
void redis_pool_free(struct redis_pool *pool);

/* NULL when Redis is unreachable or no slot got free in time (answer 503). */
struct redis_conn *redis_acquire(struct redis_pool *pool);
void redis_release(struct redis_pool *pool, struct redis_conn *c);

/* redisCommand on the slot; NULL (and the slot marked broken) on a connection
 * error. The caller frees the reply with freeReplyObject. */
redisReply *redis_cmd(struct redis_conn *c, const char *fmt, ...);
/* For pipelines: append, then fetch replies one by one (NULL = connection lost). */
int redis_append(struct redis_conn *c, const char *fmt, ...);
redisReply *redis_get_reply(struct redis_conn *c);

int redis_pool_in_use(struct redis_pool *pool);
/* 1 while Redis is marked down. */
int redis_pool_down(struct redis_pool *pool);

#endif
