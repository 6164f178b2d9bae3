/* The load engine: one libev loop per thread, VUs each owning one keep-alive
 * connection, closed (constant VUs) and open (constant arrival rate) models,
 * and a "once" mode that runs a list of requests on one VU (setup, teardown,
 * verify). */
#ifndef BENCHLAB_LOAD_ENGINE_H
#define BENCHLAB_LOAD_ENGINE_H

#include <stdatomic.h>
#include <stdint.h>

#include "load/scenario.h"
#include "load/stats.h"

/* How the load phase does its socket I/O (docs/scenarios.md, "I/O"). */
enum engine_io { ENGINE_IO_AUTO, ENGINE_IO_EPOLL, ENGINE_IO_URING };

typedef struct engine_opts {
    int threads;
    int progress;   /* live line on stderr */
    int timeseries; /* collect per-second data */
    int io;         /* enum engine_io (resolved: EPOLL or URING; AUTO means epoll) */
} engine_opts_t;

typedef struct engine_result {
    stats_t st;        /* merged over threads */
    double duration_s; /* wall time of the load phase */
    int64_t start_unix_ms;
    int threads;
    int interrupted; /* stopped early by a signal */
    int io;          /* enum engine_io the load phase used (EPOLL when a ring failed) */
} engine_result_t;

/* Resolves the scenario's address; returns 0 or -1 with a message on stderr. */
int engine_resolve(const scenario_t *s);

/* Runs the load phase with the scenario's current vus/duration/iterations/rate.
 * vars: values after setup (copied into every VU). Returns 0, or -1 on failure. */
int engine_run(const scenario_t *s, const engine_opts_t *o, char *const *vars,
               engine_result_t *res);

/* Runs list[0..n) once, in order, on one connection, with VU number `vu`.
 * vars (in/out): variable values, updated by extractions. When verbose, prints
 * each failed check/request to stderr. stats: sized by the caller for the list's
 * ids (may be NULL). Returns the number of failed requests + failed checks. */
int engine_once(const scenario_t *s, const request_t *const *list, size_t n, int vu, char **vars,
                int verbose, stats_t *stats);

/* Parses "uring", "epoll" or "auto"; -1 when none of them. */
int engine_io_parse(const char *name);
/* AUTO -> epoll. URING -> uring when this build and kernel support it; else
 * says so on stderr and returns epoll. */
int engine_io_resolve(int io);
const char *engine_io_name(int io);

/* Asks a running engine_run to stop early (signal handler safe). */
void engine_interrupt(void);

#endif
