/* The closed-model capacity an open-model "load" unit runs at a share of
 * (see study/openload.h). */
#include "lab/study/openload.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

int openload_base_config(const char *config, char *base, size_t len) {
    const char *at = strstr(config, "-load");
    const char *last = NULL;
    for (; at; at = strstr(at + 1, "-load"))
        last = at;
    if (!last || last == config)
        return -1;
    char *end;
    double pct = strtod(last + 5, &end);
    if (end == last + 5 || *end != '\0' || !(pct > 0))
        return -1;
    if ((size_t)(last - config) >= len)
        return -1;
    snprintf(base, len, "%.*s", (int)(last - config), config);
    return 0;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double openload_capacity(const char *results, const char *scenario, const char *config,
                         int *nvalid) {
    char dir[PATH_MAX];
    if (nvalid)
        *nvalid = 0;
    if (snprintf(dir, sizeof dir, "%s/raw/%s/%s", results, scenario, config) >= (int)sizeof dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    double *v = NULL, *inv = NULL; /* valid, invalid */
    size_t n = 0, ni = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        /* run-NN.json, not run-NN.timeseries.jsonl or a temporary file */
        if (strncmp(e->d_name, "run-", 4) != 0 || l < 10 || strcmp(e->d_name + l - 5, ".json") ||
            strchr(e->d_name + 4, '.') != e->d_name + l - 5)
            continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *j = json_load_file(path, 0, NULL);
        json_t *rate = json_object_get(
            json_object_get(json_object_get(json_object_get(j, "summary"), "metrics"), "http_reqs"),
            "rate");
        if (j && json_number_value(rate) > 0) {
            if (n + ni == cap) {
                cap = cap ? cap * 2 : 16;
                double *g1 = xrealloc(v, cap * sizeof *v);
                if (g1)
                    v = g1;
                double *g2 = xrealloc(inv, cap * sizeof *inv);
                if (g2)
                    inv = g2;
                if (!g1 || !g2) {
                    json_decref(j);
                    break;
                }
            }
            if (json_is_true(json_object_get(j, "valid")))
                v[n++] = json_number_value(rate);
            else
                inv[ni++] = json_number_value(rate);
        }
        json_decref(j);
    }
    closedir(d);
    double med = n ? median(v, n) : median(inv, ni);
    free(v);
    free(inv);
    if (nvalid)
        *nvalid = (int)n;
    return med;
}
