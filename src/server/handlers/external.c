/* /external (simulated 100 ms upstream, see http/deferred.h), /external/http
 * (a real upstream through libcurl) and /io/sleep. */
#include "server/handlers/handlers.h"

#include "common/clock.h"
#include "server/http/deferred.h"
#include "server/http/respond.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXTERNAL_DELAY_MS 100
#define UPSTREAM_MAX_BYTES (1024 * 1024)

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

struct grow_buf {
    char *data;
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct grow_buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > UPSTREAM_MAX_BYTES)
        return 0; /* aborts the transfer */
    char *p = realloc(b->data, b->len + n + 1);
    if (p == NULL)
        return 0;
    memcpy(p + b->len, ptr, n);
    b->len += n;
    p[b->len] = '\0';
    b->data = p;
    return n;
}

/* One easy handle per worker thread keeps the upstream connection alive; the
 * key's destructor cleans it up when MHD ends the thread. */
static pthread_key_t curl_key;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_free_handle(void *h) {
    curl_easy_cleanup(h);
}

static void curl_key_init(void) {
    pthread_key_create(&curl_key, curl_free_handle);
}

static CURL *thread_handle(void) {
    pthread_once(&curl_once, curl_key_init);
    CURL *c = pthread_getspecific(curl_key);
    if (c == NULL) {
        c = curl_easy_init();
        if (c != NULL)
            pthread_setspecific(curl_key, c);
    }
    return c;
}

HANDLER(h_external_http) {
    (void)req;
    uint64_t start = clock_mono_ns();
    CURL *c = thread_handle();
    if (c == NULL)
        return reply_unavailable(resp, "upstream client");
    struct grow_buf b = {NULL, 0};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, app->cfg->upstream);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        free(b.data);
        if (rc != CURLE_OK)
            return reply_error(resp, 502, "bad_gateway", "upstream: %s", curl_easy_strerror(rc));
        return reply_error(resp, 502, "bad_gateway", "upstream answered HTTP %ld", status);
    }
    json_t *data = b.data ? json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL) : NULL;
    free(b.data);
    if (data == NULL)
        return reply_error(resp, 502, "bad_gateway", "upstream answered something not JSON");
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string("upstream"));
    json_object_set_new(o, "latency_ms", json_real(elapsed_ms(start)));
    json_object_set_new(o, "data", data);
    return reply_json(resp, 200, o);
}
