/* libFuzzer: the smuggling and framing rules (http/request_check.c) on any
 * request head, parsed in place as libmicrohttpd 0.9.75 parses it
 * (tests/unit/server/mhd_head.h; with ASan every byte request_check reads
 * must lie in that buffer). Checked against the raw bytes: a head it
 * accepts has no NUL inside a line (NULs next to a line end cannot be told
 * from its CR LF once parsed in place, docs/server.md), no CR that is not followed by LF, no LF
 * that does not follow a CR, no continuation line, no field name with a byte outside RFC 9110's
 * token, exactly one Host in HTTP/1.1, and never both Content-Length and Transfer-Encoding; every
 * refusal is a 400 or 501 whose JSON (early_error_json) is an object with "error" and "detail". */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../unit/server/mhd_head.h"
#include "server/http/early_error.h"

static int has_name(const char *line, size_t len, const char *name) {
    size_t n = strlen(name);
    return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct mhd_head h;
    if (mhd_head_parse(&h, (const char *)data, size) != 0) {
        mhd_head_free(&h);
        return 0;
    }
    const char *hint = NULL;
    unsigned st = request_check(&h.head, &hint);
    size_t head_len = (size_t)(h.head.end - h.buf);
    int http11 = strcmp(h.head.version, "HTTP/1.1") == 0;
    size_t version_end = (size_t)(h.head.version - h.buf) + strlen(h.head.version);
    mhd_head_free(&h);
    if (hint == NULL || (st != 0 && st != 400 && st != 501))
        __builtin_trap();
    if (st != 0) {
        char out[256];
        size_t n = early_error_json(st, hint, strlen(hint), 8192, out, sizeof out);
        json_t *o = json_loadb(out, n, 0, NULL);
        if (o == NULL || !json_is_string(json_object_get(o, "error")) ||
            !json_is_string(json_object_get(o, "detail")))
            __builtin_trap();
        json_decref(o);
        return 0;
    }
    /* Accepted: the raw head after the request line is clean; the request
     * line itself (and empty lines before it) are libmicrohttpd's to judge,
     * its end is the first run of line-end bytes. */
    const char *p = (const char *)data;
    if (version_end >= head_len ||
        (p[version_end] != '\r' && p[version_end] != '\n' && p[version_end] != '\0'))
        __builtin_trap();
    size_t i = version_end;
    int hosts = 0, cl = 0, te = 0, line_start = 0, first_line = 1;
    for (; i < head_len; i++) {
        /* A run of NUL, CR and LF bytes: libmicrohttpd turns the line ends
         * in it into NULs, so with a NUL in it only its length is left to
         * see; such a run must at least end a line (contain an LF): a NUL
         * inside a value is refused. A run without NUL must be CRLFs. */
        char c = p[i];
        if (c == '\0' || c == '\r' || c == '\n') {
            size_t j = i;
            int nul = 0, lf = 0;
            for (; j < head_len && (p[j] == '\0' || p[j] == '\r' || p[j] == '\n'); j++) {
                nul |= p[j] == '\0';
                lf |= p[j] == '\n';
            }
            if (nul ? !lf : (j - i) % 2 != 0)
                __builtin_trap();
            for (size_t k = i; !nul && k < j; k += 2)
                if (p[k] != '\r' || p[k + 1] != '\n')
                    __builtin_trap();
            i = j - 1;
            line_start = 1;
            first_line = 0;
            continue;
        }
        if (line_start && !first_line && (c == ' ' || c == '\t'))
            __builtin_trap();
        if (line_start && !first_line) {
            const char *colon = memchr(p + i, ':', head_len - i);
            if (colon == NULL)
                __builtin_trap();
            for (const char *k = p + i; k < colon; k++)
                if (strchr("!#$%&'*+-.^_`|~", *k) == NULL &&
                    !((*k >= '0' && *k <= '9') || (*k >= 'a' && *k <= 'z') ||
                      (*k >= 'A' && *k <= 'Z')))
                    __builtin_trap();
            hosts += has_name(p + i, head_len - i, "Host");
            cl += has_name(p + i, head_len - i, "Content-Length");
            te += has_name(p + i, head_len - i, "Transfer-Encoding");
        }
        line_start = 0;
    }
    if ((http11 && hosts != 1) || hosts > 1 || (cl && te))
        __builtin_trap();
    return 0;
}
