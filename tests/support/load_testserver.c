/* A tiny programmable HTTP/1.1 server for the benchlab-load tests.
 *
 *   load_testserver [--close-after N] [--silent-close] [--stall-at-ms A --stall-ms S]
 *
 * Binds 127.0.0.1 on a free port, prints "PORT\n" on stdout, serves until
 * SIGTERM/SIGINT. Behaviour by path:
 *   /ok               200 {"status":"ok"}
 *   /json             200 a fixed document (items, posts, token, n)
 *   /status/NNN       status NNN, small JSON body
 *   /chunked          200 chunked JSON, sent in several writes
 *   /close            200 with "Connection: close", then closes
 *   /no-length        200 without Content-Length, body ends at close
 *   /malformed        a broken status line
 *   /early-close      closes without answering
 *   /reset            resets the connection (RST)
 *   /delay/MS         answers after MS milliseconds
 *   /hang             never answers
 *   /echo             200, the request body back (Content-Type copied)
 *   /headers          200 text/plain, the request head back
 *   /stats            200 {"served": requests answered before this one}
 * --close-after N: every connection is closed after N responses ("Connection:
 * close" on the last one, or no header at all with --silent-close).
 * --stall-at-ms A --stall-ms S: responses due in [first+A, first+A+S) are held
 * until first+A+S (first = the first request), i.e. the whole server stalls. */
#include <errno.h>
#include <ev.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/portable.h"

typedef struct conn {
    int fd;
    ev_io io;
    ev_timer delay;
    char in[1 << 16];
    size_t in_len;
    int served;
    int waiting; /* a response is pending (delay/hang/stall) */
    char *out;   /* pending response */
    size_t out_len;
    int close_after;
} conn_t;

static int close_after = 0, silent_close = 0;
static double stall_at = -1, stall_ms = 0;
static double first_req = -1;
static long served_total = 0;
static struct ev_loop *loop;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void conn_free(conn_t *c) {
    ev_io_stop(loop, &c->io);
    ev_timer_stop(loop, &c->delay);
    close(c->fd);
    free(c->out);
    free(c);
}

static void write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* the tests never need partial writes of big bodies */
        p += w;
        n -= (size_t)w;
    }
}

static void process(conn_t *c);

/* Sends the pending response; closes when asked. Returns 1 when the conn is gone. */
static int flush(conn_t *c) {
    write_all(c->fd, c->out, c->out_len);
    free(c->out);
    c->out = NULL;
    c->waiting = 0;
    served_total++;
    if (c->close_after) {
        conn_free(c);
        return 1;
    }
    return 0;
}

static void delay_cb(struct ev_loop *l, ev_timer *t, int revents) {
    (void)l;
    (void)revents;
    conn_t *c = t->data;
    if (flush(c) == 0)
        process(c);
}

/* Queues a response; delay_ms > 0 (or a stall) sends it later. */
static void respond(conn_t *c, int status, const char *ctype, const char *body, size_t blen,
                    int close_hdr, double delay_ms) {
    c->served++;
    int last = close_after && c->served >= close_after;
    char head[512];
    int n = snprintf(
        head, sizeof head, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
        status, ctype, blen, (close_hdr || (last && !silent_close)) ? "Connection: close\r\n" : "");
    c->out = malloc((size_t)n + blen);
    memcpy(c->out, head, (size_t)n);
    memcpy(c->out + n, body, blen);
    c->out_len = (size_t)n + blen;
    c->close_after = close_hdr || last;
    double now = now_ms();
    if (stall_at >= 0) {
        double s0 = first_req + stall_at, s1 = s0 + stall_ms;
        if (now >= s0 && now < s1 && now + delay_ms < s1)
            delay_ms = s1 - now;
    }
    if (delay_ms > 0) {
        c->waiting = 1;
        ev_timer_set(&c->delay, delay_ms / 1000.0, 0);
        ev_timer_start(loop, &c->delay);
        return;
    }
    if (flush(c) == 0)
        process(c);
}

static void raw(conn_t *c, const char *s) {
    write_all(c->fd, s, strlen(s));
}

static void handle(conn_t *c, const char *method, const char *path, const char *head,
                   size_t head_len, const char *body, size_t blen, const char *ctype) {
    (void)method;
    static const char ok[] = "{\"status\":\"ok\"}";
    if (first_req < 0)
        first_req = now_ms();
    if (strcmp(path, "/ok") == 0) {
        respond(c, 200, "application/json", ok, sizeof ok - 1, 0, 0);
    } else if (strcmp(path, "/json") == 0) {
        static const char doc[] = "{\"status\":\"ok\",\"n\":42,\"items\":[1,2,3],"
                                  "\"posts\":[{\"id\":7,\"title\":\"a\"},{\"id\":8}],"
                                  "\"token\":\"tok-123\",\"nothing\":null}";
        respond(c, 200, "application/json", doc, sizeof doc - 1, 0, 0);
    } else if (strncmp(path, "/status/", 8) == 0) {
        respond(c, atoi(path + 8), "application/json", ok, sizeof ok - 1, 0, 0);
    } else if (strcmp(path, "/chunked") == 0) {
        served_total++;
        c->served++;
        raw(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
               "chunked\r\n\r\n");
        raw(c, "5\r\n{\"sta\r\n");
        raw(c, "A;ext=1\r\ntus\":\"ok\",\r\n");
        raw(c, "9\r\n\"n\":[1,2]\r\n1\r\n}\r\n0\r\n\r\n");
        process(c);
    } else if (strcmp(path, "/close") == 0) {
        respond(c, 200, "application/json", ok, sizeof ok - 1, 1, 0);
    } else if (strcmp(path, "/no-length") == 0) {
        served_total++;
        raw(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\":");
        raw(c, "\"ok\"}");
        conn_free(c);
    } else if (strcmp(path, "/malformed") == 0) {
        raw(c, "HTTP/1.1 abc\r\n\r\n");
        conn_free(c);
    } else if (strcmp(path, "/early-close") == 0) {
        conn_free(c);
    } else if (strcmp(path, "/reset") == 0) {
        struct linger lg = {1, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        conn_free(c);
    } else if (strncmp(path, "/delay/", 7) == 0) {
        respond(c, 200, "application/json", ok, sizeof ok - 1, 0, atof(path + 7));
    } else if (strcmp(path, "/hang") == 0) {
        c->waiting = 1;
    } else if (strcmp(path, "/echo") == 0) {
        respond(c, 200, ctype ? ctype : "application/octet-stream", body, blen, 0, 0);
    } else if (strcmp(path, "/headers") == 0) {
        respond(c, 200, "text/plain", head, head_len, 0, 0);
    } else if (strcmp(path, "/stats") == 0) {
        char doc[64];
        int n = snprintf(doc, sizeof doc, "{\"served\":%ld}", served_total);
        respond(c, 200, "application/json", doc, (size_t)n, 0, 0);
    } else {
        static const char nf[] = "{\"error\":\"not found\"}";
        respond(c, 404, "application/json", nf, sizeof nf - 1, 0, 0);
    }
}

/* Parses one complete request from c->in if present and handles it. */
static void process(conn_t *c) {
    if (c->waiting)
        return;
    char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!end)
        return;
    size_t head_len = (size_t)(end - c->in) + 4;
    size_t clen = 0;
    char *ctype = NULL;
    for (char *line = strstr(c->in, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            clen = (size_t)atol(line + 17);
        if (strncasecmp(line + 2, "Content-Type:", 13) == 0) {
            char *v = line + 15;
            while (*v == ' ')
                v++;
            ctype = strndup(v, strcspn(v, "\r"));
        }
    }
    if (c->in_len < head_len + clen) {
        free(ctype);
        return;
    }
    char method[16] = "", path[1024] = "";
    sscanf(c->in, "%15s %1023s", method, path);
    char *q = strchr(path, '?');
    if (q)
        *q = '\0';
    char *req = malloc(head_len + clen + 1);
    memcpy(req, c->in, head_len + clen);
    req[head_len + clen] = '\0';
    memmove(c->in, c->in + head_len + clen, c->in_len - head_len - clen);
    c->in_len -= head_len + clen;
    c->in[c->in_len] = '\0';
    handle(c, method, path, req, head_len, req + head_len, clen, ctype);
    free(req);
    free(ctype);
}

static void read_cb(struct ev_loop *l, ev_io *w, int revents) {
    (void)l;
    (void)revents;
    conn_t *c = w->data;
    ssize_t n = read(c->fd, c->in + c->in_len, sizeof c->in - 1 - c->in_len);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        conn_free(c);
        return;
    }
    c->in_len += (size_t)n;
    c->in[c->in_len] = '\0';
    process(c);
}

static void accept_cb(struct ev_loop *l, ev_io *w, int revents) {
    (void)revents;
    int fd = portable_accept(w->fd, true);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn_t *c = calloc(1, sizeof *c);
    c->fd = fd;
    ev_io_init(&c->io, read_cb, fd, EV_READ);
    c->io.data = c;
    ev_init(&c->delay, delay_cb);
    c->delay.data = c;
    ev_io_start(l, &c->io);
}

static void stop_cb(struct ev_loop *l, ev_signal *w, int revents) {
    (void)w;
    (void)revents;
    ev_break(l, EVBREAK_ALL);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--close-after") == 0 && i + 1 < argc)
            close_after = atoi(argv[++i]);
        else if (strcmp(argv[i], "--silent-close") == 0)
            silent_close = 1;
        else if (strcmp(argv[i], "--stall-at-ms") == 0 && i + 1 < argc)
            stall_at = atof(argv[++i]);
        else if (strcmp(argv[i], "--stall-ms") == 0 && i + 1 < argc)
            stall_ms = atof(argv[++i]);
        else {
            fprintf(stderr, "load_testserver: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    int fd = portable_socket(AF_INET, SOCK_STREAM, true);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 1024) ||
        getsockname(fd, (struct sockaddr *)&a, &len)) {
        perror("load_testserver");
        return 1;
    }
    printf("%d\n", ntohs(a.sin_port));
    fflush(stdout);
    loop = ev_default_loop(0);
    ev_io lw;
    ev_io_init(&lw, accept_cb, fd, EV_READ);
    ev_io_start(loop, &lw);
    ev_signal s1, s2;
    ev_signal_init(&s1, stop_cb, SIGTERM);
    ev_signal_init(&s2, stop_cb, SIGINT);
    ev_signal_start(loop, &s1);
    ev_signal_start(loop, &s2);
    ev_run(loop, 0);
    close(fd);
    return 0;
}
