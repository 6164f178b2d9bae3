/* `benchlab report RESULTS_DIR`: statistics, LaTeX tables, macros, gnuplot
 * data and CSV/Markdown summaries (docs/report.md). */
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "lab/commands.h"
#include "lab/report/capacity_study.h"
#include "lab/report/cli.h"
#include "lab/study/attempts.h"

int cmd_report(int argc, char **argv) {
    report_cli_t cli;
    int rc = report_cli_parse(&cli, argc, argv, 1);
    if (rc != 0)
        return rc;
    rc = report_cli_load(&cli, "report");
    const results_t *r = &cli.results;
    if (rc == 0 && r->nruns == 0 && !report_has_capacity_runs(cli.results_dir)) {
        fprintf(stderr, "benchlab report: no runs under %s/raw (run `benchlab run` first)\n",
                cli.results_dir);
        rc = 1;
    }
    char err[1024], tables[4096], data[4096], macros[4096];
    snprintf(tables, sizeof tables, "%s/tables", cli.out_dir);
    snprintf(data, sizeof data, "%s/data", cli.out_dir);
    snprintf(macros, sizeof macros, "%s/macros.tex", cli.out_dir);
    if (rc == 0 && (fs_mkdirs(cli.out_dir, 0755) != 0)) {
        fprintf(stderr, "benchlab report: %s: cannot create\n", cli.out_dir);
        rc = 1;
    }
    if (rc == 0 && strcmp(cli.summary_dir, "none") != 0 && fs_mkdirs(cli.summary_dir, 0755) != 0) {
        fprintf(stderr, "benchlab report: %s: cannot create\n", cli.summary_dir);
        rc = 1;
    }
    /* the same claims judged on the point estimate alone, for the text */
    claims_t strict = {0};
    if (rc == 0 && claims_evaluate_metric(&strict, cli.claims_root, cli.claims_path, &cli.report,
                                          true, cli.metric, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab report: %s\n", err);
        rc = 1;
    }
    if (rc == 0 &&
        (report_write_tables(&cli.report, &cli.claims, tables, err, sizeof err) ||
         report_write_data(&cli.report, data, err, sizeof err) ||
         report_write_macros(&cli.report, &cli.claims, &strict, macros, err, sizeof err) ||
         report_write_capacity_study(&cli.report, cli.out_dir, macros, err, sizeof err) ||
         report_write_impl_versions(&cli.report, tables, err, sizeof err) ||
         (strcmp(cli.summary_dir, "none") != 0 &&
          report_write_summaries(&cli.report, &cli.claims, cli.summary_dir, err, sizeof err)))) {
        fprintf(stderr, "benchlab report: %s\n", err);
        rc = 1;
    }
    if (rc == 0) {
        size_t valid = 0, invalid = 0;
        for (size_t i = 0; i < r->ncells; i++)
            valid += r->cells[i].nvalid, invalid += r->cells[i].ninvalid;
        printf("report: %zu scenario x configuration cells, %zu valid runs, %zu invalid (listed, "
               "not averaged), %zu warm-up\n",
               r->ncells, valid, invalid, r->nwarmup);
        int attempts = study_attempts_count(cli.results_dir);
        if (attempts)
            printf("report: %d failed attempt(s) of the lab (%s/attempts.jsonl: not measurements, "
                   "in no statistic; listed in summary.md)\n",
                   attempts, cli.results_dir);
        printf("report: %zu comparisons; claims: %zu hold, %zu fail, %zu inconclusive, %zu not "
               "measured\n",
               cli.report.nratios, cli.claims.holds, cli.claims.fails, cli.claims.inconclusive,
               cli.claims.not_measured);
        printf("report: wrote %s/{tables,data,macros.tex}", cli.out_dir);
        if (strcmp(cli.summary_dir, "none") != 0)
            printf(" and %s/{summary.csv,comparisons.csv,summary.md}", cli.summary_dir);
        printf("\n");
    }
    claims_free(&strict);
    report_cli_free(&cli);
    return rc;
}
