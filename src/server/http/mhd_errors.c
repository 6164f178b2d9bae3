#include "server/http/mhd_errors.h"

#include "server/http/early_error.h"
#include "server/http/fiber.h"

#include <dlfcn.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

typedef struct MHD_Response *(*create_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
typedef enum MHD_Result (*lookup_fn)(struct MHD_Connection *, enum MHD_ValueKind, const char *,
                                     size_t, const char **, size_t *);

static create_fn real_create;
static queue_fn real_queue;
static lookup_fn real_lookup;
static atomic_size_t limit = 16 * 1024;
static atomic_ulong rewritten;

/* The error page made into a response last on this thread, until queued:
 * libmicrohttpd queues it right after creating it, on the same thread. */
static _Thread_local struct {
    struct MHD_Response *resp;
    const char *page;
    size_t len;
} pending;

/* A request whose Content-Length was hidden from libmicrohttpd, until the
 * access hook's first call for it (same thread, right after). */
static _Thread_local struct {
    struct MHD_Connection *conn;
    unsigned status;
} bad_length;

/* Before main: the definitions below must reach libmicrohttpd's from the
 * first response on. */
__attribute__((constructor)) static void resolve(void) {
    real_create = (create_fn)dlsym(RTLD_NEXT, "MHD_create_response_from_buffer");
    real_queue = (queue_fn)dlsym(RTLD_NEXT, "MHD_queue_response");
    real_lookup = (lookup_fn)dlsym(RTLD_NEXT, "MHD_lookup_connection_value_n");
    if (real_create == NULL || real_queue == NULL || real_lookup == NULL) {
        fprintf(stderr, "benchlab-server: libmicrohttpd's response functions not found: %s\n",
                dlerror());
        abort();
    }
}

void mhd_errors_set_limit(size_t max_header) {
    atomic_store(&limit, max_header);
}

unsigned long mhd_errors_rewritten(void) {
    return atomic_load(&rewritten);
}

unsigned mhd_errors_take_bad_length(struct MHD_Connection *conn) {
    if (conn == NULL || bad_length.conn != conn)
        return 0;
    bad_length.conn = NULL;
    return bad_length.status;
}

enum MHD_Result MHD_lookup_connection_value_n(struct MHD_Connection *conn, enum MHD_ValueKind kind,
                                              const char *key, size_t key_size,
                                              const char **value_ptr, size_t *value_size_ptr) {
    const char *v = NULL;
    size_t vl = 0;
    enum MHD_Result r = real_lookup(conn, kind, key, key_size, &v, &vl);
    if (r == MHD_YES && kind == MHD_HEADER_KIND && key != NULL && key_size == 14 &&
        strncasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH, 14) == 0) {
        unsigned status = early_error_content_length(v, vl);
        if (status != 0) {
            bad_length.conn = conn;
            bad_length.status = status;
            return MHD_NO;
        }
    }
    if (r == MHD_YES) {
        if (value_ptr != NULL)
            *value_ptr = v;
        if (value_size_ptr != NULL)
            *value_size_ptr = vl;
    }
    return r;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode) {
    struct MHD_Response *r = real_create(size, buffer, mode);
    /* libmicrohttpd built without messages sends empty pages. */
    if (r != NULL && mode == MHD_RESPMEM_PERSISTENT &&
        (size == 0 || early_error_is_mhd_page(buffer, size))) {
        pending.resp = r;
        pending.page = buffer;
        pending.len = size;
    }
    return r;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *conn, unsigned int status,
                                   struct MHD_Response *response) {
    if (fiber_abandoned(conn))
        return MHD_NO; /* the request's connection is closing (http/fiber.h) */
    if (response == NULL || response != pending.resp)
        return real_queue(conn, status, response);
    pending.resp = NULL;
    if (status < 400)
        return real_queue(conn, status, response);
    char body[256];
    size_t n =
        early_error_json(status, pending.page, pending.len, atomic_load(&limit), body, sizeof body);
    struct MHD_Response *json = real_create(n, body, MHD_RESPMEM_MUST_COPY);
    if (json == NULL || MHD_add_response_header(json, MHD_HTTP_HEADER_CONTENT_TYPE,
                                                "application/json") != MHD_YES) {
        if (json != NULL)
            MHD_destroy_response(json);
        return real_queue(conn, status, response); /* out of memory: the page, then */
    }
    enum MHD_Result ret = real_queue(conn, status, json);
    MHD_destroy_response(json); /* the connection holds its own reference */
    if (ret == MHD_YES)
        atomic_fetch_add(&rewritten, 1);
    return ret;
}
