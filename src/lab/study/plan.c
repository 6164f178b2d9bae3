/* Loading and expanding plans (see plan.h). */
#include "lab/study/plan.h"

#include "common/jsonconf.h"
#include "common/parse.h"
#include "common/threading.h"
#include "common/xalloc.h"
#include "lab/impl.h"

#include <dirent.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double plan_parse_duration(const char *s) {
    double v;
    return parse_duration(s, &v) == 0 ? v : -1;
}

bool plan_same_server(const plan_unit_t *a, const plan_unit_t *b) {
    return strcmp(a->implementation, b->implementation) == 0 &&
           strcmp(a->threading, b->threading) == 0 && a->workers == b->workers &&
           a->server_cpus == b->server_cpus && a->db_pool == b->db_pool &&
           a->threads == b->threads && a->server_flags == b->server_flags;
}

/* --- scenario discovery ------------------------------------------------- */

typedef struct {
    char **ids;
    int n, cap;
} idlist_t;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void find_scenarios(const char *dir, idlist_t *out) {
    DIR *top = opendir(dir);
    if (!top)
        return;
    struct dirent *fam;
    while ((fam = readdir(top))) {
        if (fam->d_name[0] == '.' || strcmp(fam->d_name, "plans") == 0 ||
            strcmp(fam->d_name, "profiles") == 0)
            continue;
        char sub[PATH_MAX];
        if (snprintf(sub, sizeof sub, "%s/%s", dir, fam->d_name) >= (int)sizeof sub)
            continue;
        DIR *d = opendir(sub);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
                continue;
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->ids = xrealloc(out->ids, (size_t)out->cap * sizeof *out->ids);
            }
            char id[300];
            snprintf(id, sizeof id, "%s/%.*s", fam->d_name, (int)(n - 5), e->d_name);
            out->ids[out->n++] = xstrdup(id);
        }
        closedir(d);
    }
    closedir(top);
    if (out->n)
        qsort(out->ids, (size_t)out->n, sizeof *out->ids, cmp_str);
}

/* --- values: a scalar or a list of them --------------------------------- */

enum {
    K_RUNS,
    K_VUS,
    K_DURATION,
    K_WARMUP,
    K_RATE,
    K_MAXVUS,
    K_THREADING,
    K_WORKERS,
    K_CPUS,
    K_POOL,
    K_IMPL,
    K_MINREQ,
    K_CAPACITY,
    K_THREADS,
    K_OBJECTIVE,
    K_STEPS,
    K_TOLERANCE,
    K_LOAD,
    K_COUNT
};
static const char *const keys[K_COUNT] = {"runs",
                                          "vus",
                                          "duration",
                                          "warmup",
                                          "rate",
                                          "max_vus",
                                          "threading",
                                          "workers",
                                          "server_cpus",
                                          "db_pool",
                                          "implementation",
                                          "min_requests",
                                          "capacity",
                                          "threads",
                                          "objective_ms",
                                          "search_steps",
                                          "search_tolerance",
                                          "load"};

typedef struct {
    json_t *v[K_COUNT]; /* borrowed; each a JSON array of candidate values */
    bool given[K_COUNT];
} axes_t;

static int key_index(const char *k) {
    for (int i = 0; i < K_COUNT; i++)
        if (strcmp(k, keys[i]) == 0)
            return i;
    return -1;
}

/* Checks one candidate value of key k. */
static const char *check_value(int k, json_t *v) {
    switch (k) {
    case K_RUNS:
    case K_VUS:
    case K_WORKERS:
    case K_MAXVUS:
    case K_POOL:
    case K_MINREQ:
    case K_THREADS:
    case K_STEPS:
        return json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 100000
                   ? NULL
                   : "expected an integer >= 1";
    case K_DURATION:
    case K_WARMUP:
        if (json_is_number(v) && json_number_value(v) >= 0)
            return NULL;
        return json_is_string(v) && plan_parse_duration(json_string_value(v)) >= 0
                   ? NULL
                   : "expected a duration like \"30s\", \"500ms\" or \"2m\"";
    case K_LOAD:
        return json_is_number(v) && json_number_value(v) > 0 && json_number_value(v) <= 1000
                   ? NULL
                   : "expected a percentage of the closed-model capacity, > 0 and <= 1000";
    case K_RATE:
    case K_CAPACITY:
    case K_CPUS:
    case K_OBJECTIVE:
        return json_is_number(v) && json_number_value(v) > 0 ? NULL : "expected a number > 0";
    case K_TOLERANCE:
        return json_is_number(v) && json_number_value(v) > 0 && json_number_value(v) <= 1
                   ? NULL
                   : "expected a number > 0 and <= 1";
    case K_THREADING:
        return json_is_string(v) && threading_parse(json_string_value(v)) >= 0
                   ? NULL
                   : "expected " THREADING_NAMES;
    case K_IMPL:
        return json_is_string(v) && impl_known(json_string_value(v)) ? NULL
                                                                     : "expected " IMPL_NAMES;
    }
    return "unknown";
}

static int read_axes(const char *file, const char *where, json_t *obj, axes_t *ax, bool entry,
                     json_t **scenarios, char *err, size_t len) {
    jsonconf_t c = {.file = file, .err = err, .errlen = len};
    const char *allowed[K_COUNT + 2];
    for (int k = 0; k < K_COUNT; k++)
        allowed[k] = keys[k];
    allowed[K_COUNT] = entry ? "scenarios" : NULL;
    allowed[K_COUNT + 1] = NULL;
    if (jsonconf_object(&c, obj, where) != 0 || jsonconf_only_keys(&c, obj, where, allowed) != 0)
        return -1;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (entry && strcmp(key, "scenarios") == 0) {
            *scenarios = v;
            continue;
        }
        int k = key_index(key);
        if (k < 0) /* description */
            continue;
        json_t *list = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
        if (json_array_size(list) == 0) {
            snprintf(err, len, "%s: %s.%s: empty list", file, where, key);
            json_decref(list);
            return -1;
        }
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) {
            const char *why = check_value(k, x);
            if (why) {
                snprintf(err, len, "%s: %s.%s%s: %s", file, where, key,
                         json_is_array(v) ? "[]" : "", why);
                json_decref(list);
                return -1;
            }
        }
        if (ax->v[k])
            json_decref(ax->v[k]);
        ax->v[k] = list;
        ax->given[k] = entry;
    }
    return 0;
}

static double num_or_duration(json_t *v) {
    return json_is_string(v) ? plan_parse_duration(json_string_value(v)) : json_number_value(v);
}

static void add_unit(plan_t *p, int *cap, const plan_unit_t *u) {
    if (p->nunits == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        p->units = xrealloc(p->units, (size_t)*cap * sizeof *p->units);
    }
    p->units[p->nunits++] = *u;
}

static size_t axis_len(const axes_t *ax, int k) {
    return ax->v[k] ? json_array_size(ax->v[k]) : 1;
}

static json_t *axis_at(const axes_t *ax, int k, size_t i) {
    return ax->v[k] ? json_array_get(ax->v[k], i) : NULL;
}

static void format_config(plan_unit_t *u, const axes_t *ax) {
    /* the threading model is benchlab-server's; a peer has one of its own */
    size_t n = impl_is_peer(u->implementation)
                   ? (size_t)snprintf(u->config, sizeof u->config, "%s", u->implementation)
                   : (size_t)snprintf(u->config, sizeof u->config, "%s-%s", u->implementation,
                                      u->threading);
    if (u->workers != 1)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-w%d", u->workers);
    if (u->threads > 0)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-t%d", u->threads);
    if (u->server_cpus > 0)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-cpu%g", u->server_cpus);
    if (u->db_pool > 0)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-pool%d", u->db_pool);
    if (ax->given[K_VUS])
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-vu%d", u->vus);
    if (u->rate > 0 && u->objective_ms <= 0)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-r%g", u->rate);
    else if (u->load_pct > 0)
        n += (size_t)snprintf(u->config + n, sizeof u->config - n, "-load%g", u->load_pct);
    if (u->objective_ms > 0) /* a capacity search (study/capacity_unit.h) */
        snprintf(u->config + n, sizeof u->config - n, "-slo%gms", u->objective_ms);
}

/* One unit: the values at the given index of each axis (0 for the scalars). */
static void fill_unit(plan_unit_t *u, const axes_t *ax, const size_t at[K_COUNT],
                      const char *scenario, const char *scenarios_dir, const char *default_impl) {
    memset(u, 0, sizeof *u);
    json_t *x;
    snprintf(u->scenario, sizeof u->scenario, "%s", scenario);
    snprintf(u->scenario_path, sizeof u->scenario_path, "%s/%s.json", scenarios_dir, scenario);
    x = axis_at(ax, K_IMPL, at[K_IMPL]);
    snprintf(u->implementation, sizeof u->implementation, "%s",
             x ? json_string_value(x) : default_impl);
    u->runs = (x = axis_at(ax, K_RUNS, 0)) ? (int)json_integer_value(x) : 1;
    u->vus = (x = axis_at(ax, K_VUS, at[K_VUS])) ? (int)json_integer_value(x) : 10;
    u->duration_s = (x = axis_at(ax, K_DURATION, 0)) ? num_or_duration(x) : 30;
    u->warmup_s = (x = axis_at(ax, K_WARMUP, 0)) ? num_or_duration(x) : 0;
    u->rate = (x = axis_at(ax, K_RATE, at[K_RATE])) ? json_number_value(x) : 0;
    u->max_vus = (x = axis_at(ax, K_MAXVUS, 0)) ? (int)json_integer_value(x) : 0;
    u->min_requests = (x = axis_at(ax, K_MINREQ, 0)) ? (int)json_integer_value(x) : 0;
    u->capacity = (x = axis_at(ax, K_CAPACITY, 0)) ? json_number_value(x) : 0;
    u->load_pct = (x = axis_at(ax, K_LOAD, at[K_LOAD])) ? json_number_value(x) : 0;
    /* a peer ignores the threading model; its run files say epoll (its event loop) */
    x = impl_is_peer(u->implementation) ? NULL : axis_at(ax, K_THREADING, at[K_THREADING]);
    snprintf(u->threading, sizeof u->threading, "%s", x ? json_string_value(x) : "epoll");
    u->workers = (x = axis_at(ax, K_WORKERS, at[K_WORKERS])) ? (int)json_integer_value(x) : 1;
    u->server_cpus = (x = axis_at(ax, K_CPUS, at[K_CPUS])) ? json_number_value(x) : 0;
    u->db_pool = (x = axis_at(ax, K_POOL, at[K_POOL])) ? (int)json_integer_value(x) : 0;
    u->threads = (x = axis_at(ax, K_THREADS, at[K_THREADS])) ? (int)json_integer_value(x) : 0;
    u->objective_ms = (x = axis_at(ax, K_OBJECTIVE, at[K_OBJECTIVE])) ? json_number_value(x) : 0;
    u->search_steps = (x = axis_at(ax, K_STEPS, 0)) ? (int)json_integer_value(x) : 0;
    u->search_tolerance = (x = axis_at(ax, K_TOLERANCE, 0)) ? json_number_value(x) : 0;
    u->server_flags = ax->v[K_THREADING] || ax->v[K_WORKERS];
    format_config(u, ax);
}

static int find_unit(const plan_t *p, const plan_unit_t *u) {
    for (int i = 0; i < p->nunits; i++)
        if (strcmp(p->units[i].scenario, u->scenario) == 0 &&
            strcmp(p->units[i].config, u->config) == 0)
            return i;
    return -1;
}

/* The product of an entry's axes: server settings outside (implementation
 * first), scenarios, then load. */
static int expand_at(plan_t *p, int *cap, const axes_t *ax, const idlist_t *matched,
                     const char *scenarios_dir, const char *default_impl, char *err, size_t len,
                     size_t threads_at, size_t objective_at) {
    size_t at[K_COUNT] = {0};
    at[K_THREADS] = threads_at;
    at[K_OBJECTIVE] = objective_at;
    for (at[K_IMPL] = 0; at[K_IMPL] < axis_len(ax, K_IMPL); at[K_IMPL]++) {
        json_t *impl = axis_at(ax, K_IMPL, at[K_IMPL]);
        bool peer = impl_is_peer(impl ? json_string_value(impl) : default_impl);
        /* a peer has one model: the threading axis does not multiply its units */
        size_t models = peer ? 1 : axis_len(ax, K_THREADING);
        for (at[K_THREADING] = 0; at[K_THREADING] < models; at[K_THREADING]++)
            for (at[K_WORKERS] = 0; at[K_WORKERS] < axis_len(ax, K_WORKERS); at[K_WORKERS]++)
                for (at[K_CPUS] = 0; at[K_CPUS] < axis_len(ax, K_CPUS); at[K_CPUS]++)
                    for (at[K_POOL] = 0; at[K_POOL] < axis_len(ax, K_POOL); at[K_POOL]++)
                        for (int s = 0; s < matched->n; s++)
                            for (at[K_VUS] = 0; at[K_VUS] < axis_len(ax, K_VUS); at[K_VUS]++)
                                for (at[K_RATE] = 0; at[K_RATE] < axis_len(ax, K_RATE);
                                     at[K_RATE]++)
                                    for (at[K_LOAD] = 0; at[K_LOAD] < axis_len(ax, K_LOAD);
                                         at[K_LOAD]++) {
                                        plan_unit_t u;
                                        fill_unit(&u, ax, at, matched->ids[s], scenarios_dir,
                                                  default_impl);
                                        int dup = find_unit(p, &u);
                                        /* an entry that only varies the threading model adds
                                         * nothing for a peer: its unit is already there */
                                        if (dup >= 0 && peer && ax->v[K_THREADING])
                                            continue;
                                        if (dup >= 0) {
                                            snprintf(err, len, "%s: %s with %s appears twice",
                                                     p->path, u.scenario, u.config);
                                            return -1;
                                        }
                                        add_unit(p, cap, &u);
                                    }
    }
    return 0;
}

/* Each server-threads value and each capacity objective: the product above. */
static int expand(plan_t *p, int *cap, const axes_t *ax, const idlist_t *matched,
                  const char *scenarios_dir, const char *default_impl, char *err, size_t len) {
    for (size_t t = 0; t < axis_len(ax, K_THREADS); t++)
        for (size_t o = 0; o < axis_len(ax, K_OBJECTIVE); o++)
            if (expand_at(p, cap, ax, matched, scenarios_dir, default_impl, err, len, t, o) != 0)
                return -1;
    return 0;
}

/* The CLI's --implementation: keep only its units. */
static int keep_only(plan_t *p, const char *impl, char *err, size_t len) {
    char seen[256] = "";
    int n = 0;
    for (int i = 0; i < p->nunits; i++) {
        const char *name = p->units[i].implementation;
        if (strcmp(name, impl) == 0)
            p->units[n++] = p->units[i];
        else if (!strstr(seen, name) && strlen(seen) + strlen(name) + 3 < sizeof seen)
            snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s", *seen ? ", " : "",
                     name);
    }
    if (n == 0) {
        snprintf(err, len, "%s: no unit runs implementation '%s' (--implementation); it names %s",
                 p->path, impl, seen);
        return -1;
    }
    p->nunits = n;
    return 0;
}

static int load(const char *name, const char *scenarios_dir, const char *impl,
                const char *only_impl, plan_t *out, char *err, size_t len) {
    memset(out, 0, sizeof *out);
    if (strchr(name, '/') || strstr(name, ".json"))
        snprintf(out->path, sizeof out->path, "%s", name);
    else
        snprintf(out->path, sizeof out->path, "%s/plans/%s.json", scenarios_dir, name);
    const char *base = strrchr(out->path, '/') ? strrchr(out->path, '/') + 1 : out->path;
    snprintf(out->name, sizeof out->name, "%.*s", (int)strcspn(base, "."), base);
    jsonconf_t c = {.file = out->path, .err = err, .errlen = len};
    bool unreadable;
    json_t *root = jsonconf_load(&c, &unreadable);
    if (!root && unreadable)
        snprintf(err, len, "no plan '%s' (%s: cannot read it)", name, out->path);
    if (!root)
        return -1;
    out->json = root;
    const char *file = out->path;
    static const char *const top[] = {"defaults", "entries", NULL};
    if (jsonconf_object(&c, root, "") != 0 || jsonconf_only_keys(&c, root, "", top) != 0)
        return -1;
    json_t *defaults = json_object_get(root, "defaults"),
           *entries = json_object_get(root, "entries");
    if (defaults && jsonconf_object(&c, defaults, "defaults") != 0)
        return -1;
    if (jsonconf_array(&c, entries, "entries", 1, "{\"scenarios\": [...]}") != 0)
        return -1;
    idlist_t all = {0};
    find_scenarios(scenarios_dir, &all);
    int rc = 0, cap = 0;
    size_t ei;
    json_t *entry;
    json_array_foreach(entries, ei, entry) {
        char where[32];
        snprintf(where, sizeof where, "entries[%zu]", ei);
        axes_t ax;
        memset(&ax, 0, sizeof ax);
        json_t *scen = NULL;
        if (jsonconf_object(&c, entry, where) != 0)
            rc = -1;
        if (!rc && defaults)
            rc = read_axes(file, "defaults", defaults, &ax, false, NULL, err, len);
        if (!rc)
            rc = read_axes(file, where, entry, &ax, true, &scen, err, len);
        char p[64];
        jsonconf_key(p, sizeof p, where, "scenarios");
        if (!rc && jsonconf_array(&c, scen, p, 1, "scenario ids or globs") != 0)
            rc = -1;
        idlist_t matched = {0};
        size_t si;
        json_t *pat;
        if (!rc)
            json_array_foreach(scen, si, pat) {
                char q[80];
                jsonconf_index(q, sizeof q, p, si);
                const char *glob;
                if (jsonconf_string(&c, pat, q, &glob) != 0) {
                    rc = -1;
                    break;
                }
                int hits = 0;
                for (int i = 0; i < all.n; i++)
                    if (fnmatch(json_string_value(pat), all.ids[i], FNM_PATHNAME) == 0) {
                        hits++;
                        int dup = 0;
                        for (int j = 0; j < matched.n; j++)
                            dup |= strcmp(matched.ids[j], all.ids[i]) == 0;
                        if (!dup) {
                            if (matched.n == matched.cap) {
                                matched.cap = matched.cap ? matched.cap * 2 : 32;
                                matched.ids = xrealloc(matched.ids,
                                                       (size_t)matched.cap * sizeof *matched.ids);
                            }
                            matched.ids[matched.n++] = all.ids[i];
                        }
                    }
                if (!hits) {
                    snprintf(err, len, "%s: %s.scenarios[%zu]: '%s' matches no file under %s", file,
                             where, si, json_string_value(pat), scenarios_dir);
                    rc = -1;
                    break;
                }
            }
        if (!rc)
            rc = expand(out, &cap, &ax, &matched, scenarios_dir, impl, err, len);
        free(matched.ids);
        for (int k = 0; k < K_COUNT; k++)
            if (ax.v[k])
                json_decref(ax.v[k]);
        if (rc)
            break;
    }
    for (int i = 0; i < all.n; i++)
        free(all.ids[i]);
    free(all.ids);
    if (rc == 0 && only_impl)
        rc = keep_only(out, only_impl, err, len);
    return rc;
}

int plan_load(const char *name, const char *scenarios_dir, const char *default_impl,
              const char *only_impl, plan_t *out, char *err, size_t err_len) {
    if (load(name, scenarios_dir, impl_or_default(default_impl), only_impl, out, err, err_len) == 0)
        return 0;
    plan_free(out);
    return -1;
}

void plan_free(plan_t *p) {
    free(p->units);
    p->units = NULL;
    p->nunits = 0;
    if (p->json)
        json_decref(p->json);
    p->json = NULL;
}
