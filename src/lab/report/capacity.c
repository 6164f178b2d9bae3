/* The summary's capacity section (report_capacity.h). */
#include "lab/report/capacity.h"

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double num(const json_t *o, const char *k) {
    return json_number_value(json_object_get(o, k));
}

void report_capacity_md(FILE *f, const char *results_dir) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/capacity", results_dir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char **g = xrealloc(names, (n + 1) * sizeof *g);
        if (!g)
            break;
        names = g;
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (i == 0)
            fputs("\n## Capacity at the latency objective (benchlab capacity; docs/stress.md)\n\n"
                  "| file | implementation | scenario | objective p99 | capacity | next failing "
                  "| knee p50 / p99 |\n|---|---|---|---|---|---|---|\n",
                  f);
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        json_error_t je;
        json_t *j = json_load_file(path, 0, &je);
        if (!json_is_object(j)) {
            fprintf(f, "| %s | unreadable: %s | | | | | |\n", names[i], je.text);
        } else {
            const json_t *knee = json_object_get(j, "knee"), *cap = json_object_get(j, "capacity");
            const char *impl = json_string_value(json_object_get(j, "implementation"));
            const char *scen = json_string_value(json_object_get(j, "scenario"));
            fprintf(f, "| %s | %s | %s | %g ms | ", names[i], impl ? impl : "?", scen ? scen : "?",
                    num(j, "objective_p99_ms"));
            if (json_is_number(cap))
                fprintf(f, "%.1f/s%s | ", json_number_value(cap),
                        json_is_true(json_object_get(j, "bounded")) ? "" : " (not bounded)");
            else
                fputs("none | ", f);
            if (json_is_number(json_object_get(j, "upper")))
                fprintf(f, "%.1f/s | ", num(j, "upper"));
            else
                fputs("not found | ", f);
            if (json_is_object(knee))
                fprintf(f, "%.3f / %.3f ms |\n", num(knee, "p50_ms"), num(knee, "p99_ms"));
            else
                fputs("- |\n", f);
        }
        json_decref(j);
        free(names[i]);
    }
    free(names);
}
