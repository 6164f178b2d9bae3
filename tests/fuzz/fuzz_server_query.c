/* libFuzzer: integer query/path parameters. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/parse/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    long long v = -7;
    enum param_status st = parse_int_param(s, 1, 100, &v);
    if (st == PARAM_OK && (v < 1 || v > 100))
        __builtin_trap();
    if (st != PARAM_OK && v != -7)
        __builtin_trap(); /* failures leave the output alone */
    char msg[128];
    if (parse_int_or_default(s, "limit", 0, 1000, 10, &v, msg, sizeof msg) == 0 &&
        (v < 0 || v > 1000))
        __builtin_trap();
    parse_int_param(s, -9223372036854775807LL - 1, 9223372036854775807LL, &v);
    free(s);
    return 0;
}
