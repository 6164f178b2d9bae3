/* /external (simulated 100 ms upstream, see http/deferred.h), /external/http
 * (a real upstream through libcurl, see http/upstream_async.h) and /io/sleep. */
#include "server/handlers/handlers.h"

#include "common/clock.h"
#include "server/http/deferred.h"
#include "server/http/respond.h"
#include "server/http/upstream_answer.h"
#include "server/http/upstream_client.h"

#include <stdio.h>

#define EXTERNAL_DELAY_MS 100

/* Fixed-width latency ("%12.3f"): the Content-Length is sent before the wait ends. */
static size_t external_body(double waited_ms, char *buf, size_t len) {
    int n = snprintf(buf, len,
                     "{\"source\":\"simulated_external_api\",\"latency_ms\":%12.3f,"
                     "\"data\":{\"message\":\"External API response\"}}",
                     waited_ms);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

static size_t sleep_body(double waited_ms, char *buf, size_t len) {
    int n = snprintf(buf, len, "{\"status\":\"ok\",\"slept\":0.1,\"slept_ms\":%12.3f}", waited_ms);
    return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

HANDLER(h_external) {
    (void)app;
    return deferred_reply(req, resp, EXTERNAL_DELAY_MS, external_body);
}

HANDLER(h_io_sleep) {
    (void)app;
    return deferred_reply(req, resp, EXTERNAL_DELAY_MS, sleep_body);
}

/* The blocking path: thread-per-connection (the thread is the connection's
 * own), or a server whose access hook could not be installed. Elsewhere GET
 * /external/http never reaches this handler: http/upstream_async.c answers it
 * without holding a thread. */
HANDLER(h_external_http) {
    (void)req;
    uint64_t start = clock_mono_ns();
    struct upstream_result r;
    upstream_fetch(app->cfg->upstream, &r);
    char *body;
    size_t len;
    unsigned status = upstream_answer(&r, elapsed_ms(start), &body, &len);
    upstream_result_clear(&r);
    return reply_json_text(resp, status, body, len);
}
