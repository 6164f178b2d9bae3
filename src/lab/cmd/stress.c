/* `benchlab stress RUN.json`: the stress numbers of one run from its
 * per-second series (stress.h, docs/stress.md). A run whose driver ran
 * arrival-rate stages (21 spike) gets the spike's recovery time and dropped
 * and late iterations; any other run gets the soak's drift (server RSS and
 * p99 slopes with their intervals, error rate, leak flag). --json prints the
 * numbers as one JSON object. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/commands.h"
#include "lab/results/stress_run.h"

static int usage(void) {
    fprintf(stderr, "usage: benchlab stress RUN.json [--factor F] [--hold N] [--skip S] "
                    "[--level L] [--json]\n");
    return 2;
}

int cmd_stress(int argc, char **argv) {
    const char *run = NULL;
    double factor = 2, hold = 3, skip = -1, level = 0.95;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            as_json = 1;
            continue;
        }
        if (a[0] != '-') {
            if (run)
                return usage();
            run = a;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "benchlab stress: %s needs a value\n", a);
            return usage();
        }
        double *dst = strcmp(a, "--factor") == 0  ? &factor
                      : strcmp(a, "--hold") == 0  ? &hold
                      : strcmp(a, "--skip") == 0  ? &skip
                      : strcmp(a, "--level") == 0 ? &level
                                                  : NULL;
        if (!dst) {
            fprintf(stderr, "benchlab stress: unknown flag \"%s\"\n", a);
            return usage();
        }
        char *end;
        errno = 0;
        *dst = strtod(argv[++i], &end);
        if (end == argv[i] || *end || errno || !(*dst >= 0) || (dst == &level && *dst >= 1) ||
            (dst == &hold && *dst < 1)) {
            fprintf(stderr, "benchlab stress: %s: bad value \"%s\"\n", a, argv[i]);
            return 2;
        }
    }
    if (!run)
        return usage();
    json_error_t je;
    json_t *rf = json_load_file(run, 0, &je);
    if (!rf) {
        fprintf(stderr, "benchlab stress: %s: %s (line %d)\n", run, je.text, je.line);
        return 1;
    }
    char err[512];
    stress_opts_t so = {factor, (int)hold, skip, level};
    json_t *out = stress_analyze_run(run, rf, &so, err, sizeof err);
    if (!out)
        fprintf(stderr, "benchlab stress: %s\n", err);
    json_decref(rf);
    if (!out)
        return 1;
    if (as_json) {
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(out, key, v) {
            char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(6));
            printf("%-20s %s\n", key, s);
            free(s);
        }
    }
    json_decref(out);
    return 0;
}
