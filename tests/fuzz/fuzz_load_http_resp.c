/* libFuzzer: the response parser must never crash or overrun, whatever the
 * bytes and however they are split. The first byte picks the split size and
 * whether the request was HEAD. */
#include <stddef.h>
#include <stdint.h>

#include "load/http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    size_t step = (data[0] & 0x3f) + 1;
    int head = data[0] >> 7;
    int keep = (data[0] >> 6) & 1;
    data++;
    size--;
    http_resp_t r;
    http_resp_init(&r);
    http_resp_reset(&r, head, keep);
    size_t off = 0;
    int rc = HTTP_MORE;
    while (off < size && rc == HTTP_MORE) {
        size_t n = size - off < step ? size - off : step, used;
        rc = http_resp_feed(&r, (const char *)data + off, n, &used);
        if (used > n)
            __builtin_trap();
        off += used;
        if (rc == HTTP_DONE && off < size) { /* a following response on the same connection */
            http_resp_reset(&r, head, keep);
            rc = HTTP_MORE;
        }
    }
    if (rc == HTTP_MORE)
        http_resp_eof(&r);
    if (r.keep_body && r.body && r.body[r.body_len] != '\0')
        __builtin_trap();
    http_resp_free(&r);
    return 0;
}
