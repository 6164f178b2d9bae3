#include "server/http/suspended.h"

#include <stdint.h>
#include <stdlib.h>

static unsigned bucket(const struct MHD_Connection *conn) {
    return (unsigned)(((uintptr_t)conn >> 4) % SUSPENDED_BUCKETS);
}

struct suspended *suspended_find(struct suspended_table *t, const struct MHD_Connection *conn) {
    for (struct suspended *s = t->buckets[bucket(conn)]; s; s = s->next)
        if (s->conn == conn)
            return s;
    return NULL;
}

struct suspended *suspended_add(struct suspended_table *t, struct MHD_Connection *conn,
                                size_t size) {
    struct suspended *s = calloc(1, size);
    if (s == NULL)
        return NULL;
    s->conn = conn;
    s->phase = SUSPENDED_RECEIVING;
    s->next = t->buckets[bucket(conn)];
    t->buckets[bucket(conn)] = s;
    atomic_fetch_add(&t->count, 1);
    return s;
}

void suspended_unlink(struct suspended_table *t, struct suspended *s) {
    for (struct suspended **pp = &t->buckets[bucket(s->conn)]; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            atomic_fetch_sub(&t->count, 1);
            return;
        }
}

int suspended_done(struct suspended_table *t, struct suspended *s) {
    pthread_mutex_lock(&t->mu);
    if (s->orphaned) {
        pthread_mutex_unlock(&t->mu);
        return 0;
    }
    s->phase = SUSPENDED_DONE;
    struct MHD_Connection *conn = s->conn;
    pthread_mutex_unlock(&t->mu);
    /* The connection stays open while suspended: MHD closes suspended
     * connections only when the daemon stops, after the calls stopped. */
    MHD_resume_connection(conn);
    return 1;
}

void suspended_completed(struct suspended_table *t, const struct MHD_Connection *conn,
                         suspended_free_fn free_entry) {
    if (atomic_load(&t->count) == 0)
        return;
    pthread_mutex_lock(&t->mu);
    struct suspended *s = suspended_find(t, conn);
    if (s != NULL) {
        suspended_unlink(t, s);
        if (s->phase == SUSPENDED_WAITING)
            s->orphaned = 1;
        else
            free_entry(s);
    }
    pthread_mutex_unlock(&t->mu);
}

int suspended_drain(struct suspended_table *t, suspended_free_fn free_entry) {
    int waiting = 0;
    pthread_mutex_lock(&t->mu);
    for (int i = 0; i < SUSPENDED_BUCKETS; i++)
        while (t->buckets[i] != NULL) {
            struct suspended *s = t->buckets[i];
            t->buckets[i] = s->next;
            atomic_fetch_sub(&t->count, 1);
            if (s->phase == SUSPENDED_WAITING)
                waiting++;
            else
                free_entry(s);
        }
    pthread_mutex_unlock(&t->mu);
    return waiting;
}
