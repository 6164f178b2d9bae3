/* `benchlab stress RUN.json`: the stress numbers of one run from its
 * per-second series (stress.h, docs/stress.md). A run whose driver ran
 * arrival-rate stages (21 spike) gets the spike's recovery time and dropped
 * and late iterations; any other run gets the soak's drift (server RSS and
 * p99 slopes with their intervals, error rate, leak flag). --json prints the
 * numbers as one JSON object. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/commands.h"
#include "lab/study_timeseries.h"
#include "lab/stress.h"

static int usage(void) {
    fprintf(stderr, "usage: benchlab stress RUN.json [--factor F] [--hold N] [--skip S] "
                    "[--level L] [--json]\n");
    return 2;
}

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
    double *dur = calloc(n + 1, sizeof *dur), *tgt = calloc(n + 1, sizeof *tgt);
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

int cmd_stress(int argc, char **argv) {
    const char *run = NULL;
    double factor = 2, hold = 3, skip = -1, level = 0.95;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            as_json = 1;
            continue;
        }
        if (a[0] != '-') {
            if (run)
                return usage();
            run = a;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "benchlab stress: %s needs a value\n", a);
            return usage();
        }
        double *dst = strcmp(a, "--factor") == 0  ? &factor
                      : strcmp(a, "--hold") == 0  ? &hold
                      : strcmp(a, "--skip") == 0  ? &skip
                      : strcmp(a, "--level") == 0 ? &level
                                                  : NULL;
        if (!dst) {
            fprintf(stderr, "benchlab stress: unknown flag \"%s\"\n", a);
            return usage();
        }
        char *end;
        errno = 0;
        *dst = strtod(argv[++i], &end);
        if (end == argv[i] || *end || errno || !(*dst >= 0) || (dst == &level && *dst >= 1) ||
            (dst == &hold && *dst < 1)) {
            fprintf(stderr, "benchlab stress: %s: bad value \"%s\"\n", a, argv[i]);
            return 2;
        }
    }
    if (!run)
        return usage();
    json_error_t je;
    json_t *rf = json_load_file(run, 0, &je);
    if (!rf) {
        fprintf(stderr, "benchlab stress: %s: %s (line %d)\n", run, je.text, je.line);
        return 1;
    }
    char tsp[PATH_MAX], err[512];
    ts_series_t ts;
    if (timeseries_path(run, tsp, sizeof tsp) != 0 || ts_series_load(tsp, &ts, err, sizeof err)) {
        fprintf(stderr, "benchlab stress: %s: no per-second series: %s\n", run, err);
        json_decref(rf);
        return 1;
    }
    const json_t *stages =
        json_object_get(json_object_get(json_object_get(rf, "summary"), "config"), "stages");
    const char *ex = json_string_value(json_object_get(stages, "executor"));
    json_t *out = NULL;
    if (ex && strcmp(ex, "ramping-arrival-rate") == 0) {
        out = spike(stages, &ts, factor, (int)hold);
        if (!out)
            fprintf(stderr, "benchlab stress: %s: no spike in the stages, or no second before it\n",
                    run);
    } else {
        drift_result_t d;
        double last = ts.n ? ts.t[ts.n - 1] + 1 : 0;
        double sk = skip >= 0 ? skip : fmax(1, 0.1 * last); /* warm-up left out */
        if (soak_drift(&ts, sk, level, &d) == 0)
            out = json_pack("{s:s, s:f, s:f, s:o, s:o, s:f, s:f, s:b, s:b}", "kind", "soak",
                            "skip_s", sk, "level", level, "rss_mb_per_min", slope_json(&d.rss, 60),
                            "p99_ms_per_min", slope_json(&d.p99, 60), "error_rate", d.error_rate,
                            "requests", d.requests, "rss_sampled", d.rss.n > 0, "leak", d.leak);
        else
            fprintf(stderr, "benchlab stress: %s: fewer than 3 seconds after the first %g s\n", run,
                    sk);
    }
    ts_series_free(&ts);
    if (out) {
        json_object_set_new(out, "run", json_string(run));
        json_object_set(out, "scenario", json_object_get(rf, "scenario"));
        json_object_set(out, "config", json_object_get(rf, "config"));
    }
    json_decref(rf);
    if (!out)
        return 1;
    if (as_json) {
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(out, key, v) {
            char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(6));
            printf("%-20s %s\n", key, s);
            free(s);
        }
    }
    json_decref(out);
    return 0;
}
