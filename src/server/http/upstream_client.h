/* Calls to the upstream of /external/http (--upstream) through libcurl.
 *
 * Two ways: upstream_fetch() blocks the calling thread (thread-per-connection
 * uses it: the thread is the connection's own), and the client below runs
 * every call on one libcurl multi handle driven by one background thread
 * (curl_multi_poll / curl_multi_perform), so any number of calls wait at
 * once without holding the thread that started them. Both use the same
 * limits: an answer larger than UPSTREAM_MAX_BYTES fails, a call that takes
 * longer than UPSTREAM_TIMEOUT_MS (shorter than the server's 10 s drain) ends
 * with CURLE_OPERATION_TIMEDOUT. */
#ifndef BENCHLAB_SERVER_HTTP_UPSTREAM_CLIENT_H
#define BENCHLAB_SERVER_HTTP_UPSTREAM_CLIENT_H

#include <curl/curl.h>
#include <stddef.h>

#define UPSTREAM_MAX_BYTES (1024 * 1024)
#define UPSTREAM_TIMEOUT_MS 5000L
#define UPSTREAM_CONNECT_TIMEOUT_MS 2000L

/* How a call ended. code is CURLE_ABORTED_BY_CALLBACK for a call the client
 * gave up because it was stopping. */
struct upstream_result {
    CURLcode code;
    long status;   /* HTTP status of the answer, 0 when none arrived */
    int too_large; /* the answer exceeded UPSTREAM_MAX_BYTES */
    char *body;    /* the answer's body, NUL-terminated, malloc'd; NULL when empty */
    size_t len;
};

/* Frees body and zeroes the result. */
void upstream_result_clear(struct upstream_result *r);

/* One blocking GET of url into *out (always filled; clear it afterwards). The
 * calling thread keeps its easy handle, hence its keep-alive connection, until
 * it exits. */
void upstream_fetch(const char *url, struct upstream_result *out);

/* Called once per call, on the client's thread (or on the caller's when the
 * client stopped before the call started). The callee owns r->body. */
typedef void (*upstream_done_fn)(void *ctx, struct upstream_result *r);

struct upstream_client;
struct upstream_call;

/* Starts the background thread; NULL when out of memory or threads. */
struct upstream_client *upstream_client_new(const char *url);
/* A call ready to start; NULL once the client is stopping (or out of memory):
 * then done will never be called. Prepared before the caller commits to wait
 * (suspends its connection), so that starting cannot fail. */
struct upstream_call *upstream_call_new(struct upstream_client *c, upstream_done_fn done,
                                        void *ctx);
/* Starts it; done runs when it ends. After upstream_client_stop, done runs
 * at once on the calling thread with CURLE_ABORTED_BY_CALLBACK. */
void upstream_call_start(struct upstream_client *c, struct upstream_call *call);
/* Ends calls still running (their done gets CURLE_ABORTED_BY_CALLBACK) and
 * joins the thread. Callers drain first: calls end by themselves within
 * UPSTREAM_TIMEOUT_MS. */
void upstream_client_stop(struct upstream_client *c);
/* After stop, once nobody can call upstream_call_new or _start any more. */
void upstream_client_free(struct upstream_client *c);

#endif
