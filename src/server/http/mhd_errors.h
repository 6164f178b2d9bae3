/* libmicrohttpd's own error answers, in the contract's JSON.
 *
 * Some requests never reach a handler: libmicrohttpd answers them itself
 * (400 malformed request line or header, missing Host, bad Content-Length or
 * chunked encoding; 413; 414 and 431 when the request line or the headers do
 * not fit the connection's memory; 505), with an HTML page. In 0.9.75 every
 * one of them is built by MHD_create_response_from_buffer(...,
 * MHD_RESPMEM_PERSISTENT) and queued by MHD_queue_response, both called
 * through the library's PLT. This file defines both functions: in an ELF
 * executable those definitions take precedence over libmicrohttpd's, also
 * for its internal calls (as http/access_hook.c does for MHD_start_daemon).
 * The definitions call libmicrohttpd's (dlsym RTLD_NEXT); a response made
 * from one of libmicrohttpd's error pages is remembered (per thread) and,
 * when it is queued with a status >= 400, a JSON response with
 * Content-Type: application/json is queued instead, same status
 * (http/early_error.h). libmicrohttpd closes such connections after the
 * answer. Everything else passes through untouched. Where the interposition
 * does not happen (Mach-O), the HTML pages stay. */
#ifndef BENCHLAB_SERVER_HTTP_MHD_ERRORS_H
#define BENCHLAB_SERVER_HTTP_MHD_ERRORS_H

#include <microhttpd.h>
#include <stddef.h>

/* One more: libmicrohttpd 0.9.75 sends the status line and headers of its
 * 400/413 for a malformed or oversized Content-Length twice (its header
 * parser overwrites the connection state the error set), so the body a
 * client reads is garbage. It looks the header up through
 * MHD_lookup_connection_value_n, also interposed here: a Content-Length
 * value it would refuse is reported as absent, the request proceeds without
 * a body, and the access hook answers the error itself at the first call
 * (mhd_errors_take_bad_length), on the same thread. */
unsigned mhd_errors_take_bad_length(struct MHD_Connection *conn);

/* The limit quoted in 414/431 details (the server's --max-header). */
void mhd_errors_set_limit(size_t max_header);
/* How many error pages were answered as JSON so far (tests). */
unsigned long mhd_errors_rewritten(void);

#endif
