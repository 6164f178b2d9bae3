/* Reading JSON configuration files strictly, once for the three programs
 * (plans, profiles, scenario files): an unknown key or a value of the wrong
 * type is an error, and every message names the file and the field as
 *
 *     FILE: path.to.field: expected an integer >= 1, found a string
 *
 * (paths as "defaults.vus", "entries[2].scenarios[0]"; "(top level)" for the
 * document itself). A reader keeps one jsonconf_t per file; each check
 * returns 0, or -1 with the message written into its err buffer. Keys named
 * "description" are allowed everywhere (a comment for people). */
#ifndef BENCHLAB_COMMON_JSONCONF_H
#define BENCHLAB_COMMON_JSONCONF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct jsonconf {
    const char *file; /* named in every message */
    char *err;
    size_t errlen;
} jsonconf_t;

/* Parses FILE (a key given twice in one object is an error, as in
 * benchlab-load's scenario files). NULL on failure with "FILE: line N,
 * column M: what" in err; *unreadable
 * (when not NULL) says the file could not be opened at all, so a caller can
 * say "no plan 'x'" instead. */
json_t *jsonconf_load(jsonconf_t *c, bool *unreadable);

/* "FILE: PATH: what" into err; returns -1. */
int jsonconf_bad(jsonconf_t *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "an object", "an array", "a string", "a number", "a boolean", "null";
 * "missing" for NULL. */
const char *jsonconf_type(const json_t *j);

/* PATH.KEY (KEY alone at the top) and PATH[I], into out. */
void jsonconf_key(char *out, size_t n, const char *path, const char *key);
void jsonconf_index(char *out, size_t n, const char *path, size_t i);

/* Every key of OBJ (at PATH) is in the NULL-terminated ALLOWED (or is
 * "description"); else "PATH.KEY: unknown key (allowed here: ...)". */
int jsonconf_only_keys(jsonconf_t *c, const json_t *obj, const char *path,
                       const char *const *allowed);

/* Type checks: "expected an object, found a string" and so on. */
int jsonconf_object(jsonconf_t *c, const json_t *j, const char *path);
int jsonconf_string(jsonconf_t *c, const json_t *j, const char *path, const char **out);
int jsonconf_bool(jsonconf_t *c, const json_t *j, const char *path, bool *out);
/* An array of at least MIN_LEN elements ("expected a non-empty array of
 * WHAT" or "expected an array of WHAT"). */
int jsonconf_array(jsonconf_t *c, const json_t *j, const char *path, size_t min_len,
                   const char *what);
/* An integer in [MIN, MAX]: "expected an integer >= MIN" (or "MIN..MAX"). */
int jsonconf_int(jsonconf_t *c, const json_t *j, const char *path, long long min, long long max,
                 long long *out);

#endif
