#include "server/http/upstream_client.h"

#include "common/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Connections the multi handle keeps open to the upstream between calls. */
#define KEEPALIVE_CONNECTIONS 256L

struct upstream_call {
    struct upstream_call *next;
    CURL *easy;
    upstream_done_fn done;
    void *ctx;
    struct upstream_result res;
};

struct upstream_client {
    CURLM *multi;
    char *url;
    pthread_t thread;
    pthread_mutex_t mu;
    struct upstream_call *queue;  /* started, not yet handed to the multi handle */
    int stopping;                 /* upstream_client_stop was called */
    int stopped;                  /* the thread no longer takes calls */
    struct upstream_call *active; /* on the multi handle (thread only) */
};

void upstream_result_clear(struct upstream_result *r) {
    free(r->body);
    memset(r, 0, sizeof *r);
}

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct upstream_result *r = userdata;
    size_t n = size * nmemb;
    if (r->len + n > UPSTREAM_MAX_BYTES) {
        r->too_large = 1;
        return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
    }
    char *p = realloc(r->body, r->len + n + 1);
    if (p == NULL)
        return 0;
    memcpy(p + r->len, ptr, n);
    r->len += n;
    p[r->len] = '\0';
    r->body = p;
    return n;
}

static void configure(CURL *easy, const char *url, struct upstream_result *res) {
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, res);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, UPSTREAM_TIMEOUT_MS);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, UPSTREAM_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
}

/* --- blocking ------------------------------------------------------------ */

/* One easy handle per thread keeps the upstream connection alive; the key's
 * destructor cleans it up when MHD ends the thread. */
static pthread_key_t easy_key;
static pthread_once_t easy_once = PTHREAD_ONCE_INIT;

static void easy_free(void *h) {
    curl_easy_cleanup(h);
}

static void easy_key_init(void) {
    pthread_key_create(&easy_key, easy_free);
}

void upstream_fetch(const char *url, struct upstream_result *out) {
    memset(out, 0, sizeof *out);
    pthread_once(&easy_once, easy_key_init);
    CURL *easy = pthread_getspecific(easy_key);
    if (easy == NULL) {
        easy = curl_easy_init();
        if (easy == NULL || pthread_setspecific(easy_key, easy) != 0) {
            curl_easy_cleanup(easy);
            out->code = CURLE_OUT_OF_MEMORY;
            return;
        }
    }
    curl_easy_reset(easy);
    configure(easy, url, out);
    out->code = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &out->status);
}

/* --- asynchronous ---------------------------------------------------------- */

/* Reports the call's end and frees it. */
static void finish(struct upstream_call *call, CURLcode code) {
    call->res.code = code;
    if (call->easy != NULL) {
        if (code != CURLE_ABORTED_BY_CALLBACK)
            curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->res.status);
        curl_easy_cleanup(call->easy);
    }
    struct upstream_result res = call->res;
    upstream_done_fn done = call->done;
    void *ctx = call->ctx;
    free(call);
    done(ctx, &res);
}

static void unlink_active(struct upstream_client *c, struct upstream_call *call) {
    for (struct upstream_call **pp = &c->active; *pp; pp = &(*pp)->next)
        if (*pp == call) {
            *pp = call->next;
            return;
        }
}

static void *client_main(void *arg) {
    struct upstream_client *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        struct upstream_call *fresh = c->queue;
        c->queue = NULL;
        int stop = c->stopping;
        if (stop)
            c->stopped = 1; /* in the same critical section: no call is lost */
        pthread_mutex_unlock(&c->mu);
        while (fresh != NULL) {
            struct upstream_call *call = fresh;
            fresh = call->next;
            if (stop || curl_multi_add_handle(c->multi, call->easy) != CURLM_OK) {
                finish(call, stop ? CURLE_ABORTED_BY_CALLBACK : CURLE_OUT_OF_MEMORY);
                continue;
            }
            call->next = c->active;
            c->active = call;
        }
        if (stop) {
            while (c->active != NULL) {
                struct upstream_call *call = c->active;
                c->active = call->next;
                curl_multi_remove_handle(c->multi, call->easy);
                finish(call, CURLE_ABORTED_BY_CALLBACK);
            }
            return NULL;
        }
        int running = 0;
        curl_multi_perform(c->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            char *priv = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
            struct upstream_call *call = (struct upstream_call *)priv;
            CURLcode code = m->data.result; /* m is invalid after remove */
            curl_multi_remove_handle(c->multi, m->easy_handle);
            unlink_active(c, call);
            finish(call, code);
        }
        /* Sleeps until a socket is ready, a timeout of libcurl's is due, or
         * curl_multi_wakeup (a new call, or stop). */
        curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }
}

struct upstream_client *upstream_client_new(const char *url) {
    struct upstream_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->url = strdup(url);
    c->multi = curl_multi_init();
    if (c->url == NULL || c->multi == NULL)
        goto fail;
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, KEEPALIVE_CONNECTIONS);
    pthread_mutex_init(&c->mu, NULL);
    if (pthread_create(&c->thread, NULL, client_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        goto fail;
    }
    return c;
fail:
    if (c->multi != NULL)
        curl_multi_cleanup(c->multi);
    free(c->url);
    free(c);
    return NULL;
}

struct upstream_call *upstream_call_new(struct upstream_client *c, upstream_done_fn done,
                                        void *ctx) {
    pthread_mutex_lock(&c->mu);
    int stopping = c->stopping;
    pthread_mutex_unlock(&c->mu);
    if (stopping)
        return NULL;
    struct upstream_call *call = calloc(1, sizeof *call);
    if (call == NULL)
        return NULL;
    call->easy = curl_easy_init();
    if (call->easy == NULL) {
        free(call);
        return NULL;
    }
    call->done = done;
    call->ctx = ctx;
    configure(call->easy, c->url, &call->res);
    curl_easy_setopt(call->easy, CURLOPT_PRIVATE, (char *)call);
    return call;
}

void upstream_call_start(struct upstream_client *c, struct upstream_call *call) {
    pthread_mutex_lock(&c->mu);
    if (c->stopped) {
        pthread_mutex_unlock(&c->mu);
        finish(call, CURLE_ABORTED_BY_CALLBACK);
        return;
    }
    call->next = c->queue;
    c->queue = call;
    pthread_mutex_unlock(&c->mu);
    curl_multi_wakeup(c->multi);
}

void upstream_client_stop(struct upstream_client *c) {
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    int already = c->stopping;
    c->stopping = 1;
    pthread_mutex_unlock(&c->mu);
    if (already)
        return;
    curl_multi_wakeup(c->multi);
    pthread_join(c->thread, NULL);
    if (c->active != NULL)
        LOG_W("upstream client: calls left after stop");
}

void upstream_client_free(struct upstream_client *c) {
    if (c == NULL)
        return;
    upstream_client_stop(c);
    curl_multi_cleanup(c->multi);
    pthread_mutex_destroy(&c->mu);
    free(c->url);
    free(c);
}
