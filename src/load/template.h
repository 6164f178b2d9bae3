/* Templates: text with {{vu}}, {{iter}}, {{rand A B}}, {{now_ms}}, {{uuid}},
 * {{variable}} and {{raw X}} placeholders, compiled once at load time and
 * rendered per request into a buffer (see docs/scenarios.md). */
#ifndef BENCHLAB_LOAD_TEMPLATE_H
#define BENCHLAB_LOAD_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "load/buf.h"

enum tseg_kind { TS_LIT, TS_VU, TS_ITER, TS_RAND, TS_NOW, TS_UUID, TS_VAR };

typedef struct tseg {
    int kind;
    int escape; /* JSON-escape the value (inside a JSON string) */
    char *lit;
    size_t len;
    int64_t a, b; /* rand bounds */
    int var;      /* variable index */
} tseg_t;

typedef struct tmpl {
    tseg_t *segs;
    size_t n;
    int dynamic; /* has a placeholder */
} tmpl_t;

/* The names variables may have; index = position. */
typedef struct varnames {
    char **names;
    size_t n;
} varnames_t;

int varnames_find(const varnames_t *v, const char *name);
/* Adds when new; returns the index. */
int varnames_add(varnames_t *v, const char *name);
void varnames_free(varnames_t *v);
/* Letters, digits, '_', not starting with a digit, not a reserved word. */
int varname_valid(const char *name);

typedef struct render_ctx {
    int vu;
    uint64_t iter;
    uint64_t *rng;
    char **vals; /* current variable values (NULL = unset: renders empty) */
} render_ctx_t;

/* Returns 0, or -1 with a message in err. */
int tmpl_compile(tmpl_t *t, const char *src, const varnames_t *vars, char *err, size_t errlen);
/* JSON body: strings are templates (escaped when filled), "{{raw X}}" strings unquoted. */
int tmpl_compile_json(tmpl_t *t, const json_t *j, const varnames_t *vars, char *err, size_t errlen);
/* Appends a literal / all segments of another template. */
void tmpl_add_lit(tmpl_t *t, const char *s, size_t n);
void tmpl_append(tmpl_t *dst, const tmpl_t *src);
void tmpl_free(tmpl_t *t);
void tmpl_render(const tmpl_t *t, buf_t *out, const render_ctx_t *ctx);
/* Appends s with JSON string escaping (no quotes). */
void json_escape_into(buf_t *out, const char *s, size_t n);

#endif
