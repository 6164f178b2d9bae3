#include "server/parse/json_body.h"

#include <stdio.h>
#include <string.h>

json_t *parse_json_object(const char *buf, size_t len, char *err, size_t errlen) {
    if (buf == NULL || len == 0) {
        snprintf(err, errlen, "request body is empty; a JSON object is required");
        return NULL;
    }
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        snprintf(err, errlen, "malformed JSON at line %d column %d: %s", je.line, je.column,
                 je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "request body must be a JSON object");
        json_decref(root);
        return NULL;
    }
    return root;
}

int parse_echo_body(const char *buf, size_t len, json_t **message, json_t **data, char *err,
                    size_t errlen) {
    json_t *root = parse_json_object(buf, len, err, errlen);
    if (root == NULL)
        return -1;
    json_t *m = json_object_get(root, "message");
    json_t *d = json_object_get(root, "data");
    if (m == NULL) {
        snprintf(err, errlen, "field 'message' is required");
    } else if (!json_is_string(m)) {
        snprintf(err, errlen, "field 'message' must be a string");
    } else if (d != NULL && !json_is_object(d) && !json_is_null(d)) {
        snprintf(err, errlen, "field 'data' must be an object");
    } else {
        *message = json_incref(m);
        *data = d ? json_incref(d) : json_null();
        json_decref(root);
        return 0;
    }
    json_decref(root);
    return -1;
}

/* Copies a string field bounded by [minlen, maxlen] bytes; 1 = absent, 0 = ok, -1 = bad. */
static int string_field(json_t *root, const char *key, size_t minlen, size_t maxlen, char *dst,
                        char *err, size_t errlen) {
    json_t *v = json_object_get(root, key);
    if (v == NULL)
        return 1;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "field '%s' must be a string", key);
        return -1;
    }
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n < minlen || n > maxlen || memchr(s, '\0', n) != NULL) {
        snprintf(err, errlen, "field '%s' must be %zu to %zu characters", key, minlen, maxlen);
        return -1;
    }
    memcpy(dst, s, n + 1);
    return 0;
}

int parse_user_body(const char *buf, size_t len, int partial, struct user_input *out, char *err,
                    size_t errlen) {
    memset(out, 0, sizeof *out);
    json_t *root = parse_json_object(buf, len, err, errlen);
    if (root == NULL)
        return -1;
    int rc = -1;
    int n = string_field(root, "name", 1, 100, out->name, err, errlen);
    if (n < 0)
        goto done;
    int e = string_field(root, "email", 3, 255, out->email, err, errlen);
    if (e < 0)
        goto done;
    out->has_name = n == 0;
    out->has_email = e == 0;
    if (!partial && !out->has_name) {
        snprintf(err, errlen, "field 'name' is required");
        goto done;
    }
    if (!partial && !out->has_email) {
        snprintf(err, errlen, "field 'email' is required");
        goto done;
    }
    if (partial && !out->has_name && !out->has_email) {
        snprintf(err, errlen, "give at least one of 'name' and 'email'");
        goto done;
    }
    if (out->has_email) {
        const char *at = strchr(out->email, '@');
        if (at == NULL || at == out->email || at[1] == '\0' || strchr(at + 1, '@') != NULL) {
            snprintf(err, errlen, "field 'email' must look like user@host");
            goto done;
        }
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}
