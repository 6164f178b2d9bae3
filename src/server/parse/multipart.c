#include "server/parse/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Reads a parameter value (quoted string or token) at p into dst; returns the
 * position after it, or NULL when it does not fit or a quote is unterminated. */
static const char *param_value(const char *p, const char *end, char *dst, size_t dstlen) {
    size_t n = 0;
    if (p < end && *p == '"') {
        p++;
        while (p < end && *p != '"') {
            if (*p == '\\' && p + 1 < end)
                p++;
            if (n + 1 >= dstlen)
                return NULL;
            dst[n++] = *p++;
        }
        if (p >= end)
            return NULL;
        p++; /* closing quote */
    } else {
        while (p < end && *p != ';' && *p != ' ' && *p != '\t' && *p != ',') {
            if (n + 1 >= dstlen)
                return NULL;
            dst[n++] = *p++;
        }
    }
    dst[n] = '\0';
    return p;
}

/* Finds `key=` as a parameter in [p, end) (after a ';'); copies its value.
 * Returns 1 found, 0 absent, -1 malformed. */
static int find_param(const char *p, const char *end, const char *key, char *dst, size_t dstlen) {
    size_t kl = strlen(key);
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (semi == NULL)
            return 0;
        p = semi + 1;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(end - p) > kl && strncasecmp(p, key, kl) == 0 && p[kl] == '=') {
            return param_value(p + kl + 1, end, dst, dstlen) ? 1 : -1;
        }
    }
    return 0;
}

int multipart_boundary(const char *ct, char *boundary, size_t len) {
    static const char type[] = "multipart/form-data";
    if (ct == NULL || strncasecmp(ct, type, sizeof type - 1) != 0)
        return -1;
    const char *end = ct + strlen(ct);
    if (find_param(ct + sizeof type - 1, end, "boundary", boundary, len) != 1)
        return -1;
    size_t n = strlen(boundary);
    return n >= 1 && n <= 70 ? 0 : -1;
}

static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen) {
    return memmem(hay, hlen, needle, nlen);
}

/* Parses one part's header block [p, end) into out. */
static int part_headers(const char *p, const char *end, struct multipart_part *out, char *err,
                        size_t errlen) {
    int has_disposition = 0;
    while (p < end) {
        const char *eol = find_bytes(p, (size_t)(end - p), "\r\n", 2);
        const char *line_end = eol ? eol : end;
        const char *colon = memchr(p, ':', (size_t)(line_end - p));
        if (colon == NULL) {
            snprintf(err, errlen, "multipart: header line without ':'");
            return -1;
        }
        size_t nl = (size_t)(colon - p);
        const char *v = colon + 1;
        while (v < line_end && (*v == ' ' || *v == '\t'))
            v++;
        if (nl == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
            has_disposition = 1;
            if ((size_t)(line_end - v) < 9 || strncasecmp(v, "form-data", 9) != 0) {
                snprintf(err, errlen, "multipart: Content-Disposition must be form-data");
                return -1;
            }
            if (find_param(v, line_end, "name", out->name, sizeof out->name) != 1) {
                snprintf(err, errlen, "multipart: part without a usable name");
                return -1;
            }
            int f = find_param(v, line_end, "filename", out->filename, sizeof out->filename);
            if (f < 0) {
                snprintf(err, errlen, "multipart: bad filename parameter");
                return -1;
            }
            out->has_filename = f == 1;
        } else if (nl == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
            size_t vl = (size_t)(line_end - v);
            if (vl >= sizeof out->content_type)
                vl = sizeof out->content_type - 1;
            memcpy(out->content_type, v, vl);
            out->content_type[vl] = '\0';
        }
        p = eol ? eol + 2 : end;
    }
    if (!has_disposition) {
        snprintf(err, errlen, "multipart: part without Content-Disposition");
        return -1;
    }
    return 0;
}

int multipart_find(const char *body, size_t len, const char *boundary, const char *field,
                   struct multipart_part *out, char *err, size_t errlen) {
    char delim[80];
    size_t bl = strlen(boundary);
    if (bl == 0 || bl > 70) {
        snprintf(err, errlen, "multipart: bad boundary");
        return -1;
    }
    /* Every delimiter but the first is preceded by CRLF. */
    delim[0] = '\r';
    delim[1] = '\n';
    delim[2] = '-';
    delim[3] = '-';
    memcpy(delim + 4, boundary, bl);
    size_t dl = bl + 4;
    const char *end = body + len;
    const char *p;
    if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        p = body + dl - 2;
    } else {
        p = body ? find_bytes(body, len, delim, dl) : NULL;
        if (p == NULL) {
            snprintf(err, errlen, "multipart: boundary not found in body");
            return -1;
        }
        p += dl;
    }
    for (int parts = 0;; parts++) {
        /* p is just after a delimiter. */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return 0; /* close delimiter: field not present */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            snprintf(err, errlen, "multipart: %s", parts ? "truncated body" : "bad delimiter line");
            return -1;
        }
        p += 2;
        const char *hdr_end = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4);
        const char *data;
        if (hdr_end == NULL) {
            snprintf(err, errlen, "multipart: part headers not terminated");
            return -1;
        }
        data = hdr_end + 4;
        const char *next = find_bytes(data, (size_t)(end - data), delim, dl);
        if (next == NULL) {
            snprintf(err, errlen, "multipart: part not terminated by the boundary");
            return -1;
        }
        struct multipart_part part;
        memset(&part, 0, sizeof part);
        if (part_headers(p, hdr_end, &part, err, errlen) != 0)
            return -1;
        part.data = data;
        part.size = (size_t)(next - data);
        if (strcmp(part.name, field) == 0) {
            *out = part;
            return 1;
        }
        p = next + dl;
    }
}
