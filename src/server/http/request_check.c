#include "server/http/request_check.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* tchar of RFC 9110 §5.6.2. */
static int is_tchar(unsigned char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int name_is(const struct rc_field *f, const char *name) {
    size_t n = strlen(name);
    return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

/* The layout rule of the header comment. Pointers are compared as integers
 * before any byte is read, so every byte read lies between the version and
 * the end of the head, inside libmicrohttpd's buffer. */
static int layout_ok(const struct rc_head *h) {
    uintptr_t end = (uintptr_t)h->end;
    const char *p = h->version + strlen(h->version); /* the request line's CR, now NUL */
    for (size_t i = 0; i < h->n_fields; i++) {
        const struct rc_field *f = &h->fields[i];
        uintptr_t name = (uintptr_t)f->name, value = (uintptr_t)f->value;
        if (name != (uintptr_t)p + 2 || p[0] != '\0' || p[1] != '\0' || f->name_len == 0)
            return 0;
        if (value < name + f->name_len + 1 || value + f->value_len + 4 > end)
            return 0;
        for (size_t k = 0; k < f->name_len; k++)
            if (!is_tchar((unsigned char)f->name[k]))
                return 0;
        if (f->name[f->name_len] != '\0') /* the colon */
            return 0;
        for (const char *w = f->name + f->name_len + 1; w < f->value; w++)
            if (*w != ' ' && *w != '\t')
                return 0;
        if (memchr(f->value, '\r', f->value_len) != NULL ||
            memchr(f->value, '\n', f->value_len) != NULL)
            return 0;
        p = f->value + f->value_len;
    }
    if ((uintptr_t)p + 4 != end)
        return 0;
    return p[0] == '\0' && p[1] == '\0' && p[2] == '\0' && p[3] == '\0';
}

unsigned request_check(const struct rc_head *h, const char **hint) {
    static const char *const none = "";
    *hint = none;
    if (h == NULL || h->version == NULL || h->end == NULL || !layout_ok(h)) {
        *hint = "field-value";
        return 400;
    }
    int http11 = strcmp(h->version, "HTTP/1.1") == 0;
    size_t hosts = 0, tes = 0, cls = 0;
    const struct rc_field *te = NULL, *cl = NULL;
    for (size_t i = 0; i < h->n_fields; i++) {
        const struct rc_field *f = &h->fields[i];
        if (name_is(f, "Host"))
            hosts++;
        else if (name_is(f, "Transfer-Encoding")) {
            tes++;
            te = f;
        } else if (name_is(f, "Content-Length")) {
            if (cl != NULL &&
                (cl->value_len != f->value_len || memcmp(cl->value, f->value, f->value_len) != 0)) {
                *hint = "Content-Length conflict";
                return 400;
            }
            cls++;
            cl = f;
        }
    }
    if ((http11 && hosts != 1) || hosts > 1) {
        *hint = hosts > 1 ? "Host twice" : "Host";
        return 400;
    }
    if (te != NULL) {
        if (cls > 0) {
            *hint = "Content-Length with Transfer-Encoding";
            return 400;
        }
        if (tes > 1 || !http11) {
            *hint = "Transfer-Encoding repeated or in HTTP/1.0";
            return 400;
        }
        if (te->value_len != 7 || strncasecmp(te->value, "chunked", 7) != 0) {
            *hint = "Transfer-Encoding";
            return 501;
        }
    }
    return 0;
}
