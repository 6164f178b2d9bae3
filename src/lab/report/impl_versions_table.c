/* tables/implementations.tex: per headline implementation, what it ran on
 * here (the manifest's "implementations", read from each server when the
 * study started it: study/impl_versions.h) beside the stack the study used
 * (paper/published-study.json "stacks", by its column names). */
#include <stdio.h>
#include <string.h>

#include "lab/report/capacity_study.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

int report_write_impl_versions(const report_t *rep, const char *dir, char *err, size_t errlen) {
    report_headline_t hl;
    if (report_headline_parse(rep, &hl, err, errlen) != 0)
        return -1;
    FILE *f = report_table_open(dir, "implementations", err, errlen);
    if (!f) {
        report_headline_free(&hl);
        return -1;
    }
    const json_t *here = json_object_get(rep->results->manifest, "implementations");
    const json_t *stacks = json_object_get(rep->published, "stacks");
    fputs("\\begin{tabular}{lll}\n\\toprule\nImplementation & Here (reported by the running "
          "server) & The study's \\\\\n\\midrule\n",
          f);
    for (size_t k = 0; k < hl.nimpls; k++) {
        const report_hl_impl_t *im = &hl.impls[k];
        latex_escape(f, im->label);
        fputs(" & ", f);
        const char *fw =
            json_string_value(json_object_get(json_object_get(here, im->id), "framework"));
        if (fw)
            latex_escape(f, fw);
        else
            fputs("\\textit{not recorded}", f);
        fputs(" & ", f);
        for (size_t p = 0; p < im->npub; p++) {
            const char *st = json_string_value(json_object_get(stacks, im->pub[p]));
            fputs(p ? "; " : "", f);
            latex_escape(f, st ? st : "--");
        }
        if (!im->npub)
            fputs("--", f);
        fputs(" \\\\\n", f);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    report_headline_free(&hl);
    return report_table_close(f, dir, "implementations", err, errlen);
}
