/* Command-line plumbing shared by `benchlab report` and `benchlab claims`:
 * option parsing and loading results + config + claims in one go. */
#ifndef BENCHLAB_LAB_REPORT_CLI_H
#define BENCHLAB_LAB_REPORT_CLI_H

#include "lab/report/claims.h"
#include "lab/report/report.h"
#include "lab/results/results.h"

typedef struct report_cli {
    const char *results_dir;
    const char *config_path, *claims_path, *published_path;
    const char *out_dir, *summary_dir; /* report only */
    const char *plans_dir;             /* claims only: --plans, one plan per claim */
    long long seed;                    /* -1 = from the config */
    bool strict;                       /* claims: exit 1 unless every claim holds */
    bool revalidate;                   /* apply validity.h's rules to the runs first */
    claims_metric_t metric;            /* --metric: throughput rules by rps or cpu */
    results_t results;
    report_t report;
    claims_t claims;
    json_t *claims_root;
} report_cli_t;

/* Parses argv (argv[0] = subcommand). with_outputs enables --out and
 * --summary-dir. Returns 0, or 2 after printing a usage error. */
int report_cli_parse(report_cli_t *cli, int argc, char **argv, int with_outputs);
/* Loads and computes everything. Returns 0, or 1 after printing the error. */
int report_cli_load(report_cli_t *cli, const char *prog);
void report_cli_free(report_cli_t *cli);

#endif
