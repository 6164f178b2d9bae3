/* Stress numbers of one run file (stress_run.h). */
#include "lab/results/stress_run.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/results/stress.h"
#include "lab/study/timeseries.h"

static json_t *num_or_null(double v) {
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *slope_json(const slope_t *s, double per) {
    if (s->n == 0)
        return json_null();
    return json_pack("{s:f, s:f, s:f, s:i}", "slope", s->slope * per, "lo", s->lo * per, "hi",
                     s->hi * per, "n", (int)s->n);
}

/* 21 spike: the stages' window, then the recovery. */
static json_t *spike(const json_t *stages, const ts_series_t *ts, double factor, int hold) {
    const json_t *list = json_object_get(stages, "stages");
    size_t n = json_array_size(list);
    double *dur = xcalloc(n + 1, sizeof *dur), *tgt = xcalloc(n + 1, sizeof *tgt);
    for (size_t i = 0; i < n; i++) {
        dur[i] = json_number_value(json_object_get(json_array_get(list, i), "duration_s"));
        tgt[i] = json_number_value(json_object_get(json_array_get(list, i), "target"));
    }
    double from = 0, to = 0;
    int w =
        spike_window(dur, tgt, n, json_number_value(json_object_get(stages, "start")), &from, &to);
    free(dur);
    free(tgt);
    spike_result_t r;
    if (w != 0 || spike_recovery(ts, from, to, factor, hold, &r) != 0)
        return NULL;
    return json_pack("{s:s, s:f, s:f, s:f, s:o, s:f, s:b, s:o, s:f, s:f, s:f, s:f}", "kind",
                     "spike", "spike_from_s", from, "spike_to_s", to, "factor", factor,
                     "baseline_p99_ms", num_or_null(r.baseline_p99_ms), "peak_p99_ms",
                     r.peak_p99_ms, "recovered", r.recovered, "recovery_s",
                     num_or_null(r.recovery_s), "dropped", r.dropped, "late", r.late,
                     "dropped_from_spike", r.dropped_spike, "late_from_spike", r.late_spike);
}

json_t *stress_analyze_run(const char *run, const json_t *root, const stress_opts_t *o, char *err,
                           size_t errlen) {
    char tsp[PATH_MAX], why[512] = "";
    ts_series_t ts;
    if (timeseries_path(run, tsp, sizeof tsp) != 0 || ts_series_load(tsp, &ts, why, sizeof why)) {
        snprintf(err, errlen, "%s: no per-second series: %s", run, why);
        return NULL;
    }
    const json_t *stages =
        json_object_get(json_object_get(json_object_get(root, "summary"), "config"), "stages");
    const char *ex = json_string_value(json_object_get(stages, "executor"));
    json_t *out = NULL;
    if (ex && strcmp(ex, "ramping-arrival-rate") == 0) {
        out = spike(stages, &ts, o->factor, o->hold);
        if (!out)
            snprintf(err, errlen, "%s: no spike in the stages, or no second before it", run);
    } else {
        drift_result_t d;
        double last = ts.n ? ts.t[ts.n - 1] + 1 : 0;
        double sk = o->skip >= 0 ? o->skip : fmax(1, 0.1 * last); /* warm-up left out */
        if (soak_drift(&ts, sk, o->level, &d) == 0)
            out =
                json_pack("{s:s, s:f, s:f, s:o, s:o, s:f, s:f, s:b, s:b}", "kind", "soak", "skip_s",
                          sk, "level", o->level, "rss_mb_per_min", slope_json(&d.rss, 60),
                          "p99_ms_per_min", slope_json(&d.p99, 60), "error_rate", d.error_rate,
                          "requests", d.requests, "rss_sampled", d.rss.n > 0, "leak", d.leak);
        else
            snprintf(err, errlen, "%s: fewer than 3 seconds after the first %g s", run, sk);
    }
    ts_series_free(&ts);
    if (out) {
        json_object_set_new(out, "run", json_string(run));
        json_object_set(out, "scenario", json_object_get(root, "scenario"));
        json_object_set(out, "config", json_object_get(root, "config"));
    }
    return out;
}
