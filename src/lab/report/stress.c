/* The summary's "Stress" section (report_stress.h). */
#include "lab/report/stress.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lab/results/stress_run.h"

static double num(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void row(FILE *f, const results_cell_t *c, const results_run_t *r, const json_t *s) {
    fprintf(f, "- %s / %s run %d: ", c->scenario, c->config, r->run);
    const char *kind = json_string_value(json_object_get(s, "kind"));
    if (kind && strcmp(kind, "spike") == 0) {
        double rec = num(s, "recovery_s");
        if (isnan(rec))
            fputs("not recovered", f);
        else
            fprintf(f, "recovered in %.0f s", rec);
        fprintf(f, " (p99 before %.2f ms, peak %.2f ms); %.0f dropped, %.0f late\n",
                num(s, "baseline_p99_ms"), num(s, "peak_p99_ms"), num(s, "dropped"),
                num(s, "late"));
        return;
    }
    const json_t *rss = json_object_get(s, "rss_mb_per_min"),
                 *p99 = json_object_get(s, "p99_ms_per_min");
    if (json_is_object(rss))
        fprintf(f, "RSS %+.3f MB/min [%+.3f, %+.3f]%s", num(rss, "slope"), num(rss, "lo"),
                num(rss, "hi"), json_is_true(json_object_get(s, "leak")) ? " LEAK?" : "");
    else
        fputs("RSS not sampled", f);
    if (json_is_object(p99))
        fprintf(f, "; p99 %+.3f ms/min [%+.3f, %+.3f]", num(p99, "slope"), num(p99, "lo"),
                num(p99, "hi"));
    fprintf(f, "; errors %.3f%%\n", 100 * num(s, "error_rate"));
}

void report_stress_md(FILE *f, const results_t *res) {
    size_t rows = 0;
    stress_opts_t o = {2, 3, -1, 0.95};
    for (size_t i = 0; i < res->ncells; i++) {
        const results_cell_t *c = &res->cells[i];
        if (strncmp(c->scenario, "stress/", 7) != 0)
            continue;
        for (size_t k = 0; k < c->nvalid; k++) {
            const results_run_t *r = c->valid[k];
            if (rows++ == 0)
                fputs("\n## Stress (spike recovery, soak drift; docs/stress.md)\n\n", f);
            char path[PATH_MAX], err[512];
            snprintf(path, sizeof path, "%s/raw/%s", res->dir, r->path);
            json_t *s = stress_analyze_run(path, r->root, &o, err, sizeof err);
            if (!s) {
                fprintf(f, "- %s / %s run %d: not measured (%s)\n", c->scenario, c->config, r->run,
                        err);
                continue;
            }
            row(f, c, r, s);
            json_decref(s);
        }
    }
}
