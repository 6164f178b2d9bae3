#include "server/http/deferred.h"

#include "common/clock.h"
#include "common/log.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BODY_MAX 512
#define BUCKETS 4096

/* Client address -> MHD connection, for every open connection. */
struct conn_entry {
    struct conn_entry *next;
    uint32_t addr;
    uint16_t port;
    struct MHD_Connection *conn;
};

/* A suspended connection waiting for its deadline. */
struct waiter {
    struct waiter *next;
    uint64_t deadline_ns;
    struct MHD_Connection *conn;
};

/* The body of a deferred response, built on the first read after resume. */
struct deferred_body {
    uint64_t start_ns;
    deferred_body_fn fn;
    size_t len;
    int built;
    char buf[BODY_MAX];
};

static struct {
    int use_suspend;
    int running;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct waiter *head, *tail;
    pthread_mutex_t conns_mu;
    struct conn_entry *conns[BUCKETS];
} D = {.mu = PTHREAD_MUTEX_INITIALIZER, .conns_mu = PTHREAD_MUTEX_INITIALIZER};

static unsigned bucket(uint32_t addr, uint16_t port) {
    return (addr * 2654435761u ^ port * 40503u) % BUCKETS;
}

static int addr_key(const struct sockaddr *sa, uint32_t *addr, uint16_t *port) {
    if (sa == NULL || sa->sa_family != AF_INET)
        return -1;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    *addr = in->sin_addr.s_addr;
    *port = in->sin_port;
    return 0;
}

void deferred_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                                enum MHD_ConnectionNotificationCode toe) {
    (void)cls;
    (void)socket_context;
    if (!D.use_suspend)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    uint32_t addr;
    uint16_t port;
    if (ci == NULL || addr_key(ci->client_addr, &addr, &port) != 0)
        return;
    unsigned b = bucket(addr, port);
    pthread_mutex_lock(&D.conns_mu);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        struct conn_entry *e = malloc(sizeof *e);
        if (e != NULL) {
            *e = (struct conn_entry){D.conns[b], addr, port, conn};
            D.conns[b] = e;
        }
    } else {
        for (struct conn_entry **pp = &D.conns[b]; *pp; pp = &(*pp)->next)
            if ((*pp)->conn == conn) {
                struct conn_entry *e = *pp;
                *pp = e->next;
                free(e);
                break;
            }
    }
    pthread_mutex_unlock(&D.conns_mu);
}

static struct MHD_Connection *find_conn(const struct sockaddr *sa) {
    uint32_t addr;
    uint16_t port;
    if (addr_key(sa, &addr, &port) != 0)
        return NULL;
    struct MHD_Connection *found = NULL;
    pthread_mutex_lock(&D.conns_mu);
    for (struct conn_entry *e = D.conns[bucket(addr, port)]; e; e = e->next)
        if (e->addr == addr && e->port == port) {
            found = e->conn;
            break;
        }
    pthread_mutex_unlock(&D.conns_mu);
    return found;
}

static void *timer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&D.mu);
    while (D.running || D.head != NULL) {
        if (D.head == NULL) {
            pthread_cond_wait(&D.cv, &D.mu);
            continue;
        }
        uint64_t now = clock_mono_ns();
        if (D.running && D.head->deadline_ns > now) {
            uint64_t wait = D.head->deadline_ns - now;
#ifdef __APPLE__
            /* no pthread_condattr_setclock there: wait the relative time */
            struct timespec rel = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
            pthread_cond_timedwait_relative_np(&D.cv, &D.mu, &rel);
#else
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(wait / 1000000000u);
            ts.tv_nsec += (long)(wait % 1000000000u);
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&D.cv, &D.mu, &ts);
#endif
            continue;
        }
        struct waiter *w = D.head;
        D.head = w->next;
        if (D.head == NULL)
            D.tail = NULL;
        pthread_mutex_unlock(&D.mu);
        MHD_resume_connection(w->conn);
        free(w);
        pthread_mutex_lock(&D.mu);
    }
    pthread_mutex_unlock(&D.mu);
    return NULL;
}

int deferred_init(int use_suspend) {
    D.use_suspend = use_suspend;
    if (!use_suspend)
        return 0;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
#ifndef __APPLE__
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
#endif
    pthread_cond_init(&D.cv, &ca);
    pthread_condattr_destroy(&ca);
    D.running = 1;
    if (pthread_create(&D.thread, NULL, timer_main, NULL) != 0) {
        D.running = 0;
        D.use_suspend = 0;
        return -1;
    }
    return 0;
}

void deferred_shutdown(void) {
    if (!D.use_suspend)
        return;
    pthread_mutex_lock(&D.mu);
    D.running = 0;
    pthread_cond_signal(&D.cv);
    pthread_mutex_unlock(&D.mu);
    pthread_join(D.thread, NULL);
    pthread_cond_destroy(&D.cv);
    pthread_mutex_lock(&D.conns_mu);
    for (int i = 0; i < BUCKETS; i++)
        while (D.conns[i]) {
            struct conn_entry *e = D.conns[i];
            D.conns[i] = e->next;
            free(e);
        }
    pthread_mutex_unlock(&D.conns_mu);
    D.use_suspend = 0;
}

static ssize_t body_reader(void *cls, uint64_t pos, char *out, size_t max) {
    struct deferred_body *b = cls;
    if (!b->built) {
        /* Rebuild with the measured wait; the length was announced already, so
         * pad with spaces (valid JSON whitespace) or keep the first version. */
        char tmp[BODY_MAX];
        double waited = (double)(clock_mono_ns() - b->start_ns) / 1e6;
        size_t n = b->fn(waited, tmp, sizeof tmp);
        if (n <= b->len) {
            memcpy(b->buf, tmp, n);
            memset(b->buf + n, ' ', b->len - n);
        }
        b->built = 1;
    }
    if (pos >= b->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = b->len - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(out, b->buf + pos, n);
    return (ssize_t)n;
}

int deferred_reply(const struct _u_request *req, struct _u_response *resp, int delay_ms,
                   deferred_body_fn fn) {
    uint64_t start = clock_mono_ns();
    u_map_put(resp->map_header, "Content-Type", "application/json");
    struct MHD_Connection *conn = D.use_suspend ? find_conn(req->client_address) : NULL;
    if (conn == NULL) {
        /* Thread-per-connection (or an address we cannot map): wait in place. */
        struct timespec ts = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
        char buf[BODY_MAX];
        size_t n = fn((double)(clock_mono_ns() - start) / 1e6, buf, sizeof buf);
        ulfius_set_binary_body_response(resp, 200, buf, n);
        return U_CALLBACK_COMPLETE;
    }
    struct deferred_body *b = calloc(1, sizeof *b);
    struct waiter *w = malloc(sizeof *w);
    if (b == NULL || w == NULL) {
        free(b);
        free(w);
        resp->status = 503;
        return U_CALLBACK_COMPLETE;
    }
    b->start_ns = start;
    b->fn = fn;
    b->len = fn(0.0, b->buf, sizeof b->buf);
    if (ulfius_set_stream_response(resp, 200, body_reader, free, b->len, BODY_MAX, b) != U_OK) {
        free(b);
        free(w);
        resp->status = 503;
        return U_CALLBACK_COMPLETE;
    }
    /* The response is queued by ulfius when we return; MHD sends it once the
     * timer thread resumes the connection. */
    w->next = NULL;
    w->conn = conn;
    w->deadline_ns = start + (uint64_t)delay_ms * 1000000u;
    pthread_mutex_lock(&D.mu);
    if (!D.running) {
        /* Shutting down: the timer thread is gone; answer without waiting. */
        pthread_mutex_unlock(&D.mu);
        free(w);
        return U_CALLBACK_COMPLETE;
    }
    MHD_suspend_connection(conn);
    /* Deadlines are now + a fixed delay, so appending keeps the list sorted
     * unless delays differ; insert in order to stay correct either way. */
    if (D.tail == NULL || D.tail->deadline_ns <= w->deadline_ns) {
        if (D.tail)
            D.tail->next = w;
        else
            D.head = w;
        D.tail = w;
    } else {
        struct waiter **pp = &D.head;
        while ((*pp)->deadline_ns <= w->deadline_ns)
            pp = &(*pp)->next;
        w->next = *pp;
        *pp = w;
    }
    pthread_cond_signal(&D.cv);
    pthread_mutex_unlock(&D.mu);
    return U_CALLBACK_COMPLETE;
}
