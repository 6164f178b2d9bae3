/* The original study's claims as rules over our results (paper/claims.json):
 *   {"claims": [{"id": "cursor", "claim": "text", "their": "1.7x (p95 34 vs 60 ms)",
 *                "rules": [{"comparison": "pagination", "op": ">=", "threshold": 1.3}]}]}
 * A rule names a comparison id, a value id (both from paper/comparisons.json)
 * or "comparisons_prefix" (every comparison whose id starts with it must pass).
 * "their_published": {"num": "01", "den": "02"} or {"value": "05"} computes the
 * study's number from paper/published-study.json instead of "their".
 * Each rule is judged on its interval (the ratio's, or the median's for a
 * value; report/coverage.h says which and what it covers): holds when the
 * whole interval is on the claimed side of the threshold, fails when the
 * whole interval is on the other side, inconclusive when it straddles the
 * threshold (or there is no interval: too few runs). A claim is not measured
 * when a rule lacks data, else fails when a rule fails, else is inconclusive
 * when a rule is, else holds. */
#ifndef BENCHLAB_LAB_CLAIMS_H
#define BENCHLAB_LAB_CLAIMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab/report/report.h"

typedef enum { CLAIM_HOLDS, CLAIM_FAILS, CLAIM_NOT_MEASURED, CLAIM_INCONCLUSIVE } claim_status_t;

typedef struct claim_result {
    char *id, *claim, *their, *ours; /* ours: plain text, e.g.
                                        "1.82x [1.61, 2.05] (96.8 %, 5/5 runs)" */
    claim_status_t status;
    const results_cell_t **cells; /* the cells its rules read (for the artifact table) */
    size_t ncells;
} claim_result_t;

typedef struct claims {
    claim_result_t *items;
    size_t n;
    size_t holds, fails, not_measured, inconclusive;
} claims_t;

/* Evaluates every claim of `root` (the parsed claims file; `path` for messages)
 * against a computed report. Unknown comparison/value ids and malformed rules
 * are errors (-1 with a message). */
int claims_evaluate(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                    char *err, size_t errlen);
/* point_only: the old two-valued judgement on the point estimate alone (a
 * rule holds when the estimate is on the claimed side, else fails), kept so
 * the paper can say how many claims that would have let hold. */
int claims_evaluate_opts(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                         bool point_only, char *err, size_t errlen);
/* Which metric judges a throughput rule (a comparison of requests/s on both
 * sides, whole runs): CLAIMS_METRIC_RPS the ratio of median requests/s,
 * CLAIMS_METRIC_CPU the same question asked of the service demand, the ratio
 * den/num of the server box's CPU us per request (a higher value still means
 * the numerator is the faster one). Other rules keep their own metric. A cell
 * without box statistics makes a CPU-judged rule "not measured". A CPU-judged
 * rule is three-valued on its own interval (report_demand_ratio), like any other. */
typedef enum { CLAIMS_METRIC_RPS, CLAIMS_METRIC_CPU } claims_metric_t;
int claims_evaluate_metric(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                           bool point_only, claims_metric_t metric, char *err, size_t errlen);
/* "rps" or "cpu"; claims_metric_parse gives -1 for anything else. */
const char *claims_metric_name(claims_metric_t m);
int claims_metric_parse(const char *s, claims_metric_t *m);
void claims_free(claims_t *c);
/* "holds", "fails", "inconclusive", "not measured" */
const char *claim_status_name(claim_status_t s);

#endif
