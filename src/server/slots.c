#include "server/slots.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int slots_init(struct slots *s, int size) {
    s->taken = calloc((size_t)size, 1);
    if (s->taken == NULL)
        return -1;
    s->size = size;
    s->in_use = 0;
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

int slots_take(struct slots *s, int timeout_ms) {
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
        for (int i = 0; i < s->size; i++)
            if (!s->taken[i]) {
                s->taken[i] = 1;
                s->in_use++;
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
