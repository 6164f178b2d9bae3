/* The bookkeeping shared by the requests that wait, suspended, for an
 * asynchronous call (GET /external/http, the request fibers of
 * http/fiber.h): one entry per request, found by its connection (MHD runs
 * one request at a time per connection), through the phases RECEIVING (between
 * the first and the final access-handler call), WAITING (suspended; the call
 * runs) and DONE (the call ended; resumed, the next handler call answers).
 * Callers put struct suspended first in their own entry. */
#ifndef BENCHLAB_SERVER_HTTP_SUSPENDED_H
#define BENCHLAB_SERVER_HTTP_SUSPENDED_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

enum suspended_phase { SUSPENDED_RECEIVING, SUSPENDED_WAITING, SUSPENDED_DONE };

struct suspended {
    struct suspended *next;
    struct MHD_Connection *conn;
    enum suspended_phase phase;
    int orphaned; /* the request ended while WAITING: the call's end frees it */
};

#define SUSPENDED_BUCKETS 1024

struct suspended_table {
    pthread_mutex_t mu;
    struct suspended *buckets[SUSPENDED_BUCKETS];
    atomic_int count; /* entries in buckets */
};

#define SUSPENDED_TABLE_INIT                                                                       \
    { .mu = PTHREAD_MUTEX_INITIALIZER }

/* Frees an entry and what it holds. */
typedef void (*suspended_free_fn)(struct suspended *s);

/* With t->mu held: conn's entry, or NULL. */
struct suspended *suspended_find(struct suspended_table *t, const struct MHD_Connection *conn);
/* With t->mu held: a new zeroed entry of size bytes (RECEIVING) for conn, in
 * the table; NULL when out of memory. */
struct suspended *suspended_add(struct suspended_table *t, struct MHD_Connection *conn,
                                size_t size);
/* With t->mu held: takes s out of the table. */
void suspended_unlink(struct suspended_table *t, struct suspended *s);

/* The call's end, with the outcome already stored in the entry: DONE, and the
 * connection resumed. Returns 0 when the request ended meanwhile (the caller
 * then frees the entry). */
int suspended_done(struct suspended_table *t, struct suspended *s);

/* MHD's request-completed notification: drops conn's entry (freed now, or by
 * the call's end when WAITING). */
void suspended_completed(struct suspended_table *t, const struct MHD_Connection *conn,
                         suspended_free_fn free_entry);

/* After the calls stopped: empties the table, freeing the entries not
 * WAITING; returns how many were still WAITING (left to their calls). */
int suspended_drain(struct suspended_table *t, suspended_free_fn free_entry);

#endif
