/* multipart/form-data (RFC 7578): pure, fuzzed. */
#ifndef BENCHLAB_SERVER_PARSE_MULTIPART_H
#define BENCHLAB_SERVER_PARSE_MULTIPART_H

#include <stddef.h>

struct multipart_part {
    char name[128];
    char filename[256];
    char content_type[128];
    int has_filename;
    const char *data; /* points into the body */
    size_t size;
};

/* Extracts the boundary parameter of a multipart/form-data Content-Type.
 * Returns 0 or -1 (not multipart/form-data, or no/oversized boundary). */
int multipart_boundary(const char *content_type, char *boundary, size_t len);

/* Finds the part whose form field name is `field`. Returns 1 found, 0 absent,
 * -1 malformed (reason in err). */
int multipart_find(const char *body, size_t len, const char *boundary, const char *field,
                   struct multipart_part *out, char *err, size_t errlen);

#endif
