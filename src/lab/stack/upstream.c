/* The mock upstream: see upstream.h. */
#include "lab/stack/upstream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/xalloc.h"

struct upstream {
    struct MHD_Daemon *daemon;
    int port;
    int delay_ms;
};

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_state) {
    (void)url;
    (void)version;
    (void)upload_data;
    const upstream_t *up = cls;
    /* First call: headers only. Answer on the second call, and swallow any
     * body (a POST) on the calls in between. */
    if (*req_state == NULL) {
        *req_state = (void *)1;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    int status = MHD_HTTP_OK;
    char body[96];
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        sleep_ms(up->delay_ms); /* this connection's own thread */
        snprintf(body, sizeof body, "{\"source\":\"mock_upstream\",\"delay_ms\":%d}", up->delay_ms);
    } else {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        snprintf(body, sizeof body, "{\"error\":\"method not allowed\",\"detail\":\"GET only\"}");
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

upstream_t *upstream_start(const char *host, int port, int delay_ms) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "upstream: '%s' is not an IPv4 address\n", host);
        return NULL;
    }
    upstream_t *up = xcalloc(1, sizeof *up);
    if (!up)
        return NULL;
    up->delay_ms = delay_ms;
    up->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, answer, up, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!up->daemon) {
        fprintf(stderr, "upstream: cannot listen on %s:%d\n", host, port);
        free(up);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(up->daemon, MHD_DAEMON_INFO_BIND_PORT);
    up->port = info ? info->port : port;
    return up;
}

int upstream_port(const upstream_t *up) {
    return up->port;
}

void upstream_stop(upstream_t *up) {
    if (!up)
        return;
    MHD_stop_daemon(up->daemon);
    free(up);
}
