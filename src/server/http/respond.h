/* JSON responses and the error shape {"error","detail"} shared by handlers. */
#ifndef BENCHLAB_SERVER_HTTP_RESPOND_H
#define BENCHLAB_SERVER_HTTP_RESPOND_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <ulfius.h>

struct db_conn;

/* {"error": error, "detail": detail} (a new reference). */
json_t *error_json(const char *error, const char *detail);
/* body serialized as every response is (compact), the reference taken;
 * malloc'd, NULL when out of memory. */
char *json_text(json_t *body, size_t *len);

/* Sets status and the serialized body (takes the reference); returns U_CALLBACK_COMPLETE. */
int reply_json(struct _u_response *resp, unsigned status, json_t *body);
/* {"error": error, "detail": printf(fmt, ...)} with status. */
int reply_error(struct _u_response *resp, unsigned status, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 503 for a backend that could not be reached ("database" or "redis"). */
int reply_unavailable(struct _u_response *resp, const char *what);
/* After a failed query: 503 when the connection was lost, else 500. */
int reply_db_failure(struct _u_response *resp, struct db_conn *c, const PGresult *r);
int reply_no_content(struct _u_response *resp);
/* Sets a JSON body already serialized into buf (malloc'd; ownership passes to
 * the response). A NULL buf (allocation failed) answers 500. */
int reply_json_text(struct _u_response *resp, unsigned status, char *buf, size_t len);

/* A query or path parameter, NULL when absent. */
const char *req_param(const struct _u_request *req, const char *name);
const char *req_header(const struct _u_request *req, const char *name);

/* Milliseconds since start (clock_mono_ns), as the contract's elapsed_ms. */
double elapsed_ms(uint64_t start_ns);

#endif
