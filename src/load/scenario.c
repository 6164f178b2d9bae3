#include "load/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonconf.h"
#include "common/xalloc.h"
#include "load/limits.h"

/* Field paths in messages are cut at the buffer size on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* The scenario file's reader: common/jsonconf.h's strict checks ("FILE:
 * path.to.field: expected ..., found ...") with the scenario being built. */
typedef struct ld {
    jsonconf_t c;
    scenario_t *s;
} ld_t;

/* The optional "name" of a check or request at path: 1 and a copy in *out when
 * given, 0 when absent, -1 (error reported) when it is not a string. */
static int optional_name(ld_t *l, json_t *j, const char *path, char **out) {
    json_t *nm = json_object_get(j, "name");
    if (!nm)
        return 0;
    char p[512];
    const char *s = NULL;
    jsonconf_key(p, sizeof p, path, "name");
    if (jsonconf_string(&l->c, nm, p, &s))
        return -1;
    *out = xstrdup(s);
    return 1;
}

static int get_int(ld_t *l, json_t *j, const char *path, int64_t min, int64_t *out) {
    long long v;
    if (jsonconf_int(&l->c, j, path, min, LLONG_MAX, &v) != 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int get_duration(ld_t *l, json_t *j, const char *path, double *out) {
    if (json_is_number(j) && json_number_value(j) >= 0 &&
        json_number_value(j) <= LOAD_MAX_DURATION_S) {
        *out = json_number_value(j);
        return 0;
    }
    if (json_is_string(j) && parse_duration(json_string_value(j), out) == 0 &&
        *out <= LOAD_MAX_DURATION_S)
        return 0;
    return jsonconf_bad(
        &l->c, path,
        "expected a duration such as \"30s\", \"500ms\", \"2m\" or seconds (at most 7 days)");
}

static int int_list(ld_t *l, json_t *j, const char *path, int **out, size_t *n) {
    if (json_is_integer(j)) {
        *out = xmalloc(sizeof **out);
        (*out)[0] = (int)json_integer_value(j);
        *n = 1;
    } else if (json_is_array(j) && json_array_size(j) > 0) {
        *n = json_array_size(j);
        *out = xcalloc(*n, sizeof **out);
        for (size_t i = 0; i < *n; i++) {
            json_t *e = json_array_get(j, i);
            if (!json_is_integer(e)) {
                char p[512];
                jsonconf_index(p, sizeof p, path, i);
                return jsonconf_bad(&l->c, p, "expected an integer status, found %s",
                                    jsonconf_type(e));
            }
            (*out)[i] = (int)json_integer_value(e);
        }
    } else {
        return jsonconf_bad(&l->c, path, "expected a status code or a non-empty array of them");
    }
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i] < 100 || (*out)[i] > 599)
            return jsonconf_bad(&l->c, path, "status %d is not in 100..599", (*out)[i]);
    return 0;
}

static int tmpl(ld_t *l, json_t *j, const char *path, tmpl_t *t) {
    const char *s = NULL;
    char e[400];
    if (jsonconf_string(&l->c, j, path, &s))
        return -1;
    if (tmpl_compile(t, s, &l->s->vars, e, sizeof e))
        return jsonconf_bad(&l->c, path, "%s", e);
    return 0;
}

static char *jstr(const json_t *j) {
    return json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int load_check(ld_t *l, json_t *j, const char *path, check_t *c) {
    static const char *const keys[] = {"name",       "status", "json",       "equals",
                                       "exists",     "length", "min_length", "body_contains",
                                       "equals_var", NULL};
    char p[512], name[512];
    memset(c, 0, sizeof *c);
    if (jsonconf_object(&l->c, j, path) || jsonconf_only_keys(&l->c, j, path, keys))
        return -1;
    json_t *st = json_object_get(j, "status"), *js = json_object_get(j, "json"),
           *bc = json_object_get(j, "body_contains");
    int kinds = (st != NULL) + (js != NULL) + (bc != NULL);
    if (kinds != 1)
        return jsonconf_bad(&l->c, path,
                            "a check needs exactly one of \"status\", \"json\", \"body_contains\"");
    if (st) {
        jsonconf_key(p, sizeof p, path, "status");
        if (int_list(l, st, p, &c->statuses, &c->nstatus))
            return -1;
        c->kind = CK_STATUS;
        char *txt = jstr(st);
        snprintf(name, sizeof name, "status is %s", txt);
        free(txt);
        if (json_object_get(j, "equals") || json_object_get(j, "exists") ||
            json_object_get(j, "length") || json_object_get(j, "min_length"))
            return jsonconf_bad(
                &l->c, path, "\"equals\", \"exists\", \"length\", \"min_length\" go with \"json\"");
    } else if (bc) {
        const char *s;
        jsonconf_key(p, sizeof p, path, "body_contains");
        if (jsonconf_string(&l->c, bc, p, &s))
            return -1;
        c->kind = CK_CONTAINS;
        c->text = xstrdup(s);
        snprintf(name, sizeof name, "body contains \"%.400s\"", s);
        if (json_object_get(j, "equals") || json_object_get(j, "exists") ||
            json_object_get(j, "length") || json_object_get(j, "min_length"))
            return jsonconf_bad(
                &l->c, path, "\"equals\", \"exists\", \"length\", \"min_length\" go with \"json\"");
    } else {
        const char *s;
        jsonconf_key(p, sizeof p, path, "json");
        if (jsonconf_string(&l->c, js, p, &s))
            return -1;
        if (jpath_parse(&c->path, s))
            return jsonconf_bad(
                &l->c, p, "bad JSON path \"%s\" (expected e.g. \"items\", \"posts.0.id\", \"$\")",
                s);
        json_t *eq = json_object_get(j, "equals"), *ex = json_object_get(j, "exists"),
               *ln = json_object_get(j, "length"), *mn = json_object_get(j, "min_length"),
               *ev = json_object_get(j, "equals_var");
        int n = (eq != NULL) + (ex != NULL) + (ln != NULL) + (mn != NULL) + (ev != NULL);
        if (n != 1) {
            jsonconf_key(p, sizeof p, path, "equals");
            return jsonconf_bad(
                &l->c, p,
                "%s (a check with \"json\" needs exactly one of \"equals\", \"exists\", "
                "\"length\", \"min_length\", \"equals_var\")",
                n ? "too many" : "missing");
        }
        if (ev) {
            const char *vn;
            jsonconf_key(p, sizeof p, path, "equals_var");
            if (jsonconf_string(&l->c, ev, p, &vn))
                return -1;
            c->var = varnames_find(&l->s->vars, vn);
            if (c->var < 0)
                return jsonconf_bad(&l->c, p,
                                    "unknown variable '%s' (expected a name from \"variables\", "
                                    "\"iteration.let\" or an \"extract\")",
                                    vn);
            c->kind = CK_EQUALS_VAR;
            snprintf(name, sizeof name, "json %s == {{%.200s}}", s, vn);
        } else if (eq) {
            c->kind = CK_EQUALS;
            c->equals = json_incref(eq);
            char *txt = jstr(eq);
            snprintf(name, sizeof name, "json %s == %.400s", s, txt);
            free(txt);
        } else if (ex) {
            jsonconf_key(p, sizeof p, path, "exists");
            if (!json_is_boolean(ex))
                return jsonconf_bad(&l->c, p, "expected true or false, found %s",
                                    jsonconf_type(ex));
            c->kind = CK_EXISTS;
            c->exists = json_is_true(ex);
            snprintf(name, sizeof name, "json %s %s", s, c->exists ? "exists" : "is absent");
        } else {
            jsonconf_key(p, sizeof p, path, ln ? "length" : "min_length");
            if (get_int(l, ln ? ln : mn, p, 0, &c->length))
                return -1;
            c->kind = ln ? CK_LENGTH : CK_MIN_LENGTH;
            snprintf(name, sizeof name, "json %s length %s %lld", s,
                     ln ? "==" : ">=", (long long)c->length);
        }
    }
    int given = optional_name(l, j, path, &c->name);
    if (given < 0)
        return -1;
    if (!given)
        c->name = xstrdup(name);
    return 0;
}

/* Non-empty, and every character alphanumeric or one of `extra`. */
static int only_alnum_or(const char *s, const char *extra) {
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

/* An HTTP token (RFC 9110): methods and header names. */
static int valid_token(const char *s) {
    return only_alnum_or(s, "!#$%&'*+-.^_`|~");
}

static int load_multipart(ld_t *l, json_t *j, const char *path, request_t *r) {
    static const char *const keys[] = {"name", "filename", "content_type", "size", "value", NULL};
    char p[512];
    if (!json_is_array(j) || json_array_size(j) == 0)
        return jsonconf_bad(&l->c, path, "expected a non-empty array of parts");
    static const char boundary[] = "benchlab-load-boundary-7d1f3a";
    tmpl_t *t = &r->body;
    memset(t, 0, sizeof *t);
    size_t i;
    json_t *part;
    json_array_foreach(j, i, part) {
        char pp[512];
        jsonconf_index(pp, sizeof pp, path, i);
        if (jsonconf_object(&l->c, part, pp) || jsonconf_only_keys(&l->c, part, pp, keys))
            return -1;
        const char *name;
        jsonconf_key(p, sizeof p, pp, "name");
        if (jsonconf_string(&l->c, json_object_get(part, "name"), p, &name))
            return -1;
        json_t *size = json_object_get(part, "size"), *value = json_object_get(part, "value");
        if ((size != NULL) == (value != NULL))
            return jsonconf_bad(
                &l->c, pp, "a part needs exactly one of \"size\" (a generated file) or \"value\"");
        buf_t h = {0};
        buf_adds(&h, "--");
        buf_adds(&h, boundary);
        buf_adds(&h, "\r\nContent-Disposition: form-data; name=\"");
        buf_adds(&h, name);
        buf_adds(&h, "\"");
        if (size) {
            int64_t n;
            const char *filename = "file.bin", *ctype = "application/octet-stream";
            jsonconf_key(p, sizeof p, pp, "size");
            if (get_int(l, size, p, 0, &n))
                return buf_free(&h), -1;
            if (n > (64 << 20))
                return buf_free(&h), jsonconf_bad(&l->c, p, "at most 64 MiB");
            json_t *fn = json_object_get(part, "filename"),
                   *ct = json_object_get(part, "content_type");
            jsonconf_key(p, sizeof p, pp, "filename");
            if (fn && jsonconf_string(&l->c, fn, p, &filename))
                return buf_free(&h), -1;
            jsonconf_key(p, sizeof p, pp, "content_type");
            if (ct && jsonconf_string(&l->c, ct, p, &ctype))
                return buf_free(&h), -1;
            buf_adds(&h, "; filename=\"");
            buf_adds(&h, filename);
            buf_adds(&h, "\"\r\nContent-Type: ");
            buf_adds(&h, ctype);
            buf_adds(&h, "\r\n\r\n");
            tmpl_add_lit(t, h.p, h.len);
            /* printable, deterministic content: lines of 63 letters and a newline */
            char *data = xmalloc((size_t)n + 1);
            for (int64_t k = 0; k < n; k++)
                data[k] = (k % 64 == 63) ? '\n' : (char)('a' + (k % 64) % 26);
            tmpl_add_lit(t, data, (size_t)n);
            free(data);
        } else {
            if (json_object_get(part, "filename") || json_object_get(part, "content_type"))
                return buf_free(&h),
                       jsonconf_bad(&l->c, pp, "\"filename\"/\"content_type\" go with \"size\"");
            buf_adds(&h, "\r\n\r\n");
            tmpl_add_lit(t, h.p, h.len);
            tmpl_t v;
            jsonconf_key(p, sizeof p, pp, "value");
            if (tmpl(l, value, p, &v))
                return buf_free(&h), -1;
            tmpl_append(t, &v);
            tmpl_free(&v);
        }
        buf_free(&h);
        tmpl_add_lit(t, "\r\n", 2);
    }
    char end[64];
    snprintf(end, sizeof end, "--%s--\r\n", boundary);
    tmpl_add_lit(t, end, strlen(end));
    char ct[128];
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", boundary);
    r->content_type = xstrdup(ct);
    r->body_kind = BODY_MULTIPART;
    return 0;
}

static int load_request(ld_t *l, json_t *j, const char *path, request_t *r) {
    static const char *const keys[] = {"name",   "method",  "path",      "headers",
                                       "body",   "json",    "multipart", "expected_status",
                                       "checks", "extract", NULL};
    char p[512];
    memset(r, 0, sizeof *r);
    if (jsonconf_object(&l->c, j, path) || jsonconf_only_keys(&l->c, j, path, keys))
        return -1;
    const char *method = "GET", *pathstr;
    json_t *m = json_object_get(j, "method");
    jsonconf_key(p, sizeof p, path, "method");
    if (m && jsonconf_string(&l->c, m, p, &method))
        return -1;
    if (!valid_token(method))
        return jsonconf_bad(&l->c, p, "\"%s\" is not an HTTP method", method);
    r->method = xstrdup(method);
    for (char *c = r->method; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    r->head = strcmp(r->method, "HEAD") == 0;
    jsonconf_key(p, sizeof p, path, "path");
    if (jsonconf_string(&l->c, json_object_get(j, "path"), p, &pathstr))
        return -1;
    if (pathstr[0] != '/')
        return jsonconf_bad(&l->c, p, "must start with \"/\"");
    for (const char *c = pathstr; *c; c++) {
        if (c[0] == '{' && c[1] == '{' && strstr(c, "}}")) { /* {{rand 1 10}}: spaces allowed */
            c = strstr(c, "}}") + 1;
            continue;
        }
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return jsonconf_bad(
                &l->c, p, "spaces and control characters are not allowed (percent-encode them)");
    }
    if (tmpl(l, json_object_get(j, "path"), p, &r->path))
        return -1;
    int given = optional_name(l, j, path, &r->name);
    if (given < 0)
        return -1;
    if (!given) {
        size_t n = strcspn(pathstr, "?");
        size_t len = strlen(r->method) + n + 2;
        r->name = xmalloc(len);
        snprintf(r->name, len, "%s %.*s", r->method, (int)n, pathstr);
    }
    json_t *hs = json_object_get(j, "headers");
    if (hs) {
        jsonconf_key(p, sizeof p, path, "headers");
        if (jsonconf_object(&l->c, hs, p))
            return -1;
        r->headers = xcalloc(json_object_size(hs) + 1, sizeof *r->headers);
        const char *key;
        json_t *v;
        json_object_foreach(hs, key, v) {
            char hp[600];
            jsonconf_key(hp, sizeof hp, p, key);
            if (!valid_token(key))
                return jsonconf_bad(&l->c, hp, "not a valid header name");
            header_t *h = &r->headers[r->nheaders];
            if (tmpl(l, v, hp, &h->value))
                return -1;
            h->name = xstrdup(key);
            r->nheaders++;
            const char *s = json_string_value(v);
            if (strchr(s, '\r') || strchr(s, '\n'))
                return jsonconf_bad(&l->c, hp, "a header value cannot contain CR or LF");
        }
    }
    json_t *body = json_object_get(j, "body"), *js = json_object_get(j, "json"),
           *mp = json_object_get(j, "multipart");
    if ((body != NULL) + (js != NULL) + (mp != NULL) > 1)
        return jsonconf_bad(&l->c, path, "at most one of \"body\", \"json\", \"multipart\"");
    if (body) {
        jsonconf_key(p, sizeof p, path, "body");
        if (tmpl(l, body, p, &r->body))
            return -1;
        r->body_kind = BODY_TEXT;
    } else if (js) {
        char e[400];
        jsonconf_key(p, sizeof p, path, "json");
        if (tmpl_compile_json(&r->body, js, &l->s->vars, e, sizeof e))
            return jsonconf_bad(&l->c, p, "%s", e);
        r->body_kind = BODY_JSON;
        r->content_type = xstrdup("application/json");
    } else if (mp) {
        jsonconf_key(p, sizeof p, path, "multipart");
        if (load_multipart(l, mp, p, r))
            return -1;
    }
    json_t *ex = json_object_get(j, "expected_status");
    if (ex) {
        jsonconf_key(p, sizeof p, path, "expected_status");
        if (int_list(l, ex, p, &r->expected, &r->nexpected))
            return -1;
    }
    json_t *cks = json_object_get(j, "checks");
    if (cks) {
        jsonconf_key(p, sizeof p, path, "checks");
        if (!json_is_array(cks))
            return jsonconf_bad(&l->c, p, "expected an array of checks, found %s",
                                jsonconf_type(cks));
        r->checks = xcalloc(json_array_size(cks) + 1, sizeof *r->checks);
        size_t i;
        json_t *c;
        json_array_foreach(cks, i, c) {
            char cp[600];
            jsonconf_index(cp, sizeof cp, p, i);
            if (load_check(l, c, cp, &r->checks[i])) {
                r->nchecks = i + 1;
                return -1;
            }
            r->nchecks = i + 1;
            check_t *ck = &r->checks[i];
            if (ck->kind != CK_STATUS)
                r->keep_body = 1;
            if (ck->kind != CK_STATUS && ck->kind != CK_CONTAINS)
                r->needs_json = 1;
        }
    }
    json_t *xt = json_object_get(j, "extract");
    if (xt) {
        jsonconf_key(p, sizeof p, path, "extract");
        if (jsonconf_object(&l->c, xt, p))
            return -1;
        size_t n = json_object_size(xt);
        r->extract_var = xcalloc(n + 1, sizeof *r->extract_var);
        r->extract_path = xcalloc(n + 1, sizeof *r->extract_path);
        const char *key;
        json_t *v;
        json_object_foreach(xt, key, v) {
            char xp[600];
            const char *s;
            jsonconf_key(xp, sizeof xp, p, key);
            if (jsonconf_string(&l->c, v, xp, &s))
                return -1;
            if (jpath_parse(&r->extract_path[r->nextract], s))
                return jsonconf_bad(&l->c, xp, "bad JSON path \"%s\"", s);
            r->extract_var[r->nextract++] = varnames_find(&l->s->vars, key);
        }
        if (n) {
            r->keep_body = 1;
            r->needs_json = 1;
        }
    }
    return 0;
}

static int load_request_list(ld_t *l, json_t *j, const char *path, request_t **out, size_t *n) {
    if (!json_is_array(j))
        return jsonconf_bad(&l->c, path, "expected an array of requests, found %s",
                            jsonconf_type(j));
    *n = 0;
    *out = xcalloc(json_array_size(j) + 1, sizeof **out);
    size_t i;
    json_t *r;
    json_array_foreach(j, i, r) {
        char p[512];
        jsonconf_index(p, sizeof p, path, i);
        int rc = load_request(l, r, p, &(*out)[i]);
        *n = i + 1;
        if (rc)
            return -1;
    }
    return 0;
}

/* Every variable a template may name: "variables" keys and every "extract" key. */
static int collect_vars(ld_t *l, json_t *j, const char *path) {
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v) {
            char p[512];
            jsonconf_key(p, sizeof p, path, key);
            if (strcmp(key, "extract") == 0 && json_is_object(v)) {
                const char *name;
                json_t *ignored;
                json_object_foreach(v, name, ignored) {
                    char vp[600];
                    jsonconf_key(vp, sizeof vp, p, name);
                    if (!varname_valid(name))
                        return jsonconf_bad(
                            &l->c, vp,
                            "bad variable name (letters, digits, _; not vu, iter, rand, "
                            "now_ms, uuid, raw)");
                    varnames_add(&l->s->vars, name);
                }
            } else if (strcmp(key, "json") != 0 && strcmp(key, "equals") != 0 &&
                       collect_vars(l, v, p)) {
                return -1;
            }
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            char p[512];
            jsonconf_index(p, sizeof p, path, i);
            if (collect_vars(l, v, p))
                return -1;
        }
    }
    return 0;
}

static int valid_group_name(const char *s) {
    return only_alnum_or(s, "_-.");
}

static int load_iteration(ld_t *l, json_t *j) {
    static const char *const keys[] = {"pick", "let", "think_time", "groups", "requests", NULL};
    static const char *const gkeys[] = {"name", "weight", "requests", NULL};
    scenario_t *s = l->s;
    if (!j)
        return jsonconf_bad(&l->c, "iteration", "missing (what one iteration does is required)");
    if (jsonconf_object(&l->c, j, "iteration") || jsonconf_only_keys(&l->c, j, "iteration", keys))
        return -1;
    json_t *pick = json_object_get(j, "pick"), *groups = json_object_get(j, "groups"),
           *reqs = json_object_get(j, "requests");
    if (pick) {
        const char *v;
        if (jsonconf_string(&l->c, pick, "iteration.pick", &v))
            return -1;
        if (strcmp(v, "weighted") == 0)
            s->weighted = 1;
        else if (strcmp(v, "sequence") != 0)
            return jsonconf_bad(&l->c, "iteration.pick", "expected \"sequence\" or \"weighted\"");
    }
    json_t *think = json_object_get(j, "think_time");
    if (think && get_duration(l, think, "iteration.think_time", &s->think_time_s))
        return -1;
    json_t *let = json_object_get(j, "let");
    if (let) {
        if (jsonconf_object(&l->c, let, "iteration.let"))
            return -1;
        s->let_var = xcalloc(json_object_size(let) + 1, sizeof *s->let_var);
        s->let_val = xcalloc(json_object_size(let) + 1, sizeof *s->let_val);
        const char *name;
        json_t *v;
        json_object_foreach(let, name, v) {
            char p[512];
            jsonconf_key(p, sizeof p, "iteration.let", name);
            if (tmpl(l, v, p, &s->let_val[s->nlet]))
                return -1;
            s->let_var[s->nlet++] = varnames_find(&s->vars, name);
        }
    }
    if ((groups != NULL) == (reqs != NULL))
        return jsonconf_bad(&l->c, "iteration", "needs exactly one of \"groups\" or \"requests\"");
    if (reqs) {
        s->groups = xcalloc(1, sizeof *s->groups);
        s->ngroups = 1;
        s->groups[0].name = xstrdup("default");
        s->groups[0].weight = 1;
        if (load_request_list(l, reqs, "iteration.requests", &s->groups[0].requests,
                              &s->groups[0].nrequests))
            return -1;
        if (s->groups[0].nrequests == 0)
            return jsonconf_bad(&l->c, "iteration.requests", "needs at least one request");
    } else {
        if (!json_is_array(groups) || json_array_size(groups) == 0)
            return jsonconf_bad(&l->c, "iteration.groups", "expected a non-empty array of groups");
        s->groups = xcalloc(json_array_size(groups), sizeof *s->groups);
        size_t i;
        json_t *g;
        json_array_foreach(groups, i, g) {
            char gp[128], p[256];
            jsonconf_index(gp, sizeof gp, "iteration.groups", i);
            if (jsonconf_object(&l->c, g, gp) || jsonconf_only_keys(&l->c, g, gp, gkeys))
                return -1;
            group_t *G = &s->groups[i];
            s->ngroups = i + 1;
            const char *name;
            jsonconf_key(p, sizeof p, gp, "name");
            if (jsonconf_string(&l->c, json_object_get(g, "name"), p, &name))
                return -1;
            if (!valid_group_name(name))
                return jsonconf_bad(&l->c, p, "letters, digits, '_', '-', '.' only");
            for (size_t k = 0; k < i; k++)
                if (strcmp(s->groups[k].name, name) == 0)
                    return jsonconf_bad(&l->c, p, "duplicate group name \"%s\"", name);
            G->name = xstrdup(name);
            G->weight = 1;
            json_t *w = json_object_get(g, "weight");
            if (w) {
                jsonconf_key(p, sizeof p, gp, "weight");
                if (!json_is_number(w) || !(json_number_value(w) > 0))
                    return jsonconf_bad(&l->c, p, "expected a number > 0");
                G->weight = json_number_value(w);
            }
            jsonconf_key(p, sizeof p, gp, "requests");
            if (load_request_list(l, json_object_get(g, "requests"), p, &G->requests,
                                  &G->nrequests))
                return -1;
            if (G->nrequests == 0)
                return jsonconf_bad(&l->c, p, "needs at least one request");
        }
    }
    size_t nreq = 0, nck = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        s->total_weight += s->groups[g].weight;
        nreq += s->groups[g].nrequests;
        for (size_t r = 0; r < s->groups[g].nrequests; r++)
            nck += s->groups[g].requests[r].nchecks;
    }
    s->nrequests = nreq;
    s->nchecks = nck;
    s->reqs = xcalloc(nreq + 1, sizeof *s->reqs);
    s->checks = xcalloc(nck + 1, sizeof *s->checks);
    nreq = nck = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        for (size_t r = 0; r < s->groups[g].nrequests; r++) {
            request_t *R = &s->groups[g].requests[r];
            R->id = (int)nreq;
            R->group = (int)g;
            s->reqs[nreq++] = R;
            for (size_t c = 0; c < R->nchecks; c++) {
                R->checks[c].id = (int)nck;
                s->checks[nck++] = &R->checks[c];
            }
        }
    return 0;
}

static int load_thresholds(ld_t *l, json_t *j) {
    scenario_t *s = l->s;
    if (jsonconf_object(&l->c, j, "thresholds"))
        return -1;
    size_t total = 0;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) total += json_is_array(v) ? json_array_size(v) : 1;
    s->thresholds = xcalloc(total + 1, sizeof *s->thresholds);
    json_object_foreach(j, key, v) {
        char p[512];
        jsonconf_key(p, sizeof p, "thresholds", key);
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
            char ep[600], err[400];
            if (json_is_array(v))
                jsonconf_index(ep, sizeof ep, p, i);
            else
                snprintf(ep, sizeof ep, "%s", p);
            if (!json_is_string(e))
                return jsonconf_bad(
                    &l->c, ep, "expected a threshold expression such as \"p(95)<100\", found %s",
                    jsonconf_type(e));
            if (threshold_parse(&s->thresholds[s->nthresholds], key, json_string_value(e), err,
                                sizeof err))
                return jsonconf_bad(&l->c, ep, "%s", err);
            threshold_t *t = &s->thresholds[s->nthresholds++];
            if (t->group) {
                size_t g;
                for (g = 0; g < s->ngroups; g++)
                    if (strcmp(s->groups[g].name, t->group) == 0)
                        break;
                if (g == s->ngroups)
                    return jsonconf_bad(&l->c, ep, "no group named \"%s\"", t->group);
            }
        }
    }
    return 0;
}

/* "stages", "capacity", "executor" (stages.h; resolved against flags by the driver). */
static int load_stages(ld_t *l, json_t *doc) {
    scenario_t *s = l->s;
    json_t *v;
    if ((v = json_object_get(doc, "capacity"))) {
        if (!json_is_number(v) || !(json_number_value(v) > 0) ||
            !(json_number_value(v) <= LOAD_MAX_RATE))
            return jsonconf_bad(&l->c, "capacity", "expected a number > 0 and at most %.0f",
                                LOAD_MAX_RATE);
        s->capacity = json_number_value(v);
    }
    if ((v = json_object_get(doc, "executor"))) {
        const char *e = json_is_string(v) ? json_string_value(v) : "";
        if (strcmp(e, "ramping-vus") == 0)
            s->executor = 1;
        else if (strcmp(e, "ramping-arrival-rate") == 0)
            s->executor = 2;
        else
            return jsonconf_bad(&l->c, "executor",
                                "expected \"ramping-vus\" or \"ramping-arrival-rate\"");
    }
    if (!(v = json_object_get(doc, "stages")))
        return 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return jsonconf_bad(&l->c, "stages",
                            "expected a non-empty array of {\"duration\", \"target\"}");
    if (s->serial)
        return jsonconf_bad(&l->c, "stages", "a serial scenario runs with exactly one VU");
    s->stages.st = xcalloc(json_array_size(v), sizeof *s->stages.st);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        char p[64], q[80];
        jsonconf_index(p, sizeof p, "stages", i);
        static const char *const keys[] = {"duration", "target", NULL};
        if (jsonconf_object(&l->c, e, p) || jsonconf_only_keys(&l->c, e, p, keys))
            return -1;
        stage_t *st = &s->stages.st[s->stages.n];
        json_t *d = json_object_get(e, "duration"), *t = json_object_get(e, "target");
        snprintf(q, sizeof q, "%s.duration", p);
        if (!d)
            return jsonconf_bad(&l->c, q, "missing");
        if (get_duration(l, d, q, &st->duration_s))
            return -1;
        snprintf(q, sizeof q, "%s.target", p);
        if (json_is_number(t) && json_number_value(t) >= 0) {
            st->target = json_number_value(t);
        } else {
            const char *ts = json_is_string(t) ? json_string_value(t) : "";
            char *end;
            size_t len = strlen(ts);
            st->target = len > 1 && ts[len - 1] == '%' ? strtod(ts, &end) : -1;
            if (st->target < 0 || !isfinite(st->target) || end != ts + len - 1)
                return jsonconf_bad(&l->c, q,
                                    "expected a number >= 0 or a percentage such as \"150%%\"");
            st->percent = 1;
        }
        s->stages.n++;
    }
    return 0;
}

static int load_top(ld_t *l, json_t *doc) {
    static const char *const keys[] = {
        "needs",   "dirties",  "base_url",  "vus",      "duration",     "iterations", "rate",
        "max_vus", "timeouts", "variables", "setup",    "iteration",    "teardown",   "thresholds",
        "serial",  "stages",   "capacity",  "executor", "server_bound", NULL};
    scenario_t *s = l->s;
    if (jsonconf_object(&l->c, doc, "") || jsonconf_only_keys(&l->c, doc, "", keys))
        return -1;
    json_t *sb = json_object_get(doc, "server_bound"); /* the lab's (validity), not ours */
    if (sb && !json_is_boolean(sb))
        return jsonconf_bad(&l->c, "server_bound", "expected true or false, found %s",
                            jsonconf_type(sb));
    static const char *const listkeys[] = {"needs", "dirties"};
    for (int k = 0; k < 2; k++) {
        json_t *v = json_object_get(doc, listkeys[k]);
        if (!v)
            continue;
        if (!json_is_array(v))
            return jsonconf_bad(&l->c, listkeys[k], "expected an array of strings");
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if (!json_is_string(e)) {
            char p[64];
            jsonconf_index(p, sizeof p, listkeys[k], i);
            return jsonconf_bad(&l->c, p, "expected a string, found %s", jsonconf_type(e));
        }
    }
    const char *url = "http://127.0.0.1:8080";
    json_t *v;
    if ((v = json_object_get(doc, "base_url")) && jsonconf_string(&l->c, v, "base_url", &url))
        return -1;
    s->base_url = xstrdup(url);
    int64_t n;
    s->vus = 10;
    if ((v = json_object_get(doc, "vus"))) {
        if (get_int(l, v, "vus", 1, &n))
            return -1;
        if (n > LOAD_MAX_VUS)
            return jsonconf_bad(&l->c, "vus", "at most %d", LOAD_MAX_VUS);
        s->vus = (int)n;
    }
    if ((v = json_object_get(doc, "serial"))) {
        if (!json_is_boolean(v))
            return jsonconf_bad(&l->c, "serial", "expected true or false, found %s",
                                jsonconf_type(v));
        s->serial = json_is_true(v);
        if (s->serial && s->vus != 1)
            return jsonconf_bad(&l->c, "vus",
                                "a serial scenario runs with exactly one VU (found %d)", s->vus);
    }
    s->duration_s = 30;
    if ((v = json_object_get(doc, "duration")) && get_duration(l, v, "duration", &s->duration_s))
        return -1;
    if ((v = json_object_get(doc, "iterations")) && get_int(l, v, "iterations", 1, &s->iterations))
        return -1;
    if (s->iterations > LOAD_MAX_ITERATIONS)
        return jsonconf_bad(&l->c, "iterations", "at most %d", LOAD_MAX_ITERATIONS);
    if ((v = json_object_get(doc, "rate"))) {
        if (!json_is_number(v) || !(json_number_value(v) > 0) ||
            !(json_number_value(v) <= LOAD_MAX_RATE))
            return jsonconf_bad(&l->c, "rate",
                                "expected a number > 0 and at most %.0f (iterations per second)",
                                LOAD_MAX_RATE);
        s->rate = json_number_value(v);
    }
    s->max_vus = s->vus > 100 ? s->vus : 100;
    if ((v = json_object_get(doc, "max_vus"))) {
        if (get_int(l, v, "max_vus", 1, &n))
            return -1;
        if (n > LOAD_MAX_VUS)
            return jsonconf_bad(&l->c, "max_vus", "at most %d", LOAD_MAX_VUS);
        s->max_vus = (int)n;
    }
    if (load_stages(l, doc))
        return -1;
    s->connect_timeout_s = 5;
    s->request_timeout_s = 30;
    if ((v = json_object_get(doc, "timeouts"))) {
        static const char *const tk[] = {"connect", "request", NULL};
        if (jsonconf_object(&l->c, v, "timeouts") || jsonconf_only_keys(&l->c, v, "timeouts", tk))
            return -1;
        json_t *c = json_object_get(v, "connect"), *r = json_object_get(v, "request");
        if (c && get_duration(l, c, "timeouts.connect", &s->connect_timeout_s))
            return -1;
        if (r && get_duration(l, r, "timeouts.request", &s->request_timeout_s))
            return -1;
        if (s->connect_timeout_s <= 0 || s->request_timeout_s <= 0)
            return jsonconf_bad(&l->c, "timeouts", "timeouts must be > 0");
    }
    json_t *vars = json_object_get(doc, "variables");
    if (vars) {
        if (jsonconf_object(&l->c, vars, "variables"))
            return -1;
        const char *key;
        json_t *val;
        json_object_foreach(vars, key, val) {
            char p[512];
            jsonconf_key(p, sizeof p, "variables", key);
            if (!varname_valid(key))
                return jsonconf_bad(&l->c, p,
                                    "bad variable name (letters, digits, _; not a reserved word)");
            if (!json_is_string(val) && !json_is_number(val))
                return jsonconf_bad(&l->c, p, "expected a string or a number, found %s",
                                    jsonconf_type(val));
            varnames_add(&s->vars, key);
        }
    }
    json_t *let = json_object_get(json_object_get(doc, "iteration"), "let");
    if (json_is_object(let)) {
        const char *key;
        json_t *val;
        json_object_foreach(let, key, val) {
            char p[512];
            jsonconf_key(p, sizeof p, "iteration.let", key);
            if (!varname_valid(key))
                return jsonconf_bad(&l->c, p,
                                    "bad variable name (letters, digits, _; not a reserved word)");
            varnames_add(&s->vars, key);
        }
    }
    if (collect_vars(l, doc, ""))
        return -1;
    s->var_init = xcalloc(s->vars.n + 1, sizeof *s->var_init);
    if (vars) {
        const char *key;
        json_t *val;
        json_object_foreach(vars, key, val) {
            int i = varnames_find(&s->vars, key);
            s->var_init[i] = json_is_string(val) ? xstrdup(json_string_value(val)) : jstr(val);
        }
    }
    if ((v = json_object_get(doc, "setup")) &&
        load_request_list(l, v, "setup", &s->setup, &s->nsetup))
        return -1;
    if (load_iteration(l, json_object_get(doc, "iteration")))
        return -1;
    if ((v = json_object_get(doc, "teardown")) &&
        load_request_list(l, v, "teardown", &s->teardown, &s->nteardown))
        return -1;
    if ((v = json_object_get(doc, "thresholds")) && load_thresholds(l, v))
        return -1;
    /* setup/teardown checks get their own ids */
    for (int pass = 0; pass < 2; pass++) {
        request_t *list = pass ? s->teardown : s->setup;
        size_t nl = pass ? s->nteardown : s->nsetup, id = 0;
        for (size_t i = 0; i < nl; i++) {
            list[i].id = (int)i;
            list[i].group = -1;
            for (size_t c = 0; c < list[i].nchecks; c++)
                list[i].checks[c].id = (int)id++;
        }
    }
    return 0;
}

scenario_t *scenario_parse(const char *name, const char *text, size_t len, char *err,
                           size_t errlen) {
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        snprintf(err, errlen, "%s: line %d, column %d: %s", name, je.line, je.column, je.text);
        return NULL;
    }
    scenario_t *s = xcalloc(1, sizeof *s);
    s->file = xstrdup(name);
    s->doc = doc;
    ld_t l = {{name, err, errlen}, s};
    if (load_top(&l, doc) ||
        scenario_set_base_url(s, s->base_url, err + strlen(err), errlen - strlen(err))) {
        if (!*err)
            snprintf(err, errlen, "%s: invalid", name);
        scenario_free(s);
        return NULL;
    }
    return s;
}

scenario_t *scenario_load(const char *file, char *err, size_t errlen) {
    FILE *f = fopen(file, "rb");
    err[0] = '\0';
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", file, strerror(errno));
        return NULL;
    }
    buf_t b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    fclose(f);
    scenario_t *s = scenario_parse(file, b.p ? b.p : "", b.len, err, errlen);
    buf_free(&b);
    return s;
}

static void free_requests(request_t *list, size_t n) {
    for (size_t i = 0; i < n; i++) {
        request_t *r = &list[i];
        free(r->name);
        free(r->method);
        tmpl_free(&r->path);
        for (size_t k = 0; k < r->nheaders; k++) {
            free(r->headers[k].name);
            tmpl_free(&r->headers[k].value);
        }
        free(r->headers);
        tmpl_free(&r->body);
        free(r->content_type);
        free(r->expected);
        for (size_t c = 0; c < r->nchecks; c++) {
            check_t *ck = &r->checks[c];
            free(ck->name);
            free(ck->statuses);
            jpath_free(&ck->path);
            json_decref(ck->equals);
            free(ck->text);
        }
        free(r->checks);
        for (size_t x = 0; x < r->nextract; x++)
            jpath_free(&r->extract_path[x]);
        free(r->extract_var);
        free(r->extract_path);
        free(r->wire);
    }
    free(list);
}

void scenario_free(scenario_t *s) {
    if (!s)
        return;
    free(s->file);
    stages_free(&s->stages);
    json_decref(s->doc);
    free(s->base_url);
    for (size_t i = 0; i < s->vars.n; i++)
        free(s->var_init ? s->var_init[i] : NULL);
    free(s->var_init);
    varnames_free(&s->vars);
    free_requests(s->setup, s->nsetup);
    free_requests(s->teardown, s->nteardown);
    for (size_t g = 0; g < s->ngroups; g++) {
        free(s->groups[g].name);
        free_requests(s->groups[g].requests, s->groups[g].nrequests);
    }
    free(s->groups);
    free(s->reqs);
    free(s->checks);
    for (size_t i = 0; i < s->nlet; i++)
        tmpl_free(&s->let_val[i]);
    free(s->let_val);
    free(s->let_var);
    for (size_t i = 0; i < s->nthresholds; i++)
        threshold_free(&s->thresholds[i]);
    free(s->thresholds);
    free(s);
}
