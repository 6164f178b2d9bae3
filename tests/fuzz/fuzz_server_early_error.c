/* libFuzzer: the early-error helpers (http/early_error.c). A Content-Length
 * judged acceptable is all digits and fits 64 bits (checked against strtoull
 * on a copy); the error body for any status and page is always a JSON object
 * with exactly "error" and "detail" strings, NUL-terminated within the
 * buffer. */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/http/early_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    unsigned st = early_error_content_length(s, size);
    if (st != 0 && st != 400 && st != 413)
        __builtin_trap();
    if (st == 0 || st == 413) {
        char *copy = malloc(size + 1);
        if (copy == NULL)
            return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        if (size == 0 || strspn(copy, "0123456789") != size)
            __builtin_trap();
        errno = 0;
        (void)strtoull(copy, NULL, 10);
        if ((errno == ERANGE) != (st == 413))
            __builtin_trap();
        free(copy);
    }
    unsigned status = size >= 2 ? 100u + (unsigned)((data[0] << 8 | data[1]) % 900) : 400u;
    char out[256];
    size_t n = early_error_json(status, s, size, size, out, sizeof out);
    if (n >= sizeof out || strlen(out) != n)
        __builtin_trap();
    json_t *o = json_loads(out, 0, NULL);
    if (o == NULL || json_object_size(o) != 2 || !json_is_string(json_object_get(o, "error")) ||
        !json_is_string(json_object_get(o, "detail")))
        __builtin_trap();
    json_decref(o);
    (void)early_error_is_mhd_page(data, size);
    return 0;
}
