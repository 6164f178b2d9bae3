/* paper/generated/data/NAME.dat: what the gnuplot scripts in plots/ read.
 * A figure without any data gets NAME.nodata next to it instead, so the paper
 * build can put "not measured" in its place rather than fail. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/xalloc.h"
#include "lab/impl.h"
#include "lab/report/openload.h"
#include "lab/report/report.h"
#include "lab/results/hist.h"

static FILE *open_dat(const char *dir, const char *name, char *err, size_t errlen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errlen, "%s: cannot write", path);
    return f;
}

/* Closes the file and writes or removes the .nodata marker. */
static int finish_dat(FILE *f, const char *dir, const char *name, bool has_data, char *err,
                      size_t errlen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.nodata", dir, name);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s/%s.dat: write failed", dir, name);
        return -1;
    }
    if (has_data) {
        unlink(path);
        return 0;
    }
    FILE *m = fopen(path, "w");
    if (m)
        fputs("no valid run holds the data of this figure\n", m);
    if (!m || fclose(m) != 0) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

/* gnuplot reads "NaN" as an undefined point. */
static void num(FILE *f, double x) {
    if (isfinite(x))
        fprintf(f, " %.6g", x);
    else
        fputs(" NaN", f);
}

static void quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, f);
    fputc('"', f);
}

static int basic_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    json_t *fig = results_json_path(rep->cfg.root, "figures.basic");
    json_t *name = json_object_get(fig, "name");
    if (!json_is_string(name))
        return 0;
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f)
        return -1;
    json_t *impls = json_object_get(rep->published, "implementations");
    fputs("idx label ours ours_ci_lo ours_ci_hi", f); /* a header line for columnhead */
    for (size_t k = 0; k < json_array_size(impls); k++)
        fprintf(f, " \"%s\"", json_string_value(json_array_get(impls, k)));
    fputs("\n", f);
    bool any = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(fig, "scenarios"), i, e) {
        json_t *sc = json_object_get(e, "scenario"), *pub = json_object_get(e, "published");
        if (!json_is_string(sc))
            continue;
        const report_cell_t *c = report_find_cell(rep, json_string_value(sc), NULL);
        const json_t *row =
            json_is_string(pub) ? report_published_row(rep, json_string_value(pub)) : NULL;
        json_t *label = json_object_get(row, "label");
        fprintf(f, "%zu ", i);
        quoted(f, json_is_string(label) ? json_string_value(label) : json_string_value(sc));
        num(f, c ? c->rps.median : NAN);
        num(f, c ? c->rps.median_ci.lo : NAN);
        num(f, c ? c->rps.median_ci.hi : NAN);
        any = any || (c && c->rps.n > 0);
        for (size_t k = 0; k < json_array_size(impls); k++)
            num(f, json_number_value(json_array_get(json_object_get(row, "rps"), k)));
        fputs("\n", f);
    }
    return finish_dat(f, dir, json_string_value(name), any, err, errlen);
}

/* The headline figure: one row per headline scenario, per implementation its
 * median and interval ("label" lo hi), then the study's published numbers of
 * the columns the figure names (value only). NAME.meta tells the plot how many
 * of each: gnuplot assignments "hl_nimpl = N; hl_npub = M". */
static int headline_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    json_t *fig = results_json_path(rep->cfg.root, "headline.figure");
    json_t *name = json_object_get(fig, "name"), *pubs = json_object_get(fig, "published");
    if (!json_is_string(name))
        return 0;
    report_headline_t hl;
    if (report_headline_compute(rep, &hl, err, errlen) != 0)
        return -1;
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f) {
        report_headline_free(&hl);
        return -1;
    }
    json_t *impls = json_object_get(rep->published, "implementations");
    size_t cols[64], np = 0, k;
    json_t *p;
    json_array_foreach(pubs, k, p) {
        for (size_t c = 0; np < 64 && json_is_string(p) && c < json_array_size(impls); c++)
            if (!strcmp(json_string_value(json_array_get(impls, c)), json_string_value(p)))
                cols[np++] = c;
    }
    /* only the implementations measured in some row: gnuplot refuses a series
     * without a single valid point, and the table says what was not measured */
    size_t shown[REPORT_HL_MAX_IMPL], ns = 0;
    for (k = 0; k < hl.nimpls; k++) {
        bool measured = false;
        for (size_t i = 0; i < hl.nrows; i++)
            measured = measured || hl.rows[i].cells[k];
        if (measured)
            shown[ns++] = k;
    }
    fputs("idx label", f);
    for (size_t s = 0; s < ns; s++) {
        k = shown[s];
        fputs(" ", f);
        quoted(f, hl.impls[k].label);
        fputs(" lo hi", f);
    }
    for (k = 0; k < np; k++) {
        fputs(" ", f);
        quoted(f, json_string_value(json_array_get(impls, cols[k])));
    }
    fputs("\n", f);
    bool any = false;
    for (size_t i = 0; i < hl.nrows; i++) {
        const report_hl_row_t *r = &hl.rows[i];
        fprintf(f, "%zu ", i);
        quoted(f, r->label);
        for (size_t s = 0; s < ns; s++) {
            const report_cell_t *c = r->cells[shown[s]];
            num(f, c ? c->rps.median : NAN);
            num(f, c ? c->rps.median_ci.lo : NAN);
            num(f, c ? c->rps.median_ci.hi : NAN);
            any = any || c;
        }
        const json_t *row = r->published ? report_published_row(rep, r->published) : NULL;
        for (k = 0; k < np; k++) {
            json_t *v = json_array_get(json_object_get(row, "rps"), cols[k]);
            num(f, json_is_number(v) ? json_number_value(v) : NAN);
        }
        fputs("\n", f);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.meta", dir, json_string_value(name));
    FILE *m = fopen(path, "w");
    bool ok = m && fprintf(m, "hl_nimpl = %zu; hl_npub = %zu\n", ns, np) > 0;
    if (m && fclose(m) != 0)
        ok = false;
    report_headline_free(&hl);
    if (!ok) {
        fclose(f);
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return finish_dat(f, dir, json_string_value(name), any, err, errlen);
}

static const double curve_p[] = {50,   75,   90,    95,    97.5,   99,
                                 99.5, 99.9, 99.95, 99.99, 99.995, 99.999};

/* One block per curve: a header line (for columnheader) and "x latency_ms" rows
 * with x = 1/(1-p), from the histogram merged over the cell's valid runs. */
static int percentile_dat(const report_t *rep, const json_t *fig, const char *dir, char *err,
                          size_t errlen) {
    json_t *name = json_object_get(fig, "name");
    if (!json_is_string(name))
        return 0;
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f)
        return -1;
    bool any = false;
    size_t blocks = 0, i;
    json_t *c;
    json_array_foreach(json_object_get(fig, "curves"), i, c) {
        json_t *sc = json_object_get(c, "scenario"), *cf = json_object_get(c, "config"),
               *gr = json_object_get(c, "group"), *label = json_object_get(c, "label");
        if (!json_is_string(sc))
            continue;
        const report_cell_t *cell = report_find_cell(
            rep, json_string_value(sc), json_is_string(cf) ? json_string_value(cf) : NULL);
        if (!cell || cell->cell->nvalid == 0)
            continue;
        results_hist_t merged;
        results_hist_init(&merged);
        for (size_t r = 0; r < cell->cell->nvalid; r++) {
            json_t *hs = json_object_get(cell->cell->valid[r]->summary, "histograms");
            json_t *hj = json_is_string(gr)
                             ? json_object_get(json_object_get(hs, "groups"), json_string_value(gr))
                             : json_object_get(hs, "http_req_duration");
            results_hist_t h;
            char e[256];
            if (hj && results_hist_from_json(&h, hj, e, sizeof e) == 0) {
                results_hist_merge(&merged, &h, e, sizeof e);
                results_hist_free(&h);
            }
        }
        if (merged.count > 0) {
            fputs(blocks++ ? "\n\n" : "", f);
            quoted(f, json_is_string(label) ? json_string_value(label) : json_string_value(sc));
            fputs(" \"ms\"\n", f);
            for (size_t k = 0; k < sizeof curve_p / sizeof curve_p[0]; k++) {
                /* only percentiles the sample can resolve */
                if ((double)merged.count * (1 - curve_p[k] / 100) < 1)
                    break;
                fprintf(f, "%.6g", 1 / (1 - curve_p[k] / 100));
                num(f, results_hist_percentile_us(&merged, curve_p[k]) / 1000);
                fputs("\n", f);
            }
            any = true;
        }
        results_hist_free(&merged);
    }
    return finish_dat(f, dir, json_string_value(name), any, err, errlen);
}

/* Rows = bars, columns = series (value, CI low, CI high each): the median over
 * valid runs and its distribution-free interval. */
static int bars_dat(const report_t *rep, const json_t *fig, const char *dir, char *err,
                    size_t errlen) {
    json_t *name = json_object_get(fig, "name"), *series = json_object_get(fig, "series");
    if (!json_is_string(name))
        return 0;
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f)
        return -1;
    fputs("idx label", f); /* a header line for gnuplot's columnhead */
    size_t s, b;
    json_t *se, *bar;
    json_array_foreach(series, s, se) {
        json_t *l = json_object_get(se, "label");
        fprintf(f, " \"%s\" lo hi", json_is_string(l) ? json_string_value(l) : "?");
    }
    fputs("\n", f);
    bool any = false;
    json_array_foreach(json_object_get(fig, "bars"), b, bar) {
        json_t *label = json_object_get(bar, "label");
        fprintf(f, "%zu ", b);
        quoted(f, json_is_string(label) ? json_string_value(label) : "?");
        json_array_foreach(series, s, se) {
            metric_spec_t m;
            char where[256];
            snprintf(where, sizeof where, "%s: figures.bars %s, bar %zu series %zu", rep->cfg.path,
                     json_string_value(name), b, s);
            if (metric_spec_parse(&m, bar, se, where, err, errlen) != 0) {
                fclose(f);
                return -1;
            }
            size_t n;
            double *v = metric_values(&m, rep->results, rep->cfg.default_config, &n, NULL);
            stats_summary_t st;
            stats_summarize(v, n, rep->cfg.level, &st);
            num(f, st.median);
            num(f, st.median_ci.lo);
            num(f, st.median_ci.hi);
            any = any || n > 0;
            free(v);
            metric_spec_free(&m);
        }
        fputs("\n", f);
    }
    return finish_dat(f, dir, json_string_value(name), any, err, errlen);
}

static int cmp_cell_cpus(const void *a, const void *b) {
    const report_cell_t *x = *(const report_cell_t *const *)a,
                        *y = *(const report_cell_t *const *)b;
    int c = strcmp(x->cell->scenario, y->cell->scenario);
    if (c)
        return c;
    c = strcmp(x->implementation, y->implementation);
    if (c)
        return c;
    c = strcmp(x->threading, y->threading);
    if (c)
        return c;
    if (x->workers != y->workers)
        return x->workers - y->workers;
    if (x->threads != y->threads)
        return x->threads - y->threads;
    if (x->vus != y->vus)
        return x->vus - y->vus;
    return (x->server_cpus > y->server_cpus) - (x->server_cpus < y->server_cpus);
}

/* One block per workload x (implementation, threading, workers, VUs): "cpus rps lo hi" rows;
 * "vus": N in the figure's config keeps only that load level. */
static int server_config_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    json_t *fig = results_json_path(rep->cfg.root, "figures.server_config");
    json_t *name = json_object_get(fig, "name"), *prefix = json_object_get(fig, "scenario_prefix");
    if (!json_is_string(name) || !json_is_string(prefix))
        return 0;
    const char *p = json_string_value(prefix);
    const report_cell_t **cells = xcalloc(rep->ncells ? rep->ncells : 1, sizeof *cells);
    size_t n = 0;
    double only_vus = results_json_number(fig, "vus");
    for (size_t i = 0; cells && i < rep->ncells; i++)
        if (!strncmp(rep->cells[i].cell->scenario, p, strlen(p)) && rep->cells[i].rps.n > 0 &&
            !isnan(rep->cells[i].server_cpus) &&
            (isnan(only_vus) || rep->cells[i].vus == (int)only_vus))
            cells[n++] = &rep->cells[i];
    qsort(cells, n, sizeof *cells, cmp_cell_cpus);
    /* with several implementations (peers in the server-config plan) each
     * curve's label names its implementation */
    bool multi = false;
    for (size_t i = 1; i < n; i++)
        multi = multi || strcmp(cells[i]->implementation, cells[0]->implementation) != 0;
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f) {
        free(cells);
        return -1;
    }
    /* Besides the combined file: one file per workload (NAME-<workload>.dat) and
     * their list (NAME.list), so the plot can draw one panel per workload. */
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.list", dir, json_string_value(name));
    FILE *list = fopen(path, "w");
    FILE *wf = NULL;
    int rc = list ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const report_cell_t *c = cells[i];
        bool new_workload = i == 0 || strcmp(c->cell->scenario, cells[i - 1]->cell->scenario);
        bool new_block = new_workload || strcmp(c->implementation, cells[i - 1]->implementation) ||
                         strcmp(c->threading, cells[i - 1]->threading) ||
                         c->workers != cells[i - 1]->workers || c->vus != cells[i - 1]->vus ||
                         c->threads != cells[i - 1]->threads;
        if (new_workload) {
            char slug[256], wpath[4600];
            report_slug(c->cell->scenario + strlen(p), slug, sizeof slug);
            if (wf && fclose(wf) != 0)
                rc = -1;
            snprintf(wpath, sizeof wpath, "%s/%s-%s.dat", dir, json_string_value(name), slug);
            wf = fopen(wpath, "w");
            fprintf(list, "%s\n", slug);
            if (!wf)
                rc = -1;
        }
        if (rc != 0)
            break;
        if (new_block) {
            char label[512];
            /* A peer has no threading model (its run files say epoll only so
             * that the baselines match): its label is its name. */
            bool peer = impl_is_peer(c->implementation);
            const char *who = multi || peer ? c->implementation : "";
            const char *sep = multi && !peer ? " " : "";
            const char *model = peer ? "" : c->threading;
            char threads[32] = ""; /* the plan's "threads" (Puma's), when set */
            if (c->threads > 0)
                snprintf(threads, sizeof threads, " x %d thread%s", c->threads,
                         c->threads == 1 ? "" : "s");
            snprintf(label, sizeof label, "%s, %s%s%s, %d worker%s%s, %d VUs",
                     c->cell->scenario + strlen(p), who, sep, model, c->workers,
                     c->workers == 1 ? "" : "s", threads, c->vus);
            fputs(i ? "\n\n" : "", f);
            quoted(f, label);
            fputs(" rps lo hi\n", f);
            snprintf(label, sizeof label, "%s%s%s, %d worker%s%s, %d VUs", who, sep, model,
                     c->workers, c->workers == 1 ? "" : "s", threads, c->vus);
            fputs(new_workload ? "" : "\n\n", wf);
            quoted(wf, label);
            fputs(" rps lo hi\n", wf);
        }
        FILE *outs[2] = {f, wf};
        for (int k = 0; k < 2; k++) {
            num(outs[k], c->server_cpus);
            num(outs[k], c->rps.median);
            num(outs[k], c->rps.median_ci.lo);
            num(outs[k], c->rps.median_ci.hi);
            fputs("\n", outs[k]);
        }
    }
    if (wf && fclose(wf) != 0)
        rc = -1;
    if (list && fclose(list) != 0)
        rc = -1;
    free(cells);
    if (rc != 0) {
        fclose(f);
        snprintf(err, errlen, "%s: cannot write the per-workload files", dir);
        return -1;
    }
    return finish_dat(f, dir, json_string_value(name), n > 0, err, errlen);
}

/* One run's per-second series: the driver's --timeseries output stored next to
 * the run file as run-NN.timeseries.jsonl, lines {"t", "requests", "p99_ms", ...}
 * and, when the study adds it, "server_cpu" (cores). The CPU column is written
 * only when some line has it, so the plot script can tell (STATS_columns). */
/* The run a time-series spec {"scenario", "config", "run"} names, or NULL. */
static const results_run_t *timeseries_run(const report_t *rep, json_t *spec) {
    json_t *sc = json_object_get(spec, "scenario"), *cf = json_object_get(spec, "config"),
           *rn = json_object_get(spec, "run");
    if (!json_is_string(sc))
        return NULL;
    const report_cell_t *cell = report_find_cell(rep, json_string_value(sc),
                                                 json_is_string(cf) ? json_string_value(cf) : NULL);
    for (size_t i = 0; cell && i < cell->cell->nvalid; i++)
        if (!json_is_integer(rn) || cell->cell->valid[i]->run == json_integer_value(rn))
            return cell->cell->valid[i];
    return NULL;
}

/* The figure's run: its own "scenario"/"config"/"run", or the first of its
 * "candidates" (same keys) that the results hold, so one spec serves result
 * sets made by different plans. */
static const results_run_t *timeseries_pick(const report_t *rep, json_t *fig) {
    json_t *cands = json_object_get(fig, "candidates");
    if (!json_is_array(cands))
        return timeseries_run(rep, fig);
    size_t i;
    json_t *c;
    json_array_foreach(cands, i, c) {
        const results_run_t *run = timeseries_run(rep, c);
        if (run)
            return run;
    }
    return NULL;
}

static int timeseries_dat(const report_t *rep, const char *dir, char *err, size_t errlen) {
    json_t *fig = results_json_path(rep->cfg.root, "figures.timeseries");
    json_t *name = json_object_get(fig, "name");
    if (!json_is_string(name))
        return 0;
    const results_run_t *run = timeseries_pick(rep, fig);
    json_t *lines = json_array();
    bool cpu = false;
    if (run) {
        char path[8192];
        snprintf(path, sizeof path, "%s/raw/%s", rep->results->dir, run->path);
        size_t len = strlen(path);
        if (len > 5 && strcmp(path + len - 5, ".json") == 0)
            snprintf(path + len - 5, sizeof path - (len - 5), ".timeseries.jsonl");
        FILE *in = fopen(path, "r");
        char *line = NULL;
        size_t cap = 0;
        while (in && getline(&line, &cap, in) > 0) {
            json_t *j = json_loads(line, 0, NULL);
            if (json_is_object(j) && json_is_number(json_object_get(j, "t"))) {
                cpu = cpu || json_is_number(json_object_get(j, "server_cpu"));
                json_array_append(lines, j);
            }
            json_decref(j);
        }
        free(line);
        if (in)
            fclose(in);
    }
    FILE *f = open_dat(dir, json_string_value(name), err, errlen);
    if (!f) {
        json_decref(lines);
        return -1;
    }
    fputs(cpu ? "t_s rps p99_ms server_cpu\n" : "t_s rps p99_ms\n", f);
    size_t i;
    json_t *j;
    json_array_foreach(lines, i, j) {
        num(f, results_json_number(j, "t"));
        num(f, results_json_number(j, "requests")); /* per one-second interval */
        num(f, results_json_number(j, "p99_ms"));
        if (cpu)
            num(f, results_json_number(j, "server_cpu"));
        fputs("\n", f);
    }
    size_t n = json_array_size(lines);
    json_decref(lines);
    /* a line needs two seconds: a sub-second run is not a series */
    return finish_dat(f, dir, json_string_value(name), n > 1, err, errlen);
}

int report_write_data(const report_t *rep, const char *dir, char *err, size_t errlen) {
    if (fs_mkdirs(dir, 0755) != 0) {
        snprintf(err, errlen, "%s: cannot create", dir);
        return -1;
    }
    if (basic_dat(rep, dir, err, errlen) || headline_dat(rep, dir, err, errlen) ||
        server_config_dat(rep, dir, err, errlen) || timeseries_dat(rep, dir, err, errlen) ||
        report_write_headline_cpu_dat(rep, dir, err, errlen) ||
        report_openload_dat(rep, dir, err, errlen))
        return -1;
    size_t i;
    json_t *fig;
    json_array_foreach(results_json_path(rep->cfg.root, "figures.percentiles"), i, fig) {
        if (percentile_dat(rep, fig, dir, err, errlen) != 0)
            return -1;
    }
    json_array_foreach(results_json_path(rep->cfg.root, "figures.bars"), i, fig) {
        if (bars_dat(rep, fig, dir, err, errlen) != 0)
            return -1;
    }
    return 0;
}
