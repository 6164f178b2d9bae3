/* The summary's "Driver-bound runs" section (docs/study.md, "Driver calibration"). */
#include "lab/report/driver_bound.h"

#include <math.h>
#include <stdio.h>

void report_driver_bound_md(FILE *f, const results_t *res) {
    fputs("\n## Driver-bound runs (lower bounds for the server)\n\n", f);
    json_t *cal = res->manifest ? json_object_get(res->manifest, "driver_calibration") : NULL;
    double ceiling = json_number_value(json_object_get(cal, "ceiling_rps"));
    if (!(ceiling > 0)) {
        fputs("no driver calibration in this study\n", f);
        return;
    }
    fprintf(f, "driver ceiling %.0f req/s; flagged above %.0f%% of it\n\n", ceiling,
            100 * json_number_value(json_object_get(cal, "bound_fraction")));
    size_t rows = 0;
    for (size_t i = 0; i < res->ncells; i++) {
        const results_cell_t *c = &res->cells[i];
        for (size_t k = 0; k < c->nvalid; k++) {
            if (!json_is_true(json_object_get(c->valid[k]->root, "driver_bound")))
                continue;
            double rps = results_json_number(c->valid[k]->root, "summary.metrics.http_reqs.rate");
            fprintf(f, "- %s / %s run %d: %.0f req/s\n", c->scenario, c->config, c->valid[k]->run,
                    isnan(rps) ? 0.0 : rps);
            rows++;
        }
    }
    if (rows == 0)
        fputs("none\n", f);
}

size_t report_cell_driver_bound(const results_cell_t *c) {
    size_t n = 0;
    for (size_t k = 0; c && k < c->nvalid; k++)
        n += json_is_true(json_object_get(c->valid[k]->root, "driver_bound"));
    return n;
}

void report_driver_bound_mark(FILE *f, const results_cell_t *c) {
    if (report_cell_driver_bound(c) > 0)
        fputs("\\textsuperscript{\\dag}", f);
}

void report_driver_bound_macros(FILE *f, const results_t *res) {
    size_t runs = 0;
    for (size_t i = 0; i < res->ncells; i++)
        runs += report_cell_driver_bound(&res->cells[i]);
    json_t *cal = res->manifest ? json_object_get(res->manifest, "driver_calibration") : NULL;
    double ceiling = json_number_value(json_object_get(cal, "ceiling_rps")),
           fraction = json_number_value(json_object_get(cal, "bound_fraction"));
    fprintf(f, "\\blset{driver-bound/runs}{%zu}\n\\blset{driver-bound/note}{", runs);
    if (runs > 0 && ceiling > 0)
        fprintf(f,
                "\\textsuperscript{\\dag}\\,Driver-bound: a valid run of this cell ran above "
                "\\SI{%.0f}{\\percent} of the driver's calibrated ceiling (\\num{%.0f} req/s), so "
                "its throughput is a lower bound for the server, not a measurement of it.",
                100 * fraction, ceiling);
    fputs("}\n", f);
}
