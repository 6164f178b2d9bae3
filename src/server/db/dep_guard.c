#include "server/db/dep_guard.h"

#include "common/log.h"

#include <time.h>

static void *probe_loop(void *arg) {
    struct dep_guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        if (!atomic_load(&g->down)) {
            pthread_cond_wait(&g->wake, &g->mu);
            continue;
        }
        pthread_mutex_unlock(&g->mu);
        int ok = g->probe(g->cls) == 0;
        pthread_mutex_lock(&g->mu);
        if (ok) {
            atomic_store(&g->down, 0);
            LOG_W("%s: answering again", g->name);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += DEP_GUARD_PROBE_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!g->stop)
            pthread_cond_timedwait(&g->wake, &g->mu, &until);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int dep_guard_start(struct dep_guard *g, const char *name, dep_probe_fn probe, void *cls) {
    atomic_init(&g->down, 0);
    g->name = name;
    g->probe = probe;
    g->cls = cls;
    g->stop = 0;
    g->started = 0;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->thread, NULL, probe_loop, g) != 0) {
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->wake);
        return -1;
    }
    g->started = 1;
    return 0;
}

void dep_guard_stop(struct dep_guard *g) {
    if (!g->started)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->wake);
    g->started = 0;
}

void dep_guard_trip(struct dep_guard *g) {
    if (!g->started || atomic_exchange(&g->down, 1))
        return;
    LOG_W("%s: stalled or unreachable, answering 503 until a probe succeeds", g->name);
    pthread_mutex_lock(&g->mu);
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->mu);
}
