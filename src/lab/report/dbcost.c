/* Database cost per request (see report/dbcost.h). */
#include "lab/report/dbcost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

report_dbcost_t report_dbcost_of(const results_cell_t *c) {
    report_dbcost_t out = {NAN, NAN, NAN, 0};
    double *v[3];
    for (int k = 0; k < 3; k++)
        v[k] = xmalloc((c->nvalid ? c->nvalid : 1) * sizeof(double));
    if (!v[0] || !v[1] || !v[2])
        goto done;
    static const char *const field[3] = {"db.calls", "db.exec_ms", "db.rows"};
    for (size_t i = 0; i < c->nvalid; i++) {
        double reqs = results_json_number(c->valid[i]->summary, "metrics.http_reqs.count"), x[3];
        bool ok = reqs > 0;
        for (int k = 0; k < 3 && ok; k++)
            ok = !isnan(x[k] = results_json_number(c->valid[i]->root, field[k]));
        if (!ok)
            continue;
        for (int k = 0; k < 3; k++)
            v[k][out.runs] = x[k] / reqs;
        out.runs++;
    }
    out.calls = median(v[0], out.runs);
    out.ms = median(v[1], out.runs);
    out.rows = median(v[2], out.runs);
done:
    for (int k = 0; k < 3; k++)
        free(v[k]);
    return out;
}

int report_dbcost_table(const struct report *rep, const char *dir, char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "dbcost", err, errlen);
    if (!f)
        return -1;
    fputs("\\begin{tabular}{llrrrr}\n\\toprule\n"
          "Scenario & Configuration & Statements & DB time (ms) & Rows & Runs \\\\\n"
          " & & \\multicolumn{3}{c}{per request, median over valid runs} & \\\\\n\\midrule\n",
          f);
    size_t rows = 0;
    for (size_t i = 0; i < rep->ncells; i++) {
        const results_cell_t *c = rep->cells[i].cell;
        report_dbcost_t d = report_dbcost_of(c);
        if (d.runs == 0)
            continue;
        latex_escape(f, c->scenario);
        fputs(" & ", f);
        latex_escape(f, c->config);
        fputs(" & ", f);
        latex_num(f, d.calls);
        fputs(" & ", f);
        latex_num(f, d.ms);
        fputs(" & ", f);
        latex_num(f, d.rows);
        fprintf(f, " & %zu \\\\\n", d.runs);
        rows++;
    }
    if (rows == 0)
        fputs("\\multicolumn{6}{c}{not measured (no run recorded pg\\_stat\\_statements)} \\\\\n",
              f);
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    return report_table_close(f, dir, "dbcost", err, errlen);
}

void report_dbcost_md(FILE *f, const struct report *rep) {
    fputs("\n## Database cost per request (pg_stat_statements, median over valid runs)\n\n", f);
    size_t rows = 0;
    for (size_t i = 0; i < rep->ncells; i++) {
        const results_cell_t *c = rep->cells[i].cell;
        report_dbcost_t d = report_dbcost_of(c);
        if (d.runs == 0)
            continue;
        if (rows++ == 0)
            fputs("| scenario | config | statements/req | DB ms/req | rows/req | runs |\n"
                  "|---|---|---|---|---|---|\n",
                  f);
        char a[64], b[64], g[64];
        fprintf(f, "| %s | %s | %s | %s | %s | %zu |\n", c->scenario, c->config,
                latex_sig3(d.calls, a, sizeof a), latex_sig3(d.ms, b, sizeof b),
                latex_sig3(d.rows, g, sizeof g), d.runs);
    }
    if (rows == 0)
        fputs("none (no run recorded pg_stat_statements)\n", f);
}
