/* `benchlab validity RESULTS_DIR [--profile P] [--list]`: the validity rules
 * (validity.h) applied to the runs on disk; prints how many runs each rule
 * checks and marks invalid. Writes nothing. Exit 0, 1 bad input, 2 usage. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/commands.h"
#include "lab/study/profile.h"
#include "lab/report/validity.h"
#include "lab/study/study.h"

static int usage(void) {
    fprintf(stderr, "usage: benchlab validity RESULTS_DIR [--profile P] [--list]\n"
                    "  --profile P  the rules of profile P (default: those of the profile the\n"
                    "               manifest recorded, else the defaults, docs/study.md)\n"
                    "  --list       every run the rules mark invalid, with the reasons\n");
    return 2;
}

int cmd_validity(int argc, char **argv) {
    const char *dir = NULL, *profile = NULL;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--profile") && i + 1 < argc)
            profile = argv[++i];
        else if (!strcmp(argv[i], "--list"))
            list = true;
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else
            return usage();
    }
    if (!dir)
        return usage();
    char err[2048];
    results_t r;
    if (results_load(&r, dir, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab validity: %s\n", err);
        results_free(&r);
        return 1;
    }
    validity_rules_t rules;
    int rc = 0;
    if (profile) {
        char scen[PATH_MAX];
        profile_t p;
        if (study_find_scenarios(scen, sizeof scen) != 0)
            snprintf(scen, sizeof scen, "scenarios");
        if (profile_load(profile, scen, 1024, &p, err, sizeof err) != 0) {
            fprintf(stderr, "benchlab validity: %s\n", err);
            results_free(&r);
            return 1;
        }
        rules = p.validity;
        profile_free(&p);
    } else if (report_validity_rules(&r, &rules, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab validity: %s\n", err);
        results_free(&r);
        return 1;
    }
    bool *before = xcalloc(r.nruns ? r.nruns : 1, sizeof *before);
    for (size_t i = 0; before && i < r.nruns; i++)
        before[i] = r.runs[i].valid;
    validity_tally_t t;
    if (!before || report_validity_pass(&r, &rules, &t) != 0) {
        fprintf(stderr, "benchlab validity: out of memory\n");
        rc = 1;
    } else {
        report_validity_print(stdout, &t);
        for (size_t i = 0; list && i < r.nruns; i++) {
            if (!before[i] || r.runs[i].valid)
                continue;
            printf("%s:", r.runs[i].path);
            size_t k;
            json_t *why;
            json_array_foreach(json_object_get(r.runs[i].root, "invalid_reasons"), k, why)
                printf(" [%s]", json_string_value(why));
            printf("\n");
        }
    }
    free(before);
    results_free(&r);
    return rc;
}
