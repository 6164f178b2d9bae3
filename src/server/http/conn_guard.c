#include "server/http/conn_guard.h"

#include "common/clock.h"
#include "common/log.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

enum list { L_NEW, L_NEXT, L_BODY, L_BUSY, L_COUNT };

struct entry {
    struct entry *prev, *next;
    enum list list;
    int fd;
    int shut;             /* shut down by the guard: out of every list's deadline */
    int in_request;       /* the access handler was called for the current request */
    uint64_t deadline_ns; /* 0 = none */
};

static struct {
    pthread_mutex_t mu;
    struct entry *head[L_COUNT], *tail[L_COUNT];
    uint64_t offset_ns[L_COUNT]; /* deadline offset per list, 0 = none */
    unsigned open, high_water;
    unsigned long header_deadline, body_deadline, evicted;
    int running;
    pthread_t thread;
} G = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void unlink_entry(struct entry *e) {
    if (e->prev)
        e->prev->next = e->next;
    else
        G.head[e->list] = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        G.tail[e->list] = e->prev;
    e->prev = e->next = NULL;
}

/* Appends e to list l with the list's deadline from now (caller holds mu). */
static void push(struct entry *e, enum list l, uint64_t now) {
    e->list = l;
    e->deadline_ns = G.offset_ns[l] && !e->shut ? now + G.offset_ns[l] : 0;
    e->prev = G.tail[l];
    e->next = NULL;
    if (G.tail[l])
        G.tail[l]->next = e;
    else
        G.head[l] = e;
    G.tail[l] = e;
}

static void move(struct entry *e, enum list l, uint64_t now) {
    unlink_entry(e);
    push(e, l, now);
}

/* Shuts e's socket down: libmicrohttpd reads end of file and closes it. */
static void shut(struct entry *e) {
    if (!e->shut && e->fd >= 0)
        shutdown(e->fd, SHUT_RDWR);
    e->shut = 1;
    e->deadline_ns = 0;
    move(e, L_BUSY, 0); /* out of the way of later scans */
}

static struct entry *entry_of(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci != NULL ? ci->socket_context : NULL;
}

static void *timer_main(void *arg) {
    (void)arg;
    for (;;) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&G.mu);
        if (!G.running) {
            pthread_mutex_unlock(&G.mu);
            return NULL;
        }
        uint64_t now = clock_mono_ns();
        for (int l = L_NEW; l <= L_BODY; l++) {
            struct entry *e;
            while ((e = G.head[l]) != NULL && e->deadline_ns != 0 && e->deadline_ns <= now) {
                if (l == L_BODY)
                    G.body_deadline++;
                else
                    G.header_deadline++;
                shut(e);
            }
        }
        pthread_mutex_unlock(&G.mu);
    }
}

int conn_guard_init(const struct conn_guard_limits *l) {
    pthread_mutex_lock(&G.mu);
    for (int i = 0; i < L_COUNT; i++)
        G.head[i] = G.tail[i] = NULL;
    uint64_t s = 1000000000ull;
    G.offset_ns[L_NEW] = l->header_timeout * s;
    G.offset_ns[L_NEXT] =
        l->header_timeout ? (uint64_t)(l->header_timeout + l->conn_timeout) * s : 0;
    G.offset_ns[L_BODY] = l->body_timeout * s;
    G.offset_ns[L_BUSY] = 0;
    unsigned margin = l->max_conns / 16 < 2 ? 2 : l->max_conns / 16;
    G.high_water = l->max_conns > margin ? l->max_conns - margin : 1;
    G.open = 0;
    G.header_deadline = G.body_deadline = G.evicted = 0;
    G.running = 1;
    int rc = pthread_create(&G.thread, NULL, timer_main, NULL);
    if (rc != 0)
        G.running = 0;
    pthread_mutex_unlock(&G.mu);
    return rc == 0 ? 0 : -1;
}

void conn_guard_stop(void) {
    pthread_mutex_lock(&G.mu);
    int was = G.running;
    G.running = 0;
    pthread_mutex_unlock(&G.mu);
    if (was)
        pthread_join(G.thread, NULL);
}

void conn_guard_notify(struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe) {
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        struct entry *e = calloc(1, sizeof *e);
        *socket_context = e;
        if (e == NULL)
            return; /* not guarded; libmicrohttpd's idle timer still applies */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        e->fd = ci != NULL ? ci->connect_fd : -1;
        pthread_mutex_lock(&G.mu);
        push(e, L_NEW, clock_mono_ns());
        if (++G.open >= G.high_water) {
            /* Make room: the oldest connection waiting for its headers (a
             * kept-alive idle one first), never the one just accepted. */
            static const enum list order[] = {L_NEXT, L_NEW, L_BODY};
            for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
                struct entry *v = G.head[order[i]];
                if (v != NULL && v != e) {
                    G.evicted++;
                    shut(v);
                    break;
                }
            }
        }
        pthread_mutex_unlock(&G.mu);
        return;
    }
    struct entry *e = *socket_context;
    if (e == NULL)
        return;
    pthread_mutex_lock(&G.mu);
    unlink_entry(e);
    G.open--;
    pthread_mutex_unlock(&G.mu);
    free(e);
    *socket_context = NULL;
}

int conn_guard_begin(struct MHD_Connection *conn) {
    struct entry *e = entry_of(conn);
    if (e == NULL)
        return -1;
    pthread_mutex_lock(&G.mu);
    int first = !e->in_request;
    e->in_request = 1;
    if (first && !e->shut)
        move(e, L_BUSY, 0);
    pthread_mutex_unlock(&G.mu);
    return first;
}

void conn_guard_expect_body(struct MHD_Connection *conn) {
    struct entry *e = entry_of(conn);
    if (e == NULL)
        return;
    pthread_mutex_lock(&G.mu);
    if (e->list == L_BUSY && !e->shut)
        move(e, L_BODY, clock_mono_ns());
    pthread_mutex_unlock(&G.mu);
}

void conn_guard_body_done(struct MHD_Connection *conn) {
    struct entry *e = entry_of(conn);
    if (e == NULL)
        return;
    pthread_mutex_lock(&G.mu);
    if (e->list == L_BODY)
        move(e, L_BUSY, 0);
    pthread_mutex_unlock(&G.mu);
}

void conn_guard_request_completed(struct MHD_Connection *conn) {
    struct entry *e = entry_of(conn);
    if (e == NULL)
        return;
    pthread_mutex_lock(&G.mu);
    e->in_request = 0;
    if (!e->shut)
        move(e, L_NEXT, clock_mono_ns());
    pthread_mutex_unlock(&G.mu);
}

void conn_guard_stats(struct conn_guard_stats *out) {
    pthread_mutex_lock(&G.mu);
    out->header_deadline = G.header_deadline;
    out->body_deadline = G.body_deadline;
    out->evicted = G.evicted;
    out->open = G.open;
    pthread_mutex_unlock(&G.mu);
}
