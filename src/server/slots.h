/* Fixed-size slot reservation shared by the PostgreSQL and Redis pools: which
 * slots are taken, waiting (with a deadline) for one to be given back. The
 * pools keep their connections in arrays indexed by slot number. */
#ifndef BENCHLAB_SERVER_SLOTS_H
#define BENCHLAB_SERVER_SLOTS_H

#include <pthread.h>

struct slot_waiter;

struct slots {
    pthread_mutex_t mu;
    pthread_cond_t freed;
    /* Request fibers waiting for a slot (http/fiber.h), first come first
     * served: a slot given back goes straight to the first of them. */
    struct slot_waiter *waiters, *waiters_tail;
    unsigned char *taken;
    int size;
    int in_use;
};

/* 0, or -1 when out of memory. */
int slots_init(struct slots *s, int size);
void slots_destroy(struct slots *s);
/* The index of a free slot, now taken; -1 when none was given back within
 * timeout_ms. In a request fiber the event loop goes on while it waits. */
int slots_take(struct slots *s, int timeout_ms);
void slots_give(struct slots *s, int index);
int slots_in_use(struct slots *s);

#endif
