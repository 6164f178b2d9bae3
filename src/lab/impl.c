/* The implementation names (see impl.h). */
#include "lab/impl.h"

#include <stdio.h>
#include <string.h>

static const char *const peers[] = {"fastapi", "fastapi-strict", "express", "django", "rails"};

bool impl_known(const char *name) {
    return name && (strcmp(name, IMPL_DEFAULT) == 0 || impl_is_peer(name));
}

bool impl_is_peer(const char *name) {
    for (size_t i = 0; name && i < sizeof peers / sizeof peers[0]; i++)
        if (strcmp(name, peers[i]) == 0)
            return true;
    return false;
}

const char *impl_or_default(const char *name) {
    return name && *name ? name : IMPL_DEFAULT;
}

int impl_peer_image(const char *name, char *buf, size_t len) {
    int n = snprintf(buf, len, "benchlab-%s", name);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}
