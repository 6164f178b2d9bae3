/* Capacity at a latency objective in a study (capacity_study.h). */
#include "lab/report/capacity_study.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xalloc.h"
#include "lab/report/latex.h"

static double num_of(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str_of(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static cap_group_t *group_of(cap_study_t *cs, const json_t *root) {
    const char *scen = str_of(root, "scenario"), *cfg = str_of(root, "config");
    for (size_t i = 0; i < cs->n; i++)
        if (!strcmp(cs->g[i].scenario, scen) && !strcmp(cs->g[i].config, cfg))
            return &cs->g[i];
    cap_group_t *g = xrealloc(cs->g, (cs->n + 1) * sizeof *g);
    if (!g)
        return NULL;
    cs->g = g;
    g = &cs->g[cs->n++];
    memset(g, 0, sizeof *g);
    g->scenario = xstrdup(scen);
    g->config = xstrdup(cfg);
    g->implementation = xstrdup(str_of(root, "implementation"));
    g->objective_ms = num_of(json_object_get(root, "capacity"), "objective_p99_ms");
    return g;
}

static int by_scenario_impl(const void *a, const void *b) {
    const cap_group_t *x = a, *y = b;
    int c = strcmp(x->scenario, y->scenario);
    return c ? c : strcmp(x->config, y->config);
}

int cap_study_load(cap_study_t *cs, const char *results_dir, double level, size_t min_runs,
                   char *err, size_t errlen) {
    memset(cs, 0, sizeof *cs);
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/raw/*/*/*-slo*/run-*.json", results_dir);
    glob_t gl;
    int grc = glob(pattern, 0, NULL, &gl);
    if (grc == GLOB_NOMATCH)
        return 0;
    if (grc != 0) {
        snprintf(err, errlen, "%s: cannot list", pattern);
        return -1;
    }
    for (size_t i = 0; i < gl.gl_pathc; i++) {
        json_error_t je;
        json_t *root = json_load_file(gl.gl_pathv[i], 0, &je);
        if (!root) {
            snprintf(err, errlen, "%s:%d: %s", gl.gl_pathv[i], je.line, je.text);
            globfree(&gl);
            return -1;
        }
        json_t **r = xrealloc(cs->roots, (cs->nroots + 1) * sizeof *r);
        if (!r) {
            json_decref(root);
            break;
        }
        cs->roots = r;
        cs->roots[cs->nroots++] = root;
        const json_t *cap = json_object_get(root, "capacity");
        if (strcmp(str_of(root, "kind"), "capacity") != 0 ||
            !json_is_true(json_object_get(root, "valid")) || !json_is_object(cap))
            continue;
        cap_group_t *g = group_of(cs, root);
        if (!g)
            break;
        double *c = xrealloc(g->capacity, (g->n + 1) * sizeof *c);
        if (!c)
            break;
        g->capacity = c;
        double v = num_of(cap, "capacity");
        g->capacity[g->n++] = isfinite(v) ? v : 0;
        g->bounded += json_is_true(json_object_get(cap, "bounded"));
    }
    globfree(&gl);
    for (size_t i = 0; i < cs->n; i++) {
        cap_group_t *g = &cs->g[i];
        stats_summarize(g->capacity, g->n, level, &g->s);
        stats_apply_min_runs(&g->s, min_runs);
        /* the run whose capacity is nearest the median draws the curve */
        double best = INFINITY;
        for (size_t k = 0; k < cs->nroots; k++) {
            const json_t *root = cs->roots[k], *cap = json_object_get(root, "capacity");
            if (strcmp(str_of(root, "scenario"), g->scenario) ||
                strcmp(str_of(root, "config"), g->config) || !json_is_object(cap) ||
                !json_is_true(json_object_get(root, "valid")))
                continue;
            double v = num_of(cap, "capacity"), d = fabs((isfinite(v) ? v : 0) - g->s.median);
            if (d < best) {
                best = d;
                g->median_run = (json_t *)cap;
            }
        }
    }
    if (cs->n)
        qsort(cs->g, cs->n, sizeof *cs->g, by_scenario_impl);
    return 0;
}

bool report_has_capacity_runs(const char *results_dir) {
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/raw/*/*/*-slo*/run-*.json", results_dir);
    glob_t gl;
    bool any = glob(pattern, 0, NULL, &gl) == 0 && gl.gl_pathc > 0;
    globfree(&gl);
    return any;
}

void cap_study_free(cap_study_t *cs) {
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->g[i].scenario);
        free(cs->g[i].config);
        free(cs->g[i].implementation);
        free(cs->g[i].capacity);
    }
    free(cs->g);
    for (size_t i = 0; i < cs->nroots; i++)
        json_decref(cs->roots[i]);
    free(cs->roots);
    memset(cs, 0, sizeof *cs);
}

/* The headline row id of a scenario ("basic-01"), else its slug. */
static void scenario_key(const report_headline_t *hl, const char *scenario, char *out, size_t len) {
    for (size_t i = 0; hl && i < hl->nrows; i++)
        if (!strcmp(hl->rows[i].scenario, scenario)) {
            snprintf(out, len, "%s", hl->rows[i].id);
            return;
        }
    report_slug(scenario, out, len);
}

static const char *scenario_label(const report_headline_t *hl, const char *scenario) {
    for (size_t i = 0; hl && i < hl->nrows; i++)
        if (!strcmp(hl->rows[i].scenario, scenario))
            return hl->rows[i].label;
    return scenario;
}

/* The closed-model cell of the same scenario and implementation (its headline config). */
static const report_cell_t *closed_cell(const report_t *rep, const report_headline_t *hl,
                                        const cap_group_t *g) {
    for (size_t k = 0; hl && k < hl->nimpls; k++)
        if (!strcmp(hl->impls[k].id, g->implementation)) {
            const report_cell_t *c = report_find_cell(rep, g->scenario, hl->impls[k].config);
            return c && c->rps.n ? c : NULL;
        }
    return NULL;
}

static const char *impl_label(const report_headline_t *hl, const char *impl) {
    for (size_t k = 0; hl && k < hl->nimpls; k++)
        if (!strcmp(hl->impls[k].id, impl))
            return hl->impls[k].label;
    return impl;
}

static int write_table(const report_t *rep, const report_headline_t *hl, const cap_study_t *cs,
                       const char *dir, char *err, size_t errlen) {
    FILE *f = report_table_open(dir, "capacity", err, errlen);
    if (!f)
        return -1;
    fprintf(f,
            "\\begin{tabular}{llrlrrr}\n\\toprule\nScenario & Implementation & p99 objective & "
            "Capacity, req/s [%g\\,\\%% CI] & Runs & Knee p50 / p99 (ms) & Closed model, req/s "
            "\\\\\n\\midrule\n",
            rep->cfg.level * 100);
    for (size_t i = 0; i < cs->n; i++) {
        const cap_group_t *g = &cs->g[i];
        if (i && strcmp(g->scenario, cs->g[i - 1].scenario))
            fputs("\\midrule\n", f);
        latex_escape(f, i && !strcmp(g->scenario, cs->g[i - 1].scenario)
                            ? ""
                            : scenario_label(hl, g->scenario));
        fputs(" & ", f);
        latex_escape(f, impl_label(hl, g->implementation));
        fputs(" & ", f);
        latex_num(f, g->objective_ms);
        fputs("\\,ms & ", f);
        if (g->s.median > 0) {
            latex_num(f, g->s.median);
            if (isfinite(g->s.median_ci.lo) && isfinite(g->s.median_ci.hi)) {
                fputs(" [", f);
                latex_num(f, g->s.median_ci.lo);
                fputs(", ", f);
                latex_num(f, g->s.median_ci.hi);
                fputs("]", f);
            }
        } else {
            fputs("\\textit{none met it}", f);
        }
        fprintf(f, " & %zu", g->n);
        if (g->bounded < g->n)
            fprintf(f, " (%zu not bounded)", g->n - g->bounded);
        const json_t *knee = json_object_get(g->median_run, "knee");
        fputs(" & ", f);
        if (json_is_object(knee)) {
            latex_num(f, num_of(knee, "p50_ms"));
            fputs(" / ", f);
            latex_num(f, num_of(knee, "p99_ms"));
        } else {
            fputs("--", f);
        }
        const report_cell_t *c = closed_cell(rep, hl, g);
        fputs(" & ", f);
        if (c)
            latex_num(f, c->rps.median);
        else
            fputs("\\textit{not measured}", f);
        fputs(" \\\\\n", f);
    }
    fputs("\\bottomrule\n\\end{tabular}\n", f);
    return report_table_close(f, dir, "capacity", err, errlen);
}

static int write_data(const report_headline_t *hl, const cap_study_t *cs, const char *dir,
                      char *err, size_t errlen) {
    char path[4300], kpath[4300], mpath[4300];
    snprintf(path, sizeof path, "%s/capacity.dat", dir);
    snprintf(kpath, sizeof kpath, "%s/capacity-knee.dat", dir);
    snprintf(mpath, sizeof mpath, "%s/capacity.meta", dir);
    FILE *f = fopen(path, "w"), *k = fopen(kpath, "w"), *m = fopen(mpath, "w");
    if (!f || !k || !m) {
        snprintf(err, errlen, "%s: cannot write", !f ? path : !k ? kpath : mpath);
        if (f)
            fclose(f);
        if (k)
            fclose(k);
        if (m)
            fclose(m);
        return -1;
    }
    /* one index per group: "rate p50_ms p99_ms ok"; its knee in capacity-knee.dat */
    fputs("cap_titles = \"", m);
    double objective = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const cap_group_t *g = &cs->g[i];
        char key[256];
        scenario_key(hl, g->scenario, key, sizeof key);
        fprintf(f, "# %s %s: rate p50_ms p99_ms ok\n", g->scenario, g->config);
        size_t j;
        json_t *pt;
        json_array_foreach(json_object_get(g->median_run, "curve"), j, pt) {
            fprintf(f, "%.6g %.6g %.6g %d\n", num_of(pt, "rate"), num_of(pt, "p50_ms"),
                    num_of(pt, "p99_ms"), json_is_true(json_object_get(pt, "ok")));
        }
        fputs("\n\n", f);
        const json_t *knee = json_object_get(g->median_run, "knee");
        fprintf(k, "# %s %s: rate p50_ms p99_ms\n", g->scenario, g->config);
        if (json_is_object(knee))
            fprintf(k, "%.6g %.6g %.6g\n", num_of(knee, "rate"), num_of(knee, "p50_ms"),
                    num_of(knee, "p99_ms"));
        else
            fputs("NaN NaN NaN\n", k);
        fputs("\n\n", k);
        /* gnuplot words: no spaces */
        fprintf(m, "%s%s:%s", i ? " " : "", g->implementation, key);
        if (g->objective_ms > objective)
            objective = g->objective_ms;
    }
    fprintf(m, "\"; cap_n = %zu; cap_objective = %g\n", cs->n, objective);
    int bad = fclose(f) != 0;
    bad |= fclose(k) != 0;
    bad |= fclose(m) != 0;
    if (bad) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}

static void key_num(FILE *f, const char *key, double x) {
    fprintf(f, "\\blset{%s}{", key);
    latex_num(f, x);
    fputs("}\n", f);
}

static int write_macros(const report_headline_t *hl, const cap_study_t *cs, const char *path,
                        char *err, size_t errlen) {
    FILE *f = fopen(path, "a");
    if (!f) {
        snprintf(err, errlen, "%s: cannot append", path);
        return -1;
    }
    fputs("% capacity at a latency objective (report/capacity_study.c)\n", f);
    fprintf(f, "\\blset{capacity/count}{\\num{%zu}}\n\\blcapacity%s\n", cs->n,
            cs->n ? "true" : "false");
    char impls[1024] = "", k[512], key[256];
    double objective = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const cap_group_t *g = &cs->g[i];
        const char *label = impl_label(hl, g->implementation);
        bool listed = false;
        for (size_t j = 0; j < i; j++)
            listed = listed || !strcmp(cs->g[j].implementation, g->implementation);
        if (!listed && strlen(impls) + strlen(label) + 3 < sizeof impls)
            snprintf(impls + strlen(impls), sizeof impls - strlen(impls), "%s%s",
                     *impls ? ", " : "", label);
        if (g->objective_ms > objective)
            objective = g->objective_ms;
        scenario_key(hl, g->scenario, key, sizeof key);
        snprintf(k, sizeof k, "capacity/%s/%s", key, g->implementation);
        key_num(f, k, g->s.median);
        snprintf(k, sizeof k, "capacity/%s/%s/lo", key, g->implementation);
        key_num(f, k, g->s.median_ci.lo);
        snprintf(k, sizeof k, "capacity/%s/%s/hi", key, g->implementation);
        key_num(f, k, g->s.median_ci.hi);
        snprintf(k, sizeof k, "capacity/%s/%s/n", key, g->implementation);
        fprintf(f, "\\blset{%s}{\\num{%zu}}\n", k, g->n);
        /* the first of a scenario's groups with the highest median */
        bool best = true;
        for (size_t j = 0; j < cs->n; j++)
            if (!strcmp(cs->g[j].scenario, g->scenario) &&
                (cs->g[j].s.median > g->s.median || (cs->g[j].s.median == g->s.median && j < i)))
                best = false;
        if (best && g->s.median > 0) {
            snprintf(k, sizeof k, "capacity/best/%s", key);
            fprintf(f, "\\blset{%s}{", k);
            latex_escape(f, impl_label(hl, g->implementation));
            fputs("}\n", f);
        }
    }
    fputs("\\blset{capacity/implementations}{", f);
    latex_escape(f, *impls ? impls : "none");
    fputs("}\n", f);
    if (objective > 0)
        key_num(f, "capacity/objective", objective);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}

int report_write_capacity_study(const report_t *rep, const char *out_dir, const char *macros_path,
                                char *err, size_t errlen) {
    cap_study_t cs;
    if (cap_study_load(&cs, rep->results->dir, rep->cfg.level, rep->cfg.min_runs, err, errlen) !=
        0) {
        cap_study_free(&cs);
        return -1;
    }
    report_headline_t hl;
    char herr[512];
    bool have_hl = report_headline_parse(rep, &hl, herr, sizeof herr) == 0;
    char tables[4200], data[4200];
    snprintf(tables, sizeof tables, "%s/tables", out_dir);
    snprintf(data, sizeof data, "%s/data", out_dir);
    int rc = 0;
    if (cs.n)
        rc = write_table(rep, have_hl ? &hl : NULL, &cs, tables, err, errlen) ||
                     write_data(have_hl ? &hl : NULL, &cs, data, err, errlen)
                 ? -1
                 : 0;
    if (rc == 0)
        rc = write_macros(have_hl ? &hl : NULL, &cs, macros_path, err, errlen);
    if (have_hl)
        report_headline_free(&hl);
    cap_study_free(&cs);
    return rc;
}

void report_capacity_study_md(FILE *f, const report_t *rep) {
    cap_study_t cs;
    char err[512];
    if (cap_study_load(&cs, rep->results->dir, rep->cfg.level, rep->cfg.min_runs, err,
                       sizeof err) != 0) {
        fprintf(f, "\n## Capacity at the latency objective (study)\n\nunreadable: %s\n", err);
        cap_study_free(&cs);
        return;
    }
    for (size_t i = 0; i < cs.n; i++) {
        const cap_group_t *g = &cs.g[i];
        if (i == 0)
            fprintf(f,
                    "\n## Capacity at the latency objective (study; docs/stress.md)\n\n"
                    "| scenario | config | objective p99 | capacity/s median [%g %% CI] | runs "
                    "| bounded |\n|---|---|---|---|---|---|\n",
                    rep->cfg.level * 100);
        fprintf(f, "| %s | %s | %g ms | %.1f", g->scenario, g->config, g->objective_ms,
                g->s.median);
        if (isfinite(g->s.median_ci.lo) && isfinite(g->s.median_ci.hi))
            fprintf(f, " [%.1f, %.1f]", g->s.median_ci.lo, g->s.median_ci.hi);
        fprintf(f, " | %zu | %zu |\n", g->n, g->bounded);
    }
    cap_study_free(&cs);
}
