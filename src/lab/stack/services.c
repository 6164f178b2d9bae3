/* The stack's Redis, mock upstream and benchlab-server. */
#include <curl/curl.h>
#include <errno.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/portable.h"
#include "common/xalloc.h"
#include "lab/impl.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"
#include "lab/stack/internal.h"

bool stack_probe_redis(lab_stack_t *st) {
    struct timeval tv = {1, 0};
    redisContext *c =
        redisConnectWithTimeout(stack_addr(st, LAB_SVC_REDIS), st->port[LAB_SVC_REDIS], tv);
    bool ok = false;
    if (c && !c->err) {
        redisReply *r = redisCommand(c, "PING");
        ok = r && r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
        freeReplyObject(r);
    }
    redisFree(c);
    return ok;
}

static size_t discard(char *ptr, size_t size, size_t n, void *ctx) {
    (void)ptr;
    (void)ctx;
    return size * n;
}

bool stack_probe_http(const char *url, long *status) {
    CURL *h = curl_easy_init();
    if (!h)
        return false;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(h);
    *status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(h);
    return rc == CURLE_OK;
}

static bool probe_upstream(lab_stack_t *st) {
    char url[128];
    long status;
    snprintf(url, sizeof url, "http://%s:%d/ready", stack_addr(st, LAB_SVC_UPSTREAM),
             st->port[LAB_SVC_UPSTREAM]);
    return stack_probe_http(url, &status) && status == 200;
}

static bool probe_server(lab_stack_t *st) {
    char url[128];
    long status;
    snprintf(url, sizeof url, "http://%s:%d/health", stack_addr(st, LAB_SVC_SERVER),
             st->port[LAB_SVC_SERVER]);
    return stack_probe_http(url, &status) && status == 200;
}

static bool port_is_free(int port) {
    int fd = portable_socket(AF_INET, SOCK_STREAM, false);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Tries up to three ports (another stack may grab a port between our probe
 * and the service's bind); fixed_port > 0 gets one try. build(st, port_s)
 * fills argv for the given port. */
typedef char **(*argv_builder)(lab_stack_t *st, const char *port_s, void *ctx);

static int start_on_free_port(lab_stack_t *st, lab_service_t svc, int fixed_port,
                              argv_builder build, void *ctx, bool (*probe)(lab_stack_t *)) {
    if (st->pid[svc])
        return 0;
    if (fixed_port > 0 && !port_is_free(fixed_port))
        return stack_fail(st, "%s failed to start: port %d on 127.0.0.1 is already in use",
                          lab_service_name(svc), fixed_port);
    for (int attempt = 0; attempt < (fixed_port > 0 ? 1 : 3); attempt++) {
        int port = fixed_port > 0 ? fixed_port : stack_free_port();
        if (port <= 0)
            return stack_fail(st, "%s: no free port: %s", lab_service_name(svc), strerror(errno));
        st->port[svc] = port;
        char port_s[16];
        snprintf(port_s, sizeof port_s, "%d", port);
        char **argv = build(st, port_s, ctx);
        if (!argv)
            return -1;
        bool in_use = false;
        char cwd[PATH_MAX + 16];
        /* Redis works in DIR/redis (its default dir is the working directory,
         * entered as root before dropping privileges: DIR's parents need not
         * be reachable by its user). */
        snprintf(cwd, sizeof cwd, svc == LAB_SVC_REDIS ? "%s/redis" : "%s", st->dir);
        int rc = stack_spawn_and_wait(st, svc, argv, cwd, probe, &in_use);
        for (char **a = argv; *a; a++)
            free(*a);
        free(argv);
        if (rc == 0)
            return 0;
        if (!in_use)
            return -1;
    }
    return -1;
}

/* A NULL-terminated argv of strdup'ed strings, grown one at a time. */
typedef struct {
    char **v;
    int n, cap;
    bool oom;
} argv_t;

static void arg(argv_t *a, const char *s) {
    if (a->oom)
        return;
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? a->cap * 2 : 16;
        char **v = xrealloc(a->v, (size_t)cap * sizeof *v);
        if (!v) {
            a->oom = true;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n] = xstrdup(s);
    if (!a->v[a->n]) {
        a->oom = true;
        return;
    }
    a->v[++a->n] = NULL;
}

static char **done(lab_stack_t *st, argv_t *a) {
    if (!a->oom && a->v)
        return a->v;
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    stack_fail(st, "stack: out of memory");
    return NULL;
}

static char **redis_argv(lab_stack_t *st, const char *port_s, void *ctx) {
    (void)ctx;
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/redis", st->dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        stack_fail(st, "redis failed to start: mkdir %s: %s", dir, strerror(errno));
        return NULL;
    }
    const char *user = stack_service_user(st, LAB_SVC_REDIS);
    if (user && spawn_chown_tree(dir, user) != 0) {
        stack_fail(st, "redis failed to start: cannot give %s to user %s", dir, user);
        return NULL;
    }
    const char *bin = getenv("BENCHLAB_REDIS_BIN");
    argv_t a = {0};
    /* No persistence at all: no RDB snapshots, no AOF; logs to stdout. */
    const char *const fixed[] = {bin && *bin ? bin : "redis-server",
                                 "--port",
                                 port_s,
                                 "--bind",
                                 stack_addr(st, LAB_SVC_REDIS),
                                 "--save",
                                 "",
                                 "--appendonly",
                                 "no",
                                 "--protected-mode",
                                 "no",
                                 "--daemonize",
                                 "no"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        arg(&a, fixed[i]);
    return done(st, &a);
}

int stack_start_redis(lab_stack_t *st) {
    int rc = start_on_free_port(st, LAB_SVC_REDIS, 0, redis_argv, NULL, stack_probe_redis);
    if (rc == 0) {
        snprintf(st->redis_url, sizeof st->redis_url, "redis://%s:%d",
                 stack_addr(st, LAB_SVC_REDIS), st->port[LAB_SVC_REDIS]);
        rc = stack_write_env(st);
    }
    return rc;
}

static char **upstream_argv(lab_stack_t *st, const char *port_s, void *ctx) {
    (void)ctx;
    char bin[PATH_MAX], listen[64], delay[16];
    if (stack_program(st, LAB_SVC_UPSTREAM, "benchlab", "BENCHLAB_BIN", bin, sizeof bin) != 0) {
        stack_fail(st, "upstream failed to start: the benchlab executable was not found (set "
                       "BENCHLAB_BIN)");
        return NULL;
    }
    snprintf(listen, sizeof listen, "%s:%s", stack_addr(st, LAB_SVC_UPSTREAM), port_s);
    snprintf(delay, sizeof delay, "%d", st->upstream_delay_ms);
    argv_t a = {0};
    const char *const fixed[] = {bin, "upstream", "--listen", listen, "--delay-ms", delay};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        arg(&a, fixed[i]);
    return done(st, &a);
}

int stack_start_upstream(lab_stack_t *st) {
    int rc = start_on_free_port(st, LAB_SVC_UPSTREAM, 0, upstream_argv, NULL, probe_upstream);
    if (rc == 0) {
        snprintf(st->upstream_url, sizeof st->upstream_url, "http://%s:%d",
                 stack_addr(st, LAB_SVC_UPSTREAM), st->port[LAB_SVC_UPSTREAM]);
        rc = stack_write_env(st);
    }
    return rc;
}

static char **server_argv(lab_stack_t *st, const char *port_s, void *ctx) {
    const lab_server_opts_t *o = ctx;
    char bin[PATH_MAX], listen[64];
    if (o->bin && *o->bin) {
        snprintf(bin, sizeof bin, "%s", o->bin);
    } else if (stack_program(st, LAB_SVC_SERVER, "benchlab-server", "BENCHLAB_SERVER_BIN", bin,
                             sizeof bin) != 0) {
        const char *env = getenv("BENCHLAB_SERVER_BIN");
        if (env && *env)
            stack_fail(st, "server failed to start: BENCHLAB_SERVER_BIN=%s is not an executable",
                       env);
        else
            stack_fail(st, "server failed to start: benchlab-server not found next to benchlab "
                           "(set BENCHLAB_SERVER_BIN)");
        return NULL;
    }
    snprintf(listen, sizeof listen, "%s:%s", stack_addr(st, LAB_SVC_SERVER), port_s);
    argv_t a = {0};
    arg(&a, bin);
    arg(&a, "--listen");
    arg(&a, listen);
    arg(&a, "--name");
    arg(&a, impl_or_default(o->implementation));
    if (st->pid[LAB_SVC_POSTGRES]) {
        arg(&a, "--pg");
        arg(&a, st->pg_dsn);
    }
    if (st->pid[LAB_SVC_REDIS]) {
        arg(&a, "--redis");
        arg(&a, st->redis_url);
    }
    if (st->pid[LAB_SVC_UPSTREAM]) {
        arg(&a, "--upstream");
        arg(&a, st->upstream_url);
    }
    for (int i = 0; i < o->nargs; i++)
        arg(&a, o->args[i]);
    return done(st, &a);
}

int stack_start_server(lab_stack_t *st, const lab_server_opts_t *opts) {
    lab_server_opts_t none = {0};
    const lab_server_opts_t *o = opts ? opts : &none;
    if (o->port < 0 || o->port > 65535)
        return stack_fail(st, "server: port %d out of range", o->port);
    int rc = start_on_free_port(st, LAB_SVC_SERVER, o->port, server_argv, (void *)o, probe_server);
    if (rc == 0) {
        snprintf(st->server_url, sizeof st->server_url, "http://%s:%d",
                 stack_addr(st, LAB_SVC_SERVER), st->port[LAB_SVC_SERVER]);
        rc = stack_write_env(st);
    }
    return rc;
}
