/* libFuzzer: multipart/form-data. The first line of the input is the
 * Content-Type header, the rest the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/parse/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hl = nl ? (size_t)(nl - data) : size;
    char *ct = malloc(hl + 1);
    if (ct == NULL)
        return 0;
    memcpy(ct, data, hl);
    ct[hl] = '\0';
    const char *body = nl ? (const char *)nl + 1 : "";
    size_t blen = nl ? size - hl - 1 : 0;
    char boundary[128], err[256];
    if (multipart_boundary(ct, boundary, sizeof boundary) == 0) {
        struct multipart_part p;
        if (multipart_find(body, blen, boundary, "file", &p, err, sizeof err) == 1) {
            /* The part lies inside the body. */
            if (p.data < body || p.data + p.size > body + blen)
                __builtin_trap();
        }
    }
    free(ct);
    return 0;
}
