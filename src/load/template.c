#include "load/template.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "load/rng.h"
#include "common/xalloc.h"

static const char *const reserved[] = {"vu", "iter", "rand", "now_ms", "uuid", "raw"};

int varname_valid(const char *s) {
    if (!s || !*s || isdigit((unsigned char)*s))
        return 0;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            return 0;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcmp(s, reserved[i]) == 0)
            return 0;
    return 1;
}

int varnames_find(const varnames_t *v, const char *name) {
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return (int)i;
    return -1;
}

int varnames_add(varnames_t *v, const char *name) {
    int i = varnames_find(v, name);
    if (i >= 0)
        return i;
    v->names = xrealloc(v->names, (v->n + 1) * sizeof *v->names);
    v->names[v->n] = xstrdup(name);
    return (int)v->n++;
}

void varnames_free(varnames_t *v) {
    for (size_t i = 0; i < v->n; i++)
        free(v->names[i]);
    free(v->names);
    v->names = NULL;
    v->n = 0;
}

static tseg_t *push(tmpl_t *t) {
    t->segs = xrealloc(t->segs, (t->n + 1) * sizeof *t->segs);
    tseg_t *s = &t->segs[t->n++];
    memset(s, 0, sizeof *s);
    return s;
}

void tmpl_add_lit(tmpl_t *t, const char *s, size_t n) {
    if (n == 0)
        return;
    if (t->n && t->segs[t->n - 1].kind == TS_LIT) {
        tseg_t *last = &t->segs[t->n - 1];
        last->lit = xrealloc(last->lit, last->len + n + 1);
        memcpy(last->lit + last->len, s, n);
        last->len += n;
        last->lit[last->len] = '\0';
        return;
    }
    tseg_t *g = push(t);
    g->kind = TS_LIT;
    g->lit = xstrndup(s, n);
    g->len = n;
}

void tmpl_append(tmpl_t *dst, const tmpl_t *src) {
    for (size_t i = 0; i < src->n; i++) {
        const tseg_t *s = &src->segs[i];
        if (s->kind == TS_LIT) {
            tmpl_add_lit(dst, s->lit, s->len);
        } else {
            tseg_t *d = push(dst);
            *d = *s;
            d->lit = NULL;
            dst->dynamic = 1;
        }
    }
}

void tmpl_free(tmpl_t *t) {
    for (size_t i = 0; i < t->n; i++)
        free(t->segs[i].lit);
    free(t->segs);
    memset(t, 0, sizeof *t);
}

static int parse_int(const char *s, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* One placeholder body (between the braces, trimmed). raw: set when "raw X". */
static int placeholder(tmpl_t *t, char *body, int escape, int *raw, const varnames_t *vars,
                       char *err, size_t errlen) {
    char *words[4];
    int n = 0;
    for (char *tok = strtok(body, " \t"); tok; tok = strtok(NULL, " \t")) {
        if (n == 4) {
            snprintf(err, errlen, "too many words in a placeholder");
            return -1;
        }
        words[n++] = tok;
    }
    if (n == 0) {
        snprintf(err, errlen, "empty placeholder {{}}");
        return -1;
    }
    if (strcmp(words[0], "raw") == 0) {
        if (n != 2 && n != 4) {
            snprintf(err, errlen, "{{raw X}} needs one placeholder X");
            return -1;
        }
        *raw = 1;
        escape = 0;
        memmove(words, words + 1, sizeof words[0] * 3);
        n--;
    }
    tseg_t s = {0};
    s.escape = escape;
    if (strcmp(words[0], "rand") == 0) {
        if (n != 3 || parse_int(words[1], &s.a) || parse_int(words[2], &s.b) || s.a > s.b) {
            snprintf(err, errlen, "{{rand A B}} needs two integers A <= B");
            return -1;
        }
        s.kind = TS_RAND;
    } else if (n != 1) {
        snprintf(err, errlen, "unknown placeholder \"%s\" with arguments", words[0]);
        return -1;
    } else if (strcmp(words[0], "vu") == 0) {
        s.kind = TS_VU;
    } else if (strcmp(words[0], "iter") == 0) {
        s.kind = TS_ITER;
    } else if (strcmp(words[0], "now_ms") == 0) {
        s.kind = TS_NOW;
    } else if (strcmp(words[0], "uuid") == 0) {
        s.kind = TS_UUID;
    } else {
        int v = vars ? varnames_find(vars, words[0]) : -1;
        if (v < 0) {
            snprintf(err, errlen,
                     "unknown placeholder {{%s}} (not vu, iter, rand, now_ms, uuid, raw, nor a "
                     "variable from \"variables\" or an \"extract\")",
                     words[0]);
            return -1;
        }
        s.kind = TS_VAR;
        s.var = v;
    }
    *push(t) = s;
    t->dynamic = 1;
    return 0;
}

static int compile(tmpl_t *t, const char *src, int escape, int *raw_count, const varnames_t *vars,
                   char *err, size_t errlen) {
    const char *p = src;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            size_t n = strlen(p);
            buf_t tmp = {0};
            if (escape)
                json_escape_into(&tmp, p, n);
            else
                buf_add(&tmp, p, n);
            tmpl_add_lit(t, tmp.p, tmp.len);
            buf_free(&tmp);
            break;
        }
        if (open > p) {
            buf_t tmp = {0};
            if (escape)
                json_escape_into(&tmp, p, (size_t)(open - p));
            else
                buf_add(&tmp, p, (size_t)(open - p));
            tmpl_add_lit(t, tmp.p, tmp.len);
            buf_free(&tmp);
        }
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            snprintf(err, errlen, "\"{{\" without a closing \"}}\"");
            return -1;
        }
        char *body = xstrndup(open + 2, (size_t)(close - open - 2));
        int raw = 0;
        int rc = placeholder(t, body, escape, &raw, vars, err, errlen);
        free(body);
        if (rc)
            return -1;
        if (raw && raw_count)
            (*raw_count)++;
        p = close + 2;
    }
    return 0;
}

int tmpl_compile(tmpl_t *t, const char *src, const varnames_t *vars, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    if (compile(t, src, 0, NULL, vars, err, errlen)) {
        tmpl_free(t);
        return -1;
    }
    return 0;
}

/* Is s exactly "{{raw ...}}" (one placeholder, nothing around it)? */
static int whole_raw(const char *s) {
    size_t n = strlen(s);
    if (n < 9 || strncmp(s, "{{", 2) != 0 || strcmp(s + n - 2, "}}") != 0)
        return 0;
    const char *q = s + 2;
    while (*q == ' ' || *q == '\t')
        q++;
    if (strncmp(q, "raw", 3) != 0 || (q[3] != ' ' && q[3] != '\t'))
        return 0;
    return strstr(s + 2, "{{") == NULL && strstr(s + 2, "}}") == s + n - 2;
}

static int compile_json(tmpl_t *t, const json_t *j, const varnames_t *vars, char *err,
                        size_t errlen) {
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *v;
        int first = 1;
        tmpl_add_lit(t, "{", 1);
        json_object_foreach((json_t *)j, key, v) {
            if (!first)
                tmpl_add_lit(t, ",", 1);
            first = 0;
            buf_t k = {0};
            buf_add(&k, "\"", 1);
            json_escape_into(&k, key, strlen(key));
            buf_add(&k, "\":", 2);
            tmpl_add_lit(t, k.p, k.len);
            buf_free(&k);
            if (compile_json(t, v, vars, err, errlen))
                return -1;
        }
        tmpl_add_lit(t, "}", 1);
        return 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;
        tmpl_add_lit(t, "[", 1);
        json_array_foreach(j, i, v) {
            if (i)
                tmpl_add_lit(t, ",", 1);
            if (compile_json(t, v, vars, err, errlen))
                return -1;
        }
        tmpl_add_lit(t, "]", 1);
        return 0;
    }
    case JSON_STRING: {
        const char *s = json_string_value(j);
        int raws = 0;
        if (whole_raw(s))
            return compile(t, s, 0, &raws, vars, err, errlen);
        tmpl_add_lit(t, "\"", 1);
        if (compile(t, s, 1, &raws, vars, err, errlen))
            return -1;
        if (raws) {
            snprintf(err, errlen, "{{raw X}} must be the whole string");
            return -1;
        }
        tmpl_add_lit(t, "\"", 1);
        return 0;
    }
    default: {
        char *txt = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        tmpl_add_lit(t, txt, strlen(txt));
        free(txt);
        return 0;
    }
    }
}

int tmpl_compile_json(tmpl_t *t, const json_t *j, const varnames_t *vars, char *err,
                      size_t errlen) {
    memset(t, 0, sizeof *t);
    if (compile_json(t, j, vars, err, errlen)) {
        tmpl_free(t);
        return -1;
    }
    return 0;
}

void json_escape_into(buf_t *out, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(out, s + start, i - start);
        start = i + 1;
        char e[7] = {'\\', 0};
        switch (c) {
        case '"':
            e[1] = '"';
            break;
        case '\\':
            e[1] = '\\';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
        }
        buf_adds(out, e);
    }
    buf_add(out, s + start, n - start);
}

static void put(buf_t *out, const char *s, size_t n, int escape) {
    if (escape)
        json_escape_into(out, s, n);
    else
        buf_add(out, s, n);
}

void tmpl_render(const tmpl_t *t, buf_t *out, const render_ctx_t *ctx) {
    for (size_t i = 0; i < t->n; i++) {
        const tseg_t *s = &t->segs[i];
        switch (s->kind) {
        case TS_LIT:
            buf_add(out, s->lit, s->len);
            break;
        case TS_VU:
            buf_addi(out, ctx->vu);
            break;
        case TS_ITER:
            buf_addu(out, ctx->iter);
            break;
        case TS_RAND:
            buf_addi(out, rng_range(ctx->rng, s->a, s->b));
            break;
        case TS_NOW:
            buf_addi(out, (long long)clock_wall_ms());
            break;
        case TS_UUID: {
            static const char hex[] = "0123456789abcdef";
            uint64_t r[2] = {rng_next(ctx->rng), rng_next(ctx->rng)};
            unsigned char b[16];
            memcpy(b, r, 16);
            b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
            b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
            char u[37];
            int k = 0;
            for (int j = 0; j < 16; j++) {
                if (j == 4 || j == 6 || j == 8 || j == 10)
                    u[k++] = '-';
                u[k++] = hex[b[j] >> 4];
                u[k++] = hex[b[j] & 15];
            }
            buf_add(out, u, 36);
            break;
        }
        case TS_VAR: {
            const char *v = ctx->vals ? ctx->vals[s->var] : NULL;
            if (v)
                put(out, v, strlen(v), s->escape);
            break;
        }
        }
    }
}
