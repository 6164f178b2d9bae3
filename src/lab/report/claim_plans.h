/* One plan per claim (`benchlab claims RESULTS --plans DIR`): DIR/claim-<id>.json
 * holds exactly the cells (scenario, configuration) the claim's rules read in
 * a results set, one entry each with the parameters its runs had (from their
 * run files: implementation, runs, VUs, duration, warm-up, rate, threading,
 * workers, server CPUs, pool, minimum requests), so `benchlab run
 * claim-<id>.json` re-measures that claim alone. A claim nothing measured
 * gets no file. scenarios_dir (may be NULL): where the scenario files are,
 * so a cell of a scenario since cut into one file per variant names them
 * all ("S@*"). */
#ifndef BENCHLAB_LAB_REPORT_CLAIM_PLANS_H
#define BENCHLAB_LAB_REPORT_CLAIM_PLANS_H

#include <jansson.h>
#include <stddef.h>

#include "lab/report/claims.h"

/* The plan of one claim (NULL when it read no cell). */
json_t *claim_plan_json(const claim_result_t *c, const char *results_dir,
                        const char *scenarios_dir);
/* Writes every claim's plan into dir (created). Returns how many were
 * written, or -1 with a message in err. */
int claim_plans_write(const claims_t *claims, const char *results_dir, const char *scenarios_dir,
                      const char *dir, char *err, size_t errlen);

#endif
