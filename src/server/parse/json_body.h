/* Request bodies of /echo and /users: pure, fuzzed. Each returns 0 or -1 with
 * a human-readable reason (line/column for malformed JSON) in err. */
#ifndef BENCHLAB_SERVER_PARSE_JSON_BODY_H
#define BENCHLAB_SERVER_PARSE_JSON_BODY_H

#include <jansson.h>
#include <stddef.h>

/* A JSON object; anything else (or malformed) is an error. */
json_t *parse_json_object(const char *buf, size_t len, char *err, size_t errlen);

/* /echo: message (string, required), data (object, optional). On success
 * *message and *data are new references (*data is json null when absent). */
int parse_echo_body(const char *buf, size_t len, json_t **message, json_t **data, char *err,
                    size_t errlen);

struct user_input {
    char name[101];  /* "" when absent (update) */
    char email[256]; /* "" when absent (update) */
    int has_name, has_email;
};

/* POST /users: name (1..100 chars) and email (3..255 chars, one '@') required.
 * PUT /users/{id} (partial=1): each optional, at least one. */
int parse_user_body(const char *buf, size_t len, int partial, struct user_input *out, char *err,
                    size_t errlen);

#endif
