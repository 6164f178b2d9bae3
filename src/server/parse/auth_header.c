#include "server/parse/auth_header.h"

#include <strings.h>

int parse_bearer(const char *header, const char **tok, size_t *len) {
    if (header == NULL || strncasecmp(header, "Bearer", 6) != 0)
        return -1;
    const char *p = header + 6;
    if (*p != ' ' && *p != '\t')
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *start = p;
    while (*p != '\0' && *p != ' ' && *p != '\t') {
        if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return -1;
        p++;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || end == start)
        return -1;
    *tok = start;
    *len = (size_t)(end - start);
    return 0;
}
