/* The floor of `make bench-driver`: the least a client can do per request over
 * loopback TCP with the driver's syscalls (epoll_wait, send, one read per
 * response). CONNS connections each send a fixed GET and count a response per
 * read that returns data (the target's responses fit in one read); no parsing,
 * no checks, no timing. Prints the number of responses.
 *
 *   pingpong PORT PATH CONNS SECONDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: pingpong PORT PATH CONNS SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]), conns = atoi(argv[3]);
    double secs = atof(argv[4]);
    if (port <= 0 || conns <= 0 || conns > 10000 || !(secs > 0)) {
        fprintf(stderr, "pingpong: bad arguments\n");
        return 2;
    }
    char req[512];
    int len =
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", argv[2], port);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            perror("pingpong: connect");
            return 1;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len) {
            perror("pingpong: send");
            return 1;
        }
    }
    static char buf[65536];
    struct epoll_event evs[256];
    unsigned long long responses = 0;
    double end = now_s() + secs;
    while (now_s() < end) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                fprintf(stderr, "pingpong: connection lost\n");
                return 1;
            }
            responses++;
            if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len) {
                perror("pingpong: send");
                return 1;
            }
        }
    }
    printf("%llu\n", responses);
    return 0;
}
