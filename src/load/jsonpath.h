/* Dot paths into JSON documents: "items", "posts.0.id", "$" (the root), "$.items". */
#ifndef BENCHLAB_LOAD_JSONPATH_H
#define BENCHLAB_LOAD_JSONPATH_H

#include <jansson.h>

typedef struct jpath {
    char *text; /* as written */
    char **seg; /* keys; NULL-free list of nseg */
    int nseg;
} jpath_t;

/* Returns 0, or -1 for an empty path or an empty segment. */
int jpath_parse(jpath_t *p, const char *text);
void jpath_free(jpath_t *p);
/* The value at the path, or NULL when absent. A digit segment indexes an array. */
json_t *jpath_get(const jpath_t *p, json_t *root);

#endif
