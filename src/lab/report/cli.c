/* Options and loading shared by `benchlab report` and `benchlab claims`. */
#include "lab/report/cli.h"
#include "lab/report/validity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(const char *prog, int with_outputs) {
    fprintf(stderr,
            "usage: benchlab %s RESULTS_DIR [--config FILE] [--claims FILE] [--published FILE]%s\n"
            "  --config FILE     comparisons, values and figures (default paper/comparisons.json)\n"
            "  --claims FILE     the original study's claims (default paper/claims.json)\n"
            "  --published FILE  the study's published numbers (default "
            "paper/published-study.json)\n"
            "  --seed N          bootstrap seed (default: the config's)\n"
            "  --revalidate      judge every run by the validity rules first (docs/study.md)\n"
            "  --strict          claims: exit 1 unless every claim holds (default: unless one\n"
            "                    fails; a claim is judged on its interval either way)\n"
            "  --metric rps|cpu  judge throughput claims by requests/s (default) or by the\n"
            "                    server box's CPU us per request (service demand)\n",
            prog, with_outputs ? " [--out DIR] [--summary-dir DIR]" : " [--plans DIR]");
    if (!with_outputs)
        fprintf(stderr,
                "  --plans DIR       also write DIR/claim-<id>.json per claim: a plan of the\n"
                "                    cells its rules read, with their runs' parameters\n");
    if (with_outputs)
        fprintf(stderr, "  --out DIR         tables/, data/, macros.tex (default paper/generated)\n"
                        "  --summary-dir DIR summary.csv, comparisons.csv, summary.md (default "
                        "RESULTS_DIR; \"none\" skips them)\n");
}

/* A default under paper/: relative to the working directory, else to
 * $BENCHLAB_ROOT (set by the test runner) when that exists. */
static const char *default_path(const char *rel, char *buf, size_t len) {
    const char *root = getenv("BENCHLAB_ROOT");
    if (access(rel, R_OK) != 0 && root) {
        snprintf(buf, len, "%s/%s", root, rel);
        return buf;
    }
    return rel;
}

int report_cli_parse(report_cli_t *cli, int argc, char **argv, int with_outputs) {
    static char cfg[4096], clm[4096], pub[4096];
    memset(cli, 0, sizeof *cli);
    cli->config_path = default_path("paper/comparisons.json", cfg, sizeof cfg);
    cli->claims_path = default_path("paper/claims.json", clm, sizeof clm);
    cli->published_path = default_path("paper/published-study.json", pub, sizeof pub);
    cli->out_dir = "paper/generated";
    cli->seed = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **target = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(argv[0], with_outputs);
            return 2;
        }
        if (!strcmp(a, "--strict")) {
            cli->strict = true;
            continue;
        }
        if (!strcmp(a, "--revalidate")) {
            cli->revalidate = true;
            continue;
        }
        if (!strcmp(a, "--metric")) {
            if (i + 1 >= argc || claims_metric_parse(argv[i + 1], &cli->metric) != 0) {
                fprintf(stderr, "benchlab %s: --metric: '%s' is not rps or cpu\n", argv[0],
                        i + 1 < argc ? argv[i + 1] : "");
                usage(argv[0], with_outputs);
                return 2;
            }
            i++;
            continue;
        }
        if (!strcmp(a, "--config"))
            target = &cli->config_path;
        else if (!strcmp(a, "--claims"))
            target = &cli->claims_path;
        else if (!strcmp(a, "--published"))
            target = &cli->published_path;
        else if (with_outputs && !strcmp(a, "--out"))
            target = &cli->out_dir;
        else if (with_outputs && !strcmp(a, "--summary-dir"))
            target = &cli->summary_dir;
        else if (!with_outputs && !strcmp(a, "--plans"))
            target = &cli->plans_dir;
        if (target || !strcmp(a, "--seed")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "benchlab %s: %s needs a value\n", argv[0], a);
                usage(argv[0], with_outputs);
                return 2;
            }
            if (target) {
                *target = argv[++i];
            } else {
                char *end;
                cli->seed = strtoll(argv[++i], &end, 10);
                if (*end || cli->seed < 0) {
                    fprintf(stderr, "benchlab %s: --seed: '%s' is not a non-negative integer\n",
                            argv[0], argv[i]);
                    return 2;
                }
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "benchlab %s: unknown option '%s'\n", argv[0], a);
            usage(argv[0], with_outputs);
            return 2;
        } else if (!cli->results_dir) {
            cli->results_dir = a;
        } else {
            fprintf(stderr, "benchlab %s: one RESULTS_DIR only ('%s' is extra)\n", argv[0], a);
            return 2;
        }
    }
    if (!cli->results_dir) {
        usage(argv[0], with_outputs);
        return 2;
    }
    if (!cli->summary_dir)
        cli->summary_dir = cli->results_dir;
    return 0;
}

int report_cli_load(report_cli_t *cli, const char *prog) {
    char err[1024];
    if (results_load(&cli->results, cli->results_dir, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab %s: %s\n", prog, err);
        return 1;
    }
    if (cli->revalidate) {
        validity_rules_t rules;
        validity_tally_t t;
        snprintf(err, sizeof err, "out of memory");
        if (report_validity_rules(&cli->results, &rules, err, sizeof err) != 0 ||
            report_validity_pass(&cli->results, &rules, &t) != 0) {
            fprintf(stderr, "benchlab %s: %s\n", prog, err);
            return 1;
        }
        fprintf(stderr, "benchlab %s: validity rules: %zu of %zu runs newly invalid\n", prog,
                t.newly_invalid, t.runs);
    }
    report_config_t cfg;
    if (report_config_load(&cfg, cli->config_path, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab %s: %s\n", prog, err);
        return 1;
    }
    if (cli->seed >= 0)
        cfg.seed = (uint64_t)cli->seed;
    if (report_compute(&cli->report, &cli->results, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab %s: %s\n", prog, err);
        return 1;
    }
    json_error_t je;
    cli->report.published = json_load_file(cli->published_path, 0, &je);
    if (!cli->report.published) {
        fprintf(stderr, "benchlab %s: %s:%d: %s\n", prog, cli->published_path, je.line, je.text);
        return 1;
    }
    cli->claims_root = json_load_file(cli->claims_path, 0, &je);
    if (!cli->claims_root) {
        fprintf(stderr, "benchlab %s: %s:%d: %s\n", prog, cli->claims_path, je.line, je.text);
        return 1;
    }
    if (claims_evaluate_metric(&cli->claims, cli->claims_root, cli->claims_path, &cli->report,
                               false, cli->metric, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab %s: %s\n", prog, err);
        return 1;
    }
    return 0;
}

void report_cli_free(report_cli_t *cli) {
    claims_free(&cli->claims);
    json_decref(cli->claims_root);
    report_free(&cli->report);
    results_free(&cli->results);
}
