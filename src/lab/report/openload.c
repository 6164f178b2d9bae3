/* Latency against offered load, open model at shares of capacity (see
 * report/openload.h). */
#include "lab/report/openload.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

typedef struct {
    const report_cell_t *c;
    double load, offered, capacity;
} ol_row_t;

static double median_param(const results_cell_t *c, const char *key) {
    double v[64];
    size_t n = 0;
    char path[64];
    snprintf(path, sizeof path, "params.%s", key);
    for (size_t i = 0; i < c->nvalid && n < 64; i++) {
        double x = results_json_number(c->valid[i]->root, path);
        if (isfinite(x))
            v[n++] = x;
    }
    if (n == 0)
        return NAN;
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of runs */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_row(const void *a, const void *b) {
    const ol_row_t *x = a, *y = b;
    int c = strcmp(x->c->cell->scenario, y->c->cell->scenario);
    if (!c)
        c = strcmp(x->c->implementation, y->c->implementation);
    if (!c)
        c = (x->load > y->load) - (x->load < y->load);
    return c;
}

/* The cells with valid "load" runs, sorted by scenario, implementation, load;
 * malloc'd (NULL and 0 when none). */
static ol_row_t *rows_of(const report_t *rep, size_t *n) {
    ol_row_t *rows = NULL;
    *n = 0;
    for (size_t i = 0; i < rep->ncells; i++) {
        const report_cell_t *c = &rep->cells[i];
        double load = c->cell->nvalid ? median_param(c->cell, "load_pct") : NAN;
        if (!(load > 0))
            continue;
        ol_row_t *grown = xrealloc(rows, (*n + 1) * sizeof *rows);
        if (!grown)
            break;
        rows = grown;
        rows[(*n)++] = (ol_row_t){c, load, median_param(c->cell, "rate"),
                                  median_param(c->cell, "capacity_rps")};
    }
    if (*n)
        qsort(rows, *n, sizeof *rows, cmp_row);
    return rows;
}

static bool same_block(const ol_row_t *a, const ol_row_t *b) {
    return !strcmp(a->c->cell->scenario, b->c->cell->scenario) &&
           !strcmp(a->c->implementation, b->c->implementation);
}

static void num(FILE *f, double x) {
    if (isfinite(x))
        fprintf(f, " %.6g", x);
    else
        fputs(" NaN", f);
}

/* "01-lightweight/c-ulfius": the scenario without its family, the implementation */
static void block_title(FILE *f, const ol_row_t *r) {
    const char *s = strchr(r->c->cell->scenario, '/');
    fprintf(f, "%s/%s", s ? s + 1 : r->c->cell->scenario,
            *r->c->implementation ? r->c->implementation : r->c->cell->config);
}

int report_openload_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    size_t n;
    ol_row_t *rows = rows_of(rep, &n);
    char path[4096];
    snprintf(path, sizeof path, "%s/open-load.dat", dir);
    FILE *f = fopen(path, "w");
    snprintf(path, sizeof path, "%s/open-load.meta", dir);
    FILE *m = fopen(path, "w");
    if (!f || !m) {
        if (f)
            fclose(f);
        if (m)
            fclose(m);
        free(rows);
        snprintf(err, errlen, "%s/open-load.{dat,meta}: cannot write", dir);
        return -1;
    }
    fputs("# load_pct offered_rps achieved_rps p50_ms p99_ms p999_ms; one block per scenario x "
          "implementation\n",
          f);
    size_t blocks = 0;
    fputs("ol_titles = \"", m);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !same_block(&rows[i - 1], &rows[i])) {
            if (i)
                fputs("\n\n", f);
            fprintf(f, "# ");
            block_title(f, &rows[i]);
            fputs("\n", f);
            if (blocks++)
                fputc(' ', m);
            block_title(m, &rows[i]);
        }
        num(f, rows[i].load);
        num(f, rows[i].offered);
        num(f, rows[i].c->rps.median);
        num(f, rows[i].c->pct_ms[0]);
        num(f, rows[i].c->pct_ms[3]);
        num(f, rows[i].c->pct_ms[4]);
        fputc('\n', f);
    }
    fprintf(m, "\"\nol_n = %zu\n", blocks);
    free(rows);
    int bad = fclose(f) != 0;
    bad |= fclose(m) != 0;
    snprintf(path, sizeof path, "%s/open-load.nodata", dir);
    if (blocks)
        unlink(path);
    else if ((m = fopen(path, "w"))) {
        fputs("no valid open-model run at a share of capacity (plan key load)\n", m);
        bad |= fclose(m) != 0;
    } else
        bad = 1;
    if (bad) {
        snprintf(err, errlen, "%s/open-load.*: write failed", dir);
        return -1;
    }
    return 0;
}

int report_openload_table(const report_t *rep, const char *dir, char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "open-load", err, errlen);
    if (!f)
        return -1;
    fputs("\\begin{tabular}{llrrrrrrr}\n\\toprule\n"
          "Scenario & Implementation & Load & Offered & Achieved & Runs & p50 & p99 & p99.9 \\\\\n"
          " & & (\\% of closed) & \\multicolumn{2}{c}{req/s (median)} & valid/all & "
          "\\multicolumn{3}{c}{ms, merged runs} \\\\\n\\midrule\n",
          f);
    size_t n;
    ol_row_t *rows = rows_of(rep, &n);
    for (size_t i = 0; i < n; i++) {
        const ol_row_t *r = &rows[i];
        latex_escape(f, r->c->cell->scenario);
        fputs(" & ", f);
        latex_escape(f, *r->c->implementation ? r->c->implementation : r->c->cell->config);
        fputs(" & ", f);
        latex_num(f, r->load);
        fputs(" & ", f);
        latex_num(f, r->offered);
        fputs(" & ", f);
        latex_num(f, r->c->rps.median);
        fprintf(f, " & %zu/%zu", r->c->cell->nvalid, r->c->cell->nvalid + r->c->cell->ninvalid);
        for (int k = 0; k < 5; k += k == 0 ? 3 : 1) { /* p50, p99, p99.9 */
            fputs(" & ", f);
            latex_num(f, r->c->pct_ms[k]);
        }
        fputs(" \\\\\n", f);
    }
    if (n == 0)
        fputs("\\multicolumn{9}{c}{not measured (no open-model run at a share of capacity)} \\\\\n",
              f);
    free(rows);
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    return report_table_close(f, dir, "open-load", err, errlen);
}

void report_openload_md(FILE *f, const report_t *rep) {
    fputs("\n## Open model at shares of the closed-model capacity\n\n", f);
    size_t n;
    ol_row_t *rows = rows_of(rep, &n);
    if (n == 0)
        fputs("none (no open-model run at a share of capacity: plan open-model)\n", f);
    else
        fputs("| scenario | implementation | load % | offered req/s | achieved req/s | valid/all | "
              "p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|---|---|---|\n",
              f);
    for (size_t i = 0; i < n; i++) {
        const ol_row_t *r = &rows[i];
        char a[64], b[64], c[64], d[64], e[64], g[64];
        fprintf(f, "| %s | %s | %s | %s | %s | %zu/%zu | %s | %s | %s |\n", r->c->cell->scenario,
                *r->c->implementation ? r->c->implementation : r->c->cell->config,
                latex_sig3(r->load, a, sizeof a), latex_sig3(r->offered, b, sizeof b),
                latex_sig3(r->c->rps.median, c, sizeof c), r->c->cell->nvalid,
                r->c->cell->nvalid + r->c->cell->ninvalid, latex_sig3(r->c->pct_ms[0], d, sizeof d),
                latex_sig3(r->c->pct_ms[3], e, sizeof e), latex_sig3(r->c->pct_ms[4], g, sizeof g));
    }
    free(rows);
}

void report_openload_macros(FILE *f, const report_t *rep) {
    size_t n, runs = 0, impls = 0;
    ol_row_t *rows = rows_of(rep, &n);
    double lo = NAN, hi = NAN;
    for (size_t i = 0; i < n; i++) {
        const ol_row_t *r = &rows[i];
        const char *impl = *r->c->implementation ? r->c->implementation : r->c->cell->config;
        runs += r->c->cell->nvalid;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(rows[j].c->implementation, r->c->implementation);
        impls += !seen;
        if (isnan(lo) || r->load < lo)
            lo = r->load;
        if (isnan(hi) || r->load > hi)
            hi = r->load;
        const struct {
            const char *k;
            double v;
        } keys[] = {{"p50", r->c->pct_ms[0]},
                    {"p99", r->c->pct_ms[3]},
                    {"p999", r->c->pct_ms[4]},
                    {"offered", r->offered},
                    {"achieved", r->c->rps.median}};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            fprintf(f, "\\blset{ol/%s/%s/%g/%s}{", r->c->cell->scenario, impl, r->load, keys[k].k);
            latex_num(f, keys[k].v);
            fputs("}\n", f);
        }
    }
    fprintf(f, "\\blset{ol/cells}{%zu}\n\\blset{ol/runs}{%zu}\n\\blset{ol/summary}{", n, runs);
    if (n == 0)
        fputs("This results set has no open-model runs at a share of the closed-model capacity "
              "(the \\texttt{open-model} plan makes them), so this section has no numbers.",
              f);
    else
        fprintf(f,
                "%zu valid open-model runs over %zu cells (%zu implementations) at "
                "\\SIrange{%g}{%g}{\\percent} of the closed-model capacity the same study "
                "measured.",
                runs, n, impls, lo, hi);
    fputs("}\n", f);
    if (n) /* main.tex: \newif\ifblopenload; the section quotes numbers only then */
        fputs("\\blopenloadtrue\n", f);
    free(rows);
}
