/* Command-line helpers: see stack/cli.h. */
#include "lab/stack/cli.h"

#include "common/parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool stack_cli_int(const char *cmd, const char *flag, const char *s, long min, long max,
                   long *out) {
    long v;
    if (parse_long_in(s, min, max, &v)) {
        fprintf(stderr, "benchlab %s: %s wants an integer in %ld..%ld, got '%s'\n", cmd, flag, min,
                max, s ? s : "");
        return false;
    }
    *out = v;
    return true;
}

bool stack_cli_hostport(const char *cmd, const char *flag, const char *s, char *host, int len,
                        int *port) {
    const char *colon = s ? strrchr(s, ':') : NULL;
    if (!colon || colon == s || colon - s >= len) {
        fprintf(stderr, "benchlab %s: %s wants HOST:PORT (e.g. 127.0.0.1:8081), got '%s'\n", cmd,
                flag, s ? s : "");
        return false;
    }
    long p;
    if (!stack_cli_int(cmd, flag, colon + 1, 0, 65535, &p))
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (int)p;
    return true;
}
