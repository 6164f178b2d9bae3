/* benchlab-server: the system under test (see docs/server.md). */
#include "common/log.h"
#include "server/config.h"
#include "server/server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* With --workers N and port 0, reserve a port all workers will share: a bound
 * (not listening) SO_REUSEPORT socket keeps it ours until they have bound. */
static int reserve_port(struct server_config *cfg) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    inet_pton(AF_INET, cfg->host, &sa.sin_addr);
    socklen_t sl = sizeof sa;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    cfg->port = ntohs(sa.sin_port);
    return fd;
}

/* Prefork: N children each run a server on the same port (SO_REUSEPORT); the
 * parent forwards SIGTERM/SIGINT and exits 0 when every child did. */
static int run_workers(struct server_config *cfg) {
    int reserved = -1;
    if (cfg->port == 0 && (reserved = reserve_port(cfg)) < 0) {
        fprintf(stderr, "benchlab-server: cannot reserve a port: %s\n", strerror(errno));
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    pid_t *pids = calloc((size_t)cfg->workers, sizeof *pids);
    if (pids == NULL)
        return 1;
    int started = 0;
    for (int i = 0; i < cfg->workers; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            if (reserved >= 0)
                close(reserved);
            free(pids);
            int rc = server_run(cfg, 1);
            curl_global_cleanup();
            _exit(rc);
        }
        if (pid < 0)
            break;
        pids[started++] = pid;
    }
    int failed = started < cfg->workers;
    int alive = started;
    int forwarded = 0;
    while (alive > 0) {
        if ((stop_requested || failed) && !forwarded) {
            for (int i = 0; i < started; i++)
                if (pids[i] > 0)
                    kill(pids[i], SIGTERM);
            forwarded = 1;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < started; i++)
            if (pids[i] == pid) {
                pids[i] = 0;
                alive--;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                    failed = 1; /* one worker gone: take the others down too */
            }
    }
    if (reserved >= 0)
        close(reserved);
    free(pids);
    return failed && !stop_requested ? 1 : 0;
}

int main(int argc, char **argv) {
    struct server_config cfg;
    char err[1024];
    int rc = config_parse(&cfg, argc, argv, err, sizeof err);
    if (rc == 1) {
        fputs(err, stdout);
        return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "benchlab-server: %s\n", err);
        return 2;
    }
    if (cfg.threading == THREADING_EPOLL &&
        MHD_is_feature_supported(MHD_FEATURE_EPOLL) != MHD_YES) {
        fprintf(stderr, "benchlab-server: --threading epoll: libmicrohttpd has no epoll on this "
                        "system (Linux only); use poll or select\n");
        return 2;
    }
    log_set_level((enum log_level)cfg.log_level);
#ifdef __GLIBC__
    /* Responses of 0.1-2 MB (/users, /column-overhead, /cpu/json-serialize)
     * are allocated and freed per request. With glibc's defaults the freed
     * heap top is returned to the kernel (trim above 128 KiB) and faulted back
     * in by the next request: 29 page faults and ~8 % of the CPU time of
     * /users (perf stat). Keep up to 32 MiB of freed heap, and serve blocks
     * below 4 MiB from the heap rather than from fresh mmaps. */
    mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
#endif
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (cfg.workers > 1)
        rc = run_workers(&cfg);
    else
        rc = server_run(&cfg, 0);
    curl_global_cleanup();
    return rc;
}
