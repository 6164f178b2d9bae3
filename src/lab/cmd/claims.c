/* `benchlab claims RESULTS_DIR`: which claims of the original study hold on
 * these results, judged on intervals (claims.h): holds, fails, inconclusive
 * or not measured, with our number, its interval, coverage and run count.
 * Exit 0 when none fails (--strict: when all hold), 1 otherwise (or on error). */
#include <stdbool.h>
#include <stdio.h>

#include "lab/commands.h"
#include "lab/report/claim_plans.h"
#include "lab/report/cli.h"
#include "lab/study/study.h"

int cmd_claims(int argc, char **argv) {
    report_cli_t cli;
    int rc = report_cli_parse(&cli, argc, argv, 0);
    if (rc != 0)
        return rc;
    rc = report_cli_load(&cli, "claims");
    if (rc == 0) {
        if (cli.results.nruns == 0)
            printf("no runs under %s/raw: nothing is measured\n", cli.results_dir);
        for (size_t i = 0; i < cli.claims.n; i++) {
            const claim_result_t *c = &cli.claims.items[i];
            printf("%-13s %-22s %s\n", claim_status_name(c->status), c->id, c->claim);
            printf("%-13s %-22s theirs: %s | ours: %s\n", "", "", c->their, c->ours);
        }
        printf("judged by: %s\n",
               cli.metric == CLAIMS_METRIC_CPU
                   ? "cpu (throughput rules: the server box's CPU us per request, marked "
                     "\"(cpu)\"; other rules by their own metric)"
                   : "rps (throughput rules: median requests/s; --metric cpu judges them by "
                     "CPU us per request)");
        printf("claims: %zu hold, %zu fail, %zu inconclusive, %zu not measured (of %zu); judged "
               "on intervals: holds/fails when the whole interval is on one side of the "
               "threshold\n",
               cli.claims.holds, cli.claims.fails, cli.claims.inconclusive, cli.claims.not_measured,
               cli.claims.n);
        rc = cli.claims.fails > 0 || (cli.strict && cli.claims.holds != cli.claims.n) ? 1 : 0;
        if (cli.plans_dir) {
            char err[4200], scenarios[4096];
            bool found = study_find_scenarios(scenarios, sizeof scenarios) == 0;
            int n = claim_plans_write(&cli.claims, cli.results_dir, found ? scenarios : NULL,
                                      cli.plans_dir, err, sizeof err);
            if (n < 0) {
                fprintf(stderr, "benchlab claims: %s\n", err);
                rc = 1;
            } else {
                printf("plans: %d written to %s (claim-<id>.json; benchlab run FILE re-measures "
                       "one claim)\n",
                       n, cli.plans_dir);
            }
        }
    }
    report_cli_free(&cli);
    return rc;
}
