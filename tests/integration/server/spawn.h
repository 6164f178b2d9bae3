/* Starts a private benchlab-server ($BUILD/benchlab-server) for tests that
 * need another threading model or a backend that can be cut off. With
 * BENCHLAB_TEST_SERVER_BIN set (peers_suite.sh: peers/as-server) that program
 * runs instead, given --name BENCHLAB_EXPECT_NAME, so the test checks the
 * implementation under test. */
#ifndef BENCHLAB_TESTS_SERVER_SPAWN_H
#define BENCHLAB_TESTS_SERVER_SPAWN_H

#include "client.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Servers still running; killed at exit when a failed assertion skipped
 * the test's own stop_server. */
static pid_t spawned[16];

static inline void kill_spawned(void) {
    for (int i = 0; i < 16; i++)
        if (spawned[i] > 0) {
            kill(spawned[i], SIGKILL);
            waitpid(spawned[i], NULL, 0);
            spawned[i] = 0;
        }
}

static inline void remember_spawned(pid_t pid, int add) {
    static int registered;
    if (!registered) {
        atexit(kill_spawned);
        registered = 1;
    }
    for (int i = 0; i < 16; i++)
        if (add ? spawned[i] == 0 : spawned[i] == pid) {
            spawned[i] = add ? pid : 0;
            return;
        }
}

/* A port free right now (bound to 0 then released). */
static inline int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

static inline void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Runs benchlab-server with args (NULL-terminated) plus --listen; fills url.
 * Returns the pid once /health answers, or -1. */
static inline pid_t spawn_server(const char *const *args, char *url, size_t urllen) {
    const char *build = getenv("BUILD"), *other = getenv("BENCHLAB_TEST_SERVER_BIN");
    char bin[512], listen[64];
    if (other && *other)
        snprintf(bin, sizeof bin, "%s", other);
    else
        snprintf(bin, sizeof bin, "%s/benchlab-server", build && *build ? build : "build");
    int port = free_port();
    if (port <= 0)
        return -1;
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(url, urllen, "http://%s", listen);
    const char *argv[32] = {bin, "--listen", listen, "--name", impl_under_test()};
    int n = 5;
    for (int i = 0; args && args[i] && n < 30; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    for (int i = 0; i < 300; i++) { /* 15 s: gunicorn and uvicorn take 1-2 s */
        struct http_resp r;
        if (http_to(url, "GET", "/health", NULL, NULL, 0, NULL, &r) == 0 && r.status == 200) {
            http_free(&r);
            remember_spawned(pid, 1);
            return pid;
        }
        http_free(&r);
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* Descriptors a spawned server has open (-1 without /proc): a request that
 * leaks one shows as a count that grows. */
static inline int open_fds(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* SIGTERM, then the exit status (or -1 after 15 s, when it is killed). */
static inline int stop_server(pid_t pid) {
    remember_spawned(pid, 0);
    kill(pid, SIGTERM);
    for (int i = 0; i < 300; i++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

#endif
