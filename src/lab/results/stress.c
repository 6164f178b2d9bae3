/* Spike recovery and soak drift from per-second series (stress.h). */
#include "lab/results/stress.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/results/stats.h"

void ts_series_free(ts_series_t *s) {
    double **cols[] = {&s->t,       &s->requests, &s->errors,     &s->p50_ms,       &s->p99_ms,
                       &s->dropped, &s->late,     &s->server_cpu, &s->server_rss_mb};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        free(*cols[i]);
        *cols[i] = NULL;
    }
    s->n = 0;
}

static int grow(ts_series_t *s, size_t cap) {
    double **cols[] = {&s->t,       &s->requests, &s->errors,     &s->p50_ms,       &s->p99_ms,
                       &s->dropped, &s->late,     &s->server_cpu, &s->server_rss_mb};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        double *g = xrealloc(*cols[i], cap * sizeof *g);
        if (!g)
            return -1;
        *cols[i] = g;
    }
    return 0;
}

static double num(const json_t *o, const char *k, double missing) {
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : missing;
}

int ts_series_load(const char *path, ts_series_t *s, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t linecap = 0, cap = 0, lineno = 0;
    int rc = 0;
    while (getline(&line, &linecap, f) > 0) {
        lineno++;
        if (line[strspn(line, " \t\r\n")] == 0)
            continue;
        json_error_t je;
        json_t *j = json_loads(line, 0, &je);
        if (!json_is_object(j) || !json_is_number(json_object_get(j, "t"))) {
            snprintf(err, errlen, "%s:%zu: expected a JSON object with \"t\"%s%s", path, lineno,
                     j ? "" : ": ", j ? "" : je.text);
            json_decref(j);
            rc = -1;
            break;
        }
        if (s->n == cap && grow(s, cap = cap ? cap * 2 : 64)) {
            snprintf(err, errlen, "%s: out of memory", path);
            json_decref(j);
            rc = -1;
            break;
        }
        size_t i = s->n++;
        s->t[i] = num(j, "t", 0);
        s->requests[i] = num(j, "requests", 0);
        s->errors[i] = num(j, "errors", 0);
        s->p50_ms[i] = num(j, "p50_ms", NAN);
        s->p99_ms[i] = num(j, "p99_ms", NAN);
        s->dropped[i] = num(j, "dropped", 0);
        s->late[i] = num(j, "late", 0);
        s->server_cpu[i] = num(j, "server_cpu", NAN);
        s->server_rss_mb[i] = num(j, "server_rss_mb", NAN);
        json_decref(j);
    }
    free(line);
    fclose(f);
    if (rc)
        ts_series_free(s);
    return rc;
}

int spike_window(const double *dur, const double *target, size_t n, double start, double *from_s,
                 double *to_s) {
    /* the level at t = 0: after the leading 0 s stages (steps at the start) */
    double base = start, at = 0;
    size_t i = 0;
    for (; i < n && dur[i] <= 0; i++)
        base = target[i];
    double eps = 1e-9 * (fabs(base) + 1), from = base;
    int found = 0;
    for (size_t k = 0; k < n; k++) {
        if (k >= i && !found && target[k] > base + eps) {
            *from_s = at;
            found = 1;
        }
        if (found && from > base + eps)
            *to_s = at + dur[k];
        at += dur[k];
        from = target[k];
    }
    if (!found)
        return -1;
    if (*to_s < *from_s)
        *to_s = at; /* never comes back down: the spike lasts to the end */
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int spike_recovery(const ts_series_t *s, double from_s, double to_s, double factor, int hold,
                   spike_result_t *out) {
    memset(out, 0, sizeof *out);
    out->recovery_s = NAN;
    double *pre = xmalloc((s->n + 1) * sizeof *pre);
    if (!pre)
        return -1;
    size_t npre = 0, first = 0;
    size_t before = 0;
    for (size_t i = 0; i < s->n; i++)
        before += s->t[i] + 1 <= from_s;
    if (before >= 3)
        first = 1; /* the first second: connections opening, caches cold */
    for (size_t i = 0; i < s->n; i++) {
        out->dropped += s->dropped[i];
        out->late += s->late[i];
        if (s->t[i] + 1 > from_s) {
            out->dropped_spike += s->dropped[i];
            out->late_spike += s->late[i];
            if (isfinite(s->p99_ms[i]) && s->requests[i] > 0 && s->p99_ms[i] > out->peak_p99_ms)
                out->peak_p99_ms = s->p99_ms[i];
        } else if (s->t[i] >= (double)first && s->requests[i] > 0 && isfinite(s->p99_ms[i])) {
            pre[npre++] = s->p99_ms[i];
        }
    }
    if (npre == 0) {
        free(pre);
        return -1;
    }
    qsort(pre, npre, sizeof *pre, cmp_double);
    out->baseline_p99_ms =
        npre % 2 ? pre[npre / 2] : (pre[npre / 2 - 1] + pre[npre / 2]) / 2; /* median */
    free(pre);
    double limit = factor * out->baseline_p99_ms;
    for (size_t i = 0; i < s->n; i++) {
        if (s->t[i] < to_s)
            continue;
        int ok = 1, seen = 0;
        for (size_t k = i; k < s->n && seen < hold; k++, seen++)
            if (!(s->requests[k] > 0) || !(s->p99_ms[k] <= limit)) {
                ok = 0;
                break;
            }
        if (ok && seen > 0) {
            out->recovered = 1;
            out->recovery_s = s->t[i] - to_s;
            if (out->recovery_s < 0)
                out->recovery_s = 0;
            break;
        }
    }
    return 0;
}

int ls_slope(const double *x, const double *y, size_t n, double level, slope_t *out) {
    memset(out, 0, sizeof *out);
    double sx = 0, sy = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            sx += x[i];
            sy += y[i];
            m++;
        }
    out->n = m;
    if (m < 3)
        return -1;
    double mx = sx / (double)m, my = sy / (double)m, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
    if (!(sxx > 0))
        return -1;
    double b = sxy / sxx, a = my - b * mx, sse = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            double r = y[i] - (a + b * x[i]);
            sse += r * r;
        }
    double se = sqrt(sse / (double)(m - 2) / sxx);
    double tq = stats_t_quantile(1 - (1 - level) / 2, (double)(m - 2));
    out->slope = b;
    out->lo = b - tq * se;
    out->hi = b + tq * se;
    return 0;
}

int soak_drift(const ts_series_t *s, double skip_s, double level, drift_result_t *out) {
    memset(out, 0, sizeof *out);
    size_t i0 = 0;
    while (i0 < s->n && s->t[i0] < skip_s)
        i0++;
    size_t m = s->n - i0;
    if (m < 3)
        return -1;
    double errors = 0;
    for (size_t i = i0; i < s->n; i++) {
        errors += s->errors[i];
        out->requests += s->requests[i];
    }
    out->error_rate = out->requests > 0 ? errors / out->requests : 0;
    /* p99 of seconds with responses only (an empty second has no p99) */
    double *p99 = xmalloc(m * sizeof *p99);
    if (!p99)
        return -1;
    for (size_t i = 0; i < m; i++)
        p99[i] = s->requests[i0 + i] > 0 ? s->p99_ms[i0 + i] : NAN;
    ls_slope(s->t + i0, p99, m, level, &out->p99);
    free(p99);
    if (ls_slope(s->t + i0, s->server_rss_mb + i0, m, level, &out->rss) == 0)
        out->leak = out->rss.lo > 0;
    return 0;
}
