/* JSON bodies for the errors answered before any handler runs: the request
 * line or the header fields over --max-header (ours, front.c), and every
 * error libmicrohttpd answers by itself (malformed request line or header,
 * missing Host, bad Content-Length or chunked encoding, unsupported HTTP
 * version, headers that do not fit the connection's memory). Pure: the
 * status and libmicrohttpd's own page (HTML, possibly empty) in, the
 * contract's {"error","detail"} out. */
#ifndef BENCHLAB_SERVER_HTTP_EARLY_ERROR_H
#define BENCHLAB_SERVER_HTTP_EARLY_ERROR_H

#include <stddef.h>

/* Writes the JSON body for status into out (NUL-terminated) and returns its
 * length. page/page_len: libmicrohttpd's page for that error (NULL or empty
 * when unknown); it only picks the detail. max_header is quoted by 414/431. */
size_t early_error_json(unsigned status, const char *page, size_t page_len, size_t max_header,
                        char *out, size_t outlen);

/* The status a Content-Length value (not NUL-terminated) calls for: 0 when
 * it is a number libmicrohttpd accepts, 413 when all digits but beyond 64
 * bits, 400 otherwise (empty, signs, spaces, letters). */
unsigned early_error_content_length(const char *value, size_t len);

/* Whether a buffer libmicrohttpd made a response from is one of its own
 * error pages (they all start with the same HTML prefix). */
int early_error_is_mhd_page(const void *buf, size_t len);

#endif
