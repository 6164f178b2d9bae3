/* What a results set measures of what the paper discusses: the macros
 * coverage/... (docs/report.md) let the text say which implementations and
 * scenarios a partial results set (the quick plan, one scenario, c-ulfius
 * alone) did not measure, instead of leaving only "n/m" placeholders.
 *
 * The paper discusses every scenario named by a "scenario" key anywhere in the
 * comparisons config, and every implementation of its headline section. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/report/latex.h"
#include "lab/report/report.h"

typedef struct {
    const char **v;
    size_t n, cap;
} names_t;

static void names_add(names_t *s, const char *name) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], name))
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        const char **v = xrealloc(s->v, cap * sizeof *v);
        if (!v)
            return; /* out of memory: the list is shorter, the paper still builds */
        s->v = v, s->cap = cap;
    }
    s->v[s->n++] = name;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every string under a "scenario" key, at any depth. */
static void collect_scenarios(const json_t *j, names_t *out) {
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) {
            if (!strcmp(k, "scenario") && json_is_string(v))
                names_add(out, json_string_value(v));
            else
                collect_scenarios(v, out);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) collect_scenarios(v, out);
    }
}

/* Whether some configuration of the scenario (or of one of its variants,
 * "scenario@variant") has a valid run. */
static bool scenario_measured(const report_t *rep, const char *scenario) {
    size_t len = strlen(scenario);
    for (size_t i = 0; i < rep->ncells; i++) {
        const char *s = rep->cells[i].cell->scenario;
        if (!strncmp(s, scenario, len) && (s[len] == '\0' || s[len] == '@') &&
            rep->cells[i].cell->nvalid > 0)
            return true;
    }
    return false;
}

/* "a, b and c" (latex-escaped) */
static void write_list(FILE *f, const char *const *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(i + 1 == n ? " and " : ", ", f);
        latex_escape(f, v[i]);
    }
}

/* The list, or the words none when it is empty. */
static void write_list_or(FILE *f, const char *const *v, size_t n, const char *none) {
    if (n)
        write_list(f, v, n);
    else
        fputs(none, f);
}

void report_missing_keys(FILE *f, const report_t *rep) {
    names_t expected = {0}, missing = {0};
    collect_scenarios(rep->cfg.root, &expected);
    for (size_t i = 0; i < expected.n; i++)
        if (!scenario_measured(rep, expected.v[i]))
            names_add(&missing, expected.v[i]);
    if (missing.n)
        qsort(missing.v, missing.n, sizeof *missing.v, by_name);

    const char *impl_missing[REPORT_HL_MAX_IMPL], *impl_here[REPORT_HL_MAX_IMPL];
    size_t nim = 0, nih = 0;
    report_headline_t hl;
    char err[256];
    if (report_headline_compute(rep, &hl, err, sizeof err) == 0) {
        for (size_t k = 0; k < hl.nimpls; k++) {
            bool any = false;
            for (size_t r = 0; r < hl.nrows; r++)
                any = any || hl.rows[r].cells[k];
            if (any)
                impl_here[nih++] = hl.impls[k].label;
            else
                impl_missing[nim++] = hl.impls[k].label;
        }
    }

    fprintf(f, "\\blset{coverage/scenarios-expected}{\\num{%zu}}\n", expected.n);
    fprintf(f, "\\blset{coverage/scenarios-missing-count}{\\num{%zu}}\n", missing.n);
    fputs("\\blset{coverage/scenarios-missing}{", f);
    write_list_or(f, missing.v, missing.n, "none");
    fputs("}\n", f);
    fprintf(f, "\\blset{coverage/impls-missing-count}{\\num{%zu}}\n", nim);
    fputs("\\blset{coverage/impls-missing}{", f);
    write_list_or(f, impl_missing, nim, "none");
    fputs("}\n\\blset{coverage/impls-measured}{", f);
    write_list_or(f, impl_here, nih, "none");
    fputs("}\n", f);

    /* main.tex declares \newif\ifblpartial and boxes coverage/summary when set */
    fprintf(f, "\\blpartial%s\n", missing.n || nim ? "true" : "false");
    /* One sentence for the text: what this results set leaves out. */
    fputs("\\blset{coverage/summary}{", f);
    if (!missing.n && !nim) {
        fputs("This results set measures every implementation and scenario the paper "
              "discusses.",
              f);
    } else {
        if (nim) {
            fputs("This results set does not measure ", f);
            write_list(f, impl_missing, nim);
            fputs(" in the headline scenarios (only ", f);
            write_list_or(f, impl_here, nih, "no implementation");
            fputs(" there). ", f);
        }
        if (missing.n) {
            fprintf(f, "Of the %zu scenarios the paper discusses, it has no valid run of %zu: ",
                    expected.n, missing.n);
            write_list(f, missing.v, missing.n);
            fputs(". ", f);
        }
        fputs("Figures and tables show what was measured; \\textit{n/m} and "
              "\\textit{not measured} mark the numbers it lacks.",
              f);
    }
    fputs("}\n", f);
    free(expected.v);
    free(missing.v);
    report_headline_free(&hl);
}
