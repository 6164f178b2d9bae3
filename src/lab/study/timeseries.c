#include "lab/study/timeseries.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/xalloc.h"

void cpu_series_start(cpu_series_t *cs, box_t *box, double t0) {
    memset(cs, 0, sizeof *cs);
    cs->box = box;
    cs->t0 = t0;
    cs->last_t = t0;
    if (box)
        box_stats(box, &cs->last);
}

static void sample(cpu_series_t *cs, double now) {
    box_stats_t st;
    if (box_stats(cs->box, &st) != 0 || !st.available)
        return;
    double used = (st.cpu_user_s + st.cpu_sys_s) - (cs->last.cpu_user_s + cs->last.cpu_sys_s);
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 64;
        double *grown = xrealloc(cs->cores, cap * sizeof *grown);
        if (!grown)
            return;
        cs->cores = grown;
        double *rss = xrealloc(cs->rss_mb, cap * sizeof *rss);
        if (!rss)
            return;
        cs->rss_mb = rss;
        cs->cap = cap;
    }
    cs->rss_mb[cs->n] = st.memory_rss_bytes > 0 ? (double)st.memory_rss_bytes / 1048576.0 : NAN;
    cs->cores[cs->n++] = used / (now - cs->last_t);
    cs->last = st;
    cs->last_t = now;
}

void cpu_series_tick(cpu_series_t *cs, double now) {
    if (cs && cs->box && now - cs->last_t >= 1.0)
        sample(cs, now);
}

void cpu_series_finish(cpu_series_t *cs, double now) {
    if (cs && cs->box && now - cs->last_t >= 0.5)
        sample(cs, now);
}

void cpu_series_free(cpu_series_t *cs) {
    free(cs->cores);
    cs->cores = NULL;
    free(cs->rss_mb);
    cs->rss_mb = NULL;
    cs->n = cs->cap = 0;
}

int timeseries_path(const char *run_file, char *buf, size_t len) {
    size_t n = strlen(run_file);
    if (n < 5 || strcmp(run_file + n - 5, ".json") != 0)
        return -1;
    int w = snprintf(buf, len, "%.*s.timeseries.jsonl", (int)(n - 5), run_file);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}

int timeseries_add_cpu(const char *path, const cpu_series_t *cs) {
    FILE *in = fopen(path, "r");
    if (!in)
        return -1;
    fs_atomic_t a;
    FILE *out = fs_atomic_open(&a, path);
    int rc = out ? 0 : -1;
    char *line = NULL;
    size_t cap = 0;
    for (size_t i = 0; out && getline(&line, &cap, in) > 0; i++) {
        json_t *j = json_loads(line, 0, NULL);
        if (json_is_object(j) && i < cs->n)
            json_object_set_new(j, "server_cpu", json_real(cs->cores[i]));
        if (json_is_object(j) && i < cs->n && cs->rss_mb && isfinite(cs->rss_mb[i]))
            json_object_set_new(j, "server_rss_mb", json_real(cs->rss_mb[i]));
        if (j) {
            char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (!text || fprintf(out, "%s\n", text) < 0)
                rc = -1;
            free(text);
            json_decref(j);
        } else if (fputs(line, out) < 0) {
            rc = -1;
        }
    }
    free(line);
    fclose(in);
    return out ? fs_atomic_commit(&a, rc == 0) : -1;
}
