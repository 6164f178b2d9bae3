/* Fixed-size slot reservation shared by the PostgreSQL and Redis pools: which
 * slots are taken, waiting (with a deadline) for one to be given back. The
 * pools keep their connections in arrays indexed by slot number. */
#ifndef BENCHLAB_SERVER_SLOTS_H
#define BENCHLAB_SERVER_SLOTS_H

#include <pthread.h>

struct slots {
    pthread_mutex_t mu;
    pthread_cond_t freed;
    unsigned char *taken;
    int size;
    int in_use;
};

/* 0, or -1 when out of memory. */
int slots_init(struct slots *s, int size);
void slots_destroy(struct slots *s);
/* The index of a free slot, now taken; -1 when none was given back within timeout_ms. */
int slots_take(struct slots *s, int timeout_ms);
void slots_give(struct slots *s, int index);
int slots_in_use(struct slots *s);

#endif
