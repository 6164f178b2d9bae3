/* Loading a results directory: walk raw/, parse run files, group into cells. */
#include "lab/results/results.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xalloc.h"

typedef struct pathlist {
    char **items;
    size_t n, cap;
} pathlist_t;

static int push_path(pathlist_t *l, const char *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **items = xrealloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n] = xstrdup(p);
    if (!l->items[l->n])
        return -1;
    l->n++;
    return 0;
}

static bool is_run_file(const char *name) {
    size_t len = strlen(name);
    return strncmp(name, "run-", 4) == 0 && len > 9 && strcmp(name + len - 5, ".json") == 0;
}

/* Collects run files below base/rel (rel "" = base), relative paths. */
static int walk(const char *base, const char *rel, pathlist_t *out, int depth, char *err,
                size_t errlen) {
    char full[4096];
    snprintf(full, sizeof full, "%s%s%s", base, *rel ? "/" : "", rel);
    if (depth > 8)
        return 0; /* nothing legitimate is this deep; avoids symlink loops */
    DIR *d = opendir(full);
    if (!d) {
        snprintf(err, errlen, "%s: %s", full, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096], childfull[8192];
        snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(childfull, sizeof childfull, "%s/%s", base, child);
        struct stat st;
        if (stat(childfull, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk(base, child, out, depth + 1, err, errlen);
        else if (S_ISREG(st.st_mode) && is_run_file(e->d_name) && push_path(out, child) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

json_t *results_json_path(json_t *root, const char *dotted) {
    json_t *cur = root;
    const char *p = dotted;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        cur = json_is_object(cur) ? json_object_getn(cur, p, len) : NULL;
        p += len + (dot ? 1 : 0);
        if (!dot)
            break;
    }
    return cur;
}

double results_json_number(json_t *root, const char *dotted) {
    json_t *v = results_json_path(root, dotted);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int parse_run(results_run_t *run, const char *dir, const char *rel, char *err,
                     size_t errlen) {
    char full[8192];
    snprintf(full, sizeof full, "%s/raw/%s", dir, rel);
    json_error_t je;
    memset(run, 0, sizeof *run);
    run->path = xstrdup(rel);
    run->root = json_load_file(full, 0, &je);
    if (!run->root) {
        snprintf(err, errlen, "%s:%d: %s", full, je.line, je.text);
        return -1;
    }
    /* a capacity search's file (study/capacity_unit.h), read by report/capacity_study.c */
    if (json_is_string(json_object_get(run->root, "kind")) &&
        strcmp(json_string_value(json_object_get(run->root, "kind")), "capacity") == 0)
        return 1;
    json_t *sc = json_object_get(run->root, "scenario"), *cf = json_object_get(run->root, "config"),
           *valid = json_object_get(run->root, "valid"), *num = json_object_get(run->root, "run");
    const char *bad = !json_is_string(sc)       ? "scenario: missing or not a string"
                      : !json_is_string(cf)     ? "config: missing or not a string"
                      : !json_is_boolean(valid) ? "valid: missing or not a boolean"
                      : !json_is_integer(num)   ? "run: missing or not an integer"
                                                : NULL;
    run->summary = json_object_get(run->root, "summary");
    if (!bad && json_is_null(run->summary) && json_is_false(valid)) {
        /* the driver wrote nothing (it or the server failed): an invalid run to
         * list, with an empty summary so readers need no special case */
        json_object_set_new(run->root, "summary", json_object());
        run->summary = json_object_get(run->root, "summary");
    }
    if (!bad && !json_is_object(run->summary))
        bad = "summary: missing or not an object (null only for an invalid run)";
    if (bad) {
        snprintf(err, errlen, "%s: %s", full, bad);
        return -1;
    }
    run->scenario = json_string_value(sc);
    run->config = json_string_value(cf);
    run->valid = json_is_true(valid);
    run->run = (int)json_integer_value(num);
    return 0;
}

static int cmp_run_ptr(const void *a, const void *b) {
    const results_run_t *x = *(results_run_t *const *)a, *y = *(results_run_t *const *)b;
    return (x->run > y->run) - (x->run < y->run);
}

static int cmp_cell(const void *a, const void *b) {
    const results_cell_t *x = a, *y = b;
    int c = strcmp(x->scenario, y->scenario);
    return c ? c : strcmp(x->config, y->config);
}

static int build_cells(results_t *r) {
    for (size_t i = 0; i < r->nruns; i++) {
        results_run_t *run = &r->runs[i];
        results_cell_t *cell = NULL;
        for (size_t c = 0; c < r->ncells && !cell; c++)
            if (!strcmp(r->cells[c].scenario, run->scenario) &&
                !strcmp(r->cells[c].config, run->config))
                cell = &r->cells[c];
        if (!cell) {
            results_cell_t *cells = xrealloc(r->cells, (r->ncells + 1) * sizeof *cells);
            if (!cells)
                return -1;
            r->cells = cells;
            cell = &r->cells[r->ncells++];
            memset(cell, 0, sizeof *cell);
            cell->scenario = run->scenario;
            cell->config = run->config;
        }
        results_run_t ***list = run->valid ? &cell->valid : &cell->invalid;
        size_t *n = run->valid ? &cell->nvalid : &cell->ninvalid;
        results_run_t **grown = xrealloc(*list, (*n + 1) * sizeof *grown);
        if (!grown)
            return -1;
        *list = grown;
        (*list)[(*n)++] = run;
    }
    for (size_t c = 0; c < r->ncells; c++) {
        if (r->cells[c].nvalid) /* qsort must not get NULL, even for 0 items */
            qsort(r->cells[c].valid, r->cells[c].nvalid, sizeof(results_run_t *), cmp_run_ptr);
        if (r->cells[c].ninvalid)
            qsort(r->cells[c].invalid, r->cells[c].ninvalid, sizeof(results_run_t *), cmp_run_ptr);
    }
    if (r->ncells)
        qsort(r->cells, r->ncells, sizeof *r->cells, cmp_cell);
    return 0;
}

int results_regroup(results_t *r) {
    for (size_t c = 0; c < r->ncells; c++) {
        free(r->cells[c].valid);
        free(r->cells[c].invalid);
    }
    free(r->cells);
    r->cells = NULL;
    r->ncells = 0;
    return build_cells(r);
}

int results_load(results_t *r, const char *dir, char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    r->dir = xstrdup(dir);
    char raw[4096];
    snprintf(raw, sizeof raw, "%s/raw", dir);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a results directory", dir);
        return -1;
    }
    pathlist_t files = {0};
    int rc = 0;
    if (stat(raw, &st) == 0 && S_ISDIR(st.st_mode))
        rc = walk(raw, "", &files, 0, err, errlen);
    if (rc == 0 && files.n) {
        qsort(files.items, files.n, sizeof *files.items, cmp_str);
        r->runs = xcalloc(files.n, sizeof *r->runs);
        if (!r->runs) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && i < files.n; i++) {
        results_run_t run;
        rc = parse_run(&run, dir, files.items[i], err, errlen);
        if (rc == 1 || (rc == 0 && json_is_true(json_object_get(run.root, "warmup")))) {
            r->nwarmup += rc == 0;
            rc = 0;
            json_decref(run.root);
            free(run.path);
            continue;
        }
        r->runs[r->nruns++] = run; /* on failure too, so results_free releases it */
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.items[i]);
    free(files.items);
    if (rc == 0 && build_cells(r) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    char mpath[4200];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
    if (rc == 0 && stat(mpath, &st) == 0) {
        json_error_t je;
        r->manifest = json_load_file(mpath, 0, &je);
        if (!r->manifest) {
            snprintf(err, errlen, "%s:%d: %s", mpath, je.line, je.text);
            rc = -1;
        }
    }
    return rc;
}

void results_free(results_t *r) {
    for (size_t i = 0; i < r->nruns; i++) {
        json_decref(r->runs[i].root);
        free(r->runs[i].path);
    }
    for (size_t c = 0; c < r->ncells; c++) {
        free(r->cells[c].valid);
        free(r->cells[c].invalid);
    }
    free(r->runs);
    free(r->cells);
    json_decref(r->manifest);
    free(r->dir);
    memset(r, 0, sizeof *r);
}

const results_cell_t *results_find_cell(const results_t *r, const char *scenario,
                                        const char *config) {
    for (size_t c = 0; c < r->ncells; c++)
        if (!strcmp(r->cells[c].scenario, scenario) && !strcmp(r->cells[c].config, config))
            return &r->cells[c];
    return NULL;
}

/* The implementation part of the preferred config name, taken as the name
 * minus its last "-segment": "c-ulfius-epoll" -> "c-ulfius" (the default
 * config is always <implementation>-<threading>); a name without '-' is all
 * implementation. */
static size_t implementation_len(const char *config) {
    const char *dash = strrchr(config, '-');
    return dash ? (size_t)(dash - config) : strlen(config);
}

const results_cell_t *results_default_cell(const results_t *r, const char *scenario,
                                           const char *preferred) {
    if (preferred) {
        const results_cell_t *c = results_find_cell(r, scenario, preferred);
        if (c)
            return c;
        /* Another configuration of the same implementation before any other
         * implementation's (a scenario measured on c-ulfius-pool only must not
         * be represented by a peer's cell). Cells are sorted by name. */
        size_t len = implementation_len(preferred);
        for (size_t i = 0; i < r->ncells; i++) {
            const char *cfg = r->cells[i].config;
            if (!strcmp(r->cells[i].scenario, scenario) && !strncmp(cfg, preferred, len) &&
                (cfg[len] == '\0' || cfg[len] == '-'))
                return &r->cells[i];
        }
    }
    for (size_t c = 0; c < r->ncells; c++) /* cells are sorted: the first is the lowest name */
        if (!strcmp(r->cells[c].scenario, scenario))
            return &r->cells[c];
    return NULL;
}

/* Adds the group names of one run to a duplicate-free list, in the order the
 * scenario declares them (jansson keeps object keys in insertion order). */
static int add_groups(const results_run_t *run, const char ***names, size_t *n) {
    json_t *groups = results_json_path(run->summary, "root_group.groups");
    const char *key;
    json_t *val;
    json_object_foreach(groups, key, val) {
        (void)val;
        bool seen = false;
        for (size_t i = 0; i < *n && !seen; i++)
            seen = !strcmp((*names)[i], key);
        if (seen)
            continue;
        const char **grown = xrealloc(*names, (*n + 1) * sizeof *grown);
        if (!grown)
            return -1;
        *names = grown;
        (*names)[(*n)++] = key;
    }
    return 0;
}

const char **results_run_groups(const results_run_t *run, size_t *n) {
    const char **names = NULL;
    *n = 0;
    add_groups(run, &names, n);
    return names;
}

const char **results_cell_groups(const results_cell_t *cell, size_t *n) {
    const char **names = NULL;
    *n = 0;
    for (size_t i = 0; i < cell->nvalid; i++)
        add_groups(cell->valid[i], &names, n);
    return names;
}
