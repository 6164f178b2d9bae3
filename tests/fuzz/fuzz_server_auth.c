/* libFuzzer: the Authorization header and the HS256 JWT verifier. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/parse/auth_header.h"
#include "server/parse/jwt_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    const char *tok;
    size_t len;
    if (parse_bearer(s, &tok, &len) == 0) {
        if (len == 0 || tok < s || tok + len > s + size)
            __builtin_trap();
        for (size_t i = 0; i < len; i++)
            if (tok[i] <= ' ' || tok[i] > '~')
                __builtin_trap();
    }
    long long id = 0;
    char err[128];
    /* Nothing random can carry a valid signature for this key. */
    if (jwt_verify_hs256(s, size, "fuzz-secret", 1800000000LL, &id, err, sizeof err) == 0 &&
        strstr(s, "eyJ") == NULL)
        __builtin_trap();
    unsigned char out[64];
    base64url_decode(s, size, out, sizeof out);
    free(s);
    return 0;
}
