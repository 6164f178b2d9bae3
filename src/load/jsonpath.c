#include "load/jsonpath.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

int jpath_parse(jpath_t *p, const char *text) {
    memset(p, 0, sizeof *p);
    if (!text || !*text)
        return -1;
    const char *s = text;
    if (strcmp(s, "$") == 0)
        s = "";
    else if (strncmp(s, "$.", 2) == 0)
        s += 2;
    p->text = xstrdup(text);
    if (*s == '\0')
        return 0;
    int n = 1;
    for (const char *c = s; *c; c++)
        n += *c == '.';
    p->seg = xcalloc((size_t)n, sizeof *p->seg);
    for (int i = 0; i < n; i++) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (len == 0) {
            p->nseg = i;
            jpath_free(p);
            return -1;
        }
        p->seg[i] = xstrndup(s, len);
        s += len + (dot ? 1 : 0);
    }
    p->nseg = n;
    return 0;
}

void jpath_free(jpath_t *p) {
    for (int i = 0; i < p->nseg; i++)
        free(p->seg[i]);
    free(p->seg);
    free(p->text);
    memset(p, 0, sizeof *p);
}

static int all_digits(const char *s) {
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

json_t *jpath_get(const jpath_t *p, json_t *v) {
    for (int i = 0; v && i < p->nseg; i++) {
        if (json_is_array(v) && all_digits(p->seg[i]) && strlen(p->seg[i]) < 10)
            v = json_array_get(v, (size_t)atol(p->seg[i]));
        else if (json_is_object(v))
            v = json_object_get(v, p->seg[i]);
        else
            v = NULL;
    }
    return v;
}
