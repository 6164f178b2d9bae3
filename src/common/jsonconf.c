/* Strict JSON configuration files (see jsonconf.h). */
#include "common/jsonconf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Field paths in messages are cut at the buffer size on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

json_t *jsonconf_load(jsonconf_t *c, bool *unreadable) {
    json_error_t je;
    json_t *root = json_load_file(c->file, JSON_REJECT_DUPLICATES, &je);
    if (unreadable)
        *unreadable = !root && je.line < 0;
    if (!root && je.line < 0)
        snprintf(c->err, c->errlen, "%s: cannot read it (%s)", c->file, je.text);
    else if (!root)
        snprintf(c->err, c->errlen, "%s: line %d, column %d: %s", c->file, je.line, je.column,
                 je.text);
    return root;
}

int jsonconf_bad(jsonconf_t *c, const char *path, const char *fmt, ...) {
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path && *path ? path : "(top level)", what);
    return -1;
}

const char *jsonconf_type(const json_t *j) {
    if (!j)
        return "missing";
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

void jsonconf_key(char *out, size_t n, const char *path, const char *key) {
    snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
}

void jsonconf_index(char *out, size_t n, const char *path, size_t i) {
    snprintf(out, n, "%s[%zu]", path, i);
}

int jsonconf_only_keys(jsonconf_t *c, const json_t *obj, const char *path,
                       const char *const *allowed) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = strcmp(key, "description") == 0;
        for (const char *const *a = allowed; !ok && *a; a++)
            ok = strcmp(key, *a) == 0;
        if (ok)
            continue;
        char p[512], list[512] = "";
        size_t n = 0;
        jsonconf_key(p, sizeof p, path, key);
        for (const char *const *a = allowed; *a && n < sizeof list; a++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s, ", *a);
        if (n < sizeof list)
            snprintf(list + n, sizeof list - n, "description");
        return jsonconf_bad(c, p, "unknown key (allowed here: %s)", list);
    }
    return 0;
}

int jsonconf_object(jsonconf_t *c, const json_t *j, const char *path) {
    return json_is_object(j)
               ? 0
               : jsonconf_bad(c, path, "expected an object, found %s", jsonconf_type(j));
}

int jsonconf_string(jsonconf_t *c, const json_t *j, const char *path, const char **out) {
    if (!json_is_string(j))
        return jsonconf_bad(c, path, "expected a string, found %s", jsonconf_type(j));
    *out = json_string_value(j);
    return 0;
}

int jsonconf_bool(jsonconf_t *c, const json_t *j, const char *path, bool *out) {
    if (!json_is_boolean(j))
        return jsonconf_bad(c, path, "expected true or false, found %s", jsonconf_type(j));
    *out = json_is_true(j);
    return 0;
}

int jsonconf_array(jsonconf_t *c, const json_t *j, const char *path, size_t min_len,
                   const char *what) {
    if (json_is_array(j) && json_array_size(j) >= min_len)
        return 0;
    if (json_is_array(j))
        return jsonconf_bad(c, path, "expected a non-empty array of %s", what);
    return jsonconf_bad(c, path, "expected %sarray of %s, found %s",
                        min_len ? "a non-empty " : "an ", what, jsonconf_type(j));
}

int jsonconf_int(jsonconf_t *c, const json_t *j, const char *path, long long min, long long max,
                 long long *out) {
    if (json_is_integer(j) && json_integer_value(j) >= min && json_integer_value(j) <= max) {
        *out = json_integer_value(j);
        return 0;
    }
    const char *found = json_is_integer(j)
                            ? (json_integer_value(j) < min ? "a smaller one" : "a larger one")
                            : jsonconf_type(j);
    if (max == LLONG_MAX)
        return jsonconf_bad(c, path, "expected an integer >= %lld, found %s", min, found);
    return jsonconf_bad(c, path, "expected an integer %lld..%lld, found %s", min, max, found);
}
