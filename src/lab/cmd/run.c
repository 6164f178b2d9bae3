/* benchlab run PLAN [--profile P] [--results DIR] [--runs N] [--resume]
 *                   [--implementation NAME] [--server-bin PATH] [--scenarios DIR] [--dry-run]
 *                   [--order grouped|interleaved] [--seed N] [--min-free SIZE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "lab/commands.h"
#include "lab/study/profile.h"
#include "lab/study/study.h"

static void usage(FILE *out) {
    fprintf(
        out,
        "usage: benchlab run PLAN [options]\n"
        "  PLAN                   a plan name (scenarios/plans/PLAN.json: quick, standard, full,\n"
        "                         server-config, open-model) or a path to a plan file\n"
        "  --profile P            boxes and pinning (scenarios/profiles/P.json); default\n"
        "                         local-2core on <= 5 CPUs, study above\n"
        "  --results DIR          where run files go (default results/PLAN-<UTC time>)\n"
        "  --runs N               runs per scenario and configuration instead of the plan's\n"
        "  --resume               continue the study in DIR from the first missing run\n"
        "  --implementation NAME  run NAME (c-ulfius or a peer of peers/) where the plan names no\n"
        "                         implementation, and only NAME's units where it does (the\n"
        "                         plan's \"implementation\" key, else the profile's, else "
        "c-ulfius)\n"
        "  --server-bin PATH      the server program of --implementation's units (default:\n"
        "                         benchlab-server next to benchlab, peers/NAME/start for a peer)\n"
        "  --scenarios DIR        the scenarios directory (default: found from the repository)\n"
        "  --dry-run              print what would run, and the time it would take\n"
        "  --order MODE           grouped (each unit's runs back to back, the default) or\n"
        "                         interleaved (randomized interleaved trials: the units of a\n"
        "                         scenario take turns in a shuffled order, the server restarted\n"
        "                         and warmed up before every run; docs/study.md)\n"
        "  --seed N               the interleaved order's seed (default: a resumed study's, else\n"
        "                         the time); recorded in the manifest\n"
        "  --min-free SIZE        free space the results and stack directories must keep\n"
        "                         (e.g. 512M, 2G; default 1G; 0: no check)\n");
}

static int need_value(int argc, char **argv, int i) {
    if (i + 1 >= argc || argv[i + 1][0] == '\0') {
        fprintf(stderr, "benchlab run: %s needs a value\n", argv[i]);
        return 0;
    }
    return 1;
}

int cmd_run(int argc, char **argv) {
    study_opts_t o = {0};
    o.seed = -1;
    o.min_free = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--resume") == 0) {
            o.resume = true;
        } else if (strcmp(a, "--dry-run") == 0) {
            o.dry_run = true;
        } else if (strcmp(a, "--order") == 0 || strcmp(a, "--seed") == 0) {
            if (!need_value(argc, argv, i))
                return 2;
            const char *v = argv[++i];
            char *end;
            if (strcmp(a, "--order") == 0 && strcmp(v, "interleaved") == 0) {
                o.interleaved = true;
            } else if (strcmp(a, "--order") == 0 && strcmp(v, "grouped") == 0) {
                o.interleaved = false;
            } else if (strcmp(a, "--order") == 0) {
                fprintf(stderr,
                        "benchlab run: --order: expected grouped or interleaved, got '%s'\n", v);
                return 2;
            } else if ((o.seed = strtoll(v, &end, 10)) < 0 || *end || !*v || o.seed > (1LL << 53)) {
                fprintf(stderr, "benchlab run: --seed: expected an integer 0..2^53, got '%s'\n", v);
                return 2;
            }
        } else if (strcmp(a, "--profile") == 0 || strcmp(a, "--results") == 0 ||
                   strcmp(a, "--runs") == 0 || strcmp(a, "--implementation") == 0 ||
                   strcmp(a, "--server-bin") == 0 || strcmp(a, "--scenarios") == 0 ||
                   strcmp(a, "--min-free") == 0) {
            if (!need_value(argc, argv, i))
                return 2;
            const char *v = argv[++i];
            if (strcmp(a, "--profile") == 0)
                o.profile = v;
            else if (strcmp(a, "--results") == 0)
                o.results = v;
            else if (strcmp(a, "--implementation") == 0)
                o.implementation = v;
            else if (strcmp(a, "--server-bin") == 0)
                o.server_bin = v;
            else if (strcmp(a, "--scenarios") == 0)
                o.scenarios_dir = v;
            else if (strcmp(a, "--min-free") == 0) {
                o.min_free = strcmp(v, "0") == 0 ? 0 : profile_parse_size(v);
                if (o.min_free < 0) {
                    fprintf(stderr,
                            "benchlab run: --min-free: expected a size like 512M or 2G (0: no "
                            "check), got '%s'\n",
                            v);
                    return 2;
                }
            } else {
                long n;
                if (parse_long_in(v, 1, 1000, &n)) {
                    fprintf(stderr, "benchlab run: --runs: expected an integer 1..1000, got '%s'\n",
                            v);
                    return 2;
                }
                o.runs = (int)n;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "benchlab run: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!o.plan) {
            o.plan = a;
        } else {
            fprintf(stderr, "benchlab run: one plan only (got '%s' and '%s')\n", o.plan, a);
            return 2;
        }
    }
    if (!o.plan) {
        fprintf(stderr, "benchlab run: which plan? (quick, standard, full, server-config, "
                        "open-model, or a file)\n");
        usage(stderr);
        return 2;
    }
    return study_run(&o);
}
