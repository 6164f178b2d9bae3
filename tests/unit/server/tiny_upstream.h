/* A tiny HTTP upstream for the server's unit tests, on a loopback port the
 * kernel picks: one thread per connection, Connection: close. ANSWER waits
 * delay_ms then answers {"ok":true}; SILENT reads and never answers; HUGE
 * answers 2 x UPSTREAM_MAX_BYTES. Header-only: each test_*.c links alone. */
#ifndef BENCHLAB_TESTS_UNIT_SERVER_TINY_UPSTREAM_H
#define BENCHLAB_TESTS_UNIT_SERVER_TINY_UPSTREAM_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/http/upstream_client.h"

enum mode { ANSWER, SILENT, HUGE };

struct upstream {
    int fd, port;
    enum mode mode;
    int delay_ms;
    pthread_t thread;
};

struct conn_arg {
    int fd;
    struct upstream *up;
};

static inline void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline void *serve_conn(void *arg) {
    struct conn_arg *ca = arg;
    char buf[4096];
    size_t got = 0;
    while (got < sizeof buf - 1) {
        ssize_t n = read(ca->fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL)
            break;
    }
    if (ca->up->mode == SILENT) {
        while (read(ca->fd, buf, sizeof buf) > 0) /* until the client gives up */
            ;
    } else if (ca->up->mode == HUGE) {
        size_t size = 2 * UPSTREAM_MAX_BYTES;
        char *body = malloc(size);
        memset(body, 'x', size);
        dprintf(ca->fd, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                size);
        for (size_t off = 0; off < size;) {
            ssize_t n = write(ca->fd, body + off, size - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        free(body);
    } else {
        sleep_ms(ca->up->delay_ms);
        const char *body = "{\"ok\":true}";
        dprintf(ca->fd,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                "%zu\r\nConnection: close\r\n\r\n%s",
                strlen(body), body);
    }
    close(ca->fd);
    free(ca);
    return NULL;
}

static inline void *accept_loop(void *arg) {
    struct upstream *up = arg;
    for (;;) {
        int fd = accept(up->fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* listening socket shut down */
        struct conn_arg *ca = malloc(sizeof *ca);
        ca->fd = fd;
        ca->up = up;
        pthread_t t;
        pthread_create(&t, NULL, serve_conn, ca);
        pthread_detach(t);
    }
}

static inline void upstream_up(struct upstream *up, enum mode mode, int delay_ms) {
    up->mode = mode;
    up->delay_ms = delay_ms;
    up->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    assert_int_equal(bind(up->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(up->fd, 64), 0);
    assert_int_equal(getsockname(up->fd, (struct sockaddr *)&sa, &sl), 0);
    up->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&up->thread, NULL, accept_loop, up), 0);
}

static inline void upstream_down(struct upstream *up) {
    shutdown(up->fd, SHUT_RDWR);
    pthread_join(up->thread, NULL);
    close(up->fd);
    sleep_ms(50); /* connection threads finish writing */
}

static inline void url_of(const struct upstream *up, char *url, size_t len) {
    snprintf(url, len, "http://127.0.0.1:%d/", up->port);
}

#endif
