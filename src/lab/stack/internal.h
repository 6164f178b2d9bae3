/* Shared between the files of stack/; not part of the stack's interface
 * (stack.h). */
#ifndef BENCHLAB_LAB_STACK_INTERNAL_H
#define BENCHLAB_LAB_STACK_INTERNAL_H

#include <stdbool.h>

#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"

/* Formats st->err (printf-style). Always returns -1, for `return stack_fail(...)`. */
int stack_fail(lab_stack_t *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends "\n--- last lines of PATH ---\n<tail>" of the service's log to st->err. */
void stack_append_log_tail(lab_stack_t *st, lab_service_t svc);

/* st->addr[svc], or "127.0.0.1" when unset. */
const char *stack_addr(const lab_stack_t *st, lab_service_t svc);

/* A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0). -1 on error. */
int stack_free_port(void);

/* The user a service runs as: the hook's run_as_user, else the default
 * unprivileged user for PostgreSQL when root, else NULL (as we are). */
const char *stack_service_user(const lab_stack_t *st, lab_service_t svc);

/* True when svc runs in a docker/podman box (st->hooks[svc].box). */
bool stack_in_container(const lab_stack_t *st, lab_service_t svc);

/* How to spawn argv as service svc: fills opts (log_path stays the caller's)
 * and returns the argv to spawn: argv itself, or for a container box the
 * `ENGINE run ...` command line (*owned, free with box_free_argv), with the
 * stack directory (and a data directory outside it) mounted, the service's
 * user as --user, and no privilege drop or hook for the client. name_suffix
 * names a one-off container next to the service's ("-initdb"). NULL with
 * st->err on failure. */
char *const *stack_prepare_spawn(lab_stack_t *st, lab_service_t svc, char *const argv[],
                                 const char *cwd, const char *name_suffix, struct spawn_opts *opts,
                                 char ***owned);

/* The program for a service: $env_override when set, else by name (in the
 * image's PATH) for a container, else stack_find_program(name). */
int stack_program(const lab_stack_t *st, lab_service_t svc, const char *name,
                  const char *env_override, char *buf, size_t len);

/* Starts argv as service svc (hook, log DIR/<svc>.log truncated first, cwd)
 * and waits until probe(st) is true, the child exits, or the timeout passes.
 * On success records pid and writes the PID file and stack.env; on failure
 * stops the child and sets st->err with the log tail. *port_in_use is set when
 * the log says the port was taken (the caller retries with another port). */
int stack_spawn_and_wait(lab_stack_t *st, lab_service_t svc, char *const argv[], const char *cwd,
                         bool (*probe)(lab_stack_t *st), bool *port_in_use);

/* Rewrites DIR/stack.env from st (atomically). */
int stack_write_env(const lab_stack_t *st);

/* initdb's options after -D DIR (pg.c); part of the key of a seeded cluster
 * template (pg_template.c), so a change here never reuses an old template. */
#define STACK_PG_INITDB_OPTIONS                                                                    \
    "-U", "benchlab", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"

/* Probes. */
bool stack_probe_postgres(lab_stack_t *st);
bool stack_probe_redis(lab_stack_t *st);
bool stack_probe_http(const char *url, long *status); /* true when any HTTP answer came */

/* Directory holding schema.sql, seed.sql, reset_*.sql (see docs/stack.md). */
int stack_sql_dir(char *buf, size_t len);

/* Reads a whole file into a malloc'ed NUL-terminated string; NULL on error. */
char *stack_read_file(const char *path);

#endif
