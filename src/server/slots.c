#include "server/slots.h"

#include "common/clock.h"
#include "server/http/fiber.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int slots_init(struct slots *s, int size) {
    s->taken = calloc((size_t)size, 1);
    if (s->taken == NULL)
        return -1;
    s->size = size;
    s->in_use = 0;
    s->waiters = s->waiters_tail = NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->freed, NULL);
    return 0;
}

void slots_destroy(struct slots *s) {
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->freed);
    free(s->taken);
    s->taken = NULL;
}

struct slot_waiter {
    struct slot_waiter *next;
    struct fiber *fiber;
    int index; /* the slot handed over, -1 none yet */
};

static int take_free(struct slots *s) {
    for (int i = 0; i < s->size; i++)
        if (!s->taken[i]) {
            s->taken[i] = 1;
            s->in_use++;
            return i;
        }
    return -1;
}

/* In a fiber: queue, park until a slot is handed over or the deadline. */
static int take_in_fiber(struct slots *s, struct fiber *f, int timeout_ms) {
    pthread_mutex_lock(&s->mu);
    int i = s->waiters == NULL ? take_free(s) : -1;
    if (i >= 0) {
        pthread_mutex_unlock(&s->mu);
        return i;
    }
    struct slot_waiter w = {NULL, f, -1};
    if (s->waiters_tail != NULL)
        s->waiters_tail->next = &w;
    else
        s->waiters = &w;
    s->waiters_tail = &w;
    pthread_mutex_unlock(&s->mu);
    fiber_park(clock_mono_ns() + (uint64_t)timeout_ms * 1000000ull);
    pthread_mutex_lock(&s->mu);
    if (w.index < 0) { /* deadline or abandoned: leave the queue */
        struct slot_waiter *prev = NULL;
        for (struct slot_waiter *p = s->waiters; p != NULL; prev = p, p = p->next)
            if (p == &w) {
                if (prev != NULL)
                    prev->next = w.next;
                else
                    s->waiters = w.next;
                if (s->waiters_tail == &w)
                    s->waiters_tail = prev;
                break;
            }
    }
    pthread_mutex_unlock(&s->mu);
    return w.index;
}

int slots_take(struct slots *s, int timeout_ms) {
    struct fiber *f = fiber_self();
    if (f != NULL)
        return take_in_fiber(s, f, timeout_ms);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    for (;;) {
        int i = take_free(s);
        if (i >= 0) {
            pthread_mutex_unlock(&s->mu);
            return i;
        }
        if (pthread_cond_timedwait(&s->freed, &s->mu, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&s->mu);
            return -1;
        }
    }
}

void slots_give(struct slots *s, int index) {
    pthread_mutex_lock(&s->mu);
    struct slot_waiter *w = s->waiters;
    if (w != NULL) { /* straight to the first waiting fiber, still taken */
        s->waiters = w->next;
        if (s->waiters == NULL)
            s->waiters_tail = NULL;
        w->index = index;
        struct fiber *f = w->fiber; /* w lives on f's stack: read it before waking */
        pthread_mutex_unlock(&s->mu);
        fiber_wake(f);
        return;
    }
    s->taken[index] = 0;
    s->in_use--;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->mu);
}

int slots_in_use(struct slots *s) {
    pthread_mutex_lock(&s->mu);
    int n = s->in_use;
    pthread_mutex_unlock(&s->mu);
    return n;
}
