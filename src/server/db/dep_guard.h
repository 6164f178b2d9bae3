/* Fail fast while a dependency (PostgreSQL, Redis) is stalled or down.
 *
 * A pool trips its guard when a call misses its deadline or a connection
 * cannot be opened in time. While tripped, requests get their 503 at once
 * instead of each waiting out a deadline (with one event-loop thread, those
 * waits would add up and hold /health too). A background thread probes the
 * dependency (a fresh connection and a trivial command, both within the
 * deadline) every DEP_GUARD_PROBE_MS and clears the guard when one succeeds,
 * so the server recovers on its own without any request paying for a probe. */
#ifndef BENCHLAB_SERVER_DB_DEP_GUARD_H
#define BENCHLAB_SERVER_DB_DEP_GUARD_H

#include <pthread.h>
#include <stdatomic.h>

#define DEP_GUARD_PROBE_MS 200

/* 0 when the dependency answered the probe. */
typedef int (*dep_probe_fn)(void *cls);

struct dep_guard {
    atomic_int down;
    const char *name; /* for the log */
    dep_probe_fn probe;
    void *cls;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stop, started;
    pthread_t thread;
};

/* Starts the probe thread (idle until the guard trips). 0 or -1. */
int dep_guard_start(struct dep_guard *g, const char *name, dep_probe_fn probe, void *cls);
/* Stops the thread; safe on a guard that never started. */
void dep_guard_stop(struct dep_guard *g);
/* Marks the dependency down (idempotent; logs the first time). */
void dep_guard_trip(struct dep_guard *g);
/* 1 while tripped. One atomic load. */
static inline int dep_guard_down(struct dep_guard *g) {
    return atomic_load_explicit(&g->down, memory_order_relaxed);
}

#endif
