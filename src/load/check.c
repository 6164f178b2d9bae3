#include "load/check.h"

#include <stdlib.h>
#include <string.h>

static int numbers_equal(json_t *a, json_t *b) {
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal(a, b);
}

static size_t json_len(json_t *j, int *ok) {
    *ok = 1;
    if (json_is_array(j))
        return json_array_size(j);
    if (json_is_object(j))
        return json_object_size(j);
    if (json_is_string(j))
        return json_string_length(j);
    *ok = 0;
    return 0;
}

int check_eval_doc(const check_t *c, json_t *doc) {
    json_t *val = doc ? jpath_get(&c->path, doc) : NULL;
    int lok;
    switch (c->kind) {
    case CK_EQUALS:
        return val && numbers_equal(val, c->equals);
    case CK_EXISTS:
        return doc && ((val != NULL) == c->exists);
    case CK_LENGTH:
        return val && json_len(val, &lok) == (size_t)c->length && lok;
    case CK_MIN_LENGTH:
        return val && json_len(val, &lok) >= (size_t)c->length && lok;
    }
    return 0;
}

/* --- the raw scanner ------------------------------------------------------------------ */

#define MAX_DEPTH 64

typedef struct scan {
    const char *p, *end;
    const jpath_t *path;
    int unsure;
    /* the value at the path (the last one, as jansson keeps the last duplicate key) */
    int found;
    char type; /* 's' string, 'n' number, 't', 'f', 'z' null, '{', '[' */
    const char *vs;
    size_t vn;
    size_t count; /* elements of a container, unescaped bytes of a string */
} scan_t;

static void ws(scan_t *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* A string at s->p (on the opening quote). Sets [*start, *len) to the raw contents
 * and *bytes to the unescaped length. Returns 0, or -1 (unsure). */
static int str(scan_t *s, const char **start, size_t *len, size_t *bytes) {
    /* 1: a byte that ends the plain run: '"', '\\', control characters, non-ASCII */
    static const unsigned char stop[256] = {
        [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1};
    const char *p = s->p + 1, *end = s->end;
    const char *b = p;
    size_t escapes = 0;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (!stop[c]) {
            p++;
            continue;
        }
        if (c == '"') {
            *start = b;
            *len = (size_t)(p - b);
            *bytes = *len - escapes;
            s->p = p + 1;
            return 0;
        }
        if (c != '\\')
            return -1; /* control characters are invalid; non-ASCII needs UTF-8 checks */
        if (p + 1 >= end || !strchr("\"\\/bfnrt", p[1]) || p[1] == '\0')
            return -1; /* \u escapes (surrogates, NUL) are left to jansson */
        escapes++;
        p += 2;
    }
    s->p = p;
    return -1;
}

/* Raw string contents equal to the (unescaped) bytes t[0..tn)? Simple escapes only. */
static int str_equals(const char *r, size_t rn, const char *t, size_t tn) {
    size_t j = 0;
    for (size_t i = 0; i < rn; i++, j++) {
        char c = r[i];
        if (c == '\\') {
            char e = r[++i];
            c = e == 'b'   ? '\b'
                : e == 'f' ? '\f'
                : e == 'n' ? '\n'
                : e == 'r' ? '\r'
                : e == 't' ? '\t'
                           : e;
        }
        if (j >= tn || t[j] != c)
            return 0;
    }
    return j == tn;
}

static int number(scan_t *s) {
    const char *b = s->p;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p >= s->end)
        return -1;
    if (*s->p == '0') {
        s->p++;
    } else if (*s->p >= '1' && *s->p <= '9') {
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
            s->p++;
    } else {
        return -1;
    }
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (s->p >= s->end || *s->p < '0' || *s->p > '9')
            return -1;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
            s->p++;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
        return -1; /* an exponent may overflow, which jansson reports as an error */
    /* so may long numbers */
    return s->p - b > 15 ? -1 : 0;
}

static int literal(scan_t *s, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return -1;
    s->p += n;
    return 0;
}

static int array_index(const char *seg) {
    size_t n = strlen(seg);
    if (n == 0 || n >= 10)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (seg[i] < '0' || seg[i] > '9')
            return -1;
    return atoi(seg);
}

/* After an object member or array element: 1 and past the ',' when another
 * follows, 0 and past `close` when the container ends, -1 otherwise. */
static int after_member(scan_t *s, char close) {
    ws(s);
    if (s->p < s->end && (*s->p == ',' || *s->p == close))
        return *s->p++ == ',';
    return -1;
}

/* One value; `at` = path segments matched so far (-1: not on the path). */
static int value(scan_t *s, int depth, int at) {
    if (depth > MAX_DEPTH)
        return -1;
    ws(s);
    if (s->p >= s->end)
        return -1;
    const char *start = s->p;
    int target = at == s->path->nseg;
    size_t count = 0;
    char type = *s->p;
    const char *sv = NULL;
    size_t sn = 0;
    switch (*s->p) {
    case '"':
        if (str(s, &sv, &sn, &count))
            return -1;
        type = 's';
        break;
    case '{': {
        s->p++;
        ws(s);
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            break;
        }
        for (;;) {
            ws(s);
            if (s->p >= s->end || *s->p != '"')
                return -1;
            const char *k;
            size_t kn, kb;
            if (str(s, &k, &kn, &kb))
                return -1;
            ws(s);
            if (s->p >= s->end || *s->p != ':')
                return -1;
            s->p++;
            int child = -1;
            if (at >= 0 && at < s->path->nseg) {
                const char *seg = s->path->seg[at];
                size_t sl = strlen(seg);
                /* without escapes (kb == kn) the raw bytes are the key */
                if (kb == kn ? kn == sl && memcmp(k, seg, sl) == 0 : str_equals(k, kn, seg, sl)) {
                    child = at + 1;
                    s->found = 0; /* a later duplicate key replaces an earlier one */
                }
            }
            if (value(s, depth + 1, child))
                return -1;
            count++;
            int more = after_member(s, '}');
            if (more < 0)
                return -1;
            if (!more)
                break;
        }
        break;
    }
    case '[': {
        s->p++;
        ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            break;
        }
        int want = (at >= 0 && at < s->path->nseg) ? array_index(s->path->seg[at]) : -1;
        for (;;) {
            if (value(s, depth + 1, (int)count == want ? at + 1 : -1))
                return -1;
            count++;
            int more = after_member(s, ']');
            if (more < 0)
                return -1;
            if (!more)
                break;
        }
        break;
    }
    case 't':
        if (literal(s, "true"))
            return -1;
        break;
    case 'f':
        if (literal(s, "false"))
            return -1;
        break;
    case 'n':
        if (literal(s, "null"))
            return -1;
        type = 'z';
        break;
    default:
        if (number(s))
            return -1;
        type = 'n';
    }
    if (target) {
        s->found = 1;
        s->type = type;
        s->vs = type == 's' ? sv : start;
        s->vn = type == 's' ? sn : (size_t)(s->p - start);
        s->count = count;
    }
    return 0;
}

static int equals_fast(const scan_t *s, json_t *want) {
    switch (s->type) {
    case 's':
        return json_is_string(want) &&
               str_equals(s->vs, s->vn, json_string_value(want), json_string_length(want));
    case 'n': {
        if (!json_is_number(want))
            return 0;
        char tmp[32];
        memcpy(tmp, s->vs, s->vn);
        tmp[s->vn] = '\0';
        return strtod(tmp, NULL) == json_number_value(want);
    }
    case 't':
        return json_is_true(want);
    case 'f':
        return json_is_false(want);
    case 'z':
        return json_is_null(want);
    }
    if ((s->type == '{' && !json_is_object(want)) || (s->type == '[' && !json_is_array(want)))
        return 0;
    return -1; /* two objects or two arrays: let jansson compare */
}

int check_eval_fast(const check_t *c, const char *body, size_t len) {
    scan_t s = {0};
    s.p = body;
    s.end = body + len;
    s.path = &c->path;
    if (!body || value(&s, 0, 0) != 0)
        return -1;
    ws(&s);
    if (s.p != s.end)
        return -1;
    switch (c->kind) {
    case CK_EXISTS:
        return s.found == c->exists;
    case CK_EQUALS:
        return s.found ? equals_fast(&s, c->equals) : 0;
    case CK_LENGTH:
    case CK_MIN_LENGTH:
        if (s.found && s.type == '{')
            return -1; /* jansson counts duplicate keys once */
        if (!s.found || (s.type != 's' && s.type != '['))
            return 0;
        return c->kind == CK_LENGTH ? s.count == (size_t)c->length : s.count >= (size_t)c->length;
    }
    return -1;
}
