/* paper/generated/tables/headline.tex and headline-ratios.tex: the
 * implementations measured here side by side, the study's published numbers
 * beside them (another machine), and the ranking against the study's. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lab/report/driver_bound.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

/* "value [lo, hi]", or "not measured" when there is no value. */
static void value_ci(FILE *f, double v, double lo, double hi) {
    if (!isfinite(v)) {
        fputs("\\textit{not measured}", f);
        return;
    }
    latex_num(f, v);
    if (isfinite(lo) && isfinite(hi)) {
        fputs(" [", f);
        latex_num(f, lo);
        fputs(", ", f);
        latex_num(f, hi);
        fputs("]", f);
    }
}

/* A \midrule between scenario families (the part of the name before '/'). */
static void family_rule(FILE *f, const report_headline_t *hl, size_t i) {
    if (i == 0)
        return;
    const char *a = hl->rows[i - 1].scenario, *b = hl->rows[i].scenario;
    const char *sa = strchr(a, '/'), *sb = strchr(b, '/');
    size_t la = sa ? (size_t)(sa - a) : strlen(a), lb = sb ? (size_t)(sb - b) : strlen(b);
    if (la != lb || strncmp(a, b, la) != 0)
        fputs("\\midrule\n", f);
}

/* The implementations measured in some row (all when none is: the table
 * then says so in every cell); the others are named below the table. */
static size_t shown_impls(const report_headline_t *hl, size_t *shown) {
    size_t ns = 0;
    for (size_t k = 0; k < hl->nimpls; k++) {
        bool measured = false;
        for (size_t i = 0; i < hl->nrows; i++)
            measured = measured || hl->rows[i].cells[k];
        if (measured)
            shown[ns++] = k;
    }
    if (ns == 0)
        for (; ns < hl->nimpls; ns++)
            shown[ns] = ns;
    return ns;
}

/* One row per scenario with the medians and the published numbers, and
 * under it the medians' intervals (a cell of its own: six implementations
 * side by side fit the page without a smaller font). */
static int headline_table(const report_t *rep, const report_headline_t *hl, const char *dir,
                          char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "headline", err, errlen);
    if (!f)
        return -1;
    json_t *impls = json_object_get(rep->published, "implementations");
    json_t *machine = json_object_get(rep->published, "machine");
    size_t shown[REPORT_HL_MAX_IMPL];
    size_t ni = shown_impls(hl, shown), np = json_array_size(impls);
    fputs("\\begin{tabular}{l", f);
    for (size_t k = 0; k < ni; k++)
        fputs("r", f);
    for (size_t k = 0; k < np; k++)
        fputs("r", f);
    fprintf(f,
            "}\n\\toprule\n & \\multicolumn{%zu}{c}{Measured here: req/s, median, "
            "[%g\\,\\%% CI] below}",
            ni, rep->cfg.level * 100);
    if (np) {
        fprintf(f, " & \\multicolumn{%zu}{c}{Published, other machine (", np);
        latex_escape(f, json_is_string(machine) ? json_string_value(machine) : "unknown");
        fputs("), RPS}", f);
    }
    fprintf(f, " \\\\\n\\cmidrule(lr){2-%zu}", 1 + ni);
    if (np)
        fprintf(f, "\\cmidrule(lr){%zu-%zu}", 2 + ni, 1 + ni + np);
    fputs("\nScenario", f);
    for (size_t k = 0; k < ni; k++) {
        fputs(" & ", f);
        latex_escape(f, hl->impls[shown[k]].label);
    }
    for (size_t k = 0; k < np; k++) {
        fputs(" & ", f);
        latex_escape(f, json_string_value(json_array_get(impls, k)));
    }
    fputs(" \\\\\n\\midrule\n", f);
    for (size_t i = 0; i < hl->nrows; i++) {
        const report_hl_row_t *r = &hl->rows[i];
        family_rule(f, hl, i);
        latex_escape(f, r->label);
        bool any_ci = false;
        for (size_t k = 0; k < ni; k++) {
            const report_cell_t *c = r->cells[shown[k]];
            fputs(" & ", f);
            value_ci(f, c ? c->rps.median : NAN, NAN, NAN);
            if (c)
                report_driver_bound_mark(f, c->cell); /* a lower bound: driver_bound.h */
            any_ci =
                any_ci || (c && isfinite(c->rps.median_ci.lo) && isfinite(c->rps.median_ci.hi));
        }
        const json_t *row = report_published_row(rep, r->published);
        if (np && !row) {
            fprintf(f, " & \\multicolumn{%zu}{c}{\\textit{not in the study's table}}", np);
        } else {
            for (size_t k = 0; k < np; k++) {
                json_t *v = json_array_get(json_object_get(row, "rps"), k);
                fputs(" & ", f);
                if (json_is_number(v))
                    fprintf(f, "\\num{%.0f}", json_number_value(v)); /* whole RPS as published */
                else
                    fputs("--", f);
            }
        }
        fputs(" \\\\\n", f);
        if (!any_ci)
            continue;
        for (size_t k = 0; k < ni; k++) {
            const report_cell_t *c = r->cells[shown[k]];
            fputs(" & ", f);
            if (c && isfinite(c->rps.median_ci.lo) && isfinite(c->rps.median_ci.hi)) {
                fputs("[", f);
                latex_num(f, c->rps.median_ci.lo);
                fputs(", ", f);
                latex_num(f, c->rps.median_ci.hi);
                fputs("]", f);
            }
        }
        for (size_t k = 0; k < np; k++)
            fputs(" &", f);
        fputs(" \\\\\n", f);
    }
    if (hl->nrows == 0)
        fprintf(f, "\\multicolumn{%zu}{c}{no headline scenarios configured} \\\\\n", 1 + ni + np);
    if (ni < hl->nimpls) {
        fprintf(f, "\\midrule\n\\multicolumn{%zu}{l}{\\textit{not measured} in this results set:",
                1 + ni + np);
        for (size_t k = 0, n = 0, j = 0; k < hl->nimpls; k++) {
            while (j < ni && shown[j] < k)
                j++;
            if (j < ni && shown[j] == k)
                continue;
            fputs(n++ ? ", " : " ", f);
            latex_escape(f, hl->impls[k].label);
        }
        fputs("} \\\\\n", f);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    return report_table_close(f, dir, "headline", err, errlen);
}

static int ratios_table(const report_t *rep, const report_headline_t *hl, const char *dir,
                        char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "headline-ratios", err, errlen);
    if (!f)
        return -1;
    json_t *ratios = results_json_path(rep->cfg.root, "headline.ratios");
    size_t nr = json_array_size(ratios);
    bool pair = hl->pair_a >= 0;
    fputs("\\begin{tabular}{l", f);
    for (size_t k = 0; k < nr; k++)
        fputs("l", f);
    fputs(pair ? "lll}\n\\toprule\n" : "l}\n\\toprule\n", f);
    fprintf(f, " & \\multicolumn{%zu}{c}{Throughput ratio, measured here [bootstrap %g\\,\\%% CI]}",
            nr, rep->cfg.level * 100);
    fputs(" & \\multicolumn{1}{c}{Ranking}", f);
    if (pair) {
        fputs(" & \\multicolumn{2}{c}{", f);
        latex_escape(f, hl->impls[hl->pair_a].label);
        fputs(" vs ", f);
        latex_escape(f, hl->impls[hl->pair_b].label);
        fputs(" in the study}", f);
    }
    fputs(" \\\\\n", f);
    if (nr)
        fprintf(f, "\\cmidrule(lr){2-%zu}", 1 + nr);
    if (pair)
        fprintf(f, "\\cmidrule(lr){%zu-%zu}", 3 + nr, 4 + nr);
    fputs("\nScenario", f);
    const report_hl_impl_t *num[64] = {0}, *den[64] = {0};
    for (size_t k = 0; k < nr && k < 64; k++) {
        json_t *e = json_array_get(ratios, k);
        for (size_t j = 0; j < hl->nimpls; j++) {
            if (!strcmp(hl->impls[j].id, json_string_value(json_object_get(e, "num"))))
                num[k] = &hl->impls[j];
            if (!strcmp(hl->impls[j].id, json_string_value(json_object_get(e, "den"))))
                den[k] = &hl->impls[j];
        }
        fputs(" & ", f);
        latex_escape(f, num[k] ? num[k]->label : "?");
        fputs(" / ", f);
        latex_escape(f, den[k] ? den[k]->label : "?");
    }
    fputs(" & here", f);
    if (pair)
        fputs(" & published & agrees?", f);
    fputs(" \\\\\n\\midrule\n", f);
    for (size_t i = 0; i < hl->nrows; i++) {
        const report_hl_row_t *r = &hl->rows[i];
        family_rule(f, hl, i);
        latex_escape(f, r->label);
        for (size_t k = 0; k < nr && k < 64; k++) {
            char id[512];
            snprintf(id, sizeof id, "hl/%s/%s-%s", r->id, num[k] ? num[k]->id : "?",
                     den[k] ? den[k]->id : "?");
            const report_ratio_t *x = report_find_ratio(rep, id);
            fputs(" & ", f);
            value_ci(f, x ? x->ratio : NAN, x ? x->ci.lo : NAN, x ? x->ci.hi : NAN);
        }
        fputs(" & ", f);
        latex_escape(f, r->ours);
        if (pair) {
            fputs(" & ", f);
            latex_escape(f, r->study);
            fputs(" & ", f);
            if (r->agree == HL_DISAGREE)
                fputs("\\textbf{no}", f);
            else if (r->agree == HL_AGREE)
                fputs("yes", f);
            else {
                fputs("\\textit{", f);
                latex_escape(f, report_hl_agree_name(r->agree));
                fputs("}", f);
            }
            /* the order here is not sure: our interval of the pair's ratio holds 1 */
            if ((r->agree == HL_AGREE || r->agree == HL_DISAGREE) && !r->sure)
                fputs("$^{*}$", f);
        }
        fputs(" \\\\\n", f);
    }
    if (hl->nrows == 0)
        fprintf(f, "\\multicolumn{%zu}{c}{no headline scenarios configured} \\\\\n",
                2 + nr + (pair ? 2 : 0));
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    return report_table_close(f, dir, "headline-ratios", err, errlen);
}

int report_write_headline_tables(const report_t *rep, const char *dir, char *err, size_t errlen) {
    report_headline_t hl;
    if (report_headline_compute(rep, &hl, err, errlen) != 0)
        return -1;
    int rc = headline_table(rep, &hl, dir, err, errlen) || ratios_table(rep, &hl, dir, err, errlen)
                 ? -1
                 : 0;
    report_headline_free(&hl);
    return rc;
}
