#include "server/http/early_error.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MHD_PAGE_PREFIX "<html><head><title>"

/* Whether needle occurs in the first len bytes of page. */
static int page_has(const char *page, size_t len, const char *needle) {
    size_t n = strlen(needle);
    if (page == NULL || n > len)
        return 0;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(page + i, needle, n) == 0)
            return 1;
    return 0;
}

int early_error_is_mhd_page(const void *buf, size_t len) {
    return buf != NULL && len >= sizeof MHD_PAGE_PREFIX - 1 &&
           memcmp(buf, MHD_PAGE_PREFIX, sizeof MHD_PAGE_PREFIX - 1) == 0;
}

unsigned early_error_content_length(const char *value, size_t len) {
    if (value == NULL || len == 0)
        return 400;
    uint64_t v = 0;
    int overflow = 0;
    for (size_t i = 0; i < len; i++) {
        if (value[i] < '0' || value[i] > '9')
            return 400;
        unsigned d = (unsigned)(value[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    return overflow ? 413 : 0;
}

size_t early_error_json(unsigned status, const char *page, size_t page_len, size_t max_header,
                        char *out, size_t outlen) {
    const char *error, *detail;
    char limit[128];
    if (page == NULL)
        page_len = 0;
    switch (status) {
    case 431:
        error = "header_too_large";
        snprintf(limit, sizeof limit,
                 "request line and header fields larger than %zu bytes (or too many fields)",
                 max_header);
        detail = limit;
        break;
    case 414:
        error = "uri_too_long";
        snprintf(limit, sizeof limit, "request line longer than %zu bytes", max_header);
        detail = limit;
        break;
    case 413:
        error = "payload_too_large";
        detail =
            page_has(page, page_len, "chunk") ? "chunk size too large" : "Content-Length too large";
        break;
    case 505:
        error = "http_version_not_supported";
        detail = "only HTTP/1.0 and HTTP/1.1 are served";
        break;
    case 400:
        error = "bad_request";
        if (page_has(page, page_len, "field-value"))
            detail = "NUL, CR or LF in a header field, whitespace before a colon, or a line not "
                     "ended by CRLF";
        else if (page_has(page, page_len, "Content-Length with Transfer-Encoding"))
            detail = "Content-Length and Transfer-Encoding together";
        else if (page_has(page, page_len, "Content-Length conflict"))
            detail = "Content-Length fields that differ";
        else if (page_has(page, page_len, "Transfer-Encoding repeated"))
            detail = "Transfer-Encoding repeated, or in an HTTP/1.0 request";
        else if (page_has(page, page_len, "Host twice"))
            detail = "more than one Host header";
        else if (page_has(page, page_len, "Host"))
            detail = "an HTTP/1.1 request needs a Host header";
        else if (page_has(page, page_len, "chunked"))
            detail = "malformed chunked encoding";
        else if (page_has(page, page_len, "Content-Length"))
            detail = "malformed Content-Length";
        else
            detail = "malformed request line or header field";
        break;
    case 501:
        error = "not_implemented";
        detail = "the only Transfer-Encoding understood is chunked";
        break;
    default:
        if (status >= 500) {
            error = "internal";
            detail = "the request could not be processed";
        } else {
            error = "bad_request";
            detail = "the request could not be parsed";
        }
        break;
    }
    /* error and detail are fixed ASCII without quotes or backslashes. */
    int n = snprintf(out, outlen, "{\"error\":\"%s\",\"detail\":\"%s\"}", error, detail);
    if (n < 0)
        n = 0;
    return (size_t)n < outlen ? (size_t)n : (outlen ? outlen - 1 : 0);
}
