/* libFuzzer: the /echo and /users body parsers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server/parse/json_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    json_t *m = NULL, *d = NULL;
    if (parse_echo_body((const char *)data, size, &m, &d, err, sizeof err) == 0) {
        if (!json_is_string(m) || d == NULL)
            __builtin_trap();
        json_decref(m);
        json_decref(d);
    } else if (err[0] == '\0') {
        __builtin_trap(); /* every rejection says why */
    }
    struct user_input in;
    for (int partial = 0; partial < 2; partial++)
        if (parse_user_body((const char *)data, size, partial, &in, err, sizeof err) == 0) {
            if (in.has_name && (strlen(in.name) < 1 || strlen(in.name) > 100))
                __builtin_trap();
            if (in.has_email && strchr(in.email, '@') == NULL)
                __builtin_trap();
        }
    return 0;
}
