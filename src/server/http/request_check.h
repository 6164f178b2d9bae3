/* The request-smuggling and framing rules of RFC 9112 that libmicrohttpd
 * 0.9.75 does not apply, judged on a request's head as libmicrohttpd left it
 * in its read buffer when the access handler is first called (headers
 * complete, no body byte read yet). Pure: pointers in, a status out.
 *
 * libmicrohttpd parses the head in place: each line terminator (CRLF, or a
 * bare LF, which it accepts) becomes NUL bytes, the colon after a field name
 * becomes NUL, and names and values are NUL-terminated strings pointing into
 * that buffer, in the order received. A NUL byte inside a value therefore
 * cuts the value short (the rest of the line is not seen as part of it), and
 * a continuation line (obs-fold) moves the value elsewhere. So the head is
 * checked by its layout: from the end of the HTTP version on, every field
 * line must start exactly two NUL bytes (a CRLF) after the previous one
 * ended, its name must be a token followed by the colon's NUL, only spaces
 * and tabs may come before its value, the value holds no CR (libmicrohttpd
 * keeps a bare CR), and the head ends with exactly CRLF CRLF. Anything else
 * (NUL, CR or LF hidden in a value, a bare LF, whitespace before the colon,
 * obs-fold) is a 400.
 *
 * Then the fields (RFC 9112 §3.2, §6.1, §6.3): HTTP/1.1 needs exactly one
 * Host (HTTP/1.0 at most one); Transfer-Encoding together with
 * Content-Length, more than one Transfer-Encoding, or Transfer-Encoding in
 * HTTP/1.0 is a 400; a Transfer-Encoding other than "chunked" is a 501;
 * Content-Length fields that differ are a 400. Every refusal is answered
 * with the connection closed (the caller's job). */
#ifndef BENCHLAB_SERVER_HTTP_REQUEST_CHECK_H
#define BENCHLAB_SERVER_HTTP_REQUEST_CHECK_H

#include <stddef.h>

struct rc_field {
    const char *name, *value; /* NUL-terminated, in libmicrohttpd's buffer */
    size_t name_len, value_len;
};

struct rc_head {
    const char *version; /* "HTTP/1.x", NUL-terminated, in the buffer */
    const struct rc_field *fields;
    size_t n_fields;
    const char *end; /* one past the empty line that ends the head */
};

/* 0 when the head is acceptable; else 400 or 501, with *hint set to a short
 * text naming the rule (early_error_json picks its detail from it). */
unsigned request_check(const struct rc_head *h, const char **hint);

#endif
