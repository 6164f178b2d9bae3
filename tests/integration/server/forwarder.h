/* A TCP forwarder the resilience test puts between benchlab-server and
 * PostgreSQL/Redis. fwd_set_down(f, 1) cuts every connection and closes new
 * ones at once (the backend "goes away"); fwd_set_down(f, 0) brings it back.
 * The port stays bound throughout, so nothing else can take it meanwhile. */
#ifndef BENCHLAB_TESTS_SERVER_FORWARDER_H
#define BENCHLAB_TESTS_SERVER_FORWARDER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FWD_MAX_CONNS 64

struct forwarder {
    int port, target_port;
    int listen_fd;
    int stop_pipe[2]; /* wakes the thread: 'x' = exit, 'd' = state changed */
    volatile int down;
    pthread_t thread;
    pthread_mutex_t mu;
    int fds[FWD_MAX_CONNS][2]; /* client, backend; -1 when free */
};

static inline int fwd_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* One thread moves bytes both ways for every connection (poll over all). */
static inline void *fwd_main(void *arg) {
    struct forwarder *f = arg;
    char buf[16384];
    for (;;) {
        struct pollfd p[2 + 2 * FWD_MAX_CONNS];
        int slot[2 + 2 * FWD_MAX_CONNS], side[2 + 2 * FWD_MAX_CONNS];
        int n = 0;
        p[n++] = (struct pollfd){f->stop_pipe[0], POLLIN, 0};
        p[n++] = (struct pollfd){f->listen_fd, POLLIN, 0};
        pthread_mutex_lock(&f->mu);
        for (int i = 0; i < FWD_MAX_CONNS; i++)
            if (f->fds[i][0] >= 0)
                for (int s = 0; s < 2; s++) {
                    slot[n] = i;
                    side[n] = s;
                    p[n++] = (struct pollfd){f->fds[i][s], POLLIN, 0};
                }
        pthread_mutex_unlock(&f->mu);
        if (poll(p, (nfds_t)n, 1000) < 0)
            continue;
        if (p[0].revents) {
            char cmd = 'x';
            if (read(f->stop_pipe[0], &cmd, 1) != 1 || cmd == 'x')
                return NULL;
            if (f->down)
                for (int i = 0; i < FWD_MAX_CONNS; i++)
                    if (f->fds[i][0] >= 0) {
                        close(f->fds[i][0]);
                        close(f->fds[i][1]);
                        f->fds[i][0] = f->fds[i][1] = -1;
                    }
            continue;
        }
        if (p[1].revents & POLLIN) {
            int c = accept(f->listen_fd, NULL, NULL);
            if (f->down && c >= 0) {
                close(c);
                c = -1;
            }
            int b = c >= 0 ? fwd_connect(f->target_port) : -1;
            int placed = 0;
            for (int i = 0; b >= 0 && i < FWD_MAX_CONNS && !placed; i++)
                if (f->fds[i][0] < 0) {
                    f->fds[i][0] = c;
                    f->fds[i][1] = b;
                    placed = 1;
                }
            if (!placed) {
                if (c >= 0)
                    close(c);
                if (b >= 0)
                    close(b);
            }
        }
        for (int k = 2; k < n; k++) {
            if (!p[k].revents)
                continue;
            int i = slot[k], s = side[k];
            if (f->fds[i][0] < 0)
                continue;
            ssize_t r = read(f->fds[i][s], buf, sizeof buf);
            if (r <= 0 || write(f->fds[i][1 - s], buf, (size_t)r) != r) {
                close(f->fds[i][0]);
                close(f->fds[i][1]);
                f->fds[i][0] = f->fds[i][1] = -1;
            }
        }
    }
}

/* Listens on port (0 = pick one) and forwards to target_port; 0 on success. */
static inline int fwd_start(struct forwarder *f, int port, int target_port) {
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    for (int i = 0; i < FWD_MAX_CONNS; i++)
        f->fds[i][0] = f->fds[i][1] = -1;
    f->target_port = target_port;
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (bind(f->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(f->listen_fd, 64) != 0 ||
        getsockname(f->listen_fd, (struct sockaddr *)&sa, &sl) != 0 || pipe(f->stop_pipe) != 0) {
        close(f->listen_fd);
        return -1;
    }
    f->port = ntohs(sa.sin_port);
    return pthread_create(&f->thread, NULL, fwd_main, f) == 0 ? 0 : -1;
}

static inline void fwd_set_down(struct forwarder *f, int down) {
    f->down = down;
    if (write(f->stop_pipe[1], "d", 1) != 1)
        return;
    /* Let the thread act before the caller goes on. */
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
}

/* Stops listening and cuts every forwarded connection. */
static inline void fwd_stop(struct forwarder *f) {
    if (write(f->stop_pipe[1], "x", 1) != 1)
        return;
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    close(f->stop_pipe[0]);
    close(f->stop_pipe[1]);
    for (int i = 0; i < FWD_MAX_CONNS; i++)
        if (f->fds[i][0] >= 0) {
            close(f->fds[i][0]);
            close(f->fds[i][1]);
        }
    pthread_mutex_destroy(&f->mu);
}

#endif
