/* Service demand in the report: CPU microseconds per request of the server,
 * PostgreSQL and Redis boxes (results/demand.h), per cell with the
 * distribution-free interval of its median. Columns of the CSV/Markdown
 * summaries and of the summary table, the headline's second table
 * (tables/headline-cpu.tex), its figure data (data/headline-cpu.dat) and the
 * hl-cpu/... macros. A cell whose runs have no box statistics (unboxed runs
 * before the field existed, or a backend that cannot read them) says "n/a". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/report/latex.h"
#include "lab/report/report.h"
#include "lab/results/demand.h"

/* ---- CSV / Markdown / summary table ------------------------------------- */

void report_demand_csv_header(FILE *f) {
    for (int b = 0; b < DEMAND_NBOXES; b++)
        fprintf(f, ",%s_cpu_us_per_request,%s_cpu_us_ci_lo,%s_cpu_us_ci_hi", demand_boxes[b],
                demand_boxes[b], demand_boxes[b]);
}

static void csv_num(FILE *f, double x) {
    if (isfinite(x))
        fprintf(f, ",%.6g", x);
    else
        fputs(",", f);
}

void report_demand_csv_cols(FILE *f, const report_cell_t *c) {
    for (int b = 0; b < DEMAND_NBOXES; b++) {
        const stats_summary_t *s = c ? &c->cpu_us[b] : NULL;
        csv_num(f, s ? s->median : NAN);
        csv_num(f, s ? s->median_ci.lo : NAN);
        csv_num(f, s ? s->median_ci.hi : NAN);
    }
}

/* "12.3 [11.9, 12.8]" or "n/a" into buf (plain text, for Markdown). */
const char *report_demand_text(const stats_summary_t *s, char *buf, size_t len) {
    if (s->n == 0 || !isfinite(s->median)) {
        snprintf(buf, len, "n/a");
        return buf;
    }
    char a[64], b[64], c[64];
    latex_sig3(s->median, a, sizeof a);
    if (isfinite(s->median_ci.lo) && isfinite(s->median_ci.hi))
        snprintf(buf, len, "%s [%s, %s]", a, latex_sig3(s->median_ci.lo, b, sizeof b),
                 latex_sig3(s->median_ci.hi, c, sizeof c));
    else
        snprintf(buf, len, "%s", a);
    return buf;
}

/* A LaTeX cell: the median, or "n/a" in italics. */
void report_demand_tex(FILE *f, const stats_summary_t *s) {
    if (s->n == 0 || !isfinite(s->median))
        fputs("\\textit{n/a}", f);
    else
        latex_num(f, s->median);
}

/* ---- the headline's CPU table and figure data ----------------------------- */

static void value_ci(FILE *f, const report_cell_t *c) {
    if (!c) {
        fputs("\\textit{not measured}", f);
        return;
    }
    const stats_summary_t *s = &c->cpu_us[0];
    if (s->n == 0 || !isfinite(s->median)) {
        fputs("\\textit{not available}", f);
        return;
    }
    latex_num(f, s->median);
    if (isfinite(s->median_ci.lo) && isfinite(s->median_ci.hi)) {
        fputs(" [", f);
        latex_num(f, s->median_ci.lo);
        fputs(", ", f);
        latex_num(f, s->median_ci.hi);
        fputs("]", f);
    }
}

/* tables/headline-cpu.tex: per headline scenario and implementation, the
 * server box's CPU us per request (median [interval]), and the database's
 * (PostgreSQL + Redis medians) where the scenario uses them. */
int report_write_headline_cpu(const report_t *rep, const char *dir, char *err, size_t errlen) {
    report_headline_t hl;
    if (report_headline_compute(rep, &hl, err, errlen) != 0)
        return -1;
    FILE *f = report_table_open(dir, "headline-cpu", err, errlen);
    if (!f) {
        report_headline_free(&hl);
        return -1;
    }
    size_t ni = hl.nimpls;
    fputs("\\begin{tabular}{l", f);
    for (size_t k = 0; k < 2 * ni; k++)
        fputs(k < ni ? "l" : "r", f);
    fprintf(f,
            "}\n\\toprule\n & \\multicolumn{%zu}{c}{Server box: CPU \\si{\\micro\\second} per "
            "request, median [%g\\,\\%% CI]} & \\multicolumn{%zu}{c}{PostgreSQL + Redis boxes: "
            "CPU \\si{\\micro\\second} per request} \\\\\n\\cmidrule(lr){2-%zu}"
            "\\cmidrule(lr){%zu-%zu}\nScenario",
            ni, rep->cfg.level * 100, ni, 1 + ni, 2 + ni, 1 + 2 * ni);
    for (size_t rep2 = 0; rep2 < 2; rep2++)
        for (size_t k = 0; k < ni; k++) {
            fputs(" & ", f);
            latex_escape(f, hl.impls[k].label);
        }
    fputs(" \\\\\n\\midrule\n", f);
    for (size_t i = 0; i < hl.nrows; i++) {
        const report_hl_row_t *r = &hl.rows[i];
        latex_escape(f, r->label);
        for (size_t k = 0; k < ni; k++) {
            fputs(" & ", f);
            value_ci(f, r->cells[k]);
        }
        for (size_t k = 0; k < ni; k++) {
            const report_cell_t *c = r->cells[k];
            fputs(" & ", f);
            double db = NAN;
            if (c && c->cpu_us[1].n)
                db = c->cpu_us[1].median;
            if (c && c->cpu_us[2].n)
                db = (isnan(db) ? 0 : db) + c->cpu_us[2].median;
            if (isfinite(db))
                latex_num(f, db);
            else
                fputs(c ? "\\textit{n/a}" : "--", f);
        }
        fputs(" \\\\\n", f);
    }
    if (hl.nrows == 0)
        fprintf(f, "\\multicolumn{%zu}{c}{no headline scenarios configured} \\\\\n", 1 + 2 * ni);
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    report_headline_free(&hl);
    return report_table_close(f, dir, "headline-cpu", err, errlen);
}

static void quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++)
        if (*s != '"')
            fputc(*s, f);
    fputc('"', f);
}

/* data/headline-cpu.dat (+ .meta "hc_nimpl = N"): per headline scenario, per
 * implementation with at least one value, median and interval of the server
 * box's CPU us per request; headline-cpu.nodata when no run has box statistics. */
int report_write_headline_cpu_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    report_headline_t hl;
    if (report_headline_compute(rep, &hl, err, errlen) != 0)
        return -1;
    size_t shown[REPORT_HL_MAX_IMPL], ns = 0;
    for (size_t k = 0; k < hl.nimpls; k++) {
        bool any = false;
        for (size_t i = 0; i < hl.nrows; i++)
            any = any || (hl.rows[i].cells[k] && hl.rows[i].cells[k]->cpu_us[0].n > 0);
        if (any)
            shown[ns++] = k;
    }
    char path[4096], meta[4096], nodata[4096];
    snprintf(path, sizeof path, "%s/headline-cpu.dat", dir);
    snprintf(meta, sizeof meta, "%s/headline-cpu.meta", dir);
    snprintf(nodata, sizeof nodata, "%s/headline-cpu.nodata", dir);
    FILE *f = fopen(path, "w"), *m = fopen(meta, "w");
    bool ok = f && m;
    if (ok) {
        fputs("idx label", f);
        for (size_t s = 0; s < ns; s++) {
            fputs(" ", f);
            quoted(f, hl.impls[shown[s]].label);
            fputs(" lo hi", f);
        }
        fputs("\n", f);
        for (size_t i = 0; i < hl.nrows; i++) {
            fprintf(f, "%zu ", i);
            quoted(f, hl.rows[i].label);
            for (size_t s = 0; s < ns; s++) {
                const report_cell_t *c = hl.rows[i].cells[shown[s]];
                const stats_summary_t *x = c ? &c->cpu_us[0] : NULL;
                double v[3] = {x && x->n ? x->median : NAN, x && x->n ? x->median_ci.lo : NAN,
                               x && x->n ? x->median_ci.hi : NAN};
                for (int j = 0; j < 3; j++)
                    fprintf(f, isfinite(v[j]) ? " %.6g" : " NaN", v[j]);
            }
            fputs("\n", f);
        }
        fprintf(m, "hc_nimpl = %zu\n", ns);
    }
    if (f && fclose(f) != 0)
        ok = false;
    if (m && fclose(m) != 0)
        ok = false;
    report_headline_free(&hl);
    if (!ok) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    if (ns > 0) {
        unlink(nodata);
        return 0;
    }
    FILE *n = fopen(nodata, "w");
    if (n)
        fputs("no headline run has box statistics (service demand not available)\n", n);
    if (!n || fclose(n) != 0) {
        snprintf(err, errlen, "%s: cannot write", nodata);
        return -1;
    }
    return 0;
}

/* ---- macros ---------------------------------------------------------------- */

/* hl-cpu/<row>/<impl> (median), -lo, -hi: the server box's CPU us per request;
 * demand/cells (cells with a value) and demand/available ("yes"/"no"). */
void report_demand_keys(FILE *f, const report_t *rep) {
    size_t with = 0;
    for (size_t i = 0; i < rep->ncells; i++)
        with += rep->cells[i].cpu_us[0].n > 0;
    fprintf(f, "\\blset{demand/cells}{\\num{%zu}}\n", with);
    fprintf(f, "\\blset{demand/available}{%s}\n", with ? "yes" : "no");
    report_headline_t hl;
    char err[256];
    if (report_headline_compute(rep, &hl, err, sizeof err) != 0)
        return;
    for (size_t i = 0; i < hl.nrows; i++)
        for (size_t k = 0; k < hl.nimpls; k++) {
            const report_cell_t *c = hl.rows[i].cells[k];
            if (!c || c->cpu_us[0].n == 0)
                continue; /* the paper prints n/m */
            const char *sfx[3] = {"", "-lo", "-hi"};
            double v[3] = {c->cpu_us[0].median, c->cpu_us[0].median_ci.lo,
                           c->cpu_us[0].median_ci.hi};
            for (int j = 0; j < 3; j++) {
                fprintf(f, "\\blset{hl-cpu/%s/%s%s}{", hl.rows[i].id, hl.impls[k].id, sfx[j]);
                latex_num(f, v[j]);
                fputs("}\n", f);
            }
        }
    report_headline_free(&hl);
}

/* ---- claims judged by CPU us per request ------------------------------------ */

bool report_demand_ratio(const report_t *rep, const report_ratio_t *r, report_ratio_t *out) {
    if (r->num.kind != METRIC_RPS || r->den.kind != METRIC_RPS || r->num.group || r->den.group)
        return false;
    *out = *r;
    metric_spec_t n = r->num, d = r->den;
    n.kind = d.kind = METRIC_CPU_US;
    n.box = d.box = "server";
    /* cheaper numerator = faster: den's CPU per request over num's */
    double *a = metric_values(&d, rep->results, rep->cfg.default_config, &out->nden, NULL);
    double *b = metric_values(&n, rep->results, rep->cfg.default_config, &out->nnum, NULL);
    size_t index = (size_t)(r - rep->ratios);
    out->ratio = stats_ratio_interval(a, out->nden, b, out->nnum, rep->cfg.level, rep->cfg.min_runs,
                                      rep->cfg.resamples, rep->cfg.seed + 100000 + index, &out->ci);
    free(a);
    free(b);
    return true;
}
