/* A scenario's request rendering: the target (base URL) and the wire bytes of
 * each request, pre-rendered once for requests without templates, per send
 * for the others (scenario.h). The loader is scenario.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "load/scenario.h"
#include "load/template.h"

int scenario_set_base_url(scenario_t *s, const char *url, char *err, size_t errlen) {
    if (strncmp(url, "http://", 7) != 0) {
        snprintf(err, errlen,
                 "%s: base_url: \"%s\" must start with http:// (https is not supported)", s->file,
                 url);
        return -1;
    }
    const char *h = url + 7;
    size_t n = strcspn(h, "/");
    if (n == 0 || n >= sizeof s->host || (h[n] == '/' && h[n + 1] != '\0')) {
        snprintf(err, errlen, "%s: base_url: \"%s\" must be http://host[:port] without a path",
                 s->file, url);
        return -1;
    }
    memcpy(s->host, h, n);
    s->host[n] = '\0';
    const char *colon = strrchr(s->host, ':');
    const char *bracket = strrchr(s->host, ']');
    if (colon && (!bracket || colon > bracket)) {
        size_t hl = (size_t)(colon - s->host);
        if (strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof s->port ||
            strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
            snprintf(err, errlen, "%s: base_url: bad port in \"%s\"", s->file, url);
            return -1;
        }
        strcpy(s->port, colon + 1);
        memcpy(s->addr, s->host, hl);
        s->addr[hl] = '\0';
    } else {
        strcpy(s->port, "80");
        strcpy(s->addr, s->host);
    }
    if (s->addr[0] == '[') { /* [::1] */
        size_t al = strlen(s->addr);
        memmove(s->addr, s->addr + 1, al);
        if (al >= 2 && s->addr[al - 2] == ']')
            s->addr[al - 2] = '\0';
    }
    if (s->base_url != url) {
        free(s->base_url);
        s->base_url = xstrdup(url);
    }
    /* static requests: render once */
    for (size_t i = 0; i < s->nrequests; i++) {
        request_t *r = s->reqs[i];
        int dynamic = r->path.dynamic || r->body.dynamic;
        for (size_t k = 0; k < r->nheaders; k++)
            dynamic |= r->headers[k].value.dynamic;
        free(r->wire);
        r->wire = NULL;
        if (dynamic)
            continue;
        buf_t out = {0}, scratch = {0};
        request_render(s, r, &out, &scratch, NULL);
        r->wire = out.p;
        r->wire_len = out.len;
        buf_free(&scratch);
    }
    return 0;
}

static int has_header(const request_t *r, const char *name) {
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return 1;
    return 0;
}

void request_render(const scenario_t *s, const request_t *r, buf_t *out, buf_t *scratch,
                    const render_ctx_t *ctx) {
    render_ctx_t empty = {0};
    if (!ctx)
        ctx = &empty;
    out->len = 0;
    buf_adds(out, r->method);
    buf_add(out, " ", 1);
    tmpl_render(&r->path, out, ctx);
    buf_add(out, " HTTP/1.1\r\n", 11);
    if (!has_header(r, "host")) {
        buf_add(out, "Host: ", 6);
        buf_adds(out, s->host);
        buf_add(out, "\r\n", 2);
    }
    if (!has_header(r, "user-agent"))
        buf_adds(out, "User-Agent: benchlab-load\r\n");
    for (size_t i = 0; i < r->nheaders; i++) {
        buf_adds(out, r->headers[i].name);
        buf_add(out, ": ", 2);
        tmpl_render(&r->headers[i].value, out, ctx);
        buf_add(out, "\r\n", 2);
    }
    if (r->body_kind != BODY_NONE) {
        scratch->len = 0;
        buf_reserve(scratch, 0);
        tmpl_render(&r->body, scratch, ctx);
        if (r->content_type && !has_header(r, "content-type")) {
            buf_add(out, "Content-Type: ", 14);
            buf_adds(out, r->content_type);
            buf_add(out, "\r\n", 2);
        }
        if (!has_header(r, "content-length")) {
            buf_add(out, "Content-Length: ", 16);
            buf_addu(out, scratch->len);
            buf_add(out, "\r\n\r\n", 4);
        } else {
            buf_add(out, "\r\n", 2);
        }
        buf_add(out, scratch->p, scratch->len);
    } else {
        buf_add(out, "\r\n", 2);
    }
}
